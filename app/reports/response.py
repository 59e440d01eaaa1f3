"""The partnership's response to a set of reviews, by theme (seeds 002 and 003).

For each theme: the recommendations with their numbers and source review, the board's
response, each partner agency's own response where one is recorded, "Actions taken and
changes made" (completed actions) and "Actions to be taken" (open ones). Actions the plan
attaches to a theme as a whole (seed 002 does this) are listed under that theme.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from app.errors import UserError
from app import rules
from app.queries.action_plan import ActionRow, PlanFilter, read_action_plan
from app.queries.reviews import RecommendationRow, read_recommendations, read_themes
from app.reports.as_at import as_recorded_note, marked
from app.reports.doc import (
    Heading,
    ReportResult,
    build_paper,
    bullet,
    nothing_to_show,
    para,
)
from app.reports.formatting import DateText
from app.reports.table import Column, FastTable, Row
from app.settings import get_settings
from app.text import clean
from db.models import Agency, AgencyResponse, ListItem, Review

TITLE = "Partnership response to reviews"
NO_THEME = "Other recommendations"

REVIEW_COLUMNS = [Column("Ref", 14), Column("Review", 32), Column("Type", 24), Column("Published", 13),
                  Column("Recommendations", 17, align="right")]


def _find_reviews(session: Session, refs: list[str]) -> list[tuple]:
    wanted = list(dict.fromkeys(clean(r) for r in refs if clean(r)))
    if not wanted:
        raise UserError("Choose at least one review for the response (--review REF).")
    review_type = aliased(ListItem)
    rows = session.execute(
        select(Review.id, Review.reference, Review.title, review_type.name, Review.published_on)
        .join(review_type, review_type.id == Review.review_type_id)
        .where(Review.reference.in_(wanted), Review.archived_at.is_(None))
    ).all()
    missing = [ref for ref in wanted if ref not in {row[1] for row in rows}]
    if missing:
        raise UserError(f"Review: there is no review {', '.join(repr(m) for m in missing)}.", field="review")
    order = {ref: i for i, ref in enumerate(wanted)}
    return sorted(rows, key=lambda row: order[row[1]])


def _agency_responses(session: Session, rec_ids: list[int], as_at: dt.date) -> dict[int, list[tuple[str, str]]]:
    """Each recommendation's agency responses given by ``as_at`` (or with no date recorded)."""
    rows = session.execute(
        select(AgencyResponse.recommendation_id, Agency.name, AgencyResponse.text)
        .join(Agency, Agency.id == AgencyResponse.agency_id)
        .where(AgencyResponse.recommendation_id.in_(rec_ids), AgencyResponse.archived_at.is_(None),
               or_(AgencyResponse.response_on.is_(None), AgencyResponse.response_on <= as_at))
        .order_by(AgencyResponse.recommendation_id, Agency.name)
    )
    found: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for rec_id, agency, text in rows:
        found[rec_id].append((agency, text))
    return found


def _action_bullet(action: ActionRow, date_text: DateText, as_at: dt.date) -> object:
    """An action in words: what, who, and where it stands (completed, closed with its
    reason, or open with its target, flagged when overdue)."""
    who = action.lead_agency or "No lead agency"
    if action.state == rules.COMPLETED:
        when = f", completed {date_text(action.completed_on)}" if action.completed_on else ""
        text = f"{action.description} ({who}{when})"
        if action.evidence_of_impact:
            text += f"\nImpact: {action.evidence_of_impact}"
    elif action.state == rules.CLOSED:
        when = f" on {date_text(action.completed_on)}" if action.completed_on else ""
        text = f"{action.description} ({who}; {action.status}{when})"
    else:
        target = date_text(action.target_on) or action.target_text
        text = f"{action.description} ({who}{', target ' + target if target else ''})"
        if action.state == rules.OVERDUE:
            text += f" – OVERDUE by {(as_at - action.target_on).days} days"
    return bullet(marked(text, action.as_recorded))


def _response_text(status: str, text: str) -> str:
    """"Accepted. The Board will…", without saying "Accepted" twice when the text starts with it."""
    if not text:
        return f"{status}. No narrative recorded yet." if status else "No response recorded yet."
    if not status or text.casefold().startswith(status.casefold()):
        return text
    return f"{status}. {text}"


def _theme_story(name: str, recs: list[RecommendationRow], actions: list[ActionRow],
                 agency_responses: dict[int, list[tuple[str, str]]], date_text: DateText, as_at: dt.date) -> list:
    story = [Heading(f"Theme \u2013 {name}", 0), para("Recommendations", "h3")]
    for rec in recs:
        addressed = f" To: {rec.addressed_to}." if rec.addressed_to else ""
        story.append(para(f"{rec.text}", bold_prefix=f"{marked(rec.label, rec.as_recorded)}."))
        story.append(para(f"Source: {rec.review_title} ({rec.review_reference}).{addressed}", "note"))
    story.append(para("Board\u2019s response", "h3"))
    responses = list(dict.fromkeys((r.response_status, r.board_response) for r in recs
                                   if r.board_response or r.response_status))
    if not responses:
        story.append(nothing_to_show("No response has been recorded yet."))
    elif len(responses) == 1:
        story.append(para(_response_text(*responses[0])))
    else:
        for rec in recs:
            story.append(para(_response_text(rec.response_status, rec.board_response),
                              bold_prefix=f"Recommendation {rec.label}:"))
    with_agencies = [rec for rec in recs if agency_responses.get(rec.id)]
    if with_agencies:
        story.append(para("Partner agencies\u2019 responses", "h3"))
        for rec in with_agencies:
            for agency, text in agency_responses[rec.id]:
                story.append(para(text, bold_prefix=f"Recommendation {rec.label}, {agency}:"))
    done = [a for a in actions if a.state == rules.COMPLETED]
    closed = [a for a in actions if a.state == rules.CLOSED]
    to_do = [a for a in actions if a.state not in (rules.COMPLETED, rules.CLOSED)]
    story.append(para("Actions taken and changes made", "h3"))
    story += [_action_bullet(a, date_text, as_at) for a in done] or [nothing_to_show("None recorded yet.")]
    if closed:
        story.append(para("Actions closed without being completed", "h3"))
        story += [_action_bullet(a, date_text, as_at) for a in closed]
    story.append(para("Actions to be taken", "h3"))
    story += [_action_bullet(a, date_text, as_at) for a in to_do] or [nothing_to_show("None outstanding.")]
    return story


def build_response(session: Session, out_path: Path, *, review_refs: list[str], as_at: dt.date | None = None,
                   generated: dt.datetime | None = None) -> ReportResult:
    """Write the partnership response for the reviews with these references, as at ``as_at``
    (default today).

    Raises ``UserError`` for no review, an unknown reference, or reviews without recommendations.
    """
    as_at = as_at or dt.date.today()
    reviews = _find_reviews(session, review_refs)
    settings = get_settings(session)
    date_text = DateText(settings)
    recs = read_recommendations(session, [row[0] for row in reviews], as_at)
    if not recs:
        raise UserError("The chosen reviews have no recommendations recorded, so there is nothing to respond to.")
    rec_ids = {r.id for r in recs}
    plan = read_action_plan(session, as_at, PlanFilter(
        recommendation_ids=tuple(rec_ids),
        unlinked_theme_ids=tuple(r.theme_id for r in recs if r.theme_id is not None)))
    per_rec_count = defaultdict(int)
    for rec in recs:
        per_rec_count[rec.review_id] += 1
    story = [para(TITLE, "title"),
             para(f"As at {date_text(as_at)}: the recommendations of the reviews below, grouped by theme, with "
                  "the board\u2019s response and what has been done and is still to do.", "subtitle"),
             FastTable(REVIEW_COLUMNS, [Row((ref, title, type_name,
                                             date_text(published) if published and published <= as_at
                                             else "Not yet published", str(per_rec_count[rid])))
                                        for rid, ref, title, type_name, published in reviews])]
    agency_responses = _agency_responses(session, sorted(rec_ids), as_at)
    for theme_id, name in [*read_themes(session), (None, NO_THEME)]:
        theme_recs = [r for r in recs if r.theme_id == theme_id]
        if not theme_recs:
            continue
        ids = {r.id for r in theme_recs}
        theme_actions = [a for a in plan.rows if ids.intersection(a.recommendation_ids)
                         or (not a.recommendation_ids and a.theme_id == theme_id)]
        story += _theme_story(name, theme_recs, theme_actions, agency_responses, date_text, as_at)
    if plan.as_recorded or any(r.as_recorded for r in recs):
        story.append(as_recorded_note(as_at, date_text))
    return build_paper(out_path, settings, TITLE, story, generated=generated)

"""The partnership's response to a set of reviews (seeds 002 and 003), as at a date.

Review by review, in the order asked for; within each, every recommendation in the review's
own order, each followed by the board's response (given once: a recommendation whose
response is the same as the one before says so), each partner agency's own response, and
the actions answering it: their lead, target (and revised target), status (a closed
action's reason, never "completed" unless it was, with evidence), evidence, and a visible
OVERDUE flag. Actions the plan attaches to a theme as a whole (seed 002 does this) follow
the review's recommendations on that theme.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from app.errors import UserError
from app.queries.action_plan import ActionRow, PlanFilter, read_action_plan
from app.queries.reviews import RecommendationRow, read_recommendations
from app.reports.as_at import as_recorded_note, marked
from app.reports.doc import Heading, ReportResult, build_paper, nothing_to_show, para
from app.reports.formatting import DateText, status_cell, target_cell
from app.reports.table import Column, FastTable, Row
from app.settings import get_settings
from app.text import clean
from db.models import Agency, AgencyResponse, ListItem, Review

TITLE = "Partnership response to reviews"

REVIEW_COLUMNS = [Column("Ref", 14, min_width=80), Column("Review", 32), Column("Type", 24), Column("Published", 13),
                  Column("Recommendations", 17, align="right", min_width=100)]
ACTION_COLUMNS = [Column("Ref", 8, min_width=50), Column("Action", 34), Column("Lead agency and officer", 17),
                  Column("Target (revised)", 11, min_width=60), Column("Status", 14, min_width=60),
                  Column("Evidence", 22)]


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


def _response_text(status: str, text: str) -> str:
    """"Accepted. The Board will…", without saying "Accepted" twice when the text starts with it."""
    if not text:
        return f"{status}. No narrative recorded yet." if status else "No response recorded yet."
    if not status or text.casefold().startswith(status.casefold()):
        return text
    return f"{status}. {text}"


def _action_table(actions: list[ActionRow], as_at: dt.date, date_text: DateText) -> FastTable:
    rows = []
    for a in actions:
        lead = "\n".join(part for part in (a.lead_agency or "No lead agency", a.lead_officer) if part)
        evidence = "\n".join(f"{label}: {text}" for label, text in (
            ("Required", a.evidence_required), ("Completion", a.evidence_of_completion),
            ("Impact", a.evidence_of_impact)) if text)
        rows.append(Row((marked(a.reference, a.as_recorded), a.description, lead, target_cell(a, date_text),
                         status_cell(a, as_at, date_text), evidence)))
    return FastTable(ACTION_COLUMNS, rows)


class _Review:
    """One review's part of the paper."""

    def __init__(self, recs: list[RecommendationRow], actions: list[ActionRow],
                 agency_responses: dict[int, list[tuple[str, str]]], date_text: DateText, as_at: dt.date):
        self.recs, self.actions = recs, actions
        self.agency_responses, self.date_text, self.as_at = agency_responses, date_text, as_at

    def story(self) -> list:
        story = []
        previous: tuple[str, str] | None = None
        previous_label = ""
        for rec in self.recs:
            addressed = f" To: {rec.addressed_to}." if rec.addressed_to else ""
            theme = f" Theme: {rec.theme}." if rec.theme else ""
            story += [Heading(marked(rec.label, rec.as_recorded), 1), para(rec.text),
                      para(f"{theme}{addressed}".strip(), "note") if theme or addressed else None]
            response = (rec.response_status, rec.board_response)
            if response == previous and (rec.board_response or rec.response_status):
                story.append(para(f"As for {previous_label} above.", bold_prefix="Board\u2019s response:"))
            else:
                story.append(para(_response_text(*response), bold_prefix="Board\u2019s response:"))
            previous, previous_label = response, rec.label
            for agency, text in self.agency_responses.get(rec.id, []):
                story.append(para(text, bold_prefix=f"{agency}\u2019s response:"))
            mine = [a for a in self.actions if rec.id in a.recommendation_ids]
            # The table's own headings introduce it: a heading kept with a table would carry
            # the whole table over to the next page whenever it does not fit where it starts.
            story.append(_action_table(mine, self.as_at, self.date_text) if mine
                         else nothing_to_show("No actions recorded for this recommendation yet."))
        themes = {rec.theme_id: rec.theme for rec in self.recs if rec.theme_id is not None}
        for theme_id, name in themes.items():
            whole = [a for a in self.actions if not a.recommendation_ids and a.theme_id == theme_id]
            if whole:
                story += [Heading(f"Actions on the theme as a whole: {name}", 1),
                          _action_table(whole, self.as_at, self.date_text)]
        return [item for item in story if item is not None]


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
    plan = read_action_plan(session, as_at, PlanFilter(
        recommendation_ids=tuple(r.id for r in recs),
        unlinked_theme_ids=tuple(r.theme_id for r in recs if r.theme_id is not None)))
    per_review: dict[int, list[RecommendationRow]] = defaultdict(list)
    for rec in sorted(recs, key=lambda r: r.number):
        per_review[rec.review_id].append(rec)
    story = [para(TITLE, "title"),
             para(f"As at {date_text(as_at)}: each review\u2019s recommendations in its own order, with the "
                  "board\u2019s response, each agency\u2019s response, and the actions taken and to be taken.",
                  "subtitle"),
             FastTable(REVIEW_COLUMNS, [Row((ref, title, type_name,
                                             date_text(published) if published and published <= as_at
                                             else "Not yet published", str(len(per_review[rid]))))
                                        for rid, ref, title, type_name, published in reviews])]
    agency_responses = _agency_responses(session, [r.id for r in recs], as_at)
    for rid, ref, title, _type_name, _published in reviews:
        story.append(Heading(f"{ref} \u2013 {title}", 0))
        if per_review[rid]:
            story += _Review(per_review[rid], plan.rows, agency_responses, date_text, as_at).story()
        else:
            story.append(nothing_to_show("No recommendations are recorded for this review."))
    if plan.as_recorded or any(r.as_recorded for r in recs):
        story.append(as_recorded_note(as_at, date_text))
    return build_paper(out_path, settings, TITLE, story, generated=generated)

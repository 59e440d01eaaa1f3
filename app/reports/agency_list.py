"""One agency's action list, for its lead officer to take to their own meeting.

Its open actions as at the paper's date, grouped under the recommendation each answers
(the recommendation's words beneath its number, so the officer need not look it up), overdue
ones first within each; each with its lead officer, the evidence required, its target (and
revision), status, RAG rating and latest update, and room for notes. Then the learning the
agency was asked to spread: the briefings and events of the reviews it has actions on, and
when and how it recorded spreading each, or that it has not yet.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from app import lookups, rules
from app.queries.action_plan import ActionRow, PlanFilter, read_action_plan
from app.reports.as_at import as_recorded_note, marked
from app.reports.doc import Heading, ReportResult, build_paper, nothing_to_show, para
from app.reports.formatting import DateText, rag_text, status_cell, target_cell, update_cell
from app.reports.table import Column, FastTable, Row, group_row, note_row
from app.settings import get_settings
from app.text import plural
from db.models import Dissemination, LearningEvent, ListItem, Review

TITLE = "Agency action list"
NO_RECOMMENDATION = "Actions not linked to a recommendation"

COLUMNS = [
    Column("Ref", 6, min_width=48),
    Column("Action", 22),
    Column("Lead officer", 10),
    Column("Evidence required", 14),
    Column("Target (revised)", 8, min_width=56),
    Column("Status", 9, min_width=56),
    Column("RAG", 4.5, rag=True, min_width=34),
    Column("Latest update", 18),
    Column("Notes", 8.5),
]
LEARNING_COLUMNS = [
    Column("Held", 9, min_width=56), Column("Learning event or briefing", 34), Column("Type", 16),
    Column("Review", 12), Column("Spread by the agency", 10, min_width=56), Column("Evidence of spreading it", 28),
]


def _action_rows(plan, actions: list[ActionRow], date_text: DateText) -> list[Row]:
    """The actions under the recommendation each answers first, overdue ones first."""
    by_rec: dict[object, list[ActionRow]] = defaultdict(list)
    for action in actions:
        recs = plan.recommendations_of(action)
        by_rec[min(recs, key=lambda r: (r.review_reference, r.number)) if recs else None].append(action)
    rows = []
    for rec in sorted((r for r in by_rec if r is not None), key=lambda r: (r.review_reference, r.number)):
        rows += [group_row(f"{rec.label} \u2013 {rec.review_title}"), note_row(rec.text)]
        rows += [_row(a, plan.as_at, date_text) for a in by_rec[rec]]
    if by_rec.get(None):
        rows += [group_row(NO_RECOMMENDATION), *(_row(a, plan.as_at, date_text) for a in by_rec[None])]
    return rows


def _row(a: ActionRow, as_at: dt.date, date_text: DateText) -> Row:
    also = [f"Also answers {a.recommendations}."] if len(a.recommendation_ids) > 1 else []
    return Row((marked(a.reference, a.as_recorded), "\n".join([a.description, *also]), a.lead_officer or "",
                a.evidence_required or "", target_cell(a, date_text), status_cell(a, as_at, date_text), rag_text(a.rag),
                update_cell(a, date_text), ""))


def _learning(session: Session, agency_id: int, review_ids: set[int], as_at: dt.date, date_text: DateText) -> list:
    """The learning events of the reviews the agency has actions on (held by ``as_at``), with
    the agency's own record of spreading each."""
    event_type = aliased(ListItem)
    events = session.execute(
        select(LearningEvent.id, LearningEvent.held_on, LearningEvent.title, event_type.name, Review.reference)
        .join(event_type, event_type.id == LearningEvent.event_type_id)
        .join(Review, Review.id == LearningEvent.review_id)
        .where(LearningEvent.archived_at.is_(None), LearningEvent.review_id.in_(review_ids),
               (LearningEvent.held_on.is_(None)) | (LearningEvent.held_on <= as_at))
        .order_by(LearningEvent.held_on.nulls_first(), LearningEvent.id)  # undated first on either engine
    ).all()
    spread = {event_id: (on, evidence) for event_id, on, evidence in session.execute(
        select(Dissemination.learning_event_id, Dissemination.disseminated_on, Dissemination.evidence)
        .where(Dissemination.agency_id == agency_id, Dissemination.archived_at.is_(None),
               (Dissemination.disseminated_on.is_(None)) | (Dissemination.disseminated_on <= as_at)))}
    story = [Heading("Spreading the learning", 0)]
    if not events:
        return story + [nothing_to_show("No learning events or briefings are recorded for these reviews.")]
    rows = []
    for event_id, held, title, type_name, ref in events:
        on, evidence = spread.get(event_id, (None, None))
        done = date_text(on) if on else ("Recorded, no date" if event_id in spread else "Not yet recorded")
        rows.append(Row((date_text(held), title, type_name, ref, done, evidence or "")))
    missing = sum(event_id not in spread for event_id, *_ in events)
    return story + [para(f"The learning events and briefings of the reviews the agency has actions on: "
                         f"{missing} of {len(events)} not yet recorded as spread by it.", "note"),
                    FastTable(LEARNING_COLUMNS, rows)]


def build_agency_list(session: Session, out_path: Path, *, agency: str, as_at: dt.date | None = None,
                      generated: dt.datetime | None = None) -> ReportResult:
    """Write the open actions of ``agency`` (any of its spellings) as at ``as_at`` (default
    today), and the learning it was asked to spread; ``UserError`` if the agency is unknown."""
    as_at = as_at or dt.date.today()
    found = lookups.agency(session, agency)
    settings = get_settings(session)
    date_text = DateText(settings)
    plan = read_action_plan(session, as_at, PlanFilter(agency_id=found.id, open_only=True))
    actions = sorted(plan.rows, key=lambda a: (a.state != rules.OVERDUE, a.target_on or dt.date.max, a.reference))
    overdue = sum(a.state == rules.OVERDUE for a in actions)
    soon = sum(a.state == rules.DUE_SOON for a in actions)
    title = f"{TITLE}: {found.name}"
    story = [Heading(title, 0),
             para(f"Open actions led by {found.name}, as at {date_text(as_at)}: {plural(len(actions), 'action')}, "
                  f"{overdue} overdue and {soon} due in the next {rules.DUE_SOON_DAYS} days. Under each "
                  "recommendation, overdue actions come first.", "subtitle")]
    if actions:
        story.append(FastTable(COLUMNS, _action_rows(plan, actions, date_text)))
    else:
        story.append(nothing_to_show(f"{found.name} has no open actions."))
    reviews = {plan.recommendations[i].review_id for a in actions for i in a.recommendation_ids
               if i in plan.recommendations}
    story += _learning(session, found.id, reviews, as_at, date_text)
    if plan.as_recorded:
        story.append(as_recorded_note(as_at, date_text))
    return build_paper(out_path, settings, title, story, wide=True, generated=generated)

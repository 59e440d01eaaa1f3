"""One agency's open actions, for its lead officer to take to their own meeting.

Overdue actions come first, then the rest by target date; each row says which review and
recommendation the action answers, and leaves room for notes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy.orm import Session

from app import lookups
from app.registers import recommendation_numbers_text
from app.reports.action_data import ActionFilter, load_actions, load_recommendations
from app.reports.doc import Heading, ReportResult, build_paper, nothing_to_show, para
from app.reports.formatting import (
    DateText,
    rag_text,
    status_cell,
    target_cell,
    update_cell,
)
from app.reports.table import Column, FastTable, Row
from app.settings import get_settings
from app.text import plural

TITLE = "Agency action list"
DUE_SOON_DAYS = 30

COLUMNS = [
    Column("Ref", 6),
    Column("Recommendation", 11),
    Column("Action", 25),
    Column("Lead officer", 10),
    Column("Target (revised)", 8),
    Column("Status", 8),
    Column("RAG", 5.5, rag=True),
    Column("Latest update", 18),
    Column("Notes", 8.5),
]


def build_agency_list(session: Session, out_path: Path, *, agency: str, as_at: dt.date | None = None,
                      generated: dt.datetime | None = None) -> ReportResult:
    """Write the open actions of ``agency`` (any of its spellings); ``UserError`` if unknown."""
    as_at = as_at or dt.date.today()
    found = lookups.agency(session, agency)
    settings = get_settings(session)
    date_text = DateText(settings)
    actions = load_actions(session, ActionFilter(agency_id=found.id, open_only=True))
    actions.sort(key=lambda a: (not a.overdue_on(as_at), a.target_on or dt.date.max, a.reference))
    labels = {r.id: (r.review_reference, r.number) for r in load_recommendations(session)}
    overdue = sum(a.overdue_on(as_at) for a in actions)
    soon = sum(1 for a in actions if a.target_on and 0 <= (a.target_on - as_at).days <= DUE_SOON_DAYS)
    title = f"{TITLE}: {found.name}"
    story = [Heading(title, 0),
             para(f"Open actions led by {found.name}, as at {date_text(as_at)}: {plural(len(actions), 'action')}, "
                  f"{overdue} overdue and {soon} due in the next {DUE_SOON_DAYS} days. Overdue actions come first.",
                  "subtitle")]
    if not actions:
        story.append(nothing_to_show(f"{found.name} has no open actions."))
        return build_paper(out_path, settings, title, story, wide=True, generated=generated)
    rows = []
    for a in actions:
        numbers = recommendation_numbers_text([labels[i] for i in a.recommendation_ids if i in labels])
        rows.append(Row((a.reference, numbers, a.description, a.lead_officer, target_cell(a, date_text),
                         status_cell(a, as_at, date_text), rag_text(a.rag), update_cell(a, date_text), "")))
    story.append(FastTable(COLUMNS, rows))
    return build_paper(out_path, settings, title, story, wide=True, generated=generated)

"""One agency's open actions, for its lead officer to take to their own meeting.

Overdue actions come first, then the rest by target date; each row says which review and
recommendation the action answers, and leaves room for notes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy.orm import Session

from app import lookups
from app import rules
from app.queries.action_plan import PlanFilter, read_action_plan
from app.reports.as_at import as_recorded_note, marked
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
    plan = read_action_plan(session, as_at, PlanFilter(agency_id=found.id, open_only=True))
    actions = sorted(plan.rows, key=lambda a: (a.state != rules.OVERDUE, a.target_on or dt.date.max, a.reference))
    overdue = sum(a.state == rules.OVERDUE for a in actions)
    soon = sum(a.state == rules.DUE_SOON for a in actions)
    title = f"{TITLE}: {found.name}"
    story = [Heading(title, 0),
             para(f"Open actions led by {found.name}, as at {date_text(as_at)}: {plural(len(actions), 'action')}, "
                  f"{overdue} overdue and {soon} due in the next {rules.DUE_SOON_DAYS} days. Overdue actions come first.",
                  "subtitle")]
    if not actions:
        story.append(nothing_to_show(f"{found.name} has no open actions."))
        return build_paper(out_path, settings, title, story, wide=True, generated=generated)
    rows = []
    for a in actions:
        rows.append(Row((marked(a.reference, a.as_recorded), a.recommendations, a.description, a.lead_officer or "",
                         target_cell(a, date_text), status_cell(a, as_at, date_text), rag_text(a.rag),
                         update_cell(a, date_text), "")))
    story.append(FastTable(COLUMNS, rows))
    if plan.as_recorded:
        story.append(as_recorded_note(as_at, date_text))
    return build_paper(out_path, settings, title, story, wide=True, generated=generated)

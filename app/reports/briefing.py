"""The sub group briefing paper, printed for every meeting (seed 004's tables).

For the meeting date: every current review by type, the new ones first; decisions taken
since the last meeting; overdue actions by agency; clocks falling due before the next
meeting. ``briefing_sections`` gives these sections without writing a file, for the meeting
pack (``app.reports.pack``) to print them among its parts.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from app.clocks import clocks_due, office_calendar
from app.queries.action_plan import PlanFilter, read_action_plan
from app.queries.reviews import ReviewRow, read_reviews
from app.reports.as_at import as_recorded_note, marked
from app.reports.doc import Heading, ReportResult, build_paper, nothing_to_show, para
from app.reports.formatting import DateText, rag_text, update_cell
from app.reports.review_data import REVIEW_COLUMNS, review_cells
from app.reports.table import Column, FastTable, Row, group_row
from app.settings import get_settings
from app.text import plural
from db.models import Decision, ListItem, Meeting, Referral

TITLE = "Case review sub group briefing paper"
# Reviews finished longer ago than this before the meeting are no longer briefed on.
FINISHED_WITHIN = relativedelta(months=12)
# With no next meeting recorded, clocks due within six weeks are listed.
DEFAULT_HORIZON_WORKING_DAYS = 30

DECISION_COLUMNS = [
    Column("Date", 8), Column("Referral", 8), Column("Subject and summary", 22), Column("Outcome", 16),
    Column("Criteria met", 9), Column("Decided by", 11), Column("Rationale", 26),
]
OVERDUE_COLUMNS = [
    Column("Ref", 7), Column("Action", 28), Column("Recommendation", 11), Column("Lead officer", 12),
    Column("Target", 8), Column("Days over", 6, align="right"), Column("RAG", 6, rag=True),
    Column("Latest update", 22),
]
CLOCK_COLUMNS = [
    Column("Clock", 30), Column("Record", 14), Column("Started", 10), Column("Due", 10),
    Column("Where it stands", 36),
]


def meetings_around(session: Session, day: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """The last meeting before ``day`` and the next one after it."""
    live = Meeting.archived_at.is_(None)
    before = session.scalar(select(func.max(Meeting.held_on)).where(live, Meeting.held_on < day))
    after = session.scalar(select(func.min(Meeting.held_on)).where(live, Meeting.held_on > day))
    return before, after


@dataclass(frozen=True)
class Section:
    """One section of the paper: its heading, and what follows it (headings in it one level
    below the section's own)."""

    heading: str
    body: list

    def story(self, level: int) -> list:
        return [Heading(self.heading, level), *self.body]


@dataclass(frozen=True)
class Briefing:
    """The briefing paper's sections, in the order it prints them, and the note on facts
    shown as recorded (empty when none is)."""

    reviews: Section
    decisions: Section
    overdue: Section
    clocks: Section
    as_recorded: list

    def story(self, level: int = 0) -> list:
        return [*(part for section in (self.reviews, self.decisions, self.overdue, self.clocks)
                  for part in section.story(level)), *self.as_recorded]


def _review_sections(reviews: list[ReviewRow], meeting_on: dt.date, since: dt.date | None,
                     date_text: DateText, level: int) -> Section:
    """Current reviews by type, each type split into new ones and the rest."""
    cut_off = meeting_on - FINISHED_WITHIN
    current = [r for r in reviews
               if (r.decision_on is None or r.decision_on <= meeting_on)
               and (r.is_open or (r.finished_on or meeting_on) >= cut_off)]
    by_type: dict[str, list[ReviewRow]] = defaultdict(list)
    for review in current:
        by_type[review.type_name].append(review)
    story = [para("Every review still open, and those completed or published in the twelve months "
                  "before the meeting, by type. \u201cNew\u201d means agreed since the last meeting.", "note")]
    if not by_type:
        return Section("Reviews", story + [nothing_to_show("There are no current reviews.")])
    for type_name, group in by_type.items():
        is_new = [r for r in group if since is None or (r.decision_on and r.decision_on > since)]
        new_ids = {r.id for r in is_new}
        others = [r for r in group if r.id not in new_ids]
        story.append(Heading(type_name, level + 1))
        for label, members in ((f"New: {type_name}", is_new),
                               ("Underway, completed and published", others)):
            story.append(para(label, "h3"))
            if members:
                story.append(FastTable(REVIEW_COLUMNS, [Row(review_cells(r, date_text)) for r in members]))
            else:
                story.append(nothing_to_show("None."))
    return Section("Reviews", story)


def _decisions(session: Session, meeting_on: dt.date, since: dt.date | None, date_text: DateText) -> Section:
    outcome = aliased(ListItem)
    query = (
        select(Decision.decided_on, Referral.reference, Referral.subject, Referral.summary, outcome.name,
               Decision.criteria_met, Decision.criteria_basis, Decision.decided_by, Decision.rationale)
        .join(Referral, Referral.id == Decision.referral_id)
        .join(outcome, outcome.id == Decision.outcome_id)
        .where(Decision.archived_at.is_(None), Referral.archived_at.is_(None),
               Decision.decided_on <= meeting_on)
        .order_by(Decision.decided_on, Decision.id)
    )
    if since is not None:
        query = query.where(Decision.decided_on > since)
    rows = []
    for decided_on, ref, subject, summary, outcome_name, met, basis, by, rationale in session.execute(query):
        criteria = {True: "Yes", False: "No", None: ""}[met]
        if basis:
            criteria = f"{criteria} ({basis})" if criteria else basis
        about = ": ".join(part for part in (subject, summary) if part)
        rows.append(Row((date_text(decided_on), ref, about, outcome_name, criteria, by or "", rationale or "")))
    since_text = f"since the last meeting on {date_text(since)}" if since else "(no earlier meeting is recorded, so all)"
    story = [para(f"Decisions on referrals taken {since_text}, up to {date_text(meeting_on)}.", "note")]
    return Section("Decisions since the last meeting", story + (
        [FastTable(DECISION_COLUMNS, rows)] if rows
        else [nothing_to_show("No decisions have been taken since the last meeting.")]))


def _overdue(session: Session, meeting_on: dt.date, date_text: DateText) -> tuple[Section, bool]:
    """The overdue actions section, and whether any of them is shown as recorded today."""
    actions = read_action_plan(session, meeting_on, PlanFilter(overdue_only=True)).rows
    heading = "Actions overdue, by agency"
    story = [para(f"Open actions whose target date is before {date_text(meeting_on)}.", "note")]
    if not actions:
        return Section(heading, story + [nothing_to_show("No actions are overdue.")]), False
    by_agency: dict[str, list] = defaultdict(list)
    for action in actions:
        by_agency[action.lead_agency or "No lead agency"].append(action)
    rows = []
    for agency in sorted(by_agency):
        group = sorted(by_agency[agency], key=lambda a: (a.target_on, a.reference))
        rows.append(group_row(f"{agency}: {plural(len(group), 'action')} overdue"))
        for a in group:
            rows.append(Row((marked(a.reference, a.as_recorded), a.description, a.recommendations,
                             a.lead_officer or "", date_text(a.target_on), str((meeting_on - a.target_on).days),
                             rag_text(a.rag), update_cell(a, date_text))))
    return Section(heading, story + [FastTable(OVERDUE_COLUMNS, rows)]), any(a.as_recorded for a in actions)


def _clocks(session: Session, meeting_on: dt.date, next_meeting: dt.date | None, date_text: DateText) -> Section:
    if next_meeting is not None:
        horizon = max(office_calendar(session).working_days_between(meeting_on, next_meeting), 0)
        scope = f"overdue, or due by the next meeting on {date_text(next_meeting)}"
    else:
        horizon = DEFAULT_HORIZON_WORKING_DAYS
        scope = f"overdue, or due within {horizon} working days (no next meeting is recorded)"
    story = [para(f"Statutory and local clocks {scope}.", "note")]
    rows = []
    for clock in clocks_due(session, meeting_on, horizon):
        if clock.state == "overdue":
            where = f"OVERDUE by {plural(clock.days_over, 'day')}"
        elif clock.working_days_left is not None:
            where = f"{plural(clock.working_days_left, 'working day')} left"
        else:
            where = f"{plural(clock.days_left, 'day')} left"
        rows.append(Row((clock.clock_name, f"{clock.record_kind.capitalize()} {clock.reference}",
                         date_text(clock.started_on), date_text(clock.due_on), where)))
    return Section("Clocks due before the next meeting", story + (
        [FastTable(CLOCK_COLUMNS, rows)] if rows else [nothing_to_show("No clocks fall due before the next meeting.")]))


def briefing_sections(session: Session, meeting_on: dt.date, date_text: DateText, *, level: int = 0) -> Briefing:
    """The briefing paper's sections for the meeting on ``meeting_on``, headings within them
    at ``level`` + 1 (the sections' own headings are the caller's, at ``level``)."""
    since, next_meeting = meetings_around(session, meeting_on)
    reviews = read_reviews(session, meeting_on)
    overdue, marked_actions = _overdue(session, meeting_on, date_text)
    note = [as_recorded_note(meeting_on, date_text)] if marked_actions or any(r.as_recorded for r in reviews) else []
    return Briefing(_review_sections(reviews, meeting_on, since, date_text, level),
                    _decisions(session, meeting_on, since, date_text), overdue,
                    _clocks(session, meeting_on, next_meeting, date_text), note)


def build_briefing(session: Session, out_path: Path, *, meeting_on: dt.date | None = None,
                   generated: dt.datetime | None = None) -> ReportResult:
    """Write the briefing paper for the meeting on ``meeting_on`` (default: today): a PDF, or
    a Word document when ``out_path`` ends in .docx."""
    meeting_on = meeting_on or dt.date.today()
    settings = get_settings(session)
    date_text = DateText(settings)
    story = [para(TITLE, "title"), para(f"For the meeting on {date_text(meeting_on)}", "subtitle"),
             *briefing_sections(session, meeting_on, date_text).story()]
    return build_paper(out_path, settings, TITLE, story, wide=True, generated=generated)

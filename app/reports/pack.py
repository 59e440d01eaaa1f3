"""The pack for a sub group meeting: one PDF the members read before they meet.

A contents page, then four parts, each starting on a new page: the briefing paper (its
reviews, decisions and clocks), the actions overdue by agency (the briefing paper's own
overdue section, a part of its own here rather than printed twice), the RAG ratings, and
the action plan of the meeting's agencies.

**The meeting's agencies** are the agencies whose work is before the sub group at this
meeting: those leading an action that is open on the meeting's date (the plan the sub group
holds them to account for) or that was completed or closed since the last meeting (for the
sub group to sign off). The RAG ratings and the plan are of exactly those actions. The
contents page says so in these words and names the agencies.

The pack is one ReportLab document built once, so "Page N of M" runs through it and each
part's first page on the contents page is the page its heading really fell on (a number
filled in when the file is saved, as "of M" is: ``doc.draw_page_of``). Every part is built
by its paper's own story functions, so the pack says what the papers say.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, PageBreak
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import rules
from app.errors import UserError
from app.queries.action_plan import ActionPlan, ActionRow, PlanFilter, read_action_plan
from app.queries.reviews import read_themes
from app.reports.action_plan import NO_AGENCY, actions_story, rag_story
from app.reports.as_at import as_recorded_note
from app.reports.briefing import TITLE as BRIEFING_TITLE
from app.reports.briefing import briefing_sections, meetings_around
from app.reports.doc import Heading, ReportResult, build_paper, draw_page_of, nothing_to_show, para, spacer
from app.reports.fonts import REGULAR
from app.reports.formatting import DateText
from app.settings import get_settings
from db.models import Meeting

TITLE = "Sub group meeting pack"
CONTENTS_SIZE = 10  # the size ``draw_page_of`` prints the page numbers at
# How far apart the meetings the pack names when the date given is not a meeting's.
CLOSEST_MEETINGS = 3


class _ContentsLine(Flowable):
    """"2. Actions overdue, by agency . . . . . page 5": the page filled in when saved."""

    def __init__(self, number: int, text: str, anchor: str):
        super().__init__()
        self.label = f"{number}.  {text}"
        self.anchor = anchor

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        self.height = 7 * mm
        return self.width, self.height

    def draw(self):
        canvas = self.canv
        baseline = 2 * mm
        number_x = self.width - stringWidth("999", REGULAR, CONTENTS_SIZE)
        word = "page "
        word_x = number_x - stringWidth(word, REGULAR, CONTENTS_SIZE)
        canvas.setFont(REGULAR, CONTENTS_SIZE)
        canvas.drawString(0, baseline, self.label)
        dots_from = stringWidth(self.label, REGULAR, CONTENTS_SIZE) + 2 * mm
        dot = stringWidth(" .", REGULAR, CONTENTS_SIZE)
        count = int((word_x - 2 * mm - dots_from) // dot)
        if count > 0:  # ending at the same place on every line
            canvas.drawRightString(word_x - 2 * mm, baseline, " ." * count)
        canvas.drawString(word_x, baseline, word)
        canvas.saveState()
        canvas.translate(number_x, baseline)
        draw_page_of(canvas, self.anchor)
        canvas.restoreState()


def _meeting(session: Session, meeting_on: dt.date, date_text: DateText) -> Meeting:
    """The meeting held on ``meeting_on``; refused, naming the closest, when there is none."""
    live = select(Meeting).where(Meeting.archived_at.is_(None))
    found = session.scalars(live.where(Meeting.held_on == meeting_on).order_by(Meeting.id)).first()
    if found is not None:
        return found
    days = sorted(set(session.scalars(select(Meeting.held_on).where(Meeting.archived_at.is_(None)))),
                  key=lambda day: abs((day - meeting_on).days))[:CLOSEST_MEETINGS]
    closest = (f" The closest meetings on record: {', '.join(date_text(day) for day in sorted(days))}."
               if days else " No meetings are on record yet.")
    raise UserError(f"Meeting: no meeting on {date_text(meeting_on)} is on record, so there is no pack "
                    f"to print for it.{closest}", field="meeting_on")


def _meeting_actions(plan: ActionPlan, since: dt.date | None) -> list[ActionRow]:
    """The actions before the meeting: open on its date, or finished since the last meeting."""
    def before_meeting(row: ActionRow) -> bool:
        if row.state not in (rules.COMPLETED, rules.CLOSED):
            return True
        return since is not None and row.completed_on is not None and row.completed_on > since
    return [row for row in plan.rows if before_meeting(row)]


def _agencies_sentence(agencies: list[str], meeting_on: dt.date, since: dt.date | None,
                       date_text: DateText) -> str:
    finished = (f", or that was completed or closed since the last meeting on {date_text(since)} (for the "
                "sub group to sign off)" if since else
                " (no earlier meeting is recorded, so no finished action is brought back for sign-off)")
    rule = (f"The meeting\u2019s agencies, whose RAG ratings and action plan are parts 3 and 4, are those "
            f"leading an action that was open on {date_text(meeting_on)}{finished}.")
    if not agencies:
        return f"{rule} No agency leads such an action."
    return f"{rule} For this meeting: {', '.join(agencies)}."


def build_pack(session: Session, out_path: Path, *, meeting_on: dt.date,
               generated: dt.datetime | None = None) -> ReportResult:
    """Write the pack for the sub group meeting held on ``meeting_on`` as one PDF: a contents
    page, the briefing paper, the overdue actions, the RAG ratings and the action plan of the
    meeting's agencies, each part as its paper prints it, the pages numbered through the pack.

    Raises ``UserError`` when no meeting on that date is on record."""
    settings = get_settings(session)
    date_text = DateText(settings)
    meeting = _meeting(session, meeting_on, date_text)
    since, _next = meetings_around(session, meeting_on)
    briefing = briefing_sections(session, meeting_on, date_text, level=1)
    plan = read_action_plan(session, meeting_on, PlanFilter(), order="plan")
    ours = replace(plan, rows=_meeting_actions(plan, since))
    agencies = sorted({row.lead_agency or NO_AGENCY for row in ours.rows})

    parts = [
        (BRIEFING_TITLE, [*briefing.reviews.story(1), *briefing.decisions.story(1), *briefing.clocks.story(1),
                          *briefing.as_recorded]),
        (briefing.overdue.heading, [
            para("The overdue actions printed in the briefing paper, as a part of their own in the pack.", "note"),
            *briefing.overdue.body]),
        ("RAG ratings of the meeting\u2019s agencies",
         [para(f"The actions of part 4, as at {date_text(meeting_on)}.", "note"), *rag_story(ours)]
         if ours.rows else [nothing_to_show("No agency has an action before this meeting, so there is "
                                            "nothing to rate.")]),
        ("Action plan of the meeting\u2019s agencies",
         [*actions_story(ours, read_themes(session), date_text, group_by="agency", filtered=True),
          *([as_recorded_note(meeting_on, date_text)] if ours.as_recorded else [])]
         if ours.rows else [nothing_to_show("No agency has an action before this meeting.")]),
    ]
    story = [para(TITLE, "title"),
             para(f"{meeting.title}, {date_text(meeting_on)}", "subtitle"),
             Heading("Contents", 0),
             *(_ContentsLine(n, heading, f"part{n}") for n, (heading, _body) in enumerate(parts, 1)),
             spacer(), para(_agencies_sentence(agencies, meeting_on, since, date_text), "note")]
    for n, (heading, body) in enumerate(parts, 1):
        story += [PageBreak(), Heading(f"{n}. {heading}", 0, anchor=f"part{n}"), *body]
    return build_paper(out_path, settings, f"{TITLE}: {date_text(meeting_on)}", story, wide=True,
                       generated=generated)

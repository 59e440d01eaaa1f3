"""The annual report tables for a period (seed 004).

Referrals considered, by outcome: every referral with a decision in the period is counted
once, under the latest decision taken within the period (a decision after the period does
not move it). Then the reviews agreed, underway, completed and published; timeliness against
each review's target with the reasons for delay; and the learning events with attendance.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Table
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from app.errors import UserError
from app.reports.doc import (
    Heading,
    ReportResult,
    build_paper,
    nothing_to_show,
    para,
    spacer,
)
from app.reports.fonts import BOLD, REGULAR
from app.reports.formatting import DateText
from app.queries.reviews import ReviewRow, read_reviews
from app.reports.as_at import as_recorded_note, counted_to, period_note
from app.reports.review_data import REVIEW_COLUMNS, review_cells
from app.reports.table import Column, FastTable, Row, group_row
from app.settings import get_settings
from app.text import plural
from db.models import Decision, LearningEvent, ListItem, ListKind, Referral, Review

TITLE = "Annual report tables"
TABLE_WIDTH = 300  # points: the outcome table
CHART_WIDTH = 460  # points: the bar chart beside it

OUTCOME_COLUMNS = [Column("Outcome of the referral", 40), Column("Referrals", 10, align="right")]
TIMELINESS_COLUMNS = [
    Column("Ref", 9), Column("Type", 14), Column("Clock started", 9), Column("Target", 9),
    Column("Finished", 9), Column("Against target", 15), Column("Reason for delay", 35),
]
EVENT_COLUMNS = [
    Column("Date", 9), Column("Type", 16), Column("Title", 35), Column("Review", 12),
    Column("Attendance", 9, align="right"),
]
EVENT_TOTAL_COLUMNS = [
    Column("Type of event", 30), Column("Events", 10, align="right"),
    Column("Total attendance", 12, align="right"), Column("Average attendance", 12, align="right"),
]


@dataclass(frozen=True)
class OutcomeCount:
    outcome: str
    referrals: int


def outcome_counts(session: Session, start: dt.date, end: dt.date) -> list[OutcomeCount]:
    """Referrals considered in the period, each under its latest decision within it.

    Every outcome on the list is given (with 0 where none), in list order; an archived
    outcome only when a referral was decided under it.
    """
    rows = session.execute(
        select(Decision.referral_id, Decision.outcome_id)
        .join(Referral, Referral.id == Decision.referral_id)
        .where(Decision.archived_at.is_(None), Referral.archived_at.is_(None),
               Decision.decided_on >= start, Decision.decided_on <= end)
        .order_by(Decision.referral_id, Decision.decided_on, Decision.id)
    )
    latest = {referral_id: outcome_id for referral_id, outcome_id in rows}  # last one wins
    tally = Counter(latest.values())
    outcomes = session.execute(
        select(ListItem.id, ListItem.name, ListItem.archived_at)
        .where(ListItem.kind == ListKind.DECISION_OUTCOME).order_by(ListItem.sort_order, ListItem.name)
    )
    return [OutcomeCount(name, tally[oid]) for oid, name, archived in outcomes
            if archived is None or tally[oid]]


def outcome_chart(counts: list[OutcomeCount], width: float) -> Drawing:
    """A horizontal bar chart of referrals by outcome, drawn with ReportLab's own graphics."""
    bar_height = 14
    font_size = 9
    # Room for the longest outcome's name, so no label runs left into the table beside.
    label_room = max((stringWidth(c.outcome, REGULAR, font_size) for c in counts), default=0) + 8
    height = bar_height * len(counts) + 50
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = label_room, 34
    chart.width, chart.height = width - label_room - 30, bar_height * len(counts)
    # Bars are drawn bottom-up; reverse so the chart reads in the table's order.
    chart.data = [[c.referrals for c in reversed(counts)]]
    chart.categoryAxis.categoryNames = [c.outcome for c in reversed(counts)]
    chart.categoryAxis.labels.fontName = REGULAR
    chart.categoryAxis.labels.fontSize = font_size
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.labels.fontName = REGULAR
    chart.valueAxis.labels.fontSize = 9
    chart.valueAxis.valueMin = 0
    top = max((c.referrals for c in counts), default=0)
    chart.valueAxis.valueMax = max(top, 1)
    chart.valueAxis.valueStep = max(1, -(-top // 10))
    chart.bars[0].fillColor = colors.HexColor("#1F3A5F")
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = BOLD
    chart.barLabels.fontSize = 9
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    drawing.add(String(label_room, 4, "Number of referrals", fontName=REGULAR, fontSize=9))
    return drawing


def _in_period(day: dt.date | None, start: dt.date, end: dt.date) -> bool:
    return day is not None and start <= day <= end


def _timeliness_cells(review: ReviewRow, end: dt.date, date_text: DateText) -> tuple[str, ...] | None:
    """How the review stood against its target at the end of the period (None: no target)."""
    clock = review.clock
    if clock is None or clock.due_on is None:
        return None
    done = clock.done_on if clock.done_on and clock.done_on <= end else None
    if done is not None:
        verdict = "Within target" if done <= clock.due_on else f"{plural((done - clock.due_on).days, 'day')} late"
    elif end > clock.due_on:
        verdict = f"Not finished: {plural((end - clock.due_on).days, 'day')} over at the end of the period"
    else:
        verdict = "Running, within target"
    reason = review.delay_reason if done is None or done > clock.due_on else ""
    return (review.reference, review.type_name, date_text(clock.started_on), date_text(clock.due_on),
            date_text(done), verdict, reason)


def _review_tables(reviews: list[ReviewRow], date_text: DateText, empty: str) -> list:
    if not reviews:
        return [nothing_to_show(empty)]
    rows = []
    for type_name in dict.fromkeys(r.type_name for r in reviews):
        group = [r for r in reviews if r.type_name == type_name]
        rows.append(group_row(f"{type_name} ({len(group)})"))
        rows += [Row(review_cells(r, date_text)) for r in group]
    return [FastTable(REVIEW_COLUMNS, rows)]


def _learning(session: Session, start: dt.date, end: dt.date, date_text: DateText) -> tuple[list, int]:
    """The learning section, and how many events it lists."""
    event_type = aliased(ListItem)
    rows = session.execute(
        select(LearningEvent.held_on, event_type.name, LearningEvent.title, Review.reference,
               LearningEvent.attendance)
        .join(event_type, event_type.id == LearningEvent.event_type_id)
        .outerjoin(Review, Review.id == LearningEvent.review_id)
        .where(LearningEvent.archived_at.is_(None), LearningEvent.held_on >= start, LearningEvent.held_on <= end)
        .order_by(LearningEvent.held_on, LearningEvent.id)
    ).all()
    story = [Heading("Learning events and attendance", 0)]
    if not rows:
        return story + [nothing_to_show("No learning events were held in the period.")], 0
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # events, attendance, events counted
    for _, type_name, _, _, attendance in rows:
        total = totals[type_name]
        total[0] += 1
        if attendance is not None:
            total[1] += attendance
            total[2] += 1
    summary = [Row((name, str(n), str(people) if counted else "not recorded",
                    f"{people / counted:.0f}" if counted else "not recorded"))
               for name, (n, people, counted) in totals.items()]
    all_events = sum(t[0] for t in totals.values())
    all_people = sum(t[1] for t in totals.values())
    summary.append(Row(("All learning events", str(all_events), str(all_people), ""), kind="total"))
    detail = [Row((date_text(held), type_name, title, ref or "", "" if attendance is None else str(attendance)))
              for held, type_name, title, ref, attendance in rows]
    return story + [FastTable(EVENT_TOTAL_COLUMNS, summary), spacer(),
                    para("Average attendance counts only the events whose attendance was recorded.", "note"),
                    FastTable(EVENT_COLUMNS, detail)], len(rows)


def build_annual(session: Session, out_path: Path, *, start: dt.date, end: dt.date,
                 generated: dt.datetime | None = None) -> ReportResult:
    """Write the annual report tables for ``start``..``end`` (both included).

    Raises ``UserError`` when the period is back to front or nothing happened in it.
    """
    if end < start:
        raise UserError("The period ends before it starts: check the --from and --to dates.")
    if start > dt.date.today():
        raise UserError("The period starts after today, so nothing can have happened in it yet: check the dates.")
    settings = get_settings(session)
    date_text = DateText(settings)
    until = counted_to(end)  # a period not yet over is counted up to today
    counts = outcome_counts(session, start, until)
    considered = sum(c.referrals for c in counts)
    reviews = read_reviews(session, until)
    new = [r for r in reviews if _in_period(r.decision_on, start, until)]
    new_ids = {r.id for r in new}
    ongoing = [r for r in reviews if r.id not in new_ids
               and (r.decision_on is None or r.decision_on < start)
               and (r.finished_on is None or r.finished_on >= start)]
    learning, events = _learning(session, start, until, date_text)
    if not (considered or new or ongoing or events):
        raise UserError(f"Nothing is recorded between {date_text(start)} and {date_text(end)}: no referral "
                        "was considered, no review was underway and no learning event was held. Check the dates.")
    period = f"{date_text(start)} to {date_text(end)}"
    note = period_note(end, date_text)
    story = [para(TITLE, "title"), para(f"For the period {period}", "subtitle"), *([note] if note else []),
             Heading("Referrals considered, by outcome", 0),
             para(f"The sub group considered {plural(considered, 'referral')} between {date_text(start)} "
                  f"and {date_text(end)}. Each is counted once, under the latest decision taken on it "
                  "within the period.")]
    if considered:
        rows = [Row((c.outcome, str(c.referrals))) for c in counts]
        rows.append(Row(("Referrals considered", str(considered)), kind="total"))
        # The table and its chart side by side, as an annual report would set them.
        pair = Table([[FastTable(OUTCOME_COLUMNS, rows, width=TABLE_WIDTH), outcome_chart(counts, CHART_WIDTH)]],
                     colWidths=[TABLE_WIDTH + 20, CHART_WIDTH], hAlign="LEFT")
        pair.setStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
        story.append(pair)
    else:
        story.append(nothing_to_show("No referral was considered in the period."))
    completed = [r for r in reviews if _in_period(r.completed_on, start, until)]
    published = [r for r in reviews if _in_period(r.published_on, start, until)]
    story += [Heading("New reviews agreed", 0),
              para(f"{plural(len(new), 'review')} agreed in the period.")]
    story += _review_tables(new, date_text, "No new review was agreed in the period.")
    story += [Heading("Reviews underway, completed and published", 0),
              para(f"{plural(len(ongoing), 'review')} agreed before the period and still in hand during it. "
                   f"In the period {plural(len(completed), 'review was', 'reviews were')} completed and "
                   f"{plural(len(published), 'review was', 'reviews were')} published.")]
    story += _review_tables(ongoing, date_text, "No earlier review was still in hand in the period.")
    timeliness = [cells for r in new + ongoing if (cells := _timeliness_cells(r, until, date_text))]
    story += [Heading("Timeliness against target", 0),
              para("Each review with a target date, as it stood at the end of the period, with the "
                   "recorded reason for any delay.")]
    if timeliness:
        story.append(FastTable(TIMELINESS_COLUMNS, [Row(c) for c in timeliness]))
    else:
        story.append(nothing_to_show("No review in the period has a target date."))
    story += learning
    if any(r.as_recorded for r in reviews):
        story.append(as_recorded_note(until, date_text))
    return build_paper(out_path, settings, TITLE, story, wide=True, generated=generated)

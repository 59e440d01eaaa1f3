"""Reviews as the papers print them: the seed 004 tables.

Each review is a row of Ref, Summary, Location, Gender, Age, Status and how it stands against
its target; the middle four come from the referral(s) the review covers. The reviews
themselves, as at the paper's date, come from the read model ``app.queries.reviews``.
"""

from __future__ import annotations

from app.queries.reviews import ReviewRow
from app.reports.as_at import marked
from app.reports.formatting import DateText
from app.reports.table import Column
from app.text import plural

REVIEW_COLUMNS = [
    Column("Ref", 9),
    Column("Summary", 24),
    Column("Location", 10),
    Column("Gender", 7),
    Column("Age", 7),
    Column("Status", 24),
    Column("Target date", 19),
]


def _distinct(values: list[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def _summary(title: str, summary: str) -> str:
    """The title and summary, without saying the same thing twice."""
    if summary.casefold() in title.casefold():
        return title
    if title.casefold() in summary.casefold():
        return summary
    return f"{title}: {summary}"


def review_cells(review: ReviewRow, date_text: DateText) -> tuple[str, ...]:
    """A review as a row of REVIEW_COLUMNS."""
    ref = marked(review.reference, review.as_recorded)
    others = [r for r in review.referral_refs if r != review.reference]
    if others:
        ref += "\n(" + ", ".join(others) + ")"
    summary = _summary(review.title, review.summary or "; ".join(_distinct(review.referral_summaries)))
    ages = _distinct(review.ages)
    age = ages[0] if len(ages) == 1 else ("Various" if ages else "")
    status = review.status
    if review.status_note:
        status = f"{status} \u2013 {review.status_note}" if status else review.status_note
    for label, day in (("Completed", review.completed_on), ("Published", review.published_on)):
        if day:
            status += f"\n{label} {date_text(day)}"
    return (ref, summary, ", ".join(_distinct(review.locations)), " and ".join(_distinct(review.genders)),
            age, status, clock_text(review, date_text))


def clock_text(review: ReviewRow, date_text: DateText) -> str:
    """How far the review is from its target date, in words, with the reason for any delay."""
    clock = review.clock
    if clock is None:
        return "No target date: no clock applies to this review."
    state = clock.state
    if state == "not started":
        return "Clock not started (no start date recorded)."
    due = date_text(clock.due_on)
    if state == "due":
        text = f"Due {due}: {plural(clock.days_left, 'day')} to go"
    elif state == "overdue":
        text = f"Due {due}: OVERDUE by {plural(clock.days_over, 'day')}"
    elif state == "met":
        text = f"Target {due} met"
    else:
        text = f"Target {due}: finished {plural(clock.days_over, 'day')} late"
    if state in ("overdue", "late") and review.delay_reason:
        text += f"\nReason: {review.delay_reason}"
    return text

"""Reading reviews for the papers, with what their referrals say about the child.

The seed 004 tables show each review as Ref, Summary, Location, Gender, Age and Status; the
last four come from the referral(s) the review covers. A review's clock (target date and how
far it is from it) comes from ``app.clocks``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from app.clocks import ClockStatus, review_clocks
from app.reports.formatting import DateText
from app.reports.table import Column
from app.text import plural
from db.models import ListItem, Referral, Review, review_referral

REVIEW_COLUMNS = [
    Column("Ref", 9),
    Column("Summary", 24),
    Column("Location", 10),
    Column("Gender", 7),
    Column("Age", 7),
    Column("Status", 24),
    Column("Target date", 19),
]


@dataclass
class ReviewLine:
    """One review with its referrals' details and its clock."""

    id: int
    reference: str
    title: str
    type_id: int
    type_name: str
    type_order: int
    status: str
    is_open: bool
    status_note: str
    summary: str
    decision_on: dt.date | None
    initiated_on: dt.date | None
    completed_on: dt.date | None
    published_on: dt.date | None
    delay_reason: str
    referral_refs: list[str] = field(default_factory=list)
    referral_summaries: list[str] = field(default_factory=list)
    locations: list[str] = field(default_factory=list)
    genders: list[str] = field(default_factory=list)
    ages: list[str] = field(default_factory=list)
    clock: ClockStatus | None = None

    @property
    def finished_on(self) -> dt.date | None:
        """When the work was finished: completed, or failing that published."""
        return self.completed_on or self.published_on


def _distinct(values: list[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def load_reviews(session: Session, as_at: dt.date) -> list[ReviewLine]:
    """Every live review, by type (in list order) then reference, with clocks as at ``as_at``."""
    review_type, status = aliased(ListItem), aliased(ListItem)
    rows = session.execute(
        select(Review.id, Review.reference, Review.title, Review.review_type_id, review_type.name,
               review_type.sort_order, status.name, status.is_open, Review.status_note, Review.summary,
               Review.decision_on, Review.initiated_on, Review.completed_on, Review.published_on,
               Review.delay_reason)
        .join(review_type, review_type.id == Review.review_type_id)
        .outerjoin(status, status.id == Review.status_id)
        .where(Review.archived_at.is_(None))
        .order_by(review_type.sort_order, review_type.name, Review.reference)
    )
    reviews = {}
    for (rid, ref, title, type_id, type_name, type_order, status_name, is_open, note, summary,
         decided, initiated, completed, published, delay) in rows:
        reviews[rid] = ReviewLine(
            rid, ref, title or "", type_id, type_name, type_order or 0, status_name or "",
            is_open is not False and not (status_name is None and (completed or published)),
            note or "", summary or "", decided, initiated, completed, published, delay or "")
    referrals = session.execute(
        select(review_referral.c.review_id, Referral.reference, Referral.summary, Referral.location,
               Referral.gender, Referral.age_text)
        .join(Referral, Referral.id == review_referral.c.referral_id)
        .where(Referral.archived_at.is_(None))
        .order_by(review_referral.c.review_id, Referral.reference)
    )
    for rid, ref, summary, location, gender, age in referrals:
        line = reviews.get(rid)
        if line is not None:
            line.referral_refs.append(ref)
            line.referral_summaries.append(summary or "")
            line.locations.append(location or "")
            line.genders.append(gender or "")
            line.ages.append(age or "")
    for status in review_clocks(session, as_at, Review.id.in_(list(reviews))):
        reviews[status.record_id].clock = status
    return list(reviews.values())


def _summary(title: str, summary: str) -> str:
    """The title and summary, without saying the same thing twice."""
    if summary.casefold() in title.casefold():
        return title
    if title.casefold() in summary.casefold():
        return summary
    return f"{title}: {summary}"


def review_cells(review: ReviewLine, date_text: DateText) -> tuple[str, ...]:
    """A review as a row of REVIEW_COLUMNS."""
    ref = review.reference
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


def clock_text(review: ReviewLine, date_text: DateText) -> str:
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

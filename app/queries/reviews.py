"""Reviews as at a date: each review's timeline (its dates, its status, its clock), what its
referrals say about the child, and its recommendations with the board's response.

**As at.** For a date before today a review is shown as it stood then: one agreed later is
left out; a date after it (completed, published...) is not shown, so a review published a
year later reads as not yet published; its status is the one its dates show it had (a review
completed later was still underway), without the current status note, which speaks of later
events; its clock runs as it did then. A recommendation is shown once made (when its
review's report was completed) and the board's response once given. Where the history
cannot tell (no dates recorded, a closed status with no date, a response with no date), the
review or recommendation is shown as recorded today and says so in ``as_recorded``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from app.clocks import ClockStatus, review_clocks
from app.queries.action_plan import recommendation_made
from db.models import ListItem, ListKind, Recommendation, Referral, Review, Theme, review_referral

# Review status codes, in the order a review passes through them (defaults and migration 0002).
AGREED, UNDERWAY, COMPLETED, PUBLISHED = "agreed", "underway", "completed", "published"


@dataclass
class ReviewRow:
    """One review as it stood on ``as_at``, with its referrals' details and its clock."""

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
    learning_event_on: dt.date | None
    completed_on: dt.date | None
    published_on: dt.date | None
    target_override_on: dt.date | None  # a target the office agreed in place of the clock's
    delay_reason: str
    methodology: str = ""
    lead_reviewers: str = ""
    briefing_issued_on: dt.date | None = None
    referral_refs: list[str] = field(default_factory=list)
    referral_summaries: list[str] = field(default_factory=list)
    locations: list[str] = field(default_factory=list)
    genders: list[str] = field(default_factory=list)
    ages: list[str] = field(default_factory=list)
    clock: ClockStatus | None = None
    as_recorded: bool = False

    @property
    def finished_on(self) -> dt.date | None:
        """When the work was finished: completed, or failing that published."""
        return self.completed_on or self.published_on

    @property
    def target_on(self) -> dt.date | None:
        """The review's target date: its clock's due date, or the target the office agreed."""
        return self.clock.due_on if self.clock is not None else self.target_override_on

    @property
    def against_target(self) -> str:
        """Where it stands against its clock, in a word ("" when no clock applies)."""
        return self.clock.state_word if self.clock is not None else ""


def _open_review(is_open: bool | None, status_name: str | None, completed, published) -> bool:
    """A review is open unless its status says otherwise; one with no status counts as open
    until it is completed or published."""
    return is_open is not False and not (status_name is None and (completed or published))


class _Statuses:
    """The review status values, by id and by code."""

    def __init__(self, session: Session):
        rows = session.execute(select(ListItem.id, ListItem.code, ListItem.name, ListItem.is_open)
                               .where(ListItem.kind == ListKind.REVIEW_STATUS)).all()
        self.by_id = {i: (code, name, is_open) for i, code, name, is_open in rows}
        self.by_code = {code: (name, is_open) for _i, code, name, is_open in rows if code}

    def stage(self, code: str, fallback: str, is_open: bool) -> tuple[str, bool]:
        return self.by_code.get(code, (fallback, is_open))


def _then(day: dt.date | None, as_at: dt.date) -> dt.date | None:
    return day if day is not None and day <= as_at else None


def _as_it_stood(row: ReviewRow, statuses: _Statuses, code: str | None, as_at: dt.date) -> ReviewRow | None:
    """The review as it stood on ``as_at`` (None: not yet agreed then)."""
    dates = (row.decision_on, row.initiated_on, row.learning_event_on, row.completed_on, row.published_on)
    known = [day for day in dates if day is not None]
    if known and min(known) > as_at:
        return None
    later = any(day > as_at for day in known)
    then = replace(row, initiated_on=_then(row.initiated_on, as_at),
                   briefing_issued_on=_then(row.briefing_issued_on, as_at),
                   learning_event_on=_then(row.learning_event_on, as_at),
                   completed_on=_then(row.completed_on, as_at), published_on=_then(row.published_on, as_at),
                   as_recorded=not known)
    if not later:
        if not row.is_open and row.finished_on is None:
            then.as_recorded = True  # closed, but nothing says when
        return then
    # Something happened after the date: the status is the stage the dates show, and the
    # note (which speaks of what is current) is left out.
    if then.published_on:
        then.status, then.is_open = statuses.stage(PUBLISHED, "Published", False)
    elif then.completed_on:
        then.status, then.is_open = statuses.stage(COMPLETED, "Completed", False)
    elif then.initiated_on:
        if not row.is_open:  # an open status ("On hold"...) still open then is kept
            then.status, then.is_open = statuses.stage(UNDERWAY, "Underway", True)
    elif code != AGREED:
        then.status, then.is_open = statuses.stage(AGREED, "Agreed", True)
    then.status_note = ""
    return then


def read_reviews(session: Session, as_at: dt.date | None = None) -> list[ReviewRow]:
    """Every live review as at ``as_at`` (default today), by type (in list order) then reference."""
    as_at = as_at or dt.date.today()
    past = as_at < dt.date.today()
    statuses = _Statuses(session)
    review_type, methodology = aliased(ListItem), aliased(ListItem)
    rows = session.execute(
        select(Review.id, Review.reference, Review.title, Review.review_type_id, review_type.name,
               review_type.sort_order, Review.status_id, Review.status_note, Review.summary,
               Review.decision_on, Review.initiated_on, Review.learning_event_on, Review.completed_on,
               Review.published_on, Review.target_override_on, Review.delay_reason, methodology.name,
               Review.lead_reviewers, Review.briefing_issued_on)
        .join(review_type, review_type.id == Review.review_type_id)
        .outerjoin(methodology, methodology.id == Review.methodology_id)
        .where(Review.archived_at.is_(None))
        .order_by(review_type.sort_order, review_type.name, Review.reference)
    )
    reviews: dict[int, ReviewRow] = {}
    for (rid, ref, title, type_id, type_name, type_order, status_id, note, summary, decided, initiated,
         learning, completed, published, override, delay, method, reviewers, briefing) in rows:
        code, status_name, is_open = statuses.by_id.get(status_id, (None, None, None))
        row = ReviewRow(rid, ref, title or "", type_id, type_name, type_order or 0, status_name or "",
                        _open_review(is_open, status_name, completed, published), note or "", summary or "",
                        decided, initiated, learning, completed, published, override, delay or "",
                        method or "", reviewers or "", briefing)
        if past:
            row = _as_it_stood(row, statuses, code, as_at)
        if row is not None:
            reviews[rid] = row
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


@dataclass(frozen=True)
class RecommendationRow:
    """One recommendation with its review and the board's response, as at a date."""

    id: int
    review_id: int
    review_reference: str
    review_title: str
    number: int
    text: str
    addressed_to: str
    theme_id: int | None
    theme: str
    response_status: str
    board_response: str
    response_on: dt.date | None
    as_recorded: bool = False

    @property
    def label(self) -> str:
        """"SCR-01 R3": the number its review gave it, with the review's reference."""
        return f"{self.review_reference} R{self.number}"


def read_recommendations(session: Session, review_ids: list[int] | None = None,
                         as_at: dt.date | None = None) -> list[RecommendationRow]:
    """Live recommendations of live reviews made by ``as_at`` (default today), by review
    reference and number, with the board's response if it had been given by then."""
    as_at = as_at or dt.date.today()
    past = as_at < dt.date.today()
    response = aliased(ListItem)
    query = (
        select(Recommendation.id, Recommendation.review_id, Review.reference, Review.title,
               Recommendation.number, Recommendation.text, Recommendation.addressed_to, Recommendation.theme_id,
               Theme.name, response.name, Recommendation.board_response, Recommendation.response_on,
               Recommendation.added_on, Review.completed_on, Review.published_on)
        .join(Review, Review.id == Recommendation.review_id)
        .outerjoin(Theme, Theme.id == Recommendation.theme_id)
        .outerjoin(response, response.id == Recommendation.response_status_id)
        .where(Recommendation.archived_at.is_(None), Review.archived_at.is_(None))
        .order_by(Review.reference, Recommendation.number)
    )
    if review_ids is not None:
        query = query.where(Recommendation.review_id.in_(review_ids))
    found = []
    for (rec_id, review_id, reference, title, number, text, addressed_to, theme_id, theme, response_status,
         board_response, response_on, added_on, completed_on, published_on) in session.execute(query):
        as_recorded = False
        if past:
            made = recommendation_made(as_at, added_on, response_on, completed_on, published_on)
            if made is False:
                continue
            as_recorded = made is None
            if response_on is not None and response_on > as_at:
                response_status = board_response = response_on = None
            elif response_on is None and (board_response or response_status):
                as_recorded = True  # a response with no date: shown as recorded
        found.append(RecommendationRow(rec_id, review_id, reference, title or "", number, text or "",
                                       addressed_to or "", theme_id, theme or "", response_status or "",
                                       board_response or "", response_on, as_recorded))
    return found


def read_themes(session: Session) -> list[tuple[int, str]]:
    """Every theme (archived ones too: old recommendations still carry them), in list order."""
    return list(session.execute(select(Theme.id, Theme.name).order_by(Theme.sort_order, Theme.name)))

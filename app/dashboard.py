"""The figures on the sub group chair's dashboard, as at a chosen date.

``dashboard_figures(session, as_at)`` reads everything the dashboard shows in a handful of
grouped Core queries (never one per row) and returns frozen dataclasses of plain values, so
the screen can be filled from another thread's result and tests can compare the numbers
with the database.

What "as at" means: the records as they stood on that date, read through the read models —
actions and reviews as ``app.queries`` rebuilds them (for today, the action figures are
counted by the database with the same rules, ``app.rules``); an action is overdue when open
and its target is before the as-at date; a review is past its target when still open and
its target is before the as-at date without the clock's stop event (completed, published...)
recorded on or before the target; clocks are judged as ``app.clocks.clocks_due`` judges them
on that date; who is due a chase is what ``app.chasing.due_today`` says of that date, counted by ``count_due_today`` (the
office's chase schedule); referral outcomes cover the financial year (1 April to 31 March) holding the
date, up to and including it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from app import chasing, rules
from app.clocks import ClockStatus, clocks_due
from app.dates import format_date
from app.queries.action_plan import PlanFilter, read_action_plan
from app.queries.reviews import read_reviews
from app.settings import get_settings
from db.models import (
    RAG_VALUES,
    Action,
    Agency,
    Decision,
    ListItem,
    ListKind,
    Referral,
)

NO_RAG = "No RAG"
NO_AGENCY = "No lead agency"
NO_STATUS = "No status"
RAG_BUCKETS: tuple[str, ...] = (*RAG_VALUES, NO_RAG)
"""The RAG columns of the open-actions figures, in the order they are shown."""

CLOCK_HORIZON_WORKING_DAYS = 10
OVERDUE_LIST_LIMIT = 250
"""How many overdue actions the dashboard lists (the oldest); the total is always given."""

# ``open_requested`` kinds: the register keys of the records a dashboard row opens.
OPEN_KIND = {"referral": "referrals", "review": "reviews", "decision": "referrals"}


# --- the figures -------------------------------------------------------------------------

@dataclass(frozen=True)
class ReviewStatusCount:
    """How many live reviews have one status, and how many of those are past their target."""

    status: str
    is_open: bool
    count: int
    past_target: int


@dataclass(frozen=True)
class AgencyRagCount:
    """One agency's open actions by RAG rating, in ``RAG_BUCKETS`` order."""

    agency: str
    counts: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.counts)

    def count(self, rag: str) -> int:
        return self.counts[RAG_BUCKETS.index(rag)]


@dataclass(frozen=True)
class OverdueLine:
    """An open action past its target date."""

    id: int
    reference: str | None
    description: str
    agency: str | None
    lead_officer: str | None
    target_on: dt.date
    days_overdue: int
    rag: str | None


@dataclass(frozen=True)
class ClockLine:
    """A running clock that is overdue or due soon, and the record a double-click opens."""

    clock_name: str
    record_kind: str  # referral | review | decision
    reference: str
    due_on: dt.date
    state: str  # "overdue" or "due"
    days_over: int | None
    days_left: int | None
    working_days_left: int | None
    open_kind: str  # "referrals" or "reviews"
    open_id: int


@dataclass(frozen=True)
class OutcomeCount:
    outcome: str
    count: int


@dataclass(frozen=True)
class FinancialYear:
    """A financial year, 1 April to 31 March, and the part of it up to the as-at date."""

    start: dt.date
    end: dt.date
    to: dt.date  # the last day counted: the as-at date, or the year's end if earlier

    @property
    def label(self) -> str:
        """"2025/26"."""
        return f"{self.start.year}/{str(self.end.year)[-2:]}"

    @classmethod
    def containing(cls, day: dt.date) -> FinancialYear:
        first = day.year if day.month >= 4 else day.year - 1
        start, end = dt.date(first, 4, 1), dt.date(first + 1, 3, 31)
        return cls(start, end, min(day, end))


@dataclass(frozen=True)
class Headlines:
    open_actions: int
    overdue_actions: int
    reviews_underway: int  # reviews whose status is an open one
    reviews_past_target: int
    clocks_due_this_week: int  # running, due from the as-at date to the Sunday of its week
    clocks_overdue: int
    chases_due: int = 0  # lead officers (or agencies) the chase schedule says to chase on the date
    chased_actions_due: int = 0  # and their actions


@dataclass(frozen=True)
class DashboardFigures:
    """Everything on the dashboard, as at ``as_at``."""

    as_at: dt.date
    headlines: Headlines
    reviews_by_status: tuple[ReviewStatusCount, ...]
    open_actions_by_agency: tuple[AgencyRagCount, ...]
    overdue_actions: tuple[OverdueLine, ...]  # the oldest first, at most OVERDUE_LIST_LIMIT
    overdue_total: int
    clocks_due: tuple[ClockLine, ...]
    referral_year: FinancialYear
    referrals_by_outcome: tuple[OutcomeCount, ...]
    date_format: str = ""  # the office's (app.dates pattern), for dates in headings

    @property
    def reviews_past_target(self) -> int:
        return sum(row.past_target for row in self.reviews_by_status)

    @property
    def rag_totals(self) -> tuple[int, ...]:
        """Open actions per RAG bucket over all agencies, in ``RAG_BUCKETS`` order."""
        return tuple(sum(row.counts[i] for row in self.open_actions_by_agency)
                     for i in range(len(RAG_BUCKETS)))

    @property
    def open_actions_total(self) -> int:
        return sum(row.total for row in self.open_actions_by_agency)

    @property
    def referrals_decided(self) -> int:
        return sum(row.count for row in self.referrals_by_outcome)

    @property
    def referrals_heading(self) -> str:
        """The outcome chart's heading, saying which period and how referrals are counted."""
        year = self.referral_year
        period = f"{year.label} to {format_date(year.to, self.date_format)}" if year.to < year.end else year.label
        return f"Referrals by outcome, {period} (each referral once, by its latest decision)"


# --- reading them ------------------------------------------------------------------------

def end_of_week(day: dt.date) -> dt.date:
    """The Sunday ending ``day``'s week."""
    return day + dt.timedelta(days=6 - day.weekday())


def _past_target(due_on: dt.date | None, done_on: dt.date | None, as_at: dt.date) -> bool:
    return due_on is not None and due_on < as_at and not (done_on is not None and done_on <= due_on)


def _reviews_by_status(session: Session, as_at: dt.date) -> tuple[list[ReviewStatusCount], int]:
    """Live reviews as they stood on ``as_at`` (``app.queries.reviews``), counted by status
    with how many are past target; and how many are open."""
    statuses = session.connection().execute(
        select(ListItem.name, ListItem.is_open, ListItem.archived_at)
        .where(ListItem.kind == ListKind.REVIEW_STATUS)
        .order_by(ListItem.sort_order, ListItem.name)
    ).all()
    reviews = read_reviews(session, as_at)
    counts: dict[str, int] = defaultdict(int)
    past: dict[str, int] = defaultdict(int)
    for review in reviews:
        key = review.status or NO_STATUS
        counts[key] += 1
        clock = review.clock
        if clock is not None:
            due, done = clock.due_on, clock.done_on
        else:
            due, done = review.target_override_on, review.finished_on
        past[key] += review.is_open and _past_target(due, done, as_at)
    rows = [ReviewStatusCount(name, is_open is not False, counts[name], past[name])
            for name, is_open, archived in statuses if archived is None or counts[name]]
    listed = {row.status for row in rows}
    rows += [ReviewStatusCount(name, True, counts[name], past[name]) for name in counts if name not in listed]
    return rows, sum(review.is_open for review in reviews)


def _agency_names(session: Session) -> dict[int, str]:
    return dict(session.connection().execute(select(Agency.id, Agency.name)).all())


def _by_agency(groups) -> list[AgencyRagCount]:
    """Open actions per agency and RAG bucket, from ``(agency, rag, count)`` groups."""
    per_agency: dict[str, list[int]] = {}
    for agency, rag, n in groups:
        bucket = RAG_BUCKETS.index(rag) if rag in RAG_VALUES else RAG_BUCKETS.index(NO_RAG)
        per_agency.setdefault(agency or NO_AGENCY, [0] * len(RAG_BUCKETS))[bucket] += n
    ordered = sorted(per_agency.items(), key=lambda item: (item[0] == NO_AGENCY, item[0].casefold()))
    return [AgencyRagCount(agency, tuple(counts)) for agency, counts in ordered]


def _actions_now(session: Session, as_at: dt.date, limit: int) -> tuple[list[AgencyRagCount], int, list[OverdueLine]]:
    """The action figures for today (or later) in grouped queries: open actions per agency
    and RAG, how many are overdue, and the ``limit`` longest overdue, oldest first."""
    is_open = Action.status_id.in_(rules.open_status_ids_clause())
    overdue_rule = rules.overdue_clause(Action.status_id, Action.target_on, as_at)
    # Grouping by RAG first lets SQLite read the table straight through: led by status, it
    # walks the status index and fetches every row out of order, three times slower.
    rows = session.connection().execute(
        select(Action.rag, Action.lead_agency_id, func.count(), func.sum(case((overdue_rule, 1), else_=0)))
        .where(Action.archived_at.is_(None), is_open)
        .group_by(Action.rag, Action.lead_agency_id)
    ).all()
    names = _agency_names(session)
    by_agency = _by_agency((names.get(agency_id), rag, n) for rag, agency_id, n, _ in rows)
    overdue_total = sum(n_overdue or 0 for *_, n_overdue in rows)
    # Agency names are put in afterwards: joined here, SQLite would join every overdue
    # action before keeping the oldest, forty times slower with 30,000 of them.
    oldest = session.connection().execute(
        select(Action.id, Action.reference, Action.description, Action.lead_agency_id,
               Action.lead_officer, Action.target_on, Action.rag)
        .where(overdue_rule, Action.archived_at.is_(None))
        .order_by(Action.target_on, Action.id)
        .limit(limit)
    ).all()
    return by_agency, overdue_total, [
        OverdueLine(i, ref or f"A{i}", desc, names.get(agency_id), lead, target, (as_at - target).days, rag)
        for i, ref, desc, agency_id, lead, target, rag in oldest]


def _actions_then(session: Session, as_at: dt.date, limit: int) -> tuple[list[AgencyRagCount], int, list[OverdueLine]]:
    """As ``_actions_now``, for a past date: the open actions as they stood then, from the
    plan's read model (which rebuilds each from its history)."""
    rows = read_action_plan(session, as_at, PlanFilter(open_only=True), with_updates=False).rows
    overdue = sorted((r for r in rows if r.state == rules.OVERDUE), key=lambda r: (r.target_on, r.id))
    groups: dict[tuple, int] = defaultdict(int)
    for row in rows:
        groups[(row.lead_agency, row.rag)] += 1
    return _by_agency((agency, rag, n) for (agency, rag), n in groups.items()), len(overdue), [
        OverdueLine(r.id, r.reference, r.description, r.lead_agency, r.lead_officer, r.target_on,
                    (as_at - r.target_on).days, r.rag) for r in overdue[:limit]]


def _clock_lines(session: Session, as_at: dt.date) -> list[ClockLine]:
    statuses: list[ClockStatus] = clocks_due(session, as_at, CLOCK_HORIZON_WORKING_DAYS)
    decision_ids = sorted({s.record_id for s in statuses if s.record_kind == "decision"})
    referral_of: dict[int, int] = {}
    for start in range(0, len(decision_ids), 500):
        chunk = decision_ids[start:start + 500]
        referral_of.update(session.connection().execute(
            select(Decision.id, Decision.referral_id).where(Decision.id.in_(chunk))).all())
    return [
        ClockLine(
            clock_name=s.clock_name, record_kind=s.record_kind, reference=s.reference,
            due_on=s.due_on, state=s.state, days_over=s.days_over, days_left=s.days_left,
            working_days_left=s.working_days_left,
            open_kind=OPEN_KIND[s.record_kind],
            open_id=referral_of[s.record_id] if s.record_kind == "decision" else s.record_id,
        )
        for s in statuses
    ]


def _referrals_by_outcome(session: Session, year: FinancialYear) -> list[OutcomeCount]:
    """Referrals decided in the year up to ``year.to``, each once, by its latest decision
    in that period (decisions kept in history, so earlier ones are passed over)."""
    later = aliased(Decision)
    in_period = [Decision.decided_on >= year.start, Decision.decided_on <= year.to,
                 Decision.archived_at.is_(None)]
    overtaken = exists().where(
        later.referral_id == Decision.referral_id, later.archived_at.is_(None),
        later.decided_on >= year.start, later.decided_on <= year.to,
        or_(later.decided_on > Decision.decided_on,
            and_(later.decided_on == Decision.decided_on, later.id > Decision.id)),
    )
    rows = session.connection().execute(
        select(ListItem.name, func.count())
        .select_from(Decision)
        .join(Referral, Referral.id == Decision.referral_id)
        .join(ListItem, ListItem.id == Decision.outcome_id)
        .where(*in_period, Referral.archived_at.is_(None), ~overtaken)
        .group_by(ListItem.id, ListItem.name, ListItem.sort_order)
        .order_by(ListItem.sort_order, ListItem.name)
    ).all()
    return [OutcomeCount(name, n) for name, n in rows]


def dashboard_figures(session: Session, as_at: dt.date, *,
                      overdue_limit: int = OVERDUE_LIST_LIMIT) -> DashboardFigures:
    """Every figure on the chair's dashboard as at ``as_at`` (see the module docstring for
    what each one counts). Reads only; the caller owns the session."""
    reviews, reviews_open = _reviews_by_status(session, as_at)
    actions = _actions_then if as_at < dt.date.today() else _actions_now
    by_agency, overdue_total, oldest_overdue = actions(session, as_at, overdue_limit)
    clocks = _clock_lines(session, as_at)
    chases_due, chased_actions_due = chasing.count_due_today(session, as_at)
    year = FinancialYear.containing(as_at)
    week_end = end_of_week(as_at)
    headlines = Headlines(
        open_actions=sum(row.total for row in by_agency),
        overdue_actions=overdue_total,
        reviews_underway=reviews_open,
        reviews_past_target=sum(row.past_target for row in reviews),
        clocks_due_this_week=sum(c.state == "due" and c.due_on <= week_end for c in clocks),
        clocks_overdue=sum(c.state == "overdue" for c in clocks),
        chases_due=chases_due,
        chased_actions_due=chased_actions_due,
    )
    return DashboardFigures(
        as_at=as_at,
        headlines=headlines,
        reviews_by_status=tuple(reviews),
        open_actions_by_agency=tuple(by_agency),
        overdue_actions=tuple(oldest_overdue),
        overdue_total=overdue_total,
        clocks_due=tuple(clocks),
        referral_year=year,
        referrals_by_outcome=tuple(_referrals_by_outcome(session, year)),
        date_format=get_settings(session).date_format,
    )

"""Deadlines: working days, periods and the clocks the office is held to.

Working days are counted by ``app.dates``: Monday to Friday less the England and Wales bank
holidays and the office's own closure days (its settings' ``calendar``), read from the
session each time due dates are worked out.

Clocks are data (``ClockRule`` rows the office can edit): a length, a unit and two events
written "table.field" — the recorded date that starts the clock and the one that stops it.
A clock runs on the kind of record its start event is on:

- a referral clock (``referral.date_aware``) on every referral;
- a decision clock on each decision — narrowed, for "panel_told_no_scr", to decisions not
  to hold an SCR/LCSPR, and for a clock attached to review types, to decisions that
  commission one of those types;
- a review clock on the reviews whose type the clock is attached to (or on every review when
  it is attached to none), with the review's agreed ``target_override_on`` replacing the
  computed due date.

A stop event on another kind of record is read through the links between them (a decision's
referral, a review's referrals): the earliest such date on or after the start counts.
``review_clock`` applies a review type's clock to a review whatever its start event, reading
a start on a referral or decision through the review's referrals in the same way.

**Where a start is not recorded.** The guidance starts the notification and rapid review
clocks when the partners learn of the incident; offices often record only when the case was
referred. A clock whose start event is blank starts from the nearest date the tracker does
hold (``START_FALLBACKS``): the referral date for "partners aware" (they knew by then, so the
clock is never shorter than the guidance allows, and the window says which date it used);
the decision to hold a review for its initiation; the decision on the referral for a review's
own "decision to review" date. ``ClockStatus.started_by`` names the date used.

**Paused and extended.** A clock can be paused (from a date, until it resumes) or extended to
a new due date, with a reason (``ClockAdjustment`` rows, written by
``app.services.clock_adjustments``). As at a date, only what had happened by then counts: a
pause that had begun and not ended leaves the clock "paused" (it cannot be missed meanwhile);
a pause that ended moves the due date on by its length, in the clock's own unit (working days
for a working-day clock); an extension sets the due date to the one agreed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field as dc_field

from sqlalchemy import ColumnElement, Date, Select, and_, exists, func, inspect, null, or_, select
from sqlalchemy.orm import Session, aliased

from app.dates import ENGLAND_AND_WALES, WorkingCalendar
from app.errors import UserError
from app.settings import get_settings
from db.models import ClockAdjustment, ClockRule, Decision, ListItem, ListKind, Referral, Review, review_referral

UNITS = ("working_days", "days", "months")

# The date a clock starts from when its own start event is blank (see the module docstring).
START_FALLBACKS = {
    "referral.date_aware": "referral.date_referred",
    "review.initiated_on": "review.decision_on",
    "review.decision_on": "decision.decided_on",
}

PAUSE, EXTENSION = "pause", "extension"

# Where a clock stands (``ClockStatus.state``), in the words the window and papers use.
STATE_WORDS = {"due": "Running", "overdue": "Overdue", "paused": "Paused", "met": "Met", "late": "Late",
               "not started": "Not started"}

# The clock Working Together 2015 sets for telling the National Panel of a decision not to
# hold a serious case review; it applies only to some decisions (see _panel_must_be_told).
NO_SCR_CLOCK = "panel_told_no_scr"
SCR_TYPE_CODES = ("scr", "lcspr")
DEFERRAL_CODE_PREFIXES = ("deferred", "more_info")

_MODELS = {"referral": Referral, "review": Review, "decision": Decision}
_DATE_FIELDS = {
    kind: tuple(key for key, column in inspect(model).columns.items() if isinstance(column.type, Date))
    for kind, model in _MODELS.items()
}


# --- working days ----------------------------------------------------------------------

def office_calendar(session: Session) -> WorkingCalendar:
    """The office's working days: bank holidays and its own closure days skipped."""
    return get_settings(session).calendar


def clock_events() -> list[str]:
    """Every recorded date a clock can start or stop on, as "table.field"."""
    return [f"{kind}.{field}" for kind, fields in _DATE_FIELDS.items() for field in fields]


def _event(rule: ClockRule, attr: str) -> tuple[str, str]:
    """The (record kind, field) named by the rule's ``start_event`` or ``done_event``."""
    text = getattr(rule, attr) or ""
    kind, _, field = text.strip().partition(".")
    if field not in _DATE_FIELDS.get(kind, ()):
        label = "start event" if attr == "start_event" else "stop event"
        raise UserError(
            f"Clock '{rule.name}': the {label} '{text}' is not a date the tracker records. "
            f"Choose one of: {', '.join(clock_events())}.",
            field=attr,
        )
    return kind, field


def validate_clock_rule(rule: ClockRule) -> None:
    """Check a clock the office has edited; raises ``UserError`` naming the clock and field."""
    if rule.unit not in UNITS:
        raise UserError(f"Clock '{rule.name}': the unit must be working days, days or months, "
                        f"not '{rule.unit}'.", field="unit")
    if not isinstance(rule.length, int) or rule.length < 0:
        raise UserError(f"Clock '{rule.name}': the length must be a whole number of "
                        f"{rule.unit.replace('_', ' ')}, 0 or more.", field="length")
    _event(rule, "start_event")
    if rule.done_event:
        _event(rule, "done_event")


# --- clock status ----------------------------------------------------------------------

@dataclass(frozen=True)
class Adjustment:
    """A pause or extension of one clock for one record, as recorded (``ClockAdjustment``)."""

    id: int
    kind: str  # PAUSE or EXTENSION
    from_on: dt.date  # a pause's first day; the day an extension was agreed
    to_on: dt.date | None  # the day a pause ended (None: still paused); an extension's new due date
    reason: str
    recorded_on: dt.date | None = None

    def describe(self, date_text=lambda day: day.strftime("%d/%m/%Y")) -> str:
        """"Paused 03/04/2017 to 10/04/2017: awaiting the post-mortem", "Extended to ..."."""
        if self.kind == EXTENSION:
            return f"Extended to {date_text(self.to_on)} (agreed {date_text(self.from_on)}): {self.reason}"
        until = f" to {date_text(self.to_on)}" if self.to_on else " (still paused)"
        return f"Paused {date_text(self.from_on)}{until}: {self.reason}"


@dataclass(frozen=True)
class ClockStatus:
    """Where one clock stands for one record, as at a date."""

    clock_code: str
    clock_name: str
    unit: str
    is_deadline: bool  # False: a minimum period (no stop event), which cannot be missed
    record_kind: str  # "referral", "review" or "decision"
    record_id: int
    reference: str  # the referral's or review's reference; a decision's referral reference
    started_on: dt.date | None
    due_on: dt.date | None
    done_on: dt.date | None
    as_at: dt.date
    # The working days the due date was counted in, and lateness is counted in.
    calendar: WorkingCalendar = dc_field(default=ENGLAND_AND_WALES, repr=False, compare=False)
    # The recorded date the clock started from when its own start event was blank
    # ("referral.date_referred"); None when it started from its own.
    started_by: str | None = None
    start_event: str = ""  # the rule's own start event ("referral.date_aware")
    clock_id: int | None = None
    # Paused on this date and not resumed by the as-at date.
    paused_since: dt.date | None = None
    # The pauses and extensions that had happened by the as-at date, in order.
    adjustments: tuple[Adjustment, ...] = ()

    @property
    def state(self) -> str:
        """One of "due", "overdue", "paused", "met", "late", "not started"."""
        if self.due_on is None:
            return "not started"
        if not self.is_deadline:
            # A minimum period is served once its end is reached; until then it is running.
            return "met" if self.as_at >= self.due_on else "due"
        if self.done_on is not None:
            return "met" if self.done_on <= self.due_on else "late"
        if self.paused_since is not None:
            return "paused"
        return "overdue" if self.as_at > self.due_on else "due"

    @property
    def state_word(self) -> str:
        """The state as the office reads it: "Running", "Overdue", "Paused"..."""
        return STATE_WORDS[self.state]

    def _end(self) -> dt.date | None:
        """The date lateness is measured to: when it was done, or today if still open."""
        return {"late": self.done_on, "overdue": self.as_at}.get(self.state)

    @property
    def days_over(self) -> int | None:
        """Calendar days past the due date, for an overdue or late clock."""
        end = self._end()
        return None if end is None else (end - self.due_on).days

    @property
    def working_days_over(self) -> int | None:
        """Working days past the due date, for an overdue or late working-day clock."""
        end = self._end()
        if end is None or self.unit != "working_days":
            return None
        return self.calendar.working_days_between(self.due_on, end)

    @property
    def days_left(self) -> int | None:
        """Calendar days until the due date (0 = due today), for a clock still running."""
        return (self.due_on - self.as_at).days if self.state == "due" else None

    @property
    def working_days_left(self) -> int | None:
        """Working days until the due date, for a running working-day clock."""
        if self.state != "due" or self.unit != "working_days":
            return None
        return self.calendar.working_days_between(self.as_at, self.due_on)

    @property
    def days_to_due(self) -> int | None:
        """Calendar days from the as-at date to the due date, negative once overdue: for a
        clock running or overdue (None otherwise), so that a column of them sorts soonest first."""
        return (self.due_on - self.as_at).days if self.state in ("due", "overdue") else None

    @property
    def when(self) -> str:
        """How near it is, in words: "3 days overdue", "due today", "in 4 working days",
        "paused since 03/04/2017", "met", "not started"."""
        state = self.state
        if state == "overdue":
            return f"{_count(self.days_over, 'day')} overdue"
        if state == "due":
            if self.days_left == 0:
                return "due today"
            if self.working_days_left is not None:
                return f"in {_count(self.working_days_left, 'working day')}"
            return f"in {_count(self.days_left, 'day')}"
        if state == "paused":
            return f"paused since {self.paused_since.strftime('%d/%m/%Y')}"
        if state == "late":
            return f"late by {_count(self.days_over, 'day')}"
        return state


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _pushed(due: dt.date, first_day: dt.date, resumed_on: dt.date, unit: str,
            calendar: WorkingCalendar) -> dt.date:
    """The due date moved on by a pause from ``first_day`` up to (not including)
    ``resumed_on``: by the working days paused for a working-day clock, else by the days."""
    if unit == "working_days":
        paused = calendar.working_days_between(first_day - dt.timedelta(days=1), resumed_on - dt.timedelta(days=1))
        return calendar.add_working_days(due, max(paused, 0))
    return due + dt.timedelta(days=max((resumed_on - first_day).days, 0))


def adjusted(due: dt.date, done: dt.date | None, adjustments, as_at: dt.date, unit: str,
             calendar: WorkingCalendar) -> tuple[dt.date, dt.date | None, tuple[Adjustment, ...]]:
    """A clock's due date after its pauses and extensions as they stood on ``as_at``: (the due
    date, the day it was paused if still paused then, the adjustments counted). One made
    after the date, or after the clock stopped, is not counted; a pause still running when the
    clock stopped counts up to the day it stopped."""
    paused_since = None
    counted = []
    for adjustment in sorted(adjustments, key=lambda a: (a.from_on, a.id)):
        if adjustment.from_on > as_at or (done is not None and adjustment.from_on > done):
            continue
        counted.append(adjustment)
        if adjustment.kind == EXTENSION:
            due = adjustment.to_on
            continue
        resumed = adjustment.to_on if adjustment.to_on is not None and adjustment.to_on <= as_at else None
        if resumed is None and done is not None:
            resumed = done  # stopped while paused
        if resumed is None:
            paused_since = adjustment.from_on
        else:
            due = _pushed(due, adjustment.from_on, resumed, unit, calendar)
    return due, paused_since, tuple(counted)


# --- reading clocks from the database --------------------------------------------------

def _linked_dates(anchor: str, kind: str, column) -> Select:
    """min(column) over the live ``kind`` records linked to the enclosing ``anchor`` row."""
    model = _MODELS[kind]
    link = review_referral.c
    query = select(func.min(column)).select_from(model)
    if {anchor, kind} == {"decision", "referral"}:
        query = query.where(Referral.id == Decision.referral_id)
    elif anchor == "review":
        referral_id = Referral.id if kind == "referral" else Decision.referral_id
        query = query.join(review_referral, link.referral_id == referral_id).where(link.review_id == Review.id)
        if kind == "decision":
            # Of the referrals' decisions, only those that commissioned this type of review.
            query = (query.join(ListItem, ListItem.id == Decision.outcome_id)
                     .where(ListItem.review_type_id == Review.review_type_id))
    else:  # the reviews covering the anchor's referral
        referral_id = Referral.id if anchor == "referral" else Decision.referral_id
        query = query.join(review_referral, link.review_id == Review.id).where(link.referral_id == referral_id)
    return query.where(model.archived_at.is_(None)).correlate(_MODELS[anchor])


def _event_column(anchor: str, event: str, *, after=None) -> ColumnElement:
    """SQL for the date of ``event`` ("table.field", checked already) for each ``anchor`` row.

    ``after``: on a linked record only a date on or after it counts (a referral's "panel
    told" date from before a decision cannot stop that decision's clock).
    """
    kind, _, field = event.partition(".")
    column = getattr(_MODELS[kind], field)
    if kind == anchor:
        return column
    query = _linked_dates(anchor, kind, column)
    if after is not None:
        query = query.where(column >= after)
    return query.scalar_subquery()


def _event_date(rule: ClockRule, attr: str, anchor: str, *, after=None) -> ColumnElement:
    """SQL for the date of the rule's start or stop event, for each ``anchor`` row."""
    kind, field = _event(rule, attr)
    return _event_column(anchor, f"{kind}.{field}", after=after)


@dataclass(frozen=True)
class _ClockQuery:
    """One clock read for one kind of record: the SQL for its dates, and how to judge them."""

    rule: ClockRule
    anchor: str
    with_override: bool = False  # a review's agreed target replaces the computed due date

    @property
    def model(self):
        return _MODELS[self.anchor]

    @property
    def fallback(self) -> str | None:
        """The event the clock starts from when its own is blank (``START_FALLBACKS``)."""
        kind, field = _event(self.rule, "start_event")
        return START_FALLBACKS.get(f"{kind}.{field}")

    @property
    def recorded_start(self) -> ColumnElement:
        return _event_date(self.rule, "start_event", self.anchor)

    @property
    def start(self) -> ColumnElement:
        """The date the clock starts: its own start event, or failing that its fallback."""
        if self.fallback is None:
            return self.recorded_start
        return func.coalesce(self.recorded_start, _event_column(self.anchor, self.fallback))

    @property
    def done(self) -> ColumnElement:
        if not self.rule.done_event:
            return null()
        return _event_date(self.rule, "done_event", self.anchor, after=self.start)

    @property
    def override(self) -> ColumnElement:
        return Review.target_override_on if self.with_override else null()

    def select(self) -> Select:
        if self.anchor == "decision":
            reference = (select(Referral.reference).where(Referral.id == Decision.referral_id)
                         .correlate(Decision).scalar_subquery())
        else:
            reference = self.model.reference
        return select(self.model.id, reference, self.start, self.done, self.override, self.recorded_start)

    def applicable(self) -> list[ColumnElement]:
        """Records whose clock starts within the dates the guidance was in force (or has not
        started yet, so that it is not forgotten)."""
        conditions = []
        if self.rule.applies_from:
            conditions.append(or_(self.start.is_(None), self.start >= self.rule.applies_from))
        if self.rule.applies_until:
            conditions.append(or_(self.start.is_(None), self.start <= self.rule.applies_until))
        return conditions

    def adjustments(self, session: Session) -> dict[int, list[Adjustment]]:
        """The live pauses and extensions of this clock on records of this kind, by record."""
        found: dict[int, list[Adjustment]] = {}
        rows = session.execute(
            select(ClockAdjustment.record_id, ClockAdjustment.id, ClockAdjustment.kind, ClockAdjustment.from_on,
                   ClockAdjustment.to_on, ClockAdjustment.reason, ClockAdjustment.recorded_on)
            .where(ClockAdjustment.clock_rule_id == self.rule.id, ClockAdjustment.record_kind == self.anchor,
                   ClockAdjustment.archived_at.is_(None)))
        for record_id, *values in rows:
            found.setdefault(record_id, []).append(Adjustment(*values))
        return found

    def extended_ids(self) -> Select:
        """The records of this kind with an extension of this clock (its due date is agreed)."""
        return select(ClockAdjustment.record_id).where(
            ClockAdjustment.clock_rule_id == self.rule.id, ClockAdjustment.record_kind == self.anchor,
            ClockAdjustment.kind == EXTENSION, ClockAdjustment.archived_at.is_(None))

    def statuses(self, session: Session, conditions, as_at: dt.date,
                 calendar: WorkingCalendar) -> list[ClockStatus]:
        """The clock's status for each record meeting ``conditions`` as it stood on ``as_at``
        (a start, stop, pause or extension recorded after that date had not happened then),
        due dates counted in ``calendar``'s working days."""
        query = self.select().where(*conditions, *self.applicable())
        if self.anchor == "decision":
            query = query.order_by(Decision.decided_on, Decision.id)
        rule = self.rule
        fallback = self.fallback
        adjustments = self.adjustments(session)
        found = []
        for record_id, reference, started, done, override, recorded in session.execute(query):
            if started is not None and started > as_at:
                started = override = None
            if done is not None and done > as_at:
                done = None
            due = override or (calendar.add_period(started, rule.length, rule.unit) if started else None)
            paused_since, counted = None, ()
            if due is not None and record_id in adjustments:
                due, paused_since, counted = adjusted(due, done, adjustments[record_id], as_at, rule.unit, calendar)
            found.append(ClockStatus(
                clock_code=rule.code, clock_name=rule.name, unit=rule.unit,
                is_deadline=bool(rule.done_event), record_kind=self.anchor, record_id=record_id,
                reference=reference, started_on=started, done_on=done, as_at=as_at, calendar=calendar,
                due_on=due, started_by=fallback if started is not None and recorded is None else None,
                clock_id=rule.id, paused_since=paused_since, adjustments=counted, start_event=rule.start_event,
            ))
        return found


def _review_type_ids(session: Session, rule: ClockRule) -> list[int]:
    """The review types (archived ones too: their reviews still run) that use this clock."""
    return list(session.scalars(
        select(ListItem.id).where(ListItem.kind == ListKind.REVIEW_TYPE, ListItem.clock_id == rule.id)
    ))


def _panel_must_be_told(session: Session) -> ColumnElement:
    """Decisions not to hold an SCR/LCSPR (deferrals aside) not overtaken by a later one to hold one."""
    outcomes = session.scalars(select(ListItem).where(ListItem.kind == ListKind.DECISION_OUTCOME)).all()
    scr = [o.id for o in outcomes if o.review_type is not None and o.review_type.code in SCR_TYPE_CODES]
    deferral = [o.id for o in outcomes if (o.code or "").startswith(DEFERRAL_CODE_PREFIXES)]
    later = aliased(Decision)
    later_scr = exists().where(
        later.referral_id == Decision.referral_id,
        later.archived_at.is_(None),
        later.outcome_id.in_(scr),
        or_(later.decided_on > Decision.decided_on,
            and_(later.decided_on == Decision.decided_on, later.id > Decision.id)),
    )
    return and_(Decision.outcome_id.not_in(scr + deferral), ~later_scr)


def _clock_query(session: Session, rule: ClockRule) -> tuple[_ClockQuery, list]:
    """How a clock runs on the records its start event is on: the query and which records."""
    anchor, _ = _event(rule, "start_event")
    model = _MODELS[anchor]
    type_ids = _review_type_ids(session, rule)
    conditions = [model.archived_at.is_(None)]
    if anchor == "review" and type_ids:
        conditions.append(Review.review_type_id.in_(type_ids))
    if anchor == "decision":
        conditions.append(Decision.referral.has(Referral.archived_at.is_(None)))
        if type_ids:
            conditions.append(Decision.outcome.has(ListItem.review_type_id.in_(type_ids)))
        if rule.code == NO_SCR_CLOCK:
            conditions.append(_panel_must_be_told(session))
    return _ClockQuery(rule, anchor, with_override=anchor == "review" and bool(type_ids)), conditions


def _active_rules(session: Session) -> list[ClockRule]:
    return list(session.scalars(
        select(ClockRule).where(ClockRule.archived_at.is_(None)).order_by(ClockRule.id)
    ))


def review_clock(session: Session, review: Review, as_at: dt.date) -> ClockStatus | None:
    """The clock set by the review's type, applied to the review; None if its type has none
    (or the review started outside the dates the clock's guidance was in force)."""
    rule = review.review_type.clock
    if rule is None or rule.archived_at is not None:
        return None
    clock = _ClockQuery(rule, "review", with_override=True)
    found = clock.statuses(session, [Review.id == review.id], as_at, office_calendar(session))
    return found[0] if found else None


def review_clocks(session: Session, as_at: dt.date, *conditions) -> list[ClockStatus]:
    """The clock of every review (meeting ``conditions``) whose type has one: one query per
    clock, for screens that show many reviews at once."""
    found: list[ClockStatus] = []
    calendar = office_calendar(session)
    for rule in _active_rules(session):
        type_ids = _review_type_ids(session, rule)
        if type_ids:
            clock = _ClockQuery(rule, "review", with_override=True)
            found += clock.statuses(session, [Review.review_type_id.in_(type_ids),
                                              Review.archived_at.is_(None), *conditions], as_at, calendar)
    return found


def clocked_review_type_ids(session: Session) -> set[int]:
    """The review types that have a (current) clock setting their target."""
    return {type_id for rule in _active_rules(session) for type_id in _review_type_ids(session, rule)}


def review_target(session: Session, review: Review) -> dt.date | None:
    """The review's target date: the agreed override if set, else its type's clock."""
    if review.target_override_on is not None:
        return review.target_override_on
    # The due date does not depend on the "as at" date.
    status = review_clock(session, review, dt.date.today())
    return status.due_on if status else None


def referral_clocks(session: Session, referral: Referral, as_at: dt.date) -> list[ClockStatus]:
    """The referral's own clocks (started or not) and those running on its decisions."""
    statuses: list[ClockStatus] = []
    calendar = office_calendar(session)
    for rule in _active_rules(session):
        clock, conditions = _clock_query(session, rule)
        if clock.anchor == "referral":
            statuses += clock.statuses(session, [Referral.id == referral.id], as_at, calendar)
        elif clock.anchor == "decision":
            statuses += clock.statuses(session, [*conditions, Decision.referral_id == referral.id], as_at,
                                       calendar)
    return statuses


def _min_days(rule: ClockRule) -> int:
    """The fewest calendar days the clock can run: a working day or day is at least one, a
    month at least 28."""
    return rule.length * (28 if rule.unit == "months" else 1)


def clocks_due(session: Session, as_at: dt.date, within_working_days: int = 10) -> list[ClockStatus]:
    """Every running deadline that is overdue or due within the next N working days.

    Minimum periods are left out (nothing has to be done), as are archived clocks and records.
    Overdue first, then by due date.
    """
    calendar = office_calendar(session)
    horizon = calendar.add_working_days(as_at, within_working_days)
    found: list[ClockStatus] = []
    for rule in _active_rules(session):
        if not rule.done_event:
            continue
        clock, conditions = _clock_query(session, rule)
        # Only records whose clock could be due by the horizon: started late enough ago, or
        # (for a review) with an agreed target by then. The exact test follows in Python.
        latest_start = horizon - dt.timedelta(days=_min_days(rule))
        near = clock.start <= latest_start
        if clock.with_override:
            near = or_(and_(clock.override.is_(None), near), clock.override <= horizon)
        near = or_(near, clock.model.id.in_(clock.extended_ids()))  # an agreed date may be nearer
        not_done = or_(clock.done.is_(None), clock.done > as_at)  # stopped later: still running then
        running = clock.statuses(session, [*conditions, not_done, near], as_at, calendar)
        found += [s for s in running if s.state == "overdue" or (s.state == "due" and s.due_on <= horizon)]
    # Overdue clocks fall due before ``as_at`` and running ones on or after it, so ordering
    # by due date puts the overdue first.
    return sorted(found, key=lambda s: (s.due_on, s.record_kind, s.reference))


def live_clocks(session: Session, as_at: dt.date) -> list[ClockStatus]:
    """Every deadline running on ``as_at`` on a live record: started, not yet stopped, and
    due, overdue or paused. The soonest due first (so the overdue lead), the paused last.
    Minimum periods are left out: they cannot be missed."""
    calendar = office_calendar(session)
    found: list[ClockStatus] = []
    for rule in _active_rules(session):
        if not rule.done_event:
            continue
        clock, conditions = _clock_query(session, rule)
        not_done = or_(clock.done.is_(None), clock.done > as_at)
        started = clock.start <= as_at
        if clock.with_override:
            started = or_(started, clock.override.is_not(None))
        running = clock.statuses(session, [*conditions, not_done, started], as_at, calendar)
        found += [s for s in running if s.state in ("due", "overdue", "paused")]
    return sorted(found, key=lambda s: (s.state == "paused", s.due_on, s.record_kind, s.reference))


def decision_referrals(session: Session, decision_ids) -> dict[int, int]:
    """The referral of each decision of ``decision_ids``, by decision id."""
    wanted = sorted(set(decision_ids))
    found: dict[int, int] = {}
    for start in range(0, len(wanted), 500):
        found.update(session.execute(select(Decision.id, Decision.referral_id)
                                     .where(Decision.id.in_(wanted[start:start + 500]))).all())
    return found


def referral_deadlines(session: Session, as_at: dt.date) -> dict[int, ClockStatus]:
    """The next deadline of each live referral with one running on ``as_at`` (its own clocks
    and its decisions'): the one due soonest, overdue ones first; by referral id."""
    running = [s for s in live_clocks(session, as_at) if s.record_kind in ("referral", "decision")]
    referral_of = decision_referrals(session, (s.record_id for s in running if s.record_kind == "decision"))
    nearest: dict[int, ClockStatus] = {}
    for status in running:  # soonest first: the first seen for a referral is its next deadline
        owner = referral_of[status.record_id] if status.record_kind == "decision" else status.record_id
        nearest.setdefault(owner, status)
    return nearest


def review_record_clocks(session: Session, review: Review, as_at: dt.date) -> list[ClockStatus]:
    """Every clock on one review: its type's clock (wherever that starts) and the clocks that
    start on a review and apply to every review (a published report kept online)."""
    found = [status for status in [review_clock(session, review, as_at)] if status is not None]
    calendar = office_calendar(session)
    for rule in _active_rules(session):
        anchor, _ = _event(rule, "start_event")
        if anchor == "review" and not _review_type_ids(session, rule):
            found += _ClockQuery(rule, "review").statuses(session, [Review.id == review.id], as_at, calendar)
    return found


def record_clock(session: Session, clock_id: int, record_kind: str, record_id: int,
                 as_at: dt.date) -> ClockStatus | None:
    """One clock (rule ``clock_id``) on one record as at a date; None if it does not run on it."""
    if record_kind == "referral":
        referral = session.get(Referral, record_id)
        statuses = referral_clocks(session, referral, as_at) if referral is not None else []
    elif record_kind == "decision":
        decision = session.get(Decision, record_id)
        statuses = referral_clocks(session, decision.referral, as_at) if decision is not None else []
    elif record_kind == "review":
        review = session.get(Review, record_id)
        statuses = review_record_clocks(session, review, as_at) if review is not None else []
    else:
        statuses = []
    return next((s for s in statuses if s.clock_id == clock_id and s.record_kind == record_kind
                 and s.record_id == record_id), None)


def adjustment_history(session: Session, clock_id: int, record_kind: str,
                       record_id: int) -> list[tuple[Adjustment, bool]]:
    """Every pause and extension ever recorded for one clock on one record, in date order,
    each with whether it was withdrawn since."""
    rows = session.execute(
        select(ClockAdjustment.id, ClockAdjustment.kind, ClockAdjustment.from_on, ClockAdjustment.to_on,
               ClockAdjustment.reason, ClockAdjustment.recorded_on, ClockAdjustment.archived_at)
        .where(ClockAdjustment.clock_rule_id == clock_id, ClockAdjustment.record_kind == record_kind,
               ClockAdjustment.record_id == record_id)
        .order_by(ClockAdjustment.from_on, ClockAdjustment.id))
    return [(Adjustment(*values), archived is not None) for *values, archived in rows]

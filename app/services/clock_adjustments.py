"""Pausing, resuming and extending a clock for one record, each with its reason. Adjustments
are added and kept, never overwritten: resuming a pause fills in the day it ended, and
withdrawing one (undo) archives it. How they move a due date is ``app.clocks.adjusted``."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clocks import EXTENSION, PAUSE, ClockStatus, record_clock
from app.errors import UserError, ValidationError
from app.services.records import archive_record, get_record, restore_record
from app.services.validation import Problems, multiline_text
from db.models import ClockAdjustment, ClockRule

RECORD_KINDS = ("referral", "review", "decision")


def _running_clock(session: Session, clock_id: int, record_kind: str, record_id: int,
                   on: dt.date, field: str) -> ClockStatus:
    """The clock as it stood on ``on``; a ``UserError`` if it does not run on that record, has
    not started, or had not started by then (naming ``field``)."""
    rule = get_record(session, ClockRule, clock_id, "clock")
    if record_kind not in RECORD_KINDS:
        raise UserError(f"A clock runs on a referral, a review or a decision, not on a {record_kind}.")
    latest = record_clock(session, clock_id, record_kind, record_id, max(on, dt.date.today()))
    if latest is None:
        raise UserError(f"The clock '{rule.name}' does not run on this {record_kind}.")
    if latest.started_on is None:
        raise UserError(f"The clock '{rule.name}' has not started: record the date that starts it first.",
                        field=field)
    if on < latest.started_on:
        raise ValidationError({field: f"cannot be before the clock started ({latest.started_on:%d/%m/%Y})"})
    return record_clock(session, clock_id, record_kind, record_id, on)


def _open_pause(session: Session, clock_id: int, record_kind: str, record_id: int) -> ClockAdjustment | None:
    return session.scalar(select(ClockAdjustment).where(
        ClockAdjustment.clock_rule_id == clock_id, ClockAdjustment.record_kind == record_kind,
        ClockAdjustment.record_id == record_id, ClockAdjustment.kind == PAUSE,
        ClockAdjustment.to_on.is_(None), ClockAdjustment.archived_at.is_(None)))


def _overlapping_pause(session: Session, clock_id: int, record_kind: str, record_id: int,
                       from_on: dt.date, until: dt.date | None) -> ClockAdjustment | None:
    """A live pause of the clock that shares a day with the one from ``from_on`` to ``until``."""
    pauses = session.scalars(select(ClockAdjustment).where(
        ClockAdjustment.clock_rule_id == clock_id, ClockAdjustment.record_kind == record_kind,
        ClockAdjustment.record_id == record_id, ClockAdjustment.kind == PAUSE,
        ClockAdjustment.archived_at.is_(None)))
    end = until or dt.date.max
    return next((p for p in pauses if p.from_on < end and from_on < (p.to_on or dt.date.max)), None)


def pause_clock(session: Session, clock_id: int, record_kind: str, record_id: int, *, from_on: dt.date,
                reason: str, until: dt.date | None = None, recorded_on: dt.date | None = None) -> ClockAdjustment:
    """Pause a clock on one record from ``from_on`` (its first day not counted), until it
    resumes on ``until`` (or until ``resume_clock`` says so). A clock is paused while it
    runs: on or after the day it started, no later than the day it falls due, not already
    paused, and with a reason."""
    problems = Problems()
    problems.required("from_on", from_on)
    problems.required("reason", reason)
    problems.raise_if_any()
    status = _running_clock(session, clock_id, record_kind, record_id, from_on, "from_on")
    if status.state == "paused" or _open_pause(session, clock_id, record_kind, record_id) is not None:
        problems.add("from_on", "the clock is paused already; resume it first")
    elif status.state in ("met", "late"):
        problems.add("from_on", f"the clock had stopped by then ({status.done_on:%d/%m/%Y})")
    elif status.state == "overdue":
        problems.add("from_on", f"the clock fell due on {status.due_on:%d/%m/%Y}, before this date: "
                                "extend it to a new date instead")
    if until is not None and until <= from_on:
        problems.add("until", "must be after the day the pause starts")
    elif _overlapping_pause(session, clock_id, record_kind, record_id, from_on, until) is not None:
        problems.add("from_on", "the clock was paused for some of that time already")
    problems.raise_if_any()
    adjustment = ClockAdjustment(clock_rule_id=clock_id, record_kind=record_kind, record_id=record_id,
                                 kind=PAUSE, from_on=from_on, to_on=until, reason=multiline_text(reason),
                                 recorded_on=recorded_on or dt.date.today())
    session.add(adjustment)
    session.flush()
    return adjustment


def resume_clock(session: Session, clock_id: int, record_kind: str, record_id: int, *,
                 on: dt.date) -> ClockAdjustment:
    """End the clock's pause on one record: it runs again from ``on``."""
    pause = _open_pause(session, clock_id, record_kind, record_id)
    if pause is None:
        raise UserError("This clock is not paused.", field="on")
    if on is None or on <= pause.from_on:
        raise UserError(f"The day the clock resumes must be after the day it was paused "
                        f"({pause.from_on:%d/%m/%Y}).", field="on")
    pause.to_on = on
    session.flush()
    return pause


def extend_clock(session: Session, clock_id: int, record_kind: str, record_id: int, *, to_on: dt.date,
                 reason: str, agreed_on: dt.date | None = None) -> ClockAdjustment:
    """Set a new due date for a clock on one record, agreed on ``agreed_on`` (today unless
    given), with a reason. The new date must come after the clock started; the earlier due
    date is kept in the history."""
    agreed_on = agreed_on or dt.date.today()
    problems = Problems()
    problems.required("to_on", to_on)
    problems.required("reason", reason)
    problems.raise_if_any()
    status = _running_clock(session, clock_id, record_kind, record_id, agreed_on, "agreed_on")
    if to_on <= status.started_on:
        problems.add("to_on", f"must be after the clock started ({status.started_on:%d/%m/%Y})")
    elif to_on == status.due_on:
        problems.add("to_on", "is the due date already")
    problems.raise_if_any()
    adjustment = ClockAdjustment(clock_rule_id=clock_id, record_kind=record_kind, record_id=record_id,
                                 kind=EXTENSION, from_on=agreed_on, to_on=to_on, reason=multiline_text(reason),
                                 recorded_on=dt.date.today())
    session.add(adjustment)
    session.flush()
    return adjustment


def withdraw_adjustment(session: Session, adjustment_id: int) -> None:
    """Take a pause or extension back (it was recorded in error): archived, so the history
    still shows it was made."""
    archive_record(session, get_record(session, ClockAdjustment, adjustment_id, "clock adjustment"))


def reinstate_adjustment(session: Session, adjustment_id: int) -> None:
    """Bring a withdrawn pause or extension back."""
    restore_record(session, get_record(session, ClockAdjustment, adjustment_id, "clock adjustment"))


def unresume_clock(session: Session, adjustment_id: int) -> None:
    """Reopen a pause that was resumed (undo of ``resume_clock``)."""
    pause = get_record(session, ClockAdjustment, adjustment_id, "clock adjustment")
    pause.to_on = None
    session.flush()

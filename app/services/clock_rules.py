"""The clocks that set deadlines: their length, unit and the recorded dates that start and
stop them. The deadlines themselves are worked out in ``app.clocks``."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import lookups
from app.clocks import validate_clock_rule
from app.errors import UserError
from app.services.records import archive_record, get_record, restore_record
from app.services.validation import Problems, multiline_text, optional_text
from app.text import clean, match_key
from db.models import ClockRule

CLOCK_UNITS = ("working_days", "days", "months")
CLOCK_FIELDS = ("name", "length", "unit", "start_event", "done_event", "source", "notes",
                "applies_from", "applies_until")


def _apply(rule: ClockRule, problems: Problems, fields: dict) -> None:
    """Check and set a clock's fields; the rule is left unchanged when they are refused."""
    problems.unknown(fields, CLOCK_FIELDS, "a clock")
    if "name" in fields:
        problems.required("name", fields["name"])
    if "length" in fields and (not isinstance(fields["length"], int) or fields["length"] < 0):
        problems.add("length", "must be a whole number, 0 or more")
    if "unit" in fields and fields["unit"] not in CLOCK_UNITS:
        problems.add("unit", "must be working days, days or months")
    if "start_event" in fields:
        problems.required("start_event", fields["start_event"])
    problems.date_order("date it applies from", fields.get("applies_from", rule.applies_from),
                        "applies_until", fields.get("applies_until", rule.applies_until))
    problems.raise_if_any()
    before = {name: getattr(rule, name) for name in CLOCK_FIELDS}
    for name in ("name", "source"):
        if name in fields:
            setattr(rule, name, optional_text(fields[name]))
    if "notes" in fields:
        rule.notes = multiline_text(fields["notes"])
    for name in ("length", "unit", "start_event", "applies_from", "applies_until"):
        if name in fields:
            setattr(rule, name, fields[name])
    if "done_event" in fields:
        rule.done_event = fields["done_event"] or None
    try:
        validate_clock_rule(rule)
    except UserError:
        for name, value in before.items():
            setattr(rule, name, value)
        raise


def update_clock_rule(session: Session, clock_id: int, **fields) -> ClockRule:
    """Change any part of a clock: name, length, unit, start and stop events, the dates it
    applies between, source, notes."""
    rule = get_record(session, ClockRule, clock_id, "clock")
    _apply(rule, Problems(), fields)
    session.flush()
    return rule


def update_clock(session: Session, code: str, **fields) -> ClockRule:
    """Like ``update_clock_rule`` for the clock with this code or name; fields given as None
    are left as they are."""
    rule = lookups.clock(session, code)
    return update_clock_rule(session, rule.id, **{k: v for k, v in fields.items() if v is not None})


def create_clock_rule(session: Session, *, name: str, length: int | None, unit: str, start_event: str,
                      done_event: str | None = None, source: str | None = None,
                      notes: str | None = None, code: str | None = None,
                      applies_from: dt.date | None = None,
                      applies_until: dt.date | None = None) -> ClockRule:
    """Add a clock. Its code (made from its name unless given) never changes afterwards."""
    problems = Problems()
    problems.required("name", name)
    problems.required("length", length)
    problems.raise_if_any()
    base = clean(code) or "_".join(match_key(name).replace("-", " ").split())[:36] or "clock"
    code, n = base, 1
    while session.scalar(select(ClockRule.id).where(ClockRule.code == code)) is not None:
        n += 1
        code = f"{base}_{n}"
    rule = ClockRule(code=code, name=clean(name), length=0, unit="days", start_event=start_event)
    session.add(rule)
    try:
        _apply(rule, problems, dict(length=length, unit=unit, start_event=start_event,
                                    done_event=done_event, source=source, notes=notes,
                                    applies_from=applies_from, applies_until=applies_until))
    except UserError:
        session.expunge(rule)
        raise
    session.flush()
    return rule


def archive_clock_rule(session: Session, clock_id: int) -> None:
    """Take a clock out of use; records keep the dates they hold."""
    archive_record(session, get_record(session, ClockRule, clock_id, "clock"))


def restore_clock_rule(session: Session, clock_id: int) -> None:
    """Put a clock taken out of use back."""
    restore_record(session, get_record(session, ClockRule, clock_id, "clock"))

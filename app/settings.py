"""Office settings printed on every paper and export (name, marking, date format, logo), and
the office's own closure days, which working-day clocks skip."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field, fields
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import dates
from app.defaults import SETTINGS
from app.errors import ValidationError
from app.text import clean
from db.models import Setting

log = logging.getLogger(__name__)

CLOSURE_DAYS = "closure_days"  # ISO dates separated by commas; none by default


@dataclass(frozen=True)
class OfficeSettings:
    partnership_name: str
    protective_marking: str
    date_format: str  # Qt-style pattern of one of ``app.dates.DATE_FORMATS``, e.g. dd/MM/yyyy
    logo_path: str  # empty for none
    closure_days: frozenset[dt.date] = field(default_factory=frozenset)

    @property
    def date_style(self) -> dates.DateFormat:
        """The office's date format (the default one if the stored pattern is not offered)."""
        return dates.date_format(self.date_format)

    def format_date(self, day: dt.date | None) -> str:
        """``day`` in the office's date format; "" for None."""
        return dates.format_date(day, self.date_style)

    @property
    def calendar(self) -> dates.WorkingCalendar:
        """Working days for this office: bank holidays and its closure days skipped."""
        return dates.WorkingCalendar(self.closure_days)


def _stored_closure_days(text: str) -> frozenset[dt.date]:
    """The stored closure days; one that cannot be read (a hand-edited database) is logged
    and left out rather than stopping every paper and clock."""
    found = set()
    for part in text.split(","):
        try:
            day = dates.parse_date(part)
        except dates.DateNotUnderstood as err:
            log.warning("Closure day ignored: %s", err)
            continue
        if day is not None:
            found.add(day)
    return frozenset(found)


def get_settings(session: Session) -> OfficeSettings:
    """The office settings, with defaults for any not yet stored."""
    # The table's columns, not the ORM's: read before the window first shows, this must not
    # wait for the ORM to configure its mappers.
    table = Setting.__table__.c
    stored = dict(session.execute(select(table.key, table.value)).all())
    values = {f.name: stored.get(f.name, SETTINGS.get(f.name, "")) for f in fields(OfficeSettings)}
    values[CLOSURE_DAYS] = _stored_closure_days(values[CLOSURE_DAYS] or "")
    return OfficeSettings(**values)


def _closure_days_text(value: str | Iterable[dt.date]) -> str:
    """Closure days given as typed (UK dates separated by commas) or as dates, as stored."""
    days = dates.parse_date_list(value) if isinstance(value, str) else value
    return dates.closure_days_text(days)


def save_settings(session: Session, **changes: str | Iterable[dt.date]) -> OfficeSettings:
    """Change some settings; a blank partnership name or marking, a date format that is not
    offered, or a closure day that is not a date is refused. Closure days may be given as
    dates or as text typed the UK way, separated by commas."""
    known = {f.name for f in fields(OfficeSettings)}
    problems = {k: "is not a setting" for k in changes if k not in known}
    for key in ("partnership_name", "protective_marking", "date_format"):
        if key in changes and not clean(changes[key]):
            problems[key] = "must not be blank"
    offered = [choice.pattern for choice in dates.DATE_FORMATS]
    if clean(changes.get("date_format")) and clean(changes["date_format"]) not in offered:
        problems["date_format"] = f"must be one of the offered formats ({', '.join(offered)})"
    if CLOSURE_DAYS in changes:
        try:
            changes[CLOSURE_DAYS] = _closure_days_text(changes[CLOSURE_DAYS])
        except dates.DateNotUnderstood as err:
            problems[CLOSURE_DAYS] = str(err)
    if problems:
        raise ValidationError(problems)
    for key, value in changes.items():
        row = session.get(Setting, key)
        if row is None:
            session.add(Setting(key=key, value=clean(value)))
        elif row.value != clean(value):
            row.value = clean(value)
    session.flush()
    return get_settings(session)

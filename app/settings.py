"""Office settings printed on every paper and export (name, marking, date format, logo), the
office's own closure days, which working-day clocks skip, and how it chases actions (the
e-mail's wording and the chase schedule: see ``app.chasing``)."""

from __future__ import annotations

import datetime as dt
import logging
import re
import string
from dataclasses import MISSING, dataclass, field, fields
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import dates
from app.defaults import SETTINGS
from app.errors import ValidationError
from app.services.validation import multiline_text
from app.text import clean
from db.models import Setting

log = logging.getLogger(__name__)

CLOSURE_DAYS = "closure_days"  # ISO dates separated by commas; none by default

# What a chase e-mail's subject and text may say, filled in for each person chased.
CHASE_PLACEHOLDERS = {
    "name": "the person or agency chased",
    "agency": "their agency",
    "count": "how many actions the e-mail lists",
    "overdue": "how many of them are overdue",
    "due_soon": "how many are due soon",
    "actions": "the list of actions, one line each",
    "partnership": "the partnership's name",
    "date": "today's date",
}
CHASE_SUBJECT = "{partnership} action plan: {count} overdue or due soon ({name})"
CHASE_TEMPLATE = """Dear {name},

The case review sub group is bringing the action plan up to date. These actions that you lead \
are overdue or fall due soon ({overdue} overdue, {due_soon} due soon):

{actions}

Could you let us know where each one stands? The easiest way is to fill in the green columns of \
the attached workbook and send it back to us; a reply to this e-mail is fine too. If an action \
is done, please say what shows it (the evidence of completion).

Many thanks,
The case review team"""
MULTILINE = ("chase_template", "chase_addresses")  # settings that keep their lines
# Whole days; blank for none.
CHASE_NUMBERS = {"chase_days_before": "days before the target date",
                 "chase_every_days_overdue": "days between chases while overdue"}


@dataclass(frozen=True)
class OfficeSettings:
    partnership_name: str
    protective_marking: str
    date_format: str  # Qt-style pattern of one of ``app.dates.DATE_FORMATS``, e.g. dd/MM/yyyy
    logo_path: str  # empty for none
    closure_days: frozenset[dt.date] = field(default_factory=frozenset)
    chase_subject: str = CHASE_SUBJECT
    chase_template: str = CHASE_TEMPLATE
    # The chase schedule: a chase this many days before the target, one on the day (yes/no),
    # then one every so many days while the action is overdue.
    chase_days_before: str = "14"
    chase_on_the_day: str = "yes"
    chase_every_days_overdue: str = "14"
    # Who chases go to: one "name = address" a line, the name a lead officer or an agency.
    chase_addresses: str = ""

    @property
    def chase_address_book(self) -> dict[str, str]:
        """The chase addresses by name (case ignored); a line that cannot be read is left out."""
        return address_book(self.chase_addresses, strict=False)

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
    values = {f.name: stored.get(f.name, SETTINGS.get(f.name, f.default if f.default is not MISSING else ""))
              for f in fields(OfficeSettings)}
    values[CLOSURE_DAYS] = _stored_closure_days(values[CLOSURE_DAYS] or "")
    return OfficeSettings(**values)


def _closure_days_text(value: str | Iterable[dt.date]) -> str:
    """Closure days given as typed (UK dates separated by commas) or as dates, as stored."""
    days = dates.parse_date_list(value) if isinstance(value, str) else value
    return dates.closure_days_text(days)


_ADDRESS = re.compile(r"[^\s<>()\[\],;:@\"]+@[\w-]+(?:\.[\w-]+)+")


def address_book(text: str, *, strict: bool = True) -> dict[str, str]:
    """"Police = safeguarding@police.example.uk" lines as {name (case ignored): address};
    with ``strict``, a line that is not a name, "=" and one e-mail address raises ValueError."""
    found = {}
    for number, line in enumerate((text or "").splitlines(), 1):
        if not line.strip():
            continue
        name, _equals, address = (clean(part) for part in line.partition("="))
        if name and _ADDRESS.fullmatch(address):
            found[name.casefold()] = address
        elif strict:
            raise ValueError(f"line {number} should be a name, then =, then one e-mail address "
                             "(Police = safeguarding@police.example.uk)")
    return found


def _whole_days(text: str) -> bool:
    return clean(text).isdigit() and int(clean(text)) <= 366


def _placeholder_problem(text: str) -> str | None:
    """Why a chase subject or text cannot be filled in: a placeholder not offered, or a brace
    left open ("{name"); None if it can."""
    try:
        names = [name for _text, name, _spec, _conv in string.Formatter().parse(text) if name is not None]
    except ValueError:
        return "has a { or } that does not close; write {{ or }} for a brace itself"
    unknown = [name for name in names if name not in CHASE_PLACEHOLDERS]
    if unknown:
        offered = ", ".join("{" + name + "}" for name in CHASE_PLACEHOLDERS)
        return f"{{{unknown[0]}}} is not a placeholder; the ones offered are {offered}"
    return None


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
    for key in ("chase_subject", "chase_template"):
        if key in changes:
            problem = _placeholder_problem(changes[key])
            if problem:
                problems[key] = problem
    for key, what in CHASE_NUMBERS.items():
        if clean(changes.get(key)) and not _whole_days(changes[key]):
            problems[key] = f"must be a whole number of {what} (0 to 366), or blank for none"
    if "chase_addresses" in changes:
        try:
            address_book(changes["chase_addresses"])
        except ValueError as err:
            problems["chase_addresses"] = str(err)
    if clean(changes.get("chase_on_the_day")) and clean(changes["chase_on_the_day"]).lower() not in ("yes", "no"):
        problems["chase_on_the_day"] = "must be yes or no"
    if CLOSURE_DAYS in changes:
        try:
            changes[CLOSURE_DAYS] = _closure_days_text(changes[CLOSURE_DAYS])
        except dates.DateNotUnderstood as err:
            problems[CLOSURE_DAYS] = str(err)
    if problems:
        raise ValidationError(problems)
    for key, value in changes.items():
        # The chase text keeps its lines; every other setting is one line.
        value = (multiline_text(value) or "") if key in MULTILINE else clean(value)
        row = session.get(Setting, key)
        if row is None:
            session.add(Setting(key=key, value=value))
        elif row.value != value:
            row.value = value
    session.flush()
    return get_settings(session)

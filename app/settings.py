"""Office settings printed on every paper and export (name, marking, date format, logo)."""

from __future__ import annotations

from dataclasses import dataclass, fields

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.defaults import SETTINGS
from app.errors import ValidationError
from app.text import clean
from db.models import Setting


@dataclass(frozen=True)
class OfficeSettings:
    partnership_name: str
    protective_marking: str
    date_format: str  # Qt-style pattern, e.g. dd/MM/yyyy
    logo_path: str  # empty for none

    @property
    def strftime_format(self) -> str:
        """The date format as a Python ``strftime`` pattern."""
        return (self.date_format.replace("yyyy", "%Y").replace("MM", "%m")
                .replace("dd", "%d").replace("yy", "%y"))


def get_settings(session: Session) -> OfficeSettings:
    """The office settings, with defaults for any not yet stored."""
    # The table's columns, not the ORM's: read before the window first shows, this must not
    # wait for the ORM to configure its mappers.
    table = Setting.__table__.c
    stored = dict(session.execute(select(table.key, table.value)).all())
    return OfficeSettings(**{f.name: stored.get(f.name, SETTINGS[f.name]) for f in fields(OfficeSettings)})


def save_settings(session: Session, **changes: str) -> OfficeSettings:
    """Change some settings; a blank partnership name or marking is refused."""
    known = {f.name for f in fields(OfficeSettings)}
    problems = {k: "is not a setting" for k in changes if k not in known}
    for key in ("partnership_name", "protective_marking", "date_format"):
        if key in changes and not clean(changes[key]):
            problems[key] = "must not be blank"
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

"""Reading rows straight from the database driver, for the registers that grow to 100,000 rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session


def driver_rows(session: Session, stmt: Select) -> list[tuple]:
    """The rows of a select exactly as the database driver gives them: no SQLAlchemy row
    objects and no type conversion (SQLite gives dates as ISO text; see ``Dates``). Building
    100,000 row objects is most of the time of reading the largest registers otherwise."""
    result = session.connection().execute(stmt)
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


class Dates(dict):
    """``dates[value]``: a date as a driver gives it (ISO text from SQLite, a date from
    others) as a date, each distinct text read once."""

    def __missing__(self, value: Any) -> dt.date | None:
        day = self[value] = dt.date.fromisoformat(value) if isinstance(value, str) else value
        return day

"""How a paper says which date its facts are as at, and where its history runs out.

Every paper is for a date (default today) and reads the records as they stood then, through
the read models (``app.queries``). A fact the history cannot rebuild for that date is shown
as recorded today and marked, and the paper says what the mark means; a period that ends
after today is counted up to today, and the paper says that too.
"""

from __future__ import annotations

import datetime as dt

from app.reports.doc import para
from app.reports.formatting import DateText

MARK = "\u2020"  # a dagger after the reference of a record shown as recorded today


def marked(text: str, as_recorded: bool) -> str:
    """``text`` with the as-recorded mark when its record could not be rebuilt for the date."""
    return f"{text} {MARK}" if as_recorded else text


def as_recorded_note(as_at: dt.date, date_text: DateText):
    """The note explaining the mark, for a paper showing any marked record."""
    return para(f"{MARK} Shown as recorded today: the record was brought in without the history "
                f"that would show how it stood on {date_text(as_at)}.", "note")


def counted_to(end: dt.date, today: dt.date | None = None) -> dt.date:
    """The last day a period can be counted to: its end, or today if it ends later."""
    today = today or dt.date.today()
    return min(end, today)


def period_note(end: dt.date, date_text: DateText, today: dt.date | None = None):
    """The note for a period that ends after today (None when it has ended)."""
    to = counted_to(end, today)
    if to == end:
        return None
    return para(f"The period ends on {date_text(end)}, after today: everything is counted up to "
                f"today, {date_text(to)}.", "note")

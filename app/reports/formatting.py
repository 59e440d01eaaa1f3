"""How dates, counts and RAG ratings are written on the papers."""

from __future__ import annotations

import datetime as dt

from app.dates import format_date
from app.rules import OVERDUE
from app.settings import OfficeSettings

NO_RAG = "\u2013"  # an en dash in the RAG column: not rated


class DateText:
    """Writes dates in the office's chosen format (``app.dates``); a missing date is an
    empty string."""

    def __init__(self, settings: OfficeSettings):
        self._format = settings.date_style

    def __call__(self, day: dt.date | None) -> str:
        return format_date(day, self._format)


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """"1 action", "3 actions"."""
    return f"{count} {singular if count == 1 else (plural_form or singular + 's')}"


def rag_text(rag: str | None) -> str:
    return rag or NO_RAG


def target_cell(action, date_text: DateText) -> str:
    """An action's target date, and the revised one beneath it when it has moved."""
    original = action.original_target_on or action.target_on
    text = date_text(original) or action.target_text or ""
    if action.target_on != original:
        text += f"\nrevised {date_text(action.target_on)}"
    return text


def status_cell(action, as_at: dt.date, date_text: DateText) -> str:
    """An action's status, with its completion (or closure) date or how long it has been overdue."""
    text = action.status
    if action.completed_on:
        text += f" {date_text(action.completed_on)}"
    if action.state == OVERDUE:
        text += f"\nOVERDUE by {plural((as_at - action.target_on).days, 'day')}"
    return text


def update_cell(action, date_text: DateText) -> str:
    """An action's latest progress update, dated."""
    if not action.latest_update:
        return ""
    return f"{date_text(action.latest_update_on)}: {action.latest_update}"

"""The learning themes recommendations and actions are grouped under."""

from __future__ import annotations

from typing import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.services.bulk import RowProblems, check_short_texts, insert_records
from app.services.records import get_record
from app.services.validation import Problems
from app.text import clean, match_key
from db.models import Theme


def _check_name(session: Session, name: str, theme_id: int | None = None) -> str:
    name = clean(name)
    problems = Problems()
    problems.required("name", name)
    problems.max_length("name", name, 200)
    if name and any(t.id != theme_id and match_key(t.name) == match_key(name)
                    for t in session.scalars(select(Theme))):
        problems.add("name", f"'{name}' is already a theme")
    problems.raise_if_any()
    return name


def create_theme(session: Session, name: str) -> Theme:
    """Add a theme at the end of the theme list."""
    name = _check_name(session, name)
    last = session.scalar(select(func.max(Theme.sort_order)))
    theme = Theme(name=name, sort_order=0 if last is None else last + 1)
    session.add(theme)
    session.flush()
    return theme


def update_theme(session: Session, theme_id: int, *, name: str) -> Theme:
    """Rename a theme; every recommendation and action under it shows the new name."""
    theme = get_record(session, Theme, theme_id, "theme")
    theme.name = _check_name(session, name, theme.id)
    session.flush()
    return theme


def create_themes(session: Session, names: Sequence[str], *, audit: bool = True) -> list[int]:
    """Add many themes at once, at the end of the list in order, checked as
    ``create_theme`` checks one. Returns the new ids in order."""
    problems = RowProblems("theme", len(names))
    taken = {match_key(t.name) for t in session.scalars(select(Theme))}
    last = session.scalar(select(func.max(Theme.sort_order)))
    first = 0 if last is None else last + 1
    rows = []
    for index, name in enumerate(names):
        name = clean(name)
        if not name:
            problems.add(index, "name", "is required")
        elif match_key(name) in taken:
            problems.add(index, "name", f"'{name}' is already a theme")
        taken.add(match_key(name))
        rows.append({"name": name, "sort_order": first + index})
        check_short_texts(problems, index, rows[-1], {"name": 200})
    problems.raise_if_any()
    return insert_records(session, Theme.__table__, rows, audit=audit)

"""The editable lists (review types, outcomes, statuses...): adding, renaming, taking a value
off its list and putting it back. Records using a value keep it.

The office's words for those values (``app.word_aliases``: "CME = Case Mapping Exercise") are
lists too, edited here the same way; each entry must say a word and a value it means."""

from __future__ import annotations

from typing import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import lookups
from app.errors import UserError, ValidationError
from app.services.bulk import (RowProblems, check_list_values, check_references, check_short_texts, insert_records,
                               unknown_fields)
from app.services.records import archive_record, get_record, restore_record
from app.services.validation import Problems
from app.text import clean, match_key
from app.word_aliases import WORD_LISTS, entry_problem, list_values, parse_entry
from db.models import ClockRule, ListItem, ListKind


def _check_kind(kind: str) -> None:
    if kind not in ListKind.ALL and kind not in WORD_LISTS:
        raise UserError(f"There is no list called '{kind}'.")


def _word_problem(session: Session, kind: str, name: str, others: list[str]) -> str | None:
    """Why ``name`` cannot be an entry of the word list ``kind`` beside the entries ``others``;
    None when it can (and for lists that are not word lists)."""
    if kind not in WORD_LISTS:
        return None
    problem = entry_problem(kind, name, list_values(session, kind))
    if problem is None:
        word = match_key(parse_entry(name).word)
        taken = next((other for other in others if (w := parse_entry(other)) and match_key(w.word) == word), None)
        if taken is not None:
            problem = f"the list already says what '{parse_entry(name).word}' means ('{taken}')"
    return problem


def add_list_item(session: Session, kind: str, name: str, *, is_open: bool | None = None) -> ListItem:
    """Add a value to one of the editable lists, at the end."""
    _check_kind(kind)
    name = clean(name)
    problems = Problems()
    problems.required("name", name)
    problems.max_length("name", name, 200)
    others = lookups.list_items(session, kind, include_archived=True)
    if name and any(match_key(i.name) == match_key(name) for i in others):
        problems.add("name", f"'{name}' is already on the list")
    elif name and (problem := _word_problem(session, kind, name, [i.name for i in others])):
        problems.add("name", problem)
    problems.raise_if_any()
    item = ListItem(kind=kind, name=name, sort_order=_next_sort_order(session, kind), is_open=is_open)
    session.add(item)
    session.flush()
    return item


def rename_list_item(session: Session, item_id: int, name: str) -> ListItem:
    """Rename a list value; every record using it shows the new name."""
    item = get_record(session, ListItem, item_id, "list value")
    name = clean(name)
    if not name:
        raise ValidationError({"name": "is required"})
    others = [i for i in lookups.list_items(session, item.kind, include_archived=True) if i.id != item.id]
    if any(match_key(i.name) == match_key(name) for i in others):
        raise ValidationError({"name": f"'{name}' is already on the list"})
    problem = _word_problem(session, item.kind, name, [i.name for i in others])
    if problem:
        raise ValidationError({"name": problem})
    item.name = name
    session.flush()
    return item


def update_list_item(session: Session, item_id: int, *, name: str | None = None,
                     is_open: bool | None = None) -> ListItem:
    """Rename a list value or say whether a status counts as open."""
    item = get_record(session, ListItem, item_id, "list value")
    if name is not None and clean(name) != item.name:
        rename_list_item(session, item_id, name)
    if is_open is not None and item.kind in (ListKind.ACTION_STATUS, ListKind.REVIEW_STATUS):
        item.is_open = is_open
    session.flush()
    return item


def archive_list_item(session: Session, item_id: int) -> None:
    """Take a value off its list; records using it keep it."""
    archive_record(session, get_record(session, ListItem, item_id, "list value"))


def restore_list_item(session: Session, item_id: int) -> None:
    """Put a value taken off its list back on it."""
    restore_record(session, get_record(session, ListItem, item_id, "list value"))


def _next_sort_order(session: Session, kind: str) -> int:
    last = session.scalar(select(func.max(ListItem.sort_order)).where(ListItem.kind == kind))
    return 0 if last is None else last + 1


_ITEM_FIELDS = ("name", "code", "is_open", "clock_id", "review_type_id")


def add_list_items(session: Session, kind: str, rows: Sequence[dict], *, audit: bool = True) -> list[int]:
    """Add many values to one list at once, at its end, in order (each row: name, and where
    the list has them: code, is_open, clock_id, review_type_id), checked as ``add_list_item``
    checks one. Returns the new ids in order."""
    _check_kind(kind)
    problems = RowProblems("list value", len(rows))
    existing = lookups.list_items(session, kind, include_archived=True)
    taken = {match_key(i.name) for i in existing}
    codes = {i.code for i in existing if i.code}
    words = [i.name for i in existing]
    first = _next_sort_order(session, kind)
    clean_rows = []
    for index, row in enumerate(rows):
        unknown_fields(problems, index, row, _ITEM_FIELDS, "a list value")
        values = {"kind": kind, "name": clean(row.get("name")), "code": clean(row.get("code")) or None,
                  "is_open": row.get("is_open"), "clock_id": row.get("clock_id"),
                  "review_type_id": row.get("review_type_id"), "sort_order": first + index}
        if not values["name"]:
            problems.add(index, "name", "is required")
        elif match_key(values["name"]) in taken:
            problems.add(index, "name", f"'{values['name']}' is already on the list")
        elif problem := _word_problem(session, kind, values["name"], words):
            problems.add(index, "name", problem)
        words.append(values["name"])
        if values["code"] is not None and values["code"] in codes:
            problems.add(index, "code", f"'{values['code']}' is already the code of a value on the list")
        check_short_texts(problems, index, values, {"name": 200, "code": 40})
        taken.add(match_key(values["name"]))
        codes.add(values["code"])
        clean_rows.append(values)
    check_references(session, problems, clean_rows, "clock_id", ClockRule.id, "clock")
    check_list_values(session, problems, clean_rows, "review_type_id", ListKind.REVIEW_TYPE)
    problems.raise_if_any()
    return insert_records(session, ListItem.__table__, clean_rows, audit=audit)



def ensure_words(session: Session) -> int:
    """Write the usual words (``app.defaults.WORDS``) of each word list the database has never
    had (one made before the lists of words existed); the number written."""
    from app.defaults import WORDS

    have = set(session.scalars(select(ListItem.kind).where(ListItem.kind.in_(WORD_LISTS)).distinct()))
    written = 0
    for kind, entries in WORDS.items():
        if kind not in have and entries:
            written += len(add_list_items(session, kind, [{"name": entry} for entry in entries]))
    return written

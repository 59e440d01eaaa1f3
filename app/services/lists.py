"""The editable lists (review types, outcomes, statuses...): adding, renaming, taking a value
off its list and putting it back. Records using a value keep it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import lookups
from app.errors import UserError, ValidationError
from app.services.records import get_record
from app.services.validation import Problems
from app.text import clean, match_key
from db.models import ListItem, ListKind


def add_list_item(session: Session, kind: str, name: str, *, is_open: bool | None = None) -> ListItem:
    """Add a value to one of the editable lists, at the end."""
    if kind not in ListKind.ALL:
        raise UserError(f"There is no list called '{kind}'.")
    name = clean(name)
    problems = Problems()
    problems.required("name", name)
    problems.max_length("name", name, 200)
    if name and any(match_key(i.name) == match_key(name)
                    for i in lookups.list_items(session, kind, include_archived=True)):
        problems.add("name", f"'{name}' is already on the list")
    problems.raise_if_any()
    last = session.scalar(select(func.max(ListItem.sort_order)).where(ListItem.kind == kind)) or 0
    item = ListItem(kind=kind, name=name, sort_order=last + 1, is_open=is_open)
    session.add(item)
    session.flush()
    return item


def rename_list_item(session: Session, item_id: int, name: str) -> ListItem:
    """Rename a list value; every record using it shows the new name."""
    item = get_record(session, ListItem, item_id, "list value")
    name = clean(name)
    if not name:
        raise ValidationError({"name": "is required"})
    clash = [i for i in lookups.list_items(session, item.kind, include_archived=True)
             if i.id != item.id and match_key(i.name) == match_key(name)]
    if clash:
        raise ValidationError({"name": f"'{name}' is already on the list"})
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
    item = get_record(session, ListItem, item_id, "list value")
    if item.archived_at is None:
        item.archived_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        session.flush()


def restore_list_item(session: Session, item_id: int) -> None:
    """Put a value taken off its list back on it."""
    item = get_record(session, ListItem, item_id, "list value")
    item.archived_at = None
    session.flush()

"""Finding the record a service works on (by id or reference), its version, and archiving it;
and the day a record is put on the record."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import UserError
from app.text import clean


class _Today:
    """The day a record is added, unless the caller knows better (see ``added_on``)."""

    def __repr__(self) -> str:
        return "TODAY"


TODAY = _Today()


def added_on(value: dt.date | None | _Today) -> dt.date | None:
    """The day to record a record as added: today by default; a day the caller knows (what
    it brings from elsewhere says when); or None, not known (papers for an earlier date then
    judge from the record's own dates, and say so)."""
    return dt.date.today() if value is TODAY else value


def get_record(session: Session, model, record_id: int, noun: str):
    """The ``model`` record with this id; a ``UserError`` naming the ``noun`` if there is none."""
    found = session.get(model, record_id)
    if found is None:
        raise UserError(f"There is no {noun} {record_id}.")
    return found


def by_reference(session: Session, model, reference_or_id: str | int, label: str):
    """The record of ``model`` with this id or reference ("Ref053"); archived ones included."""
    if isinstance(reference_or_id, int):
        found = session.get(model, reference_or_id)
    else:
        found = session.scalar(select(model).where(model.reference == clean(reference_or_id)))
    if found is None:
        raise UserError(f"{label.capitalize()}: there is no {label} '{reference_or_id}'.", field="reference")
    return found


def record_version(session: Session, model, record_id: int) -> int | None:
    """The version counter of a record (None when it has gone), for "changed since opened"."""
    found = session.get(model, record_id)
    return None if found is None else getattr(found, "version", None)


def archive_record(session: Session, record) -> None:
    """Hide ``record`` from every list (it keeps its place in the records that use it)."""
    if record.archived_at is None:
        record.archived_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        session.flush()


def restore_record(session: Session, record) -> None:
    """Bring an archived record back."""
    if record.archived_at is not None:
        record.archived_at = None
        session.flush()

"""Finding the record a service works on (by id or reference), its version, and archiving it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import UserError
from app.text import clean


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

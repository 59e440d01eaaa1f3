"""Checks shared by the services: required text, dates in order, lengths."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import ValidationError
from app.text import clean
from db.models import RAG_VALUES


class Problems:
    """Collects field problems so the user sees all of them at once, not one per save."""

    def __init__(self) -> None:
        self.found: dict[str, str] = {}

    def add(self, field: str, message: str) -> None:
        self.found.setdefault(field, message)

    def unknown(self, fields, allowed, noun: str) -> None:
        """Note each of ``fields`` that is not one of ``allowed`` ("is not a field of a review")."""
        for name in sorted(set(fields) - set(allowed)):
            self.add(name, f"is not a field of {noun}")

    def required(self, field: str, value) -> None:
        if value is None or (isinstance(value, str) and not value.strip()):
            self.add(field, "is required")

    def max_length(self, field: str, value: str | None, limit: int) -> None:
        if value is not None and len(value) > limit:
            self.add(field, f"is too long ({len(value)} characters; at most {limit})")

    def date_order(self, earlier_field: str, earlier: dt.date | None,
                   later_field: str, later: dt.date | None) -> None:
        if earlier and later and later < earlier:
            self.add(later_field, f"cannot be before the {earlier_field.replace('_', ' ')} "
                                  f"({earlier.strftime('%d/%m/%Y')})")

    def unique_reference(self, session: Session, record, reference: str | None, label: str) -> str:
        """Check a record's reference is given, not too long and not used by another one."""
        ref = clean(reference)
        self.required("reference", ref)
        self.max_length("reference", ref, 40)
        model = type(record)
        clash = session.scalar(select(model.id).where(model.reference == ref, model.id != record.id))
        if ref and clash is not None:
            self.add("reference", f"'{ref}' is already used by another {label}")
        return ref

    def raise_if_any(self) -> None:
        if self.found:
            raise ValidationError(self.found)


def optional_text(value: str | None) -> str | None:
    """Blank text is stored as NULL, not as an empty string."""
    text = clean(value) if value is not None else ""
    return text or None


def multiline_text(value: str | None) -> str | None:
    """Like ``optional_text`` but keeps the user's line breaks."""
    if value is None:
        return None
    if "\n" not in value and "\r" not in value:  # most text: one line
        return value.strip() or None
    text = "\n".join(line.rstrip() for line in value.replace("\r\n", "\n").split("\n")).strip()
    return text or None


def check_rag(problems: Problems, rag: str | None) -> str | None:
    """The RAG rating ``rag`` means ("g" is Green), or None; a problem noted if it is none."""
    if rag is None or rag == "":
        return None
    for value in RAG_VALUES:
        if rag.strip().casefold() in (value.casefold(), value[0].casefold()):
            return value
    problems.add("rag", f"'{rag}' is not a RAG rating (Red, Amber, Green or Blue)")
    return None

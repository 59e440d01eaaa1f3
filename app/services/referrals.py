"""Referrals: serious incidents put to the sub group for a decision on review."""

from __future__ import annotations

from typing import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import lookups
from app.services.bulk import (RowProblems, check_list_values, check_references, check_short_texts,
                               insert_records, unknown_fields)
from app.services.records import by_reference
from app.services.validation import Problems, multiline_text, optional_text
from db.models import Agency, ListKind, Referral

REFERRAL_TEXT_FIELDS = ("subject", "summary", "location", "gender", "age_text", "notes")
REFERRAL_DATE_FIELDS = ("date_referred", "date_aware", "notification_sent_on",
                        "rapid_review_sent_on", "panel_told_of_decision_on")


def get_referral(session: Session, reference_or_id: str | int) -> Referral:
    """The referral with this id or reference ("Ref053"); archived ones included."""
    return by_reference(session, Referral, reference_or_id, "referral")


def _apply_referral_fields(session: Session, referral: Referral, fields: dict) -> None:
    problems = Problems()
    problems.unknown(fields, (*REFERRAL_TEXT_FIELDS, *REFERRAL_DATE_FIELDS, "reference", "referring_agency",
                              "category"), "a referral")
    if "reference" in fields:
        referral.reference = problems.unique_reference(session, referral, fields["reference"], "referral")
    for name in REFERRAL_TEXT_FIELDS:
        if name in fields:
            value = multiline_text(fields[name]) if name in ("summary", "notes") else optional_text(fields[name])
            setattr(referral, name, value)
    for name in REFERRAL_DATE_FIELDS:
        if name in fields:
            setattr(referral, name, fields[name])
    problems.date_order("date aware", referral.date_aware, "notification_sent_on", referral.notification_sent_on)
    problems.raise_if_any()
    if "referring_agency" in fields:
        name = fields["referring_agency"]
        referral.referring_agency = lookups.agency(session, name, field="referring_agency") if name else None
    if "category" in fields:
        name = fields["category"]
        referral.category = (lookups.list_item(session, ListKind.REFERRAL_CATEGORY, name, field="category")
                             if name else None)


def create_referral(session: Session, *, reference: str, **fields) -> Referral:
    """Log a new referral. ``referring_agency`` and ``category`` are given by name."""
    referral = Referral()
    _apply_referral_fields(session, referral, {"reference": reference, **fields})
    session.add(referral)
    session.flush()
    return referral


def update_referral(session: Session, referral_id: int, **fields) -> Referral:
    """Change some fields of a referral; the audit trail records each one."""
    referral = get_referral(session, referral_id)
    _apply_referral_fields(session, referral, fields)
    session.flush()
    return referral


REFERRAL_COLUMNS = ("reference", *REFERRAL_TEXT_FIELDS, *REFERRAL_DATE_FIELDS, "referring_agency_id",
                    "category_id")
_REFERRAL_LIMITS = {"reference": 40, "subject": 200, "location": 120, "gender": 40, "age_text": 40}


def create_referrals(session: Session, rows: Sequence[dict], *, audit: bool = True) -> list[int]:
    """Log many referrals at once (each row: ``REFERRAL_COLUMNS``, agency and category by
    id), checked as ``create_referral`` checks one. Returns the new ids in order."""
    problems = RowProblems("referral", len(rows))
    taken = set(session.scalars(select(Referral.reference)))
    clean_rows = []
    for index, row in enumerate(rows):
        unknown_fields(problems, index, row, REFERRAL_COLUMNS, "a referral")
        values = {name: row.get(name) for name in REFERRAL_COLUMNS}
        for name in REFERRAL_TEXT_FIELDS + ("reference",):
            values[name] = (multiline_text if name in ("summary", "notes") else optional_text)(values[name])
        check_short_texts(problems, index, values, _REFERRAL_LIMITS)
        if not values["reference"]:
            problems.add(index, "reference", "is required")
        elif values["reference"] in taken:
            problems.add(index, "reference", f"'{values['reference']}' is already used by another referral")
        taken.add(values["reference"])
        one = Problems()
        one.date_order("date aware", values["date_aware"], "notification_sent_on", values["notification_sent_on"])
        problems.check(index, one)
        clean_rows.append(values)
    check_references(session, problems, clean_rows, "referring_agency_id", Agency.id, "agency")
    check_list_values(session, problems, clean_rows, "category_id", ListKind.REFERRAL_CATEGORY)
    problems.raise_if_any()
    return insert_records(session, Referral.__table__, clean_rows, audit=audit)

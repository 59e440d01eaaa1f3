"""The sub group's meetings and the referrals considered at each."""

from __future__ import annotations

import datetime as dt
from typing import Sequence

from sqlalchemy.orm import Session

from app.errors import UserError
from app.services.bulk import RowProblems, check_short_texts, insert_records, unknown_fields
from app.services.referrals import get_referral
from app.services.validation import Problems, multiline_text, optional_text
from db.models import Meeting

MEETING_FIELDS = ("held_on", "title", "chair", "notes", "referral_ids")
DEFAULT_TITLE = "Case review sub group"


def get_meeting(session: Session, meeting_id: int) -> Meeting:
    """The meeting with this id; a ``UserError`` naming the meeting field if there is none."""
    found = session.get(Meeting, meeting_id)
    if found is None:
        raise UserError(f"Meeting: there is no meeting {meeting_id}.", field="meeting")
    return found


def _apply(session: Session, meeting: Meeting, fields: dict) -> None:
    problems = Problems()
    problems.unknown(fields, MEETING_FIELDS, "a meeting")
    if "held_on" in fields:
        problems.required("held_on", fields["held_on"])
    if "title" in fields:
        problems.max_length("title", optional_text(fields["title"]), 200)
    referrals = []
    for referral_id in fields.get("referral_ids") or ():
        try:
            referrals.append(get_referral(session, referral_id))
        except UserError:
            problems.add("referral_ids", f"there is no referral {referral_id}")
    problems.raise_if_any()
    if "held_on" in fields:
        meeting.held_on = fields["held_on"]
    if "title" in fields:
        meeting.title = optional_text(fields["title"]) or DEFAULT_TITLE
    if "chair" in fields:
        meeting.chair = optional_text(fields["chair"])
    if "notes" in fields:
        meeting.notes = multiline_text(fields["notes"])
    if "referral_ids" in fields:
        meeting.referrals_considered = referrals


def create_meeting(session: Session, *, held_on: dt.date | None, title: str | None = None,
                   chair: str | None = None, notes: str | None = None,
                   referral_ids: list[int] = ()) -> Meeting:
    """Add a meeting of the sub group, with the referrals it considered."""
    meeting = Meeting()
    _apply(session, meeting, {"held_on": held_on, "title": title, "chair": chair, "notes": notes,
                              "referral_ids": list(referral_ids)})
    session.add(meeting)
    session.flush()
    return meeting


def update_meeting(session: Session, meeting_id: int, **fields) -> Meeting:
    """Change a meeting's date, title, chair, notes or the referrals it considered."""
    meeting = get_meeting(session, meeting_id)
    _apply(session, meeting, fields)
    session.flush()
    return meeting


def consider_referral(session: Session, meeting_id: int, referral: int | str) -> Meeting:
    """Record that a meeting considered a referral (once)."""
    meeting = get_meeting(session, meeting_id)
    found = get_referral(session, referral)
    if found not in meeting.referrals_considered:
        meeting.referrals_considered.append(found)
    session.flush()
    return meeting


def create_meetings(session: Session, rows: Sequence[dict], *, audit: bool = True) -> list[int]:
    """Add many meetings at once (each row: held_on, title, chair, notes), checked as
    ``create_meeting`` checks one; the referrals each considered are recorded with the
    decisions taken there (``decisions.record_decisions``). Returns the new ids in order."""
    problems = RowProblems("meeting", len(rows))
    clean_rows = []
    for index, row in enumerate(rows):
        unknown_fields(problems, index, row, ("held_on", "title", "chair", "notes"), "a meeting")
        values = {"held_on": row.get("held_on"), "title": optional_text(row.get("title")) or DEFAULT_TITLE,
                  "chair": optional_text(row.get("chair")), "notes": multiline_text(row.get("notes"))}
        if values["held_on"] is None:
            problems.add(index, "held_on", "is required")
        check_short_texts(problems, index, values, {"title": 200, "chair": 200})
        clean_rows.append(values)
    problems.raise_if_any()
    return insert_records(session, Meeting.__table__, clean_rows, audit=audit)

"""Deleting is archiving: the record disappears from lists but can be restored. Purging
removes it for good (the audit trail keeps what it held)."""

from __future__ import annotations


from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.errors import UserError
from app.services.records import archive_record, restore_record
from db import models

ARCHIVABLE = {
    "referral": models.Referral, "decision": models.Decision, "review": models.Review,
    "recommendation": models.Recommendation, "action": models.Action,
    "progress_update": models.ProgressUpdate, "meeting": models.Meeting,
    "learning_event": models.LearningEvent, "agency": models.Agency, "theme": models.Theme,
    "agency_response": models.AgencyResponse, "dissemination": models.Dissemination,
    "panel_report": models.PanelReport, "document_link": models.DocumentLink,
}


def _record(session: Session, kind: str, record_id: int):
    model = ARCHIVABLE.get(kind)
    if model is None:
        raise UserError(f"'{kind}' records cannot be archived.")
    record = session.get(model, record_id)
    if record is None:
        raise UserError(f"There is no {kind.replace('_', ' ')} {record_id}.")
    return record


def archive(session: Session, kind: str, record_id: int) -> None:
    """Hide a record from every list; ``restore`` brings it back."""
    archive_record(session, _record(session, kind, record_id))


def restore(session: Session, kind: str, record_id: int) -> None:
    """Bring an archived record back."""
    restore_record(session, _record(session, kind, record_id))


def purge(session: Session, kind: str, record_id: int) -> None:
    """Delete an archived record for good. Only archived records can be purged."""
    record = _record(session, kind, record_id)
    if record.archived_at is None:
        raise UserError(f"Archive this {kind.replace('_', ' ')} before purging it.")
    try:
        with session.begin_nested():  # a refused purge leaves the rest of the work intact
            session.delete(record)
            session.flush()
    except IntegrityError as err:
        raise UserError(f"This {kind.replace('_', ' ')} still has other records linked to it; "
                        "purge or move those first.") from err

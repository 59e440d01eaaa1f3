"""Progress updates on actions: dated notes, added and never overwritten (corrections keep the
old text in the audit trail). Adding an update that gives a RAG rating sets the action's."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from app.services.actions import check_rag, get_action
from app.services.records import get_record
from app.services.validation import Problems, multiline_text, optional_text
from db.models import ProgressUpdate

PROGRESS_FIELDS = ("update_on", "text", "rag", "author")


def add_progress_update(session: Session, action_id: int, *, text: str, update_on: dt.date | None = None,
                        rag: str | None = None, author: str | None = None) -> ProgressUpdate:
    """Append a dated progress update; the action's RAG follows the update's if one is given."""
    action = get_action(session, action_id)
    problems = Problems()
    problems.required("text", text)
    rag_value = check_rag(problems, rag)
    problems.raise_if_any()
    update = ProgressUpdate(action=action, update_on=update_on or dt.date.today(),
                            text=multiline_text(text), rag=rag_value, author=optional_text(author))
    session.add(update)
    if rag_value:
        action.rag = rag_value
    session.flush()
    return update


def update_progress_update(session: Session, update_id: int, **fields) -> ProgressUpdate:
    """Correct a progress update's date, text, RAG rating or author."""
    update = get_record(session, ProgressUpdate, update_id, "progress update")
    problems = Problems()
    for name in sorted(set(fields) - set(PROGRESS_FIELDS)):
        problems.add(name, "is not a field of a progress update")
    if "text" in fields:
        problems.required("text", fields["text"])
    if "update_on" in fields:
        problems.required("update_on", fields["update_on"])
    rag = check_rag(problems, fields.get("rag")) if "rag" in fields else update.rag
    problems.raise_if_any()
    if "text" in fields:
        update.text = multiline_text(fields["text"])
    if "update_on" in fields:
        update.update_on = fields["update_on"]
    if "author" in fields:
        update.author = optional_text(fields["author"])
    update.rag = rag
    session.flush()
    return update

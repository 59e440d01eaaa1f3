"""The progress update form: a dated note on an action (added, never overwritten — a
correction is kept in the audit trail)."""

from __future__ import annotations

import datetime as dt

from app.services import updates
from db.models import RAG_VALUES, ProgressUpdate
from ui.forms.base import CHOICE, DATE, MULTILINE, RECORD, TEXT, Field, RecordDialog
from ui.widgets.date_edit import format_uk_date


class ProgressUpdateDialog(RecordDialog):
    kind = "progress_updates"
    noun = "progress update"
    model = ProgressUpdate
    archive_kind = "progress_update"
    focus_new = "text"
    focus_edit = "text"
    fields = (
        Field("action_id", "Action", RECORD, records="actions", required=True, fixed_when_editing=True),
        Field("update_on", "Date", DATE, required=True),
        Field("text", "Update", MULTILINE, required=True, lines=5),
        Field("rag", "RAG rating", CHOICE, choices=RAG_VALUES, hint="Also becomes the action's RAG rating"),
        Field("author", "From", TEXT, hint="Who gave the update (a role is fine)"),
    )

    def focus_field(self):
        if self.is_new and not self.context.get("action_id"):
            return "action_id"
        return super().focus_field()

    @classmethod
    def defaults(cls, session, context):
        return {"update_on": dt.date.today(), **super().defaults(session, context)}

    @classmethod
    def create(cls, session, values, context):
        values = dict(values)
        return updates.add_progress_update(session, values.pop("action_id"), **values).id

    @classmethod
    def update(cls, session, record_id, values):
        updates.update_progress_update(session, record_id, **values)

    @classmethod
    def describe(cls, session, record_id):
        update = session.get(ProgressUpdate, record_id)
        if update is None:
            return super().describe(session, record_id)
        action = update.action.reference or f"action {update.action_id}"
        return f"progress update on {action} of {format_uk_date(update.update_on)}"

"""The meeting form: a meeting of the case review sub group and the referrals it considered."""

from __future__ import annotations

from app.services import meetings
from db.models import Meeting
from ui.forms.base import DATE, MULTI, MULTILINE, TEXT, Field, RecordDialog
from ui.widgets.date_edit import format_uk_date


class MeetingDialog(RecordDialog):
    kind = "meetings"
    noun = "meeting"
    model = Meeting
    archive_kind = "meeting"
    focus_new = "held_on"
    focus_edit = "notes"
    fields = (
        Field("held_on", "Held on", DATE, required=True),
        Field("title", "Title", TEXT, hint=f"Left blank: {meetings.DEFAULT_TITLE}"),
        Field("chair", "Chair", TEXT),
        Field("referral_ids", "Referrals considered", MULTI, records="referrals"),
        Field("notes", "Notes", MULTILINE, lines=3),
    )

    @classmethod
    def field_value(cls, record, field):
        if field.key == "referral_ids":
            return sorted(r.id for r in record.referrals_considered)
        return super().field_value(record, field)

    @classmethod
    def defaults(cls, session, context):
        return {"title": meetings.DEFAULT_TITLE, **super().defaults(session, context)}

    @classmethod
    def create(cls, session, values, context):
        return meetings.create_meeting(session, **values).id

    @classmethod
    def update(cls, session, record_id, values):
        meetings.update_meeting(session, record_id, **values)

    @classmethod
    def describe(cls, session, record_id):
        m = session.get(Meeting, record_id)
        return f"meeting of {format_uk_date(m.held_on)}" if m else super().describe(session, record_id)

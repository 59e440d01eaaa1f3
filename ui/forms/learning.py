"""The learning event form (events, de-briefs, briefings), and the quick form recording an
agency's dissemination of one."""

from __future__ import annotations

import datetime as dt

from app.services import learning
from db.models import Dissemination, LearningEvent, ListKind
from ui.forms.base import AGENCY, DATE, LIST, MULTILINE, NUMBER, RECORD, TEXT, Field, RecordDialog


class LearningEventDialog(RecordDialog):
    kind = "learning"
    noun = "learning event"
    model = LearningEvent
    archive_kind = "learning_event"
    focus_new = "event_type"
    focus_edit = "attendance"
    fields = (
        Field("event_type", "Type", LIST, list_kind=ListKind.LEARNING_EVENT_TYPE, required=True),
        Field("title", "Title", TEXT, required=True),
        Field("review_id", "Review", RECORD, records="reviews"),
        Field("held_on", "Held on", DATE),
        Field("facilitator", "Facilitator", TEXT),
        Field("attendance", "Attendance", NUMBER),
        Field("notes", "Notes", MULTILINE, lines=3),
    )

    @classmethod
    def create(cls, session, values, context):
        return learning.create_learning_event(session, **values).id

    @classmethod
    def update(cls, session, record_id, values):
        learning.update_learning_event(session, record_id, **values)

    @classmethod
    def describe(cls, session, record_id):
        event = session.get(LearningEvent, record_id)
        return f"learning event “{event.title}”" if event else super().describe(session, record_id)


class DisseminationDialog(RecordDialog):
    kind = "disseminations"
    noun = "dissemination"
    model = Dissemination
    archive_kind = "dissemination"
    focus_new = "agency"
    focus_edit = "evidence"
    fields = (
        Field("learning_event_id", "Learning event", RECORD, required=True, fixed_when_editing=True),
        Field("agency", "Agency", AGENCY, required=True),
        Field("disseminated_on", "Disseminated on", DATE),
        Field("evidence", "Evidence", MULTILINE, lines=4),
    )

    @classmethod
    def choices_for(cls, session, field, current, *, fixed=False):
        if field.key == "learning_event_id":
            event = session.get(LearningEvent, current) if current else None
            return [(event.id, event.title)] if event else []
        return super().choices_for(session, field, current, fixed=fixed)

    @classmethod
    def defaults(cls, session, context):
        return {"disseminated_on": dt.date.today(), **super().defaults(session, context)}

    @classmethod
    def create(cls, session, values, context):
        values = dict(values)
        return learning.add_dissemination(session, values.pop("learning_event_id"), **values).id

    @classmethod
    def update(cls, session, record_id, values):
        learning.update_dissemination(session, record_id, **values)

    @classmethod
    def describe(cls, session, record_id):
        d = session.get(Dissemination, record_id)
        if d is None:
            return super().describe(session, record_id)
        return f"dissemination of “{d.learning_event.title}” by {d.agency.name}"

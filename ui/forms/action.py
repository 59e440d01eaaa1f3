"""The action form (the composite action plan's rows), and the quick forms for an action:
revise its target date, close it with a reason and evidence, reopen it, sign it off at a
meeting held by today. The action form offers only open statuses: an action is completed or
closed only through Close action… (``app.services.actions.close_action``)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app import lookups
from app.choices import record_choices
from app.errors import UserError
from app.services import actions
from db.models import RAG_VALUES, Action, ListKind, Meeting
from ui.case_page import WithCasePage
from ui.forms.base import (
    AGENCY, CHOICE, DATE, LIST, MULTI, MULTILINE, RECORD, TEXT, THEME, Conflict, Field, RecordDialog,
)
from ui.undo import OperationCommand
from ui.widgets.date_edit import format_uk_date


class ActionDialog(WithCasePage, RecordDialog):
    kind = "actions"
    noun = "action"
    model = Action
    archive_kind = "action"
    focus_new = "description"
    focus_edit = "status"
    fields = (
        Field("reference", "Reference", TEXT),
        Field("description", "Action", MULTILINE, required=True, lines=3),
        Field("recommendation_ids", "Answers recommendations", MULTI, records="recommendations",
              required=True, problem_keys=("recommendations",), lines=6),
        Field("theme", "Theme", THEME),
        Field("lead_agency", "Lead agency", AGENCY),
        Field("lead_officer", "Lead officer", TEXT, hint="A role is fine: Head of Safeguarding"),
        Field("target_on", "Target date", DATE, fixed_when_editing=True,
              hint="Once set, move it with Revise target date… so the original is kept"),
        Field("status", "Status", LIST, list_kind=ListKind.ACTION_STATUS, required=True,
              hint="Completed or closed with Close action…, reopened with Reopen action…"),
        Field("rag", "RAG rating", CHOICE, choices=RAG_VALUES, beside=True),
        Field("evidence_required", "Evidence required", MULTILINE, lines=2),
        Field("evidence_of_completion", "Evidence of completion", MULTILINE, lines=2),
        Field("evidence_of_impact", "Evidence of impact", MULTILINE, lines=2),
    )

    @classmethod
    def field_value(cls, record, field):
        if field.key == "recommendation_ids":
            return sorted(r.id for r in record.recommendations)
        return super().field_value(record, field)

    @classmethod
    def choices_for(cls, session, field, current, *, fixed=False):
        if field.key == "status":
            return open_statuses_or(session, current)
        return super().choices_for(session, field, current, fixed=fixed)

    @classmethod
    def defaults(cls, session, context):
        values = {"status": "Not started", **super().defaults(session, context)}
        if context.get("recommendation_id"):
            values["recommendation_ids"] = [context["recommendation_id"]]
        return values

    @classmethod
    def create(cls, session, values, context):
        values = dict(values)
        later = {key: values.pop(key) for key in ("evidence_of_completion", "evidence_of_impact")}
        action = actions.create_action(session, **values)
        if any(later.values()):
            actions.update_action(session, action.id, **later)
        return action.id

    @classmethod
    def update(cls, session, record_id, values):
        actions.update_action(session, record_id, **values)

    @classmethod
    def describe(cls, session, record_id):
        action = session.get(Action, record_id)
        if action is None:
            return super().describe(session, record_id)
        return f"action {action.reference}" if action.reference else f"action {record_id}"


def open_statuses_or(session, current: str | None) -> list[str]:
    """The open statuses an action can be given in a form; only ``current`` when that is a
    closed one (the form then changes the rest and leaves the closure alone)."""
    items = lookups.list_items(session, ListKind.ACTION_STATUS)
    if current is not None and any(i.name == current and not i.is_open for i in items):
        return [current]
    return [i.name for i in items if i.is_open]


class ActionStepDialog(RecordDialog):
    """A use case on one action. Saving runs ``perform``; undo puts the action back as it
    was (``actions.restore_action_state``) and redo runs the use case again."""

    kind = "actions"
    noun = "action"
    model = Action
    verb = ""

    @classmethod
    def read(cls, session, record_id):
        return {}

    @classmethod
    def perform(cls, session, record_id, values):
        raise NotImplementedError

    def title(self):
        return f"{self.verb} {self._label}"

    @classmethod
    def describe(cls, session, record_id):
        return ActionDialog.describe(session, record_id)

    def changed_values(self):
        return self.values()

    def _prepare(self, session, values):
        self._state = actions.action_state(session, self.record_id)

    def _write(self):
        cls, values, record_id, version = type(self), self.values(), self.record_id, self._version

        def perform(session):
            if cls.version(session, record_id) != version:
                raise Conflict()
            before = actions.action_state(session, record_id)
            cls.perform(session, record_id, values)
            return values, before, actions.action_state(session, record_id)

        return perform

    def _command(self, written):
        cls, (values, before, after) = type(self), written
        return self.record_id, OperationCommand(
            self._database, f"{self.verb} {self._label}", self.record_id, before=before, after=after,
            read=actions.action_state, restore=actions.restore_action_state,
            perform=lambda s, i: cls.perform(s, i, values))

    def _show_conflict(self):
        self.show_general_problem(f"Someone else changed this {self.noun} since you opened it. "
                                  "Close this form and open it again to see their changes.")


class ReviseTargetDialog(ActionStepDialog):
    verb = "Revise the target date of"
    focus_edit = "new_target_on"
    fields = (
        Field("new_target_on", "New target date", DATE, required=True, problem_keys=("target_on",)),
        Field("reason", "Reason", MULTILINE, lines=3),
    )

    def _prepare(self, session, values):
        super()._prepare(session, values)
        original, current = self._state["original_target_on"], self._state["target_on"]
        moves = len(self._state["revision_ids"])
        self._note = (f"Current target {format_uk_date(current)}" if current else "No target yet") + (
            f"; original {format_uk_date(original)}, moved {moves} time{'s' if moves != 1 else ''}"
            if original and moves else "")

    def _after_load(self):
        self.heading.setText(f"{self.title()}\n{self._note}")

    @classmethod
    def perform(cls, session, record_id, values):
        actions.revise_target(session, record_id, values["new_target_on"], reason=values["reason"])


class CloseActionDialog(ActionStepDialog):
    verb = "Close"
    focus_edit = "reason"
    fields = (
        Field("reason", "Reason for closing", CHOICE, required=True, problem_keys=("closure_reason",)),
        Field("completed_on", "Completed on", DATE, required=True),
        Field("evidence_of_completion", "Evidence of completion", MULTILINE, lines=3),
        Field("evidence_of_impact", "Evidence of impact", MULTILINE, lines=3),
        Field("note", "Note", MULTILINE, lines=2, problem_keys=("closure_note",),
              hint="Say why, when the action was not implemented"),
    )

    @classmethod
    def choices_for(cls, session, field, current, *, fixed=False):
        if field.key == "reason":
            return [i.name for i in lookups.list_items(session, ListKind.CLOSURE_REASON)]
        return super().choices_for(session, field, current, fixed=fixed)

    @classmethod
    def read(cls, session, record_id):
        action = actions.get_action(session, record_id)
        return {"reason": None, "completed_on": dt.date.today(),
                "evidence_of_completion": action.evidence_of_completion,
                "evidence_of_impact": action.evidence_of_impact, "note": None}

    @classmethod
    def perform(cls, session, record_id, values):
        actions.close_action(session, record_id, reason=values["reason"], completed_on=values["completed_on"],
                             evidence_of_completion=values["evidence_of_completion"],
                             evidence_of_impact=values["evidence_of_impact"], note=values["note"])


class ReopenActionDialog(ActionStepDialog):
    """A completed or closed action put back on the plan with an open status; undo closes
    it again as it was."""

    verb = "Reopen"
    focus_edit = "status"
    fields = (
        Field("status", "Status", LIST, list_kind=ListKind.ACTION_STATUS, required=True,
              hint="Its closure and sign-off are cleared; the evidence written is kept"),
    )

    @classmethod
    def read(cls, session, record_id):
        if actions.get_action(session, record_id).status.is_open:
            raise UserError("This action is open: only a completed or closed action is reopened.")
        return {"status": None}

    @classmethod
    def choices_for(cls, session, field, current, *, fixed=False):
        return open_statuses_or(session, None)

    @classmethod
    def perform(cls, session, record_id, values):
        actions.reopen_action(session, record_id, status=values["status"])


class SignOffDialog(ActionStepDialog):
    """Sign-off at a meeting of the sub group already held: the latest one is offered."""

    verb = "Sign off"
    focus_edit = "meeting_id"
    fields = (
        Field("meeting_id", "At the meeting of", RECORD, records="meetings", required=True,
              problem_keys=("meeting",), hint="Meetings held on or before today"),
    )

    @classmethod
    def choices_for(cls, session, field, current, *, fixed=False):
        held = set(session.scalars(select(Meeting.id).where(Meeting.held_on <= dt.date.today())))
        return [choice for choice in record_choices(session, "meetings") if choice[0] in held]

    @classmethod
    def read(cls, session, record_id):
        meetings = cls.choices_for(session, cls.fields[0], None)
        return {"meeting_id": meetings[0][0] if meetings else None}

    @classmethod
    def perform(cls, session, record_id, values):
        actions.sign_off(session, record_id, values["meeting_id"])

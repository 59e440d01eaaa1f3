"""The decision form: what was decided on a referral, when and by whom.

A new decision is added to the referral's history (earlier ones are kept); editing one
corrects it, and the audit trail keeps what it said before."""

from __future__ import annotations

import datetime as dt

from app.services import decisions, referrals
from db.models import Decision, ListKind
from ui.forms.base import CHOICE, DATE, LIST, MULTILINE, RECORD, TEXT, YES_NO, Field, RecordDialog
from ui.widgets.date_edit import format_uk_date

DECIDED_BY = ("Sub group", "Independent chair", "Chair and sub group")


class DecisionDialog(RecordDialog):
    kind = "decisions"
    noun = "decision"
    model = Decision
    archive_kind = "decision"
    focus_new = "outcome"
    focus_edit = "rationale"
    fields = (
        Field("referral_id", "Referral", RECORD, records="referrals", required=True,
              fixed_when_editing=True, problem_keys=("reference",)),
        Field("decided_on", "Decided on", DATE, required=True),
        Field("outcome", "Outcome", LIST, list_kind=ListKind.DECISION_OUTCOME, required=True),
        Field("decided_by", "Decided by", CHOICE, choices=DECIDED_BY),
        Field("criteria_met", "Criteria met", CHOICE, choices=YES_NO, blank_label="(not recorded)"),
        Field("criteria_basis", "Criteria basis", TEXT, hint="e.g. Regulation 5 (2006), 2018 criteria"),
        Field("meeting_id", "At meeting", RECORD, records="meetings", problem_keys=("meeting",)),
        Field("rationale", "Rationale", MULTILINE, lines=4),
    )

    def focus_field(self):
        if self.is_new and not self.context.get("referral_id"):
            return "referral_id"
        return super().focus_field()

    def title(self):
        if self.is_new and self._referral_label:
            return f"Record decision on {self._referral_label}"
        return super().title()

    def _prepare(self, session, values):
        self._referral_label = None
        if self.is_new and values.get("referral_id"):
            self._referral_label = referrals.get_referral(session, int(values["referral_id"])).reference

    @classmethod
    def defaults(cls, session, context):
        return {"decided_on": dt.date.today(), **super().defaults(session, context)}

    @classmethod
    def create(cls, session, values, context):
        values = dict(values)
        referral_id = values.pop("referral_id")
        return decisions.record_decision(session, referral_id, **values).id

    @classmethod
    def update(cls, session, record_id, values):
        decisions.update_decision(session, record_id, **values)

    @classmethod
    def describe(cls, session, record_id):
        d = session.get(Decision, record_id)
        if d is None:
            return super().describe(session, record_id)
        return f"decision on {d.referral.reference} of {format_uk_date(d.decided_on)}"

"""The review form: a review commissioned by a decision, covering one or more referrals."""

from __future__ import annotations

from app.services import reviews
from db.models import ListKind, Review
from ui.forms.base import DATE, LIST, MULTI, MULTILINE, TEXT, Field, RecordDialog
from ui.case_page import WithCasePage
from ui.forms.deadlines import WithDeadlines


class ReviewDialog(WithCasePage, WithDeadlines, RecordDialog):
    """A review, with its target and the other deadlines it is held to above it."""

    kind = "reviews"
    noun = "review"
    model = Review
    archive_kind = "review"
    focus_new = "reference"
    focus_edit = "status"
    fields = (
        Field("reference", "Reference", TEXT, required=True),
        Field("title", "Title", TEXT, required=True, hint="Pseudonyms only: Child I and Child M"),
        Field("review_type", "Type", LIST, list_kind=ListKind.REVIEW_TYPE, required=True),
        Field("referral_ids", "Referrals covered", MULTI, records="referrals", problem_keys=("referrals",)),
        Field("methodology", "Methodology", LIST, list_kind=ListKind.METHODOLOGY),
        Field("status", "Status", LIST, list_kind=ListKind.REVIEW_STATUS),
        Field("status_note", "Status note", MULTILINE, lines=2),
        Field("lead_reviewers", "Lead reviewer(s)", TEXT),
        Field("decision_on", "Decision to review", DATE),
        Field("initiated_on", "Initiated", DATE, beside=True),
        Field("learning_event_on", "Learning event", DATE),
        Field("completed_on", "Report completed", DATE, beside=True),
        Field("published_on", "Published", DATE),
        Field("briefing_issued_on", "Briefing issued", DATE, beside=True),
        Field("target_override_on", "Agreed target date", DATE,
              hint="Only when the office agrees a target other than the clock's"),
        Field("delay_reason", "Reason for delay", MULTILINE, lines=2),
        Field("family_involvement", "Family involvement", MULTILINE, lines=2),
        Field("summary", "Summary", MULTILINE, lines=3),
        Field("notes", "Notes", MULTILINE, lines=2),
    )

    @classmethod
    def field_value(cls, record, field):
        if field.key == "referral_ids":
            return sorted(r.id for r in record.referrals)
        return super().field_value(record, field)

    @classmethod
    def defaults(cls, session, context):
        values = super().defaults(session, context)
        if context.get("referral_id"):
            values["referral_ids"] = [context["referral_id"]]
        return values

    @classmethod
    def create(cls, session, values, context):
        values = dict(values)
        referral_ids = values.pop("referral_ids") or []
        return reviews.create_review(session, referrals=referral_ids, **values).id

    @classmethod
    def update(cls, session, record_id, values):
        values = dict(values)
        if "referral_ids" in values:
            reviews.set_review_referrals(session, record_id, values.pop("referral_ids") or [])
        if values:
            reviews.update_review(session, record_id, **values)

    @classmethod
    def describe(cls, session, record_id):
        record = session.get(Review, record_id)
        return f"review {record.reference}" if record else super().describe(session, record_id)

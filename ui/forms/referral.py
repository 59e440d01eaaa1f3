"""The referral form: a case put to the sub group."""

from __future__ import annotations

from app.services import referrals
from db.models import ListKind, Referral
from ui.forms.base import AGENCY, CHOICE, DATE, LIST, MULTILINE, TEXT, Field, RecordDialog
from ui.case_page import WithCasePage
from ui.forms.deadlines import WithDeadlines

GENDERS = ("Male", "Female", "Both", "Not known")


class ReferralDialog(WithCasePage, WithDeadlines, RecordDialog):
    """A referral, with the deadlines it is held to (notification, rapid review...) above it."""

    kind = "referrals"
    noun = "referral"
    model = Referral
    archive_kind = "referral"
    focus_new = "reference"
    focus_edit = "summary"
    fields = (
        Field("reference", "Reference", TEXT, required=True, hint="The office's reference, e.g. Ref053"),
        Field("subject", "Subject (pseudonym)", TEXT, hint="Never a real name: Child U, Family A"),
        Field("date_referred", "Date referred", DATE),
        Field("date_aware", "Partners aware on", DATE, beside=True,
              hint="Starts the notification and rapid review clocks; until it is recorded they run from the "
                   "date referred"),
        Field("referring_agency", "Referring agency", AGENCY),
        Field("category", "Category", LIST, list_kind=ListKind.REFERRAL_CATEGORY),
        Field("summary", "Summary", MULTILINE, lines=3),
        Field("location", "Location", TEXT),
        Field("gender", "Gender", CHOICE, choices=GENDERS),
        Field("age_text", "Age", TEXT, beside=True, hint="As people write it: 6 wks, 1 yr 11 mths, Various"),
        Field("notification_sent_on", "Notification sent", DATE),
        Field("rapid_review_sent_on", "Rapid review sent", DATE, beside=True),
        Field("panel_told_of_decision_on", "National Panel told", DATE),
        Field("notes", "Notes", MULTILINE, lines=2),
    )

    @classmethod
    def create(cls, session, values, context):
        return referrals.create_referral(session, **values).id

    @classmethod
    def update(cls, session, record_id, values):
        referrals.update_referral(session, record_id, **values)

    @classmethod
    def describe(cls, session, record_id):
        record = session.get(Referral, record_id)
        return f"referral {record.reference}" if record else super().describe(session, record_id)

"""The recommendation form, and the quick form for the board's response to one."""

from __future__ import annotations

import datetime as dt

from app.services import recommendations
from db.models import ListKind, Recommendation
from ui.case_page import WithCasePage
from ui.forms.base import DATE, LIST, MULTILINE, NUMBER, RECORD, TEXT, THEME, Field, RecordDialog

RESPONSE_KEYS = ("response_status", "board_response", "response_on")


class RecommendationDialog(WithCasePage, RecordDialog):
    kind = "recommendations"
    noun = "recommendation"
    model = Recommendation
    archive_kind = "recommendation"
    focus_new = "text"
    focus_edit = "text"
    fields = (
        Field("review_id", "Review", RECORD, records="reviews", required=True, fixed_when_editing=True),
        Field("number", "Number", NUMBER, hint="Left blank, the next number in the review"),
        Field("document_number", "Number in the response document", TEXT),
        Field("text", "Recommendation", MULTILINE, required=True, lines=5),
        Field("addressed_to", "Addressed to", TEXT, hint="The Board, or the agencies named"),
        Field("theme", "Theme", THEME),
        Field("response_status", "Board's response", LIST, list_kind=ListKind.RESPONSE_STATUS),
        Field("board_response", "Response narrative", MULTILINE, lines=3),
        Field("response_on", "Response date", DATE),
    )

    def focus_field(self):
        if self.is_new and not self.context.get("review_id"):
            return "review_id"
        return super().focus_field()

    @classmethod
    def create(cls, session, values, context):
        values = dict(values)
        response = {key: values.pop(key) for key in RESPONSE_KEYS}
        rec = recommendations.add_recommendation(session, values.pop("review_id"), **values)
        if any(response.values()):
            recommendations.update_recommendation(session, rec.id, **response)
        return rec.id

    @classmethod
    def update(cls, session, record_id, values):
        recommendations.update_recommendation(session, record_id, **values)

    @classmethod
    def describe(cls, session, record_id):
        rec = session.get(Recommendation, record_id)
        if rec is None:
            return super().describe(session, record_id)
        return f"recommendation {rec.review.reference} R{rec.number}"


class RecommendationResponseDialog(RecommendationDialog):
    """Record the board's response: status, narrative and date (today unless given)."""

    focus_edit = "response_status"
    fields = tuple(f for f in RecommendationDialog.fields if f.key in RESPONSE_KEYS)
    fields = (Field("response_status", "Board's response", LIST, list_kind=ListKind.RESPONSE_STATUS,
                    required=True),) + fields[1:]

    def title(self):
        return f"Record response to {self._label}"

    def _after_load(self):
        if self.value("response_on") is None:
            self.widgets["response_on"].editor.set_date(dt.date.today())

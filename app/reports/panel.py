"""The scrutiny panel cover report for a published review (seeds 000 and 001).

The council's template: decision-maker, subject, date, report of, contact details, then
numbered paragraphs under fixed headings, and the appendices. The free text is what the
office wrote in the review's panel report record; the fields it leaves blank are filled from
the review record and the settings, and a table of progress on the review's recommendations
is taken from the action plan.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib import colors
from reportlab.platypus import Table, TableStyle
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.reviews import latest_panel_report
from app.errors import UserError
from app import rules
from app.queries.action_plan import PlanFilter, read_action_plan
from app.queries.reviews import read_recommendations
from app.reports.doc import Heading, ReportResult, build_paper, para, spacer
from app.reports.formatting import DateText
from app.reports.table import Column, FastTable, Row
from app.settings import get_settings
from app.text import clean
from db.models import PanelReport, Review

TITLE = "Scrutiny panel report"
NONE_RECORDED = "None recorded."

# The free-text fields a caller may replace for this printing (the window's dialog does).
FREE_TEXT_FIELDS = ("decision_maker", "subject", "report_of", "contact_details", "brief_summary",
                    "recommendations_text", "reasons", "alternative_options", "detail",
                    "resource_implications", "statutory_basis", "appendices")


@dataclass(frozen=True)
class PanelPaper:
    """Everything the cover report prints, structured fields already filled in."""

    decision_maker: str
    subject: str
    decision_on: dt.date | None
    report_of: str
    contact_details: str
    brief_summary: str
    recommendations_text: str
    reasons: str
    alternative_options: str
    detail: str
    resource_implications: str
    statutory_basis: str
    appendices: list[str]


def _review(session: Session, reference: str) -> Review:
    found = session.scalar(select(Review).where(Review.reference == clean(reference),
                                                Review.archived_at.is_(None)))
    if found is None:
        raise UserError(f"Review: there is no review '{clean(reference)}'.", field="review")
    return found


def _paper(review: Review, report: PanelReport, partnership: str, date_text: DateText,
           overrides: Mapping[str, str]) -> PanelPaper:
    unknown = set(overrides) - set(FREE_TEXT_FIELDS)
    if unknown:
        raise UserError(f"The panel report has no field called {', '.join(sorted(unknown))}.")
    text = {name: (overrides.get(name, getattr(report, name)) or "").strip() for name in FREE_TEXT_FIELDS}
    detail = text["detail"]
    if review.published_on and not detail:
        detail = f"The review was published on {date_text(review.published_on)}."
    return PanelPaper(
        decision_maker=text["decision_maker"],
        subject=text["subject"] or f"{review.review_type.name}: {review.title}",
        decision_on=report.decision_on,
        report_of=text["report_of"] or f"Independent Chair of the {partnership}",
        contact_details=text["contact_details"],
        brief_summary=text["brief_summary"] or f"To brief the Panel on the {review.title} review, "
                                                "its recommendations and progress to date.",
        recommendations_text=text["recommendations_text"],
        reasons=text["reasons"],
        alternative_options=text["alternative_options"],
        detail=detail,
        resource_implications=text["resource_implications"],
        statutory_basis=text["statutory_basis"],
        appendices=[line.strip() for line in text["appendices"].splitlines() if line.strip()],
    )


class _Numbering:
    """The template numbers its paragraphs straight through the report (1., 2., ...)."""

    def __init__(self):
        self.next = 1

    def paragraphs(self, text: str) -> list:
        parts = [p.strip() for p in text.split("\n") if p.strip()] or [NONE_RECORDED]
        out = []
        for part in parts:
            out.append(para(part, bold_prefix=f"{self.next}."))
            self.next += 1
        return out


def _key_table(paper: PanelPaper, date_text: DateText) -> Table:
    rows = [("DECISION-MAKER:", paper.decision_maker), ("SUBJECT:", paper.subject),
            ("DATE OF DECISION:", date_text(paper.decision_on) or "To be set"),
            ("REPORT OF:", paper.report_of)]
    table = Table([[para(label, "label"), para(value)] for label, value in rows], colWidths=[45 * 2.835, None])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LINEBELOW", (0, -1), (-1, -1), 0.8, colors.HexColor("#1F3A5F")),
                               ("LEFTPADDING", (0, 0), (0, -1), 0)]))
    return table


PROGRESS_COLUMNS = [
    Column("No.", 9), Column("Recommendation", 40), Column("Response", 12),
    Column("Actions completed", 9, align="right"), Column("Closed, other reasons", 9, align="right"),
    Column("Actions open", 8, align="right"), Column("Overdue", 8, align="right"),
]


def _progress(session: Session, review: Review, as_at: dt.date) -> list:
    recs = read_recommendations(session, [review.id], as_at)
    if not recs:
        return [para("The review made no recommendations that are recorded.", "note")]
    plan = read_action_plan(session, as_at, PlanFilter(recommendation_ids=tuple(r.id for r in recs)))
    rows = []
    for rec in recs:
        states = Counter(a.state for a in plan.rows if rec.id in a.recommendation_ids)
        still_open = states[rules.OPEN] + states[rules.DUE_SOON] + states[rules.OVERDUE]
        rows.append(Row((rec.label, rec.text, rec.response_status or "Not recorded", str(states[rules.COMPLETED]),
                         str(states[rules.CLOSED]), str(still_open), str(states[rules.OVERDUE]))))
    return [FastTable(PROGRESS_COLUMNS, rows)]


def build_panel(session: Session, out_path: Path, *, review_ref: str, overrides: Mapping[str, str] | None = None,
                as_at: dt.date | None = None, generated: dt.datetime | None = None) -> ReportResult:
    """Write the scrutiny panel cover report for the review ``review_ref``, its progress as
    at ``as_at`` (default today).

    ``overrides`` replaces free-text fields of the stored panel report for this printing.
    Raises ``UserError`` for an unknown review or one with no panel report.
    """
    review = _review(session, review_ref)
    report = latest_panel_report(review)
    settings = get_settings(session)
    date_text = DateText(settings)
    paper = _paper(review, report, settings.partnership_name, date_text, overrides or {})
    numbers = _Numbering()
    story = [para(TITLE, "title"), _key_table(paper, date_text), spacer(),
             Heading("Contact details", 0), para(paper.contact_details or NONE_RECORDED),
             Heading("Brief summary", 0), para(paper.brief_summary),
             Heading("Recommendations", 0), para(paper.recommendations_text or NONE_RECORDED),
             Heading("Reasons for report recommendations", 0), *numbers.paragraphs(paper.reasons),
             Heading("Alternative options considered and rejected", 0),
             *numbers.paragraphs(paper.alternative_options),
             Heading("Detail (including consultation carried out)", 0), *numbers.paragraphs(paper.detail),
             para("Progress on the review\u2019s recommendations, from the composite action plan:", "note"),
             *_progress(session, review, as_at or dt.date.today()),
             Heading("Resource implications", 0), *numbers.paragraphs(paper.resource_implications),
             Heading("Legal implications", 0),
             para("Statutory power to undertake proposals in the report:", "label"),
             *numbers.paragraphs(paper.statutory_basis),
             Heading("Supporting documentation", 0), para("Appendices", "label")]
    if paper.appendices:
        story += [para(line, bold_prefix=f"{n}.") for n, line in enumerate(paper.appendices, 1)]
    else:
        story.append(para("None.", "note"))
    title = f"{TITLE}: {review.title}"
    return build_paper(out_path, settings, title, story, generated=generated)

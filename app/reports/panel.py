"""The scrutiny panel cover report for a published review (seeds 000 and 001).

Every part of the council's template, in its order: decision-maker, subject, date of the
panel's meeting and report of; contact details (the chair's and the author's, with telephone
and e-mail); the statement of confidentiality (open, or exempt with the paragraph that makes
it so); brief summary; recommendations; then numbered paragraphs under the reasons,
alternative options, detail, resource implications (capital and revenue, property and
other), legal implications (statutory power, other), risk management and policy framework;
whether it is a key decision and the wards affected; the supporting documents (appendices,
documents in members' rooms); the equality and safety and the data protection impact
assessments; and the background papers.

What the database holds fills in: the review's type, title and publication, the partnership's
name, the progress on the review's recommendations from the action plan as at the paper's
date. The rest is what the office wrote in the review's panel report record (the window asks
for it before printing and keeps it with the review); a part left blank is printed as not
recorded, so a gap shows rather than vanishes.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from reportlab.lib import colors
from reportlab.platypus import Table, TableStyle
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import rules
from app.errors import UserError
from app.queries.action_plan import PlanFilter, read_action_plan
from app.queries.reviews import read_recommendations
from app.reports.doc import Heading, ReportResult, build_paper, para, spacer
from app.reports.formatting import DateText
from app.reports.table import Column, FastTable, Row
from app.services.reviews import (PANEL_REPORT_FLAGS, PANEL_REPORT_TEXT_FIELDS, has_panel_report, latest_panel_report,
                                   panel_subject)
from app.settings import get_settings
from app.text import clean
from db.models import PanelReport, Review

TITLE = "Scrutiny panel report"
NOT_RECORDED = "Not recorded."
NOT_ANSWERED = "Not answered yet"

# What a caller may replace for this printing (the window's short form does, and keeps it).
FREE_TEXT_FIELDS = ("decision_maker", "subject", *PANEL_REPORT_TEXT_FIELDS)
YES_NO_FIELDS = PANEL_REPORT_FLAGS
FORM_FIELDS = (*FREE_TEXT_FIELDS, "decision_on", *YES_NO_FIELDS)

PROGRESS_COLUMNS = [
    Column("No.", 9), Column("Recommendation", 40), Column("Response", 12),
    Column("Actions completed", 9, align="right"), Column("Closed, other reasons", 9, align="right"),
    Column("Actions open", 8, align="right"), Column("Overdue", 8, align="right"),
]


@dataclass(frozen=True)
class PanelPaper:
    """Every part of the cover report, the blank ones filled from the review where it can."""

    text: dict[str, str]
    answers: dict[str, bool | None]
    decision_on: dt.date | None

    def lines(self, name: str) -> list[str]:
        return [line.strip() for line in self.text[name].splitlines() if line.strip()]


def _review(session: Session, reference: str) -> Review:
    found = session.scalar(select(Review).where(Review.reference == clean(reference),
                                                Review.archived_at.is_(None)))
    if found is None:
        raise UserError(f"Review: there is no review '{clean(reference)}'.", field="review")
    return found


def stored_panel_values(session: Session, review_ref: str) -> dict[str, object]:
    """The parts of the review's latest panel report (the one printed) by ``FORM_FIELDS``
    name, for the short form the window asks before printing; empty when none is written."""
    review = _review(session, review_ref)
    if not has_panel_report(review):
        return {}
    report = latest_panel_report(review)
    return {name: getattr(report, name) for name in FORM_FIELDS}


def _paper(review: Review, report: PanelReport | None, partnership: str, date_text: DateText,
           overrides: Mapping[str, object]) -> PanelPaper:
    unknown = set(overrides) - set(FORM_FIELDS)
    if unknown:
        raise UserError(f"The panel report has no part called {', '.join(sorted(unknown))}.")
    text = {name: str(overrides.get(name, getattr(report, name, None)) or "").strip() for name in FREE_TEXT_FIELDS}
    answers = {name: overrides.get(name, getattr(report, name, None)) for name in YES_NO_FIELDS}
    defaults = {
        "subject": panel_subject(review),
        "report_of": f"Independent Chair of the {partnership}",
        "brief_summary": f"To brief the Panel on the {review.title} review, its recommendations and progress to date.",
        "detail": f"The review was published on {date_text(review.published_on)}." if review.published_on else "",
    }
    for name, value in defaults.items():
        text[name] = text[name] or value
    return PanelPaper(text, answers, overrides.get("decision_on", getattr(report, "decision_on", None)))


class _Numbering:
    """The template numbers its paragraphs straight through the report (1., 2., ...)."""

    def __init__(self):
        self.next = 1

    def paragraphs(self, text: str) -> list:
        parts = [p.strip() for p in text.split("\n") if p.strip()] or [NOT_RECORDED]
        out = []
        for part in parts:
            out.append(para(part, bold_prefix=f"{self.next}."))
            self.next += 1
        return out


def _grid(rows: list[tuple[str, str]], label_width_mm: float = 45) -> Table:
    """Label and value side by side, as the template sets its key facts."""
    table = Table([[para(label, "label"), para(value)] for label, value in rows],
                  colWidths=[label_width_mm * 2.835, None])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (0, -1), 0)]))
    return table


def _key_table(paper: PanelPaper, date_text: DateText) -> Table:
    table = _grid([("DECISION-MAKER:", paper.text["decision_maker"]), ("SUBJECT:", paper.text["subject"]),
                   ("DATE OF DECISION:", date_text(paper.decision_on) or "To be set"),
                   ("REPORT OF:", paper.text["report_of"])])
    table.setStyle(TableStyle([("LINEBELOW", (0, -1), (-1, -1), 0.8, colors.HexColor("#1F3A5F"))]))
    return table


def _contacts(paper: PanelPaper) -> list:
    text = paper.text

    def person(role: str, title: str, prefix: str) -> list[tuple[str, str]]:
        return [(role, title or NOT_RECORDED), ("Name:", text[f"{prefix}_name"] or NOT_RECORDED),
                ("Tel:", text[f"{prefix}_phone"] or NOT_RECORDED), ("E-mail:", text[f"{prefix}_email"] or NOT_RECORDED)]
    rows = person("Independent Chair:", text["report_of"], "chair") + person("Author:", text["author_title"], "author")
    story = [_grid(rows, 35)]
    if text["contact_details"]:
        story.append(para(text["contact_details"]))
    return story


def _yes_no(answer: bool | None) -> str:
    return NOT_ANSWERED if answer is None else ("Yes" if answer else "No")


def _confidentiality(paper: PanelPaper) -> str:
    if paper.answers["exempt"] is None:
        return f"{NOT_ANSWERED}: say whether this report is open to the public or exempt."
    if not paper.answers["exempt"]:
        return "None: this report is open to the public."
    return ("This report is exempt from publication: "
            f"{paper.text['exemption'] or 'the paragraph of Schedule 12A that applies is not recorded'}.")


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


def _numbered_list(lines: list[str]) -> list:
    if not lines or [line.casefold() for line in lines] == ["none"]:
        return [para("None.", "note")]
    return [para(line, bold_prefix=f"{n}.") for n, line in enumerate(lines, 1)]


def _background_papers(paper: PanelPaper) -> list:
    rows = []
    for line in paper.lines("background_papers"):
        title, _, paragraph = line.partition("|")
        rows.append(Row((title.strip(), paragraph.strip())))
    if not rows or [row.cells[0].casefold() for row in rows] == ["none"]:
        return [para("None.", "note")]
    return [FastTable([Column("Title of background paper", 60),
                       Column("Paragraph of Schedule 12A allowing it to be exempt (if applicable)", 40)], rows)]


def build_panel(session: Session, out_path: Path, *, review_ref: str, overrides: Mapping[str, object] | None = None,
                as_at: dt.date | None = None, generated: dt.datetime | None = None) -> ReportResult:
    """Write the scrutiny panel cover report for the review ``review_ref``, its progress as
    at ``as_at`` (default today).

    ``overrides`` replaces parts of the stored panel report (``FORM_FIELDS``) for this
    printing; with them, a review with no panel report yet is printed from them alone.
    Raises ``UserError`` for an unknown review, or one with no panel report and no overrides.
    """
    review = _review(session, review_ref)
    report = latest_panel_report(review) if has_panel_report(review) or not overrides else None  # the form alone
    settings = get_settings(session)
    date_text = DateText(settings)
    paper = _paper(review, report, settings.partnership_name, date_text, overrides or {})
    text, answers = paper.text, paper.answers
    numbers = _Numbering()
    recommendations = paper.lines("recommendations_text")
    story = [
        para(TITLE, "title"), _key_table(paper, date_text), spacer(),
        Heading("Contact details", 0), *_contacts(paper),
        Heading("Statement of confidentiality", 0), para(_confidentiality(paper)),
        Heading("Brief summary", 0), para(text["brief_summary"]),
        Heading("Recommendations", 0),
        *([para(line) for line in recommendations] or [para(NOT_RECORDED)]),
        Heading("Reasons for report recommendations", 0), *numbers.paragraphs(text["reasons"]),
        Heading("Alternative options considered and rejected", 0), *numbers.paragraphs(text["alternative_options"]),
        Heading("Detail (including consultation carried out)", 0), *numbers.paragraphs(text["detail"]),
        para(f"Progress on the review\u2019s recommendations, from the composite action plan as at "
             f"{date_text(as_at or dt.date.today())}:", "note"),
        *_progress(session, review, as_at or dt.date.today()),
        Heading("Resource implications", 0),
        para("Capital/Revenue", "label"), *numbers.paragraphs(text["capital_revenue"]),
        para("Property/Other", "label"), *numbers.paragraphs(text["property_other"]),
        Heading("Legal implications", 0),
        para("Statutory power to undertake proposals in the report:", "label"),
        *numbers.paragraphs(text["statutory_basis"]),
        para("Other legal implications:", "label"), *numbers.paragraphs(text["other_legal"]),
        Heading("Risk management implications", 0), *numbers.paragraphs(text["risk_management"]),
        Heading("Policy framework implications", 0), *numbers.paragraphs(text["policy_framework"]),
        spacer(),
        _grid([("KEY DECISION?", _yes_no(answers["key_decision"])),
               ("WARDS/COMMUNITIES AFFECTED:", text["wards_affected"] or NOT_RECORDED)], 70),
        Heading("Supporting documentation", 0),
        para("Appendices", "label"), *_numbered_list(paper.lines("appendices")),
        para("Documents in Members\u2019 Rooms", "label"), *_numbered_list(paper.lines("members_room_documents")),
        Heading("Equality Impact Assessment", 0),
        _grid([("Do the implications/subject of the report require an Equality and Safety Impact Assessment "
                "(ESIA) to be carried out?", _yes_no(answers["equality_assessment"]))], 130),
        Heading("Data Protection Impact Assessment", 0),
        _grid([("Do the implications/subject of the report require a Data Protection Impact Assessment "
                "(DPIA) to be carried out?", _yes_no(answers["data_protection_assessment"]))], 130),
        Heading("Other background documents", 0), *_background_papers(paper),
    ]
    title = f"{TITLE}: {review.title}"
    result = build_paper(out_path, settings, title, story, generated=generated)
    contacts = tuple(text[f"{who}_{what}"] for who in ("chair", "author") for what in ("phone", "email")
                     if text[f"{who}_{what}"])
    return replace(result, allowed_details=contacts)

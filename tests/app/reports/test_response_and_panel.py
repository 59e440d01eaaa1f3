"""The partnership response (seeds 002, 003) and the scrutiny panel report (seeds 000, 001)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.errors import UserError
from app.queries.action_plan import read_action_plan
from app.reports.panel import build_panel
from app.reports.response import build_response
from db.models import (
    Action,
    AgencyResponse,
    ListItem,
    PanelReport,
    Recommendation,
    Review,
    Theme,
    action_recommendation,
)
from tests.app.reports.conftest import GENERATED, pdf_text
from tests.engines import db_arg

pytestmark = pytest.mark.both_engines

SEED_002 = ["SCR-2013-01", "SCR-2013-02", "SCR-2013-03"]


def _recommendations(session, refs):
    return session.execute(
        select(Recommendation.id, Recommendation.number, Review.reference, Recommendation.text,
               Theme.name, Review.title)
        .join(Review, Review.id == Recommendation.review_id).outerjoin(Theme, Theme.id == Recommendation.theme_id)
        .where(Review.reference.in_(refs), Recommendation.archived_at.is_(None))).all()


def _actions_of(session, rec_ids):
    return session.execute(
        select(Action.description, ListItem.is_open).join(ListItem, ListItem.id == Action.status_id)
        .join(action_recommendation, action_recommendation.c.action_id == Action.id)
        .where(action_recommendation.c.recommendation_id.in_(rec_ids), Action.archived_at.is_(None))).all()


def test_response_to_seed_002_review_by_review_in_each_reviews_own_order(demo, tmp_path):
    result = build_response(demo, tmp_path / "response.pdf", review_refs=SEED_002, generated=GENERATED)
    text = pdf_text(result.path)
    recs = _recommendations(demo, SEED_002)
    assert len(recs) == 29
    position = 0
    for reference in SEED_002:
        position = text.index(f"{reference} \u2013", position)
        for _, number, ref, rec_text, _theme, _title in sorted((r for r in recs if r[2] == reference),
                                                              key=lambda r: r[1]):
            # Each recommendation in the review's own order, its text, then the board's response.
            opening = " ".join(rec_text.split()[:6])
            position = text.index(f"{ref} R{number} {opening}", position)
            assert text.index("Board\u2019s response:", position) < text.find(f"{ref} R{number + 1} ", position) \
                or text.find(f"{ref} R{number + 1} ", position) == -1
    # The board's response is printed once per recommendation, never gathered a second time.
    assert text.count("Board\u2019s response:") == 29


def test_each_action_reads_as_it_stands_and_a_closed_one_is_never_completed(demo, tmp_path):
    text = pdf_text(build_response(demo, tmp_path / "r.pdf", review_refs=SEED_002).path)
    plan = read_action_plan(demo)
    rows = {row.reference: row for row in plan.rows}
    shown = [ref for ref in rows if re.search(rf"\b{re.escape(ref)}\b", text)]
    assert shown
    def row_text(reference: str) -> str:  # from the action's reference to the next action's
        start = text.index(reference)
        following = [text.find(other, start + 1) for other in shown if other != reference]
        return text[start:min([f for f in following if f > start], default=len(text))]

    closed = [rows[ref] for ref in shown if rows[ref].state == "closed"]
    assert closed, "the demo closes some seed 002 actions for other reasons"
    for row in closed:
        assert row.status.startswith("Closed \u2013 ") and row.status in row_text(row.reference)
        assert "Completed" not in row_text(row.reference)
    for row in (rows[ref] for ref in shown if rows[ref].state == "completed"):
        assert "Completed" in row_text(row.reference)
    for row in (rows[ref] for ref in shown if rows[ref].state == "overdue"):
        assert "OVERDUE by" in row_text(row.reference)


def test_response_prints_each_agencys_own_response(demo, tmp_path):
    text = pdf_text(build_response(demo, tmp_path / "u.pdf", review_refs=["SCR-2015-01"]).path)
    responses = demo.execute(select(AgencyResponse.text).join(AgencyResponse.recommendation)
                             .join(Recommendation.review).where(Review.reference == "SCR-2015-01")).scalars().all()
    assert responses
    for response in responses:
        assert " ".join(response.split()) in text


def test_response_refuses_unknown_or_missing_reviews(demo, tmp_path):
    with pytest.raises(UserError, match="no review 'NOPE'"):
        build_response(demo, tmp_path / "x.pdf", review_refs=["SCR-2015-01", "NOPE"])
    with pytest.raises(UserError, match="at least one review"):
        build_response(demo, tmp_path / "x.pdf", review_refs=[])


TEMPLATE_PARTS = (
    "DECISION-MAKER:", "SUBJECT:", "DATE OF DECISION:", "REPORT OF:", "Contact details", "Statement of confidentiality",
    "Brief summary", "Recommendations", "Reasons for report recommendations",
    "Alternative options considered and rejected", "Detail (including consultation carried out)",
    "Resource implications", "Capital/Revenue", "Property/Other", "Legal implications",
    "Statutory power to undertake proposals in the report:", "Other legal implications:",
    "Risk management implications", "Policy framework implications", "KEY DECISION?",
    "WARDS/COMMUNITIES AFFECTED:", "Supporting documentation", "Appendices", "Documents in Members\u2019 Rooms",
    "Equality Impact Assessment", "Equality and Safety Impact Assessment (ESIA)", "Data Protection Impact Assessment",
    "(DPIA) to be carried out?", "Other background documents",
)


def test_panel_report_has_every_part_of_the_council_template_in_order(demo, tmp_path):
    review = demo.scalar(select(Review).join(PanelReport).where(Review.reference == "SCR-2018-02"))
    report = review.panel_reports[0]
    result = build_panel(demo, tmp_path / "panel.pdf", review_ref="SCR-2018-02", generated=GENERATED)
    text = pdf_text(result.path)
    position = 0
    for part in TEMPLATE_PARTS:
        position = text.index(part, position)
    assert f"DECISION-MAKER: {report.decision_maker}" in text
    assert f"SUBJECT: {report.subject}" in text
    assert f"DATE OF DECISION: {report.decision_on:%d/%m/%Y}" in text
    assert f"REPORT OF: {report.report_of}" in text
    assert f"Tel: {report.author_phone}" in text and f"E-mail: {report.author_email}" in text
    assert "None: this report is open to the public." in text
    assert "KEY DECISION? No" in text and "WARDS/COMMUNITIES AFFECTED: All" in text
    assert " ".join(report.statutory_basis.split()) in text
    assert " ".join(report.risk_management.split()) in text
    for line in report.appendices.splitlines():
        assert line.strip() in text
    assert "1. " + report.reasons.split()[0] in text, "paragraphs numbered from the reasons on"


def test_panel_report_fills_blank_fields_from_the_review_and_settings(demo, tmp_path):
    result = build_panel(demo, tmp_path / "p.pdf", review_ref="SCR-2018-01",
                         overrides={"report_of": "", "subject": "", "appendices": "", "key_decision": None,
                                    "exempt": True, "exemption": "Paragraph 2 of Schedule 12A: it could identify a child"})
    text = pdf_text(result.path)
    assert "REPORT OF: Independent Chair of the Safeguarding Children Partnership" in text
    assert "SUBJECT: Serious Case Review: Thematic review: non-accidental injury to three infants" in text
    assert "Appendices None." in text
    assert "KEY DECISION? Not answered yet" in text
    assert "exempt from publication: Paragraph 2 of Schedule 12A" in text


def test_the_officers_contact_details_are_printed_but_other_personal_details_are_still_caught(demo_db, tmp_path):
    from app.cli import main

    out = tmp_path / "panel.pdf"
    assert main(["report", "panel", "--db", db_arg(demo_db), "--review", "SCR-2018-01", "--out", str(out)]) == 0
    with demo_db.sessions.begin() as s:
        report = s.scalar(select(PanelReport).join(Review).where(Review.reference == "SCR-2018-01"))
        kept = report.reasons
        report.reasons = kept + " The child's NHS number is 943 476 5919."
    try:
        assert main(["report", "panel", "--db", db_arg(demo_db), "--review", "SCR-2018-01",
                     "--out", str(tmp_path / "leak.pdf")]) == 1
        assert not (tmp_path / "leak.pdf").exists()
    finally:
        with demo_db.sessions.begin() as s:
            s.scalar(select(PanelReport).join(Review).where(Review.reference == "SCR-2018-01")).reasons = kept


def test_panel_report_needs_a_panel_record(demo, tmp_path):
    with pytest.raises(UserError, match="No scrutiny panel report"):
        build_panel(demo, tmp_path / "x.pdf", review_ref="Ref053")
    with pytest.raises(UserError, match="no review"):
        build_panel(demo, tmp_path / "x.pdf", review_ref="Nope")


def test_a_panel_report_typed_before_printing_is_kept_changing_only_what_changed(demo):
    from app.services.reviews import latest_panel_report, save_panel_report

    session = demo
    review = session.query(Review).filter(Review.panel_reports.any()).first()
    report = latest_panel_report(review)
    version = report.version
    same = {name: getattr(report, name) for name in ("decision_maker", "subject", "brief_summary")}
    assert save_panel_report(session, review.reference, same) is report and report.version == version
    save_panel_report(session, review.reference, {**same, "brief_summary": "  New summary.  ", "subject": ""})
    assert (report.brief_summary, report.subject) == ("New summary.", f"{review.review_type.name}: {review.title}")
    session.rollback()  # the module's other tests read the demo as written

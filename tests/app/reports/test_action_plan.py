"""The composite action plan and the agency action list, checked against the database."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from app import lookups
from app.errors import UserError
from app.reports.action_plan import build_action_plan
from app.reports.agency_list import build_agency_list
from app.synthetic import generate
from db.models import (
    Action,
    Agency,
    Dissemination,
    LearningEvent,
    ListItem,
    ListKind,
    ProgressUpdate,
    Recommendation,
    Review,
)
from tests.app.reports.conftest import GENERATED, pdf_pages, pdf_text

pytestmark = pytest.mark.both_engines

AS_AT = dt.date(2026, 6, 1)
AWKWARD = "Home conditions checklist \u2013 \u201cZo\u00eb\u2019s\u201d visits, \u00a3250, \u0141\u00f3d\u017a & Dvo\u0159\u00e1k <b>"
D = dt.date


@pytest.fixture
def plan_db(database):
    """Two reviews, four live actions (one answering two recommendations, one attached to a
    theme only) and one archived action."""
    with database.sessions.begin() as s:
        status = {i.code: i for i in lookups.list_items(s, ListKind.ACTION_STATUS)}
        scr = lookups.list_item(s, ListKind.REVIEW_TYPE, "scr")
        lcspr = lookups.list_item(s, ListKind.REVIEW_TYPE, "lcspr")
        neglect, escalation = lookups.theme(s, "Neglect"), lookups.theme(s, "Escalation of concerns")
        police, csc, education = (lookups.agency(s, n) for n in ("Police", "Children's Services", "Education"))
        t1 = Review(reference="SCR-T1", title="Child T", review_type=scr)
        t2 = Review(reference="LCSPR-T2", title="Child V", review_type=lcspr)
        r1 = Recommendation(review=t1, number=1, text="Audit strategy meetings.", theme=neglect)
        r2 = Recommendation(review=t1, number=2, text="Escalate disagreements quickly.", theme=escalation)
        r3 = Recommendation(review=t1, number=3, text="Train staff on the new protocol.", theme=escalation)
        r4 = Recommendation(review=t2, number=1, text="Check home conditions at every visit.", theme=neglect)
        s.add_all([t1, t2, r1, r2, r3, r4])
        a1 = Action(reference="A-RED", description="Police audit of strategy meetings", lead_agency=police,
                    lead_officer="Detective Inspector", status=status["in_progress"], rag="Red",
                    target_on=D(2026, 1, 31), recommendations=[r1])
        a1.updates = [ProgressUpdate(update_on=D(2026, 3, 1), text="Older update"),
                      ProgressUpdate(update_on=D(2026, 4, 1), text="First of the day"),
                      ProgressUpdate(update_on=D(2026, 4, 1), text="Latest of the day")]
        a2 = Action(reference="A-BLUE", description="Escalation policy rewritten", lead_agency=csc,
                    status=status["complete"], rag="Blue", target_on=D(2026, 1, 15),
                    completed_on=D(2026, 2, 1), evidence_of_completion="Policy v3 published",
                    recommendations=[r1, r2])
        a3 = Action(reference="A-AMBER", description=AWKWARD, lead_agency=police,
                    status=status["not_started"], rag="Amber", original_target_on=D(2026, 9, 30),
                    target_on=D(2026, 12, 31), recommendations=[r4])
        a4 = Action(reference="A-GREEN", description="Neglect toolkit training for schools",
                    lead_agency=education, status=status["in_progress"], rag="Green",
                    target_on=D(2026, 7, 1), theme=neglect)
        a5 = Action(reference="A-ARCHIVED", description="Withdrawn action", lead_agency=police,
                    status=status["in_progress"], rag="Red", target_on=D(2026, 1, 1),
                    recommendations=[r1], archived_at=dt.datetime(2026, 1, 2))
        s.add_all([a1, a2, a3, a4, a5])
    return database


def _plan(db, path, **options):
    with db.sessions() as s:
        return build_action_plan(s, path, as_at=AS_AT, generated=GENERATED, **options)


def _expected_summary(db) -> dict[str, list[int]]:
    """Per agency, from the database, the columns of the RAG summary: Red, Amber, Green and not
    rated (open actions only), overdue, completed (closed with evidence), closed otherwise, total."""
    status = ListItem
    with db.sessions() as s:
        rows = s.execute(select(Agency.name, Action.rag, status.is_open, Action.target_on,
                                Action.evidence_of_completion)
                         .join(Agency, Agency.id == Action.lead_agency_id)
                         .join(status, status.id == Action.status_id)
                         .where(Action.archived_at.is_(None))).all()
    out: dict[str, list[int]] = {}
    for agency, rag, is_open, target, evidence in rows:
        counts = out.setdefault(agency, [0] * 8)
        if is_open:
            counts[["Red", "Amber", "Green", None].index(rag)] += 1
            counts[4] += bool(target and target < AS_AT)
        else:
            counts[5 if evidence else 6] += 1
        counts[7] += 1
    return out


def test_plan_by_review_prints_each_action_once_with_all_its_recommendations(plan_db, tmp_path):
    result = _plan(plan_db, tmp_path / "plan.pdf")
    text = pdf_text(result.path)
    pages = pdf_pages(result.path)
    assert result.pages == len(pages)
    assert "SCR-T1 – Child T" in text and "LCSPR-T2 – Child V" in text
    for number, words in ((1, "Audit strategy meetings."), (2, "Escalate disagreements quickly.")):
        assert f"SCR-T1 R{number}. {words}" in text
    assert "SCR-T1 R3 (no actions recorded yet). Train staff on the new protocol." in text
    assert text.count("Police audit of strategy meetings") == 1
    # A-BLUE answers recommendations 1 and 2: one row, both numbers in it.
    assert text.count("Escalation policy rewritten") == 1
    assert re.search(r"A-BLUE SCR-T1 R1, R2 Escalation policy rewritten", text)
    assert "Latest of the day" in text and "Older update" not in text and "First of the day" not in text
    assert "A-ARCHIVED" not in text
    assert "OVERDUE by 121 days" in text  # A-RED: target 31/01/2026, as at 01/06/2026
    assert "30/09/2026 revised 31/12/2026" in text
    assert AWKWARD in text
    assert "Actions not linked to a recommendation" in text and "A-GREEN" in text
    for agency, counts in _expected_summary(plan_db).items():
        assert f"{agency} {' '.join(map(str, counts))}" in pages[0]
    assert "All agencies 1 1 1 0 1 1 0 4" in pages[0]


def test_plan_by_theme_groups_the_actions_of_several_reviews(plan_db, tmp_path):
    text = pdf_text(_plan(plan_db, tmp_path / "theme.pdf", group_by="theme").path)
    # Each action under its own theme, or failing one its first recommendation's: all four are neglect.
    neglect = text[text.index("Evidence Neglect"):]
    assert set(re.findall(r"A-[A-Z]+", neglect)) == {"A-RED", "A-AMBER", "A-GREEN", "A-BLUE"}
    assert "Grouped by theme" in text


def test_plan_by_agency(plan_db, tmp_path):
    text = pdf_text(_plan(plan_db, tmp_path / "agency.pdf", group_by="agency").path)
    police = text[text.index("Police A-"):]  # the Police group row, then its actions
    assert re.findall(r"A-[A-Z]+", police) == ["A-AMBER", "A-RED"]  # in plan order: LCSPR-T2 before SCR-T1


@pytest.mark.parametrize("options, present, absent", [
    ({"agency": "police"}, {"A-RED", "A-AMBER"}, {"A-BLUE", "A-GREEN"}),
    ({"overdue_only": True}, {"A-RED"}, {"A-BLUE", "A-AMBER", "A-GREEN"}),
    ({"open_only": True}, {"A-RED", "A-AMBER", "A-GREEN"}, {"A-BLUE"}),
    ({"status": "completed"}, {"A-BLUE"}, {"A-RED", "A-AMBER", "A-GREEN"}),
])
def test_plan_filters(plan_db, tmp_path, options, present, absent):
    text = pdf_text(_plan(plan_db, tmp_path / "f.pdf", **options).path)
    assert {ref for ref in present if ref in text} == present
    assert {ref for ref in absent if ref in text} == set()
    assert "R3" not in text, "with a filter, recommendations without matching actions go"


def test_plan_with_nothing_matching_says_so(plan_db, tmp_path):
    text = pdf_text(_plan(plan_db, tmp_path / "none.pdf", agency="Housing").path)
    assert "No actions match these choices" in text


def test_unknown_agency_or_status_is_a_user_error(plan_db, tmp_path):
    with pytest.raises(UserError, match="no agency is called"):
        _plan(plan_db, tmp_path / "x.pdf", agency="Ministry of Magic")
    with pytest.raises(UserError, match="not on the list"):
        _plan(plan_db, tmp_path / "x.pdf", status="Half done")


def test_agency_list_holds_the_agencys_open_actions_under_their_recommendations(plan_db, tmp_path):
    with plan_db.sessions.begin() as s:
        review = s.query(Review).filter_by(reference="SCR-T1").one()
        briefing = lookups.list_item(s, ListKind.LEARNING_EVENT_TYPE, "7-minute briefing")
        police = lookups.agency(s, "Police")
        spread = LearningEvent(review=review, event_type=briefing, title="Child T 7-minute briefing",
                               held_on=D(2026, 2, 10))
        spread.disseminations = [Dissemination(agency=police, disseminated_on=D(2026, 3, 2),
                                               evidence="Briefed at the district team meetings")]
        s.add_all([spread, LearningEvent(review=review, event_type=briefing, title="Child T practitioner event",
                                         held_on=D(2026, 3, 20)),
                   LearningEvent(review=review, event_type=briefing, title="Child T newsletter")])
    with plan_db.sessions() as s:
        result = build_agency_list(s, tmp_path / "police.pdf", agency="Constabulary", as_at=AS_AT,
                                   generated=GENERATED)
    text = pdf_text(result.path)
    assert "Agency action list: Police" in text
    assert "2 actions, 1 overdue" in text
    # Each action under the recommendation it answers, with the recommendation's own words.
    assert re.search(r"LCSPR-T2 R1 – Child V Check home conditions at every visit\. .*A-AMBER", text)
    assert re.search(r"SCR-T1 R1 – Child T Audit strategy meetings\. .*A-RED", text)
    assert re.search(r"A-RED .*OVERDUE by 121 days", text)
    assert not {"A-BLUE", "A-GREEN", "A-ARCHIVED"} & set(re.findall(r"A-[A-Z]+", text))
    assert "Spreading the learning" in text and "2 of 3 not yet recorded as spread by it" in text
    # Oldest first, the undated one before them (as SQLite orders a blank date; PostgreSQL would put it last).
    assert re.search(r"Child T newsletter .*Child T 7-minute briefing .*Child T practitioner event", text)
    assert re.search(r"Child T 7-minute briefing .*02/03/2026 Briefed at the district team meetings", text)
    assert re.search(r"Child T practitioner event .*Not yet recorded", text)


@pytest.mark.slow
def test_ten_thousand_action_plan_builds(database, tmp_path):
    generate(database, 10_000, seed=3, today=AS_AT)
    with database.sessions() as s:
        total = s.scalar(select(func.count()).select_from(Action).where(Action.archived_at.is_(None)))
        started = time.perf_counter()
        result = build_action_plan(s, tmp_path / "big.pdf", as_at=AS_AT, generated=GENERATED)
        seconds = time.perf_counter() - started
    reader = PdfReader(str(result.path))
    assert len(reader.pages) == result.pages > 1000
    first = reader.pages[0].extract_text()
    assert re.search(rf"All agencies(\s+\d+){{7}}\s+{total}\b", first)
    last = re.sub(r"\s+", " ", reader.pages[-1].extract_text())
    assert f"Page {result.pages} of {result.pages}" in last
    print(f"10,000-action plan: {result.pages} pages in {seconds:.1f} s")

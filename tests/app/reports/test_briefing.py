"""The sub group briefing paper, on the demo office, checked against the database."""

from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import func, select

from app.clocks import clocks_due
from app.dates import working_days_between
from app.reports.briefing import build_briefing
from db.models import Action, Agency, Decision, ListItem, Meeting, Referral, Review
from tests.app.reports.conftest import DEMO_TODAY, GENERATED, pdf_pages

pytestmark = pytest.mark.both_engines


@pytest.fixture(scope="module")
def briefing(demo_db, tmp_path_factory):
    path = tmp_path_factory.mktemp("briefing") / "briefing.pdf"
    with demo_db.sessions() as s:
        started = time.perf_counter()
        result = build_briefing(s, path, meeting_on=DEMO_TODAY, generated=GENERATED)
        seconds = time.perf_counter() - started
    return result, pdf_pages(path), seconds


def _section(text: str, start: str, end: str | None) -> str:
    return text[text.index(start):text.index(end) if end else None]


def test_every_current_review_is_shown_under_its_type(demo, briefing):
    _, pages, _ = briefing
    text = " ".join(pages)
    rows = demo.execute(select(Review.reference, ListItem.name, Review.published_on, Review.completed_on)
                        .join(ListItem, ListItem.id == Review.review_type_id)
                        .where(Review.archived_at.is_(None))).all()
    for ref, type_name, published, completed in rows:
        finished = published or completed
        if finished is None or (DEMO_TODAY - finished).days <= 365:
            assert re.search(rf"\b{re.escape(ref)}\b", text), ref
            assert type_name in text
    # Seed 004's published SCRs (2016-17) are long finished, so no longer briefed on.
    assert not re.search(r"\bRef021\b", text)


def test_decisions_since_the_last_meeting(demo, briefing):
    _, pages, _ = briefing
    text = " ".join(pages)
    last = demo.scalar(select(func.max(Meeting.held_on)).where(Meeting.held_on < DEMO_TODAY))
    decisions = demo.execute(select(Decision.decided_on, Referral.reference).join(Decision.referral)).all()
    section = _section(text, "Decisions since the last meeting", "Actions overdue, by agency")
    assert f"since the last meeting on {last:%d/%m/%Y}" in section
    since = [(day, ref) for day, ref in decisions if last < day <= DEMO_TODAY]
    assert since, "the demo office has a decision since its last meeting"
    for day, ref in decisions:
        shown = f"{day:%d/%m/%Y} {ref}" in section
        assert shown == ((day, ref) in since), (day, ref)


def test_overdue_actions_by_agency_match_the_database(demo, briefing):
    _, pages, _ = briefing
    text = " ".join(pages)
    section = _section(text, "Actions overdue, by agency", "Clocks due before the next meeting")
    overdue = demo.execute(
        select(Agency.name, func.count()).join(Action.lead_agency).join(ListItem, ListItem.id == Action.status_id)
        .where(ListItem.is_open.is_(True), Action.target_on < DEMO_TODAY, Action.archived_at.is_(None))
        .group_by(Agency.name)).all()
    assert overdue, "the demo office has overdue actions"
    for agency, n in overdue:
        assert f"{agency}: {n} action{'s' if n != 1 else ''} overdue" in section


def test_clocks_due_before_the_next_meeting(demo, briefing):
    _, pages, _ = briefing
    text = " ".join(pages)
    section = _section(text, "Clocks due before the next meeting", None)
    next_meeting = demo.scalar(select(func.min(Meeting.held_on)).where(Meeting.held_on > DEMO_TODAY))
    due = clocks_due(demo, DEMO_TODAY, working_days_between(DEMO_TODAY, next_meeting))
    assert due
    for clock in due:
        assert f"{clock.record_kind.capitalize()} {clock.reference} {clock.started_on:%d/%m/%Y} " \
               f"{clock.due_on:%d/%m/%Y}" in section


def test_every_page_is_marked_and_numbered(briefing):
    result, pages, _ = briefing
    assert result.pages == len(pages)
    for n, page in enumerate(pages, 1):
        assert page.startswith("OFFICIAL-SENSITIVE")
        assert page.count("OFFICIAL-SENSITIVE") == 2
        assert f"Page {n} of {len(pages)}" in page


def test_briefing_is_quick(briefing):
    assert briefing[2] < 2.0, "target 0.5 s; the margin allows for a busy test machine"

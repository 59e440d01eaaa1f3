"""The annual report tables: the outcome count rule, the seed 004 figures, empty periods."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from app import lookups
from app.errors import UserError
from app.reports.annual import OutcomeCount, build_annual, outcome_chart, outcome_counts
from db.models import Decision, LearningEvent, ListKind, Referral
from tests.app.reports.conftest import GENERATED, pdf_pages, pdf_text

pytestmark = pytest.mark.both_engines

D = dt.date
START, END = D(2024, 4, 1), D(2025, 3, 31)


@pytest.fixture
def decisions_db(database):
    """Referrals whose decisions change inside, before and after the period."""
    with database.sessions.begin() as s:
        outcome = {code: lookups.list_item(s, ListKind.DECISION_OUTCOME, code)
                   for code in ("nfa", "scr", "case_mapping", "deferred_pm", "thematic")}

        def referral(ref, *decisions):
            r = Referral(reference=ref, summary=f"Summary of {ref}")
            r.decisions = [Decision(decided_on=day, outcome=outcome[code]) for day, code in decisions]
            s.add(r)

        # Changed during the period: counted once, under the later decision.
        referral("R-DURING", (D(2024, 5, 1), "deferred_pm"), (D(2025, 1, 10), "scr"))
        # Changed after the period: the decision within the period stands.
        referral("R-AFTER", (D(2024, 9, 1), "case_mapping"), (D(2025, 5, 1), "scr"))
        # Decided before the period and again in it: only the one in it counts.
        referral("R-BEFORE", (D(2023, 6, 1), "scr"), (D(2024, 4, 1), "nfa"))
        # Decided only outside the period: not considered in it.
        referral("R-OUTSIDE", (D(2023, 1, 1), "thematic"), (D(2025, 4, 1), "thematic"))
        # Two decisions on the same day: the later record wins.
        referral("R-SAMEDAY", (D(2025, 3, 31), "nfa"), (D(2025, 3, 31), "case_mapping"))
    return database


def test_each_referral_counted_once_by_its_latest_decision_in_the_period(decisions_db):
    with decisions_db.sessions() as s:
        counts = {c.outcome: c.referrals for c in outcome_counts(s, START, END)}
    assert counts["Serious Case Review"] == 1  # R-DURING
    assert counts["Case Mapping Exercise"] == 2  # R-AFTER, R-SAMEDAY
    assert counts["No further action"] == 1  # R-BEFORE
    assert counts["Thematic Learning Review"] == 0
    assert counts["Deferred pending post-mortem"] == 0
    assert sum(counts.values()) == 4


def test_the_printed_outcome_table_matches(decisions_db, tmp_path):
    with decisions_db.sessions() as s:
        result = build_annual(s, tmp_path / "annual.pdf", start=START, end=END, generated=GENERATED)
        expected = outcome_counts(s, START, END)
    first = pdf_pages(result.path)[0]
    assert "The sub group considered 4 referrals between 01/04/2024 and 31/03/2025" in first
    for count in expected:
        assert re.search(rf"{re.escape(count.outcome)} {count.referrals}\b", first), count
    assert "Referrals considered 4" in first


def test_seed_004_figures_from_the_demo_office(demo, tmp_path):
    result = build_annual(demo, tmp_path / "2016-17.pdf", start=D(2016, 4, 1), end=D(2017, 3, 31),
                          generated=GENERATED)
    text = pdf_text(result.path)
    # Seed 004: 10 referrals; 0 NFA, 2 single agency, 5 case mapping, 1 thematic, 2 SCR.
    assert "The sub group considered 10 referrals" in text
    for outcome, n in (("No further action", 0), ("Single Agency Review", 2), ("Case Mapping Exercise", 5),
                       ("Thematic Learning Review", 1), ("Serious Case Review", 2)):
        assert f"{outcome} {n}" in text
    for ref in ("Ref053", "Ref021", "Ref023", "Ref035"):
        assert ref in text
    events = demo.execute(select(LearningEvent.title).where(
        LearningEvent.held_on.between(D(2016, 4, 1), D(2017, 3, 31)), LearningEvent.archived_at.is_(None))).scalars().all()
    assert events and all(title in text for title in events)
    assert "Timeliness against target" in text and "Legal proceedings" in text


def test_a_period_with_nothing_in_it_is_refused(decisions_db, tmp_path):
    with decisions_db.sessions() as s, pytest.raises(UserError, match="Nothing is recorded"):
        build_annual(s, tmp_path / "x.pdf", start=D(2010, 1, 1), end=D(2010, 12, 31))
    with decisions_db.sessions() as s, pytest.raises(UserError, match="ends before it starts"):
        build_annual(s, tmp_path / "x.pdf", start=END, end=START)
    assert not (tmp_path / "x.pdf").exists()


def test_the_chart_s_longest_outcome_name_stays_inside_the_chart():
    """The chart sits beside the outcome table: a long outcome's name must not run left into it."""
    counts = [OutcomeCount("Deferred pending finding of fact in care proceedings", 0), OutcomeCount("Rapid Review", 2)]
    chart = outcome_chart(counts, 460)
    left, _bottom, right, _top = chart.contents[0].getBounds()
    assert 0 <= left and right <= chart.width

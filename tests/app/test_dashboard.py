"""The chair's dashboard figures match the database, counted here another way (ORM rows)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from sqlalchemy import select

from app import lookups
from app.clocks import clocks_due, review_clock, review_target
from app.dates import add_working_days
from app.dashboard import (
    NO_AGENCY,
    NO_RAG,
    RAG_BUCKETS,
    FinancialYear,
    dashboard_figures,
    end_of_week,
)
from app.database import open_database
from app.queries.action_plan import PlanFilter, read_action_plan
from app.demo import write_demo
from db.models import Action, Decision, ListKind, Referral, Review

pytestmark = pytest.mark.both_engines

D = dt.date
AS_AT = D(2025, 6, 4)  # a Wednesday; financial year 2025/26


# --- a small office built by hand -------------------------------------------------------

def build_small_office(s) -> dict[str, int]:
    """Records whose figures are worked out by hand in the tests; returns their ids by name."""
    def item(kind, name):
        return lookups.list_item(s, kind, name)

    police, csc = lookups.agency(s, "Police"), lookups.agency(s, "Children's Services")
    in_progress, not_started = item(ListKind.ACTION_STATUS, "In progress"), item(ListKind.ACTION_STATUS, "Not started")
    complete = item(ListKind.ACTION_STATUS, "Complete")
    actions = {
        # target the day before AS_AT: overdue by exactly 1 day at AS_AT, not at the day before
        "one_day": Action(reference="A1", description="Brief\nfront-line officers", lead_agency=police,
                          lead_officer="Inspector", status=in_progress, rag="Red",
                          target_on=D(2025, 6, 3)),
        "oldest": Action(reference="A2", description="Revise the neglect toolkit", lead_agency=csc,
                         lead_officer="Head of Service", status=not_started, rag="Amber",
                         target_on=D(2025, 1, 10)),
        "done": Action(reference="A3", description="Publish the briefing", lead_agency=police,
                       status=complete, rag="Blue", target_on=D(2024, 1, 1),
                       completed_on=D(2023, 12, 1)),
        "no_rag": Action(reference="A4", description="Agree a protocol", status=in_progress,
                         target_text="Ongoing"),
        "future": Action(reference="A5", description="Audit supervision", lead_agency=csc,
                         status=in_progress, rag="Green", target_on=D(2025, 9, 30)),
        "archived": Action(reference="A6", description="Withdrawn", lead_agency=police,
                           status=in_progress, rag="Red", target_on=D(2024, 2, 1),
                           archived_at=dt.datetime(2024, 3, 1)),
    }
    scr, lcspr = item(ListKind.REVIEW_TYPE, "Serious Case Review"), item(ListKind.REVIEW_TYPE, "lcspr")
    thematic = item(ListKind.REVIEW_TYPE, "Thematic Learning Review")
    underway, initiated = item(ListKind.REVIEW_STATUS, "Underway"), item(ListKind.REVIEW_STATUS, "Initiated")
    published = item(ListKind.REVIEW_STATUS, "Published")
    reviews = {
        # SCR clock: six months from initiation, target 01/04/2025, not completed: past target
        "scr_late": Review(reference="SCR-1", title="Child A", review_type=scr, status=underway,
                           initiated_on=D(2024, 10, 1)),
        # completed before its target, awaiting publication: not past target
        "scr_met": Review(reference="SCR-2", title="Child B", review_type=scr, status=underway,
                          initiated_on=D(2024, 10, 1), completed_on=D(2025, 3, 1)),
        # finished late but published: closed reviews are not counted
        "scr_published": Review(reference="SCR-3", title="Child C", review_type=scr, status=published,
                                initiated_on=D(2024, 1, 1), completed_on=D(2024, 9, 1),
                                published_on=D(2024, 10, 1)),
        # no clock for thematic reviews; an agreed target passed
        "thematic_late": Review(reference="TH-1", title="Infants", review_type=thematic,
                                status=initiated, target_override_on=D(2025, 5, 1)),
        "thematic_none": Review(reference="TH-2", title="Teenagers", review_type=thematic,
                                status=initiated),
        # LCSPR: published six months after the decision, 01/07/2025: past target only after
        "lcspr": Review(reference="LCSPR-1", title="Child D", review_type=lcspr, status=underway,
                        decision_on=D(2025, 1, 1)),
    }

    def referral(reference, *decisions, **fields):
        r = Referral(reference=reference, **fields)
        r.decisions = [Decision(decided_on=on, outcome=item(ListKind.DECISION_OUTCOME, outcome))
                       for on, outcome in decisions]
        return r

    referrals = {
        # decided twice this year: counted once, by the latest (LCSPR)
        "changed": referral("R1", (D(2025, 4, 10), "Rapid Review"),
                            (D(2025, 5, 20), "Local Child Safeguarding Practice Review")),
        # decided last year and again this year: this year's decision counts
        "across_years": referral("R2", (D(2025, 3, 20), "No further action"),
                                 (D(2025, 4, 15), "Single Agency Review")),
        # decided only last year: not counted
        "last_year": referral("R3", (D(2025, 3, 1), "No further action")),
        # decided after AS_AT: not counted as at AS_AT
        "later": referral("R4", (D(2025, 6, 10), "No further action")),
        # just reported: the 5-working-day notification clock runs out in 3 working days
        "new": referral("R5", date_aware=add_working_days(AS_AT, -2)),
    }
    s.add_all([*actions.values(), *reviews.values(), *referrals.values()])
    s.flush()
    ids = {name: a.id for name, a in actions.items()}
    ids.update({name: r.id for name, r in reviews.items()})
    ids.update({f"referral_{name}": r.id for name, r in referrals.items()})
    return ids


@pytest.fixture
def small(session):
    return session, build_small_office(session)


def test_overdue_by_exactly_one_day_at_the_date_and_not_the_day_before(small):
    s, ids = small
    figures = dashboard_figures(s, AS_AT)
    assert [(a.id, a.days_overdue) for a in figures.overdue_actions] == [
        (ids["oldest"], (AS_AT - D(2025, 1, 10)).days), (ids["one_day"], 1)]
    assert figures.overdue_total == figures.headlines.overdue_actions == 2
    line = figures.overdue_actions[1]
    assert (line.reference, line.description, line.agency, line.lead_officer, line.target_on) == (
        "A1", "Brief\nfront-line officers", "Police", "Inspector", D(2025, 6, 3))

    day_before = dashboard_figures(s, AS_AT - dt.timedelta(days=1))
    assert [a.id for a in day_before.overdue_actions] == [ids["oldest"]]
    assert day_before.headlines.overdue_actions == 1


def test_open_actions_by_agency_and_rag_with_totals(small):
    s, _ids = small
    figures = dashboard_figures(s, AS_AT)
    table = {row.agency: dict(zip(RAG_BUCKETS, row.counts)) for row in figures.open_actions_by_agency}
    zero = dict.fromkeys(RAG_BUCKETS, 0)
    assert table == {
        "Children's Services": {**zero, "Amber": 1, "Green": 1},
        "Police": {**zero, "Red": 1},  # the complete and the archived action are left out
        NO_AGENCY: {**zero, NO_RAG: 1},
    }
    assert list(table)[-1] == NO_AGENCY  # after the named agencies
    assert figures.open_actions_total == figures.headlines.open_actions == 4
    assert dict(zip(RAG_BUCKETS, figures.rag_totals)) == {**zero, "Red": 1, "Amber": 1, "Green": 1, NO_RAG: 1}


def test_reviews_by_status_and_past_target(small):
    s, ids = small
    figures = dashboard_figures(s, AS_AT)
    by_status = {row.status: (row.count, row.past_target) for row in figures.reviews_by_status}
    assert by_status == {
        "Agreed": (0, 0), "Initiated": (2, 1), "Underway": (3, 1),
        "On hold (parallel proceedings)": (0, 0), "Completed": (0, 0), "Published": (1, 0),
        "Closed": (0, 0),
    }
    assert figures.reviews_past_target == figures.headlines.reviews_past_target == 2
    assert figures.headlines.reviews_underway == 5

    # On its target day (01/07/2025) the LCSPR is not yet past it; the day after it is.
    on_the_day = dashboard_figures(s, D(2025, 7, 1))
    assert {r.status: r.past_target for r in on_the_day.reviews_by_status}["Underway"] == 1
    later = dashboard_figures(s, D(2025, 7, 2))
    assert {r.status: r.past_target for r in later.reviews_by_status}["Underway"] == 2
    assert later.headlines.reviews_past_target == 3
    assert review_target(s, s.get(Review, ids["lcspr"])) == D(2025, 7, 1)


def test_referral_whose_decision_changed_in_the_year_is_counted_once_by_its_latest(small):
    s, _ids = small
    figures = dashboard_figures(s, AS_AT)
    assert figures.referral_year == FinancialYear(D(2025, 4, 1), D(2026, 3, 31), AS_AT)
    assert {o.outcome: o.count for o in figures.referrals_by_outcome} == {
        "Single Agency Review": 1, "Local Child Safeguarding Practice Review": 1}
    assert figures.referrals_decided == 2
    assert figures.referrals_heading == ("Referrals by outcome, 2025/26 to 04/06/2025 "
                                         "(each referral once, by its latest decision)")

    end_of_june = dashboard_figures(s, D(2025, 6, 30))
    assert {o.outcome: o.count for o in end_of_june.referrals_by_outcome}["No further action"] == 1

    last_year = dashboard_figures(s, D(2025, 3, 31))
    assert last_year.referral_year.label == "2024/25"
    assert {o.outcome: o.count for o in last_year.referrals_by_outcome} == {"No further action": 2}


def test_clocks_due_come_from_the_clocks_module_and_open_their_case(small):
    s, ids = small
    figures = dashboard_figures(s, AS_AT)
    expected = clocks_due(s, AS_AT, 10)
    assert [(c.clock_name, c.reference, c.due_on, c.state) for c in figures.clocks_due] == [
        (c.clock_name, c.reference, c.due_on, c.state) for c in expected]
    notification = [c for c in figures.clocks_due if c.reference == "R5"]
    assert [(c.state, c.working_days_left, c.open_kind, c.open_id) for c in notification] == [
        ("due", 3, "referrals", ids["referral_new"])]
    for line, status in zip(figures.clocks_due, expected):
        if status.record_kind == "decision":
            assert (line.open_kind, line.open_id) == ("referrals", s.get(Decision, status.record_id).referral_id)
        else:
            assert (line.open_kind, line.open_id) == (status.record_kind + "s", status.record_id)
    week_end = end_of_week(AS_AT)
    assert week_end == D(2025, 6, 8)
    assert figures.headlines.clocks_due_this_week == sum(
        c.state == "due" and c.due_on <= week_end for c in expected)
    assert figures.headlines.clocks_overdue == sum(c.state == "overdue" for c in expected)


def test_financial_year_runs_april_to_march():
    assert FinancialYear.containing(D(2025, 3, 31)).label == "2024/25"
    assert FinancialYear.containing(D(2025, 4, 1)) == FinancialYear(D(2025, 4, 1), D(2026, 3, 31), D(2025, 4, 1))
    assert FinancialYear.containing(D(2026, 1, 15)).start == D(2025, 4, 1)


# --- the demo office --------------------------------------------------------------------

DEMO_TODAY = D(2025, 6, 4)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dashboard_demo")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CRT_DATA_DIR", str(folder / "data"))
        database = open_database(folder / "demo.sqlite")
        with database.sessions.begin() as s:
            summary = write_demo(s, DEMO_TODAY)
        yield database, summary
    database.close()


def _live_actions(s):
    return [a for a in s.scalars(select(Action)) if a.archived_at is None]


def test_demo_office_actions_match_the_database(demo):
    """The demo runs up to DEMO_TODAY, so on that day every action is as recorded."""
    database, summary = demo
    as_at = DEMO_TODAY
    with database.readers() as s:
        figures = dashboard_figures(s, as_at)
        open_actions = [a for a in _live_actions(s) if a.status.is_open]
        overdue = sorted((a for a in open_actions if a.target_on and a.target_on < as_at),
                         key=lambda a: (a.target_on, a.id))
        cells = Counter((a.lead_agency.name if a.lead_agency else NO_AGENCY, a.rag or NO_RAG)
                        for a in open_actions)
    assert figures.headlines.open_actions == len(open_actions) > 0
    assert figures.overdue_total == len(overdue) == summary.actions_overdue
    assert figures.headlines.open_actions == summary.actions_open
    assert [(a.id, a.days_overdue) for a in figures.overdue_actions] == [
        (a.id, (as_at - a.target_on).days) for a in overdue]
    assert {(row.agency, rag): n for row in figures.open_actions_by_agency
            for rag, n in zip(RAG_BUCKETS, row.counts) if n} == dict(cells)


def test_an_earlier_date_counts_the_actions_as_they_stood_then(demo):
    database, _summary = demo
    as_at = D(2015, 6, 30)  # the seed reviews' plans were being worked through
    with database.readers() as s:
        figures = dashboard_figures(s, as_at)
        then = read_action_plan(s, as_at, PlanFilter(open_only=True)).rows
        now = {a.id: (a.status.is_open, a.completed_on) for a in _live_actions(s)}
    # Open then: still open now, or completed/closed after that date; none added later.
    assert then and all(now[r.id][0] or now[r.id][1] > as_at for r in then)
    assert any(not now[r.id][0] for r in then), "the demo closed some of them since"
    assert figures.headlines.open_actions == len(then)
    overdue = sorted((r for r in then if r.target_on and r.target_on < as_at), key=lambda r: (r.target_on, r.id))
    assert figures.overdue_total == len(overdue)
    assert [(a.id, a.days_overdue) for a in figures.overdue_actions] == [
        (r.id, (as_at - r.target_on).days) for r in overdue]
    cells = Counter((r.lead_agency or NO_AGENCY, r.rag or NO_RAG) for r in then)
    assert {(row.agency, rag): n for row in figures.open_actions_by_agency
            for rag, n in zip(RAG_BUCKETS, row.counts) if n} == dict(cells)


def test_demo_office_reviews_and_referrals_match_the_database(demo):
    database, _summary = demo
    with database.readers() as s:
        figures = dashboard_figures(s, DEMO_TODAY)
        reviews = [r for r in s.scalars(select(Review)) if r.archived_at is None]
        counts = Counter(r.status.name for r in reviews)
        past = Counter()
        for review in reviews:
            if not review.status.is_open:
                continue
            clock = review_clock(s, review, DEMO_TODAY)
            target = review_target(s, review)
            done = clock.done_on if clock else (review.completed_on or review.published_on)
            if target and target < DEMO_TODAY and not (done and done <= target):
                past[review.status.name] += 1
        year = FinancialYear.containing(DEMO_TODAY)
        outcomes = Counter()
        for referral in s.scalars(select(Referral)):
            decided = [d for d in referral.decisions
                       if d.archived_at is None and year.start <= d.decided_on <= DEMO_TODAY]
            if referral.archived_at is None and decided:
                outcomes[max(decided, key=lambda d: (d.decided_on, d.id)).outcome.name] += 1
        expected_clocks = clocks_due(s, DEMO_TODAY, 10)
    assert {r.status: r.count for r in figures.reviews_by_status if r.count} == dict(counts)
    assert {r.status: r.past_target for r in figures.reviews_by_status if r.past_target} == dict(past)
    assert figures.headlines.reviews_past_target == sum(past.values()) > 0
    assert figures.headlines.reviews_underway == sum(n for r in reviews for n in [1] if r.status.is_open)
    assert {o.outcome: o.count for o in figures.referrals_by_outcome} == dict(outcomes)
    assert sum(outcomes.values()) > 0
    assert len(figures.clocks_due) == len(expected_clocks) > 0

"""Clocks started from the date the tracker holds, paused and extended with a reason, as at a
date: each checked against a worked example with England and Wales bank holidays.

Bank holidays used below: Good Friday 14 April and Easter Monday 17 April 2017, May Day
1 May 2017; Christmas 2021 fell on a Saturday, so Monday 27 and Tuesday 28 December 2021 were
substitute days, and New Year's Day 2022 (a Saturday) was observed on Monday 3 January.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.clocks import clocks_due, live_clocks, record_clock, referral_clocks, referral_deadlines, review_clock
from app.errors import UserError, ValidationError
from app.lookups import clock, list_item
from app.services import clock_adjustments as adjust
from db.models import ClockRule, Decision, ListKind, Referral, Review

pytestmark = pytest.mark.both_engines

D = dt.date


@pytest.fixture
def session(database):
    with database.sessions() as s:
        for rule in s.scalars(select(ClockRule)):  # these cases date from 2017 and 2021
            rule.applies_from = rule.applies_until = None
        yield s
        s.rollback()


def referral(s, reference, **dates) -> Referral:
    record = Referral(reference=reference, **dates)
    s.add(record)
    s.flush()
    return record


def scr(s, reference, **dates) -> Review:
    record = Review(reference=reference, title=f"Child {reference}",
                    review_type=list_item(s, ListKind.REVIEW_TYPE, "scr"), **dates)
    s.add(record)
    s.flush()
    return record


def clock_of(s, record, code, as_at):
    statuses = referral_clocks(s, record, as_at) if isinstance(record, Referral) else [review_clock(s, record, as_at)]
    return next(status for status in statuses if status.clock_code == code)


# --- where a clock starts -------------------------------------------------------------------

def test_without_partners_aware_the_notification_clock_runs_from_the_referral_date_over_easter(session):
    # Referred Thu 13 April 2017, partners' awareness not recorded: five working days skip Good
    # Friday and Easter Monday, so the notification is due Mon 24 April, and the window can say
    # it was counted from the referral date.
    case = referral(session, "Ref101", date_referred=D(2017, 4, 13))
    status = clock_of(session, case, "notification", D(2017, 4, 18))
    assert (status.started_on, status.due_on, status.started_by) == (
        D(2017, 4, 13), D(2017, 4, 24), "referral.date_referred")
    assert (status.state, status.working_days_left, status.when) == ("due", 4, "in 4 working days")
    # Once the day the partners learnt of it is recorded, that starts the clock instead.
    case.date_aware = D(2017, 4, 11)
    status = clock_of(session, case, "notification", D(2017, 4, 18))
    assert (status.started_on, status.due_on, status.started_by) == (D(2017, 4, 11), D(2017, 4, 20), None)


def test_a_referral_with_no_dates_has_clocks_not_started(session):
    case = referral(session, "Ref102")
    assert {s.clock_code: s.state for s in referral_clocks(session, case, D(2017, 5, 1))} == {
        "notification": "not started", "rapid_review": "not started"}


def test_an_scr_not_yet_initiated_runs_from_the_decision_to_hold_it(session):
    review = scr(session, "SCR-9", decision_on=D(2016, 8, 31))
    status = review_clock(session, review, D(2016, 9, 1))
    assert (status.started_on, status.due_on, status.started_by) == (D(2016, 8, 31), D(2017, 2, 28), "review.decision_on")


def test_notification_over_christmas_2021(session):
    # Aware Fri 24 Dec 2021: Mon 27 and Tue 28 (substitute days) and Mon 3 Jan (New Year's Day
    # observed) are not working days, so the five are 29, 30, 31 Dec, 4 and 5 Jan.
    case = referral(session, "Ref103", date_aware=D(2021, 12, 24))
    status = clock_of(session, case, "notification", D(2021, 12, 24))
    assert (status.due_on, status.working_days_left) == (D(2022, 1, 5), 5)
    late = clock_of(session, case, "notification", D(2022, 1, 7))
    assert (late.state, late.working_days_over, late.when) == ("overdue", 2, "2 days overdue")


# --- paused and extended --------------------------------------------------------------------

def test_a_rapid_review_paused_over_may_day_moves_on_by_the_working_days_paused(session):
    # Aware Thu 13 April 2017: fifteen working days (over Easter and May Day) end Tue 9 May.
    case = referral(session, "Ref110", date_aware=D(2017, 4, 13))
    rule = clock(session, "rapid_review")
    assert clock_of(session, case, "rapid_review", D(2017, 4, 20)).due_on == D(2017, 5, 9)
    # Paused from Mon 24 April, resumed Tue 2 May: 24-28 April are five working days (1 May is a
    # bank holiday), so it is due five working days later, Tue 16 May.
    adjust.pause_clock(session, rule.id, "referral", case.id, from_on=D(2017, 4, 24),
                       reason="Awaiting the post-mortem report")
    paused = clock_of(session, case, "rapid_review", D(2017, 4, 26))
    assert (paused.state, paused.paused_since, paused.days_left, paused.when) == (
        "paused", D(2017, 4, 24), None, "paused since 24/04/2017")
    assert clock_of(session, case, "rapid_review", D(2017, 4, 21)).state == "due"  # before the pause
    adjust.resume_clock(session, rule.id, "referral", case.id, on=D(2017, 5, 2))
    resumed = clock_of(session, case, "rapid_review", D(2017, 5, 3))
    assert (resumed.state, resumed.due_on, resumed.working_days_left) == ("due", D(2017, 5, 16), 9)
    assert [a.describe() for a in resumed.adjustments] == [
        "Paused 24/04/2017 to 02/05/2017: Awaiting the post-mortem report"]
    # As at a day while it was paused, it was paused (the resumption had not happened then).
    assert clock_of(session, case, "rapid_review", D(2017, 4, 28)).state == "paused"
    overdue = clock_of(session, case, "rapid_review", D(2017, 5, 17))
    assert (overdue.state, overdue.days_over) == ("overdue", 1)


def test_an_scr_extended_for_criminal_proceedings_is_judged_by_the_new_date_from_the_day_agreed(session):
    # Initiated 5 Feb 2017: due 5 Aug. On 1 July the sub group agrees 31 October instead.
    review = scr(session, "SCR-10", initiated_on=D(2017, 2, 5))
    rule = clock(session, "scr_complete")
    adjust.extend_clock(session, rule.id, "review", review.id, to_on=D(2017, 10, 31),
                        reason="Parallel criminal proceedings", agreed_on=D(2017, 7, 1))
    assert review_clock(session, review, D(2017, 6, 30)).due_on == D(2017, 8, 5)  # not yet agreed
    extended = review_clock(session, review, D(2017, 8, 7))
    assert (extended.due_on, extended.state, extended.days_left) == (D(2017, 10, 31), "due", 85)
    assert review_clock(session, review, D(2017, 11, 1)).days_over == 1
    review.completed_on = D(2017, 10, 20)
    assert review_clock(session, review, D(2018, 1, 1)).state == "met"


def test_a_months_clock_paused_moves_on_by_the_calendar_days_paused(session):
    review = scr(session, "SCR-11", initiated_on=D(2017, 2, 5))  # due 5 Aug 2017
    rule = clock(session, "scr_complete")
    adjust.pause_clock(session, rule.id, "review", review.id, from_on=D(2017, 3, 1), until=D(2017, 4, 1),
                       reason="Family asked for time")
    assert review_clock(session, review, D(2017, 4, 2)).due_on == D(2017, 9, 5)  # 31 days on


def test_a_pause_still_running_when_the_clock_stopped_counts_up_to_that_day(session):
    case = referral(session, "Ref111", date_aware=D(2017, 4, 13))
    rule = clock(session, "rapid_review")
    adjust.pause_clock(session, rule.id, "referral", case.id, from_on=D(2017, 5, 2), reason="Coroner")
    case.rapid_review_sent_on = D(2017, 5, 19)  # sent while paused: on time
    assert clock_of(session, case, "rapid_review", D(2017, 6, 1)).state == "met"


def test_pauses_and_extensions_are_refused_in_words(session):
    case = referral(session, "Ref112", date_aware=D(2017, 4, 13))
    rule = clock(session, "rapid_review")
    with pytest.raises(ValidationError) as err:
        adjust.pause_clock(session, rule.id, "referral", case.id, from_on=D(2017, 4, 20), reason=" ")
    assert err.value.problems == {"reason": "is required"}
    with pytest.raises(ValidationError) as err:
        adjust.pause_clock(session, rule.id, "referral", case.id, from_on=D(2017, 4, 10), reason="x")
    assert "before the clock started (13/04/2017)" in err.value.problems["from_on"]
    with pytest.raises(ValidationError) as err:  # fell due 9 May
        adjust.pause_clock(session, rule.id, "referral", case.id, from_on=D(2017, 5, 12), reason="x")
    assert "extend it to a new date instead" in err.value.problems["from_on"]
    adjust.pause_clock(session, rule.id, "referral", case.id, from_on=D(2017, 4, 20), until=D(2017, 4, 25),
                       reason="Waiting for the hospital's chronology")
    with pytest.raises(ValidationError) as err:  # overlaps the first
        adjust.pause_clock(session, rule.id, "referral", case.id, from_on=D(2017, 4, 18), until=D(2017, 4, 21),
                           reason="x")
    assert "paused for some of that time already" in err.value.problems["from_on"]
    with pytest.raises(UserError, match="not paused"):
        adjust.resume_clock(session, rule.id, "referral", case.id, on=D(2017, 5, 1))
    with pytest.raises(ValidationError) as err:
        adjust.extend_clock(session, rule.id, "referral", case.id, to_on=D(2017, 4, 1), reason="x")
    assert "after the clock started" in err.value.problems["to_on"]
    nothing = referral(session, "Ref113")
    with pytest.raises(UserError, match="has not started"):
        adjust.extend_clock(session, rule.id, "referral", nothing.id, to_on=D(2017, 6, 1), reason="x")
    with pytest.raises(UserError, match="does not run on this review"):
        adjust.extend_clock(session, rule.id, "review", scr(session, "SCR-12").id, to_on=D(2017, 6, 1), reason="x")


def test_a_withdrawn_adjustment_no_longer_counts_but_is_kept(session):
    review = scr(session, "SCR-13", initiated_on=D(2017, 2, 5))
    rule = clock(session, "scr_complete")
    extension = adjust.extend_clock(session, rule.id, "review", review.id, to_on=D(2017, 12, 1),
                                    reason="Trial", agreed_on=D(2017, 3, 1))
    assert review_clock(session, review, D(2017, 4, 1)).due_on == D(2017, 12, 1)
    adjust.withdraw_adjustment(session, extension.id)
    assert review_clock(session, review, D(2017, 4, 1)).due_on == D(2017, 8, 5)
    assert extension.archived_at is not None  # kept in the history
    adjust.reinstate_adjustment(session, extension.id)
    assert record_clock(session, rule.id, "review", review.id, D(2017, 4, 1)).due_on == D(2017, 12, 1)


# --- the clocks of every case -----------------------------------------------------------------

def test_live_clocks_soonest_first_paused_last_and_clocks_due_leaves_paused_out(session):
    as_at = D(2017, 7, 3)
    late = referral(session, "R1", date_aware=D(2017, 6, 1), notification_sent_on=D(2017, 6, 2))  # RR due 22 Jun
    soon = referral(session, "R2", date_aware=D(2017, 6, 26), notification_sent_on=D(2017, 6, 27))  # RR due 17 Jul
    paused = referral(session, "R3", date_aware=D(2017, 6, 20), notification_sent_on=D(2017, 6, 21))
    adjust.pause_clock(session, clock(session, "rapid_review").id, "referral", paused.id,
                       from_on=D(2017, 6, 30), reason="Criminal investigation")
    referral(session, "R4", date_aware=D(2017, 6, 1), notification_sent_on=D(2017, 6, 2),
             rapid_review_sent_on=D(2017, 6, 20))  # both met: not live
    scr(session, "SCR-20", initiated_on=D(2017, 1, 10))  # due 10 Jul
    listed = [(s.reference, s.clock_code, s.state) for s in live_clocks(session, as_at)]
    assert listed == [("R1", "rapid_review", "overdue"), ("SCR-20", "scr_complete", "due"),
                      ("R2", "rapid_review", "due"), ("R3", "rapid_review", "paused")]
    assert [s.reference for s in clocks_due(session, as_at)] == ["R1", "SCR-20", "R2"]
    nearest = referral_deadlines(session, as_at)  # by referral: reviews have their own column
    assert {ref: (s.clock_code, s.state, s.due_on) for ref, s in nearest.items()} == {
        late.id: ("rapid_review", "overdue", D(2017, 6, 22)), soon.id: ("rapid_review", "due", D(2017, 7, 17)),
        paused.id: ("rapid_review", "paused", D(2017, 7, 11))}


def test_an_extension_to_an_earlier_date_is_listed_when_due(session):
    review = scr(session, "SCR-21", initiated_on=D(2017, 2, 5))  # due 5 Aug, outside ten working days
    adjust.extend_clock(session, clock(session, "scr_complete").id, "review", review.id, to_on=D(2017, 7, 5),
                        reason="Chair asked for it sooner", agreed_on=D(2017, 6, 1))
    assert [(s.reference, s.due_on) for s in clocks_due(session, D(2017, 7, 3))] == [("SCR-21", D(2017, 7, 5))]


def test_a_decision_clock_is_read_for_its_referral(session):
    case = referral(session, "R5")
    session.add(Decision(referral=case, decided_on=D(2017, 5, 3),
                         outcome=list_item(session, ListKind.DECISION_OUTCOME, "nfa")))
    session.flush()
    nearest = referral_deadlines(session, D(2017, 5, 10))
    assert (nearest[case.id].clock_code, nearest[case.id].due_on) == ("panel_told_no_scr", D(2017, 5, 17))

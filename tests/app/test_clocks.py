"""Deadline logic checked against calendar facts worked out by hand.

Bank holidays used below (England and Wales): Good Friday 14 April and Easter Monday
17 April 2017; May Day 1 May 2017; Christmas 2021 fell on a Saturday, so Monday 27 and
Tuesday 28 December 2021 were substitute days, and New Year's Day 2022 (a Saturday) was
observed on Monday 3 January; Christmas 2022 fell on a Sunday, so Tuesday 27 December 2022
was the substitute day.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app import clocks
from app.clocks import clocks_due, referral_clocks, review_clock, review_target, validate_clock_rule
from app.dates import add_period, add_working_days, is_working_day, working_days_between
from app.errors import UserError
from app.lookups import clock, list_item
from app.settings import get_settings, save_settings
from db.models import ClockRule, Decision, ListKind, Referral, Review

pytestmark = pytest.mark.both_engines

D = dt.date


# --- working days and periods ----------------------------------------------------------

def test_easter_2017_five_working_days_skip_good_friday_and_easter_monday():
    # Thu 13 Apr, then Fri 14 and Mon 17 are bank holidays: Tue 18 is the 1st working day
    # after, Fri 21 the 4th and Mon 24 the 5th.
    assert not is_working_day(D(2017, 4, 14))
    assert not is_working_day(D(2017, 4, 17))
    assert add_working_days(D(2017, 4, 13), 1) == D(2017, 4, 18)
    assert add_working_days(D(2017, 4, 13), 4) == D(2017, 4, 21)
    assert add_working_days(D(2017, 4, 13), 5) == D(2017, 4, 24)


def test_christmas_substitute_days_are_not_working_days():
    assert not is_working_day(D(2021, 12, 27))  # substitute for Christmas Day
    assert not is_working_day(D(2021, 12, 28))  # substitute for Boxing Day
    assert is_working_day(D(2021, 12, 31))
    assert not is_working_day(D(2022, 1, 3))  # substitute for New Year's Day
    assert not is_working_day(D(2022, 12, 27))
    # Fri 24 Dec 2021: next working days Wed 29, Thu 30, Fri 31 Dec, Tue 4 and Wed 5 Jan.
    assert add_working_days(D(2021, 12, 24), 1) == D(2021, 12, 29)
    assert add_working_days(D(2021, 12, 24), 5) == D(2022, 1, 5)
    assert add_working_days(D(2022, 12, 23), 1) == D(2022, 12, 28)


def test_working_days_between_counts_after_a_up_to_b_and_goes_negative():
    assert working_days_between(D(2021, 12, 24), D(2022, 1, 5)) == 5
    assert working_days_between(D(2022, 1, 5), D(2021, 12, 24)) == -5
    assert working_days_between(D(2017, 4, 13), D(2017, 4, 13)) == 0
    # Saturday to Monday: only the Monday counts.
    assert working_days_between(D(2017, 6, 3), D(2017, 6, 5)) == 1
    # 2017 had 260 weekdays, eight of them bank holidays.
    assert working_days_between(D(2016, 12, 31), D(2017, 12, 31)) == 252


def test_add_working_days_backwards():
    assert add_working_days(D(2017, 4, 18), -1) == D(2017, 4, 13)


def test_month_end_arithmetic():
    assert add_period(D(2016, 8, 31), 6, "months") == D(2017, 2, 28)
    assert add_period(D(2019, 8, 31), 6, "months") == D(2020, 2, 29)  # leap year
    assert add_period(D(2017, 2, 5), 6, "months") == D(2017, 8, 5)
    assert add_period(D(2017, 2, 1), 14, "days") == D(2017, 2, 15)
    assert add_period(D(2017, 4, 13), 15, "working_days") == D(2017, 5, 9)  # over Easter and May Day


# --- clocks in a real database ---------------------------------------------------------

@pytest.fixture
def session(database):
    # Rolled back afterwards: tests may leave a clock half-edited (an invalid unit, say).
    with database.sessions() as s:
        # These cases date from 2017; hold them to every clock whatever guidance was in force
        # (the dates each clock applies between have tests of their own below).
        for rule in s.scalars(select(ClockRule)):
            rule.applies_from = rule.applies_until = None
        yield s
        s.rollback()


def add_referral(s, reference, **dates) -> Referral:
    referral = Referral(reference=reference, **dates)
    s.add(referral)
    s.flush()
    return referral


def add_decision(s, referral, decided_on, outcome_code) -> Decision:
    decision = Decision(referral=referral, decided_on=decided_on,
                        outcome=list_item(s, ListKind.DECISION_OUTCOME, outcome_code))
    s.add(decision)
    s.flush()
    return decision


def add_review(s, reference, type_code, referrals=(), **dates) -> Review:
    review = Review(reference=reference, title=f"Child {reference}",
                    review_type=list_item(s, ListKind.REVIEW_TYPE, type_code),
                    referrals=list(referrals), **dates)
    s.add(review)
    s.flush()
    return review


def by_code(statuses):
    return {status.clock_code: status for status in statuses}


def test_scr_initiated_5_feb_2017_is_due_5_aug_and_late_when_completed_after(session):
    review = add_review(session, "SCR1", "scr", initiated_on=D(2017, 2, 5))
    assert review_target(session, review) == D(2017, 8, 5)

    status = review_clock(session, review, D(2017, 7, 1))
    assert (status.clock_code, status.record_kind, status.reference) == ("scr_complete", "review", "SCR1")
    assert (status.started_on, status.due_on, status.state, status.days_left) == (
        D(2017, 2, 5), D(2017, 8, 5), "due", 35)

    overdue = review_clock(session, review, D(2017, 8, 7))
    assert (overdue.state, overdue.days_over, overdue.days_left) == ("overdue", 2, None)

    review.completed_on = D(2017, 10, 20)
    late = review_clock(session, review, D(2018, 1, 1))
    assert (late.state, late.done_on, late.days_over) == ("late", D(2017, 10, 20), 76)
    assert late.working_days_over is None  # a months clock


def test_review_override_replaces_the_clock(session):
    review = add_review(session, "SCR2", "scr", initiated_on=D(2017, 2, 5),
                        target_override_on=D(2017, 12, 1), completed_on=D(2017, 10, 20))
    assert review_target(session, review) == D(2017, 12, 1)
    status = review_clock(session, review, D(2018, 1, 1))
    assert (status.due_on, status.state) == (D(2017, 12, 1), "met")


def test_review_without_a_clock(session):
    thematic = add_review(session, "TH1", "thematic", initiated_on=D(2017, 2, 5))
    assert review_clock(session, thematic, D(2017, 3, 1)) is None
    assert review_target(session, thematic) is None
    thematic.target_override_on = D(2017, 9, 30)
    assert review_target(session, thematic) == D(2017, 9, 30)


def test_review_not_started(session):
    review = add_review(session, "SCR3", "scr")
    status = review_clock(session, review, D(2017, 3, 1))
    assert (status.state, status.due_on, status.days_left) == ("not started", None, None)
    assert review_target(session, review) is None


def test_rapid_review_target_is_read_from_its_referral(session):
    # The rapid review clock starts on the referral (date aware), not on the review.
    referral = add_referral(session, "Ref053", date_aware=D(2017, 4, 13))
    review = add_review(session, "RR1", "rapid", referrals=[referral])
    assert review_target(session, review) == D(2017, 5, 9)
    referral.rapid_review_sent_on = D(2017, 5, 10)
    status = review_clock(session, review, D(2017, 6, 1))
    assert (status.state, status.days_over, status.working_days_over) == ("late", 1, 1)


def test_an_office_closure_day_moves_a_working_day_clock(session):
    # Aware Thu 22 Dec 2022: the 5-working-day notification is due Tue 3 Jan 2023 (Boxing Day,
    # the Christmas substitute on the 27th and New Year's Day observed on the 2nd are bank
    # holidays). The council closing 28-30 Dec moves it to Fri 6 Jan.
    referral = add_referral(session, "Ref090", date_aware=D(2022, 12, 22))
    before = by_code(referral_clocks(session, referral, D(2022, 12, 22)))["notification"]
    assert (before.due_on, before.working_days_left) == (D(2023, 1, 3), 5)

    save_settings(session, closure_days="28/12/2022, 29/12/2022, 30.12.22")
    assert get_settings(session).closure_days == {D(2022, 12, 28), D(2022, 12, 29), D(2022, 12, 30)}
    after = by_code(referral_clocks(session, referral, D(2022, 12, 22)))["notification"]
    assert (after.due_on, after.working_days_left) == (D(2023, 1, 6), 5)
    due = [s for s in clocks_due(session, D(2023, 1, 4)) if s.reference == "Ref090"]
    assert [(s.clock_code, s.due_on, s.working_days_left) for s in due] == [("notification", D(2023, 1, 6), 2)]
    late = by_code(referral_clocks(session, referral, D(2023, 1, 10)))["notification"]
    assert (late.state, late.working_days_over) == ("overdue", 2)  # Mon 9 and Tue 10


def test_referral_clocks_notification_and_rapid_review(session):
    referral = add_referral(session, "Ref053", date_aware=D(2017, 4, 13),
                            notification_sent_on=D(2017, 4, 20))
    statuses = by_code(referral_clocks(session, referral, D(2017, 5, 10)))
    assert set(statuses) == {"notification", "rapid_review"}

    notification = statuses["notification"]
    assert (notification.due_on, notification.state, notification.reference) == (
        D(2017, 4, 24), "met", "Ref053")
    rapid = statuses["rapid_review"]
    assert (rapid.due_on, rapid.state, rapid.days_over, rapid.working_days_over) == (
        D(2017, 5, 9), "overdue", 1, 1)

    as_at_easter = by_code(referral_clocks(session, referral, D(2017, 4, 18)))["rapid_review"]
    assert (as_at_easter.days_left, as_at_easter.working_days_left) == (21, 14)


def test_referral_clocks_not_started_without_date_aware(session):
    referral = add_referral(session, "Ref054")
    states = {s.clock_code: s.state for s in referral_clocks(session, referral, D(2017, 5, 1))}
    assert states == {"notification": "not started", "rapid_review": "not started"}


def test_panel_told_clock_for_a_decision_not_to_hold_an_scr(session):
    referral = add_referral(session, "Ref060", panel_told_of_decision_on=D(2017, 5, 10))
    add_decision(session, referral, D(2017, 4, 20), "deferred_pm")  # a deferral: no clock
    decision = add_decision(session, referral, D(2017, 5, 3), "single_agency")

    statuses = [s for s in referral_clocks(session, referral, D(2017, 6, 1)) if s.record_kind == "decision"]
    assert len(statuses) == 1
    told = statuses[0]
    assert (told.clock_code, told.record_id, told.reference) == ("panel_told_no_scr", decision.id, "Ref060")
    assert (told.started_on, told.due_on, told.done_on, told.state) == (
        D(2017, 5, 3), D(2017, 5, 17), D(2017, 5, 10), "met")


def test_panel_told_before_a_later_decision_does_not_stop_its_clock(session):
    referral = add_referral(session, "Ref061", panel_told_of_decision_on=D(2017, 3, 10))
    add_decision(session, referral, D(2017, 3, 1), "nfa")
    add_decision(session, referral, D(2017, 6, 1), "nfa")
    told = [s for s in referral_clocks(session, referral, D(2017, 6, 20)) if s.record_kind == "decision"]
    assert [(s.started_on, s.state) for s in told] == [
        (D(2017, 3, 1), "met"), (D(2017, 6, 1), "overdue")]
    assert told[1].days_over == 5  # due Thu 15 June


def test_no_panel_clock_once_a_later_decision_commissions_an_scr(session):
    # Seed 002, Child L: first judged not to meet the SCR criteria, later found to meet them.
    referral = add_referral(session, "ChildL")
    add_decision(session, referral, D(2013, 4, 10), "nfa")
    add_decision(session, referral, D(2013, 7, 10), "scr")
    assert [s for s in referral_clocks(session, referral, D(2013, 8, 1)) if s.record_kind == "decision"] == []


def test_editing_a_clock_changes_the_due_date(session):
    referral = add_referral(session, "Ref070", date_aware=D(2017, 4, 13), date_referred=D(2017, 4, 20))

    def notification_due():
        return by_code(referral_clocks(session, referral, D(2017, 4, 21)))["notification"].due_on

    assert notification_due() == D(2017, 4, 24)
    rule = clock(session, "notification")
    rule.length = 3
    assert notification_due() == D(2017, 4, 20)  # Tue 18, Wed 19, Thu 20
    rule.unit = "days"
    assert notification_due() == D(2017, 4, 16)
    rule.unit, rule.length, rule.start_event = "working_days", 5, "referral.date_referred"
    assert notification_due() == D(2017, 4, 27)  # Thu 20 April + 5 working days

    review = add_review(session, "SCR4", "scr", initiated_on=D(2017, 2, 5))
    clock(session, "scr_complete").length = 9
    assert review_target(session, review) == D(2017, 11, 5)


def test_attaching_a_clock_to_a_review_type_gives_its_reviews_a_target(session):
    review = add_review(session, "TH2", "thematic", initiated_on=D(2016, 8, 31))
    list_item(session, ListKind.REVIEW_TYPE, "thematic").clock = clock(session, "scr_complete")
    assert review_target(session, review) == D(2017, 2, 28)


def test_clocks_due_lists_overdue_first_then_by_due_date_within_ten_working_days(session):
    as_at = D(2017, 7, 3)  # Monday; ten working days on is Monday 17 July
    # Notification sent; rapid review due Thu 22 June, not sent: overdue.
    add_referral(session, "R1", date_aware=D(2017, 6, 1), notification_sent_on=D(2017, 6, 2))
    # Notification due today; no later than the rapid review, which was sent.
    r2 = add_referral(session, "R2", date_aware=D(2017, 6, 26), rapid_review_sent_on=D(2017, 6, 30))
    add_decision(session, r2, D(2017, 6, 25), "nfa")  # panel to be told by Sunday 9 July
    # Rapid review due on the last day of the window; the next one day after it.
    add_referral(session, "R3", date_aware=D(2017, 6, 26), notification_sent_on=D(2017, 6, 27))
    add_referral(session, "R3b", date_aware=D(2017, 6, 27), notification_sent_on=D(2017, 6, 28))
    # Aware only after the date asked about: its clocks had not started then.
    add_referral(session, "R4", date_aware=D(2017, 7, 11), rapid_review_sent_on=D(2017, 7, 12))
    # Archived: never listed however overdue.
    add_referral(session, "R5", date_aware=D(2017, 1, 2), archived_at=dt.datetime(2017, 3, 1))
    add_review(session, "SCR-old", "scr", initiated_on=D(2017, 1, 1))  # due 1 July: overdue
    add_review(session, "SCR-new", "scr", initiated_on=D(2017, 2, 5))  # due 5 August: too far
    add_review(session, "SCR-ext", "scr", initiated_on=D(2016, 6, 1), target_override_on=D(2017, 7, 10))
    add_review(session, "SCR-done", "scr", initiated_on=D(2016, 6, 1), completed_on=D(2017, 2, 1))
    # Published: the "kept online" minimum period is not a deadline to chase.
    add_review(session, "PUB", "thematic", published_on=D(2016, 7, 10))

    listed = [(s.reference, s.clock_code, s.state, s.due_on) for s in clocks_due(session, as_at)]
    assert listed == [
        ("R1", "rapid_review", "overdue", D(2017, 6, 22)),
        ("SCR-old", "scr_complete", "overdue", D(2017, 7, 1)),
        ("R2", "notification", "due", D(2017, 7, 3)),
        ("R2", "panel_told_no_scr", "due", D(2017, 7, 9)),
        ("SCR-ext", "scr_complete", "due", D(2017, 7, 10)),
        ("R3", "rapid_review", "due", D(2017, 7, 17)),
    ]
    today_only = [(s.reference, s.clock_code) for s in clocks_due(session, as_at, within_working_days=0)]
    assert today_only == [("R1", "rapid_review"), ("SCR-old", "scr_complete"), ("R2", "notification")]


def test_clocks_due_leaves_out_archived_clocks(session):
    add_referral(session, "R1", date_aware=D(2017, 6, 1))
    clock(session, "rapid_review").archived_at = dt.datetime(2017, 1, 1)
    assert [s.clock_code for s in clocks_due(session, D(2017, 7, 3))] == ["notification"]


# --- validation ------------------------------------------------------------------------

def test_validation_names_the_clock_and_the_field(session):
    rule = clock(session, "scr_complete")
    validate_clock_rule(rule)  # the defaults are valid

    rule.start_event = "review.startd_on"
    with pytest.raises(UserError) as err:
        validate_clock_rule(rule)
    assert err.value.field == "start_event"
    assert "Serious case review completed" in str(err.value)
    assert "start event 'review.startd_on'" in str(err.value)
    assert "review.initiated_on" in str(err.value)  # the choices are offered

    rule.start_event, rule.done_event = "review.initiated_on", "referral.summary"  # not a date
    with pytest.raises(UserError) as err:
        validate_clock_rule(rule)
    assert err.value.field == "done_event"
    assert "stop event 'referral.summary'" in str(err.value)

    rule.done_event, rule.unit = "review.completed_on", "weeks"
    with pytest.raises(UserError) as err:
        validate_clock_rule(rule)
    assert err.value.field == "unit"


def test_a_bad_event_in_the_database_is_a_user_error_not_a_crash(session):
    referral = add_referral(session, "Ref080", date_aware=D(2017, 4, 13))
    clock(session, "notification").done_event = "agency.name"
    with pytest.raises(UserError, match="Serious incident notification"):
        referral_clocks(session, referral, D(2017, 5, 1))


def test_clock_events_are_the_date_columns():
    events = clocks.clock_events()
    assert {"referral.date_aware", "review.initiated_on", "decision.decided_on",
            "referral.panel_told_of_decision_on"} <= set(events)
    assert "review.archived_at" not in events  # a timestamp, not a recorded date
    assert "referral.reference" not in events


def test_a_clock_applies_only_to_records_started_while_its_guidance_was_in_force(session):
    rapid = clock(session, "rapid_review")
    rapid.applies_from = D(2018, 6, 29)
    before = Referral(reference="R-2017", date_aware=D(2017, 6, 1))
    after = Referral(reference="R-2019", date_aware=D(2019, 6, 3))
    unknown = Referral(reference="R-none")
    session.add_all([before, after, unknown])
    session.flush()
    as_at = D(2019, 6, 4)
    codes = lambda ref: {s.clock_code for s in referral_clocks(session, ref, as_at)}
    assert "rapid_review" not in codes(before)
    assert "rapid_review" in codes(after)
    assert "rapid_review" in codes(unknown)  # not started yet: still shown, so it is not forgotten
    rapid.applies_until = D(2019, 1, 1)
    assert "rapid_review" not in codes(after)

"""Reviews, their recommendations and the board's response, driven from the keyboard."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from db.models import Recommendation, Review
from tests.ui.forms.conftest import choose, click_save, delete, editor, fill, redo, save_with_keys, tick, undo


def test_commission_review_from_a_referral(qtbot, open_quick, office_database, undo_stack):
    form = open_quick("add_review", "referrals", 1)
    assert editor(form, "referral_ids").values() == [1]
    fill(qtbot, form, "reference", "LCSPR-02")
    fill(qtbot, form, "title", "Child U (second review)")
    choose(qtbot, form, "review_type", "Loc")
    fill(qtbot, form, "decision_on", "02/05/2024")
    save_with_keys(qtbot, form)
    with office_database.readers() as s:
        review = s.scalar(select(Review).where(Review.reference == "LCSPR-02"))
        assert review.review_type.name == "Local Child Safeguarding Practice Review"
        assert [r.reference for r in review.referrals] == ["Ref053"]
        assert review.decision_on == dt.date(2024, 5, 2)
    undo(qtbot, undo_stack)
    with office_database.readers() as s:
        assert s.scalar(select(Review.archived_at).where(Review.reference == "LCSPR-02")) is not None


def test_review_dates_out_of_order_are_shown_next_to_the_field(qtbot, open_form, office_database):
    form = open_form("reviews", 1)
    fill(qtbot, form, "completed_on", "01/04/2024")  # before it was initiated (01/05/2024)
    click_save(qtbot, form)
    assert form.problem_text("completed_on") == (
        "Report completed cannot be before the date initiated (01/05/2024).")
    with office_database.readers() as s:
        assert s.get(Review, 1).completed_on is None


def test_editing_a_review_status_and_referrals_then_undo(qtbot, open_form, office_database, undo_stack):
    with office_database.sessions.begin() as s:
        from app.services import referrals
        referrals.create_referral(s, reference="Ref060", subject="Child W")
    form = open_form("reviews", 1)
    choose(qtbot, form, "status", "Pub")
    tick(qtbot, form, "referral_ids", "Ref060")
    click_save(qtbot, form)
    with office_database.readers() as s:
        review = s.get(Review, 1)
        assert review.status.name == "Published"
        assert sorted(r.reference for r in review.referrals) == ["Ref053", "Ref060"]
    undo(qtbot, undo_stack)
    with office_database.readers() as s:
        review = s.get(Review, 1)
        assert review.status.name == "Underway" and [r.reference for r in review.referrals] == ["Ref053"]


def test_add_recommendation_numbers_it_next(qtbot, open_quick, office_database, undo_stack):
    form = open_quick("add_recommendation", "reviews", 1)
    assert form.focusWidget() is editor(form, "text")
    qtbot.keyClicks(editor(form, "text"), "Agencies should escalate drift.")
    choose(qtbot, form, "theme", "Esc")
    save_with_keys(qtbot, form)
    with office_database.readers() as s:
        rec = s.get(Recommendation, form.saved_id)
        assert (rec.number, rec.text, rec.theme.name) == (5, "Agencies should escalate drift.",
                                                          "Escalation of concerns")
    undo(qtbot, undo_stack)
    with office_database.readers() as s:
        assert s.get(Recommendation, form.saved_id).archived_at is not None


def test_a_number_already_used_is_refused_next_to_the_number(qtbot, open_form, office_database):
    form = open_form("recommendations", 2)  # R4
    fill(qtbot, form, "number", "3")
    click_save(qtbot, form)
    assert form.problem_text("number") == "SCR-01 already has a recommendation 3."
    with office_database.readers() as s:
        assert s.get(Recommendation, 2).number == 4


def test_blank_recommendation_text_is_refused(qtbot, open_form, office_database):
    form = open_form("recommendations", 1)
    fill(qtbot, form, "text", "")
    click_save(qtbot, form)
    assert form.problem_text("text") == "Recommendation is required."


def test_editing_a_recommendation_theme_and_undo(qtbot, open_form, office_database, undo_stack):
    form = open_form("recommendations", 1)
    choose(qtbot, form, "theme", "Staff")
    click_save(qtbot, form)
    with office_database.readers() as s:
        assert s.get(Recommendation, 1).theme.name == "Staffing and supervision"
    undo(qtbot, undo_stack)
    with office_database.readers() as s:
        assert s.get(Recommendation, 1).theme.name == "Neglect"


def test_record_response_quick_action(qtbot, open_quick, office_database, undo_stack):
    form = open_quick("record_response", "recommendations", 1)
    assert form.windowTitle() == "Record response to recommendation SCR-01 R3"
    assert form.focusWidget() is editor(form, "response_status")
    qtbot.keyClicks(editor(form, "response_status"), "Acc")
    fill(qtbot, form, "board_response", "The Board accepts this recommendation.")
    save_with_keys(qtbot, form)
    with office_database.readers() as s:
        rec = s.get(Recommendation, 1)
        assert (rec.response_status.name, rec.board_response, rec.response_on) == (
            "Accepted", "The Board accepts this recommendation.", dt.date.today())
    undo(qtbot, undo_stack)
    with office_database.readers() as s:
        rec = s.get(Recommendation, 1)
        assert (rec.response_status, rec.board_response, rec.response_on) == (None, None, None)
    redo(qtbot, undo_stack)
    with office_database.readers() as s:
        assert s.get(Recommendation, 1).response_status.name == "Accepted"


def test_delete_a_recommendation_and_undo(qtbot, office_database, undo_stack, answers):
    assert delete(qtbot, office_database, undo_stack, "recommendations", [1, 2])
    assert "these 2 recommendations (recommendation SCR-01 R3, recommendation SCR-01 R4)" in answers.asked[0]
    undo(qtbot, undo_stack)
    with office_database.readers() as s:
        assert [r.archived_at for r in s.scalars(select(Recommendation))] == [None, None]

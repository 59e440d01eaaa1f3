"""A new record's form starts with what the office would type: the next reference in its
pattern, the next recommendation number, the review type the decision commissioned."""

from __future__ import annotations

from db.models import Referral, Review
from ui import forms
from ui.undo import UndoStack


def new_form(qtbot, database, kind, **context):
    dialog = forms.make_editor(None, database, UndoStack(), kind, **context)
    qtbot.addWidget(dialog)
    return dialog


def record_id(database, model, reference):
    with database.readers() as session:
        return session.query(model).filter_by(reference=reference).one().id


def test_the_next_reference_follows_the_offices_pattern(qtbot, office_database):
    assert new_form(qtbot, office_database, "referrals").value("reference") == "Ref054"
    assert new_form(qtbot, office_database, "reviews").value("reference") == "SCR-02"
    assert new_form(qtbot, office_database, "actions").value("reference") == "A4"


def test_the_next_recommendation_number_in_the_review(qtbot, office_database):
    review_id = record_id(office_database, Review, "SCR-01")
    dialog = new_form(qtbot, office_database, "recommendations", review_id=review_id)
    assert dialog.value("number") == 5  # R3 and R4 exist


def test_a_review_commissioned_from_a_referral_takes_the_type_its_decision_named(qtbot, office_database):
    referral_id = record_id(office_database, Referral, "Ref053")
    dialog = forms.make_quick_action(None, office_database, UndoStack(), "add_review", "referrals", referral_id)
    qtbot.addWidget(dialog)
    assert dialog.value("review_type") == "Serious Case Review"
    assert dialog.value("referral_ids") == [referral_id]
    assert not dialog.is_dirty()  # suggestions are not the officer's changes: closing asks nothing


def test_an_empty_database_suggests_no_reference(qtbot, database):
    assert new_form(qtbot, database, "referrals").value("reference") == ""

"""The use cases: what the officer does to the record, and the messages when input is wrong."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app import lookups
from app.errors import UserError, ValidationError
from app.queries.action_plan import PlanFilter, read_action_plan
from app.services import actions, archive, decisions, recommendations, referrals, reviews, updates
from app.services.search import search
from db.models import Action, Meeting, Referral

pytestmark = pytest.mark.both_engines

D = dt.date


@pytest.fixture
def plan(session):
    """A referral with a review, two recommendations and an action answering both."""
    referrals.create_referral(session, reference="Ref021", summary="Significant non-accidental injury",
                              location="Kettering", gender="Female", age_text="6 wks",
                              referring_agency="Childrens  Services", category="Non-accidental injury")
    review = reviews.create_review(session, reference="SCR-021", title="Ref021",
                                   review_type="Serious Case Review", referrals=["Ref021"],
                                   initiated_on=D(2015, 3, 1))
    r1 = recommendations.add_recommendation(session, review.id, text="Review the bruising protocol.",
                                            theme="Health issues")
    r2 = recommendations.add_recommendation(session, review.id, text="Audit strategy discussions.",
                                            theme="Using child protection procedures effectively")
    action = actions.create_action(session, description="Relaunch the bruising protocol",
                                   recommendation_ids=[r1.id, r2.id], lead_agency="CCG",
                                   lead_officer="Designated Nurse", target_on=D(2017, 3, 31),
                                   added_on=D(2016, 10, 3))
    return review, r1, r2, action


def overdue(session, as_at, agency=None) -> list[tuple[int, int, str | None]]:
    """(id, days overdue, lead agency) of the actions overdue on ``as_at``, as every view reads them."""
    agency_id = lookups.agency(session, agency).id if agency else None
    rows = read_action_plan(session, as_at, PlanFilter(overdue_only=True, agency_id=agency_id)).rows
    return [(r.id, (as_at - r.target_on).days, r.lead_agency) for r in rows]


def test_a_referral_keeps_what_people_write_and_maps_agency_spellings(session, plan):
    ref = referrals.get_referral(session, "Ref021")
    assert (ref.age_text, ref.gender, ref.location) == ("6 wks", "Female", "Kettering")
    assert ref.referring_agency.name == "Children's Services"
    assert ref.category.name == "Non-accidental injury"


def test_validation_names_every_field_that_is_wrong(session, plan):
    with pytest.raises(ValidationError) as caught:
        referrals.create_referral(session, reference="Ref021", colour="blue")
    assert caught.value.problems == {"colour": "is not a field of a referral",
                                     "reference": "'Ref021' is already used by another referral"}
    with pytest.raises(UserError, match="Referring agency: no agency is called 'Fire Service'"):
        referrals.create_referral(session, reference="Ref099", referring_agency="Fire Service")
    with pytest.raises(ValidationError, match="Completed on: cannot be before the date initiated"):
        reviews.update_review(session, plan[0].id, completed_on=D(2014, 1, 1))


def test_decision_history_is_added_to_never_overwritten(session):
    referrals.create_referral(session, reference="ChildL", date_referred=D(2013, 1, 10))
    ref = referrals.get_referral(session, "ChildL")
    decisions.record_decision(session, ref.id, decided_on=D(2013, 1, 15), outcome="Deferred for more information")
    decisions.record_decision(session, ref.id, decided_on=D(2013, 4, 16),
                              outcome="Multi-agency review below the level of an SCR", criteria_met=False)
    decisions.record_decision(session, ref.id, decided_on=D(2013, 7, 20), outcome="scr", criteria_met=True,
                              criteria_basis="Regulation 5, LSCB Regulations 2006",
                              rationale="Reviewed by the local authority and the board.")
    history = decisions.decision_history(session, ref.id)
    assert [h.outcome for h in history] == ["Deferred for more information",
                                            "Multi-agency review below the level of an SCR",
                                            "Serious Case Review"]
    assert [h.is_latest for h in history] == [False, False, True]
    assert decisions.latest_decision(session, ref.id, as_at=D(2013, 5, 1)).outcome.code == "multi_agency"
    with pytest.raises(ValidationError, match="Decided on: cannot be before the referral was made"):
        decisions.record_decision(session, ref.id, decided_on=D(2012, 1, 1), outcome="nfa")


def test_a_review_can_cover_several_referrals(session):
    for ref in ("Child I", "Child M"):
        referrals.create_referral(session, reference=ref)
    review = reviews.create_review(session, reference="SCR-IM", title="Child I and Child M",
                                   review_type="scr", referrals=["Child I"])
    reviews.link_referral(session, review.id, "Child M")
    assert sorted(r.reference for r in review.referrals) == ["Child I", "Child M"]
    assert [rv.reference for rv in referrals.get_referral(session, "Child M").reviews] == ["SCR-IM"]


def test_recommendations_are_numbered_within_their_review(session, plan):
    review, r1, r2, _ = plan
    assert (r1.number, r2.number) == (1, 2)
    r3 = recommendations.add_recommendation(session, review.id, text="Train GPs.", number=5)
    assert r3.number == 5
    with pytest.raises(ValidationError, match="already has a recommendation 5"):
        recommendations.add_recommendation(session, review.id, text="Again", number=5)
    recommendations.set_board_response(session, r1.id, status="Accepted", response="The board accepts this.")
    recommendations.add_agency_response(session, r1.id, agency="CCG", text="The CCGs will update the protocol.")
    recommendations.add_agency_response(session, r1.id, agency="Police", text="Police will brief officers.")
    assert r1.response_status.name == "Accepted"
    assert sorted(r.agency.name for r in r1.agency_responses) == ["Clinical Commissioning Group", "Police"]
    with pytest.raises(UserError, match="already responded"):
        recommendations.add_agency_response(session, r1.id, agency="Clinical Commissioning Groups", text="Again")


def test_revising_a_target_keeps_the_original_and_counts_the_moves(session, plan):
    action = plan[3]
    actions.revise_target(session, action.id, D(2017, 6, 30), reason="Awaiting national guidance")
    actions.revise_target(session, action.id, D(2017, 9, 30), reason="Staff changes")
    assert action.original_target_on == D(2017, 3, 31)
    assert action.target_on == D(2017, 9, 30)
    assert [(r.old_target_on, r.new_target_on) for r in action.target_revisions] == [
        (D(2017, 3, 31), D(2017, 6, 30)), (D(2017, 6, 30), D(2017, 9, 30))]


def test_overdue_as_at_any_date(session, plan):
    action = plan[3]
    assert overdue(session, D(2017, 3, 31)) == []
    assert overdue(session, D(2017, 4, 3)) == [(action.id, 3, "Clinical Commissioning Group")]
    assert overdue(session, D(2017, 4, 3), agency="Police") == []


def test_progress_updates_are_appended_and_set_the_rag(session, plan):
    action = plan[3]
    updates.add_progress_update(session, action.id, text="Draft protocol out for consultation.",
                                update_on=D(2016, 11, 1), rag="A")
    updates.add_progress_update(session, action.id, text="Protocol agreed by the board.",
                                update_on=D(2017, 2, 1), rag="green")
    assert [u.text for u in action.updates] == ["Draft protocol out for consultation.",
                                                "Protocol agreed by the board."]
    assert action.rag == "Green"
    with pytest.raises(ValidationError, match="Rag: 'purple' is not a RAG rating"):
        updates.add_progress_update(session, action.id, text="x", rag="purple")


def test_closing_needs_a_reason_and_evidence_and_sign_off_needs_both(session, plan):
    action = plan[3]
    meeting = Meeting(held_on=D(2017, 5, 10))
    session.add(meeting)
    session.flush()
    with pytest.raises(UserError, match="still open"):
        actions.sign_off(session, action.id, meeting.id)
    with pytest.raises(ValidationError, match="Evidence of completion: is needed"):
        actions.close_action(session, action.id, reason="Implemented and verified", completed_on=D(2017, 4, 1))
    with pytest.raises(ValidationError, match="Closure note: say why"):
        actions.close_action(session, action.id, reason="Not implemented", completed_on=D(2017, 4, 1))
    actions.close_action(session, action.id, reason="Implemented and verified", completed_on=D(2017, 4, 1),
                         evidence_of_completion="Protocol on the website; audit of 20 cases.",
                         evidence_of_impact="Re-audit shows protocol followed in 19 of 20 cases.")
    assert (action.status.name, action.status.is_open, action.rag) == ("Complete", False, "Blue")
    actions.sign_off(session, action.id, meeting.id)
    assert action.signed_off_on == D(2017, 5, 10)
    assert overdue(session, D(2018, 1, 1)) == []


def test_archive_hides_restore_returns_purge_is_only_for_archived(session, plan):
    action_id = plan[3].id
    with pytest.raises(UserError, match="Archive this action before purging"):
        archive.purge(session, "action", action_id)
    archive.archive(session, "action", action_id)
    assert overdue(session, D(2018, 1, 1)) == []
    archive.restore(session, "action", action_id)
    assert [o[0] for o in overdue(session, D(2018, 1, 1))] == [action_id]
    review_id = plan[0].id
    archive.archive(session, "review", review_id)
    with pytest.raises(UserError, match="still has other records linked"):
        archive.purge(session, "review", review_id)
    assert session.get(Action, action_id) is not None


def test_search_finds_records_by_any_words(session, plan):
    hits = search(session, "bruising protocol")
    assert {(h.kind, h.label) for h in hits} == {("recommendation", "SCR-021 R1"), ("action", f"Action {plan[3].id}")}
    assert [h.label for h in search(session, "kettering")] == ["Ref021"]
    assert search(session, "   ") == []
    assert session.scalar(select(Referral.reference)) == "Ref021"


def test_search_lists_records_in_the_order_they_were_made_even_after_an_edit(session):
    for reference in ("Ref031", "Ref032", "Ref033"):
        referrals.create_referral(session, reference=reference, summary="Neglect of a toddler")
    session.flush()
    referrals.update_referral(session, referrals.get_referral(session, "Ref031").id, location="Corby")
    session.flush()
    assert [h.label for h in search(session, "neglect")] == ["Ref031", "Ref032", "Ref033"]


def test_an_agency_return_changes_only_what_an_agency_may(session, plan):
    *_, action = plan
    actions.record_return(session, action.id, {"status": "completed", "rag": "b", "completed_on": D(2017, 3, 1),
                                               "evidence_of_completion": "Audit report",
                                               "target_on": D(2017, 6, 30)}, source="Return from CCG.xlsx")
    assert (action.status.name, action.rag, action.completed_on) == ("Complete", "Blue", D(2017, 3, 1))
    assert action.closure_reason.name == "Implemented and verified"
    assert [(r.new_target_on, r.reason) for r in action.target_revisions] == [(D(2017, 6, 30), "Return from CCG.xlsx")]
    with pytest.raises(ValidationError) as err:
        actions.record_return(session, action.id, {"description": "New words", "target_on": None,
                                                   "completed_on": D(2099, 1, 1)}, source="x")
    assert err.value.problems == {"description": "cannot be changed by an agency's return",
                                  "target_on": "a target date can be moved but not removed",
                                  "completed_on": "cannot be in the future"}

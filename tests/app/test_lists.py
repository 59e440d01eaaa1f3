"""The editable lists are data the office changes, and the record follows the change."""

from __future__ import annotations

import pytest

from app import lookups
from app.errors import UserError, ValidationError
from app.services import agencies, clock_rules, lists, referrals
from db.models import ListKind

pytestmark = pytest.mark.both_engines


def test_a_new_database_holds_the_vocabulary_of_the_seeds(session):
    names = lambda kind: [i.name for i in lookups.list_items(session, kind)]
    assert {"Serious Case Review", "Local Child Safeguarding Practice Review", "Rapid Review",
            "Case Mapping Exercise", "Thematic Learning Review", "Single Agency Review"} <= set(names(ListKind.REVIEW_TYPE))
    assert {"No further action", "Deferred pending post-mortem",
            "Deferred pending criminal proceedings"} <= set(names(ListKind.DECISION_OUTCOME))
    assert names(ListKind.CLOSURE_REASON) == ["Implemented and verified", "Closed, risk accepted",
                                              "Superseded", "Not implemented", "No longer applicable",
                                              "Merged with another action"]
    assert lookups.list_item(session, ListKind.REVIEW_TYPE, "scr").clock.code == "scr_complete"
    assert lookups.clock(session, "rapid_review").length == 15


def test_list_values_can_be_added_and_renamed_but_not_duplicated(session):
    item = lists.add_list_item(session, ListKind.DECISION_OUTCOME, "Referred to adults' board")
    assert lookups.list_item(session, ListKind.DECISION_OUTCOME, "referred to adults' board").id == item.id
    with pytest.raises(ValidationError, match="already on the list"):
        lists.add_list_item(session, ListKind.DECISION_OUTCOME, "no further ACTION")
    lists.rename_list_item(session, item.id, "Referred to the adults' board")
    assert item.name == "Referred to the adults' board"
    with pytest.raises(UserError, match="no list called"):
        lists.add_list_item(session, "colours", "Red")


def test_a_word_not_on_the_list_is_refused_naming_the_choices_in_the_lists_order(session):
    first = lookups.list_items(session, ListKind.CLOSURE_REASON)[0]
    lists.rename_list_item(session, first.id, "Implemented and checked")  # an edited row, first still
    session.flush()
    with pytest.raises(UserError) as refused:
        lookups.list_item(session, ListKind.CLOSURE_REASON, "Forgotten")
    assert str(refused.value) == ("Closure reason: 'Forgotten' is not on the list (Implemented and checked, "
                                  "Closed, risk accepted, Superseded, Not implemented, No longer applicable, "
                                  "Merged with another action).")


def test_agency_spellings_are_learnt_and_used(session):
    with pytest.raises(UserError, match="no agency is called 'Northants Police'"):
        referrals.create_referral(session, reference="Ref070", referring_agency="Northants Police")
    agencies.add_agency_alias(session, "Police", "Northants\u00a0 Police")
    ref = referrals.create_referral(session, reference="Ref070", referring_agency="northants police")
    assert ref.referring_agency.name == "Police"
    assert agencies.add_agency_alias(session, "Police", "NORTHANTS POLICE") is None
    with pytest.raises(ValidationError, match="already means Police"):
        agencies.add_agency_alias(session, "Housing", "Northants Police")


def test_clocks_can_be_changed_and_are_checked(session):
    rule = clock_rules.update_clock(session, "rapid_review", length=10, start_event="referral.notification_sent_on")
    assert (rule.length, rule.start_event) == (10, "referral.notification_sent_on")
    with pytest.raises(ValidationError, match="Unit: must be working days, days or months"):
        clock_rules.update_clock(session, "rapid_review", unit="fortnights")
    with pytest.raises(UserError, match="start"):
        clock_rules.update_clock(session, "rapid_review", start_event="referral.shoe_size")

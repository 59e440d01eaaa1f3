"""Matching agency spellings from old trackers onto the agency list."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.errors import UserError
from app.excel.agency_matching import match_agency
from app.services.agencies import add_agency_alias
from db.models import Agency, AgencyAlias

pytestmark = pytest.mark.both_engines


@pytest.mark.parametrize("spelling", [
    "Children's Services", "Childrens\u00a0Services ", "children\u2019s  services",
    "SCC Children's Services", "CSC", "  CHILDRENS SOCIAL CARE",
])
def test_names_short_names_and_aliases_are_confirmed(session, spelling):
    match = match_agency(session, spelling)
    assert (match.status, match.agency_name, match.score) == ("confirmed", "Children's Services", 100)


def test_a_typo_is_proposed_with_its_score(session):
    match = match_agency(session, "Childrens Servics")
    assert (match.status, match.agency_name) == ("proposed", "Children's Services")
    assert match.score > 92 and match.auto_confirmable and not match.confirmed


def test_a_vague_spelling_is_proposed_but_not_for_yes(session):
    match = match_agency(session, "Health")
    assert match.status == "proposed"
    assert not match.auto_confirmable


def test_nothing_like_any_agency_is_unmatched(session):
    assert match_agency(session, "Fire and Rescue Service").status == "unmatched"
    assert match_agency(session, "  ").status == "unmatched"


def test_a_remembered_alias_matches_exactly_next_time(session):
    police = session.scalar(select(Agency).where(Agency.name == "Police"))
    alias = add_agency_alias(session, police, "Polise\u00a0")
    assert (alias.alias, alias.alias_key) == ("Polise", "polise")
    assert match_agency(session, "POLISE").status == "confirmed"
    assert add_agency_alias(session, police, "polise") is None  # already known
    assert add_agency_alias(session, police.id, "Police") is None  # its own name
    assert session.scalars(select(AgencyAlias).where(AgencyAlias.alias == "Polise")).one()


def test_a_spelling_of_another_agency_is_refused(session):
    police = session.scalar(select(Agency).where(Agency.name == "Police"))
    with pytest.raises(UserError, match="already means Children's Services"):
        add_agency_alias(session, police, "Childrens Services")

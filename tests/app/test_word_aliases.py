"""The office's own words for review types, statuses, RAG ratings, decisions and categories:
seeded, editable as lists, and read the way the importers read them."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.defaults import WORDS
from app.errors import ValidationError
from app.services import lists
from app.word_aliases import (ACTION_STATUS_WORDS, CATEGORY_WORDS, DECISION_WORDS, RAG_WORDS, REVIEW_TYPE_WORDS,
                              Words, parse_entry)
from db.models import ListItem

pytestmark = pytest.mark.both_engines


def _entry(session, kind: str, word: str) -> ListItem:
    return next(i for i in session.scalars(select(ListItem).where(ListItem.kind == kind))
                if parse_entry(i.name).word == word)


def test_a_new_database_has_the_usual_words(session):
    for kind, entries in WORDS.items():
        names = set(session.scalars(select(ListItem.name).where(ListItem.kind == kind)))
        assert names == set(entries)


@pytest.mark.parametrize("kind, text, meaning", [
    (REVIEW_TYPE_WORDS, "Child L (SCR)", "Serious Case Review"),
    (REVIEW_TYPE_WORDS, "CME - Child Q", "Case Mapping Exercise"),
    (REVIEW_TYPE_WORDS, "LCSPR Child R", "Local Child Safeguarding Practice Review"),
    (REVIEW_TYPE_WORDS, "CSPR", "Local Child Safeguarding Practice Review"),
    (REVIEW_TYPE_WORDS, "RR 2019/04", "Rapid Review"),
    (REVIEW_TYPE_WORDS, "DHR Adult B", "Domestic Homicide Review"),
    (REVIEW_TYPE_WORDS, "Serious Case Reveiw: Family D", "Serious Case Review"),  # the usual misspelling
    (REVIEW_TYPE_WORDS, "Thematic Learning Review", "Thematic Learning Review"),  # a value is its own word
    (ACTION_STATUS_WORDS, "Compleated", "Complete"),
    (ACTION_STATUS_WORDS, "not complete", "In progress"),  # the longer word decides
    (ACTION_STATUS_WORDS, "On-going", "In progress"),
    (RAG_WORDS, "g", "Green"),
    (RAG_WORDS, "Red - off track", "Red"),
    (RAG_WORDS, "Green (a few delays)", "Green"),  # "a" is Amber only as a whole cell
    (DECISION_WORDS, "Criteria not met - NFA", "No further action"),
    (DECISION_WORDS, "Deferred pending post-mortem", "Deferred pending post-mortem"),
    (DECISION_WORDS, "below the level of an SCR", "Multi-agency review below the level of an SCR"),
    (CATEGORY_WORDS, "NAI", "Non-accidental injury"),
])
def test_the_office_words_are_understood(session, kind, text, meaning):
    assert Words(session).read(kind, text).value == meaning


@pytest.mark.parametrize("kind, text", [
    (RAG_WORDS, "Amber/Green"),  # two ratings: not guessed
    (DECISION_WORDS, "Panel to discuss"),
    (ACTION_STATUS_WORDS, "Parked"),
])
def test_what_no_word_says_is_not_understood(session, kind, text):
    reading = Words(session).read(kind, text)
    assert reading.value is None and not reading.ambiguous


def test_sar_is_asked_about_never_mapped_silently(session):
    words = Words(session)
    reading = words.read(REVIEW_TYPE_WORDS, "Family B SAR")
    assert (reading.value, reading.ambiguous) == (None, True)
    assert reading.word.meanings == ("Single Agency Review", "Safeguarding Adults Review")
    assert words.decide(REVIEW_TYPE_WORDS, "sar", "safeguarding adults review") == "Safeguarding Adults Review"
    assert words.read(REVIEW_TYPE_WORDS, "Family B SAR").value == "Safeguarding Adults Review"
    with pytest.raises(ValueError, match="'Serious Incident' is not one of"):
        words.decide(REVIEW_TYPE_WORDS, "SAR", "Serious Incident")


def test_the_words_are_edited_as_lists(session):
    added = lists.add_list_item(session, REVIEW_TYPE_WORDS, "MASR = Multi-agency review (below SCR level)")
    assert Words(session).read(REVIEW_TYPE_WORDS, "MASR Child T").value == "Multi-agency review (below SCR level)"
    # An office whose SAR always means a safeguarding adults review says so once.
    sar = _entry(session, REVIEW_TYPE_WORDS, "SAR")
    lists.rename_list_item(session, sar.id, "SAR = Safeguarding Adults Review")
    assert Words(session).read(REVIEW_TYPE_WORDS, "SAR Adult C").value == "Safeguarding Adults Review"
    lists.archive_list_item(session, added.id)
    assert Words(session).read(REVIEW_TYPE_WORDS, "MASR Child T").value is None


@pytest.mark.parametrize("name, problem", [
    ("CME", "write a word and what it means, for example 'CME = Case Mapping Exercise'"),
    ("CME = Case Mapping", "'Case Mapping' is not on the list it belongs to"),
    ("cme = Thematic Learning Review", "the list already says what 'cme' means ('CME = Case Mapping Exercise')"),
])
def test_a_word_must_say_what_it_means(session, name, problem):
    with pytest.raises(ValidationError) as refused:
        lists.add_list_item(session, REVIEW_TYPE_WORDS, name)
    assert problem in str(refused.value)


def test_an_older_database_gets_the_usual_words_when_first_needed(session):
    for item in session.scalars(select(ListItem).where(ListItem.kind.in_(WORDS))):
        session.delete(item)
    session.flush()
    # With none stored, the usual words are read all the same...
    assert Words(session).read(REVIEW_TYPE_WORDS, "CME").value == "Case Mapping Exercise"
    # ...and written (through the list service) when an import is applied.
    assert lists.ensure_words(session) == sum(len(entries) for entries in WORDS.values())
    assert lists.ensure_words(session) == 0
    assert session.scalar(select(func.count()).select_from(ListItem).where(ListItem.kind == RAG_WORDS)) == len(
        WORDS[RAG_WORDS])


def test_the_lists_register_shows_the_words_under_their_own_names(session):
    from app.registers import LIST_KIND_LABELS, fetch_lists

    assert LIST_KIND_LABELS[REVIEW_TYPE_WORDS] == "Words for review types"  # offered when adding a value
    shown = {(row[1], row[2]) for row in fetch_lists(session)}
    assert ("Words for review types", "SAR = Single Agency Review or Safeguarding Adults Review") in shown
    assert ("Words for RAG ratings", "G = Green") in shown

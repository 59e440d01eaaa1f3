"""The office's own words for review types, action statuses, RAG ratings, decisions and
referral categories: "CME", "LCSPR", "RR", "Compleated", "NFA"... used by every importer.

Each word is a value of an editable list of its own (``ListItem`` of kind ``alias:review_type``
and so on, shown in the Lists register as "Words for review types"), written as the office
would explain it: ``CME = Case Mapping Exercise``. A word that means one of several things
names them all: ``SAR = Single Agency Review or Safeguarding Adults Review``. Such a word is
never taken silently: the import asks which is meant (``Words.decide``), and the command line
refuses to go on until it is told (``--word "SAR=Safeguarding Adults Review"``).

A text is understood by its whole first (``CME``), else by the words found in it ("Child L
(SCR)", "Criteria not met - NFA"): the longest word found decides; longest words that disagree
leave the text not understood. A list value's own name is always a word for itself. A word of
one letter ("R", "G") counts only as the whole text, so "Green (a few delays)" is not also
Amber.

A database made before these lists existed has none: ``Words`` then uses the usual words
(``app.defaults.WORDS``), and ``app.services.lists.ensure_words`` writes them when the first
import is applied.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.text import clean, match_key
from db.models import RAG_VALUES, ListItem, ListKind

REVIEW_TYPE_WORDS = "alias:review_type"
ACTION_STATUS_WORDS = "alias:action_status"
RAG_WORDS = "alias:rag"
DECISION_WORDS = "alias:decision_outcome"
CATEGORY_WORDS = "alias:referral_category"

# word list -> the list whose values its words mean (None: the RAG ratings)
WORD_LISTS: dict[str, str | None] = {
    REVIEW_TYPE_WORDS: ListKind.REVIEW_TYPE,
    ACTION_STATUS_WORDS: ListKind.ACTION_STATUS,
    RAG_WORDS: None,
    DECISION_WORDS: ListKind.DECISION_OUTCOME,
    CATEGORY_WORDS: ListKind.REFERRAL_CATEGORY,
}
WORD_LIST_LABELS = {
    REVIEW_TYPE_WORDS: "Words for review types",
    ACTION_STATUS_WORDS: "Words for action statuses",
    RAG_WORDS: "Words for RAG ratings",
    DECISION_WORDS: "Words for decisions",
    CATEGORY_WORDS: "Words for referral categories",
}
EXAMPLE = "CME = Case Mapping Exercise"
_MEANING_SEPARATOR = re.compile(r"\s+or\s+|\s*\|\s*", re.IGNORECASE)
WHOLE_TEXT_ONLY = 1  # words this short are understood only as the whole text


@dataclass(frozen=True)
class Word:
    """One of the office's words: as written in its list, and the value(s) it means."""

    word: str
    meanings: tuple[str, ...]  # names of values of the list it belongs to

    @property
    def ambiguous(self) -> bool:
        return len(self.meanings) > 1

    @property
    def entry(self) -> str:
        """The word as its list shows it: "SAR = Single Agency Review or Safeguarding Adults Review"."""
        return f"{self.word} = {' or '.join(self.meanings)}"


def parse_entry(text: str) -> Word | None:
    """The word a list entry ("CME = Case Mapping Exercise") defines; None if it is not one."""
    word, equals, meaning = clean(text).partition("=")
    meanings = tuple(m for m in (clean(part) for part in _MEANING_SEPARATOR.split(meaning)) if m)
    if not equals or not clean(word) or not meanings:
        return None
    return Word(clean(word), meanings)


def entry_problem(kind: str, text: str, values: list[str]) -> str | None:
    """Why ``text`` cannot be an entry of the word list ``kind`` (whose words mean one of
    ``values``), or None."""
    word = parse_entry(text)
    if word is None:
        return f"write a word and what it means, for example '{EXAMPLE}'"
    known = {match_key(v) for v in values}
    unknown = [m for m in word.meanings if match_key(m) not in known]
    if unknown and len(unknown) == len(word.meanings):
        return f"'{unknown[0]}' is not on the list it belongs to ({', '.join(values)})"
    return None


def list_values(session: Session, kind: str) -> list[str]:
    """The names a word of list ``kind`` may mean."""
    target = WORD_LISTS[kind]
    if target is None:
        return list(RAG_VALUES)
    return list(session.scalars(select(ListItem.name).where(ListItem.kind == target, ListItem.archived_at.is_(None))
                                .order_by(ListItem.sort_order)))


@dataclass(frozen=True)
class Reading:
    """What a text was understood to mean: ``value`` (a list value's name), or, for a word
    that means several things and has not been decided, ``ambiguous``; or neither."""

    value: str | None = None
    word: Word | None = None
    ambiguous: bool = False


class Words:
    """The office's words, loaded once for an import (list values by their names)."""

    def __init__(self, session: Session):
        from app.defaults import WORDS

        stored: dict[str, list[str]] = {kind: [] for kind in WORD_LISTS}
        seen: set[str] = set()
        for kind, name, archived in session.execute(
                select(ListItem.kind, ListItem.name, ListItem.archived_at).where(ListItem.kind.in_(WORD_LISTS))):
            seen.add(kind)
            if archived is None:
                stored[kind].append(name)
        self._words: dict[str, dict[str, Word]] = {}
        self._values: dict[str, dict[str, str]] = {}
        self._pattern: dict[str, re.Pattern | None] = {}
        self._cache: dict[tuple[str, str], Reading] = {}
        self.decided: dict[tuple[str, str], str] = {}  # (list, word key) -> the value chosen
        for kind in WORD_LISTS:
            values = list_values(session, kind)
            self._values[kind] = {match_key(v): v for v in values}
            entries = stored[kind] if kind in seen else WORDS.get(kind, [])
            words: dict[str, Word] = {}
            for value in values:
                words[match_key(value)] = Word(value, (value,))
            for entry in entries:
                word = parse_entry(entry)
                if word is not None:
                    words[match_key(word.word)] = word
            self._words[kind] = words
            long_words = sorted((k for k in words if len(k) > WHOLE_TEXT_ONLY), key=len, reverse=True)
            self._pattern[kind] = (re.compile(r"(?<![a-z0-9])(" + "|".join(map(re.escape, long_words))
                                              + r")(?![a-z0-9])") if long_words else None)

    def decide(self, kind: str, word: str, meaning: str) -> str:
        """Say what ``word`` means in this import; the value's name as the list writes it.
        A ``ValueError`` (with a sentence) if the list has no such value."""
        value = self._values[kind].get(match_key(meaning))
        if value is None:
            choices = ", ".join(self._values[kind].values())
            raise ValueError(f"'{clean(meaning)}' is not one of {choices}")
        self.decided[(kind, match_key(word))] = value
        self._cache.clear()
        return value

    def ambiguous_words(self, kind: str) -> list[Word]:
        return [w for w in self._words[kind].values() if w.ambiguous]

    def read(self, kind: str, text: str) -> Reading:
        """What ``text`` means in list ``kind`` (see the module's rules)."""
        key = match_key(text)
        cache_key = (kind, key)
        found = self._cache.get(cache_key)
        if found is None:
            found = self._cache[cache_key] = self._read(kind, key)
        return found

    def _read(self, kind: str, key: str) -> Reading:
        words = self._words[kind]
        if not key:
            return Reading()
        if key in words:
            return self._meaning(kind, words[key])
        pattern = self._pattern[kind]
        found = [words[m] for m in pattern.findall(key)] if pattern is not None else []
        if not found:
            return Reading()
        longest = max(len(w.word) for w in found)
        readings = {self._meaning(kind, w) for w in found if len(w.word) == longest}
        return readings.pop() if len(readings) == 1 else Reading()

    def _meaning(self, kind: str, word: Word) -> Reading:
        decided = self.decided.get((kind, match_key(word.word)))
        if decided is not None:
            return Reading(decided, word)
        if word.ambiguous:
            return Reading(None, word, ambiguous=True)
        value = self._values[kind].get(match_key(word.meanings[0]))
        return Reading(value, word) if value is not None else Reading()

"""Matching the many spellings of an agency's name onto the office's agency list.

An exact match on the name, short name or a known alias (case, apostrophes and stray or
non-breaking spaces ignored) is *confirmed*. Otherwise the closest spelling by ``rapidfuzz``
is *proposed* with its score, and the best few agencies are offered beside it
(``AgencyMatch.best``). An import takes a proposal scoring at least ``AUTO_CONFIRM_SCORE``
that is not a near tie (and says so, as a doubt); any other spelling becomes a new agency
unless the user maps it (``app.excel.legacy``). Either way the spelling is remembered as an
alias (``app.services.agencies.add_agency_alias``), so the next import matches it exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.text import clean, match_key
from db.models import Agency, AgencyAlias

# Below this score a spelling is not even proposed.
PROPOSE_SCORE = 70.0
# ``--yes`` confirms proposals scoring at least this (a bare substring such as "Health"
# scores 90 against "Community Health", which is not enough).
AUTO_CONFIRM_SCORE = 92.0
# Two different agencies scoring within this of each other make a proposal a near tie.
TIE_MARGIN = 5.0
# How many of the closest agencies an import offers for a spelling it is unsure of.
BEST_SHOWN = 3


@dataclass(frozen=True)
class AgencyMatch:
    """Which agency a spelling means.

    ``status`` is "confirmed" (name or known alias), "proposed" (closest fuzzy match, needs
    the user's word) or "unmatched". ``score`` is 100 for confirmed matches. ``tied`` says a
    second agency scored almost as well, so the proposal should not be confirmed blindly.
    """

    spelling: str
    status: str
    agency_id: int | None = None
    agency_name: str | None = None
    score: float = 0.0
    tied: bool = False
    best: tuple[tuple[str, float], ...] = ()  # the closest agencies (name, score), best first

    @property
    def confirmed(self) -> bool:
        return self.status == "confirmed"

    @property
    def auto_confirmable(self) -> bool:
        """True when ``--yes`` may confirm this proposal without asking."""
        return self.status == "proposed" and self.score >= AUTO_CONFIRM_SCORE and not self.tied


class AgencyMatcher:
    """Matches many spellings against one load of the agency list (one per import)."""

    def __init__(self, session: Session):
        self._names: dict[int, str] = {}
        # match key of every name, short name and alias -> agency id
        self._keys: dict[str, int] = {}
        for agency in session.scalars(select(Agency).where(Agency.archived_at.is_(None))):
            self._names[agency.id] = agency.name
            for spelling in (agency.name, agency.short_name):
                if match_key(spelling):
                    self._keys.setdefault(match_key(spelling), agency.id)
        for alias in session.scalars(select(AgencyAlias)):
            if alias.agency_id in self._names:
                self._keys.setdefault(alias.alias_key, alias.agency_id)
        self._choices = list(self._keys)
        self._cache: dict[str, AgencyMatch] = {}

    @property
    def names(self) -> list[str]:
        """The agencies on the list (not archived), by name."""
        return sorted(self._names.values(), key=str.casefold)

    def agency_named(self, text: str) -> tuple[int, str] | None:
        """(id, name) of the agency ``text`` names exactly (name, short name or alias), or None."""
        agency_id = self._keys.get(match_key(text))
        return (agency_id, self._names[agency_id]) if agency_id is not None else None

    def match(self, raw: object) -> AgencyMatch:
        """The agency ``raw`` names (see ``AgencyMatch``); blank gives an "unmatched" match."""
        spelling = clean(str(raw)) if raw is not None else ""
        key = match_key(spelling)
        if key not in self._cache:
            self._cache[key] = self._match_key(spelling, key)
        return self._cache[key]

    def _match_key(self, spelling: str, key: str) -> AgencyMatch:
        if not key:
            return AgencyMatch(spelling, "unmatched")
        if key in self._keys:
            agency_id = self._keys[key]
            return AgencyMatch(spelling, "confirmed", agency_id, self._names[agency_id], 100.0)
        best = process.extract(key, self._choices, scorer=fuzz.WRatio, limit=10, score_cutoff=PROPOSE_SCORE / 2)
        below = [found for found in best if found[1] < PROPOSE_SCORE]
        best = [found for found in best if found[1] >= PROPOSE_SCORE]
        if not best:
            near = {}
            for found_key, score, _ in below:
                near.setdefault(self._keys[found_key], round(score, 1))
            return AgencyMatch(spelling, "unmatched",
                               best=tuple((self._names[i], score) for i, score in list(near.items())[:BEST_SHOWN]))
        top_key, top_score, _ = best[0]
        agency_id = self._keys[top_key]
        tied = any(self._keys[k] != agency_id and top_score - score < TIE_MARGIN
                   for k, score, _ in best[1:])
        closest: dict[int, float] = {}
        for found_key, score, _ in best:
            closest.setdefault(self._keys[found_key], round(score, 1))
        return AgencyMatch(spelling, "proposed", agency_id, self._names[agency_id],
                           round(top_score, 1), tied,
                           tuple((self._names[i], score) for i, score in list(closest.items())[:BEST_SHOWN]))


def match_agency(session: Session, raw: object) -> AgencyMatch:
    """Which agency the spelling ``raw`` means: confirmed, proposed (fuzzy) or unmatched."""
    return AgencyMatcher(session).match(raw)


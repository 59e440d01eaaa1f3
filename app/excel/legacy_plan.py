"""What importing a hand-kept tracker would do: the plan ``app.excel.legacy`` reads from a
workbook and writes only when told, with every doubt found on the way.

A plan holds plain records (reviews, recommendations, actions, referrals and decisions to
create or find again), the agency spellings met and what each will become, the office's words
that still need deciding, and the doubts (``import_doubts.ImportWarning``) by sheet and cell.
``describe`` is the dry run in words, short however large the file (doubts are counted by kind
with their first few; the window and the import report list every one).

Agencies. A spelling that is a name, short name or known alias is that agency. Any other is
settled here, in this order: the user's choice (``map_agency``: an agency on the list, another
spelling of this file — the two become one agency — or a new name), a confirmed suggestion
(``confirm_agency``), the suggestion itself when it is close enough and not a near tie (a
doubt: matched by similarity), else a new agency under the spelling as written, marked for
checking (its sector reads ``NEW_AGENCY_SECTOR``). Every spelling taken is remembered as an
alias when the import is applied, so the next import matches it exactly.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from app.errors import UserError
from app.excel.agency_matching import AgencyMatch, AgencyMatcher
from app.excel.import_doubts import (AGENCY_NEW, AGENCY_SIMILAR, WORD_TO_DECIDE, ImportWarning,
                                     summary_lines)
from app.excel.parsing import ParsedDate
from app.text import clean, match_key
from app.word_aliases import WORD_LIST_LABELS, Word, Words

ACTION_PLAN = "action-plan"
REFERRAL_REGISTER = "referral-register"
KINDS = (ACTION_PLAN, REFERRAL_REGISTER)
KIND_NAMES = {ACTION_PLAN: "an action plan", REFERRAL_REGISTER: "a referral register"}

# A new agency made from a spelling nobody mapped is marked for checking by its sector, which
# the agency list shows and the user changes once it is checked.
NEW_AGENCY_SECTOR = "From import, check"
# How an action's or referral's text that fits no field is introduced where it is kept.
KEPT_NOTE = "Kept from the imported tracker (not understood): "
AGENCY_NAME_LIMIT = 200
SHOWN_IN_DRY_RUN = 20  # names, spellings... listed in the dry run before "and N more"


@dataclass
class SheetLayout:
    """Where a sheet's table starts and which column holds which field."""

    name: str
    header_row: int
    mapping: dict[str, str]  # column letter -> field name
    headers: dict[str, str]  # column letter -> header text as written
    ignored: frozenset[str] = frozenset()  # letters the user chose not to import
    header_keys: frozenset[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.header_keys = frozenset(match_key(h) for h in self.headers.values())


@dataclass(slots=True)
class PlannedReview:
    key: str
    title: str
    reference: str
    type_code: str | None  # None: a word that means several types, not yet decided
    existing_id: int | None = None
    notes: str | None = None
    type_word: Word | None = None  # the word the type was read from


@dataclass(slots=True)
class PlannedRecommendation:
    review_key: str
    number: int
    text: str = ""
    theme: str | None = None  # theme key
    response: str | None = None
    response_status: str | None = None
    existing_id: int | None = None


@dataclass(slots=True)
class PlannedAction:
    description: str
    review_keys: tuple[str, ...]
    sheet: str
    cell: str
    key: str  # the description's ``match_key``, by which it is found again
    recommendations: list[tuple[str, int]] = field(default_factory=list)
    # numbers named by a row that names several reviews: linked where each is found
    loose_numbers: list[int] = field(default_factory=list)
    reference: str | None = None
    theme: str | None = None
    agency: str | None = None  # the spelling, settled through the plan's agencies
    lead_officer: str | None = None
    target: ParsedDate | None = None
    rag: str | None = None
    status_code: str = "not_started"
    evidence: str | None = None
    impact: str | None = None
    completed_on: dt.date | None = None
    closure_note: str | None = None  # a completion written imprecisely, as written
    progress: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # cells that fit no field, as "label: text"
    existing_id: int | None = None
    new_progress: list[str] = field(default_factory=list)  # for existing actions

    def notes(self) -> list[str]:
        """The progress notes this action brings: what was kept as text first, then the
        tracker's own progress (which so stays the latest)."""
        kept = [KEPT_NOTE + "\n".join(self.kept)] if self.kept else []
        return kept + self.progress


@dataclass(slots=True)
class PlannedDecision:
    decided_on: dt.date
    outcome: str | None  # list value name; None while its word is undecided
    rationale: str
    criteria_met: bool | None = None
    decided_by: str | None = None
    existing: bool = False
    sheet: str = ""
    cell: str = ""
    word: Word | None = None


@dataclass(slots=True)
class PlannedReferral:
    reference: str
    key: str
    values: dict[str, object] = field(default_factory=dict)
    agency: str | None = None
    notes: list[str] = field(default_factory=list)
    decisions: list[PlannedDecision] = field(default_factory=list)
    existing_id: int | None = None


@dataclass(frozen=True)
class AgencyOutcome:
    """What one spelling will be recorded as: an agency on the list (``agency_id``) or a new
    one (``new_name``); ``how`` says why, ``marked`` that a new one is marked for checking."""

    how: str  # known | similar | confirmed | mapped | same-as | new | named
    agency_id: int | None
    name: str
    marked: bool = False

    @property
    def is_new(self) -> bool:
        return self.agency_id is None


@dataclass(frozen=True)
class WordToDecide:
    """A word that means several things, met in the file and not yet decided."""

    list_kind: str
    word: Word
    cells: tuple[tuple[str, str], ...]  # (sheet, cell)

    @property
    def label(self) -> str:
        return WORD_LIST_LABELS[self.list_kind]


@dataclass
class LegacyImportPlan:
    """What importing a workbook would create; nothing is written until ``apply_import``."""

    path: Path
    kind: str
    sheets: list[SheetLayout]
    mapping_source: str  # "proposed", "saved" or "given"
    progress_date: dt.date
    matcher: AgencyMatcher
    words: Words
    updated_on: dt.date | None = None
    reviews: dict[str, PlannedReview] = field(default_factory=dict)
    themes: dict[str, str] = field(default_factory=dict)  # key -> name
    existing_themes: set[str] = field(default_factory=set)
    recommendations: dict[tuple[str, int], PlannedRecommendation] = field(default_factory=dict)
    actions: list[PlannedAction] = field(default_factory=list)
    referrals: dict[str, PlannedReferral] = field(default_factory=dict)
    agencies: dict[str, AgencyMatch] = field(default_factory=dict)  # spelling key -> match
    # spelling key -> the first cells naming it, and how many do
    agency_cells: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    agency_uses: Counter = field(default_factory=Counter)
    confirmed: set[str] = field(default_factory=set)  # suggestions the user confirmed
    agency_choices: dict[str, str] = field(default_factory=dict)  # spelling key -> what the user said
    word_cells: dict[tuple[str, str], list[tuple[str, str]]] = field(default_factory=dict)
    # doubts found while reading; ``warnings`` adds those about agencies and words
    read_warnings: list[ImportWarning] = field(default_factory=list)
    rows_read: int = 0
    _warned: set[ImportWarning] = field(default_factory=set, init=False, repr=False)
    _spelling_keys: dict[str, str] = field(default_factory=dict, init=False, repr=False)

    @property
    def mapping(self) -> dict[str, str]:
        """The column mapping (letter -> field) of the first imported sheet."""
        return dict(self.sheets[0].mapping) if self.sheets else {}

    def warn(self, sheet: str, cell: str, message: str, kind: str = "check", text: object = "") -> None:
        """Add a doubt; the same one at the same cell (a merged cell) is given once."""
        warning = ImportWarning(sheet, cell, message, kind, "" if text is None else str(text))
        if warning not in self._warned:
            self._warned.add(warning)
            self.read_warnings.append(warning)

    # --- agencies -------------------------------------------------------------------------

    def note_agency(self, spelling: str, sheet: str, cell: str | Callable[[], str]) -> None:
        """A cell (or what says which, when it is needed) names an agency by ``spelling``."""
        key = self._spelling_keys.get(spelling)
        if key is None:
            key = self._spelling_keys[spelling] = match_key(spelling)
            if key not in self.agencies:
                self.agencies[key] = self.matcher.match(spelling)
        self.agency_uses[key] += 1
        cells = self.agency_cells.setdefault(key, [])
        if len(cells) < SHOWN_IN_DRY_RUN:
            cells.append((sheet, cell() if callable(cell) else cell))

    def proposals(self) -> list[AgencyMatch]:
        """Spellings matched only by similarity."""
        return [m for m in self.agencies.values() if m.status == "proposed"]

    def uncertain(self) -> list[AgencyMatch]:
        """Every spelling that is not a name or known spelling of an agency: matched by
        similarity or by nothing. The window offers each to map, make new or merge."""
        return [m for m in self.agencies.values() if m.status != "confirmed"]

    def confirm_agency(self, spelling: str) -> None:
        """The user agrees that ``spelling`` means the suggested agency."""
        key = match_key(spelling)
        if key not in self.agencies or self.agencies[key].status != "proposed":
            raise UserError(f"'{clean(spelling)}' is not one of the proposed agency spellings.")
        self.confirmed.add(key)
        self.agency_choices.pop(key, None)

    def confirm_proposals(self) -> list[AgencyMatch]:
        """The suggestions good enough to take without asking (as ``--yes`` and the window's
        default do): close, and not a near tie."""
        return [m for m in self.proposals() if m.auto_confirmable and match_key(m.spelling) not in self.agency_choices]

    def map_agency(self, spelling: str, target: str | None) -> AgencyOutcome:
        """Record ``spelling`` as ``target``: an agency on the list (by name or spelling),
        another spelling met in this file (one agency for both), or a new agency of that name
        (the spelling itself: a new agency as written). None forgets the choice."""
        key = match_key(spelling)
        if key not in self.agencies:
            raise UserError(f"'{clean(spelling)}' is not an agency spelling in {self.path.name}.")
        self.confirmed.discard(key)
        if target is None or not clean(target):
            self.agency_choices.pop(key, None)
        else:
            if len(clean(target)) > AGENCY_NAME_LIMIT:
                raise UserError(f"An agency's name is at most {AGENCY_NAME_LIMIT} characters.")
            self.agency_choices[key] = clean(target)
        return self.agency_outcome(spelling)

    def agency_outcome(self, spelling: str | None, _seen: frozenset[str] = frozenset()) -> AgencyOutcome | None:
        """What ``spelling`` will be recorded as (see the module's rules); None for a blank."""
        key = match_key(spelling)
        match = self.agencies.get(key)
        if match is None:
            return None
        if match.confirmed:
            return AgencyOutcome("known", match.agency_id, match.agency_name)
        if key in self.confirmed:
            return AgencyOutcome("confirmed", match.agency_id, match.agency_name)
        choice = self.agency_choices.get(key)
        if choice is not None:
            named = self.matcher.agency_named(choice)
            if named is not None:
                return AgencyOutcome("mapped", *named)
            other = match_key(choice)
            if other != key and other in self.agencies and other not in _seen:
                merged = self.agency_outcome(choice, _seen | {key})
                return AgencyOutcome("same-as", merged.agency_id, merged.name, merged.marked)
            return AgencyOutcome("named", None, choice)
        if key in {match_key(target) for target in self.agency_choices.values()}:
            # the name the user gave another spelling's new agency: that agency
            return AgencyOutcome("same-as", None, match.spelling[:AGENCY_NAME_LIMIT])
        if match.auto_confirmable:
            return AgencyOutcome("similar", match.agency_id, match.agency_name)
        return AgencyOutcome("new", None, match.spelling[:AGENCY_NAME_LIMIT], marked=True)

    def agency_id(self, spelling: str | None) -> int | None:
        """The agency on the list a spelling will be recorded as (None: blank, or a new one)."""
        outcome = self.agency_outcome(spelling)
        return outcome.agency_id if outcome else None

    def agency_warnings(self) -> list[ImportWarning]:
        """One doubt for every spelling settled without the user's word."""
        out = []
        for key, match in self.agencies.items():
            outcome = self.agency_outcome(match.spelling)
            if outcome.how not in ("similar", "new"):
                continue
            cells = self.agency_cells.get(key, [])
            sheet, first = cells[0] if cells else ("", "")
            where = cells_text([c for _, c in cells], self.agency_uses[key])
            if outcome.how == "similar":
                text = (f"'{match.spelling}' is read as {match.agency_name} (similar, score {match.score:.0f}) in "
                        f"{where}, and remembered as its spelling.")
                out.append(ImportWarning(sheet, first, text, AGENCY_SIMILAR, match.spelling))
                continue
            best = ", ".join(f"{name} ({score:.0f})" for name, score in match.best)
            text = (f"'{match.spelling}' is not on the agency list; a new agency '{outcome.name}' is made for "
                    f"{where}, marked '{NEW_AGENCY_SECTOR}'"
                    + (f" (closest: {best}{'; near tie' if match.tied else ''})" if best else "")
                    + ". If it is an agency on the list, map it to that one.")
            out.append(ImportWarning(sheet, first, text, AGENCY_NEW, match.spelling))
        return out

    # --- words ----------------------------------------------------------------------------

    def note_word(self, list_kind: str, word: Word, sheet: str, cell: str) -> None:
        """A cell holds ``word``, which means several things and is not decided."""
        self.word_cells.setdefault((list_kind, match_key(word.word)), []).append((sheet, cell))

    def words_to_decide(self) -> list[WordToDecide]:
        """The words met that mean several things and have not been decided."""
        out = []
        for (list_kind, key), cells in self.word_cells.items():
            if (list_kind, key) in self.words.decided:
                continue
            word = next(w for w in self.words.ambiguous_words(list_kind) if match_key(w.word) == key)
            out.append(WordToDecide(list_kind, word, tuple(cells)))
        return out

    def word_warnings(self) -> list[ImportWarning]:
        out = []
        for found in self.words_to_decide():
            sheet, first = found.cells[0]
            where = short_list([c for _, c in found.cells], 10)
            out.append(ImportWarning(
                sheet, first, f"'{found.word.word}' could mean {' or '.join(found.word.meanings)} ({where}); "
                f"say which before importing (--word \"{found.word.word}={found.word.meanings[-1]}\").",
                WORD_TO_DECIDE, found.word.word))
        return out

    # --- the dry run ----------------------------------------------------------------------

    @property
    def warnings(self) -> list[ImportWarning]:
        """Every doubt, by sheet and cell: words to decide, those found reading, then agency
        spellings settled without the user (so mapping one removes its doubt)."""
        return self.word_warnings() + self.read_warnings + self.agency_warnings()

    def describe(self) -> str:
        """The dry run: what would be created or found again, the columns, the agencies and
        the doubts counted by kind with the first few of each."""
        lines = [f"Dry run: importing {self.path.name} as {KIND_NAMES[self.kind]}. Nothing has been written."]
        for sheet in self.sheets:
            columns = ", ".join(f"{letter} {sheet.headers.get(letter, '')!r} -> {name}"
                                for letter, name in sheet.mapping.items())
            lines.append(f"Sheet '{sheet.name}': header on row {sheet.header_row}; "
                         f"columns ({self.mapping_source}): {columns}.")
        lines.append(f"{self.rows_read:,} rows read.")
        lines.append("")
        lines.extend(_count_lines(self.counts()))
        lines.extend(self._new_names())
        if self.kind == ACTION_PLAN and any(a.progress or a.new_progress for a in self.actions):
            source = ("the 'Updated:' row" if self.updated_on else
                      "today; the workbook has no 'Updated:' row")
            lines.append(f"Progress notes will be dated {self.progress_date:%d/%m/%Y} ({source}).")
        lines.extend(self._agency_lines())
        lines.append("")
        lines.extend(summary_lines(self.warnings))
        return "\n".join(lines)

    def _agency_lines(self) -> list[str]:
        settled = [(m, self.agency_outcome(m.spelling)) for m in self.uncertain()]
        lines = []
        for match, outcome in settled[:SHOWN_IN_DRY_RUN]:
            if outcome.is_new:
                lines.append(f"Agency spelling '{match.spelling}' will be a new agency '{outcome.name}'"
                             + (f" (marked '{NEW_AGENCY_SECTOR}')." if outcome.marked else "."))
            else:
                lines.append(f"Agency spelling '{match.spelling}' will be remembered as {outcome.name}.")
        if len(settled) > SHOWN_IN_DRY_RUN:
            lines.append(f"... and {len(settled) - SHOWN_IN_DRY_RUN:,} more agency spellings.")
        return lines

    def _new_names(self) -> list[str]:
        if self.kind == ACTION_PLAN:
            named = {"New reviews": [r.title for r in self.reviews.values() if r.existing_id is None],
                     "New themes": [n for k, n in self.themes.items() if k not in self.existing_themes]}
        else:
            named = {"New referrals": [r.reference for r in self.referrals.values() if r.existing_id is None]}
        return [f"{label}: {short_list(names)}." for label, names in named.items() if names]

    def new_agencies(self) -> dict[str, tuple[str, bool]]:
        """Name key -> (name, marked) of each agency the import would make."""
        made: dict[str, tuple[str, bool]] = {}
        for match in self.uncertain():
            outcome = self.agency_outcome(match.spelling)
            if outcome.is_new:
                made.setdefault(match_key(outcome.name), (outcome.name, outcome.marked))
        return made

    def counts(self) -> dict[str, tuple[int, int]]:
        """Record kind -> (would create, already present)."""
        def split(items, is_new):
            items = list(items)
            new = sum(1 for i in items if is_new(i))
            return new, len(items) - new
        counts = {}
        if self.kind == ACTION_PLAN:
            counts["reviews"] = split(self.reviews.values(), lambda r: r.existing_id is None)
            counts["themes"] = split(self.themes, lambda k: k not in self.existing_themes)
            counts["recommendations"] = split(self.recommendations.values(), lambda r: r.existing_id is None)
            counts["actions"] = split(self.actions, lambda a: a.existing_id is None)
            new_notes = sum(len(a.notes()) for a in self.actions if a.existing_id is None)
            counts["progress notes"] = (new_notes + sum(len(a.new_progress) for a in self.actions), 0)
            counts["links from actions to recommendations"] = (
                sum(len(a.recommendations) for a in self.actions if a.existing_id is None), 0)
        else:
            counts["referrals"] = split(self.referrals.values(), lambda r: r.existing_id is None)
            decisions = [d for r in self.referrals.values() for d in r.decisions]
            counts["decisions"] = split(decisions, lambda d: not d.existing)
        counts["agencies"] = (len(self.new_agencies()), 0)
        remembered = [m for m in self.uncertain() if match_key(m.spelling) != match_key(
            self.agency_outcome(m.spelling).name)]
        counts["agency aliases"] = (len(remembered), 0)
        return counts


def cells_text(cells: list[str], uses: int, limit: int = 10) -> str:
    """"G10, G12 and 1,234 more": the first cells of ``uses`` naming one thing."""
    shown = ", ".join(cells[:limit])
    return shown + (f" and {uses - min(len(cells), limit):,} more" if uses > min(len(cells), limit) else "")


def short_list(items: list, limit: int = SHOWN_IN_DRY_RUN) -> str:
    """Items joined by commas, the first ``limit`` of them, then "and N more"."""
    shown = ", ".join(str(i) for i in items[:limit])
    return shown + (f" and {len(items) - limit:,} more" if len(items) > limit else "")


def _count_lines(counts: dict[str, tuple[int, int]]) -> list[str]:
    width = max(len(name) for name in counts)
    lines = [f"{'':{width}}  would create  already present (skipped)"]
    lines += [f"{name:{width}}  {new:12,}  {old:12,}" for name, (new, old) in counts.items()]
    return lines

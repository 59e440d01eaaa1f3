"""Reading a hand-kept tracker's rows into a ``LegacyImportPlan`` (``app.excel.legacy``).

How a sheet is read:

- the header row is the row (among the first ``HEADER_SCAN_ROWS``) naming most known
  columns; the rows above it are a title and are listed as skipped, and an "Updated:" date
  there dates the progress notes (today when there is none);
- a merged cell's value counts for every row it covers; a blank review, theme,
  recommendation number or text cell means "the same as the row above";
- blank rows (spacers), legend rows ("Key: R = off track") and repeated header rows are
  skipped, each listed; a row holding only a heading ("Theme 2 - Neglect") starts a theme;
- every other cell ends up in a field or, where it cannot be understood, as text kept beside
  its record (an action's note, a referral's notes), with a doubt saying so: a column that is
  no field, a second agency in the lead agency cell, a RAG that is not a RAG, a status or
  decision nobody wrote a word for, text cut to fit a field (the whole of it is kept);
- RAG comes from the cell's text, else its fill colour; text and colour that disagree keep
  the text, and a RAG with neither is left unset; both are doubts;
- dates are read day first (``parsing.parse_uk_date``). A month, quarter or year means its
  last day and is kept as written (an action's target text, a referral's notes, the closure
  note of an action completed then): a doubt. An action completed on such a date is
  complete. Ongoing, TBC and text that is no date set no date and are kept as written;
- review types, statuses, RAG ratings, decisions and categories are read through the office's
  words (``app.word_aliases``); a word meaning several things is a word to decide.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.dates import DAY, NONE, format_date
from app.excel.import_doubts import (CHECK, DATE_NOT_EXACT, KEPT_AS_TEXT, NOT_A_DATE, RAG_DISAGREES,
                                     RAG_MISSING, RAG_UNREAD, ROW_SKIPPED, WORD_UNKNOWN)
from app.excel.legacy_plan import (ACTION_PLAN, REFERRAL_REGISTER, LegacyImportPlan, PlannedAction,
                                   PlannedDecision, PlannedRecommendation, PlannedReferral, PlannedReview, SheetLayout)
from app.excel.parsing import ParsedDate, parse_number_list, parse_uk_date, rag_from_fill, split_multi
from app.excel.tracker_book import SheetData
from app.excel.workbook_guard import column_letters, column_number
from app.services.decisions import decision_date_problem
from app.text import clean, match_key
from app.word_aliases import (ACTION_STATUS_WORDS, CATEGORY_WORDS, DECISION_WORDS, RAG_WORDS, REVIEW_TYPE_WORDS,
                              Reading)
from db.models import (Action, Decision, ListItem, ListKind, ProgressUpdate, Recommendation, Referral, Review,
                       Theme, action_recommendation)

HEADER_SCAN_ROWS = 30
MIN_HEADER_FIELDS = 3
PROGRESS_EVERY = 2000  # rows between progress reports

# field -> header spellings seen in real trackers (compared ignoring case and punctuation)
ACTION_PLAN_FIELDS: dict[str, tuple[str, ...]] = {
    "review": ("review", "source review", "scr", "case", "source", "review name",
               "serious case review", "source of recommendation", "reviews"),
    "theme": ("theme", "themes", "learning theme", "area", "priority"),
    "rec_number": ("rec no", "rec", "recs", "rec number", "recommendation no",
                   "recommendation number", "recommendation numbers", "no", "number",
                   "rec nos", "recommendation ref"),
    "recommendation": ("recommendation", "recommendations", "recommendation text",
                       "scr recommendation"),
    "response": ("response", "lscb response", "board response", "partnership response",
                 "agency response"),
    "action": ("action", "actions", "action to be taken", "actions to be taken",
               "action required", "actions required", "agreed action", "what will be done"),
    "action_ref": ("action ref", "action no", "action number"),
    "lead_agency": ("lead agency", "agency", "agencies", "responsible agency", "lead"),
    "lead_officer": ("lead officer", "responsible officer", "officer", "owner", "lead person",
                     "named lead"),
    "target_date": ("target date", "target", "timescale", "timescales", "by when",
                    "deadline", "due date", "completion date target"),
    "rag": ("rag", "rag rating", "rag status", "rating"),
    "status": ("status", "progress status", "current status"),
    "progress": ("progress", "progress update", "update", "updates", "comments",
                 "progress to date", "latest update"),
    "evidence": ("evidence", "evidence of completion", "evidence required",
                 "outcome evidence"),
    "impact": ("evidence of impact", "impact", "outcome", "impact measures"),
    "completed_on": ("date completed", "completed", "completion date", "date closed"),
}
REFERRAL_FIELDS: dict[str, tuple[str, ...]] = {
    "reference": ("ref", "reference", "ref no", "referral ref", "referral no", "case ref"),
    "date_referred": ("date referred", "date of referral", "referral date", "date received",
                      "received"),
    "referring_agency": ("referring agency", "referred by", "referrer", "agency"),
    "subject": ("subject", "child", "child family", "family", "case name"),
    "summary": ("summary", "brief summary", "description", "incident", "case summary",
                "circumstances"),
    "location": ("location", "area", "town", "locality"),
    "gender": ("gender", "sex"),
    "age": ("age", "age of child", "ages"),
    "category": ("category", "type", "incident type", "type of incident"),
    "decision": ("decision", "decisions", "outcome", "sub group decision", "recommendation",
                 "decision outcome"),
    "decision_date": ("decision date", "date of decision", "date considered", "meeting date",
                      "date decided"),
    "decided_by": ("decided by", "decision by"),
    "status": ("status", "current status", "review status"),
    "notification": ("ofsted notified", "notification", "date notified",
                     "notification sent", "national panel notified"),
    "notes": ("notes", "comments", "other information"),
}
FIELDS = {ACTION_PLAN: ACTION_PLAN_FIELDS, REFERRAL_REGISTER: REFERRAL_FIELDS}
# A sheet is a tracker of a kind when its header names one of these fields.
KEY_FIELDS = {ACTION_PLAN: ("action", "recommendation"), REFERRAL_REGISTER: ("reference",)}
# Fields an action row gives the action itself (a row giving one but no action text still
# holds an action).
_ACTION_FIELDS = ("action_ref", "lead_agency", "lead_officer", "target_date", "rag", "status", "progress",
                  "evidence", "impact", "completed_on")
_LABELS = {"rec_number": "Recommendation number", "action_ref": "Action reference", "rag": "RAG",
           "completed_on": "Date completed", "target_date": "Target date", "date_referred": "Date referred",
           "decision_date": "Date of decision", "notification": "Notification sent", "age": "Age"}

_REVIEW_NOISE = re.compile(r"\b(?:scr|lcspr|serious case review|review|the)\b|[()\[\].,:\-]")
_THEME_PREFIX = re.compile(r"^theme\s*\d*\s*[:.\-\u2013\u2014]?\s*", re.IGNORECASE)
_LEGEND_START = re.compile(r"^(?:key|legend|notes?|rag(?:\s+(?:key|rating|status))?)\s*[:=\-]",
                           re.IGNORECASE)
_RAG_LEGEND = re.compile(r"^(?:red|amber|green|blue|r|a|g|b)\s*(?:[:=\-]|$)", re.IGNORECASE)
_UPDATED = re.compile(r"^(?:last\s+)?(?:updated|date updated|update)\s*(?:on)?\s*[:\-]?\s*(.*)$",
                      re.IGNORECASE)
_DATE_IN_TEXT = (
    re.compile(r"\b\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{2,4}\b"),
    re.compile(r"\b\d{1,2}\s*(?:st|nd|rd|th)?\s+(?:of\s+)?[A-Za-z]{3,9}\.?,?\s+\d{4}\b"),
    re.compile(r"\b[A-Za-z]{3,9}\.?\s+\d{4}\b"),
    re.compile(r"\b\d{1,2}/\d{4}\b"),
)
_DECISION_SEPARATORS = re.compile(r"[\n;]+|->|\u2192|\bthen\b", re.IGNORECASE)
_GENDERS = {"m": "Male", "f": "Female", "male": "Male", "female": "Female", "both": "Both"}


# --- cell text ------------------------------------------------------------------------------

def text_of(value: object) -> str:
    """Cell text as written (line breaks kept; non-breaking and stray spaces tidied)."""
    if value is None or value == "":
        return ""
    if type(value) is str:
        # Most cells are plain one-line text: nothing to tidy.
        if value.isascii() and value.isprintable() and "  " not in value and value[0] != " " and value[-1] != " ":
            return value
    elif isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y")
    elif isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    elif isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFKC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()


def _header_key(value: object) -> str:
    text = re.sub(r"\(.*?\)", " ", text_of(value))
    return " ".join(re.findall(r"[a-z0-9]+", match_key(text)))


_EXACT = {kind: {s: name for name, spellings in fields.items() for s in spellings}
          for kind, fields in FIELDS.items()}
# For "Target date (dd/mm/yy)" or "Progress update March 2017": longest spelling first.
_PREFIXES = {kind: sorted(((s, name) for s, name in exact.items() if len(s) > 3), key=lambda pair: -len(pair[0]))
             for kind, exact in _EXACT.items()}


def field_for_header(kind: str, value: object) -> str | None:
    key = _header_key(value)
    if not key or key in _EXACT[kind]:
        return _EXACT[kind].get(key)
    return next((name for spelling, name in _PREFIXES[kind] if key.startswith(spelling + " ")), None)


def propose_mapping(kind: str, values: list) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for index, value in enumerate(values):
        if value == "" or value is None:
            continue
        name = field_for_header(kind, value)
        if name and name not in mapping.values():
            mapping[column_letters(index + 1)] = name
    return mapping


def find_header(rows: list[tuple[int, list]], kind: str) -> tuple[int, dict[str, str]] | None:
    """(row number, proposed mapping) of the row naming most known columns, or None."""
    best: tuple[int, dict[str, str]] | None = None
    for number, values in rows[:HEADER_SCAN_ROWS]:
        mapping = propose_mapping(kind, values)
        if len(mapping) < MIN_HEADER_FIELDS or not any(f in mapping.values() for f in KEY_FIELDS[kind]):
            continue
        if best is None or len(mapping) > len(best[1]):
            best = (number, mapping)
    return best


def header_score(rows: list[tuple[int, list]], kind: str) -> int:
    found = find_header(rows, kind)
    return len(found[1]) if found else 0


def headers_of(rows: list[tuple[int, list]], header_row: int) -> dict[str, str]:
    values = next((v for n, v in rows if n == header_row), [])
    return {column_letters(i + 1): text_of(v) for i, v in enumerate(values) if text_of(v)}


def updated_on(rows: list[tuple[int, list]], header_row: int) -> dt.date | None:
    """The date of an "Updated: 14/03/2017" row above the header, if any."""
    for number, values in rows:
        if number >= header_row:
            break
        cells = [v for v in values if v != ""]
        for i, value in enumerate(cells):
            if isinstance(value, str) and (m := _UPDATED.match(clean(value))):
                for candidate in ([m[1]] if m[1] else []) + cells[i + 1:i + 2]:
                    parsed = parse_uk_date(candidate)
                    if parsed.date and parsed.precision == DAY:
                        return parsed.date
    return None


# --- rows -------------------------------------------------------------------------------------

@dataclass(slots=True)
class Row:
    """One table row: values by field (merged cells filled down), the cells left over, and
    where each came from."""

    number: int
    values: dict[str, object]
    sources: dict[str, tuple[int, int]]  # field -> (row, column index) of a merged cell's top
    letters: dict[str, str]
    rag_fill: str | None
    texts: list  # every non-blank cell of the row (not filled down)
    wide_merge: bool
    extra: list[tuple[int, object]]  # (column index, value) of cells in no field
    _read: dict[str, str] = field(default_factory=dict)

    def text(self, name: str) -> str:
        found = self._read.get(name)
        if found is None:
            found = self._read[name] = text_of(self.values.get(name))
        return found

    def line(self, name: str) -> str:
        text = self.text(name)
        return clean(text) if "\n" in text else text  # text_of has tidied each line already

    def cell(self, name: str) -> str:
        letter = self.letters.get(name)
        if letter is None:
            return f"row {self.number}"
        source = self.sources.get(name)
        return f"{letter}{source[0]}" if source else f"{letter}{self.number}"


class RowReader:
    """The rows of one sheet under its layout, merged cells filled down."""

    def __init__(self, sheet: SheetData, layout: SheetLayout):
        self.sheet = sheet
        self.layout = layout
        self.columns = [(column_number(letter) - 1, name, letter) for letter, name in layout.mapping.items()]
        self.mapped = {index for index, _, _ in self.columns}
        self.ignored = {column_number(letter) - 1 for letter in layout.ignored}
        self.covered, self.wide_rows = sheet.merges()
        self.tops = set(self.covered.values())
        rag = next((index for index, name, _ in self.columns if name == "rag"), None)
        self.fills = sheet.fills(rag) if rag is not None else {}
        self.letters = {name: letter for _, name, letter in self.columns}

    def rows(self, progress: Callable[[int], None] | None = None) -> Iterator[Row]:
        top_values: dict[tuple[int, int], object] = {}
        covered, tops, fills = self.covered, self.tops, self.fills
        for number, values in self.sheet.rows(self.layout.header_row + 1):
            if progress is not None and number % PROGRESS_EVERY == 0:
                progress(number)
            width = len(values)
            by_field: dict[str, object] = {}
            sources: dict[str, tuple[int, int]] = {}
            rag_fill = None
            written = 0  # mapped cells holding a value on this row itself
            for index, name, _ in self.columns:
                value = values[index] if index < width else ""
                if value != "":
                    written += 1
                if tops and (number, index) in tops:
                    top_values[(number, index)] = value
                if covered and (number, index) in covered:
                    source = covered[(number, index)]
                    value = top_values.get(source, "")
                    sources[name] = source
                    if name == "rag":
                        rag_fill = fills.get(source[0])
                elif name == "rag":
                    rag_fill = fills.get(number)
                by_field[name] = value
            texts = [v for v in values if v != ""]
            extra = ([(i, v) for i, v in enumerate(values) if v != "" and i not in self.mapped and i not in self.ignored]
                     if len(texts) > written else [])
            yield Row(number, by_field, sources, self.letters, rag_fill, texts, number in self.wide_rows, extra)

    def label(self, index: int) -> str:
        """A column that is no field, as its header names it."""
        letter = column_letters(index + 1)
        header = self.layout.headers.get(letter)
        return f"{header} (column {letter})" if header else f"Column {letter}"


def _is_legend(row: Row) -> bool:
    """A key to the tracker's colours or codes, kept beside or below the table."""
    if not row.texts or len(row.texts) > 4:
        return False
    first = text_of(row.texts[0])
    if _LEGEND_START.match(first):
        return True
    # "Red", "Amber", "Green" (or "R = off track", "G = on track") side by side
    return len(row.texts) > 1 and all(_RAG_LEGEND.match(text_of(t)) for t in row.texts)


def _is_repeated_header(layout: SheetLayout, row: Row) -> bool:
    """The header again (trackers printed over several pages repeat it): words only."""
    if len(row.texts) < 2 or len(row.texts) > len(layout.headers):
        return False
    if not all(type(text) is str for text in row.texts):
        return False
    if match_key(text_of(row.texts[0])) not in layout.header_keys:
        return False
    return all(match_key(text_of(text)) in layout.header_keys for text in row.texts)


class _Skipped:
    """Blank, legend and repeated header rows: skipped and listed (a run of blank rows once)."""

    def __init__(self, plan: LegacyImportPlan, layout: SheetLayout):
        self.plan = plan
        self.layout = layout
        self.blank_from: int | None = None
        self.blank_to = 0

    def __call__(self, row: Row) -> bool:
        if not row.texts:
            if self.blank_from is None:
                self.blank_from = row.number
            self.blank_to = row.number
            return True
        self.flush()
        if _is_legend(row):
            shown = "; ".join(text_of(t) for t in row.texts)
            self.plan.warn(self.layout.name, f"row {row.number}", "looks like a legend or key; skipped.",
                           ROW_SKIPPED, shown)
            return True
        if _is_repeated_header(self.layout, row):
            self.plan.warn(self.layout.name, f"row {row.number}", "repeats the header row; skipped.", ROW_SKIPPED,
                           "; ".join(text_of(t) for t in row.texts))
            return True
        return False

    def flush(self) -> None:
        if self.blank_from is None:
            return
        first, last = self.blank_from, self.blank_to
        where = f"row {first}" if first == last else f"rows {first}-{last}"
        self.plan.warn(self.layout.name, where, f"{'is' if first == last else 'are'} blank (a spacer); skipped.",
                       ROW_SKIPPED)
        self.blank_from = None


def skip_title_rows(plan: LegacyImportPlan, layout: SheetLayout, rows: list[tuple[int, list]]) -> None:
    """List the rows above the header holding anything: a title, an "Updated:" line."""
    for number, values in rows:
        if number >= layout.header_row:
            break
        texts = [text_of(v) for v in values if v != ""]
        if texts:
            plan.warn(layout.name, f"row {number}", "is above the header row (a title); not imported.",
                      ROW_SKIPPED, "; ".join(texts))


# --- shared helpers -------------------------------------------------------------------------

Cell = str | Callable[[], str]  # a cell ("D14"), or what says it when a doubt needs it


def where(cell: Cell) -> str:
    return cell() if callable(cell) else cell


def at(row: Row, name: str) -> Callable[[], str]:
    """Row ``row``'s cell of field ``name``, worked out only if a doubt names it."""
    return partial(row.cell, name)


class _Reader:
    """What both readers share: the plan, caches of what is read many times, kept text."""

    def __init__(self, plan: LegacyImportPlan, progress: Callable[[int, int, str], None] | None):
        self.plan = plan
        self.words = plan.words
        self._progress = progress
        self._dates: dict[object, ParsedDate] = {}
        self.today = dt.date.today()

    def progress(self, sheet: str, total: int) -> Callable[[int], None] | None:
        if self._progress is None:
            return None
        return lambda number: self._progress(number, total, f"Reading '{sheet}': row {number:,} of {total:,}…")

    def date(self, value: object) -> ParsedDate:
        key = (type(value), value)
        found = self._dates.get(key)
        if found is None:
            found = self._dates[key] = parse_uk_date(value)
        return found

    def fit(self, sheet: str, cell: Cell, text: str, limit: int, label: str, kept: list[str]) -> str:
        """``text`` cut to ``limit`` characters; the whole of it kept beside, with a doubt."""
        if len(text) <= limit:
            return text
        self.plan.warn(sheet, where(cell), f"the {label} is {len(text):,} characters long; the first {limit} are in the "
                       "field and the whole of it is kept beside the record.", KEPT_AS_TEXT, text[:200])
        kept.append(f"{label.capitalize()} (as written): {text}")
        return text[:limit]

    def word(self, list_kind: str, text: str, sheet: str, cell: Cell) -> Reading:
        """``text`` read through the office's words; a word to decide is noted."""
        reading = self.words.read(list_kind, text)
        if reading.ambiguous:
            self.plan.note_word(list_kind, reading.word, sheet, where(cell))
        return reading

    def keep_extra(self, reader: RowReader, row: Row, sheet: str, kept: list[str]) -> None:
        for index, value in row.extra:
            label = reader.label(index)
            kept.append(f"{label}: {text_of(value)}")
            self.plan.warn(sheet, f"{column_letters(index + 1)}{row.number}", f"{label} is not a field; the value "
                           "is kept as text beside the record.", KEPT_AS_TEXT, text_of(value))

    def date_doubt(self, sheet: str, cell: Cell, parsed: ParsedDate, label: str, kept_in: str) -> None:
        """The doubt a date that is not an exact day leaves; ``kept_in`` says where its text is."""
        if parsed.precision == DAY or parsed.is_blank:
            return
        cell = where(cell)
        if parsed.precision == NONE:
            self.plan.warn(sheet, cell, f"'{parsed.text}' sets no {label}; kept as written in {kept_in}.",
                           DATE_NOT_EXACT, parsed.text)
        elif parsed.date is None:
            self.plan.warn(sheet, cell, f"{parsed.warning.replace('; kept as text.', '')}; kept as written in "
                           f"{kept_in}.", NOT_A_DATE, parsed.text)
        else:
            self.plan.warn(sheet, cell, f"{parsed.warning.rstrip('.')}; kept as written in {kept_in}.",
                           DATE_NOT_EXACT, parsed.text)


# --- what the database already holds --------------------------------------------------------

def review_key(text: str) -> str:
    key = " ".join(_REVIEW_NOISE.sub(" ", match_key(text)).split())
    return key or match_key(text)


def reference_key(text: str) -> str:
    return "".join(match_key(text).split())


def _note_key(text: str) -> bytes:
    # A digest, not the text: progress notes can be long and there can be 100,000 of them.
    return hashlib.blake2b(match_key(text).encode("utf-8"), digest_size=16).digest()


class Existing:
    """What the database already holds, loaded once as plain values (not ORM objects, so a
    database of 100,000 actions stays small in memory), for matching planned records."""

    def __init__(self, session: Session, kind: str):
        self.reviews: dict[str, int] = {}
        self.themes: dict[str, int] = {match_key(name): theme_id for theme_id, name
                                       in session.execute(select(Theme.id, Theme.name))}
        self.recommendations: dict[tuple[int, int], int] = {}
        self.rec_texts: dict[tuple[int, str], int] = {}
        self.max_number: Counter = Counter()
        self.actions: dict[str, list[tuple[int, frozenset[int]]]] = {}
        self.notes: dict[int, set[bytes]] = {}
        self.referrals: dict[str, int] = {}
        self.referred_on: dict[int, dt.date | None] = {}
        self.decisions: set[tuple[int, dt.date, int]] = set()
        if kind == ACTION_PLAN:
            self._load_plan(session)
        else:
            self._load_register(session)

    def _load_plan(self, session: Session) -> None:
        for review_id, reference, title in session.execute(select(Review.id, Review.reference, Review.title)):
            for text in (reference, title):
                self.reviews.setdefault(review_key(text), review_id)
        for rec_id, review_id, number, text in session.execute(select(
                Recommendation.id, Recommendation.review_id, Recommendation.number, Recommendation.text)):
            self.recommendations[(review_id, number)] = rec_id
            self.rec_texts.setdefault((review_id, match_key(text)), number)
            self.max_number[review_id] = max(self.max_number[review_id], number)
        linked: dict[int, set[int]] = {}
        for action_id, review_id in session.execute(
                select(action_recommendation.c.action_id, Recommendation.review_id)
                .join(Recommendation, Recommendation.id == action_recommendation.c.recommendation_id)):
            linked.setdefault(action_id, set()).add(review_id)
        for action_id, description in session.execute(select(Action.id, Action.description)):
            self.actions.setdefault(match_key(description), []).append(
                (action_id, frozenset(linked.get(action_id, ()))))
        for action_id, text in session.execute(select(ProgressUpdate.action_id, ProgressUpdate.text)):
            self.notes.setdefault(action_id, set()).add(_note_key(text))

    def _load_register(self, session: Session) -> None:
        for referral_id, reference, referred in session.execute(
                select(Referral.id, Referral.reference, Referral.date_referred)):
            self.referrals[reference_key(reference)] = referral_id
            self.referred_on[referral_id] = referred
        self.decisions = {tuple(row) for row in session.execute(
            select(Decision.referral_id, Decision.decided_on, Decision.outcome_id))}

    def action_id(self, key: str, review_ids: set[int], unlinked: bool) -> int | None:
        """The action found again for one with description key ``key`` (``match_key``)."""
        for action_id, linked in self.actions.get(key, []):
            if (linked & review_ids) or (unlinked and not linked):
                return action_id
        return None

    def new_notes(self, action_id: int, texts: list[str]) -> list[str]:
        """The progress notes the action does not have yet (same text, any date)."""
        known = self.notes.setdefault(action_id, set())
        new = [t for t in texts if _note_key(t) not in known]
        known.update(_note_key(t) for t in new)
        return new


# --- action plans -----------------------------------------------------------------------------

@dataclass
class _Context:
    """What blank cells inherit from the rows above (merged or "same as above")."""

    reviews: list[str] = field(default_factory=list)
    theme: str | None = None
    numbers: list[int] = field(default_factory=list)
    rec_text: str = ""


class ActionPlanReader(_Reader):
    """Builds an action plan's part of a ``LegacyImportPlan`` from its rows."""

    def __init__(self, session: Session, plan: LegacyImportPlan, progress=None):
        super().__init__(plan, progress)
        self.existing = Existing(session, ACTION_PLAN)
        self.type_codes = {i.name: i.code for i in session.scalars(
            select(ListItem).where(ListItem.kind == ListKind.REVIEW_TYPE))}
        self.status_codes = {i.name: i.code for i in session.scalars(
            select(ListItem).where(ListItem.kind == ListKind.ACTION_STATUS))}
        self.seen: dict[tuple[frozenset[str], str], tuple[PlannedAction, tuple, int]] = {}
        self._review_keys: dict[str, str] = {}
        self._numbers: dict[object, object] = {}
        self._agencies: dict[str, list[str]] = {}

    def read_sheet(self, sheet: SheetData, layout: SheetLayout, total: int) -> None:
        name = layout.name
        ctx = _Context()
        if "review" not in layout.mapping.values():
            ctx.reviews = [self._review(name, "A1", name)]
            self.plan.warn(name, f"row {layout.header_row}", "there is no review column; everything on this sheet "
                           f"is filed under review '{name}' (the sheet's name).")
        if "rag" not in layout.mapping.values():
            self.plan.warn(name, f"row {layout.header_row}", "there is no RAG column; every action's RAG rating is "
                           "left unset.", RAG_MISSING)
        reader = RowReader(sheet, layout)
        skipped = _Skipped(self.plan, layout)
        for row in reader.rows(self.progress(name, total)):
            self.plan.rows_read += 1
            if skipped(row):
                continue
            if len(row.texts) == 1 and not row.line("action") and (
                    row.wide_merge or _THEME_PREFIX.match(text_of(row.texts[0]))):
                ctx.theme = self._theme(_theme_name(text_of(row.texts[0])))
                continue
            self._read_row(reader, row, ctx)
        skipped.flush()

    def finish(self) -> None:
        """Resolve what needs the whole file: numbers named in rows naming several reviews."""
        for action in self.plan.actions:
            for number in action.loose_numbers:
                found = [(k, number) for k in action.review_keys
                         if (k, number) in self.plan.recommendations or self._existing_rec(k, number)]
                if not found:
                    titles = " or ".join(repr(self.plan.reviews[k].title) for k in action.review_keys)
                    self.plan.warn(action.sheet, action.cell, f"recommendation {number} of {titles} is not in the "
                                   "tracker or the database; the action is not linked to it (the number is kept "
                                   "beside the action).", KEPT_AS_TEXT, str(number))
                    action.kept.append(f"Recommendation {number} of {titles}")
                for ref in found:
                    if ref not in action.recommendations:
                        action.recommendations.append(ref)
                    if ref not in self.plan.recommendations:
                        self.plan.recommendations[ref] = PlannedRecommendation(
                            ref[0], number, existing_id=self._existing_rec(*ref))
            self._match_existing_action(action)

    # rows

    def _read_row(self, reader: RowReader, row: Row, ctx: _Context) -> None:
        plan, sheet = self.plan, reader.layout.name
        kept: list[str] = []
        if row.line("review"):
            reviews = [self._review(sheet, at(row, "review"), name) for name in self._split(row.text("review"))]
            if reviews != ctx.reviews:
                ctx.reviews, ctx.numbers, ctx.rec_text = reviews, [], ""
        if row.line("theme"):
            ctx.theme = self._theme(_theme_name(row.line("theme")))
        if not ctx.reviews:
            ctx.reviews = [self._review(sheet, row.cell("review"), sheet)]
            plan.warn(sheet, row.cell("review"), f"no review is named on or above this row; it is filed under "
                      f"review '{sheet}' (the sheet's name).")
        self._read_recommendation(sheet, row, ctx, kept)
        self.keep_extra(reader, row, sheet, kept)
        description = row.text("action")
        if not description:
            if not any(row.line(name) for name in _ACTION_FIELDS if name in row.values):
                if kept:  # cells in no field, on a recommendation's row: kept on an action of their own
                    description = self._unwritten_action(sheet, row, ctx)
                else:
                    return
            else:
                description = self._unwritten_action(sheet, row, ctx)
        action = self._action(sheet, row, ctx, description, kept)
        signature = (action.agency, action.lead_officer, action.target and action.target.text,
                     action.rag, action.status_code, tuple(action.progress), action.evidence)
        key = (frozenset(action.review_keys), action.key)
        if key in self.seen:
            # A merged action cell spanning several recommendation rows is one action linked
            # to each of them; a row adding no new link is a duplicate.
            first, first_signature, first_row = self.seen[key]
            new_links = [r for r in action.recommendations if r not in first.recommendations]
            new_loose = [n for n in action.loose_numbers if n not in first.loose_numbers]
            first.recommendations += new_links
            first.loose_numbers += new_loose
            if signature != first_signature or action.kept != first.kept:
                differing = _differences(first, action)
                first.kept.extend(f"Row {row.number}: {line}" for line in differing)
                plan.warn(sheet, f"row {row.number}", f"the same action as row {first_row} but with different "
                          f"details; row {first_row}'s are in the fields, this row's are kept beside the action, "
                          "and the recommendations of both rows are linked.", KEPT_AS_TEXT, "; ".join(differing))
            elif not new_links and not new_loose:
                plan.warn(sheet, f"row {row.number}", f"this row repeats row {first_row}; it is imported once.",
                          ROW_SKIPPED, description)
            return
        self.seen[key] = (action, signature, row.number)
        plan.actions.append(action)

    def _unwritten_action(self, sheet: str, row: Row, ctx: _Context) -> str:
        numbers = ", ".join(map(str, ctx.numbers))
        description = (f"(An action for recommendation {numbers}: the tracker gives no description on row "
                       f"{row.number}.)" if numbers else
                       f"(An action the tracker gives no description for, on row {row.number}.)")
        self.plan.warn(sheet, row.cell("action"), "this row holds an action's details but no action; they are "
                       f"imported as an action called '{description}'.", CHECK)
        return description

    def _split(self, text: str) -> list[str]:
        found = self._agencies.get(text)
        if found is None:
            found = self._agencies[text] = split_multi(text)
        return found

    def _read_recommendation(self, sheet: str, row: Row, ctx: _Context, kept: list[str]) -> None:
        plan = self.plan
        raw_numbers = row.values.get("rec_number")
        text = row.text("recommendation")
        if raw_numbers not in ("", None):
            numbers = self._numbers.get((type(raw_numbers), raw_numbers))
            if numbers is None:
                numbers = self._numbers[(type(raw_numbers), raw_numbers)] = parse_number_list(raw_numbers)
            if numbers.warnings:
                for message in numbers.warnings:
                    plan.warn(sheet, row.cell("rec_number"), message.replace("; ignored.", "; kept beside the "
                              "action."), KEPT_AS_TEXT, text_of(raw_numbers))
                kept.append(f"Recommendation number (as written): {text_of(raw_numbers)}")
            if list(numbers) != ctx.numbers or (text and text != ctx.rec_text):
                ctx.numbers, ctx.rec_text = list(numbers), text
        elif text and text != ctx.rec_text:
            ctx.rec_text = text
            ctx.numbers = ([self._number_for_text(sheet, row, ctx.reviews[0], text)]
                           if len(ctx.reviews) == 1 else [])
        if len(ctx.reviews) != 1:
            for name in ("recommendation", "response"):
                if row.line(name) and not row.sources.get(name):
                    plan.warn(sheet, row.cell(name), f"this row names several reviews, so its {name} cannot be "
                              "filed under one of them; it is kept beside the action.", KEPT_AS_TEXT, row.text(name))
                    kept.append(f"{name.capitalize()}: {row.text(name)}")
            return
        review = ctx.reviews[0]
        response = row.text("response") or None
        for number in ctx.numbers:
            rec = plan.recommendations.get((review, number))
            if rec is None:
                rec = PlannedRecommendation(review, number, existing_id=self._existing_rec(review, number))
                plan.recommendations[(review, number)] = rec
            rec.text = rec.text or ctx.rec_text
            rec.theme = rec.theme or ctx.theme
            if response and not rec.response:
                rec.response = response
                rec.response_status = _response_status(response)

    def _number_for_text(self, sheet: str, row: Row, review: str, text: str) -> int:
        review_id = self.plan.reviews[review].existing_id
        known = self.existing.rec_texts.get((review_id, match_key(text)))
        if known:
            return known
        for (key, number), rec in self.plan.recommendations.items():
            if key == review and match_key(rec.text) == match_key(text):
                return number
        taken = [n for (k, n) in self.plan.recommendations if k == review]
        number = max([self.existing.max_number[review_id], *taken, 0]) + 1
        self.plan.warn(sheet, row.cell("recommendation"), f"this recommendation has no number; it is numbered "
                       f"{number} in its review.")
        return number

    def _action(self, sheet: str, row: Row, ctx: _Context, description: str, kept: list[str]) -> PlannedAction:
        plan = self.plan
        action = PlannedAction(description=description, review_keys=tuple(ctx.reviews), sheet=sheet,
                               cell=row.cell("action"), key=match_key(description), theme=ctx.theme, kept=kept)
        if len(ctx.reviews) == 1:
            action.recommendations = [(ctx.reviews[0], n) for n in ctx.numbers]
        else:
            action.loose_numbers = list(ctx.numbers)
        action.reference = self.fit(sheet, at(row, "action_ref"), row.line("action_ref"), 40,
                                    "action reference", kept) or None
        agencies = self._split(row.text("lead_agency"))
        if agencies:
            cell = at(row, "lead_agency")
            action.agency = self.fit(sheet, cell, agencies[0], 200, "lead agency", kept)
            plan.note_agency(action.agency, sheet, cell)
            if len(agencies) > 1:
                plan.warn(sheet, where(cell), f"several agencies are named; '{agencies[0]}' is the lead and the others "
                          f"({', '.join(agencies[1:])}) are kept beside the action.", KEPT_AS_TEXT,
                          row.text("lead_agency"))
                kept.append(f"Also named as lead: {', '.join(agencies[1:])}")
        action.lead_officer = self.fit(sheet, at(row, "lead_officer"), row.line("lead_officer"), 200,
                                       "lead officer", kept) or None
        target = self.date(row.values.get("target_date"))
        if len(target.text) > 100:
            kept.append(f"Target (as written): {target.text}")
            self.plan.warn(sheet, row.cell("target_date"), "the target is longer than 100 characters; the whole of "
                           "it is kept beside the action.", KEPT_AS_TEXT, target.text[:200])
        action.target = target
        self.date_doubt(sheet, at(row, "target_date"), target, "target date", "the action's target")
        action.rag = self._rag(sheet, row, kept)
        self._completion(sheet, row, action, kept)
        action.impact = row.text("impact") or None
        progress = row.text("progress")
        action.progress = [progress] if progress else []
        action.status_code = self._status(sheet, row, action, kept)
        if "rag" in row.values and not row.line("rag") and row.rag_fill is None:
            plan.warn(sheet, row.cell("rag"), "no RAG rating (neither text nor colour); left unset.", RAG_MISSING)
        return action

    def _completion(self, sheet: str, row: Row, action: PlannedAction, kept: list[str]) -> None:
        """The date completed: an exact day; or the last day of a month, quarter or year (up
        to today), which makes the action complete with the date as written in its closure
        note; anything else (Ongoing, a date to come, text) kept in the evidence of completion."""
        cell = at(row, "completed_on")
        completed = self.date(row.values.get("completed_on"))
        evidence = [row.text("evidence")]
        today = self.today
        if completed.date is not None and (completed.earliest or completed.date) > today:
            self.plan.warn(sheet, where(cell), f"the date completed ({completed.text}) is in the future; it is kept in "
                           "the evidence of completion.", NOT_A_DATE, completed.text)
            evidence.append(f"Date completed (as written): {completed.text}")
        elif completed.precision == DAY:
            action.completed_on = completed.date
        elif completed.date is not None:
            action.completed_on = min(completed.date, today)
            action.closure_note = f"Completed (as written in the tracker): {completed.text}"
            self.plan.warn(sheet, where(cell), f"'{completed.text}' is not an exact day; the action is complete, dated "
                           f"{format_date(action.completed_on)}, the last day it could mean"
                           + (" up to today" if action.completed_on != completed.date else "")
                           + ", and the date as written is kept in its closure note.", DATE_NOT_EXACT, completed.text)
        elif completed.text:
            self.date_doubt(sheet, cell, completed, "date completed", "the evidence of completion")
            evidence.append(f"Date completed (as written): {completed.text}")
        action.evidence = "\n".join(filter(None, evidence)) or None

    def _rag(self, sheet: str, row: Row, kept: list[str]) -> str | None:
        text = row.line("rag")
        fill = row.rag_fill
        by_fill = rag_from_fill(fill) if fill not in (None, "theme") else None
        if text:
            by_text = self.word(RAG_WORDS, text, sheet, at(row, "rag")).value
            if by_text is None:
                kept.append(f"RAG (as written): {text}")
                note = f"; the cell's colour gives {by_fill}" if by_fill else "; the RAG rating is left unset"
                self.plan.warn(sheet, row.cell("rag"), f"'{text}' is not a RAG rating{note}, and the text is kept "
                               "beside the action.", RAG_UNREAD, text)
                return by_fill
            if by_fill is not None and by_fill != by_text:
                self.plan.warn(sheet, row.cell("rag"), f"the text says {by_text} but the cell is coloured {by_fill}; "
                               f"{by_text} (the text) is kept.", RAG_DISAGREES, text)
            return by_text
        if fill == "theme":
            self.plan.warn(sheet, row.cell("rag"), "the RAG colour is a theme colour, which cannot be read; the "
                           "RAG rating is left unset.", RAG_UNREAD)
        return by_fill

    def _status(self, sheet: str, row: Row, action: PlannedAction, kept: list[str]) -> str:
        text = row.line("status")
        if text:
            reading = self.word(ACTION_STATUS_WORDS, text, sheet, at(row, "status"))
            code = self.status_codes.get(reading.value) if reading.value else None
            if code:
                return code
            if not reading.ambiguous:
                kept.append(f"Status (as written): {text}")
                self.plan.warn(sheet, row.cell("status"), f"'{text}' is not a status this office has a word for; it "
                               "is kept beside the action and the status is worked out from the RAG rating and "
                               "dates.", WORD_UNKNOWN, text)
        if action.rag == "Blue" or action.completed_on:
            return "complete"
        if action.progress or action.rag:
            return "in_progress"
        return "not_started"

    # records by name

    def _review(self, sheet: str, cell: Cell, text: str) -> str:
        key = self._review_keys.get(text)
        if key is None:
            key = self._review_keys[text] = review_key(text)
        if key not in self.plan.reviews:
            cell = where(cell)
            notes: list[str] = []
            title = self.fit(sheet, cell, clean(text), 200, "review name", notes)
            existing = self.existing.reviews.get(key)
            reading = self.word(REVIEW_TYPE_WORDS, title, sheet, cell)
            type_code = self.type_codes.get(reading.value) if reading.value else None
            if type_code is None and not reading.ambiguous:
                type_code = "scr"
                if existing is None:
                    self.plan.warn(sheet, cell, f"the type of review '{title}' is not given; it is created as a "
                                   "Serious Case Review (change it after the import if that is wrong).", CHECK, title)
            self.plan.reviews[key] = PlannedReview(key, title, clean(title[:40]), type_code, existing,
                                                   "\n".join(notes) or None, reading.word)
        return key

    def _theme(self, name: str) -> str:
        name = clean(name[:200])
        key = match_key(name)
        if key not in self.plan.themes:
            self.plan.themes[key] = name
            if key in self.existing.themes:
                self.plan.existing_themes.add(key)
        return key

    def _existing_rec(self, review: str, number: int) -> int | None:
        review_id = self.plan.reviews[review].existing_id
        return self.existing.recommendations.get((review_id, number))

    def _match_existing_action(self, action: PlannedAction) -> None:
        review_ids = {self.plan.reviews[k].existing_id for k, _ in action.recommendations}
        review_ids.discard(None)
        action.existing_id = self.existing.action_id(action.key, review_ids, not action.recommendations)
        if action.existing_id is not None:
            action.new_progress = self.existing.new_notes(action.existing_id, action.notes())


def _differences(first: PlannedAction, again: PlannedAction) -> list[str]:
    """What a repeated action row says differently from the first, as "label: text" lines."""
    pairs = (("Lead agency", first.agency, again.agency), ("Lead officer", first.lead_officer, again.lead_officer),
             ("Target", first.target and first.target.text, again.target and again.target.text),
             ("RAG", first.rag, again.rag), ("Status", first.status_code, again.status_code),
             ("Evidence", first.evidence, again.evidence))
    lines = [f"{label}: {new}" for label, old, new in pairs if new and new != old]
    lines += [f"Progress: {text}" for text in again.progress if text not in first.progress]
    lines += [line for line in again.kept if line not in first.kept]
    return lines


def _theme_name(text: str) -> str:
    return clean(_THEME_PREFIX.sub("", clean(text))) or clean(text)


def _response_status(response: str) -> str | None:
    key = match_key(response)
    for name in ("Partially accepted", "Not accepted", "Accepted", "Endorsed"):
        if key.startswith(match_key(name)):
            return name
    return None


# --- referral registers -----------------------------------------------------------------------

def _criteria_met(text: str) -> bool | None:
    key = match_key(text)
    if re.search(r"\bnot\s+(?:been\s+)?met\b|\bnot\s+meet|\bdoes\s+not\b", key):
        return False
    if re.search(r"\bcriteria\s+(?:were\s+|was\s+|have\s+been\s+)?met\b|\bmeets?\b", key):
        return True
    return None


def _date_in_text(text: str) -> dt.date | None:
    for pattern in _DATE_IN_TEXT:
        for found in pattern.finditer(text):
            parsed = parse_uk_date(found.group(0))
            if parsed.date:
                return parsed.date
    return None


def _add_note(referral: PlannedReferral, note: str) -> None:
    if note not in referral.notes:
        referral.notes.append(note)


# plan value -> the field whose cell it was read from, where they differ
_SOURCE_FIELD = {"notification_sent_on": "notification", "age_text": "age"}


class RegisterReader(_Reader):
    """Builds a referral register's part of a ``LegacyImportPlan`` from its rows."""

    def __init__(self, session: Session, plan: LegacyImportPlan, progress=None):
        super().__init__(plan, progress)
        self.existing = Existing(session, REFERRAL_REGISTER)
        self.outcomes = {i.name: i for i in session.scalars(
            select(ListItem).where(ListItem.kind == ListKind.DECISION_OUTCOME))}
        # digest of a row's values -> its row number, to spot rows typed twice
        self.seen_rows: dict[bytes, int] = {}

    def read_sheet(self, sheet: SheetData, layout: SheetLayout, total: int) -> None:
        reader = RowReader(sheet, layout)
        skipped = _Skipped(self.plan, layout)
        for row in reader.rows(self.progress(layout.name, total)):
            self.plan.rows_read += 1
            if skipped(row) or self._repeated(layout.name, row):
                continue
            self._read_row(reader, row)
        skipped.flush()

    def _repeated(self, sheet: str, row: Row) -> bool:
        values = "\x1f".join(text_of(v) for v in row.values.values()) + "\x1e" + "\x1f".join(
            text_of(v) for _, v in row.extra)
        digest = hashlib.blake2b(values.encode("utf-8"), digest_size=16).digest()
        if digest in self.seen_rows:
            self.plan.warn(sheet, f"row {row.number}", f"this row repeats row {self.seen_rows[digest]}; it is "
                           "imported once.", ROW_SKIPPED, row.line("reference"))
            return True
        self.seen_rows[digest] = row.number
        return False

    def finish(self) -> None:
        """Keep the decisions a referral can have (``decisions.decision_date_problem``), in
        date order; the others go to its notes, with a doubt."""
        for referral in self.plan.referrals.values():
            referred = (referral.values.get("date_referred") if referral.existing_id is None
                        else self.existing.referred_on.get(referral.existing_id))
            kept = []
            for decision in referral.decisions:
                problem = decision_date_problem(decision.decided_on, referred)
                if problem is None:
                    kept.append(decision)
                    continue
                self.plan.warn(decision.sheet, decision.cell, f"the decision '{decision.rationale}' (dated "
                               f"{decision.decided_on:%d/%m/%Y}) {problem}; it is kept in the referral's notes.",
                               KEPT_AS_TEXT, decision.rationale)
                _add_note(referral, f"Decision (as written): {decision.rationale}")
            referral.decisions = sorted(kept, key=lambda d: d.decided_on)

    def _read_row(self, reader: RowReader, row: Row) -> None:
        plan, sheet = self.plan, reader.layout.name
        reference = row.line("reference")
        notes: list[str] = []
        if not reference:
            reference = f"(no Ref) row {row.number}" + (f" {sheet}"[:18] if len(plan.sheets) > 1 else "")
            plan.warn(sheet, row.cell("reference"), f"this row has no Ref; it is imported as '{reference}'.",
                      CHECK)
        reference = self.fit(sheet, at(row, "reference"), reference, 40, "Ref", notes)
        key = reference_key(reference)
        referral = plan.referrals.get(key)
        if referral is None:
            referral = PlannedReferral(reference, key, existing_id=self.existing.referrals.get(key))
            plan.referrals[key] = referral
        for note in notes:
            _add_note(referral, note)
        self._read_values(reader, sheet, row, referral)
        self._read_decisions(sheet, row, referral)

    def _read_values(self, reader: RowReader, sheet: str, row: Row, referral: PlannedReferral) -> None:
        plan = self.plan
        kept: list[str] = []
        values = {
            "date_referred": self._date(sheet, row, "date_referred", referral),
            "notification_sent_on": self._date(sheet, row, "notification", referral),
            "subject": self.fit(sheet, at(row, "subject"), row.line("subject"), 200, "subject", kept),
            "summary": row.text("summary"),
            "location": self.fit(sheet, at(row, "location"), row.line("location"), 120, "location", kept),
            "gender": self.fit(sheet, at(row, "gender"), _GENDERS.get(match_key(row.line("gender")),
                                                                       row.line("gender")), 40, "gender", kept),
            "age_text": self.fit(sheet, at(row, "age"), row.line("age"), 40, "age", kept),
            "category": self._category(sheet, row, referral),
        }
        for name, value in values.items():
            if not value:
                continue
            before = referral.values.get(name)
            if before is None:
                referral.values[name] = value
            elif before != value:
                label = name.replace("_", " ")
                shown = format_date(value) if isinstance(value, dt.date) else value
                plan.warn(sheet, row.cell(_SOURCE_FIELD.get(name, name)), f"{referral.reference} is listed again "
                          f"with a different {label}; the first row's is in the field and this one is kept in the "
                          "referral's notes.", KEPT_AS_TEXT, shown)
                _add_note(referral, f"{label.capitalize()} (row {row.number}): {shown}")
        agencies = split_multi(row.text("referring_agency"))
        if agencies:
            cell = at(row, "referring_agency")
            if referral.agency is None:
                referral.agency = self.fit(sheet, cell, agencies[0], 200, "referring agency", kept)
                plan.note_agency(referral.agency, sheet, cell)
                others = agencies[1:]
            else:
                others = [a for a in agencies if match_key(a) != match_key(referral.agency)]
            if others:
                plan.warn(sheet, where(cell), f"more agencies are named than a referral has one referring agency for; "
                          f"{', '.join(others)} kept in the referral's notes.", KEPT_AS_TEXT, row.text("referring_agency"))
                kept.append(f"Also named as referring agency: {', '.join(others)}")
        decided_by = row.line("decided_by")
        if len(decided_by) > 200:
            self.fit(sheet, at(row, "decided_by"), decided_by, 200, "decided by", kept)
        for name, label in (("status", "Status"), ("notes", "Notes")):
            text = row.text(name)
            if text:
                _add_note(referral, f"{label}: {text}")
        self.keep_extra(reader, row, sheet, kept)
        for note in kept:
            _add_note(referral, note)

    def _date(self, sheet: str, row: Row, name: str, referral: PlannedReferral) -> dt.date | None:
        """A date field; a date not exact, or text that is not a date, is kept as written in
        the referral's notes."""
        parsed = self.date(row.values.get(name))
        self.date_doubt(sheet, at(row, name), parsed, _LABELS[name].lower(), "the referral's notes")
        if parsed.text and parsed.precision != DAY:
            _add_note(referral, f"{_LABELS[name]} (as written): {parsed.text}")
        return parsed.date

    def _category(self, sheet: str, row: Row, referral: PlannedReferral) -> str | None:
        text = row.line("category")
        if not text:
            return None
        name = self.word(CATEGORY_WORDS, text, sheet, at(row, "category")).value
        if name is None:
            self.plan.warn(sheet, row.cell("category"), f"'{text}' is not on the referral category list; it is "
                           "kept in the referral's notes.", WORD_UNKNOWN, text)
            _add_note(referral, f"Category: {text}")
        return name

    def _read_decisions(self, sheet: str, row: Row, referral: PlannedReferral) -> None:
        plan = self.plan
        text = row.text("decision")
        if not text:
            return
        column_date = self.date(row.values.get("decision_date"))
        self.date_doubt(sheet, at(row, "decision_date"), column_date, "date of decision", "the referral's notes")
        if column_date.text and column_date.precision != DAY:
            _add_note(referral, f"{_LABELS['decision_date']} (as written): {column_date.text}")
        cell = row.cell("decision")
        decided_by = row.line("decided_by")[:200] or None
        for part in [p.strip(" ,.") for p in _DECISION_SEPARATORS.split(text)]:
            if not part:
                continue
            reading = self.word(DECISION_WORDS, part, sheet, cell)
            outcome = self.outcomes.get(reading.value) if reading.value else None
            if outcome is None and not reading.ambiguous:
                plan.warn(sheet, cell, f"'{part}' is not a decision this office has a word for; it is kept in the "
                          "referral's notes.", WORD_UNKNOWN, part)
                _add_note(referral, f"Decision (as written): {part}")
                continue
            decided_on = _date_in_text(part) or column_date.date
            if decided_on is None:
                decided_on = referral.values.get("date_referred")
                if decided_on is None:
                    plan.warn(sheet, cell, f"the decision '{part}' has no date and the referral has no date "
                              "referred; it is kept in the referral's notes.", KEPT_AS_TEXT, part)
                    _add_note(referral, f"Decision (as written): {part}")
                    continue
                plan.warn(sheet, cell, f"the decision '{part}' has no date; it is dated {decided_on:%d/%m/%Y}, "
                          "the date referred.", CHECK, part)
            name = outcome.name if outcome else None
            if any(d.decided_on == decided_on and d.outcome == name and (name is not None or d.rationale == part)
                   for d in referral.decisions):
                continue
            existing = outcome is not None and (referral.existing_id, decided_on, outcome.id) in self.existing.decisions
            referral.decisions.append(PlannedDecision(decided_on, name, part, _criteria_met(part), decided_by,
                                                      existing, sheet, cell, reading.word))


def read_into(plan: LegacyImportPlan, session: Session, book, rows_of: dict[str, int],
              progress: Callable[[int, int, str], None] | None = None) -> None:
    """Read every sheet of ``plan`` from ``book`` into it (``rows_of``: sheet -> its last row)."""
    reader = (ActionPlanReader if plan.kind == ACTION_PLAN else RegisterReader)(session, plan, progress)
    for layout in plan.sheets:
        reader.read_sheet(book.sheet(layout.name), layout, rows_of.get(layout.name, 0))
    reader.finish()

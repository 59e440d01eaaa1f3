"""Bringing an office's hand-kept Excel trackers into the database.

Two kinds of workbook are understood: a composite **action plan** tracker (review, theme,
recommendation, response, actions, RAG...) and a **referral register** (Ref, dates,
summary, location, gender, age, decision, status).

``plan_import`` reads the workbook and says what *would* be created, with every warning by
sheet and cell, without writing anything; ``apply_import`` writes that plan in the
caller's transaction, through the services (``app.services``), which check and audit every
record; the plan only holds what they accept. How the workbook is read:

- the header row is the row (among the first ``HEADER_SCAN_ROWS``) naming most known
  columns; title, "Updated:" and blank rows above it are skipped, and the "Updated:" date
  dates the progress notes (today when there is none);
- a vertically merged cell's value counts for every row it covers; a blank review, theme,
  recommendation number or text cell means "the same as the row above";
- spacer rows, legend rows ("Key: R = off track") and repeated header rows are skipped;
  a row holding only a heading ("Theme 2 - Neglect") starts a new theme;
- RAG comes from the cell's text, or else from its fill colour;
- dates are read day first (``parsing.parse_uk_date``); a target that cannot be read is kept
  as text (``Action.target_text``), other unreadable dates in the notes or evidence, each
  with a warning;
- a recommendation cell may name several ("9-12", "21 & 22"): the action is linked to each.
  A review cell may name several reviews ("Child I and Child M / Family A"): the action is
  then linked to each named number in every named review that has it (in the file or the
  database); numbers no named review has are warned about, not guessed. A recommendation
  with text but no number gets the next free number in its review, with a warning;
- a new review takes its type from its name ("... SCR", "LCSPR", "case mapping"), else it
  is a Serious Case Review with a warning; its reference is its name (made unique);
- in a register, a decision cell may hold a history ("12/05/2016 deferred; 14/07/2016
  case mapping agreed"): each part with its own date is a decision; a part without one
  takes the decision-date column, else the date referred (with a warning). A Ref listed on
  several rows is one referral with all their decisions, in date order. Status and any
  text that fits no field are kept in the referral's notes;
- text is data: a cell starting with "=", "+", "-", "@" or a tab is stored as the text it
  shows (trimmed), and a formula cell gives the value Excel last saved for it.

What counts as already present, so importing the same file twice adds nothing:

- a review with the same reference or title (ignoring case, spacing and words such as
  "SCR" or "review");
- a recommendation with the same review and number;
- an action with the same description (ignoring case and spacing) linked to a
  recommendation of one of the same reviews (or, for an action with no recommendation,
  another such action with no recommendation); a progress note is added to an existing
  action only if it has no note with the same text;
- a theme with the same name; a referral with the same Ref (ignoring spaces: "Ref 050" is
  "Ref050"); a decision on that referral with the same date and outcome.

Agency spellings that are not an exact name or known alias are *proposed* matches. Only a
confirmed proposal becomes an alias and fills the lead (or referring) agency; an
unconfirmed one leaves the agency empty and is listed as a warning with its cells.

Memory: the workbook is opened once, not read-only (merged cells and fills are needed),
so openpyxl holds the whole workbook while the plan is built (about 350 MB for 100,000
rows of 8 columns); rows are read one at a time into small plan records (about 180 MB
more) and the workbook is closed before the plan is returned. What the database already
holds is loaded as plain values, not ORM objects; ``apply_import`` hands the new
recommendations, actions and notes to the services' bulk functions as plain rows, which
write them in chunks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import openpyxl
from openpyxl.styles.colors import COLOR_INDEX
from openpyxl.utils import column_index_from_string
from sqlalchemy import select
from sqlalchemy.orm import Session

from app import lookups, paths
from app.errors import UserError
from app.excel.agency_matching import AgencyMatch, AgencyMatcher
from app.excel.parsing import (ParsedDate, parse_number_list, parse_rag, parse_uk_date,
                               rag_from_text, split_multi)
from app.services import (actions, agencies, decisions, recommendations, referrals, reviews, themes,
                          updates)
from app.services.decisions import decision_date_problem
from app.text import clean, match_key
from db.models import (Action, Agency, Decision, ListItem, ListKind, ProgressUpdate, Recommendation,
                       Referral, Review, Theme, action_recommendation)

ACTION_PLAN = "action-plan"
REFERRAL_REGISTER = "referral-register"
KINDS = (ACTION_PLAN, REFERRAL_REGISTER)
_KIND_NAMES = {ACTION_PLAN: "an action plan", REFERRAL_REGISTER: "a referral register"}

HEADER_SCAN_ROWS = 30

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
MIN_HEADER_FIELDS = 3
# What a mapping may give a column that is not to be imported (besides None or "").
_IGNORED_COLUMN = ("none", "-", "ignore")

_REVIEW_TYPE_WORDS = (
    ("lcspr", ("lcspr", "practice review")), ("rapid", ("rapid review",)),
    ("case_mapping", ("case mapping",)), ("thematic", ("thematic",)),
    ("single_agency", ("single agency",)), ("sar", ("sar", "safeguarding adults")),
    ("dhr", ("dhr", "domestic homicide")), ("scr", ("scr", "serious case")),
)
_REVIEW_NOISE = re.compile(r"\b(?:scr|lcspr|serious case review|review|the)\b|[()\[\].,:\-]")
_THEME_PREFIX = re.compile(r"^theme\s*\d*\s*[:.\-\u2013\u2014]?\s*", re.IGNORECASE)
_LEGEND_START = re.compile(r"^(?:key|legend|notes?|rag(?:\s+(?:key|rating|status))?)\s*[:=\-]",
                           re.IGNORECASE)
_RAG_LEGEND = re.compile(r"^(?:red|amber|green|blue|r|a|g|b)\s*(?:[:=\-]|$)", re.IGNORECASE)
_UPDATED = re.compile(r"^(?:last\s+)?(?:updated|date updated|update)\s*(?:on)?\s*[:\-]?\s*(.*)$",
                      re.IGNORECASE)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptionInfo".encode("utf-16-le")

# action status code -> words that mean it, checked in this order
_ACTION_STATUS_WORDS = (
    ("not_started", ("not started", "not yet started", "to start")),
    ("in_progress", ("incomplete", "not complete", "partially", "part complete")),
    ("complete", ("complete", "completed", "done", "achieved", "implemented", "finished")),
    ("closed", ("closed", "superseded", "withdrawn")),
    ("in_progress", ("in progress", "ongoing", "on track", "started", "underway", "open",
                     "on going")),
)
# decision outcome code -> words that mean it, checked in this order
_OUTCOME_WORDS = (
    ("multi_agency", ("below the level", "below scr", "below an scr", "multi-agency review",
                      "multi agency review")),
    ("deferred_pm", ("post-mortem", "post mortem")),
    ("deferred_criminal", ("criminal", "trial", "police investigation")),
    ("deferred_fof", ("finding of fact", "finding-of-fact")),
    ("single_agency", ("single agency",)),
    ("case_mapping", ("case mapping",)),
    ("thematic", ("thematic",)),
    ("lcspr", ("lcspr", "practice review")),
    ("rapid", ("rapid review",)),
    ("national_panel", ("national panel",)),
    ("more_info", ("more information", "further information", "deferred", "defer", "pending")),
    ("nfa", ("no further action", "nfa", "not met", "not meet", "no review", "not agreed")),
    ("scr", ("scr", "serious case review")),
)
_DATE_IN_TEXT = (
    re.compile(r"\b\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{2,4}\b"),
    re.compile(r"\b\d{1,2}\s*(?:st|nd|rd|th)?\s+(?:of\s+)?[A-Za-z]{3,9}\.?,?\s+\d{4}\b"),
    re.compile(r"\b[A-Za-z]{3,9}\.?\s+\d{4}\b"),
    re.compile(r"\b\d{1,2}/\d{4}\b"),
)
_DECISION_SEPARATORS = re.compile(r"[\n;]+|->|\u2192|\bthen\b", re.IGNORECASE)


# --- the plan -----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ImportWarning:
    """Something the user should check, at one cell ("D14") or row ("row 14") of a sheet."""

    sheet: str
    cell: str
    message: str

    def __str__(self) -> str:
        return f"'{self.sheet}' {self.cell}: {self.message}"


@dataclass
class SheetLayout:
    """Where a sheet's table starts and which column holds which field."""

    name: str
    header_row: int
    mapping: dict[str, str]  # column letter -> field name
    headers: dict[str, str]  # column letter -> header text as written
    header_keys: frozenset[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.header_keys = frozenset(match_key(h) for h in self.headers.values())


@dataclass(slots=True)
class PlannedReview:
    key: str
    title: str
    reference: str
    type_code: str
    existing_id: int | None = None


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
    recommendations: list[tuple[str, int]] = field(default_factory=list)
    # numbers named by a row that names several reviews: linked where each is found
    loose_numbers: list[int] = field(default_factory=list)
    reference: str | None = None
    theme: str | None = None
    agency: str | None = None  # the spelling, matched through the plan's agency table
    lead_officer: str | None = None
    target: ParsedDate | None = None
    rag: str | None = None
    status_code: str = "not_started"
    evidence: str | None = None
    impact: str | None = None
    completed_on: dt.date | None = None
    progress: list[str] = field(default_factory=list)
    existing_id: int | None = None
    new_progress: list[str] = field(default_factory=list)  # for existing actions


@dataclass(slots=True)
class PlannedDecision:
    decided_on: dt.date
    outcome: str  # list item name
    rationale: str
    criteria_met: bool | None = None
    decided_by: str | None = None
    existing: bool = False
    sheet: str = ""
    cell: str = ""


@dataclass(slots=True)
class PlannedReferral:
    reference: str
    key: str
    values: dict[str, object] = field(default_factory=dict)
    agency: str | None = None
    notes: list[str] = field(default_factory=list)
    decisions: list[PlannedDecision] = field(default_factory=list)
    existing_id: int | None = None


@dataclass
class LegacyImportPlan:
    """What importing a workbook would create; nothing is written until ``apply_import``."""

    path: Path
    kind: str
    sheets: list[SheetLayout]
    mapping_source: str  # "proposed", "saved" or "given"
    progress_date: dt.date
    updated_on: dt.date | None = None
    reviews: dict[str, PlannedReview] = field(default_factory=dict)
    themes: dict[str, str] = field(default_factory=dict)  # key -> name
    existing_themes: set[str] = field(default_factory=set)
    recommendations: dict[tuple[str, int], PlannedRecommendation] = field(default_factory=dict)
    actions: list[PlannedAction] = field(default_factory=list)
    referrals: dict[str, PlannedReferral] = field(default_factory=dict)
    agencies: dict[str, AgencyMatch] = field(default_factory=dict)  # spelling key -> match
    agency_cells: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    confirmed: set[str] = field(default_factory=set)  # spelling keys the user confirmed
    # warnings found while reading; ``warnings`` adds those about agency spellings
    read_warnings: list[ImportWarning] = field(default_factory=list)
    legend_rows: dict[str, list[int]] = field(default_factory=dict)  # sheet -> rows skipped
    _warned: set[ImportWarning] = field(default_factory=set, init=False, repr=False)

    @property
    def mapping(self) -> dict[str, str]:
        """The column mapping (letter -> field) of the first imported sheet."""
        return dict(self.sheets[0].mapping) if self.sheets else {}

    def warn(self, sheet: str, cell: str, message: str) -> None:
        """Add a warning; the same one at the same cell (a merged cell) is given once."""
        warning = ImportWarning(sheet, cell, message)
        if warning not in self._warned:
            self._warned.add(warning)
            self.read_warnings.append(warning)

    # agency proposals

    def proposals(self) -> list[AgencyMatch]:
        """Spellings matched only by similarity, waiting for the user's confirmation."""
        return [m for m in self.agencies.values() if m.status == "proposed"]

    def confirm_agency(self, spelling: str) -> None:
        """The user agrees that ``spelling`` means the proposed agency."""
        key = match_key(spelling)
        if key not in self.agencies or self.agencies[key].status != "proposed":
            raise UserError(f"'{clean(spelling)}' is not one of the proposed agency spellings.")
        self.confirmed.add(key)

    def confirm_proposals(self) -> list[AgencyMatch]:
        """Confirm every proposal good enough for ``--yes``; returns those confirmed."""
        done = [m for m in self.proposals() if m.auto_confirmable]
        self.confirmed.update(match_key(m.spelling) for m in done)
        return done

    def agency_id(self, spelling: str | None) -> int | None:
        """The agency a spelling will be recorded as: confirmed matches only."""
        match = self.agencies.get(match_key(spelling))
        if match is None or match.agency_id is None:
            return None
        if match.confirmed or match_key(spelling) in self.confirmed:
            return match.agency_id
        return None

    def agency_warnings(self) -> list[ImportWarning]:
        """One warning for every spelling that will leave an agency empty."""
        out = []
        for key, match in self.agencies.items():
            if match.confirmed or key in self.confirmed:
                continue
            cells = self.agency_cells.get(key, [])
            sheet, first = cells[0] if cells else ("", "")
            where = _short_list([c for _, c in cells], 10)
            if match.status == "proposed":
                tie = " (another agency scores almost as well)" if match.tied else ""
                text = (f"'{match.spelling}' looks like {match.agency_name} (score "
                        f"{match.score:.0f}){tie} but is not confirmed; the agency is left "
                        f"empty in {where}.")
            else:
                text = (f"'{match.spelling}' matches no agency on the list; the agency is left "
                        f"empty in {where}.")
            out.append(ImportWarning(sheet, first, text))
        return out

    @property
    def warnings(self) -> list[ImportWarning]:
        """Every warning, by sheet and cell: those found reading, then agency spellings left
        unconfirmed (so confirming a proposal removes its warning)."""
        return self.read_warnings + self.agency_warnings()

    def describe(self) -> str:
        """The dry run: what would be created or skipped, and every warning by sheet and cell."""
        lines = [f"Dry run: importing {self.path.name} as {_KIND_NAMES[self.kind]}. "
                 "Nothing has been written."]
        for sheet in self.sheets:
            columns = ", ".join(f"{letter} {sheet.headers.get(letter, '')!r} -> {name}"
                                for letter, name in sheet.mapping.items())
            lines.append(f"Sheet '{sheet.name}': header on row {sheet.header_row}; "
                         f"columns ({self.mapping_source}): {columns}.")
        for sheet, rows in self.legend_rows.items():
            which = f"rows {_short_list(rows)} look" if len(rows) > 1 else f"row {rows[0]} looks"
            lines.append(f"Sheet '{sheet}': {which} like a legend or key; skipped.")
        lines.append("")
        lines.extend(_count_lines(self.counts()))
        lines.extend(self._new_names())
        if self.kind == ACTION_PLAN and any(a.progress or a.new_progress for a in self.actions):
            source = ("the 'Updated:' row" if self.updated_on else
                      "today; the workbook has no 'Updated:' row")
            lines.append(f"Progress notes will be dated {self.progress_date:%d/%m/%Y} ({source}).")
        confirmed = [m for k, m in self.agencies.items()
                     if m.status == "proposed" and k in self.confirmed]
        for match in confirmed:
            lines.append(f"Agency spelling '{match.spelling}' will be remembered as "
                         f"{match.agency_name}.")
        warnings = self.warnings
        lines.append("")
        lines.append(f"Warnings ({len(warnings)}):" if warnings else "No warnings.")
        lines.extend(f"  {w}" for w in warnings)
        return "\n".join(lines)

    def _new_names(self) -> list[str]:
        if self.kind == ACTION_PLAN:
            named = {"New reviews": [r.title for r in self.reviews.values()
                                     if r.existing_id is None],
                     "New themes": [n for k, n in self.themes.items()
                                    if k not in self.existing_themes]}
        else:
            named = {"New referrals": [r.reference for r in self.referrals.values()
                                       if r.existing_id is None]}
        return [f"{label}: {_short_list(names)}." for label, names in named.items() if names]

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
            counts["recommendations"] = split(self.recommendations.values(),
                                              lambda r: r.existing_id is None)
            counts["actions"] = split(self.actions, lambda a: a.existing_id is None)
            new_notes = sum(len(a.progress) for a in self.actions if a.existing_id is None)
            counts["progress notes"] = (new_notes + sum(len(a.new_progress) for a in self.actions),
                                        0)
            counts["links from actions to recommendations"] = (
                sum(len(a.recommendations) for a in self.actions if a.existing_id is None), 0)
        else:
            counts["referrals"] = split(self.referrals.values(), lambda r: r.existing_id is None)
            decisions = [d for r in self.referrals.values() for d in r.decisions]
            counts["decisions"] = split(decisions, lambda d: not d.existing)
        confirmed = [k for k in self.confirmed if k in self.agencies]
        counts["agency aliases"] = (len(confirmed), 0)
        return counts


def _short_list(items: list, limit: int = 20) -> str:
    shown = ", ".join(str(i) for i in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _count_lines(counts: dict[str, tuple[int, int]]) -> list[str]:
    width = max(len(name) for name in counts)
    lines = [f"{'':{width}}  would create  already present (skipped)"]
    lines += [f"{name:{width}}  {new:12}  {old:12}" for name, (new, old) in counts.items()]
    return lines


# --- opening the workbook -----------------------------------------------------------------

def _refuse_bad_file(path: Path) -> None:
    if not path.exists():
        raise UserError(f"There is no file at {path}.")
    if path.is_dir():
        raise UserError(f"{path} is a folder, not an Excel workbook.")
    if path.stat().st_size == 0:
        raise UserError(f"{path.name} is empty (0 bytes); it is not an Excel workbook.")
    with path.open("rb") as fh:
        head = fh.read(8)
        if head == _OLE_MAGIC:
            if _ENCRYPTED_STREAM in fh.read():
                raise UserError(f"{path.name} is protected by a password. Open it in Excel, "
                                "remove the password (File > Info > Protect Workbook), save "
                                "it and import it again.")
            raise UserError(f"{path.name} is an old-style Excel file (.xls). Open it in Excel "
                            "and save it as an Excel Workbook (.xlsx), then import that.")
    if not head.startswith(b"PK"):
        raise UserError(f"{path.name} is not an Excel workbook (.xlsx); it may be a CSV or "
                        "text file with an Excel name. Open it in Excel and save it as an "
                        "Excel Workbook (.xlsx).")


def _open_workbook(path: Path):
    """The workbook, with cached values for formulas; a ``UserError`` for any bad file."""
    path = Path(path)
    _refuse_bad_file(path)
    try:
        return openpyxl.load_workbook(path, data_only=True)
    except zipfile.BadZipFile as err:
        raise UserError(f"{path.name} could not be read: the file is damaged or incomplete "
                        f"({err}).") from err
    # openpyxl raises many kinds of error for a damaged package (KeyError for a missing
    # part, XML syntax errors, ValueError...); each means this file cannot be read.
    except Exception as err:
        raise UserError(f"{path.name} could not be read as an Excel workbook: the file is "
                        f"damaged or not in the .xlsx format ({type(err).__name__}: "
                        f"{err}).") from err


def _last_row_with_data(ws) -> int:
    # openpyxl has no public way to find the last non-blank row without creating every
    # empty cell up to ``max_row`` (which is 1,048,576 when whole rows were formatted).
    return max((row for (row, _), cell in ws._cells.items() if cell.value is not None),
               default=0)


# --- reading headers ----------------------------------------------------------------------

def _header_key(value: object) -> str:
    text = re.sub(r"\(.*?\)", " ", clean(str(value)) if value is not None else "")
    return " ".join(re.findall(r"[a-z0-9]+", match_key(text)))


_EXACT = {kind: {s: name for name, spellings in fields.items() for s in spellings}
          for kind, fields in FIELDS.items()}
# For "Target date (dd/mm/yy)" or "Progress update March 2017": longest spelling first.
_PREFIXES = {kind: sorted(((s, name) for s, name in exact.items() if len(s) > 3),
                          key=lambda pair: -len(pair[0]))
             for kind, exact in _EXACT.items()}


def _field_for_header(kind: str, value: object, *, exact_only: bool = False) -> str | None:
    key = _header_key(value)
    if not key or key in _EXACT[kind] or exact_only:
        return _EXACT[kind].get(key)
    return next((name for spelling, name in _PREFIXES[kind]
                 if key.startswith(spelling + " ")), None)


def _propose_mapping(kind: str, row: tuple) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for cell in row:
        name = _field_for_header(kind, cell.value)
        if name and name not in mapping.values():
            mapping[cell.column_letter] = name
    return mapping


def _find_header(ws, kind: str) -> tuple[int, dict[str, str]] | None:
    best: tuple[int, dict[str, str]] | None = None
    for row in ws.iter_rows(min_row=1, max_row=min(HEADER_SCAN_ROWS, ws.max_row)):
        mapping = _propose_mapping(kind, row)
        if len(mapping) < MIN_HEADER_FIELDS:
            continue
        if not any(f in mapping.values() for f in KEY_FIELDS[kind]):
            continue
        if best is None or len(mapping) > len(best[1]):
            best = (row[0].row, mapping)
    return best


def _header_score(ws, kind: str) -> int:
    found = _find_header(ws, kind)
    return len(found[1]) if found else 0


def _headers(ws, header_row: int) -> dict[str, str]:
    return {c.column_letter: clean(str(c.value)) for c in ws[header_row] if c.value is not None}


def _updated_on(ws, header_row: int) -> dt.date | None:
    """The date of an "Updated: 14/03/2017" row above the header, if any."""
    for row in ws.iter_rows(min_row=1, max_row=max(header_row - 1, 0)):
        cells = [c.value for c in row if c.value is not None]
        for i, value in enumerate(cells):
            if isinstance(value, str) and (m := _UPDATED.match(clean(value))):
                candidates = [m[1]] if m[1] else []
                candidates += cells[i + 1:i + 2]
                for candidate in candidates:
                    parsed = parse_uk_date(candidate)
                    if parsed.date:
                        return parsed.date
    return None


def detect_kind(path: str | Path) -> str | None:
    """"action-plan", "referral-register" or None, judged by the header words of its sheets.

    A file that cannot be opened raises ``UserError``.
    """
    wb = _open_workbook(Path(path))
    try:
        return _detect(wb)
    finally:
        wb.close()


def _detect(wb) -> str | None:
    scores = {kind: max((_header_score(ws, kind) for ws in wb.worksheets), default=0)
              for kind in KINDS}
    kind = max(KINDS, key=lambda k: scores[k])
    return kind if scores[kind] else None


# --- remembering mappings -----------------------------------------------------------------

def _mappings_file() -> Path:
    return paths.data_dir() / "import-mappings.json"


def _mapping_key(path: Path) -> str:
    return Path(path).name.casefold()


def _read_mappings() -> dict:
    try:
        return json.loads(_mappings_file().read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (ValueError, OSError):
        return {}  # a damaged memory of choices is not worth stopping an import for


def save_mapping(plan: LegacyImportPlan, path: str | Path) -> Path:
    """Remember the plan's column mapping for workbooks called like ``path``.

    Kept as JSON in the data folder, keyed by file name; returns that JSON file.
    """
    mappings = _read_mappings()
    mappings[_mapping_key(Path(path))] = {
        "kind": plan.kind,
        "columns": plan.mapping,
        "headers": dict(plan.sheets[0].headers) if plan.sheets else {},
    }
    target = _mappings_file()
    target.write_text(json.dumps(mappings, indent=2, ensure_ascii=False), encoding="utf-8")
    return target


def load_mapping(path: str | Path) -> dict[str, str] | None:
    """The column mapping remembered for workbooks called like ``path``, or None."""
    saved = _read_mappings().get(_mapping_key(Path(path)))
    return dict(saved["columns"]) if saved else None


def _saved_mapping(kind: str, path: Path) -> tuple[dict[str, str], dict[str, str]] | None:
    """The saved (columns, header words) for this file, if saved for this kind of tracker."""
    saved = _read_mappings().get(_mapping_key(path))
    if not saved or saved.get("kind") != kind:
        return None
    try:
        return _check_mapping(kind, saved["columns"], path), dict(saved.get("headers", {}))
    except (UserError, KeyError, TypeError, AttributeError):
        return None  # a damaged memory of choices: propose afresh


def _check_mapping(kind: str, mapping: dict[str, str], path: Path) -> dict[str, str]:
    fields = FIELDS[kind]
    checked: dict[str, str] = {}
    for letter, name in mapping.items():
        letter = clean(str(letter)).upper()
        try:
            column_index_from_string(letter)
        except ValueError:
            raise UserError(f"Column mapping for {path.name}: '{letter}' is not a column "
                            "letter.") from None
        if not name or str(name).casefold() in _IGNORED_COLUMN:
            continue
        if name not in fields:
            raise UserError(f"Column mapping for {path.name}: '{name}' (column {letter}) is "
                            f"not a field of {_KIND_NAMES[kind]}; the fields are "
                            f"{', '.join(fields)}.")
        if name in checked.values():
            raise UserError(f"Column mapping for {path.name}: '{name}' is given to more than "
                            "one column.")
        checked[letter] = name
    if not any(f in checked.values() for f in KEY_FIELDS[kind]):
        raise UserError(f"Column mapping for {path.name}: one column must be "
                        f"{' or '.join(KEY_FIELDS[kind])}.")
    return checked


# --- reading rows -------------------------------------------------------------------------

@dataclass(slots=True)
class _Row:
    """One table row: values by field (merged cells filled down) and where each came from."""

    number: int
    values: dict[str, object]
    cells: dict[str, str]
    rag_fill: str | None  # the RAG cell's fill colour (or "theme"), if any
    texts: list[str]  # every non-blank cell of the row as written (not filled down)
    wide_merge: bool  # a cell of the row is merged across several columns

    def text(self, name: str) -> str:
        return _text(self.values.get(name))

    def line(self, name: str) -> str:
        return clean(_text(self.values.get(name)))

    def cell(self, name: str) -> str:
        return self.cells.get(name, f"row {self.number}")


def _text(value: object) -> str:
    """Cell text as written (line breaks kept; non-breaking and stray spaces tidied)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFKC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()


def _fill_rgb(cell) -> str | None:
    """A solid fill's colour as hex RGB; "theme" for a theme colour (which cannot be read)."""
    fill = cell.fill
    if fill is None or fill.patternType != "solid":
        return None
    color = fill.fgColor
    if color.type == "rgb" and isinstance(color.rgb, str):
        return color.rgb
    if color.type == "indexed" and isinstance(color.indexed, int) \
            and color.indexed < len(COLOR_INDEX):
        return COLOR_INDEX[color.indexed]
    return "theme" if color.type == "theme" else None


def _merge_maps(ws) -> tuple[dict[tuple[int, int], tuple[int, int]], set[int]]:
    """Cells covered by a vertical merge -> its top cell; rows holding a wide merge."""
    covered: dict[tuple[int, int], tuple[int, int]] = {}
    wide_rows: set[int] = set()
    for merged in ws.merged_cells.ranges:
        if merged.max_col - merged.min_col >= 2:
            wide_rows.update(range(merged.min_row, merged.max_row + 1))
        for row in range(merged.min_row + 1, merged.max_row + 1):
            covered[(row, merged.min_col)] = (merged.min_row, merged.min_col)
    return covered, wide_rows


def _read_rows(ws, layout: SheetLayout) -> Iterator[_Row]:
    covered, wide_rows = _merge_maps(ws)
    columns = {column_index_from_string(k): v for k, v in layout.mapping.items()}
    last = _last_row_with_data(ws)
    max_col = max([ws.max_column, *columns])
    for row in ws.iter_rows(min_row=layout.header_row + 1, max_row=last, max_col=max_col):
        number = row[0].row
        texts = [text for c in row if (text := _text(c.value))]
        values, cells, rag_fill = {}, {}, None
        for index, name in columns.items():
            source = row[index - 1]
            if (number, index) in covered:
                source = ws.cell(*covered[(number, index)])
            values[name] = source.value
            cells[name] = source.coordinate  # a merged cell is reported where it is written
            if name == "rag":
                rag_fill = _fill_rgb(source)
        yield _Row(number, values, cells, rag_fill, texts, number in wide_rows)


def _is_legend(row: _Row) -> bool:
    """A key to the tracker's colours or codes, kept beside or below the table."""
    if not row.texts or len(row.texts) > 4:
        return False
    if _LEGEND_START.match(row.texts[0]):
        return True
    # "Red", "Amber", "Green" (or "R = off track", "G = on track") side by side
    return len(row.texts) > 1 and all(_RAG_LEGEND.match(t) for t in row.texts)


def _skipped(plan: LegacyImportPlan, layout: SheetLayout, row: _Row) -> bool:
    """Blank rows, legend rows (listed in the dry run) and repeated headers hold no data."""
    if _is_legend(row):
        plan.legend_rows.setdefault(layout.name, []).append(row.number)
        return True
    return not row.texts or _is_repeated_header(layout, row)


def _is_repeated_header(layout: SheetLayout, row: _Row) -> bool:
    """The header again (trackers printed over several pages repeat it)."""
    if len(row.texts) < 2 or len(row.texts) > len(layout.headers):
        return False
    return all(match_key(text) in layout.header_keys for text in row.texts)


# --- shared helpers -----------------------------------------------------------------------

def _fit(plan: LegacyImportPlan, sheet: str, cell: str, text: str, limit: int,
         label: str) -> str:
    if len(text) <= limit:
        return text
    plan.warn(sheet, cell, f"the {label} is {len(text):,} characters long; only the first "
                           f"{limit} are kept.")
    return text[:limit]


def _review_key(text: str) -> str:
    key = " ".join(_REVIEW_NOISE.sub(" ", match_key(text)).split())
    return key or match_key(text)


def _review_type(text: str) -> str | None:
    key = f" {match_key(text)} "
    for code, words in _REVIEW_TYPE_WORDS:
        if any(re.search(rf"\b{re.escape(w)}\b", key) for w in words):
            return code
    return None


def _theme_name(text: str) -> str:
    return clean(_THEME_PREFIX.sub("", clean(text))) or clean(text)


def _words_code(text: str, table) -> str | None:
    key = f" {match_key(text)} "
    for code, words in table:
        if any(re.search(rf"(?<![a-z]){re.escape(w)}(?![a-z])", key) for w in words):
            return code
    return None


def _note_agency(plan: LegacyImportPlan, matcher: AgencyMatcher, spelling: str, sheet: str,
                 cell: str) -> None:
    key = match_key(spelling)
    if key not in plan.agencies:
        plan.agencies[key] = matcher.match(spelling)
    plan.agency_cells.setdefault(key, []).append((sheet, cell))


class _Existing:
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
        for review_id, reference, title in session.execute(
                select(Review.id, Review.reference, Review.title)):
            for text in (reference, title):
                self.reviews.setdefault(_review_key(text), review_id)
        for rec_id, review_id, number, text in session.execute(select(
                Recommendation.id, Recommendation.review_id, Recommendation.number,
                Recommendation.text)):
            self.recommendations[(review_id, number)] = rec_id
            self.rec_texts.setdefault((review_id, match_key(text)), number)
            self.max_number[review_id] = max(self.max_number[review_id], number)
        linked: dict[int, set[int]] = {}
        for action_id, review_id in session.execute(
                select(action_recommendation.c.action_id, Recommendation.review_id)
                .join(Recommendation,
                      Recommendation.id == action_recommendation.c.recommendation_id)):
            linked.setdefault(action_id, set()).add(review_id)
        for action_id, description in session.execute(select(Action.id, Action.description)):
            self.actions.setdefault(match_key(description), []).append(
                (action_id, frozenset(linked.get(action_id, ()))))
        for action_id, text in session.execute(
                select(ProgressUpdate.action_id, ProgressUpdate.text)):
            self.notes.setdefault(action_id, set()).add(_note_key(text))

    def _load_register(self, session: Session) -> None:
        for referral_id, reference, referred in session.execute(
                select(Referral.id, Referral.reference, Referral.date_referred)):
            self.referrals[_reference_key(reference)] = referral_id
            self.referred_on[referral_id] = referred
        self.decisions = {tuple(row) for row in session.execute(
            select(Decision.referral_id, Decision.decided_on, Decision.outcome_id))}

    def action_id(self, description: str, review_ids: set[int], unlinked: bool) -> int | None:
        for action_id, linked in self.actions.get(match_key(description), []):
            if (linked & review_ids) or (unlinked and not linked):
                return action_id
        return None

    def new_notes(self, action_id: int, texts: list[str]) -> list[str]:
        """The progress notes the action does not have yet (same text, any date)."""
        known = self.notes.setdefault(action_id, set())
        new = [t for t in texts if _note_key(t) not in known]
        known.update(_note_key(t) for t in new)
        return new


def _note_key(text: str) -> bytes:
    # A digest, not the text: progress notes can be long and there can be 100,000 of them.
    return hashlib.blake2b(match_key(text).encode("utf-8"), digest_size=16).digest()


# --- action plans -------------------------------------------------------------------------

@dataclass
class _Context:
    """What blank cells inherit from the rows above (merged or "same as above")."""

    reviews: list[str] = field(default_factory=list)
    theme: str | None = None
    numbers: list[int] = field(default_factory=list)
    rec_text: str = ""


class _ActionPlanReader:
    """Builds an action plan's part of a ``LegacyImportPlan`` from its rows."""

    def __init__(self, session: Session, plan: LegacyImportPlan):
        self.plan = plan
        self.existing = _Existing(session, ACTION_PLAN)
        self.matcher = AgencyMatcher(session)
        self.seen: dict[tuple[frozenset[str], str], tuple[PlannedAction, tuple, int]] = {}

    def read_sheet(self, ws, layout: SheetLayout) -> None:
        sheet = layout.name
        ctx = _Context()
        if "review" not in layout.mapping.values():
            ctx.reviews = [self._review(sheet, "A1", sheet)]
            self.plan.warn(sheet, f"row {layout.header_row}", "there is no review column; "
                           f"everything on this sheet is filed under review '{sheet}' (the "
                           "sheet's name).")
        for row in _read_rows(ws, layout):
            if _skipped(self.plan, layout, row):
                continue
            if len(row.texts) == 1 and not row.line("action") and (
                    row.wide_merge or _THEME_PREFIX.match(row.texts[0])):
                ctx.theme = self._theme(_theme_name(row.texts[0]))
                continue
            self._read_row(sheet, row, ctx)

    def finish(self) -> None:
        """Resolve what needs the whole file: numbers named in rows naming several reviews."""
        for action in self.plan.actions:
            for number in action.loose_numbers:
                found = [(k, number) for k in action.review_keys
                         if (k, number) in self.plan.recommendations
                         or self._existing_rec(k, number)]
                if not found:
                    titles = " or ".join(repr(self.plan.reviews[k].title)
                                         for k in action.review_keys)
                    self.plan.warn(action.sheet, action.cell, f"recommendation {number} of "
                                   f"{titles} is not in the tracker or the database; the action "
                                   "is not linked to it.")
                for ref in found:
                    if ref not in action.recommendations:
                        action.recommendations.append(ref)
                    if ref not in self.plan.recommendations:
                        self.plan.recommendations[ref] = PlannedRecommendation(
                            ref[0], number, existing_id=self._existing_rec(*ref))
            self._match_existing_action(action)

    # rows

    def _read_row(self, sheet: str, row: _Row, ctx: _Context) -> None:
        plan = self.plan
        if row.line("review"):
            reviews = [self._review(sheet, row.cell("review"), name)
                       for name in split_multi(row.text("review"))]
            if reviews != ctx.reviews:
                ctx.reviews, ctx.numbers, ctx.rec_text = reviews, [], ""
        if row.line("theme"):
            ctx.theme = self._theme(_theme_name(row.line("theme")))
        if not ctx.reviews:
            plan.warn(sheet, row.cell("review"), "no review is named on or above this row; "
                      "the row is not imported.")
            return
        self._read_recommendation(sheet, row, ctx)
        description = row.text("action")
        if not description:
            return
        action = self._action(sheet, row, ctx, description)
        signature = (action.agency, action.lead_officer, action.target and action.target.text,
                     action.rag, action.status_code, tuple(action.progress), action.evidence)
        key = (frozenset(action.review_keys), match_key(description))
        if key in self.seen:
            # A merged action cell spanning several recommendation rows is one action linked
            # to each of them; a row adding no new link is a duplicate.
            first, first_signature, first_row = self.seen[key]
            new_links = [r for r in action.recommendations if r not in first.recommendations]
            new_loose = [n for n in action.loose_numbers if n not in first.loose_numbers]
            first.recommendations += new_links
            first.loose_numbers += new_loose
            if signature != first_signature:
                plan.warn(sheet, f"row {row.number}", f"the same action as row {first_row} but "
                          f"with different details; row {first_row}'s details are kept and the "
                          "recommendations of both rows are linked.")
            elif not new_links and not new_loose:
                plan.warn(sheet, f"row {row.number}", f"this row repeats row {first_row}; it is "
                          "imported once.")
            return
        self.seen[key] = (action, signature, row.number)
        plan.actions.append(action)

    def _read_recommendation(self, sheet: str, row: _Row, ctx: _Context) -> None:
        plan = self.plan
        raw_numbers = row.values.get("rec_number")
        text = row.text("recommendation")
        if _text(raw_numbers):
            numbers = parse_number_list(raw_numbers)
            for message in numbers.warnings:
                plan.warn(sheet, row.cell("rec_number"), message)
            if list(numbers) != ctx.numbers or (text and text != ctx.rec_text):
                ctx.numbers, ctx.rec_text = list(numbers), text
        elif text and text != ctx.rec_text:
            ctx.rec_text = text
            ctx.numbers = ([self._number_for_text(sheet, row, ctx.reviews[0], text)]
                           if len(ctx.reviews) == 1 else [])
        if len(ctx.reviews) != 1:
            if text and row.line("recommendation"):
                plan.warn(sheet, row.cell("recommendation"), "this row names several reviews, "
                          "so its recommendation text cannot be filed under one of them; the "
                          "text is not imported.")
            return
        review_key = ctx.reviews[0]
        response = row.text("response") or None
        for number in ctx.numbers:
            rec = plan.recommendations.get((review_key, number))
            if rec is None:
                rec = PlannedRecommendation(review_key, number,
                                            existing_id=self._existing_rec(review_key, number))
                plan.recommendations[(review_key, number)] = rec
            rec.text = rec.text or ctx.rec_text
            rec.theme = rec.theme or ctx.theme
            if response and not rec.response:
                rec.response = response
                rec.response_status = _response_status(response)

    def _number_for_text(self, sheet: str, row: _Row, review_key: str, text: str) -> int:
        review_id = self.plan.reviews[review_key].existing_id
        known = self.existing.rec_texts.get((review_id, match_key(text)))
        if known:
            return known
        for (key, number), rec in self.plan.recommendations.items():
            if key == review_key and match_key(rec.text) == match_key(text):
                return number
        taken = [n for (k, n) in self.plan.recommendations if k == review_key]
        number = max([self.existing.max_number[review_id], *taken, 0]) + 1
        self.plan.warn(sheet, row.cell("recommendation"), f"this recommendation has no number; "
                       f"it is numbered {number} in its review.")
        return number

    def _action(self, sheet: str, row: _Row, ctx: _Context, description: str) -> PlannedAction:
        plan = self.plan
        action = PlannedAction(description=description, review_keys=tuple(ctx.reviews),
                               sheet=sheet, cell=row.cell("action"), theme=ctx.theme)
        if len(ctx.reviews) == 1:
            action.recommendations = [(ctx.reviews[0], n) for n in ctx.numbers]
        else:
            action.loose_numbers = list(ctx.numbers)
        action.reference = _fit(plan, sheet, row.cell("action_ref"), row.line("action_ref"),
                                40, "action reference") or None
        agencies = split_multi(row.text("lead_agency"))
        if agencies:
            action.agency = agencies[0]
            _note_agency(plan, self.matcher, agencies[0], sheet, row.cell("lead_agency"))
            if len(agencies) > 1:
                plan.warn(sheet, row.cell("lead_agency"), f"several agencies are named; "
                          f"'{agencies[0]}' is recorded as the lead, the others "
                          f"({', '.join(agencies[1:])}) are not.")
        action.lead_officer = _fit(plan, sheet, row.cell("lead_officer"),
                                   row.line("lead_officer"), 200, "lead officer") or None
        action.target = parse_uk_date(row.values.get("target_date"))
        if action.target.warning:
            plan.warn(sheet, row.cell("target_date"), action.target.warning)
        if action.target.date is None and len(action.target.text) > 100:
            plan.warn(sheet, row.cell("target_date"), "the target is longer than 100 "
                      "characters; only the first 100 are kept.")
        action.rag = self._rag(sheet, row)
        completed = parse_uk_date(row.values.get("completed_on"))
        evidence = [row.text("evidence")]
        if completed.warning:
            plan.warn(sheet, row.cell("completed_on"), completed.warning.replace(
                "kept as text", "kept in the evidence of completion"))
        if completed.date is None and completed.text:
            evidence.append(f"Date completed (as written): {completed.text}")
        action.completed_on = completed.date
        if completed.date and completed.date > dt.date.today():
            plan.warn(sheet, row.cell("completed_on"), f"the date completed "
                      f"({completed.date:%d/%m/%Y}) is in the future; it is kept in the evidence "
                      "of completion.")
            evidence.append(f"Date completed (as written): {completed.text or f'{completed.date:%d/%m/%Y}'}")
            action.completed_on = None
        action.evidence = "\n".join(filter(None, evidence)) or None
        action.impact = row.text("impact") or None
        progress = row.text("progress")
        action.progress = [progress] if progress else []
        action.status_code = self._status(sheet, row, action)
        return action

    def _rag(self, sheet: str, row: _Row) -> str | None:
        text = row.line("rag")
        fill = row.rag_fill
        rag = parse_rag(text, fill if fill != "theme" else None)
        if text and rag_from_text(text) is None:
            note = f"; the cell's colour gives {rag}" if rag else "; the RAG rating is left empty"
            self.plan.warn(sheet, row.cell("rag"), f"'{text}' is not a RAG rating{note}.")
        elif rag is None and fill == "theme":
            self.plan.warn(sheet, row.cell("rag"), "the RAG colour is a theme colour, which "
                           "cannot be read; the RAG rating is left empty.")
        return rag

    def _status(self, sheet: str, row: _Row, action: PlannedAction) -> str:
        text = row.line("status")
        code = _words_code(text, _ACTION_STATUS_WORDS) if text else None
        if text and code is None:
            self.plan.warn(sheet, row.cell("status"), f"'{text}' is not a status this program "
                           "knows; the status is worked out from the RAG rating and dates.")
        if code:
            return code
        if action.rag == "Blue" or action.completed_on:
            return "complete"
        if action.progress or action.rag:
            return "in_progress"
        return "not_started"

    # records by name

    def _review(self, sheet: str, cell: str, text: str) -> str:
        key = _review_key(text)
        if key not in self.plan.reviews:
            title = _fit(self.plan, sheet, cell, clean(text), 200, "review name")
            type_code = _review_type(title)
            existing = self.existing.reviews.get(key)
            if type_code is None:
                type_code = "scr"
                if existing is None:
                    self.plan.warn(sheet, cell, f"the type of review '{title}' is not given; "
                                   "it is created as a Serious Case Review (change it after "
                                   "the import if that is wrong).")
            self.plan.reviews[key] = PlannedReview(key, title, clean(title[:40]), type_code, existing)
        return key

    def _theme(self, name: str) -> str:
        name = clean(name[:200])
        key = match_key(name)
        if key not in self.plan.themes:
            self.plan.themes[key] = name
            if key in self.existing.themes:
                self.plan.existing_themes.add(key)
        return key

    def _existing_rec(self, review_key: str, number: int) -> int | None:
        review_id = self.plan.reviews[review_key].existing_id
        return self.existing.recommendations.get((review_id, number))

    def _match_existing_action(self, action: PlannedAction) -> None:
        review_ids = {self.plan.reviews[k].existing_id for k, _ in action.recommendations}
        review_ids.discard(None)
        action.existing_id = self.existing.action_id(action.description, review_ids,
                                                     not action.recommendations)
        if action.existing_id is not None:
            action.new_progress = self.existing.new_notes(action.existing_id, action.progress)


def _response_status(response: str) -> str | None:
    key = match_key(response)
    for name in ("Partially accepted", "Not accepted", "Accepted", "Endorsed"):
        if key.startswith(match_key(name)):
            return name
    return None


# --- referral registers -------------------------------------------------------------------

def _reference_key(text: str) -> str:
    return "".join(match_key(text).split())


class _RegisterReader:
    """Builds a referral register's part of a ``LegacyImportPlan`` from its rows."""

    def __init__(self, session: Session, plan: LegacyImportPlan):
        self.plan = plan
        self.existing = _Existing(session, REFERRAL_REGISTER)
        self.matcher = AgencyMatcher(session)
        self.outcomes = {i.code or match_key(i.name): i for i in session.scalars(
            select(ListItem).where(ListItem.kind == ListKind.DECISION_OUTCOME))}
        self.categories = {match_key(i.name): i.name for i in session.scalars(
            select(ListItem).where(ListItem.kind == ListKind.REFERRAL_CATEGORY))}
        # digest of a row's values -> its row number, to spot rows typed twice
        self.seen_rows: dict[bytes, int] = {}

    def read_sheet(self, ws, layout: SheetLayout) -> None:
        for row in _read_rows(ws, layout):
            if _skipped(self.plan, layout, row) or \
                    self._repeated(layout.name, row):
                continue
            self._read_row(layout.name, row)

    def _repeated(self, sheet: str, row: _Row) -> bool:
        values = "\x1f".join(_text(v) for v in row.values.values())
        digest = hashlib.blake2b(values.encode("utf-8"), digest_size=16).digest()
        if digest in self.seen_rows:
            self.plan.warn(sheet, f"row {row.number}", f"this row repeats row "
                           f"{self.seen_rows[digest]}; it is imported once.")
            return True
        self.seen_rows[digest] = row.number
        return False

    def finish(self) -> None:
        """Keep the decisions a referral can have (``decisions.decision_date_problem``), in
        date order; the others go to its notes, with a warning."""
        for referral in self.plan.referrals.values():
            referred = (referral.values.get("date_referred") if referral.existing_id is None
                        else self.existing.referred_on.get(referral.existing_id))
            kept = []
            for decision in referral.decisions:
                problem = decision_date_problem(decision.decided_on, referred)
                if problem is None:
                    kept.append(decision)
                    continue
                self.plan.warn(decision.sheet, decision.cell, f"the decision '{decision.rationale}' "
                               f"(dated {decision.decided_on:%d/%m/%Y}) {problem}; it is kept in "
                               "the referral's notes.")
                _add_note(referral, f"Decision (as written): {decision.rationale}")
            referral.decisions = sorted(kept, key=lambda d: d.decided_on)

    def _read_row(self, sheet: str, row: _Row) -> None:
        plan = self.plan
        reference = row.line("reference")
        if not reference:
            plan.warn(sheet, row.cell("reference"), "this row has no Ref; it is not imported.")
            return
        reference = _fit(plan, sheet, row.cell("reference"), reference, 40, "Ref")
        key = _reference_key(reference)
        referral = plan.referrals.get(key)
        if referral is None:
            referral = PlannedReferral(reference, key,
                                       existing_id=self.existing.referrals.get(key))
            plan.referrals[key] = referral
        self._read_values(sheet, row, referral)
        self._read_decisions(sheet, row, referral)

    def _read_values(self, sheet: str, row: _Row, referral: PlannedReferral) -> None:
        plan = self.plan
        values = {
            "date_referred": self._date(sheet, row, "date_referred", referral),
            "notification_sent_on": self._date(sheet, row, "notification", referral),
            "subject": _fit(plan, sheet, row.cell("subject"), row.line("subject"), 200, "subject"),
            "summary": row.text("summary"),
            "location": _fit(plan, sheet, row.cell("location"), row.line("location"), 120,
                             "location"),
            "gender": _fit(plan, sheet, row.cell("gender"), _gender(row.line("gender")), 40,
                           "gender"),
            "age_text": _fit(plan, sheet, row.cell("age"), row.line("age"), 40, "age"),
            "category": self._category(sheet, row, referral),
        }
        for name, value in values.items():
            if not value:
                continue
            before = referral.values.get(name)
            if before is None:
                referral.values[name] = value
            elif before != value:
                plan.warn(sheet, row.cell(_SOURCE_FIELD.get(name, name)),
                          f"{referral.reference} is listed again with a different "
                          f"{name.replace('_', ' ')} ('{value}'); the first row's "
                          f"('{before}') is kept.")
        agency = split_multi(row.text("referring_agency"))
        if agency and referral.agency is None:
            referral.agency = agency[0]
            _note_agency(plan, self.matcher, agency[0], sheet, row.cell("referring_agency"))
        for name, label in (("status", "Status"), ("notes", "Notes")):
            text = row.text(name)
            if text:
                _add_note(referral, f"{label}: {text}")

    def _date(self, sheet: str, row: _Row, name: str, referral: PlannedReferral) -> dt.date | None:
        """A date field; text that is not a date is kept in the referral's notes."""
        parsed = parse_uk_date(row.values.get(name))
        if parsed.warning:
            self.plan.warn(sheet, row.cell(name), parsed.warning.replace(
                "kept as text", "kept in the referral's notes"))
        if parsed.date is None and parsed.text:
            _add_note(referral, f"{_DATE_LABELS[name]} (as written): {parsed.text}")
        return parsed.date

    def _category(self, sheet: str, row: _Row, referral: PlannedReferral) -> str | None:
        text = row.line("category")
        if not text:
            return None
        name = (self.categories.get(match_key(text))
                or self.categories.get(match_key(_CATEGORY_SHORTHAND.get(match_key(text)))))
        if name is None:
            self.plan.warn(sheet, row.cell("category"), f"'{text}' is not on the referral "
                           "category list; it is kept in the referral's notes.")
            _add_note(referral, f"Category: {text}")
        return name

    def _read_decisions(self, sheet: str, row: _Row, referral: PlannedReferral) -> None:
        plan = self.plan
        text = row.text("decision")
        if not text:
            return
        column_date = parse_uk_date(row.values.get("decision_date"))
        if column_date.warning:
            plan.warn(sheet, row.cell("decision_date"), column_date.warning.replace(
                "kept as text", "kept in the referral's notes"))
        if column_date.date is None and column_date.text:
            _add_note(referral, f"{_DATE_LABELS['decision_date']} (as written): "
                                f"{column_date.text}")
        cell = row.cell("decision")
        decided_by = _fit(plan, sheet, row.cell("decided_by"), row.line("decided_by"), 200,
                          "decided by") or None
        for part in [p.strip(" ,.") for p in _DECISION_SEPARATORS.split(text)]:
            if not part:
                continue
            outcome = self._outcome(part)
            if outcome is None:
                plan.warn(sheet, cell, f"'{part}' is not a decision this program knows; it is "
                          "kept in the referral's notes.")
                _add_note(referral, f"Decision (as written): {part}")
                continue
            decided_on = _date_in_text(part) or column_date.date
            if decided_on is None:
                decided_on = referral.values.get("date_referred")
                if decided_on is None:
                    plan.warn(sheet, cell, f"the decision '{part}' has no date and the referral "
                              "has no date referred; it is kept in the referral's notes.")
                    _add_note(referral, f"Decision (as written): {part}")
                    continue
                plan.warn(sheet, cell, f"the decision '{part}' has no date; it is dated "
                          f"{decided_on:%d/%m/%Y}, the date referred.")
            if any(d.decided_on == decided_on and d.outcome == outcome.name
                   for d in referral.decisions):
                continue
            existing = (referral.existing_id, decided_on, outcome.id) in self.existing.decisions
            referral.decisions.append(PlannedDecision(
                decided_on, outcome.name, part, _criteria_met(part), decided_by, existing, sheet, cell))

    def _outcome(self, text: str) -> ListItem | None:
        for item in self.outcomes.values():
            if match_key(item.name) == match_key(text):
                return item
        code = _words_code(text, _OUTCOME_WORDS)
        return self.outcomes.get(code) if code else None


_DATE_LABELS = {"date_referred": "Date referred", "notification": "Notification sent",
                "decision_date": "Date of decision"}
# plan value -> the field whose cell it was read from, where they differ
_SOURCE_FIELD = {"notification_sent_on": "notification", "age_text": "age"}
_CATEGORY_SHORTHAND = {"nai": "Non-accidental injury", "cse": "Child sexual exploitation",
                       "non accidental injury": "Non-accidental injury"}


def _add_note(referral: PlannedReferral, note: str) -> None:
    if note not in referral.notes:
        referral.notes.append(note)


def _gender(text: str) -> str:
    """"M" and "F" spelt out; anything else ("Male and Female", "Unborn") as written."""
    return {"m": "Male", "f": "Female", "male": "Male", "female": "Female",
            "both": "Both"}.get(match_key(text), text)


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


# --- planning -----------------------------------------------------------------------------

def plan_import(session: Session, path: str | Path, kind: str | None = None,
                mapping: dict[str, str] | None = None, *,
                header_row: int | None = None) -> LegacyImportPlan:
    """Read a hand-kept tracker and say what importing it would create. Writes nothing.

    ``kind`` is "action-plan" or "referral-register" (None: detected from the headers).
    ``mapping`` (column letter -> field name) replaces the proposed one for every sheet;
    without it, a mapping saved for this file name is used when its columns still fit,
    else one is proposed from the header words. ``header_row`` says where the header is
    when it cannot be found (it then applies to every sheet). A file that cannot be read,
    or has no sheet with the expected columns, raises ``UserError`` naming the file.
    """
    path = Path(path)
    if kind is not None and kind not in KINDS:
        raise UserError(f"'{kind}' is not a kind of tracker; use {' or '.join(KINDS)}.")
    wb = _open_workbook(path)
    try:
        kind = kind or _detect(wb)
        if kind is None:
            raise UserError(f"{path.name} has no sheet that looks like an action plan or a "
                            "referral register (no header row with columns such as Action, "
                            "Recommendation, RAG or Ref, Decision, Summary).")
        return _plan(session, wb, path, kind, mapping, header_row)
    finally:
        wb.close()


def _layouts(wb, path: Path, kind: str, mapping: dict[str, str] | None,
             header_row: int | None) -> tuple[list[SheetLayout], str]:
    """Each sheet to import, with its header row and mapping, and where the mapping came from.

    A given mapping is used on every sheet whose header row it fits; else a saved mapping
    on every sheet whose header words are still those it was saved with; else the proposal.
    """
    given = _check_mapping(kind, mapping, path) if mapping is not None else None
    saved = _saved_mapping(kind, path) if given is None else None
    layouts, sources = [], set()
    for ws in wb.worksheets:
        found = _find_header(ws, kind)
        row = header_row or (found[0] if found else None)
        if row is None:
            continue
        headers = _headers(ws, row)
        if given is not None:
            if header_row and not all(letter in headers for letter in given):
                continue  # the header row of this sheet does not fit the mapping
            columns, source = given, "given"
        elif saved is not None and all(match_key(saved[1].get(letter)) ==
                                       match_key(headers.get(letter)) for letter in saved[0]):
            columns, source = saved[0], "saved"
        elif found is not None:
            columns, source = found[1], "proposed"
        else:
            continue
        layouts.append(SheetLayout(ws.title, row, dict(columns), headers))
        sources.add(source)
    if not layouts:
        looked_for = ", ".join(s[0].title() for s in list(FIELDS[kind].values())[:8])
        raise UserError(f"{path.name}: no sheet has the columns of "
                        f"{_KIND_NAMES[kind]} (looked in the first {HEADER_SCAN_ROWS} rows "
                        f"for headers such as {looked_for}).")
    source = next(s for s in ("given", "saved", "proposed") if s in sources)
    return layouts, source


def _plan(session: Session, wb, path: Path, kind: str, mapping, header_row) -> LegacyImportPlan:
    layouts, source = _layouts(wb, path, kind, mapping, header_row)
    updated = next(filter(None, (_updated_on(wb[l.name], l.header_row) for l in layouts)), None)
    plan = LegacyImportPlan(path, kind, layouts, source, updated or dt.date.today(), updated)
    reader = (_ActionPlanReader if kind == ACTION_PLAN else _RegisterReader)(session, plan)
    skipped = [ws.title for ws in wb.worksheets if ws.title not in {l.name for l in layouts}]
    for name in skipped:
        plan.warn(name, "A1", f"this sheet has no header of {_KIND_NAMES[kind]}; it is not "
                  "imported.")
    for layout in layouts:
        reader.read_sheet(wb[layout.name], layout)
    reader.finish()
    return plan


# --- applying -----------------------------------------------------------------------------

def apply_import(session: Session, plan: LegacyImportPlan) -> str:
    """Write the plan in the caller's transaction and say what was done. Every record goes
    through its service (``app.services``), which checks and audits it.

    Records found again (see the module's rules) are left as they are, so applying the
    same workbook twice creates nothing the second time.
    """
    writer = _Writer(session, plan)
    writer.agencies()
    if plan.kind == ACTION_PLAN:
        writer.action_plan()
    else:
        writer.register()
    session.flush()
    return writer.summary()


def _free_reference(wanted: str, taken: set[str]) -> str:
    """``wanted``, or "wanted (2)", "(3)"... if another review already has it."""
    reference, n = wanted, 1
    while reference in taken:
        n += 1
        reference = f"{wanted[:34].rstrip()} ({n})"
    return reference


class _Writer:
    """Writes a plan through the services, finding records again before creating them."""

    def __init__(self, session: Session, plan: LegacyImportPlan):
        self.session = session
        self.plan = plan
        self.created: Counter = Counter()
        self.present: Counter = Counter()
        self.review_ids: dict[str, int] = {}
        self.rec_ids: dict[tuple[str, int], int] = {}

    def agencies(self) -> None:
        for key in sorted(self.plan.confirmed):
            match = self.plan.agencies.get(key)
            if match and match.agency_id and agencies.add_agency_alias(self.session, match.agency_id,
                                                                       match.spelling):
                self.created["agency aliases"] += 1

    def _count(self, name: str, created: bool) -> None:
        (self.created if created else self.present)[name] += 1

    def action_plan(self) -> None:
        session, plan = self.session, self.plan
        existing = _Existing(session, ACTION_PLAN)
        theme_ids = self._themes(existing)
        self._reviews(existing)
        statuses = {i.name: i.id for i in lookups.list_items(session, ListKind.RESPONSE_STATUS,
                                                             include_archived=True)}
        new: list[tuple[tuple[str, int], dict]] = []
        for (key, number), planned in sorted(plan.recommendations.items()):
            rec_id = existing.recommendations.get((self.review_ids[key], number))
            self._count("recommendations", rec_id is None)
            if rec_id:
                self.rec_ids[(key, number)] = rec_id
                continue
            new.append(((key, number), {
                "review_id": self.review_ids[key], "number": number,
                "text": planned.text or f"(Recommendation {number}: its text was not in "
                                        f"{plan.path.name}.)",
                "theme_id": theme_ids.get(planned.theme), "board_response": planned.response,
                "response_status_id": statuses.get(planned.response_status)}))
        ids = recommendations.add_recommendations(session, [row for _, row in new])
        self.rec_ids.update(zip((ref for ref, _ in new), ids))
        self._actions(existing, theme_ids)

    def _themes(self, existing: _Existing) -> dict[str, int]:
        theme_ids: dict[str, int] = {}
        for key, name in self.plan.themes.items():
            theme_id = existing.themes.get(key)
            theme_ids[key] = theme_id or themes.create_theme(self.session, name).id
            self._count("themes", theme_id is None)
        return theme_ids

    def _reviews(self, existing: _Existing) -> None:
        codes = {i.code for i in lookups.list_items(self.session, ListKind.REVIEW_TYPE)}
        taken = set(self.session.scalars(select(Review.reference)))
        for key, planned in self.plan.reviews.items():
            review_id = existing.reviews.get(key)
            if review_id is None:
                reference = _free_reference(planned.reference, taken)
                taken.add(reference)
                review_id = reviews.create_review(
                    self.session, reference=reference, title=planned.title,
                    review_type=planned.type_code if planned.type_code in codes else "scr",
                    notes=f"Imported from {self.plan.path.name}.").id
                self._count("reviews", True)
            else:
                self._count("reviews", False)
            self.review_ids[key] = review_id

    def _actions(self, existing: _Existing, theme_ids: dict[str, int]) -> None:
        """Create the new actions, with their progress notes, and add new notes to the
        actions found again."""
        plan = self.plan
        statuses = {i.code: i.id for i in lookups.list_items(self.session, ListKind.ACTION_STATUS,
                                                             include_archived=True)}
        new_actions, new_notes = [], []
        for planned in plan.actions:
            review_ids = {self.review_ids[key] for key, _ in planned.recommendations}
            action_id = existing.action_id(planned.description, review_ids,
                                           not planned.recommendations)
            if action_id is not None:
                notes = existing.new_notes(action_id, planned.progress)
                new_notes += [{"action_id": action_id, "update_on": plan.progress_date, "text": text,
                               "rag": planned.rag} for text in notes]
                self.created["progress notes"] += len(notes)
                self._count("actions", False)
                continue
            linked = [self.rec_ids[ref] for ref in planned.recommendations]
            target = planned.target
            new_actions.append({
                "reference": planned.reference, "description": planned.description,
                "theme_id": theme_ids.get(planned.theme), "lead_agency_id": plan.agency_id(planned.agency),
                "lead_officer": planned.lead_officer,
                "original_target_on": target.date if target else None,
                "target_on": target.date if target else None,
                "target_text": (target.text[:100] or None) if target and target.date is None else None,
                "status_id": statuses.get(planned.status_code) or statuses["not_started"],
                "rag": planned.rag, "evidence_of_completion": planned.evidence,
                "evidence_of_impact": planned.impact, "completed_on": planned.completed_on,
                "recommendation_ids": linked,
                "updates": [{"update_on": plan.progress_date, "text": text, "rag": planned.rag}
                            for text in planned.progress]})
            self._count("actions", True)
            self.created["links from actions to recommendations"] += len(linked)
            self.created["progress notes"] += len(planned.progress)
        actions.create_actions(self.session, new_actions)
        updates.add_progress_updates(self.session, new_notes)

    def register(self) -> None:
        session, plan = self.session, self.plan
        existing = _Existing(session, REFERRAL_REGISTER)
        outcomes = {i.name: i.id for i in lookups.list_items(session, ListKind.DECISION_OUTCOME,
                                                             include_archived=True)}
        for key, planned in plan.referrals.items():
            referral_id = existing.referrals.get(key)
            self._count("referrals", referral_id is None)
            if referral_id is None:
                agency_id = plan.agency_id(planned.agency)
                referral_id = referrals.create_referral(
                    session, reference=planned.reference,
                    referring_agency=session.get(Agency, agency_id).name if agency_id else None,
                    notes="\n".join(planned.notes) or None,
                    **{k: v for k, v in planned.values.items() if v}).id
            for decision in planned.decisions:
                found = (referral_id, decision.decided_on, outcomes[decision.outcome])
                self._count("decisions", found not in existing.decisions)
                if found in existing.decisions:
                    continue
                existing.decisions.add(found)
                decisions.record_decision(session, referral_id, decided_on=decision.decided_on,
                                          outcome=decision.outcome, rationale=decision.rationale,
                                          criteria_met=decision.criteria_met,
                                          decided_by=decision.decided_by)

    def summary(self) -> str:
        names = list(dict.fromkeys([*self.created, *self.present]))
        created = ", ".join(f"{self.created[n]} {n}" for n in names if self.created[n])
        present = ", ".join(f"{self.present[n]} {n}" for n in names if self.present[n])
        lines = [f"Imported {self.plan.path.name}.",
                 f"Created: {created or 'nothing'}.",
                 f"Already present, left as they were: {present or 'nothing'}."]
        warnings = self.plan.warnings
        if warnings:
            lines.append(f"{len(warnings)} warnings (see the dry run).")
        return "\n".join(lines)

"""Taking agency returns back: a returned action plan workbook, previewed, then applied.

``read_return`` checks the file (by its content, not its name) and recognises it by its
signed export stamp: on the very hidden record sheet or, when that was deleted (copying the
sheet into another workbook does), above the sheet's hidden check column; a workbook laid out
as our export that has lost both is refused, never read as a hand-kept tracker (which would
add its actions again). Each row is matched to its action by its hidden Action ID only when
the row's signature verifies (``app.excel.export.ExportCheck``), and three things are compared
per editable cell: the value exported (its fingerprint, in the row's hidden "Export check"
cell), the value returned, and the value in the database now. The result is a ``ReturnPreview``:

- a change: the agency changed the cell, the tracker still holds what was exported;
- a conflict: the agency changed the cell *and* the tracker changed it since the export;
- refused: a locked cell was changed, or a value cannot be taken (an impossible date, a
  status not on the list) — named by sheet, row and column; the row is not applied;
- fatal: the whole file must not be applied (another database's export, a stamp changed
  since, duplicated rows).

The Status column holds the status as the plan shows it (``app.rules``) and is read back by
``actions.StatusChoices``: an open status's name sets it; "Completed" closes the action as
implemented and "Closed – <reason>" with that closure reason, each by ``close_action``'s rules
(a completion date; evidence of completion for "Completed"; for "Closed – not implemented" the
reason why, written as the new progress update), or the row is refused naming the column that
lacks it. A return never reopens a closed action: that row is refused, and the office reopens
the action in the tracker if the agency is right. Values are compared with the plan as it
shows them now, so a closed action's rating on record is never a conflict.

Nothing is written until ``apply_return`` is called with the rows the user accepted; it
writes through the services (``actions.record_return``, ``updates.add_progress_update``) in the
caller's transaction, so every change is checked there and the audit trail records every field.
It first locks the accepted actions' rows and refuses, naming them, those someone else changed
after the preview was read (``ChangedSincePreview``): several officers can share one database,
and a return never overwrites a change it did not show.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

import python_calamine
from sqlalchemy import select
from sqlalchemy.orm import Session
from xlsxwriter.utility import xl_col_to_name

from app import rules
from app.errors import UserError
from app.excel.export import (
    ACTION_ID,
    DATABASE_ID_SETTING,
    EDITABLE_FIELDS,
    EXPORT_CHECK,
    EXPORT_FORMAT,
    EXPORT_FORMAT_VERSION,
    KIND_ACTION_PLAN,
    NEW_UPDATE,
    NEW_UPDATE_ON,
    RECORD_SHEET,
    SIGNATURE_ITEM,
    VERSION,
    ExportCheck,
    Fingerprints,
    action_plan_columns,
    cell_text,
    locked_keys,
    stamp_signature,
)
from app.excel.parsing import parse_uk_date
from app.excel.sheet_xml import first_rows, formula_cells
from app.queries.action_plan import PlanFilter, read_action_plan
from app.services.actions import StatusChoices, check_closure, record_return
from app.services.bulk import lock_changed_since
from app.services.signing_key import signing_key
from app.services.updates import add_progress_update
from app.services.validation import Problems, multiline_text
from app.text import match_key
from db.audit import audit_user
from db.models import (
    RAG_VALUES,
    Action,
    AuditEntry,
    ProgressUpdate,
    Setting,
)

ZIP_SIGNATURE = b"PK\x03\x04"
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# An encrypted (password-protected) .xlsx is an OLE2 file holding this stream.
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
HEADER_SEARCH_ROWS = 20
# SQLite allows 32,766 parameters; stay well below it when asking for many ids.
ID_CHUNK = 5000
EARLIEST_DATE, LATEST_DATE = dt.date(1990, 1, 1), dt.date(2100, 12, 31)

DATE_FIELDS = ("target_on", "completed_on")
# What closing an action needs (``actions.check_closure``'s fields), by the column that gives
# it, and how the need is put for that column (by the service's words).
_CLOSING_NEEDS = {
    "completed_on": ("completed_on", {"is required": "the date it was completed",
                                      "cannot be in the future": "the date it was completed cannot be in the future"}),
    "evidence_of_completion": ("evidence_of_completion", {
        "is needed to close an action as implemented":
            "evidence of completion is needed to close an action as implemented"}),
    "closure_note": (NEW_UPDATE, {}),
}


# --- what the preview holds -----------------------------------------------------------------

@dataclass(frozen=True)
class CellRef:
    """Where something is in the returned workbook (row numbers as Excel shows them)."""

    sheet: str
    row: int | None = None
    column: int | None = None  # zero-based
    header: str | None = None

    def __str__(self) -> str:
        text = f"Sheet '{self.sheet}'"
        if self.row is not None:
            text += f", row {self.row}"
        if self.column is not None:
            text += f", column {xl_col_to_name(self.column)}"
            if self.header:
                text += f" ({self.header})"
        return text


@dataclass(frozen=True)
class Problem:
    """A refusal or a warning, with the place it applies to."""

    message: str
    where: CellRef | None = None

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


@dataclass(frozen=True)
class FieldChange:
    """One field of one action: what the tracker holds now and what the agency sent."""

    field: str
    label: str
    old: str  # as shown to the user
    new: str
    value: Any  # the value to store
    conflict: bool  # the tracker changed this field too since the export


@dataclass(frozen=True)
class NewUpdate:
    """A progress update the agency wrote, to be appended to the action's history."""

    text: str
    update_on: dt.date


@dataclass
class ActionReturn:
    """One returned row that changes something, or was refused."""

    action_id: int
    row: int
    reference: str
    description: str
    exported_version: int
    db_version: int | None
    changes: list[FieldChange] = field(default_factory=list)
    new_update: NewUpdate | None = None
    refused: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def has_conflict(self) -> bool:
        return any(change.conflict for change in self.changes)

    @property
    def changed_since_export(self) -> bool:
        return self.db_version is not None and self.db_version != self.exported_version

    @property
    def can_apply(self) -> bool:
        return not self.refused and (bool(self.changes) or self.new_update is not None)


@dataclass(frozen=True)
class ExportStamp:
    """The export record a returned workbook carries (``app.excel.export._stamp``)."""

    kind: str
    export_id: str
    exported_at: str
    database_id: str
    sheet: str
    filters: str
    format_version: str
    rows: int | None  # how many action rows were exported
    agency_id: int | None  # whose part of the plan it is (None: every agency's)
    as_at: str  # the past date it shows the plan as at, ISO ("": as it stood when exported)
    items: dict[str, str]  # everything it says, as written (what its signature covers)

    @classmethod
    def of(cls, items: dict[str, str]) -> ExportStamp | None:
        """The stamp ``items`` make up, or None when they are not this program's."""
        if items.get("format") != EXPORT_FORMAT:
            return None
        get = items.get
        return cls(kind=get("kind", ""), export_id=get("export id", ""), exported_at=get("exported at", ""),
                   database_id=get("database id", ""), sheet=get("sheet", ""), filters=get("filters", ""),
                   format_version=get("format version", ""), rows=_positive_int(get("rows")),
                   agency_id=_positive_int(get("agency id")), as_at=get("as at", ""), items=dict(items))

    def signed_by(self, key: bytes | None) -> bool:
        """Whether this stamp is as the database with signing key ``key`` wrote it."""
        given = self.items.get(SIGNATURE_ITEM, "")
        return key is not None and hmac.compare_digest(stamp_signature(key, self.items), given)


@dataclass
class ReturnPreview:
    """Everything a returned workbook would change, before anything is written."""

    path: Path
    stamp: ExportStamp
    rows_read: int = 0
    actions: list[ActionReturn] = field(default_factory=list)
    fatal: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def applicable(self, *, include_conflicts: bool = False) -> list[int]:
        """The ids of rows that can be applied (by default leaving out conflicts)."""
        if self.fatal:
            return []
        return [a.action_id for a in self.actions
                if a.can_apply and (include_conflicts or not a.has_conflict)]

    def describe(self) -> str:
        """The preview as plain text: per action each field old → new, then every warning."""
        lines = [f"{self.path.name}: returned action plan exported {_when(self.stamp.exported_at)} "
                 f"({self.stamp.filters}); {self.rows_read} action rows read."]
        lines += [f"REFUSED: {problem}" for problem in self.fatal]
        for item in self.actions:
            head = f"Row {item.row}, action {item.reference} ({_short(item.description, 50)})"
            if item.refused:
                lines.append(f"{head}: refused")
                lines += [f"    {problem}" for problem in item.refused]
                continue
            if item.has_conflict:
                head += " — CONFLICT: the tracker changed the same field since the export"
            elif item.changed_since_export:
                head += " (the tracker changed other fields since the export)"
            lines.append(head)
            for change in item.changes:
                mark = "  (conflict)" if change.conflict else ""
                lines.append(f"    {change.label}: {change.old} → {change.new}{mark}")
            if item.new_update:
                lines.append(f"    New progress update ({item.new_update.update_on:%d/%m/%Y}): "
                             f"{_short(item.new_update.text)}")
            lines += [f"    Warning: {problem}" for problem in item.warnings]
        lines += [f"Warning: {problem}" for problem in self.warnings]
        changed = sum(1 for a in self.actions if a.can_apply)
        conflicts = sum(1 for a in self.actions if a.can_apply and a.has_conflict)
        refused = sum(1 for a in self.actions if a.refused)
        lines.append(f"{changed} action(s) to change ({conflicts} with conflicts), {refused} refused, "
                     f"{self.rows_read - changed - refused} unchanged.")
        return "\n".join(lines)


@dataclass
class ApplySummary:
    """What ``apply_return`` wrote."""

    actions_changed: int = 0
    fields_changed: int = 0
    updates_added: int = 0
    target_revisions: int = 0
    not_applied: int = 0

    def describe(self) -> str:
        return (f"Applied changes to {self.actions_changed} action(s): {self.fields_changed} field(s) "
                f"changed, {self.target_revisions} target date(s) revised, {self.updates_added} "
                f"progress update(s) added; {self.not_applied} row(s) not applied.")


def _when(iso: str) -> str:
    try:
        return dt.datetime.fromisoformat(iso).strftime("%d/%m/%Y %H:%M")
    except ValueError:
        return iso


def _short(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


# --- checking and opening the file ----------------------------------------------------------

def check_workbook_file(path: Path) -> None:
    """Refuse, with a sentence naming the file, anything that is not a readable .xlsx:
    judged by the bytes it holds, whatever its name says."""
    path = Path(path)
    if not path.exists():
        raise UserError(f"There is no file at {path}.")
    if path.is_dir():
        raise UserError(f"{path} is a folder, not an Excel workbook.")
    with path.open("rb") as handle:
        head = handle.read(4096)
    if not head:
        raise UserError(f"{path.name} is empty (0 bytes): ask for the file to be sent again.")
    if head.startswith(OLE2_SIGNATURE):
        if ENCRYPTED_STREAM in path.read_bytes():
            raise UserError(f"{path.name} is protected with a password, so it cannot be read. "
                            "Open it in Excel, remove the password (File > Info > Protect Workbook > "
                            "Encrypt with Password), save it and import it again.")
        raise UserError(f"{path.name} is an old-style Excel 97-2003 (.xls) workbook. Open it in "
                        "Excel, save it as an Excel Workbook (.xlsx) and import that file.")
    if not head.startswith(ZIP_SIGNATURE):
        if b"\x00" not in head:
            raise UserError(f"{path.name} is a plain text (CSV) file, not an Excel workbook, whatever "
                            "its name says. Open it in Excel and save it as an Excel Workbook (.xlsx).")
        raise UserError(f"{path.name} is not an Excel workbook (.xlsx).")
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        raise UserError(f"{path.name} is damaged or incomplete (it may have been cut short while "
                        "being copied or e-mailed). Ask for it to be sent again.") from None
    if "xl/workbook.xml" not in names:
        raise UserError(f"{path.name} is a zip file but not an Excel workbook (.xlsx).")


def open_workbook(path: Path) -> python_calamine.CalamineWorkbook:
    """The workbook at ``path``, checked first; a damaged one is a ``UserError``."""
    check_workbook_file(path)
    try:
        return python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as err:  # calamine reports damage with several exception types
        raise UserError(f"{Path(path).name} is damaged and cannot be read ({err}). "
                        "Ask for it to be sent again.") from None


def _sheet_rows(workbook, path: Path, name: str) -> list[list[Any]]:
    try:
        return workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except Exception as err:
        raise UserError(f"{Path(path).name}: sheet '{name}' is damaged and cannot be read ({err}).") from None


def read_export_stamp(path: Path) -> ExportStamp | None:
    """The export stamp of a workbook this program exported, or None for any other workbook.

    The stamp is read from the very hidden record sheet or, when that was deleted (Excel users
    do, copying the sheet into another workbook), from above the action plan sheet's hidden
    check column. A workbook laid out as an exported action plan that has lost both (or its
    hidden columns) is refused with a ``UserError``, never left to be read as a hand-kept
    tracker: that would add its actions again. So is a file that is not a readable workbook."""
    with open_workbook(path) as workbook:
        stamp = _stamp_of(workbook, path)
    if stamp is not None:
        return stamp
    found = _plan_sheet(path)
    if found is None:
        return None
    if found.stamp is not None:
        return found.stamp
    lost = ("its hidden Action ID and Export check columns were removed" if not found.hidden_columns else
            "its export record is missing (the hidden 'Export record' sheet was deleted, and the stamp "
            "kept with the sheet is gone)")
    raise UserError(f"{path.name} looks like an action plan exported by Case Review Tracker (sheet "
                    f"'{found.name}'), but {lost}, so its rows cannot be matched to their actions safely. "
                    "It is not imported as a hand-kept tracker either: that would add its actions again. "
                    "Export the plan again and copy the agency's entries into the new file.")


@dataclass(frozen=True)
class _PlanSheet:
    """A sheet laid out as an exported action plan: its name, whether it still has the hidden
    identity columns, and the stamp above them (if it is still there)."""

    name: str
    hidden_columns: bool
    stamp: ExportStamp | None


_HEADER_KEYS = {match_key(c.header): c.key for c in action_plan_columns(())}
_VISIBLE_KEYS = frozenset(c.key for c in action_plan_columns(()) if not c.hidden)
# Nearly all of the visible headers in one row make a sheet an exported plan (a hand-kept
# tracker shares a few: Ref, Action, Lead agency, Status, RAG...).
_LAYOUT_SHARE = 0.8


def _plan_sheet(path: Path) -> _PlanSheet | None:
    """The first sheet laid out as an exported action plan, judged by its first rows only
    (read from the XML, so a huge or hostile workbook costs no more than a small one)."""
    for name, rows in first_rows(path, HEADER_SEARCH_ROWS).items():
        for index, row in enumerate(rows):
            keys = {_HEADER_KEYS.get(match_key(value)) for value in row if value}
            hidden = {ACTION_ID, EXPORT_CHECK} <= keys
            if hidden or len(keys & _VISIBLE_KEYS) >= _LAYOUT_SHARE * len(_VISIBLE_KEYS):
                return _PlanSheet(name, hidden, _stamp_above(rows[:index]))
    return None


def _stamp_above(rows: Iterable[Sequence[Any]]) -> ExportStamp | None:
    """The stamp an export writes above its header row (in the hidden check column)."""
    for row in rows:
        for value in row:
            if isinstance(value, str) and value.startswith('{"format":'):
                try:
                    items = json.loads(value)
                except (ValueError, RecursionError):
                    continue
                if isinstance(items, dict) and all(isinstance(v, str) for v in items.values()):
                    return ExportStamp.of(items)
    return None


def _stamp_of(workbook, path: Path) -> ExportStamp | None:
    """The stamp on the record sheet, if the workbook has one."""
    if RECORD_SHEET not in workbook.sheet_names:
        return None
    items = {}
    for row in _sheet_rows(workbook, path, RECORD_SHEET):
        if len(row) >= 2 and isinstance(row[0], str):
            items[row[0]] = cell_text(row[1])
    return ExportStamp.of(items)


# --- reading a return -----------------------------------------------------------------------

@dataclass(frozen=True)
class _Layout:
    """Where the header is and which column holds what, in the returned sheet."""

    sheet: str
    header_row: int  # zero-based
    columns: dict[str, int]  # column key -> zero-based index
    headers: dict[str, str]  # column key -> header text

    def ref(self, row_index: int, key: str) -> CellRef:
        return CellRef(self.sheet, row_index + 1, self.columns[key], self.headers[key])


def _find_layout(path: Path, sheet: str, rows: list[list[Any]], statuses: Sequence[str]) -> _Layout:
    columns = action_plan_columns(statuses)
    by_header = {match_key(c.header): c for c in columns}
    best_row, best_found = None, {}
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found = {}
        for col, value in enumerate(row):
            column = by_header.get(match_key(value)) if isinstance(value, str) else None
            if column is not None and column.key not in found:
                found[column.key] = col
        if ACTION_ID in found:
            best_row, best_found = index, found
            break
        if len(found) > len(best_found):
            best_found = found
    if not best_found:
        raise UserError(f"{path.name}: sheet '{sheet}' has none of the action plan's columns "
                        "(Ref, Action, Status, RAG, ...). Is this the right file?")
    if best_row is None or EXPORT_CHECK not in best_found:
        raise UserError(f"{path.name}: sheet '{sheet}' has lost its hidden Action ID and Export check "
                        "columns, which match each row to its action. Export the plan again and copy "
                        "the agency's entries into the new file.")
    headers = {c.key: c.header for c in columns}
    return _Layout(sheet, best_row, best_found, headers)


# SQLite's largest integer: an id, a version or a count beyond it is none of ours.
_LARGEST_ID = 2**63 - 1


def _positive_int(value: Any) -> int | None:
    """A whole number from 1 to SQLite's largest, as a cell or a stamp gives it; None for
    anything else (text of other digits than 0-9, or too long to be one, included)."""
    if isinstance(value, float):
        return _positive_int(int(value)) if value.is_integer() else None
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 < value <= _LARGEST_ID else None
    if isinstance(value, str):
        text = value.strip()
        if text.isascii() and text.isdigit() and len(text) <= 19:
            return _positive_int(int(text))
    return None


def parse_date(value: Any) -> dt.date | None:
    """A returned cell's value as a day: a date cell, or text such as 31/01/2025 read day
    first. Raises ``ValueError`` with a message for the user when it is not a usable day."""
    parsed = parse_uk_date(value)
    if parsed.is_blank:
        return None
    if parsed.precision != "day":
        reason = (parsed.warning or f"'{parsed.text}' is not a date").removesuffix("; kept as text.")
        raise ValueError(f"{reason}; type the date as dd/mm/yyyy")
    if not EARLIEST_DATE <= parsed.date <= LATEST_DATE:
        raise ValueError(f"{parsed.date:%d/%m/%Y} is not a believable date")
    return parsed.date


def _display(value: Any) -> str:
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return _short(str(value))


@dataclass(frozen=True)
class _DbAction:
    """A returned action as the plan shows it now (``app.queries.action_plan``): in the words
    the export wrote, so a cell the agency left alone never reads as a change."""

    id: int
    version: int
    reference: str
    description: str
    values: dict[str, Any]  # editable field -> value as shown now
    closed: bool  # completed, or closed with a reason
    lead_agency_id: int | None
    lead_agency: str | None
    updates: frozenset[str]  # texts of its progress updates


def _load_actions(session: Session, ids: Iterable[int], with_updates: Iterable[int]) -> dict[int, _DbAction]:
    """The returned actions as the plan shows them now; the texts of their progress updates
    only for ``with_updates`` (the actions whose row brings a new one). A large return is read
    with one reading of the whole plan (whoever leads each action now), not by lists of ids."""
    updates: dict[int, set[str]] = {}
    for chunk in _chunks(with_updates):
        for action_id, text in session.execute(
            select(ProgressUpdate.action_id, ProgressUpdate.text)
            .where(ProgressUpdate.action_id.in_(chunk), ProgressUpdate.archived_at.is_(None))
        ):
            updates.setdefault(action_id, set()).add(text)
    wanted = set(ids)
    if not wanted:
        return {}
    # The read model names the ids twice (SQLite takes some 32,000 at once).
    flt = PlanFilter() if len(wanted) > ID_CHUNK else PlanFilter(action_ids=tuple(wanted))
    found: dict[int, _DbAction] = {}
    closed = (rules.COMPLETED, rules.CLOSED)
    for row in read_action_plan(session, None, flt, with_updates=False).rows:
        if row.id in wanted:
            values = {"status": row.status, "rag": row.rag, "target_on": row.target,
                      "evidence_of_completion": row.evidence_of_completion,
                      "evidence_of_impact": row.evidence_of_impact, "completed_on": row.completed_on}
            found[row.id] = _DbAction(row.id, row.version, row.reference, row.description, values,
                                      row.state in closed, row.lead_agency_id, row.lead_agency,
                                      frozenset(updates.get(row.id, ())))
    return found


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), ID_CHUNK):
        yield ordered[start:start + ID_CHUNK]


class _RowReader:
    """Turns one returned row into an ``ActionReturn`` (or nothing, when unchanged)."""

    def __init__(self, layout: _Layout, locked: Sequence[str], statuses: StatusChoices, today: dt.date,
                 formulas: set[tuple[int, int]], key: bytes, stamp: ExportStamp):
        self.layout = layout
        self.formulas = formulas
        self.locked = locked
        columns = layout.columns
        # (position in the fingerprints, column index, key) of the locked and the editable
        # columns still in the sheet
        self.locked_present = [(i, columns[key], key) for i, key in enumerate(locked) if key in columns]
        self.editable_present = [(i, columns[key], key) for i, key in enumerate(EDITABLE_FIELDS) if key in columns]
        self.width = max(columns.values()) + 1  # rows are made this wide, to be read by index
        self.statuses = statuses
        self.today = today
        self.key = key
        self.export_id = stamp.export_id
        self.pack_agency_id = stamp.agency_id
        self.marks = Fingerprints()  # a return repeats its statuses, RAGs, agencies and blanks

    def cell(self, row: list[Any], key: str) -> Any:
        index = self.layout.columns.get(key)
        return row[index] if index is not None and index < len(row) else None

    def widened(self, row: list[Any]) -> list[Any]:
        """``row`` with a cell (None) in every column the layout names."""
        return row if len(row) >= self.width else row + [None] * (self.width - len(row))

    def identify(self, row_index: int, row: list[Any]) -> tuple[int, int, ExportCheck] | ActionReturn | None:
        """The action a row is for, its version when exported and its export check, when the
        row's signature shows this export wrote them for that action; else the row refused
        (``action_id`` 0: it is matched to no action). None for a row with no Action ID at
        all (one the agency added)."""
        row = self.widened(row)
        columns = self.layout.columns
        raw_id = row[columns[ACTION_ID]]
        if raw_id is None or raw_id == "":
            return None
        action_id = _positive_int(raw_id)
        version = _positive_int(row[columns[VERSION]]) if VERSION in columns else None
        check = ExportCheck.read(row[columns[EXPORT_CHECK]])
        if (action_id is not None and version is not None and check is not None
                and check.signed_by(self.key, self.export_id, action_id, version)):
            return action_id, version, check
        item = ActionReturn(action_id=0, row=row_index + 1,
                            reference=_short(cell_text(self.cell(row, "reference")), 20) or "(no Ref)",
                            description=cell_text(self.cell(row, "description")),
                            exported_version=version or 0, db_version=None)
        item.refused.append(Problem("the hidden Action ID, Version or Export check of this row was changed (its "
                                    "signature does not match), so it cannot be matched to its action safely",
                                    self.layout.ref(row_index, ACTION_ID)))
        return item

    def read(self, row_index: int, row: list[Any], action_id: int, version: int, check: ExportCheck,
             db: _DbAction | None) -> ActionReturn | None:
        layout = self.layout
        item = ActionReturn(action_id=action_id, row=row_index + 1,
                            reference=db.reference if db else f"#{action_id}",
                            description=db.description if db else "", exported_version=version,
                            db_version=db.version if db else None)
        locked, editable = check.locked.split(), check.editable.split()
        if len(locked) != len(self.locked) or len(editable) != len(EDITABLE_FIELDS):
            item.refused.append(Problem("the hidden export check of this row does not fit the action plan's "
                                        "columns; export the plan again", layout.ref(row_index, EXPORT_CHECK)))
            return item
        if db is None:
            item.refused.append(Problem(f"action {action_id} is no longer in the tracker (deleted or "
                                        "archived since the export)", layout.ref(row_index, ACTION_ID)))
            return item
        marks = self.marks
        row = self.widened(row)
        for position, index, key in self.locked_present:
            if marks[row[index]] != locked[position]:
                item.refused.append(Problem(
                    f"this column cannot be changed by agencies (it now says "
                    f"'{_short(cell_text(row[index]), 60)}')", layout.ref(row_index, key)))
        typed = (*EDITABLE_FIELDS, NEW_UPDATE, NEW_UPDATE_ON) if self.formulas else ()
        for key in typed:
            if key in layout.columns and (row_index, layout.columns[key]) in self.formulas:
                item.refused.append(Problem("this cell holds a formula; type the text or date itself "
                                            "(formulas are not taken back)", layout.ref(row_index, key)))
        if not item.refused and db.lead_agency_id != check.agency_id:
            exported = cell_text(self.cell(row, "lead_agency")) or "no agency"
            item.refused.append(Problem(f"this action is now led by {db.lead_agency or 'no agency'}, not "
                                        f"{exported} as when it was exported; it is not changed from this return",
                                        layout.ref(row_index, "lead_agency" if "lead_agency" in layout.columns
                                                   else ACTION_ID)))
        if item.refused:
            return item
        for position, index, name in self.editable_present:
            if marks[row[index]] != editable[position]:  # most cells are as exported
                self._compare(item, row_index, name, row[index], editable[position], db)
        self._new_update(item, row_index, row, db)
        if item.changes:
            self._check_status(item, row_index, db)
        if item.refused or item.changes or item.new_update or item.warnings:
            return item
        return None

    def _compare(self, item: ActionReturn, row_index: int, name: str, raw: Any, exported: str,
                 db: _DbAction) -> None:
        """``exported``: the fingerprint of the value the cell was exported with."""
        where = self.layout.ref(row_index, name)
        try:
            value = self._value(name, raw)
        except ValueError as err:
            item.refused.append(Problem(str(err), where))
            return
        returned = self.marks[value]
        if returned == exported:
            return  # the same value written another way ("in progress", "g", a text date)
        now = self.marks[db.values[name]]
        if returned == now:
            return  # the tracker already says the same
        if name == "target_on" and value is None:
            item.refused.append(Problem("a target date can be moved but not removed", where))
            return
        if name == "completed_on" and value is not None and value > self.today:
            item.refused.append(Problem(f"{value:%d/%m/%Y} is in the future", where))
            return
        item.changes.append(FieldChange(name, self.layout.headers[name], _display(db.values[name]),
                                        _display(value), value, conflict=now != exported))

    def _check_status(self, item: ActionReturn, row_index: int, db: _DbAction) -> None:
        """The returned status by the rules ``actions.record_return`` applies: a closed action
        is not reopened; one closed here needs what ``actions.check_closure`` asks for; and a
        closed action has no RAG rating of its own (a completed one is shown Blue)."""
        changed = {change.field: change for change in item.changes}
        status = changed.get("status")
        choice = self.statuses.read(status.value) if status else None
        closes = choice is not None and choice.closure_reason is not None
        if choice is not None and not closes and db.closed:
            item.refused.append(Problem(
                f"this action is closed in the tracker ('{db.values['status']}'); a return does not reopen it. "
                "If the agency is right, reopen it in the tracker", self.layout.ref(row_index, "status")))
            return
        if closes:
            problems = Problems()
            now = {name: changed[name].value if name in changed else db.values[name]
                   for name in ("completed_on", "evidence_of_completion")}
            check_closure(problems, choice.closure_reason, completed_on=now["completed_on"],
                          evidence_of_completion=now["evidence_of_completion"],
                          note=item.new_update.text if item.new_update else None)
            for name, message in problems.found.items():
                column, needed = _CLOSING_NEEDS[name]
                column = column if column in self.layout.columns else "status"
                item.refused.append(Problem(f"the status '{choice.text}' needs this column: "
                                            f"{needed.get(message, message)}", self.layout.ref(row_index, column)))
        rag = changed.get("rag")
        if rag is not None and (db.closed or closes):
            item.changes.remove(rag)
            completed = (choice.text if choice else db.values["status"]) == rules.COMPLETED_LABEL
            if rag.value != (rules.BLUE if completed else None):
                item.warnings.append(Problem("a closed action has no RAG rating of its own (a completed one is "
                                             "shown Blue), so the RAG given is not taken",
                                             self.layout.ref(row_index, "rag")))

    def _value(self, name: str, raw: Any) -> Any:
        if name in DATE_FIELDS:
            return parse_date(raw)
        text = cell_text(raw)
        if name == "status":
            return self.statuses.read(text).text
        if name == "rag":
            if not text.strip():
                return None
            for rag in RAG_VALUES:
                if text.strip().casefold() in (rag.casefold(), rag[0].casefold()):
                    return rag
            raise ValueError(f"'{_short(text, 40)}' is not a RAG rating (Red, Amber, Green or Blue)")
        return multiline_text(text)

    def _new_update(self, item: ActionReturn, row_index: int, row: list[Any], db: _DbAction) -> None:
        raw_text, raw_on = self.cell(row, NEW_UPDATE), self.cell(row, NEW_UPDATE_ON)
        if raw_text in (None, "") and raw_on in (None, ""):
            return  # nothing written in either (most rows)
        text = multiline_text(cell_text(raw_text))
        try:
            update_on = parse_date(raw_on)
        except ValueError as err:
            item.refused.append(Problem(str(err), self.layout.ref(row_index, NEW_UPDATE_ON)))
            return
        if text is None:
            if update_on is not None:
                item.warnings.append(Problem("a date was given but no progress update; the date is ignored",
                                             self.layout.ref(row_index, NEW_UPDATE_ON)))
            return
        if update_on is not None and update_on > self.today:
            item.refused.append(Problem(f"{update_on:%d/%m/%Y} is in the future",
                                        self.layout.ref(row_index, NEW_UPDATE_ON)))
            return
        if text in db.updates:
            item.warnings.append(Problem("this progress update is already in the action's history, so it "
                                         "is not added again", self.layout.ref(row_index, NEW_UPDATE)))
            return
        item.new_update = NewUpdate(text, update_on or self.today)


@dataclass(frozen=True)
class _Returned:
    """What a returned workbook holds: its stamp (the one kept with the sheet, else the record
    sheet's), the sheet of actions and its rows, and the record sheet's stamp (if any)."""

    stamp: ExportStamp
    sheet: str
    rows: list[list[Any]]
    record: ExportStamp | None


def _read_return_sheet(path: Path) -> _Returned:
    """The export stamp and the action rows of a returned workbook (which is closed again);
    ``UserError`` when it is not a readable action plan export of this program, or is one that
    cannot come back (a copy of the plan as at a past date). The sheet is the one the stamp
    names or, renamed or copied, the one laid out as the plan."""
    with open_workbook(path) as workbook:
        record = _stamp_of(workbook, path)
        sheet = record.sheet if record is not None and record.sheet in workbook.sheet_names else None
        if sheet is None:
            found = _plan_sheet(path)
            sheet = found.name if found is not None and found.hidden_columns else None
        if sheet is None:
            if record is None:
                raise UserError(f"{path.name} was not exported by Case Review Tracker (it has no export "
                                "record), so it cannot be taken back as an agency return.")
            raise UserError(f"{path.name} has no sheet called '{record.sheet}', and no other sheet with the "
                            "action plan's columns and its hidden Action ID and Export check columns: was it "
                            "deleted?")
        rows = _sheet_rows(workbook, path, sheet)
    kept = _stamp_above(rows[:HEADER_SEARCH_ROWS])
    stamp = kept or record
    if stamp is None:
        raise UserError(f"{path.name} was not exported by Case Review Tracker (it has no export "
                        "record), so it cannot be taken back as an agency return.")
    if stamp.kind != KIND_ACTION_PLAN:
        raise UserError(f"{path.name} is an export of the {stamp.kind.replace('-', ' ')}; only "
                        "action plan exports can be taken back.")
    if stamp.format_version != EXPORT_FORMAT_VERSION:
        raise UserError(f"{path.name} was exported by a different version of Case Review Tracker "
                        f"(format {stamp.format_version}); export the plan again.")
    if stamp.as_at:
        raise UserError(f"{path.name} is a copy of the action plan as it stood on {_when_day(stamp.as_at)}, "
                        "kept for the record; it cannot be taken back. Export the plan as it stands "
                        "today and send that for the agency to update.")
    return _Returned(stamp, sheet, rows, record)


def _when_day(iso: str) -> str:
    try:
        return dt.date.fromisoformat(iso).strftime("%d/%m/%Y")
    except ValueError:
        return f"'{_short(iso, 20)}'"


def _identity_problem(session: Session, returned: _Returned, key: bytes | None) -> Problem | None:
    """Why no row of ``returned`` can be trusted here, if none can."""
    ours = session.get(Setting, DATABASE_ID_SETTING)
    if ours is None or ours.value != returned.stamp.database_id:
        return Problem("this workbook was exported from another Case Review Tracker database, so its rows "
                       "cannot be matched to these actions")
    stamps = [returned.stamp, *([returned.record] if returned.record is not None else [])]
    if not all(stamp.signed_by(key) for stamp in stamps):
        return Problem("its export record was changed after it was exported (it no longer matches what this "
                       "database wrote), so none of its rows can be trusted; export the plan again")
    if any(stamp.items != returned.stamp.items for stamp in stamps):
        return Problem("its export record and the stamp kept with its sheet come from different exports, "
                       "so its rows cannot be matched safely; export the plan again")
    return None


def read_return(session: Session, path: Path, *, today: dt.date | None = None) -> ReturnPreview:
    """Read a returned action plan workbook and work out what it would change, writing
    nothing. Raises ``UserError`` when the file is not a readable return of ours; problems
    that forbid applying any of it are in ``fatal``, per-row ones in each row's ``refused``."""
    path = Path(path)
    today = today or dt.date.today()
    returned = _read_return_sheet(path)
    stamp, sheet, rows = returned.stamp, returned.sheet, returned.rows
    statuses = StatusChoices(session)
    layout = _find_layout(path, sheet, rows, statuses.listed)
    preview = ReturnPreview(path=path, stamp=stamp)
    key = signing_key(session)
    refusal = _identity_problem(session, returned, key)
    if refusal is not None:
        preview.fatal.append(refusal)
    if returned.record is None:
        preview.warnings.append(Problem("the hidden 'Export record' sheet is missing (deleted when the sheet "
                                        "was copied?); the workbook was recognised by the signed stamp kept "
                                        "with its sheet", CellRef(sheet)))
    for column, header in layout.headers.items():
        if column not in layout.columns and column in EDITABLE_FIELDS + (NEW_UPDATE,):
            preview.warnings.append(Problem(f"the column '{header}' is missing, so nothing in it "
                                            "can be taken back", CellRef(sheet)))

    reader = _RowReader(layout, locked_keys(action_plan_columns(statuses.listed)), statuses, today,
                        set() if refusal else formula_cells(path, sheet), key or b"", stamp)
    matched: list[tuple[int, list[Any], int, int, ExportCheck]] = []
    first_row_of: dict[int, int] = {}
    id_col = layout.columns[ACTION_ID]
    for index in range(layout.header_row + 1, len(rows)):
        row = rows[index]
        if all(value is None or value == "" for value in row):
            continue
        if refusal is not None:  # no row can be trusted: count them, no more
            preview.rows_read += id_col < len(row) and row[id_col] not in (None, "")
            continue
        found = reader.identify(index, row)
        if found is None:
            preview.warnings.append(Problem("this row has no Action ID, so it is not taken back (new "
                                            "actions are added in the tracker, not in a return)",
                                            CellRef(sheet, index + 1)))
            continue
        preview.rows_read += 1
        if isinstance(found, ActionReturn):  # refused: its identity does not verify
            preview.actions.append(found)
            continue
        action_id, version, check = found
        if action_id in first_row_of:
            preview.fatal.append(Problem(f"rows {first_row_of[action_id] + 1} and {index + 1} are the same "
                                         f"action (Action ID {action_id}); delete one and import again",
                                         CellRef(sheet, index + 1)))
            continue
        first_row_of[action_id] = index
        matched.append((index, row, action_id, version, check))
    if not preview.rows_read and not preview.fatal:
        raise UserError(f"{path.name}: sheet '{sheet}' has no action rows to take back.")
    if refusal is None and stamp.rows and stamp.rows > len(first_row_of):
        preview.warnings.append(Problem(f"{stamp.rows - len(first_row_of)} of the {stamp.rows} exported "
                                        "actions are not in the file (rows deleted?); they are left as "
                                        "they are", CellRef(sheet)))

    update_col = layout.columns.get(NEW_UPDATE)
    with_updates = [action_id for _index, row, action_id, _version, _check in matched
                    if update_col is not None and update_col < len(row) and row[update_col] not in (None, "")]
    db_actions = _load_actions(session, first_row_of, with_updates)
    for index, row, action_id, version, check in matched:
        item = reader.read(index, row, action_id, version, check, db_actions.get(action_id))
        if item is not None:
            preview.actions.append(item)
    preview.actions.sort(key=lambda item: item.row)
    return preview


# --- applying it ----------------------------------------------------------------------------

class ChangedSincePreview(UserError):
    """Someone else changed actions a return would change after its preview was read: each
    of them is named (``references``, ``action_ids``) and nothing was written."""

    def __init__(self, path: Path, items: Sequence[ActionReturn]):
        self.action_ids = [item.action_id for item in items]
        self.references = [item.reference for item in items]
        names = ", ".join(self.references)
        many = len(items) > 1
        super().__init__(f"Action{'s' if many else ''} {names} {'were' if many else 'was'} changed in the "
                         f"tracker after the preview was made (someone else saved {'them' if many else 'it'}); "
                         f"read {path.name} again to see their change beside the agency's. Nothing was written.")


def apply_return(session: Session, preview: ReturnPreview, accepted_action_ids: Iterable[int]) -> ApplySummary:
    """Write the accepted rows of ``preview`` in the caller's transaction, through the
    services (so every field is checked and audited). Refuses — writing nothing — a preview with a fatal problem,
    or an accepted row that was refused; ``ChangedSincePreview`` names the accepted actions changed since the
    preview was read. The accepted actions are locked (``bulk.lock_changed_since``) until the caller's unit
    of work ends."""
    if preview.fatal:
        raise UserError(f"{preview.path.name} was refused, so nothing was written: {preview.fatal[0]}")
    accepted = set(accepted_action_ids)
    chosen = [item for item in preview.actions if item.action_id in accepted]
    unknown = accepted - {item.action_id for item in chosen}
    if unknown:
        raise UserError(f"Action(s) {', '.join(map(str, sorted(unknown)))} have no changes in "
                        f"{preview.path.name}; nothing was written.")
    for item in chosen:
        if item.refused:
            raise UserError(f"Row {item.row} (action {item.reference}) was refused and cannot be "
                            f"applied: {item.refused[0]}. Nothing was written.")
    # The accepted actions stay locked until the unit of work ends: none changed since the
    # preview is overwritten, and none can change between this check and the writes.
    changed = set(lock_changed_since(session, Action.__table__, {item.action_id: item.db_version for item in chosen}))
    if changed:
        raise ChangedSincePreview(preview.path, [item for item in chosen if item.action_id in changed])
    summary = ApplySummary(not_applied=sum(1 for a in preview.actions if a.action_id not in accepted))
    source = f"Agency return {preview.path.name}"[:200]
    statuses = StatusChoices(session)
    for item in chosen:
        _apply_row(session, item, source, summary, statuses)
    session.add(AuditEntry(
        user=audit_user(session), operation="import",
        table_name="action", record_id=None, field=None,
        new_value=f"{preview.path.name} (export {preview.stamp.export_id}): {summary.describe()}",
    ))
    session.flush()
    return summary


def _apply_row(session: Session, item: ActionReturn, source: str, summary: ApplySummary,
               statuses: StatusChoices) -> None:
    # The agency's new progress update is also what it said about a closure (its note).
    note = item.new_update.text if item.new_update else None
    action = record_return(session, item.action_id, {c.field: c.value for c in item.changes}, source=source,
                           note=note, statuses=statuses)
    summary.fields_changed += len(item.changes)
    summary.target_revisions += sum(1 for c in item.changes if c.field == "target_on")
    if item.new_update:
        add_progress_update(session, action.id, text=item.new_update.text,
                            update_on=item.new_update.update_on, rag=action.rag, author=source)
        summary.updates_added += 1
    summary.actions_changed += 1

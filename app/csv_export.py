"""CSV copies of the action plan and of every register, for the office's performance team
(Power BI) and anyone who wants the rows in a spreadsheet.

Each file is UTF-8 with a byte-order mark (so Excel opens it with accents and dashes intact),
one header line, then one line per record, read through the same read models the window
and the workbooks use. Dates are written as ISO dates (2017-03-31), which Excel and Power BI
both read as dates whatever the machine's locale; yes/no values as Yes and No. A cell that
would begin with ``=``, ``+``, ``-``, ``@`` or a tab or line break is written with an
apostrophe in front, so no spreadsheet runs it as a formula.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

from sqlalchemy.orm import Session

from app import privacy_scan
from app.queries.action_plan import PlanFilter, read_action_plan
from app.registers import REGISTERS

# What a spreadsheet would read as the start of a formula (OWASP's list for CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")

# The action plan's columns: (header, ActionRow field or a function of the row and plan).
PLAN_COLUMNS: tuple[tuple[str, Any], ...] = (
    ("Ref", "reference"),
    ("Recommendations", "recommendations"),
    ("Reviews", lambda row, plan: "; ".join(dict.fromkeys(r.review_reference for r in plan.recommendations_of(row)))),
    ("Theme", "theme"),
    ("Action", "description"),
    ("Lead agency", "lead_agency"),
    ("Lead officer", "lead_officer"),
    ("Original target date", "original_target_on"),
    ("Target date", "target_on"),
    ("Target (as written)", "target_text"),
    ("Times the target moved", "target_moves"),
    ("Status", "status"),
    ("Overdue", lambda row, _plan: "Yes" if row.overdue else "No"),
    ("RAG", "rag"),
    ("Latest update on", "latest_update_on"),
    ("Latest update", "latest_update"),
    ("Evidence required", "evidence_required"),
    ("Evidence of completion", "evidence_of_completion"),
    ("Evidence of impact", "evidence_of_impact"),
    ("Completed or closed on", "completed_on"),
    ("Signed off on", "signed_off_on"),
    ("Action ID", "id"),
)


@dataclass(frozen=True)
class CsvResult:
    """What one CSV export wrote."""

    path: Path
    rows: int

    def describe(self) -> str:
        return f"Wrote {self.rows:,} row{'s' if self.rows != 1 else ''} to {self.path}."


def csv_cell(value: Any) -> str:
    """A value as CSV text: ISO dates, Yes/No, blanks for nothing, formulas defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if isinstance(value, str) and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write ``header`` and ``rows`` to ``path`` as UTF-8 CSV with a byte-order mark; the
    number of rows written."""
    count = 0
    with Path(path).open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file, lineterminator="\r\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([csv_cell(value) for value in row])
            count += 1
    return count


def export_plan_csv(session: Session, path: Path, *, agency_id: int | None = None, open_only: bool = False,
                    action_ids: Sequence[int] | None = None, as_at: dt.date | None = None) -> CsvResult:
    """Write the composite action plan as at ``as_at`` (default today), one line per action,
    in plan order (or the order of ``action_ids`` where given: the view on screen), narrowed
    as the workbook export is."""
    plan = read_action_plan(session, as_at, PlanFilter(
        agency_id=agency_id, open_only=open_only,
        action_ids=tuple(action_ids) if action_ids is not None else None), order="plan")
    if action_ids is not None:
        place = {action_id: i for i, action_id in enumerate(action_ids)}
        plan.rows.sort(key=lambda row: place[row.id])
    pickers = [(lambda row, _plan, field=how: getattr(row, field)) if isinstance(how, str) else how
               for _header, how in PLAN_COLUMNS]
    rows = ([pick(row, plan) for pick in pickers] for row in plan.rows)
    return CsvResult(Path(path), write_csv(path, [header for header, _how in PLAN_COLUMNS], rows))


def export_register_csv(session: Session, key: str, path: Path, ids: Sequence[int] | None = None) -> CsvResult:
    """Write register ``key`` (one of ``app.registers.REGISTERS``) as its window shows it: its
    columns, its rows, in its own order; or only the rows of ``ids``, in that order (the
    rows the window shows, as filtered and sorted there)."""
    register = REGISTERS[key]
    width = len(register.columns)
    found = register.fetch(session)
    if ids is not None:
        by_id = {row[0]: row for row in found}
        found = [by_id[record_id] for record_id in ids if record_id in by_id]
    rows = (row[1:1 + width] for row in found)
    return CsvResult(Path(path), write_csv(path, [column.header for column in register.columns], rows))


def csv_places(path: Path) -> Iterable[tuple[str, str]]:
    """Every cell of a CSV file as a reader sees it, named "row N, <column>"."""
    with Path(path).open(encoding="utf-8-sig", newline="") as file:
        reader = csv.reader(file)
        header = next(reader, [])
        yield from (("header", text) for text in header)
        for number, row in enumerate(reader, start=2):
            for column, text in zip(header, row):
                yield f"row {number}, {column}", text


def write_checked_csv(session: Session, out: Path, write) -> tuple[CsvResult, privacy_scan.CheckedFile]:
    """``write(partial)`` writes the CSV meant for ``out`` under its partial name; every cell
    is then scanned for what must not leave the program (``app.privacy_scan``)."""
    terms = privacy_scan.never_print_terms(session)
    return privacy_scan.write_checked(
        Path(out), write, lambda partial, _result: privacy_scan.scan_cells(csv_places(partial), terms))

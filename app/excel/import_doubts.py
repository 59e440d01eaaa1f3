"""Every doubt an import of a hand-kept tracker leaves, row by row: what it is, where, and what
was done about it.

Each doubt (``ImportWarning``) names its sheet and cell (or row), says in words what was found
and done, carries the text the cell held, and has a kind (``KINDS``) so it can be counted and
sorted: a RAG whose text and colour disagree, a date that is not exact, an agency matched by
similarity or made new, a word to decide, a value kept as text, a row skipped as a title,
spacer, legend or repeated header, and so on. They are shown three ways:

- in the window's preview, every one, in a table that can be sorted by kind;
- on the command line, counted by kind with the first few of each (``summary_lines``), so a
  file of a million doubts prints a few dozen lines;
- in the import report (``write_report``): a CSV file saved beside the database when an import
  is applied, named with its date and time, one line per doubt with the cell's text. It stays
  on the office's machine beside the database it describes (SECURITY.md says so).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.file_permissions import create_private_file

RAG_DISAGREES = "rag-disagrees"
RAG_MISSING = "rag-missing"
RAG_UNREAD = "rag-unread"
DATE_NOT_EXACT = "date-not-exact"
NOT_A_DATE = "not-a-date"
AGENCY_SIMILAR = "agency-similar"
AGENCY_NEW = "agency-new"
WORD_TO_DECIDE = "word-to-decide"
WORD_UNKNOWN = "word-unknown"
KEPT_AS_TEXT = "kept-as-text"
ROW_SKIPPED = "row-skipped"
SHEET_SKIPPED = "sheet-skipped"
CHECK = "check"

# kind -> how it is named to the user, in the order doubts are listed
KINDS = {
    WORD_TO_DECIDE: "Word to decide before importing",
    AGENCY_NEW: "Agency not on the list: made new (from import, check)",
    AGENCY_SIMILAR: "Agency matched by similarity",
    RAG_DISAGREES: "RAG text and colour disagree (the text is kept)",
    RAG_UNREAD: "RAG not understood",
    RAG_MISSING: "RAG missing (left unset)",
    DATE_NOT_EXACT: "Date not exact",
    NOT_A_DATE: "Not a date (kept as written)",
    WORD_UNKNOWN: "Word not understood (kept as written)",
    KEPT_AS_TEXT: "Kept as text beside the record",
    ROW_SKIPPED: "Row skipped (title, spacer, legend or header)",
    SHEET_SKIPPED: "Sheet not imported",
    CHECK: "To check",
}
EXAMPLES_PER_KIND = 5
REPORT_HEADER = ("Kind", "Sheet", "Row", "Cell", "As written", "What was done")
_NUMBER = re.compile(r"\d+")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


@dataclass(frozen=True, slots=True)
class ImportWarning:
    """Something the user should check, at one cell ("D14") or row ("row 14") of a sheet."""

    sheet: str
    cell: str
    message: str
    kind: str = CHECK
    text: str = ""  # what the cell held, as written

    def __str__(self) -> str:
        return f"'{self.sheet}' {self.cell}: {self.message}"

    @property
    def row(self) -> int | None:
        """The row the doubt is on (the first, for a run of rows); None for a whole sheet."""
        first = _NUMBER.search(self.cell)
        return int(first.group()) if first else None

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)


def counts_by_kind(doubts: Iterable[ImportWarning]) -> Counter:
    return Counter(d.kind for d in doubts)


def summary_lines(doubts: Sequence[ImportWarning], examples: int = EXAMPLES_PER_KIND) -> list[str]:
    """The doubts counted by kind, each kind with its first ``examples``: a few dozen lines,
    however many doubts there are."""
    if not doubts:
        return ["No doubts: every value went into a field."]
    by_kind: dict[str, list[ImportWarning]] = {}
    for doubt in doubts:
        by_kind.setdefault(doubt.kind, []).append(doubt)
    lines = [f"Doubts ({len(doubts):,}), by kind:"]
    for kind in sorted(by_kind, key=lambda k: list(KINDS).index(k) if k in KINDS else len(KINDS)):
        found = by_kind[kind]
        lines.append(f"  {KINDS.get(kind, kind)}: {len(found):,}")
        lines.extend(f"    {doubt}" for doubt in found[:examples])
        if len(found) > examples:
            lines.append(f"    ... and {len(found) - examples:,} more")
    return lines


def report_path(database_path: Path, source: Path, when: dt.datetime | None = None) -> Path:
    """Where the report of importing ``source`` goes: beside the database, named with the date
    and time ("office import 2026-12-04 14-30-05 Tracker.csv"), numbered rather than replace."""
    when = when or dt.datetime.now()
    stem = f"{database_path.stem} import {when:%Y-%m-%d %H-%M-%S} {source.stem}"[:150]
    path, number = database_path.with_name(stem + ".csv"), 2
    while path.exists():
        path = database_path.with_name(f"{stem} ({number}).csv")
        number += 1
    return path


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def write_report(path: Path, summary: str, doubts: Sequence[ImportWarning]) -> Path:
    """Write the import report: what was imported, then one line per doubt (UTF-8 with a
    byte-order mark so Excel reads it; a text that would start a formula gets an apostrophe).
    Created readable by the user only."""
    create_private_file(path)
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file, lineterminator="\r\n")
        for line in summary.splitlines():
            writer.writerow([_cell(line)])
        writer.writerow([])
        writer.writerow(REPORT_HEADER)
        for doubt in doubts:
            writer.writerow([_cell(doubt.kind_label), _cell(doubt.sheet), doubt.row or "", _cell(doubt.cell),
                             _cell(doubt.text), _cell(doubt.message)])
    return path

"""No workbook can stall or kill the program: what the readers would trust is checked first.

A value at the far corner makes calamine ask for 512 GB and abort the process; a zip bomb or
a part that lies about its size would fill the memory; millions of empty rows would take
minutes. Each is refused in words, fast, before any reader sees it; the command line, run as a
user runs it, says so and exits 1 rather than dying.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.errors import UserError
from app.excel import workbook_guard
from app.excel.legacy import plan_import
from app.excel.tracker_book import open_tracker
from app.excel.workbook_guard import MAX_ROWS, calamine_call, check_workbook
from tests.app.excel.hostile_workbooks import (build_empty_rows, build_far_cell, build_lying_sizes,
                                               build_styled_far_cell, build_tracker, build_zip_bomb, cell,
                                               write_workbook)

pytestmark = pytest.mark.both_engines

ROOT = Path(__file__).resolve().parents[3]
FAST = 2.0  # seconds: the limit for refusing a hostile file


def _refused(path: Path) -> tuple[str, float]:
    started = time.perf_counter()
    with pytest.raises(UserError) as refused:
        check_workbook(path)
    return str(refused.value), time.perf_counter() - started


def test_a_value_at_the_far_corner_is_refused_naming_the_cell(tmp_path):
    message, seconds = _refused(build_far_cell(tmp_path / "tracker.xlsx"))
    assert message.startswith("tracker.xlsx: sheet 'Action Plan' has a value in cell XFD1048576")
    assert "Delete that cell in Excel" in message and seconds < FAST


def test_a_far_cell_holding_only_a_format_is_harmless(tmp_path):
    found = check_workbook(build_styled_far_cell(tmp_path / "tracker.xlsx"))
    size = found.sheets["xl/worksheets/sheet1.xml"]
    assert (size.last_row, size.last_column) == (4, 26)


def test_a_zip_bomb_is_refused_unread(tmp_path):
    message, seconds = _refused(build_zip_bomb(tmp_path / "bomb.xlsx", megabytes=60))
    assert "unpacks to 1,0" in message and "zip bomb" in message and seconds < FAST


def test_a_part_that_inflates_to_more_than_it_says_is_refused(tmp_path):
    message, seconds = _refused(build_lying_sizes(tmp_path / "lying.xlsx"))
    assert "unpacks to more than the 4,096 bytes it says it holds" in message and seconds < FAST


def test_millions_of_empty_rows_are_refused(tmp_path):
    message, seconds = _refused(build_empty_rows(tmp_path / "rows.xlsx", count=MAX_ROWS))
    assert f"has more than {MAX_ROWS:,} rows (empty ones included)" in message
    assert "Delete the empty rows below the table" in message and seconds < FAST


def test_a_sheet_too_wide_and_long_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(workbook_guard, "MAX_CELLS", 100 * 40)
    rows = (f'<row r="{n}">{cell(f"AN{n}", n)}</row>' for n in range(1, 102))  # 101 rows to column 40
    message, _ = _refused(write_workbook(tmp_path / "wide.xlsx", rows))
    assert "uses 101 rows by 40 columns, more than the 4,000 cells" in message


def test_cells_written_without_their_references_are_measured_one_by_one(tmp_path):
    rows = ['<row><c t="inlineStr"><is><t>Action</t></is></c></row>',
            "<row>" + "<c><v>1</v></c>" * (workbook_guard.MAX_COLUMNS + 1) + "</row>"]
    message, _ = _refused(write_workbook(tmp_path / "no refs.xlsx", rows))
    assert "has a value in cell SG2" in message  # column 501, counted cell by cell


def test_a_large_plain_tracker_passes(tmp_path):
    found = check_workbook(build_tracker(tmp_path / "plan.xlsx", 5000))
    size = found.sheets["xl/worksheets/sheet1.xml"]
    assert (size.rows, size.last_row, size.last_column) == (5001, 5001, 26)


def test_a_panic_inside_calamine_becomes_a_message(tmp_path):
    class PanicException(BaseException):  # what pyo3 raises for a Rust panic: not an Exception
        pass

    def panics():
        raise PanicException("index out of bounds")

    with pytest.raises(UserError, match=r"tracker.xlsx could not be read: .*PanicException: index out of bounds"):
        calamine_call(tmp_path / "tracker.xlsx", panics)
    with pytest.raises(KeyboardInterrupt):
        calamine_call(tmp_path / "tracker.xlsx", lambda: (_ for _ in ()).throw(KeyboardInterrupt()))


def test_the_importer_refuses_before_reading(session, tmp_path):
    path = build_far_cell(tmp_path / "tracker.xlsx")
    with pytest.raises(UserError, match="XFD1048576"):
        open_tracker(path)
    with pytest.raises(UserError, match="XFD1048576"):
        plan_import(session, path, "action-plan")


@pytest.mark.parametrize("build", [build_far_cell, build_lying_sizes])
def test_the_command_line_says_so_and_lives(build, data_dir, tmp_path):
    path = build(tmp_path / "tracker.xlsx")
    database = tmp_path / "office.sqlite"
    env = {**os.environ, "CRT_DATA_DIR": str(data_dir), "QT_QPA_PLATFORM": "offscreen"}
    subprocess.run([sys.executable, "main.py", "new", "--db", str(database)], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    result = subprocess.run([sys.executable, "main.py", "import", str(path), "--db", str(database), "--yes"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr  # a message, not an abort (134) or a traceback
    assert result.stderr.startswith("Error: tracker.xlsx") and "Traceback" not in result.stderr

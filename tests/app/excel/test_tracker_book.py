"""A tracker's workbook read once with calamine: rows numbered as Excel numbers them, merged
cells, and the fill colours of one column read from the stylesheet."""

from __future__ import annotations

import datetime as dt

import openpyxl
from openpyxl.styles import PatternFill
from openpyxl.styles.colors import Color

from app.excel.tracker_book import open_tracker, release
from tests.app.excel.hostile_workbooks import cell, write_workbook


def test_rows_are_numbered_as_excel_numbers_them(tmp_path):
    path = write_workbook(tmp_path / "c5.xlsx", [f'<row r="5">{cell("C5", "first")}{cell("E5", 3)}</row>',
                                                 f'<row r="7">{cell("D7", "last")}</row>'])
    book = open_tracker(path)
    try:
        rows = list(book.sheet("Action Plan").rows())
        assert [(number, values) for number, values in rows if any(v != "" for v in values)] == [
            (5, ["", "", "first", "", 3.0]), (7, ["", "", "", "last", ""])]
        assert [number for number, _ in rows] == list(range(1, 8))
        assert book.sheet("Action Plan").first_rows(5)[-1][0] == 5
    finally:
        release(book)


def test_merged_cells_fills_and_dates(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Plan"
    ws.append(["Review", "Action", "RAG", "Target"])
    ws.append(["Child A", "One", None, dt.datetime(2015, 3, 31)])
    ws.append([None, "Two", "G", "Sept 2014"])
    ws.append([None, "Three", None, None])
    ws.merge_cells("A2:A4")
    ws.merge_cells("B5:D5")
    ws["B5"] = "Theme 2: Neglect"
    ws["C2"].fill = PatternFill("solid", fgColor="FFC000")
    ws["C3"].fill = PatternFill("solid", fgColor="00B050")
    ws["C4"].fill = PatternFill("solid", fgColor=Color(theme=5))
    path = tmp_path / "plan.xlsx"
    wb.save(path)
    book = open_tracker(path)
    try:
        sheet = book.sheet("Plan")
        covered, wide = sheet.merges()
        assert covered == {(3, 0): (2, 0), (4, 0): (2, 0)} and wide == {5}
        assert sheet.fills(2) == {2: "00FFC000", 3: "0000B050", 4: "theme"}
        assert sheet.fills(1) == {}
        assert [values[3] for _, values in sheet.rows(2, 3)] == [dt.date(2015, 3, 31), "Sept 2014"]
    finally:
        release(book)


def test_a_book_is_opened_once_for_recognising_and_planning(tmp_path):
    path = write_workbook(tmp_path / "plan.xlsx", [f'<row r="1">{cell("A1", "Action")}</row>'])
    first = open_tracker(path)
    assert open_tracker(path) is first  # the file is unchanged: the same book
    release(first)
    assert open_tracker(path) is not first  # let go: read afresh

"""Bad files get a clear answer naming the file, and the database is untouched (byte for byte)."""

from __future__ import annotations

import zipfile

import openpyxl
import pytest

from app.errors import UserError
from app.excel.export import ACTION_SHEET
from app.excel.returns import read_return
from tests.app.excel.test_export import HEADER_ROW, build_plan, export_plan
from tests.engines import database_bytes

pytestmark = pytest.mark.both_engines

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@pytest.fixture
def plan(database):
    """The small plan of ``build_plan``: action name -> id."""
    with database.sessions.begin() as s:
        return build_plan(s)


def _csv(path, _export):
    path.write_text("Ref,Action,Status\nA1,Train officers,Complete\n", encoding="utf-8")


def _truncated(path, export):
    data = export.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _corrupt(path, export):
    # A real zip whose sheet XML is garbage.
    with zipfile.ZipFile(export) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            body = src.read(item)
            dst.writestr(item, b"<worksheet><sheetData><row" if item.filename.endswith("sheet1.xml") else body)


def _zip_not_workbook(path, _export):
    with zipfile.ZipFile(path, "w") as dst:
        dst.writestr("notes.txt", "hello")


def _old_xls(path, _export):
    path.write_bytes(OLE2 + b"\x00" * 504 + "Workbook".encode("utf-16-le") + b"\x00" * 1000)


def _password(path, _export):
    path.write_bytes(OLE2 + b"\x00" * 504 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 50
                     + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 1000)


def _empty_file(path, _export):
    path.write_bytes(b"")


def _binary(path, _export):
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")


def _empty_workbook(path, _export):
    openpyxl.Workbook().save(path)


def _no_expected_columns(path, export):
    wb = openpyxl.load_workbook(export)
    ws = wb[ACTION_SHEET]
    for c in ws[HEADER_ROW]:
        c.value = f"Column {c.column}"
    wb.save(path)


def _no_rows(path, export):
    wb = openpyxl.load_workbook(export)
    ws = wb[ACTION_SHEET]
    ws.delete_rows(HEADER_ROW + 1, ws.max_row)
    wb.save(path)


def _sheet_deleted(path, export):
    wb = openpyxl.load_workbook(export)
    del wb[ACTION_SHEET]
    wb.create_sheet("Notes")
    wb.save(path)


def _hidden_columns_deleted(path, export):
    wb = openpyxl.load_workbook(export)
    ws = wb[ACTION_SHEET]
    first = next(c.column for c in ws[HEADER_ROW] if c.value == "Action ID")
    ws.delete_cols(first, 3)
    wb.save(path)


BAD_FILES = [
    (_csv, "is a plain text (CSV) file, not an Excel workbook"),
    (_truncated, "is damaged or incomplete"),
    (_corrupt, "is damaged"),
    (_zip_not_workbook, "is a zip file but not an Excel workbook"),
    (_old_xls, "is an old-style Excel 97-2003 (.xls) workbook"),
    (_password, "is protected with a password"),
    (_empty_file, "is empty (0 bytes)"),
    (_binary, "is not an Excel workbook (.xlsx)"),
    (_empty_workbook, "was not exported by Case Review Tracker"),
    (_no_expected_columns, "has none of the action plan's columns"),
    (_no_rows, "has no action rows to take back"),
    (_sheet_deleted, "has no sheet called 'Action plan', and no other sheet with the action plan's columns"),
    (_hidden_columns_deleted, "has lost its hidden Action ID and Export check columns"),
]


@pytest.mark.parametrize("make, message", BAD_FILES, ids=[f.__name__.strip("_") for f, _ in BAD_FILES])
def test_a_bad_file_is_refused_by_name_and_nothing_is_written(database, plan, tmp_path, make, message):
    export = export_plan(database, tmp_path / "export.xlsx")
    bad = tmp_path / "return from agency.xlsx"
    make(bad, export)
    before = database_bytes(database)
    with database.sessions.begin() as s, pytest.raises(UserError) as refused:
        read_return(s, bad)
    assert message in str(refused.value)
    assert "return from agency.xlsx" in str(refused.value)
    assert database_bytes(database) == before


def test_a_missing_file_or_a_folder_is_refused(database, tmp_path):
    with database.sessions() as s:
        with pytest.raises(UserError, match="There is no file at"):
            read_return(s, tmp_path / "nothing.xlsx")
        with pytest.raises(UserError, match="is a folder"):
            read_return(s, tmp_path)

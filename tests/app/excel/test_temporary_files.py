"""An export's working files are made in the system's temporary folder, not beside the
user's files, and none is left behind."""

from __future__ import annotations

import tempfile

import xlsxwriter

from app.cli import main
from app.excel import workbook_style


def test_the_workbook_is_built_in_the_temporary_folder_and_nothing_is_left(tmp_path, monkeypatch):
    system_temp = tmp_path / "Temp"
    system_temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_temp))
    built_in = []

    class Recorded(xlsxwriter.Workbook):
        def __init__(self, filename, options=None):
            built_in.append(filename)
            super().__init__(filename, options)

    monkeypatch.setattr(workbook_style.xlsxwriter, "Workbook", Recorded)
    database, exports = tmp_path / "office.sqlite", tmp_path / "Exports"
    exports.mkdir()
    assert main(["demo", "--db", str(database)]) == 0

    assert main(["export", "action-plan", "--db", str(database), "--out", str(exports / "plan.xlsx")]) == 0

    assert [str(p.parent) for p in map(type(tmp_path), built_in)] == [str(system_temp)]
    assert sorted(p.name for p in exports.iterdir()) == ["plan.xlsx"]
    assert list(system_temp.iterdir()) == []

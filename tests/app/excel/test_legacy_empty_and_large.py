"""An empty sheet, a sheet of headers only or a file of no known kind is said in words, with
nothing written; a large tracker's doubts never print more than a few dozen lines; a sheet over
the size limit is refused before it is read."""

from __future__ import annotations

import openpyxl
import pytest
from sqlalchemy import func, select

from app.cli import main
from app.database import open_database
from app.excel import workbook_guard
from db.models import Action, AuditEntry
from tests.app.excel.hostile_workbooks import build_tracker
from tests.app.excel.legacy_fixtures import ACTION_HEADERS

pytestmark = pytest.mark.both_engines


@pytest.fixture
def office(data_dir, tmp_path):
    path = tmp_path / "office.sqlite"
    assert main(["new", "--db", str(path)]) == 0
    return path


def _written(office) -> tuple[int, int]:
    db = open_database(office, create=False)
    with db.readers() as s:
        counts = (s.scalar(select(func.count()).select_from(Action)),
                  s.scalar(select(func.count()).select_from(AuditEntry)))
    db.close()
    return counts


def _workbook(path, rows):
    wb = openpyxl.Workbook()
    for values in rows:
        wb.active.append(values)
    wb.save(path)
    return path


@pytest.mark.parametrize("rows, said", [
    ([], "plan.xlsx is empty: no sheet holds anything, so there is nothing to import. Nothing was written."),
    ([ACTION_HEADERS], "plan.xlsx: sheet 'Sheet' has its header on row 1, but no row under it holds anything to "
                       "import, so there is nothing to import. Nothing was written."),
    ([["Our plan"], ACTION_HEADERS, [], ["Key: R = off track"]], "sheet 'Sheet' has its header on row 2, but no row"),
    ([["Name", "Phone"], ["A. Person", "01234 567890"]], "is not a returned export, an action plan tracker or a "
                                                         "referral register"),
])
def test_nothing_to_import_is_said_in_words(office, tmp_path, capsys, rows, said):
    before = _written(office)
    path = _workbook(tmp_path / "plan.xlsx", rows)
    assert main(["import", str(path), "--db", str(office), "--yes"]) == 1
    assert said in capsys.readouterr().err
    assert _written(office) == before


def test_a_large_trackers_doubts_take_a_few_dozen_lines(office, tmp_path, capsys):
    rows = [["Review", "Rec No", "Recommendation", "Action", "Target date", "RAG"]]
    rows += [["SCR Child Z", i % 50 + 1, f"Recommendation {i % 50}", f"Action {i}", "May 2014", None]
             for i in range(3000)]
    path = _workbook(tmp_path / "plan.xlsx", rows)
    assert main(["import", str(path), "--db", str(office), "--yes"]) == 0
    out = capsys.readouterr().out
    assert "RAG missing (left unset): 3,000" in out and "Date not exact: 3,000" in out
    assert "... and 2,995 more" in out
    assert len(out.splitlines()) < 60
    assert _written(office)[0] == 3000


def test_a_sheet_over_the_limit_is_refused_before_it_is_read(office, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(workbook_guard, "MAX_ROWS", 100)
    path = build_tracker(tmp_path / "plan.xlsx", 150)
    assert main(["import", str(path), "--db", str(office), "--yes"]) == 1
    err = capsys.readouterr().err
    assert "plan.xlsx: sheet 'Action Plan' has more than 100 rows" in err
    assert "split the tracker into several workbooks" in err
    assert _written(office)[0] == 0

"""CSV copies of the action plan and every register, made through ``main.py export``."""

from __future__ import annotations

import csv
import shutil
import subprocess

import openpyxl
import pytest

from app.cli import main
from app.registers import REGISTERS
from db.models import Action, ListItem, ListKind
from tests.engines import db_arg
from tests.ui.conftest import add_case_records

pytestmark = pytest.mark.both_engines

FORMULA = '=HYPERLINK("http://example.com","click")'


@pytest.fixture
def office(database):
    with database.sessions.begin() as s:
        add_case_records(s)
        action = s.query(Action).filter_by(reference="A1").one()
        action.description = FORMULA
        action.lead_officer = "Zo\u00eb \u0141\u00f3d\u017a \u2013 Head of Service"
    return database


def _read(path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.DictReader(file))


def test_the_plan_as_csv_is_utf8_with_a_bom_and_defuses_formulas(office, tmp_path):
    out = tmp_path / "plan.csv"
    assert main(["export", "action-plan", "--db", db_arg(office), "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = {row["Ref"]: row for row in _read(out)}
    assert set(rows) == {"A1", "A2", "A3"}
    assert rows["A1"]["Action"] == "'" + FORMULA
    assert rows["A1"]["Lead officer"] == "Zo\u00eb \u0141\u00f3d\u017a \u2013 Head of Service"
    assert (rows["A1"]["Target date"], rows["A1"]["Status"], rows["A1"]["RAG"]) == ("2000-01-31", "In progress", "Red")
    assert rows["A3"]["Status"] == "Completed" and rows["A3"]["RAG"] == "Blue"
    assert rows["A2"]["Recommendations"] == "SCR-01 R3, R4"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_a_spreadsheet_program_opens_the_csv_as_text_not_formulas(office, tmp_path):
    out = tmp_path / "plan.csv"
    assert main(["export", "action-plan", "--db", db_arg(office), "--out", str(out)]) == 0
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--infilter=CSV:44,34,76",
                    "--convert-to", "xlsx", "--outdir", str(tmp_path / "lo-out"), str(out)],
                   check=True, capture_output=True, timeout=120)
    sheet = openpyxl.load_workbook(tmp_path / "lo-out" / "plan.xlsx").active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert not [cell for cell in cells if cell.data_type == "f"], "no cell may be a formula"
    texts = {str(cell.value) for cell in cells}
    assert "Zo\u00eb \u0141\u00f3d\u017a \u2013 Head of Service" in texts
    assert any(FORMULA in text for text in texts)


@pytest.mark.parametrize("key", [key for key in REGISTERS if key != "actions"])
def test_every_register_exports_as_csv_with_its_columns_and_rows(office, tmp_path, key):
    register = REGISTERS[key]
    out = tmp_path / f"{key}.csv"
    assert main(["export", key.replace("_", "-"), "--db", db_arg(office), "--out", str(out)]) == 0
    with office.readers() as session:
        expected = register.fetch(session)
    with out.open(encoding="utf-8-sig", newline="") as file:
        header, *rows = list(csv.reader(file))
    assert header == [column.header for column in register.columns]
    assert len(rows) == len(expected)


def test_a_register_without_a_workbook_asks_for_csv(office, tmp_path, capsys):
    assert main(["export", "meetings", "--db", db_arg(office), "--out", str(tmp_path / "m.xlsx")]) == 1
    assert "should be a file name ending in .csv" in capsys.readouterr().err
    assert not (tmp_path / "m.xlsx").exists()


def test_the_plan_command_lists_each_action_on_one_line(office, capsys):
    with office.sessions.begin() as s:
        closed = s.query(ListItem).filter_by(kind=ListKind.CLOSURE_REASON, code="superseded").one()
        action = s.query(Action).filter_by(reference="A3").one()
        action.closure_reason, action.evidence_of_completion = closed, None
    assert main(["plan", "--db", db_arg(office)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["Ref", "Lead", "agency", "Status", "Target", "RAG", "Overdue", "Recommendations"]
    a3 = next(line for line in lines if line.startswith("A3"))
    assert "Closed \u2013 superseded" in a3 and "Blue" not in a3
    assert lines[-1] == "3 actions as at " + lines[-1].split(" as at ")[1]


def test_the_rows_on_screen_are_written_in_the_order_on_screen(office, tmp_path):
    from app.csv_export import export_plan_csv, export_register_csv

    with office.readers() as session:
        ids = {action.reference: action.id for action in session.query(Action)}
        export_plan_csv(session, tmp_path / "plan.csv", action_ids=[ids["A3"], ids["A1"]])
        export_register_csv(session, "actions", tmp_path / "register.csv", [ids["A2"], ids["A3"]])
    assert [row["Ref"] for row in _read(tmp_path / "plan.csv")] == ["A3", "A1"]
    with (tmp_path / "register.csv").open(encoding="utf-8-sig", newline="") as file:
        assert [row[0] for row in list(csv.reader(file))[1:]] == ["A2", "A3"]

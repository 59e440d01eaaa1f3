"""``python main.py import`` and ``export``: what the officer sees, what is written, exit codes."""

from __future__ import annotations

import json
import re

import openpyxl
import pytest
from sqlalchemy import func, select

from app.cli import main
from app.excel.export import ACTION_SHEET
from db.models import Action, AuditEntry, Referral
from tests.app.excel.test_export import HEADER_ROW, build_plan, export_plan
from tests.app.excel.test_returns import action, edit
from tests.engines import database_bytes, db_arg

pytestmark = pytest.mark.both_engines


@pytest.fixture
def plan(database):
    """The small plan of ``build_plan``: action name -> id."""
    with database.sessions.begin() as s:
        return build_plan(s)



def run(database, *argv) -> int:
    return main([*argv[:2], "--db", db_arg(database), *argv[2:]] if argv[0] == "export"
                else [argv[0], "--db", db_arg(database), *argv[1:]])


def test_export_action_plan_for_one_agency_open_only(database, plan, tmp_path, capsys):
    out = tmp_path / "police.xlsx"
    assert run(database, "export", "action-plan", "--out", str(out), "--agency", "Police", "--open-only") == 0
    assert capsys.readouterr().out.strip() == f"Wrote 2 rows to {out}."
    ws = openpyxl.load_workbook(out)[ACTION_SHEET]
    assert ws.max_row == HEADER_ROW + 2


def test_export_agency_packs_and_registers(database, plan, tmp_path, capsys):
    assert run(database, "export", "agency-packs", "--out", str(tmp_path / "packs")) == 0
    assert len(list((tmp_path / "packs").glob("Action plan - *.xlsx"))) == 2
    assert "2 agency workbook(s) written" in capsys.readouterr().out
    assert run(database, "export", "referrals", "--out", str(tmp_path / "referrals.xlsx")) == 0
    assert run(database, "export", "reviews", "--out", str(tmp_path / "reviews.xlsx")) == 0
    assert openpyxl.load_workbook(tmp_path / "reviews.xlsx")["Reviews"].max_row == HEADER_ROW + 2


def test_export_to_a_missing_folder_exits_1(database, plan, tmp_path, capsys):
    assert run(database, "export", "referrals", "--out", str(tmp_path / "no" / "r.xlsx")) == 1
    assert "does not exist" in capsys.readouterr().err


def privacy_decisions(database) -> list[AuditEntry]:
    with database.readers() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.operation == "privacy-check")
                              .order_by(AuditEntry.id)))


@pytest.fixture
def nhs_number_in_a_police_action(database, plan):
    with database.sessions.begin() as s:
        s.get(Action, plan["guidance"]).description = "Share guidance (Child U, NHS 943 476 5919)."
    return plan


def test_an_export_holding_an_nhs_number_is_not_written(database, nhs_number_in_a_police_action, tmp_path,
                                                         capsys):
    out = tmp_path / "plan.xlsx"
    assert run(database, "export", "action-plan", "--out", str(out)) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "plan.xlsx holds details that should not leave the office (1 NHS number):" in captured.err
    assert re.search(r"  NHS number \*{9}919 \(Sheet 'Action plan' [A-Z]+\d+, character \d+\)", captured.err)
    assert "--despite-findings" in captured.err and "943 476" not in captured.err
    assert [p.name for p in tmp_path.iterdir() if "xlsx" in p.name] == []  # no file, no partial file
    (decision,) = privacy_decisions(database)
    assert decision.record_id == "plan.xlsx" and decision.new_value.startswith("Stopped to fix the document")


def test_despite_findings_writes_the_export_and_records_that(database, nhs_number_in_a_police_action,
                                                             tmp_path, capsys):
    out = tmp_path / "plan.xlsx"
    assert run(database, "export", "action-plan", "--out", str(out), "--despite-findings") == 0
    assert capsys.readouterr().out.strip() == f"Wrote 4 rows to {out}."
    cells = [c for row in openpyxl.load_workbook(out)[ACTION_SHEET].iter_rows(values_only=True) for c in row]
    assert "Share guidance (Child U, NHS 943 476 5919)." in cells
    (decision,) = privacy_decisions(database)
    assert decision.new_value.startswith("Proceeded knowingly. Found 1 NHS number at Sheet 'Action plan' ")


def test_one_agency_pack_with_a_finding_stops_them_all_unless_told(database, nhs_number_in_a_police_action,
                                                                   tmp_path, capsys):
    folder = tmp_path / "packs"
    assert run(database, "export", "agency-packs", "--out", str(folder)) == 1
    err = capsys.readouterr().err
    assert "Action plan - Police - " in err and "Children's Services" not in err
    assert f"Nothing was written to {folder}." in err
    assert not folder.exists() and [p.name for p in tmp_path.iterdir() if p.name.startswith("~")] == []

    assert run(database, "export", "agency-packs", "--out", str(folder), "--despite-findings") == 0
    assert len(list(folder.glob("Action plan - *.xlsx"))) == 2
    assert [d.new_value.split(".")[0] for d in privacy_decisions(database)] == [
        "Stopped to fix the document", "Proceeded knowingly"]


def test_import_of_a_return_previews_and_writes_only_with_yes(database, plan, tmp_path, capsys):
    path = export_plan(database, tmp_path / "police.xlsx", agency="Police")
    edit(path, {(plan["training"], "RAG"): "Green", (plan["training"], "New progress update"): "On track."})

    assert run(database, "import", str(path)) == 0
    out = capsys.readouterr().out
    assert "police.xlsx: recognised as a returned action plan export." in out
    assert "RAG: Amber → Green" in out and "New progress update" in out
    assert "Nothing has been written. Run again with --yes" in out
    assert run(database, "import", str(path), "--dry-run", "--yes") == 0
    assert action(database, plan["training"]).rag == "Amber"

    assert run(database, "import", str(path), "--yes") == 0
    assert "Applied changes to 1 action(s)" in capsys.readouterr().out
    assert action(database, plan["training"]).rag == "Green"
    assert [u.text for u in action(database, plan["training"]).updates][-1] == "On track."


def test_conflicts_are_applied_only_when_asked(database, plan, tmp_path, capsys):
    path = export_plan(database, tmp_path / "plan.xlsx")
    with database.sessions.begin() as s:
        s.get(Action, plan["training"]).rag = "Red"
    edit(path, {(plan["training"], "RAG"): "Green"})
    assert run(database, "import", str(path), "--yes") == 0
    out = capsys.readouterr().out
    assert "CONFLICT" in out and "1 row(s) with conflicts are left out; add --accept-conflicts" in out
    assert action(database, plan["training"]).rag == "Red"
    assert run(database, "import", str(path), "--yes", "--accept-conflicts") == 0
    assert action(database, plan["training"]).rag == "Green"


@pytest.mark.parametrize("content, message", [
    (b"Ref,Action\nA1,Train\n", "is a plain text (CSV) file"),
    (b"PK\x03\x04broken", "is damaged or incomplete"),
])
def test_a_refused_file_exits_1_with_nothing_written(database, plan, tmp_path, capsys, content, message):
    bad = tmp_path / "return.xlsx"
    bad.write_bytes(content)
    before = database_bytes(database)
    assert run(database, "import", str(bad), "--yes") == 1
    assert message in capsys.readouterr().err
    assert database_bytes(database) == before


def test_a_register_export_is_not_taken_back_as_a_return(database, plan, tmp_path, capsys):
    path = tmp_path / "referrals.xlsx"
    assert run(database, "export", "referrals", "--out", str(path)) == 0
    assert run(database, "import", str(path), "--yes") == 1
    assert "only action plan exports come back as returns" in capsys.readouterr().err


def test_a_workbook_of_no_known_kind_exits_1(database, tmp_path, capsys):
    pytest.importorskip("app.excel.legacy")
    path = tmp_path / "shopping.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Item", "Price"])
    wb.save(path)
    assert run(database, "import", str(path)) == 1
    assert "say so with --kind" in capsys.readouterr().err


def test_a_hand_kept_tracker_goes_to_the_legacy_importer(database, tmp_path, capsys):
    pytest.importorskip("app.excel.legacy")
    from tests.app.excel.legacy_fixtures import EXPECTED_PLAN, build_action_plan

    path = build_action_plan(tmp_path / "tracker.xlsx")
    mapping = tmp_path / "mapping.json"
    assert run(database, "import", str(path), "--save-mapping", str(mapping)) == 0
    out = capsys.readouterr().out
    assert "tracker.xlsx: recognised as a hand-kept action plan tracker." in out
    assert "Nothing has been written" in out
    saved = json.loads(mapping.read_text(encoding="utf-8"))
    assert saved["kind"] == "action-plan" and "action" in saved["columns"].values()
    with database.sessions() as s:
        assert s.scalar(select(func.count(Action.id))) == 0

    assert run(database, "import", str(path), "--yes", "--mapping", str(mapping)) == 0
    with database.sessions() as s:
        assert s.scalar(select(func.count(Action.id))) == EXPECTED_PLAN["actions"]


def test_kind_overrides_detection(database, tmp_path, capsys):
    pytest.importorskip("app.excel.legacy")
    from tests.app.excel.legacy_fixtures import (
        EXPECTED_REGISTER,
        build_referral_register,
    )

    path = build_referral_register(tmp_path / "register.xlsx")
    assert run(database, "import", str(path), "--kind", "referral-register", "--yes") == 0
    assert "register.xlsx: treated as a referral register." in capsys.readouterr().out
    with database.sessions() as s:
        assert s.scalar(select(func.count(Referral.id))) == EXPECTED_REGISTER["referrals"]


# --- the privacy check sees all a reader sees, checked as the workbook is written ------------

def test_a_never_print_name_in_the_page_header_stops_the_export(database, plan, tmp_path, capsys):
    from app.privacy_scan import save_never_print_terms
    from app.settings import save_settings

    with database.sessions.begin() as s:
        save_settings(s, partnership_name="Jessica Partnership")
        save_never_print_terms(s, ["Jessica"])
    out = tmp_path / "plan.xlsx"
    assert run(database, "export", "action-plan", "--out", str(out)) == 1
    err = capsys.readouterr().err
    assert "(1 word on the never-print list)" in err
    assert "(Sheet 'Action plan' header, character 1)" in err
    assert not out.exists()


def test_a_clean_export_is_checked_as_written_without_reading_it_back(database, plan, tmp_path, monkeypatch):
    from app import privacy_scan

    def read_back(*_args):
        raise AssertionError("a clean workbook checked as it was written is not read back")

    monkeypatch.setattr(privacy_scan, "scan_workbook", read_back)
    out = tmp_path / "plan.xlsx"
    assert run(database, "export", "action-plan", "--out", str(out)) == 0
    assert run(database, "export", "agency-packs", "--out", str(tmp_path / "packs")) == 0
    assert out.exists() and len(list((tmp_path / "packs").glob("*.xlsx"))) == 2


def test_a_workbook_changed_after_it_was_written_is_read_back_and_checked(database, plan, tmp_path):
    from app.excel.export import export_action_plan
    from app.privacy_scan import write_checked_workbook

    def write_then_change(session, partial):
        result = export_action_plan(session, partial)
        book = openpyxl.load_workbook(partial)
        book[ACTION_SHEET]["A1"] = "Seen by Dr Smith, 07700 900123"
        book.save(partial)
        return result

    with database.sessions.begin() as s:
        _result, checked = write_checked_workbook(s, tmp_path / "plan.xlsx", lambda p: write_then_change(s, p))
    assert [(f.kind, f.where) for f in checked.findings] == [("phone number", "Sheet 'Action plan' A1")]
    checked.discard()

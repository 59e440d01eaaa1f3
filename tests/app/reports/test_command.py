"""``python main.py report ...``: the command-line contract."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.cli import main
from app.privacy_scan import save_never_print_terms
from db.models import Action, AuditEntry
from tests.app.excel.test_export import build_plan
from tests.app.reports.conftest import pdf_pages, pdf_text
from tests.engines import db_arg

pytestmark = pytest.mark.both_engines


def run(capsys, db, *args):
    code = main(["report", *args, "--db", db_arg(db)])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("args, words", [
    (["briefing", "--meeting", "23/11/2026"], "For the meeting on 23/11/2026"),
    (["action-plan", "--agency", "Police", "--open-only"], "Lead agency: Police"),
    (["action-plan", "--group-by", "theme", "--overdue", "--status", "In progress"], "Grouped by theme"),
    (["response", "--review", "SCR-2013-01", "--review", "SCR-2013-03"], "Child L"),
    (["annual", "--from", "2016-04-01", "--to", "31/03/2017"], "For the period 01/04/2016 to 31/03/2017"),
    (["panel", "--review", "SCR-2018-02"], "DECISION-MAKER"),
    (["agency", "--agency", "childrens services"], "Agency action list: Children's Services"),
])
def test_each_report_is_written(capsys, demo_db, tmp_path, args, words):
    out_file = tmp_path / "paper.pdf"
    code, out, err = run(capsys, demo_db, *args, "--out", str(out_file))
    assert (code, err) == (0, "")
    pages = pdf_pages(out_file)
    assert f"{len(pages)} page" in out and str(out_file) in out
    assert words in pdf_text(out_file)


@pytest.mark.parametrize("args, message", [
    (["annual", "--from", "01/04/2016", "--to", "31/13/2017"], "'31/13/2017' is not a date"),
    (["briefing", "--meeting", "31/02/2017"], "--meeting: '31/02/2017' is not a date: February has 28 days in 2017."),
    (["briefing", "--meeting", "Feb 3 2017"], "--meeting: 'Feb 3 2017' is not a date: write the day before the month"),
    (["annual", "--from", "April 2016", "--to", "31/03/2017"], "--from: 'April 2016' is not an exact date"),
    (["annual", "--from", "01/01/2001", "--to", "31/12/2001"], "Nothing is recorded"),
    (["response"], "at least one review"),
    (["response", "--review", "NOPE"], "no review 'NOPE'. The closest:"),
    (["panel", "--review", "SCR-2018-01", "--review", "SCR-2018-02"], "one review"),
    (["agency", "--agency", "Ministry of Magic"], "no agency is called"),
    (["agency"], "needs an agency"),
    (["action-plan", "--status", "Half done"], "not on the list"),
])
def test_bad_options_get_a_plain_message(capsys, demo_db, tmp_path, args, message):
    out_file = tmp_path / "paper.pdf"
    code, out, err = run(capsys, demo_db, *args, "--out", str(out_file))
    assert (code, out) == (1, "")
    assert message in err and "Traceback" not in err
    assert not out_file.exists()


@pytest.mark.parametrize("args, message", [
    (["annual", "--from", "01/01/2001"], "the following arguments are required: --to"),
    (["briefing", "--agency", "Police"], "unrecognized arguments: --agency Police"),
])
def test_an_option_a_paper_does_not_take_is_a_usage_error(capsys, demo_db, tmp_path, args, message):
    with pytest.raises(SystemExit) as stopped:
        run(capsys, demo_db, *args, "--out", str(tmp_path / "paper.pdf"))
    assert stopped.value.code == 2
    assert message in capsys.readouterr().err


def test_each_paper_has_its_own_help(capsys):
    helps = {}
    for kind in ("briefing", "action-plan", "response", "annual", "panel", "agency"):
        with pytest.raises(SystemExit):
            main(["report", kind, "--help"])
        helps[kind] = capsys.readouterr().out
    assert len(set(helps.values())) == len(helps)
    assert "--meeting" in helps["briefing"] and "--agency" not in helps["briefing"]
    assert "--group-by" in helps["action-plan"] and "--paper" in helps["action-plan"]
    assert "by its reference or its title" in helps["response"]


def test_a_review_is_found_by_its_title_too(capsys, demo_db, tmp_path):
    out_file = tmp_path / "paper.pdf"
    code, _out, err = run(capsys, demo_db, "response", "--review", "  family   A ", "--out", str(out_file))
    assert (code, err) == (0, "")
    assert "SCR-2013-02" in pdf_text(out_file)


def test_output_must_be_a_pdf(capsys, demo_db, tmp_path):
    code, _, err = run(capsys, demo_db, "briefing", "--out", str(tmp_path / "paper.docx"))
    assert code == 1 and "ending in .pdf" in err


# --- the privacy check ---------------------------------------------------------------------

def privacy_decisions(database) -> list[str]:
    with database.readers() as s:
        return list(s.scalars(select(AuditEntry.new_value).where(AuditEntry.operation == "privacy-check")
                              .order_by(AuditEntry.id)))


@pytest.fixture
def plan_with_an_nhs_number(database):
    """The small plan of ``build_plan``, its open Children's Services action naming a child's
    NHS number and a name on the never-print list."""
    with database.sessions.begin() as s:
        ids = build_plan(s)
        s.get(Action, ids["escalation"]).description = "Publish the policy; Jayden Marsh, NHS 943 476 5919."
        save_never_print_terms(s, ["Jayden Marsh"])
    return database


def test_a_paper_holding_an_nhs_number_is_not_written(capsys, plan_with_an_nhs_number, tmp_path):
    out_file = tmp_path / "paper.pdf"
    code, out, err = run(capsys, plan_with_an_nhs_number, "agency", "--agency", "Children's Services",
                         "--out", str(out_file))
    assert (code, out) == (1, "")
    assert [p.name for p in tmp_path.iterdir() if "pdf" in p.name] == []  # neither the paper nor a partial one
    assert "paper.pdf holds details that should not leave the office (1 word on the never-print list, " \
           "1 NHS number):" in err
    assert "  NHS number *********919 (page 1)" in err and "word on the never-print list" in err
    assert "5919" not in err.replace("*********919", "") and "Jayden" not in err
    assert f"Error: Nothing was written to {out_file}." in err and "--despite-findings" in err
    assert privacy_decisions(plan_with_an_nhs_number) == [
        "Stopped to fix the document. Found 1 word on the never-print list, 1 NHS number at page 1."]


def test_despite_findings_writes_the_paper_and_records_that(capsys, plan_with_an_nhs_number, tmp_path):
    out_file = tmp_path / "paper.pdf"
    code, out, err = run(capsys, plan_with_an_nhs_number, "agency", "--agency", "Children's Services",
                         "--out", str(out_file), "--despite-findings")
    assert code == 0 and str(out_file) in out
    assert "NHS 943 476 5919" in pdf_text(out_file)
    assert "NHS number *********919 (page 1)" in err and "Written anyway" in err
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".pdf"] == ["paper.pdf"]
    assert privacy_decisions(plan_with_an_nhs_number) == [
        "Proceeded knowingly. Found 1 word on the never-print list, 1 NHS number at page 1."]


def test_a_clean_paper_is_written_with_nothing_asked_or_recorded(capsys, plan_with_an_nhs_number, tmp_path):
    out_file = tmp_path / "paper.pdf"
    code, out, err = run(capsys, plan_with_an_nhs_number, "agency", "--agency", "Police", "--out", str(out_file))
    assert (code, err) == (0, "") and out_file.is_file()
    assert privacy_decisions(plan_with_an_nhs_number) == []

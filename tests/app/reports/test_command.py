"""``python main.py report ...``: the command-line contract."""

from __future__ import annotations

import pytest

from app.cli import main
from tests.app.reports.conftest import pdf_pages, pdf_text


def run(capsys, db, *args):
    code = main(["report", *args, "--db", str(db.path)])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("args, words", [
    (["briefing", "--meeting", "23/11/2026"], "For the meeting on 23/11/2026"),
    (["action-plan", "--agency", "Police", "--open-only"], "Lead agency: Police"),
    (["action-plan", "--theme", "--overdue", "--status", "In progress"], "Theme: Neglect"),
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
    (["annual", "--from", "01/01/2001", "--to", "31/12/2001"], "Nothing is recorded"),
    (["annual", "--from", "01/01/2001"], "needs a period"),
    (["briefing", "--agency", "Police"], "does not use --agency"),
    (["response"], "at least one review"),
    (["response", "--review", "NOPE"], "no review 'NOPE'"),
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


def test_output_must_be_a_pdf(capsys, demo_db, tmp_path):
    code, _, err = run(capsys, demo_db, "briefing", "--out", str(tmp_path / "paper.docx"))
    assert code == 1 and "ending in .pdf" in err

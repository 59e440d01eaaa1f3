"""The privacy check cannot be dodged: details planted in every form a careless or unlucky
office could type them are all found, in the workbook and in the printed plan, and the demo
office (which holds none) raises no alarm."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from app import lookups
from app.cli import main
from app.excel.export import export_action_plan
from app.privacy_scan import (
    NEVER_PRINT,
    NHS_NUMBER,
    POSTCODE,
    save_never_print_terms,
    scan_pages,
    write_checked_workbook,
)
from app.reports.action_plan import build_action_plan
from app.reports.doc import build_paper
from app.reports.table import Column, FastTable, Row
from app.settings import get_settings
from db.models import Action, ListKind, Recommendation, Review

# Valid NHS numbers (Modulus 11), each to be written in every way below.
NUMBERS = ("943 476 5919", "945 807 3022", "157 368 1938", "036 426 2125", "997 220 0337", "549 909 5140")
NUMBER_FORMS = {
    "spaces": lambda n: n,
    "no spaces": lambda n: n.replace(" ", ""),
    "non-breaking spaces": lambda n: n.replace(" ", "\u00a0"),
    "narrow non-breaking spaces": lambda n: n.replace(" ", "\u202f"),
    "tabs": lambda n: n.replace(" ", "\t"),
    "hyphens": lambda n: n.replace(" ", "-"),
    "en dashes": lambda n: n.replace(" ", "\u2013"),
    "dots": lambda n: n.replace(" ", "."),
    "full-width digits": lambda n: "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in n),
    "a soft hyphen inside": lambda n: n.replace(" ", " \u00ad", 1),
}
POSTCODES = ("SO14 7LY", "SW1A 1AA", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT")
POSTCODE_FORMS = {
    "space": lambda p: p,
    "no space": lambda p: p.replace(" ", ""),
    "non-breaking space": lambda p: p.replace(" ", "\u00a0"),
    "lower case": lambda p: p.lower(),
}
NAMES = ("Zoë Brontë", "Renée Müller", "José Peña", "Siân Llŷr")
NAME_FORMS = {
    "as typed": lambda n: n,
    "decomposed accents": lambda n: __import__("unicodedata").normalize("NFD", n),
    "a soft hyphen": lambda n: n[:3] + "\u00ad" + n[3:],
    "a zero-width space": lambda n: n[:2] + "\u200b" + n[2:],
    "upper case": lambda n: n.upper(),
}


def planted() -> list[tuple[str, str]]:
    """(kind, text holding exactly one finding of that kind), in every form."""
    found = [(NHS_NUMBER, f"Family contact under NHS {form(n)}, see file.")
             for n in NUMBERS for form in NUMBER_FORMS.values()]
    found += [(POSTCODE, f"Visit at the home, {form(p)}, agreed.") for p in POSTCODES for form in POSTCODE_FORMS.values()]
    found += [(NEVER_PRINT, f"Mother {form(n)} attended the meeting.") for n in NAMES for form in NAME_FORMS.values()]
    return found


@pytest.fixture
def office(database):
    with database.sessions.begin() as s:
        review = Review(reference="SCR-P", title="Child P", review_type=lookups.list_item(s, ListKind.REVIEW_TYPE, "scr"))
        rec = Recommendation(review=review, number=1, text="Agencies should share information.")
        status = lookups.list_item(s, ListKind.ACTION_STATUS, "in_progress")
        s.add_all([Action(reference=f"P-{i}", description=text, status=status, recommendations=[rec])
                   for i, (_kind, text) in enumerate(planted())])
        save_never_print_terms(s, list(NAMES))
    return database


def test_there_are_over_a_hundred_planted_findings_in_every_form():
    kinds = Counter(kind for kind, _text in planted())
    assert sum(kinds.values()) >= 100 and set(kinds) == {NHS_NUMBER, POSTCODE, NEVER_PRINT}


def test_every_planted_finding_is_found_in_the_workbook(office, tmp_path):
    with office.sessions.begin() as s:
        _result, checked = write_checked_workbook(
            s, tmp_path / "plan.xlsx", lambda partial: export_action_plan(s, partial))
    assert Counter(f.kind for f in checked.findings) == Counter(kind for kind, _ in planted())
    assert len({f.where for f in checked.findings}) == len(planted())  # each in its own cell


def test_every_planted_finding_is_found_in_the_printed_plan(office, tmp_path):
    with office.sessions() as s:
        paper = build_action_plan(s, tmp_path / "plan.pdf")
        terms = list(NAMES)
    findings = scan_pages(paper.page_texts, terms)
    assert Counter(f.kind for f in findings) == Counter(kind for kind, _ in planted())


def test_the_command_refuses_the_plan_and_names_every_finding(office, tmp_path, capsys):
    out = tmp_path / "plan.pdf"
    assert main(["report", "action-plan", "--db", str(office.path), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    kinds = Counter(kind for kind, _ in planted())
    assert f"{kinds[NHS_NUMBER]} NHS numbers" in err and f"{kinds[POSTCODE]} postcodes" in err
    assert not out.exists()


@pytest.mark.parametrize("offset", [0, 1])
def test_a_number_broken_across_a_page_break_inside_a_table_cell_is_found(database, tmp_path, offset):
    """A tall cell broken between pages: an NHS number whose groups fall either side of the break."""
    lines = ["Chronology:"] * offset
    for _ in range(60):
        lines += ["contact with family", "under NHS 943 476", "5919 recorded"]
    with database.sessions() as s:
        settings = get_settings(s)
    paper = build_paper(tmp_path / "tall.pdf", settings, "Tall", [FastTable([Column("Ref", 1), Column("Notes", 6)],
                                                                            [Row(("A1", "\n".join(lines)))])])
    assert paper.pages > 1
    assert Counter(f.kind for f in scan_pages(paper.page_texts)) == Counter({NHS_NUMBER: 60})


def test_the_demo_office_raises_no_alarm(tmp_path, capsys):
    db = tmp_path / "demo.sqlite"
    assert main(["demo", "--db", str(db)]) == 0
    commands = [["export", "action-plan", "--out", "plan.xlsx"], ["export", "referrals", "--out", "ref.xlsx"],
                ["export", "reviews", "--out", "rev.xlsx"], ["export", "action-plan", "--out", "plan.csv"],
                ["report", "action-plan", "--out", "plan.pdf"], ["report", "briefing", "--out", "brief.pdf"],
                ["report", "response", "--review", "SCR-2013-01", "--out", "resp.pdf"],
                ["report", "annual", "--from", "01/04/2016", "--to", "31/03/2017", "--out", "annual.pdf"],
                ["report", "panel", "--review", "SCR-2018-01", "--out", "panel.pdf"],
                ["report", "agency", "--agency", "Police", "--out", "agency.pdf"]]
    for command in commands:
        *head, out = command
        assert main([*head, str(tmp_path / out), "--db", str(db)]) == 0, capsys.readouterr().err
        assert (tmp_path / out).exists()
    shutil.rmtree(tmp_path / "backups", ignore_errors=True)
    assert Path(tmp_path / "plan.pdf").stat().st_size > 0


@pytest.mark.skipif(__import__("os").name != "posix", reason="file modes are POSIX's")
def test_exported_files_and_papers_are_readable_by_the_user_only(office, tmp_path):
    for command in (["export", "action-plan", "--out", str(tmp_path / "plan.xlsx")],
                    ["export", "action-plan", "--out", str(tmp_path / "plan.csv")],
                    ["report", "action-plan", "--out", str(tmp_path / "plan.pdf")]):
        assert main([*command, "--db", str(office.path), "--despite-findings"]) == 0
        assert (Path(command[-1]).stat().st_mode & 0o777) == 0o600, command[-1]


def test_a_status_holding_commas_and_quotes_keeps_the_drop_down_whole(office, tmp_path):
    import openpyxl

    from db.models import ListItem

    with office.sessions.begin() as s:
        s.add(ListItem(kind=ListKind.ACTION_STATUS, name='Waiting, "on hold"', is_open=True, sort_order=9))
    out = tmp_path / "plan.xlsx"
    assert main(["export", "action-plan", "--out", str(out), "--db", str(office.path), "--despite-findings"]) == 0
    values = [row[0] for row in openpyxl.load_workbook(out)["Choices"].iter_rows(values_only=True) if row[0]]
    assert 'Waiting, "on hold"' in values


def test_the_papers_title_in_its_properties_is_checked_too(demo_db_for_title, tmp_path):
    from app.reports import build_checked_report

    with demo_db_for_title.sessions() as s:
        _paper, checked = build_checked_report("panel", s, tmp_path / "panel.pdf", review_ref="SCR-2018-02")
    assert "the document's title" in {f.where for f in checked.findings if f.kind == NEVER_PRINT}
    checked.discard()


@pytest.fixture
def demo_db_for_title(tmp_path):
    from app.database import open_database
    from app.demo import write_demo

    database = open_database(tmp_path / "demo.sqlite")
    with database.sessions.begin() as s:
        write_demo(s)
        save_never_print_terms(s, ["Clare"])  # the pseudonym stands in for a real name
    yield database
    database.close()

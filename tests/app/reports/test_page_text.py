"""What a paper prints, page by page, is what the privacy check reads."""

from __future__ import annotations

import re

from pypdf import PdfReader

from app import privacy_scan
from app.privacy_scan import NEVER_PRINT, NHS_NUMBER, PHONE, scan_pages
from app.reports import build_checked_report, build_report
from app.reports.doc import Heading, build_paper, para
from app.reports.table import Column, FastTable, Row
from db.models import Action
from tests.app.reports.conftest import pdf_pages
from tests.app.reports.test_layout import SETTINGS

NHS = "943 476 5919"


def test_every_word_pypdf_reads_on_a_page_is_in_that_pages_text(demo, tmp_path):
    result = build_report("action-plan", demo, tmp_path / "plan.pdf")
    pages = pdf_pages(result.path)
    assert len(result.page_texts) == result.pages == len(pages) > 5
    # The furniture is drawn once, as a form every page shows: its words count on page 1.
    furniture = set(re.findall(r"\w+", result.page_texts[0]))
    for number, (ours, read_back) in enumerate(zip(result.page_texts, pages), 1):
        missing = set(re.findall(r"\w+", read_back)) - set(re.findall(r"\w+", ours)) - furniture
        missing -= {str(result.pages)}  # "of M": filled in when the paper is saved
        assert missing == set(), f"page {number}"


def test_a_finding_names_the_page_it_is_printed_on(demo, tmp_path):
    # A description from the middle of the demo plan stands in for a name on the list.
    description = demo.query(Action).order_by(Action.id).offset(40).first().description
    term = " ".join(description.split()[:4])
    result = build_report("action-plan", demo, tmp_path / "plan.pdf")
    found = scan_pages(result.page_texts, [term])
    assert found and {f.kind for f in found} == {NEVER_PRINT}
    printed_on = {f"page {n}" for n, text in enumerate(pdf_pages(result.path), 1) if term in text}
    assert {f.where for f in found} <= printed_on and {f.where for f in found} != {"page 1"}
    assert all(f.position is None for f in found)


def test_a_number_wrapped_in_a_narrow_cell_is_found_but_neighbouring_cells_do_not_run_together(tmp_path):
    columns = [Column("Ref", 4), Column("Note", 4), Column("Other", 30)]
    rows = [Row(["A1", f"NHS {NHS} noted", "first"]),
            Row(["07700", "900123", "two cells, not one phone number"])]
    result = build_paper(tmp_path / "t.pdf", SETTINGS, "Table", [FastTable(columns, rows)])
    printed = PdfReader(str(result.path)).pages[0].extract_text()
    assert NHS not in printed and "NHS 943\n476 5919" in printed  # the cell wrapped it
    kinds = [f.kind for f in scan_pages(result.page_texts)]
    assert kinds == [NHS_NUMBER]


def test_paragraphs_headings_and_the_furniture_are_read(tmp_path):
    settings = SETTINGS.__class__("Call 07700 900123", "OFFICIAL-SENSITIVE", "dd/MM/yyyy", "")
    story = [Heading("Jayden Marsh"), para(f"Seen with NHS number\n{NHS}.")]
    result = build_paper(tmp_path / "t.pdf", settings, "Title", story)
    found = scan_pages(result.page_texts, ["Jayden Marsh"])
    assert sorted(f.kind for f in found) == sorted([PHONE, NEVER_PRINT, NHS_NUMBER])
    assert {f.where for f in found} == {"page 1"}


def test_a_checked_report_waits_under_its_partial_name(demo, tmp_path):
    out = tmp_path / "briefing.pdf"
    result, checked = build_checked_report("briefing", demo, out)
    assert result.path == out and not out.exists()
    assert checked.partial == privacy_scan.partial_path(out) and checked.partial.is_file()
    assert checked.findings == ()
    assert checked.put_in_place() == out and out.is_file() and not checked.partial.exists()

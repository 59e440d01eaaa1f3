"""The shared layout: wrapping, the fast table across pages, page furniture, fonts, metadata."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from app.errors import UserError
from app.reports.doc import Heading, build_paper, para
from app.reports.fasttext import measure
from app.reports.fonts import REGULAR
from app.reports.table import Column, FastTable, Row, group_row
from app.settings import OfficeSettings
from tests.app.reports.conftest import GENERATED, pdf_pages, pdf_text

SETTINGS = OfficeSettings("Northshire Safeguarding Children Partnership", "OFFICIAL-SENSITIVE",
                          "dd/MM/yyyy", "")
AWKWARD = "Zoë O\u2019Brien \u2013 \u201cquoted\u201d £250 Łódź Ștefan Ñandú Ærø Ciarán Dvořák"
COLUMNS = [Column("Ref", 6), Column("Action", 40), Column("RAG", 6, rag=True), Column("Latest update", 30)]


def test_wrap_keeps_every_word_within_the_width():
    text = "Review the use of the joint working protocol " * 20 + "\nSecond paragraph here."
    lines = measure(REGULAR, 8).wrap(text, 120)
    assert all(stringWidth(line, REGULAR, 8) <= 120 for line in lines)
    assert " ".join(lines).split() == text.split()
    assert lines[-1] == "Second paragraph here."


def test_a_word_wider_than_the_column_is_broken_not_overflowed():
    url = "https://www.example.org.uk/safeguarding/partnership/reviews/child-u-overview-report.pdf"
    lines = measure(REGULAR, 8).wrap(url, 60)
    assert len(lines) > 1
    assert "".join(lines) == url
    assert all(stringWidth(line, REGULAR, 8) <= 60 for line in lines)


def _table_paper(path, rows, columns=COLUMNS):
    return build_paper(path, SETTINGS, "Layout test", [Heading("Section one"), FastTable(columns, rows)],
                       wide=True, generated=GENERATED)


def test_long_table_repeats_header_and_group_row_and_numbers_pages(tmp_path):
    rows = [group_row("Recommendation 1: share information")]
    rows += [Row((f"A{i:04d}", f"Action number {i} " + "with some words " * 6, "Amber", "Update"))
             for i in range(400)]
    result = _table_paper(tmp_path / "t.pdf", rows)
    pages = pdf_pages(result.path)
    assert result.pages == len(pages) > 5
    for n, page in enumerate(pages, 1):
        assert page.count("OFFICIAL-SENSITIVE") == 2, f"marking top and bottom on page {n}"
        assert f"Page {n} of {len(pages)}" in page
        assert "Ref Action RAG Latest update" in page, f"header row on page {n}"
        assert "Generated 23/11/2026" in page
    for page in pages[1:]:
        assert "Recommendation 1: share information (continued)" in page
    refs = re.findall(r"A\d{4}", " ".join(pages))
    assert refs == [f"A{i:04d}" for i in range(400)], "every row once, in order"


def test_a_row_taller_than_a_page_is_split_across_pages(tmp_path):
    long_text = " ".join(f"word{i}" for i in range(3000))
    rows = [Row(("A1", long_text, "Red", "short")), Row(("A2", "after", "Green", ""))]
    result = _table_paper(tmp_path / "tall.pdf", rows)
    pages = pdf_pages(result.path)
    assert result.pages >= 3
    words = re.findall(r"word\d+", " ".join(pages))
    assert words == [f"word{i}" for i in range(3000)], "no text lost or repeated at the breaks"
    assert "A2 after" in pages[-1]


def test_awkward_characters_are_printed(tmp_path):
    rows = [Row(("A1", AWKWARD, "Blue", AWKWARD))]
    story = [Heading(AWKWARD), para(AWKWARD + " <b>not markup</b> & more"), FastTable(COLUMNS, rows)]
    result = build_paper(tmp_path / "awkward.pdf", SETTINGS, "Awkward £ – test", story, generated=GENERATED)
    text = pdf_text(result.path)
    assert text.count(AWKWARD) >= 3
    assert "<b>not markup</b> & more" in text
    reader = PdfReader(str(result.path))
    fonts = {str(f["/BaseFont"]) for page in reader.pages
             for f in page["/Resources"]["/Font"].get_object().values()}
    shipped = ("DejaVuSans", "DejaVuSans-Bold", "DejaVuSansCondensed", "DejaVuSansCondensed-Bold")
    assert fonts and all(name.split("+")[-1] in shipped for name in fonts), fonts
    descriptors = [page["/Resources"]["/Font"].get_object()[key].get_object()["/FontDescriptor"].get_object()
                   for page in reader.pages for key in page["/Resources"]["/Font"].get_object()]
    assert all("/FontFile2" in d for d in descriptors), "the font is embedded"


def test_metadata_and_outline(tmp_path):
    story = [Heading("First section"), para("x"), Heading("A part", 1), para("y"), Heading("Second section")]
    result = build_paper(tmp_path / "meta.pdf", SETTINGS, "The title", story, generated=GENERATED)
    reader = PdfReader(str(result.path))
    assert reader.metadata.title == "The title"
    assert reader.metadata.author == SETTINGS.partnership_name
    outline = reader.outline
    assert [o.title for o in outline if not isinstance(o, list)] == ["First section", "Second section"]
    assert [o.title for o in outline[1]] == ["A part"]
    # A reader shows the title, not the file name; reads it as British English; opens the headings.
    catalog = reader.trailer["/Root"]
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"])
    assert catalog["/Lang"] == "en-GB" and catalog["/PageMode"] == "/UseOutlines"


def test_no_paper_prints_below_the_readable_sizes():
    from app.reports import doc, table

    body = {name: style.fontSize for name, style in doc.STYLES.items()}
    assert min(body.values()) >= 10 and table.FONT_SIZE >= 9


def test_the_logo_is_drawn_and_a_missing_one_is_a_user_error(tmp_path):
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (200, 80), "navy").save(logo)
    with_logo = OfficeSettings(SETTINGS.partnership_name, "OFFICIAL", "dd/MM/yyyy", str(logo))
    result = build_paper(tmp_path / "logo.pdf", with_logo, "Logo", [para("x")], generated=GENERATED)
    page = PdfReader(str(result.path)).pages[0]
    assert "/XObject" in page["/Resources"]
    missing = OfficeSettings(SETTINGS.partnership_name, "OFFICIAL", "dd/MM/yyyy", str(tmp_path / "none.png"))
    with pytest.raises(UserError, match="logo"):
        build_paper(tmp_path / "x.pdf", missing, "Logo", [para("x")])


def test_a_missing_folder_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="does not exist"):
        build_paper(tmp_path / "no" / "such.pdf", SETTINGS, "T", [para("x")])


def test_text_needing_several_font_subsets_is_printed(tmp_path):
    # More than 256 different characters: the embedded font needs several subsets.
    alphabets = [
        "".join(chr(c) for c in range(0x100, 0x180)),  # Latin Extended-A
        "".join(chr(c) for c in range(0x391, 0x3CA) if c != 0x3A2),  # Greek
        "".join(chr(c) for c in range(0x410, 0x450)),  # Cyrillic
    ]
    rows = [Row((f"A{i}", text, "Green", text[::-1])) for i, text in enumerate(alphabets)]
    result = _table_paper(tmp_path / "subsets.pdf", rows)
    text = pdf_text(result.path).replace(" ", "")
    for alphabet in alphabets:
        assert alphabet in text and alphabet[::-1] in text


def test_a_group_row_is_never_left_alone_at_the_foot_of_a_page(tmp_path):
    rows = []
    for g in range(60):
        rows.append(group_row(f"Group G{g:02d} heading"))
        rows += [Row((f"R{g:02d}x{i}", "words " * (4 + (g * 7 + i) % 25), "Red", "")) for i in range(1 + g % 4)]
    pages = pdf_pages(_table_paper(tmp_path / "groups.pdf", rows).path)
    assert len(pages) > 3
    seen: set[str] = set()
    for page in pages:
        begun_before = set(seen)
        for g in re.findall(r"Group G(\d\d) heading(?! \(continued\))", page):
            assert f"R{g}x0" in page, f"group {g} heading without its first row"
            assert g not in seen
            seen.add(g)
        for g in re.findall(r"Group G(\d\d) heading \(continued\)", page):
            assert g in begun_before, f"group {g} continued before it began"
            assert re.search(rf"R{g}x\d", page)
    assert len(seen) == 60

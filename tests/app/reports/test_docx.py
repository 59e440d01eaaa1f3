"""Word copies of the briefing paper, the response and the panel report (``--format docx``).

Each copy is opened with python-docx and read as its reader would: its headings (Word's own
Heading styles, as the navigation pane lists them) against the PDF's (its bookmarks, read
with pypdf), the recommendations and actions in it against the database, its header and
footer, its tables, its properties; one is opened by LibreOffice to show it opens. The
privacy check reads the Word copy too before it takes its name.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.table import Table
from pypdf import PdfReader
from sqlalchemy import select

from app.cli import main
from app.errors import UserError
from app.privacy_scan import save_never_print_terms
from app.reports import build_checked_report, build_report
from app.settings import get_settings, save_settings
from db.models import Action, Recommendation, Review, action_recommendation
from tests.app.reports.conftest import DEMO_TODAY, GENERATED, pdf_text
from tests.engines import db_arg

pytestmark = pytest.mark.both_engines

SEED_002 = ["SCR-2013-01", "SCR-2013-02", "SCR-2013-03"]
PAPERS = {
    "briefing": {"meeting_on": DEMO_TODAY},
    "response": {"review_refs": SEED_002, "as_at": DEMO_TODAY},
    "panel": {"review_ref": "SCR-2018-02", "as_at": DEMO_TODAY},
}


def both(session, folder: Path, kind: str) -> tuple[Path, Path]:
    """The paper written as a PDF and as a Word document from the same records."""
    paths = folder / f"{kind}.pdf", folder / f"{kind}.docx"
    for path in paths:
        build_report(kind, session, path, generated=GENERATED, **PAPERS[kind])
    return paths


def word_headings(document) -> list[tuple[str, str]]:
    """(style, text) of every title and heading, in order."""
    return [(p.style.name, p.text) for p in document.paragraphs
            if p.style.name == "Title" or p.style.name.startswith("Heading")]


def pdf_bookmarks(path: Path) -> list[tuple[int, str]]:
    """(level, title) of every entry in the PDF's outline, in order."""
    found = []

    def walk(items, level):
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                found.append((level, item.title))
    walk(PdfReader(str(path)).outline, 0)
    return found


def word_text(document) -> str:
    """Everything the body says, paragraphs and table cells, in order, whitespace collapsed."""
    parts = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                seen = set()
                for cell in row.cells:
                    if cell._tc not in seen:  # a merged cell is in the row once per column it spans
                        seen.add(cell._tc)
                        parts.append(cell.text)
        else:
            parts.append(block.text)
    return re.sub(r"\s+", " ", " ".join(parts))


@pytest.fixture(scope="module")
def papers(demo_db, tmp_path_factory):
    folder = tmp_path_factory.mktemp("word")
    with demo_db.sessions() as s:
        return {kind: both(s, folder, kind) for kind in PAPERS}


@pytest.mark.parametrize("kind", list(PAPERS))
def test_the_word_copy_has_the_pdfs_headings_in_the_same_order(papers, kind):
    pdf, docx = papers[kind]
    document = Document(str(docx))
    headings = word_headings(document)
    # Heading 1 and 2 are the PDF's bookmarks, level for level.
    assert [(int(style[-1]) - 1, text) for style, text in headings if style in ("Heading 1", "Heading 2")] \
        == [(level, title) for level, title in pdf_bookmarks(pdf) if level < 2]
    # Every title and heading, Heading 3 too, is printed in the PDF in the same order.
    text, position = pdf_text(pdf), 0
    for _style, heading in headings:
        position = text.index(heading, position)
    assert headings[0][0] in ("Title", "Heading 1")


def test_the_response_in_word_holds_every_recommendation_and_action(demo, papers):
    _pdf, docx = papers["response"]
    document = Document(str(docx))
    text = word_text(document)
    headings = [text for style, text in word_headings(document) if style == "Heading 2"]
    recs = demo.execute(select(Review.reference, Recommendation.number, Recommendation.text, Recommendation.id)
                        .join(Review).where(Review.reference.in_(SEED_002), Recommendation.archived_at.is_(None))
                        .order_by(Review.reference, Recommendation.number)).all()
    assert len(recs) == 29
    # Each recommendation is a heading of its own, in its review's order, its words beneath it.
    assert [h for h in headings if " R" in h] == [f"{ref} R{number}" for ref, number, _t, _i in recs]
    for _ref, _number, rec_text, _id in recs:
        assert " ".join(rec_text.split()) in text
    assert text.count("Board\u2019s response:") == 29
    actions = demo.execute(select(Action.reference, Action.description).join(
        action_recommendation, action_recommendation.c.action_id == Action.id)
        .where(action_recommendation.c.recommendation_id.in_([r[3] for r in recs]),
               Action.archived_at.is_(None))).all()
    assert actions
    for reference, description in actions:
        assert reference in text and " ".join(description.split()) in text


def test_the_briefing_in_word_is_a4_landscape_and_the_response_portrait(papers):
    briefing = Document(str(papers["briefing"][1])).sections[0]
    response = Document(str(papers["response"][1])).sections[0]
    assert (round(briefing.page_width.mm), round(briefing.page_height.mm)) == (297, 210)
    assert (round(response.page_width.mm), round(response.page_height.mm)) == (210, 297)
    assert briefing.page_width > briefing.page_height and Mm(200) < response.page_width < response.page_height


@pytest.mark.parametrize("kind", list(PAPERS))
def test_header_and_footer_carry_the_marking_the_partnership_the_title_and_page_n_of_m(demo, papers, kind):
    settings = get_settings(demo)
    document = Document(str(papers[kind][1]))
    section = document.sections[0]
    header = [p.text for p in section.header.paragraphs]
    footer = [p.text for p in section.footer.paragraphs]
    title = document.core_properties.title
    assert header[0] == settings.protective_marking  # at the top of every page...
    assert footer[-1] == settings.protective_marking  # ...and at the foot
    assert header[1] == f"{settings.partnership_name}\t{title}"
    assert footer[0].startswith(f"Generated {GENERATED:%d/%m/%Y} at 09:30\tPage ")
    fields = [node.text.strip() for node in section.footer._element.iter(qn("w:instrText"))]
    assert fields == ["PAGE", "NUMPAGES"]  # "Page N of M", counted by the word processor
    # Properties as the PDF's: the paper's title, the partnership, the marking.
    properties = document.core_properties
    assert properties.title == PdfReader(str(papers[kind][0])).metadata.title
    assert (properties.author, properties.subject) == (settings.partnership_name, settings.protective_marking)
    assert "python-docx" not in f"{properties.author} {properties.comments} {properties.last_modified_by}"


def test_tables_repeat_their_headings_span_their_groups_and_say_the_rag_in_words(papers):
    document = Document(str(papers["briefing"][1]))
    overdue = next(t for t in document.tables if t.rows[0].cells[0].text == "Ref"
                   and "Days over" in [c.text for c in t.rows[0].cells])
    header = overdue.rows[0]._tr
    assert header.find(qn("w:trPr")).find(qn("w:tblHeader")) is not None  # repeated on every page
    groups = [row for row in overdue.rows if row.cells[0].text.endswith("overdue")]
    assert groups and all(len({id(c._tc) for c in row.cells}) == 1 for row in groups)  # one cell across
    assert groups[0].cells[0]._tc.tcPr.find(qn("w:gridSpan")).get(qn("w:val")) == str(len(overdue.columns))
    rag = [c for row in overdue.rows[1:] for c in row.cells[6:7] if c.text in ("Red", "Amber", "Green")]
    assert rag, "the demo has overdue actions rated"
    for cell in rag:
        fill = cell._tc.tcPr.find(qn("w:shd")).get(qn("w:fill"))
        assert fill == {"Red": "C62828", "Amber": "FFB300", "Green": "2E7D32"}[cell.text]


def test_the_panel_reports_key_facts_are_a_table_in_word(demo, papers):
    document = Document(str(papers["panel"][1]))
    facts = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}
    assert list(facts)[:4] == ["DECISION-MAKER:", "SUBJECT:", "DATE OF DECISION:", "REPORT OF:"]
    text = word_text(document)
    position = 0
    for part in ("Contact details", "Statement of confidentiality", "Brief summary", "Recommendations",
                 "Resource implications", "Capital/Revenue", "KEY DECISION?", "Other background documents"):
        position = text.index(part, position)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_word_copy(papers, tmp_path):
    docx = papers["briefing"][1]
    # A profile of its own, so a LibreOffice already running elsewhere does not take the job.
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(docx)], check=True, capture_output=True, timeout=180)
    converted = tmp_path / "briefing.pdf"
    pages = [page.extract_text() for page in PdfReader(str(converted)).pages]
    assert len(pages) >= 2
    assert "Case review sub group briefing paper" in pages[0] and "Actions overdue, by agency" in " ".join(pages)
    assert f"Page 1 of {len(pages)}" in re.sub(r"\s+", " ", pages[0])  # the fields, counted


# --- where Word copies are offered, and the privacy check ----------------------------------

def run(capsys, db, *args):
    code = main(["report", *args, "--db", db_arg(db)])
    out, err = capsys.readouterr()
    return code, out, err


def test_format_docx_on_the_command_line(capsys, demo_db, tmp_path):
    out_file = tmp_path / "briefing.docx"
    code, out, err = run(capsys, demo_db, "briefing", "--meeting", "23/11/2026", "--format", "docx",
                         "--out", str(out_file))
    assert (code, err) == (0, "")
    assert out.strip() == f"Case review sub group briefing paper: Word document written to {out_file}"
    assert "For the meeting on 23/11/2026" in [p.text for p in Document(str(out_file)).paragraphs]
    code, out, err = run(capsys, demo_db, "briefing", "--format", "docx", "--out", str(tmp_path / "b.pdf"))
    assert code == 1 and "should be a file name ending in .docx" in err


def test_only_the_three_papers_come_as_word_documents(capsys, demo_db, demo, tmp_path):
    with pytest.raises(SystemExit):
        run(capsys, demo_db, "action-plan", "--format", "docx", "--out", str(tmp_path / "plan.docx"))
    assert "unrecognized arguments: --format docx" in capsys.readouterr().err
    with pytest.raises(UserError, match="Only the briefing, response and panel papers"):
        build_report("annual", demo, tmp_path / "annual.docx", start=DEMO_TODAY, end=DEMO_TODAY)
    assert not (tmp_path / "annual.docx").exists()


@pytest.fixture
def response_with_an_nhs_number(database):
    """A review whose recommendation names a child's NHS number."""
    from tests.app.excel.test_export import build_plan

    with database.sessions.begin() as s:
        build_plan(s)
        rec = s.scalar(select(Recommendation).join(Review).where(Review.reference == "SCR-02"))
        rec.text = "Escalate concerns promptly (Jayden, NHS 943 476 5919)."
    return database


def test_the_privacy_check_stops_a_word_copy_holding_an_nhs_number(capsys, response_with_an_nhs_number, tmp_path):
    folder = tmp_path / "papers"
    folder.mkdir()
    out_file = folder / "response.docx"
    code, out, err = run(capsys, response_with_an_nhs_number, "response", "--review", "SCR-02",
                         "--format", "docx", "--out", str(out_file))
    assert (code, out) == (1, "")
    assert list(folder.iterdir()) == []  # neither the Word copy nor a partial one
    assert "response.docx holds details that should not leave the office (1 NHS number):" in err
    assert re.search(r"NHS number \*+919 \(paragraph \d+\)", err) and "5919" not in err.replace("*********919", "")

    code, out, err = run(capsys, response_with_an_nhs_number, "response", "--review", "SCR-02",
                         "--format", "docx", "--out", str(out_file), "--despite-findings")
    assert code == 0 and "Written anyway" in err
    assert "NHS 943 476 5919" in word_text(Document(str(out_file)))


def test_the_check_reads_the_header_tables_and_properties_of_a_word_copy_too(response_with_an_nhs_number, tmp_path):
    database = response_with_an_nhs_number
    with database.sessions.begin() as s:
        # A name on the never-print list, typed into the partnership's name (the header and
        # the author) and into an action (a table cell).
        save_never_print_terms(s, ["Marsh"])
        save_settings(s, partnership_name="Marsh Vale Partnership")
        action = s.scalar(select(Action).where(Action.reference == "A4"))
        action.description = "Publish the escalation policy for the Marsh family."
    with database.sessions() as s:
        _result, checked = build_checked_report("response", s, tmp_path / "r.docx", review_refs=["SCR-02"])
    places = {finding.where for finding in checked.findings}
    checked.discard()
    assert "document properties" in places
    assert any(place.startswith("header, ") for place in places)
    assert any(re.fullmatch(r"table \d+, row \d+", place) for place in places)
    assert not (tmp_path / "r.docx").exists()

"""A real spreadsheet program reads every export: LibreOffice (headless) converts each one
to CSV and PDF without complaint. Runs where ``soffice`` is installed; skipped elsewhere."""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import pytest

from app.excel.export import export_action_plan, export_referrals, export_reviews
from app.excel.returns import read_return
from tests.app.excel.test_export import (
    DDE_TEXT,
    EMOJI_RTL,
    FORMULA_TEXT,
    TODAY,
    build_plan,
)

SOFFICE = shutil.which("soffice")
pytestmark = [pytest.mark.both_engines,
              pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")]
CSV_UTF8 = "csv:Text - txt - csv (StarCalc):44,34,76,1"
XLSX = "xlsx:Calc MS Excel 2007 XML"


@pytest.fixture
def plan(database):
    """The small plan of ``build_plan``: action name -> id."""
    with database.sessions.begin() as s:
        return build_plan(s)



def convert(source: Path, target_format: str, profile: Path) -> Path:
    """Convert ``source`` with LibreOffice; fail on a non-zero exit or an error message."""
    out = source.parent / target_format.split(":")[0]
    done = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to",
         target_format, "--outdir", str(out), str(source)],
        capture_output=True, text=True, timeout=180,
    )
    assert done.returncode == 0, done.stderr
    assert "error" not in done.stdout.lower() and "error" not in done.stderr.lower(), done.stderr
    result = out / f"{source.stem}.{target_format.split(':')[0]}"
    assert result.exists() and result.stat().st_size > 0, done.stdout
    return result


@pytest.fixture
def exports(database, plan, tmp_path):
    with database.sessions.begin() as s:
        export_action_plan(s, tmp_path / "plan.xlsx", today=TODAY)
        export_referrals(s, tmp_path / "referrals.xlsx", today=TODAY)
        export_reviews(s, tmp_path / "reviews.xlsx", as_at=TODAY)
    return tmp_path


def test_libreoffice_reads_the_action_plan_as_text_and_day_first_dates(exports):
    with convert(exports / "plan.xlsx", CSV_UTF8, exports / "profile").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    flat = [value for row in rows for value in row]
    assert DDE_TEXT in flat and EMOJI_RTL in flat  # text stays text: never calculated
    assert any(FORMULA_TEXT in value for value in flat)
    assert "31/03/2025" in flat


@pytest.mark.parametrize("name", ["plan", "referrals", "reviews"])
def test_libreoffice_prints_every_export_with_marking_and_page_numbers(exports, name):
    pdf = convert(exports / f"{name}.xlsx", "pdf", exports / "profile")
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                              timeout=60).stdout
        assert "OFFICIAL-SENSITIVE" in text and "Page 1 of" in text


def test_a_workbook_saved_again_by_libreoffice_comes_back_unchanged(database, exports):
    """A spreadsheet program rewrites the file its own way (shared strings, its own styles);
    the return must still match every row and see no change nobody made."""
    saved = convert(exports / "plan.xlsx", XLSX, exports / "profile")
    with database.sessions() as s:
        preview = read_return(s, saved, today=TODAY)
    assert preview.rows_read == 4 and preview.actions == [] and not preview.fatal

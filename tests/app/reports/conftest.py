"""Fixtures for the paper tests: a demo office, and reading a PDF back as text."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.demo import write_demo
from tests.engines import close_test_database, open_test_database

# The demo office is dated from this day, so overdue actions and clocks are stable.
DEMO_TODAY = dt.date(2026, 11, 23)
GENERATED = dt.datetime(2026, 11, 23, 9, 30)


def pdf_pages(path: Path) -> list[str]:
    """The text of each page, whitespace collapsed (line breaks fall where the layout put them)."""
    return [re.sub(r"\s+", " ", page.extract_text() or "") for page in PdfReader(str(path)).pages]


def pdf_text(path: Path) -> str:
    """The body text of the whole paper: each page's furniture (marking, name, title, date,
    page number: drawn first, so read first) left out, so text running across pages reads on."""
    body = " ".join(_FURNITURE.sub("", page, count=1) for page in pdf_pages(path))
    return re.sub(r"\s+", " ", body)


_FURNITURE = re.compile(r"^.*?Page \d+ of \d+ ?")


@pytest.fixture(scope="module")
def demo_db(db_engine, tmp_path_factory):
    """One demo office shared by a module's tests (they only read it), on the module's engine."""
    folder = tmp_path_factory.mktemp("demo")
    database = open_test_database(db_engine, folder, backup_folder=folder / "backups")
    with database.sessions.begin() as s:
        write_demo(s, today=DEMO_TODAY)
    yield database
    close_test_database(database)


@pytest.fixture
def demo(demo_db):
    """A read-only session on the demo office."""
    with demo_db.sessions() as s:
        yield s

"""Shared fixtures: every test gets its own data folder and, if it asks, a new database."""

from __future__ import annotations

import os

import pytest

# Widgets are tested without a screen (CI has none); a developer can still override this.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.database import open_database


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    """Point the program's data folder at a temporary one, so no test touches real data."""
    folder = tmp_path / "data"
    monkeypatch.setenv("CRT_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def database(tmp_path):
    db = open_database(tmp_path / "office.sqlite")
    yield db
    db.close()


@pytest.fixture
def session(database):
    """One unit of work, committed at the end of the test's use of it."""
    with database.sessions.begin() as s:
        yield s

"""Fixtures for the safety tests: a small office database on disk, closed and ready to damage."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.database import open_database
from app.synthetic import generate


@pytest.fixture
def office_db(tmp_path) -> Path:
    """A closed database holding a small synthetic office (40 actions)."""
    path = tmp_path / "office.sqlite"
    db = open_database(path, backup_folder=tmp_path / "migration-backups")
    generate(db, actions=40, seed=3)
    db.close()
    return path

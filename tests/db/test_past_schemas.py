"""Every schema the program has ever shipped opens in this version, data intact."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from app.check import check_database
from app.database import open_database
from db.migrate import current_revision, head_revision

FIXTURES = sorted((Path(__file__).parent / "fixtures").glob("schema_*.sqlite"))


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.stem for f in FIXTURES])
def test_a_saved_database_of_each_past_schema_opens_and_upgrades(fixture, tmp_path):
    path = tmp_path / fixture.name
    shutil.copy(fixture, path)
    with sqlite3.connect(path) as conn:
        before = {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                  for t in ("referral", "decision", "review", "recommendation", "action", "progress_update")}
    db = open_database(path, backup_folder=tmp_path / "backups")
    try:
        assert current_revision(db.engine) == head_revision()
    finally:
        db.close()
    report = check_database(path)
    assert report.ok, report.describe()
    assert report.counts["Referrals"] == before["referral"] > 0
    assert report.counts["Actions"] == before["action"] > 0
    assert report.counts["Progress updates"] == before["progress_update"]


def test_there_is_a_fixture_for_the_current_schema():
    assert f"schema_{head_revision()}.sqlite" in {f.name for f in FIXTURES}

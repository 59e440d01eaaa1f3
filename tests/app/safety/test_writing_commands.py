"""Every command-line command that writes to the database backs it up first, as the window
does; a preview (``import --dry-run``) reads only, so nothing waits behind it."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from app import cli
from app.backups import backup_folder, list_backups, take_backup
from app.excel import returns
from db import engine as db_engine
from tests.app.excel.test_export import build_plan, export_plan
from tests.app.excel.test_returns import action, edit


def _content(path: Path) -> str:
    """Everything the database holds (a backup's record of itself left out)."""
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                             "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return repr([(t, conn.execute(f'SELECT * FROM "{t}"' + (" WHERE key NOT LIKE 'backup.%'"
                                                                 if t == "setting" else "")
                                      + " ORDER BY 1").fetchall()) for t in tables])
    finally:
        conn.close()


@pytest.fixture
def plan(database):
    with database.sessions.begin() as s:
        return build_plan(s)


@pytest.fixture
def agency_return(database, plan, tmp_path) -> Path:
    path = export_plan(database, tmp_path / "police.xlsx", agency="Police")
    edit(path, {(plan["training"], "Status"): "Completed",
                (plan["training"], "Evidence of completion"): "Register of 48 officers trained.",
                (plan["training"], "Completed on"): "01/06/2025"})
    return path


def test_import_with_yes_backs_up_first(database, plan, agency_return, capsys):
    before = _content(database.path)

    assert cli.main(["import", str(agency_return), "--db", str(database.path), "--yes"]) == 0

    assert action(database, plan["training"]).status.name == "Complete"
    [backup] = [b for b in list_backups(backup_folder(), database.path) if b.label == "before-import"]
    assert _content(backup.path) == before  # the state just before the import, whole
    assert f"Backed up the database first: {backup.path}" in capsys.readouterr().out


def _writing_commands(database, agency_return: Path) -> dict[str, list[str]]:
    db = ["--db", str(database.path)]
    earlier = take_backup(database.path, backup_folder(), "manual").path
    return {
        "import --yes": ["import", str(agency_return), *db, "--yes"],
        "import --dry-run": ["import", str(agency_return), *db, "--dry-run"],
        "restore": ["restore", *db, str(earlier)],
        "export": ["export", "action-plan", *db, "--out", str(agency_return.with_name("out.xlsx"))],
        "plan": ["plan", *db],
        "check": ["check", *db],
        "backup": ["backup", *db],
    }


@pytest.mark.parametrize("command", ["import --yes", "import --dry-run", "restore", "export", "plan",
                                     "check", "backup"])
def test_every_command_that_changes_the_database_backed_it_up_first(database, agency_return, command):
    argv = _writing_commands(database, agency_return)[command]
    if command == "restore":  # something for the restore to undo
        assert cli.main(["import", str(agency_return), "--db", str(database.path), "--yes"]) == 0
    before = _content(database.path)
    taken = {b.path for b in list_backups(backup_folder(), database.path)}

    assert cli.main(argv) == 0

    if _content(database.path) != before:
        new = [b for b in list_backups(backup_folder(), database.path) if b.path not in taken]
        assert any(b.label.startswith("before-") and _content(b.path) == before for b in new), command


def test_a_preview_holds_no_lock_so_an_export_and_a_save_go_ahead_meanwhile(database, plan, agency_return,
                                                                            monkeypatch, tmp_path):
    from app.services.actions import update_action

    monkeypatch.setattr(db_engine, "BUSY_TIMEOUT_MS", 300)
    reading, finish = threading.Event(), threading.Event()
    read = returns.read_return

    def slow_read(session, path, **options):  # an officer's large return, still being read
        preview = read(session, path, **options)
        reading.set()
        finish.wait(30)
        return preview
    monkeypatch.setattr(returns, "read_return", slow_read)
    outcome = []
    preview = threading.Thread(target=lambda: outcome.append(
        cli.main(["import", str(agency_return), "--db", str(database.path), "--dry-run"])))
    preview.start()
    try:
        assert reading.wait(30)
        out = tmp_path / "meanwhile.xlsx"
        assert cli.main(["export", "action-plan", "--db", str(database.path), "--out", str(out)]) == 0
        assert out.is_file()
        with database.sessions.begin() as s:  # a save in the window
            update_action(s, plan["audit"], lead_officer="Designated nurse")
    finally:
        finish.set()
        preview.join()
    assert outcome == [0]
    assert action(database, plan["audit"]).lead_officer == "Designated nurse"

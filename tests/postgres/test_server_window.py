"""The window on a shared database on a PostgreSQL server (issue 18): it opens an address and
says where it is; its backups are IT's and a snapshot is offered; an SQLite file moves to a
server; others' changes appear by themselves; two windows saving the same action meet the
conflict panel. Skipped without a server (``CRT_TEST_POSTGRES_URL``)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel

from app import cli
from app.database import open_database
from app.services import actions as action_service
from db.models import Action, Referral
from db.engine import KEYRING_SERVICE
from tests.postgres import databases as server
from tests.postgres.test_engines import tcp_login  # noqa: F401 (a fixture)
from tests.ui.conftest import add_case_records, office_database, open_window  # noqa: F401 (a fixture)
from tests.ui.forms.conftest import wait_for_operations
from tests.ui.test_server_menus import drive_address_dialog
from ui import dialogs, forms

SLOW = 30_000  # a limit on waiting on a busy machine, not a timing


def status_text(window) -> str:
    return window.statusBar().findChild(QLabel, "databaseName").text()


def answer_address(address: str, seen: list[str], password: str = "") -> QTimer:
    """Type ``address`` (and ``password``) into the server address dialog once it is open, and
    press its button."""
    def steps(dialog) -> None:
        seen.append(dialog.windowTitle())
        dialog.address_edit.setText(address)
        dialog.password_edit.setText(password)
        dialog.ok_button.click()

    return drive_address_dialog(steps)


@pytest.fixture
def office_on_server(pg_url):
    """The window tests' office (one referral to actions A1-A3) in a server database; its address."""
    database = open_database(server.address(pg_url))
    try:
        with database.sessions.begin() as session:
            add_case_records(session)
    finally:
        database.close()
    return server.address(pg_url)


def action_text(database, reference: str) -> str:
    with database.readers() as session:
        return session.query(Action).filter_by(reference=reference).one().description


def action_id(database, reference: str) -> int:
    with database.readers() as session:
        return session.query(Action).filter_by(reference=reference).one().id


def test_the_window_opens_a_server_address_and_says_where_it_is(qtbot, office_on_server, pg_url, monkeypatch):
    given = []

    def start_gui(location, open_it):
        given.append((location, open_it()))
        return 0

    assert cli.main(["--db", office_on_server], start_gui=start_gui) == 0
    location, database = given[0]
    assert location == office_on_server  # kept as text: a Path would fold its "//"
    try:
        window = open_window(qtbot, database)
        where = f"{pg_url.database} on "
        assert window.windowTitle().startswith(where) and window.windowTitle().endswith(" — Case Review Tracker")
        assert f"(as {pg_url.username})" in window.windowTitle()
        assert status_text(window).startswith(f"Shared database: {where}")
        about = []
        monkeypatch.setattr(dialogs, "inform", lambda parent, title, text: about.append(text))
        window._on_about()  # Help > About
        assert f"Database: {where}" in about[0] and "postgresql" not in about[0]
        window.show_page("actions")
        qtbot.waitUntil(lambda: window.is_loaded("actions"), timeout=SLOW)
        assert window.model("actions").rowCount() == 3
        window.close()
    finally:
        database.close()


def test_open_server_database_from_the_file_menu_remembers_the_address_without_a_password(
        qtbot, office_database, office_on_server, pg_url):
    window = open_window(qtbot, office_database)
    seen = []
    timer = answer_address(office_on_server, seen)
    window.open_server_action.trigger()
    timer.stop()
    assert seen == ["Open server database"]
    qtbot.waitUntil(lambda: window.database.on_server, timeout=SLOW)
    assert window.windowTitle().startswith(f"{pg_url.database} on ")
    assert status_text(window).startswith(f"Shared database: {pg_url.database} on ")
    assert window.settings.recent_databases()[0] == office_on_server
    window.recent_menu.aboutToShow.emit()
    assert any(action.text().startswith(f"&1 {pg_url.database} on ") for action in window.recent_menu.actions())

    # Back to the file, then to the server again from the recent list.
    window.open_database_file(office_database.path, create=False)
    qtbot.waitUntil(lambda: window.database.path == office_database.path, timeout=SLOW)
    window.recent_menu.aboutToShow.emit()
    server_entry = next(action for action in window.recent_menu.actions() if office_on_server in action.text())
    server_entry.trigger()
    qtbot.waitUntil(lambda: window.database.on_server, timeout=SLOW)
    window.show_page("actions")
    qtbot.waitUntil(lambda: window.is_loaded("actions"), timeout=SLOW)
    assert window.model("actions").rowCount() == 3


def test_a_password_typed_when_opening_is_kept_in_the_keyring_and_nowhere_else(
        qtbot, office_database, tcp_login, data_dir):
    address, keyring = tcp_login
    window = open_window(qtbot, office_database)
    seen = []
    timer = answer_address(address, seen, password="s3cret-Pw")
    window.open_server_action.trigger()
    timer.stop()
    qtbot.waitUntil(lambda: window.database.on_server, timeout=SLOW)
    assert keyring.passwords == {(KEYRING_SERVICE, "crt_officer_pw@127.0.0.1"): "s3cret-Pw"}
    assert window.settings.recent_databases()[0] == address
    window.close()  # the window's settings written
    written = [path for path in data_dir.rglob("*") if path.is_file()]
    assert written and not [path for path in written if b"s3cret-Pw" in path.read_bytes()]


def test_a_server_that_refuses_the_login_is_said_in_words(qtbot, office_database, pg_url, monkeypatch):
    window = open_window(qtbot, office_database)
    warned = []
    monkeypatch.setattr(dialogs, "warn", lambda parent, title, text: warned.append(text))
    window.databases.open_server(server.as_login(pg_url, "nobody_here"))
    qtbot.waitUntil(lambda: bool(warned), timeout=SLOW)
    assert "Could not open" in warned[0] and "Nothing has been changed" in warned[0]
    assert window.database is office_database


def test_back_up_now_on_a_server_explains_and_the_snapshot_opens_with_the_same_records(
        qtbot, office_on_server, tmp_path, monkeypatch):
    database = open_database(office_on_server)
    window = open_window(qtbot, database)
    asked, informed = [], []
    snapshot = tmp_path / "archive" / "office snapshot.sqlite"
    monkeypatch.setattr(dialogs, "confirm", lambda parent, title, text, **kw: asked.append((text, kw)) or True)
    monkeypatch.setattr(dialogs, "save_file", lambda *args: snapshot)
    monkeypatch.setattr(dialogs, "inform", lambda parent, title, text: informed.append((title, text)))
    try:
        window.menuBar().actions()[0].menu().aboutToShow.emit()
        assert window.findChild(type(window.save_action), "saveSnapshotAction").isVisible()
        assert not window.move_to_server_action.isEnabled()  # already on a server

        window.save_action.trigger()  # File > Back up now (Ctrl+S)
        text, buttons = asked[0]
        assert "the server's backups are your IT department's job" in text
        assert buttons["yes"] == "Save a snapshot as an SQLite file…"
        qtbot.waitUntil(lambda: bool(informed), timeout=SLOW)
        title, said = informed[0]
        assert title == "Snapshot saved" and str(snapshot) in said
        assert "1 referral, 1 review, 2 recommendations, 3 actions" in said
        assert "rows and checksum were checked" in said

        copy = open_database(snapshot, create=False)
        try:
            with copy.readers() as session:
                assert session.query(Referral).one().reference == "Ref053"
                assert sorted(a.description for a in session.query(Action)) == \
                    sorted(action_text(database, ref) for ref in ("A1", "A2", "A3"))
        finally:
            copy.close()

        informed.clear()
        window.findChild(type(window.save_action), "restoreAction").trigger()
        assert "IT department" in informed[0][1] and "Restoring it is theirs too" in informed[0][1]
    finally:
        window.close()
        database.close()


def test_move_to_a_server_copies_the_file_and_opens_the_server_database(
        qtbot, office_database, empty_pg, monkeypatch):
    window = open_window(qtbot, office_database)
    asked = []
    monkeypatch.setattr(dialogs, "confirm", lambda parent, title, text, **kw: asked.append((title, text)) or True)
    seen = []
    address = server.address(empty_pg)
    timer = answer_address(address, seen)
    window.menuBar().actions()[0].menu().aboutToShow.emit()
    assert window.move_to_server_action.isEnabled()
    window.move_to_server_action.trigger()
    timer.stop()
    assert seen == ["Move to a server"]
    qtbot.waitUntil(lambda: bool(asked), timeout=SLOW)
    title, text = asked[0]
    assert title == "Moved to the server"
    assert "1 referral, 1 review, 2 recommendations, 3 actions" in text
    assert "rows and checksum were checked in the copy, and match" in text
    qtbot.waitUntil(lambda: window.database.on_server, timeout=SLOW)
    assert window.windowTitle().startswith(f"{empty_pg.database} on ")
    window.show_page("actions")
    qtbot.waitUntil(lambda: window.is_loaded("actions"), timeout=SLOW)
    assert window.model("actions").rowCount() == 3

    # Again: the server database now holds data, and a copy into it is refused in words.
    warned = []
    monkeypatch.setattr(dialogs, "warn", lambda parent, title, text: warned.append(text))
    window.open_database_file(office_database.path, create=False)
    qtbot.waitUntil(lambda: window.database.path == office_database.path, timeout=SLOW)
    timer = answer_address(address, seen)
    window.move_to_server_action.trigger()
    timer.stop()
    qtbot.waitUntil(lambda: bool(warned), timeout=SLOW)
    assert "already holds data" in warned[0] and "nothing has been copied" in warned[0]


def test_the_register_shows_a_change_another_connection_saved_by_itself(qtbot, office_on_server, monkeypatch):
    database = open_database(office_on_server)
    other = open_database(office_on_server)  # a colleague's copy of the program
    window = open_window(qtbot, database)
    try:
        assert window.change_watch.poll_timer.isActive()
        window.change_watch.poll_timer.setInterval(100)  # 15 s in use; a test need not wait that long
        window.show_page("actions")
        qtbot.waitUntil(lambda: window.is_loaded("actions"), timeout=SLOW)
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow, timeout=SLOW)
        qtbot.wait(300)  # the watch has taken its first reading
        whole_reads = []
        monkeypatch.setattr(window.loading, "load", lambda key, **kw: whole_reads.append(key))
        with other.sessions.begin() as session:
            action_service.update_action(session, action_id(other, "A2"), description="Changed by a colleague")

        def shown() -> bool:
            model = window.model("actions")
            return window.is_loaded("actions") and any(
                model.index(row, column).data() == "Changed by a colleague"
                for row in range(model.rowCount()) for column in range(model.columnCount()))

        qtbot.waitUntil(shown, timeout=SLOW)
        assert whole_reads == []  # only the row the colleague changed was read again
        assert "changes saved meanwhile by others" in window.statusBar().currentMessage()
    finally:
        window.close()
        other.close()
        database.close()


def test_two_windows_saving_the_same_action_show_the_second_the_conflict(qtbot, office_on_server, monkeypatch):
    first_db, second_db = open_database(office_on_server), open_database(office_on_server)
    first, second = open_window(qtbot, first_db), open_window(qtbot, second_db)
    opened = []
    # The window's Edit opens the real form; shown here without its modal loop, to drive both at once.
    monkeypatch.setattr(forms, "_run", lambda dialog: opened.append(dialog) or dialog.show())
    try:
        for window in (first, second):
            window.show_page("actions")
            qtbot.waitUntil(lambda w=window: w.is_loaded("actions"), timeout=SLOW)
            window.open_record("actions", action_id(first_db, "A1"))
            window.edit_action.trigger()
        mine, theirs = opened
        for form in (mine, theirs):
            qtbot.addWidget(form)
        mine.widgets["description"].editor.setPlainText("Relaunch the toolkit (first window)")
        theirs.widgets["description"].editor.setPlainText("Relaunch the toolkit (second window)")
        mine.save_button.click()
        qtbot.waitUntil(lambda: not mine.isVisible(), timeout=SLOW)
        theirs.save_button.click()
        qtbot.waitUntil(lambda: theirs.conflict_panel.isVisible(), timeout=SLOW)
        said = theirs.conflict_text.text()
        assert "Someone else changed this action" in said
        assert "(first window)" in said and "(second window)" in said
        assert action_text(first_db, "A1") == "Relaunch the toolkit (first window)"

        theirs.overwrite_button.click()  # the second officer keeps theirs, knowingly
        qtbot.waitUntil(lambda: not theirs.isVisible(), timeout=SLOW)
        wait_for_operations(qtbot)
        assert action_text(first_db, "A1") == "Relaunch the toolkit (second window)"
    finally:
        for window in (first, second):
            window.close()
        first_db.close()
        second_db.close()


@pytest.mark.qt_log_ignore("This plugin does not support")  # off screen: no raising a window, no grabbing keys
def test_every_menu_entry_on_a_server_database(qtbot, office_on_server, monkeypatch, tmp_path):
    """The whole-window test's walk (tests/ui/test_whole_window.py) on a server database: every
    entry of every menu, on the action plan, answered as a user who changes their mind would."""
    from PySide6.QtGui import QDesktopServices

    from tests.ui.test_whole_window import OPEN_DEMO, QUIT, SAVED_KINDS, Answerer, click_menu_entry, drive, menu_actions
    from ui import errors

    faults = []
    monkeypatch.setattr(errors, "report_exception", lambda error, parent=None, title="": faults.append(error))
    written = iter(range(1, 1000))
    monkeypatch.setattr(dialogs, "save_file", lambda parent, title, filters, suggested=None: (
        tmp_path / f"{next(written)}{suggested.suffix}" if suggested is not None and suggested.suffix in SAVED_KINDS
        else None))
    monkeypatch.setattr(dialogs, "open_file", lambda *args: None)
    monkeypatch.setattr(dialogs, "choose_folder", lambda *args: None)
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: True)
    database = open_database(office_on_server)
    window = open_window(qtbot, database)
    window.answerer = Answerer(window)
    try:
        driven = []
        for action in menu_actions(window):
            if action.text() not in (OPEN_DEMO, QUIT) and drive(qtbot, window, "actions", action,
                                                                 click_menu_entry) is not None:
                driven.append(action.text())
            assert faults == [], f"{action.text()!r}: {faults[0]!r}"
        assert "Save a &snapshot as an SQLite file…" in driven and "&Move to a server…" not in driven
        assert window.database is database
    finally:
        window.answerer.timer.stop()
        window.close()
        database.close()

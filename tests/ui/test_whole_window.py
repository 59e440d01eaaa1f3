"""Every action through the window (issue 16, item 1): the real window on the demo
database; on every page, every menu item, toolbar button and shortcut is driven as a user
would drive it, with the page's first row selected. Each window, dialog, message box or
menu it opens is answered as a user who changes their mind would answer it (Cancel,
Escape, No), except that a file to save is given a name, so exports are really written.
No exception may reach the program's error handler (``ui.errors.report_exception``);
pytest-qt fails the test on any exception raised in a slot."""

from __future__ import annotations

import csv
import itertools
import shutil
import traceback

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QMenu, QProgressDialog

from app.database import open_database, open_demo_database
from app.registers import REGISTERS
from tests.ui.conftest import open_window
from ui import dialogs, errors
from ui.operations import running_operations
from ui.dashboard import CHASE_TILE
from ui.record_actions import DASHBOARD
from ui.workers import running_jobs, wait_for_jobs

SLOW = 30_000  # a limit on waiting on a busy machine, not a timing
PAGES = [DASHBOARD, *REGISTERS]
# Actions that put another database in the window or close it: driven by their own test.
OPEN_DEMO, QUIT = "Open &demo", "&Quit"
SAVED_KINDS = (".csv", ".xlsx", ".pdf", ".docx")
QUIET_MS = 5

# Off screen there is no raising a window or grabbing the keyboard for a pop-up menu.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support")


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    """The demo database, written once (``main.py demo`` writes the same)."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    open_demo_database(path).close()
    return path


@pytest.fixture
def demo(demo_file, tmp_path):
    path = tmp_path / "demo.sqlite"
    shutil.copyfile(demo_file, path)
    database = open_database(path)
    yield database
    database.close()


@pytest.fixture
def faults(monkeypatch):
    """What reaches the one error handler, as tracebacks (shown nowhere)."""
    seen: list[str] = []
    monkeypatch.setattr(errors, "report_exception",
                        lambda error, parent=None, title="": seen.append("".join(traceback.format_exception(error))))
    return seen


class Answerer:
    """Answers what the window asks: every window, dialog or menu that opens over the main
    window is noted (its class name) and closed: Cancel, Escape. A progress dialog is left
    to finish its work."""

    def __init__(self, window):
        self.window = window
        self.seen: list[str] = []
        self.timer = QTimer()
        self.timer.setInterval(15)
        self.timer.timeout.connect(self.answer)
        self.timer.start()

    def others(self) -> list:
        return [widget for widget in QApplication.topLevelWidgets()
                if widget is not self.window and widget.isVisible() and type(widget).__name__ != "QTipLabel"]

    def answer(self) -> None:
        for widget in self.others():
            if isinstance(widget, QProgressDialog):
                continue
            self.seen.append(type(widget).__name__)
            if isinstance(widget, QDialog):
                widget.reject()
            else:
                widget.close()

    def settled(self) -> bool:
        return not running_operations() and not running_jobs() and not self.others()


@pytest.fixture
def out(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture
def window(qtbot, demo, faults, monkeypatch, out):
    names = itertools.count(1)

    def save_file(parent, title, filters, suggested=None):
        # An export or paper is written where the user says; a new database is not made.
        suffix = suggested.suffix if suggested is not None else ""
        return out / f"{next(names)}{suffix}" if suffix in SAVED_KINDS else None

    monkeypatch.setattr(dialogs, "save_file", save_file)
    # A file or folder to open: Cancel. (Answered here, not by closing a file dialog: on
    # Windows the static file dialogs may be the system's, which no Qt test can close.)
    monkeypatch.setattr(dialogs, "open_file", lambda *args: window.answerer.seen.append("open_file"))
    monkeypatch.setattr(dialogs, "choose_folder", lambda *args: window.answerer.seen.append("choose_folder"))
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: True)  # the data folder, a file written
    window = open_window(qtbot, demo)
    window.answerer = Answerer(window)
    qtbot.waitUntil(lambda: window.databases.database.check_pending is False, timeout=SLOW)
    yield window
    window.answerer.timer.stop()
    assert wait_for_jobs(SLOW)


def settle(qtbot, window) -> None:
    """Wait until every job has ended and everything opened has been answered."""
    # Twice, a moment apart: what one step left for the event loop may start the next.
    qtbot.waitUntil(window.answerer.settled, timeout=SLOW)
    qtbot.wait(QUIET_MS)
    qtbot.waitUntil(window.answerer.settled, timeout=SLOW)


def on_page(qtbot, window, key: str) -> None:
    """Put page ``key`` on screen, read, with its first row selected."""
    if window.current_key == key and (key == DASHBOARD or window.is_loaded(key) and window.view(key).selected_ids()):
        return
    window.show_page(key)
    if key != DASHBOARD:
        qtbot.waitUntil(lambda: window.is_loaded(key), timeout=SLOW)
        if window.model(key).rowCount():
            window.view(key).table.selectRow(0)
    settle(qtbot, window)


def menu_actions(window) -> list[QAction]:
    """Every entry of the menu bar's menus and submenus, as the user finds them on opening
    each (the Records menu is filled then, for the page on screen)."""
    def entries(menu: QMenu) -> list[QAction]:
        menu.aboutToShow.emit()
        found = []
        for action in menu.actions():
            if action.menu() is not None:
                found += entries(action.menu())
            elif not action.isSeparator():
                found.append(action)
        return found

    return [action for menu_action in window.menuBar().actions() for action in entries(menu_action.menu())]


def drive(qtbot, window, key: str, action: QAction, how) -> list[str] | None:
    """On page ``key``, set ``action`` off by ``how`` (a function of the action); what it
    opened (class names), or None if the action is disabled there. Fails if the action was
    not triggered."""
    on_page(qtbot, window, key)
    if not action.isEnabled():
        return None
    seen = len(window.answerer.seen)
    times: list = []

    def count(*_args) -> None:
        times.append(1)

    action.triggered.connect(count)
    try:
        how(action)
        settle(qtbot, window)
    finally:
        action.triggered.disconnect(count)
    assert times, f"{action.text()!r} was not triggered on {key}"
    return window.answerer.seen[seen:]


def click_menu_entry(action: QAction) -> None:
    action.trigger()


def press_shortcuts(window, qtbot):
    def press(action: QAction) -> None:
        for sequence in action.shortcuts():
            window.activateWindow()  # a dialog closed leaves no window active off screen
            qtbot.waitUntil(window.isActiveWindow, timeout=SLOW)
            QTest.keySequence(window, sequence)
    return press


def click_toolbar_button(window):
    def click(action: QAction) -> None:
        QTest.mouseClick(window.toolbar.widgetForAction(action), Qt.MouseButton.LeftButton)
    return click


@pytest.mark.parametrize("key", PAGES)
def test_every_menu_item_toolbar_button_and_shortcut_on_the_page(qtbot, window, faults, out, key):
    on_page(qtbot, window, key)
    opened: dict[tuple[str, str], list[str]] = {}
    for action in menu_actions(window):
        if action.text() not in (OPEN_DEMO, QUIT):
            found = drive(qtbot, window, key, action, click_menu_entry)
            if found is not None:
                opened["menu", action.text()] = found
            assert faults == [], f"{action.text()!r} on {key}:\n{faults[0]}"
    for action in window.toolbar.actions():
        if not action.isSeparator():
            found = drive(qtbot, window, key, action, click_toolbar_button(window))
            if found is not None:
                opened["toolbar", action.iconText()] = found
            assert faults == [], f"the toolbar's {action.iconText()} on {key}:\n{faults[0]}"
    for action in menu_actions(window):
        if action.shortcuts() and action.text() != QUIT:
            found = drive(qtbot, window, key, action, press_shortcuts(window, qtbot))
            if found is not None:
                opened["keys", action.shortcut().toString()] = found
            assert faults == [], f"{action.shortcut().toString()} on {key}:\n{faults[0]}"

    # What the officer sees: the paper for the page, the guide, the form for a new record.
    for how in (("menu", "&Print current view…"), ("toolbar", "Print"), ("keys", "Ctrl+P")):
        assert opened[how] == ["ReportDialog"], how
    assert opened["keys", "F1"] == ["HelpWindow"]
    if ("toolbar", "New") in opened:  # a page whose records the officer adds
        assert len(opened["toolbar", "New"]) == 1 and opened["toolbar", "New"][0].endswith("Dialog")
    if key not in (DASHBOARD, "actions"):  # the rows on screen, as a CSV file, each time
        written = sorted(out.glob("*.csv"), key=lambda path: int(path.stem))
        assert len(written) == 3  # menu, toolbar, Ctrl+E
        with written[-1].open(encoding="utf-8-sig", newline="") as file:
            rows = list(csv.reader(file))
        assert rows[0] == [column.header for column in REGISTERS[key].columns]
        assert len(rows) - 1 == window.model(key).rowCount()


def test_opening_the_demo_a_new_database_and_quitting(qtbot, window, faults, monkeypatch, tmp_path):
    on_page(qtbot, window, "actions")
    entries = {action.text(): action for action in menu_actions(window)}
    entries[OPEN_DEMO].trigger()
    qtbot.waitUntil(lambda: window.database.path.name == "demo.sqlite" and window.database.path.parent != tmp_path,
                    timeout=SLOW)
    on_page(qtbot, window, "actions")
    assert window.model("actions").rowCount() > 0

    new = tmp_path / "Office.sqlite"
    monkeypatch.setattr(dialogs, "save_file", lambda *args: new)
    entries["&New database…"].trigger()
    qtbot.waitUntil(lambda: window.database.path == new, timeout=SLOW)
    on_page(qtbot, window, "actions")
    assert window.model("actions").rowCount() == 0

    recent = [action for action in menu_actions(window) if "demo.sqlite" in action.text()]
    assert recent, "the demo is among the recent databases"
    recent[0].trigger()
    qtbot.waitUntil(lambda: window.database.path.name == "demo.sqlite", timeout=SLOW)
    settle(qtbot, window)
    assert faults == []

    entries[QUIT].trigger()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=SLOW)
    assert faults == []


def test_undo_and_redo_from_the_toolbar_and_the_keys_after_a_delete(qtbot, window, faults, monkeypatch):
    monkeypatch.setattr(dialogs, "confirm", lambda *args, **kwargs: True)  # "Delete": yes
    on_page(qtbot, window, "actions")
    rows = window.model("actions").rowCount()
    assert drive(qtbot, window, "actions", window.delete_action, press_shortcuts(window, qtbot)) == []
    qtbot.waitUntil(lambda: window.is_loaded("actions") and window.model("actions").rowCount() == rows - 1,
                    timeout=SLOW)
    drive(qtbot, window, "actions", window.undo_action, click_toolbar_button(window))
    qtbot.waitUntil(lambda: window.is_loaded("actions") and window.model("actions").rowCount() == rows, timeout=SLOW)
    drive(qtbot, window, "actions", window.redo_action, press_shortcuts(window, qtbot))
    qtbot.waitUntil(lambda: window.is_loaded("actions") and window.model("actions").rowCount() == rows - 1,
                    timeout=SLOW)
    drive(qtbot, window, "actions", window.undo_action, press_shortcuts(window, qtbot))
    qtbot.waitUntil(lambda: window.is_loaded("actions") and window.model("actions").rowCount() == rows, timeout=SLOW)
    assert faults == []


def test_printing_from_every_page_writes_its_paper_with_the_filter_on_screen(qtbot, window, faults, out,
                                                                               monkeypatch):
    from pypdf import PdfReader

    from ui import report_dialogs

    papers: dict[str, tuple[str, object]] = {}

    def create(dialog):
        """The officer presses Create with the options the page gave."""
        window.answerer.timer.stop()  # this dialog is answered here
        dialog.show()
        key = window.current_key
        dialog.out_edit.setText(str(out / f"{key}.pdf"))
        if not dialog.problems():  # else Create says what is missing, and nothing is built
            with qtbot.waitSignal(dialog.build_ended, timeout=SLOW):
                dialog.ok_button.click()
        window.answerer.timer.start()
        papers[key] = (dialog.kind, dialog.written.path if dialog.written else dialog.problems())
        return QDialog.DialogCode.Accepted if dialog.written else QDialog.DialogCode.Rejected

    monkeypatch.setattr(report_dialogs.ReportDialog, "exec", create)
    on_page(qtbot, window, "actions")
    window.view("actions").filter_bar.flags["overdue"].setChecked(True)
    for key in PAGES:
        drive(qtbot, window, key, window.print_action, press_shortcuts(window, qtbot))
        assert faults == [], f"Ctrl+P on {key}:\n{faults[0]}"
    assert set(papers) == set(PAGES)
    written = {key: path for key, (_kind, path) in papers.items() if not isinstance(path, dict)}
    assert set(written) == set(PAGES), {key: papers[key] for key in PAGES if key not in written}
    plan = "".join(page.extract_text() for page in PdfReader(written["actions"]).pages)
    assert papers["actions"][0] == "action-plan" and "overdue actions only" in plan


def test_every_button_and_tile_on_the_dashboard(qtbot, window, faults):
    dashboard = window.dashboard
    qtbot.waitUntil(lambda: dashboard.figures is not None and not dashboard.is_loading(), timeout=SLOW)
    for button in (dashboard.today_button, dashboard.refresh_button):
        on_page(qtbot, window, DASHBOARD)
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)
        settle(qtbot, window)
        qtbot.waitUntil(lambda: not dashboard.is_loading(), timeout=SLOW)
        assert faults == [], f"{button.text()!r}:\n{faults[0]}"
    for name, tile in dashboard.tiles.items():
        if name == CHASE_TILE:
            continue  # opens Chase…, not a register: below
        on_page(qtbot, window, DASHBOARD)
        qtbot.waitUntil(lambda: not dashboard.is_loading(), timeout=SLOW)
        counted = tile.value_label.text()
        QTest.mouseClick(tile, Qt.MouseButton.LeftButton)
        settle(qtbot, window)
        key = window.current_key
        assert key != DASHBOARD, f"the tile {name} opened nothing"
        qtbot.waitUntil(lambda: window.is_loaded(key), timeout=SLOW)
        assert window.view(key).description(), f"the tile {name} opened {key} unfiltered"
        assert f"{window.view(key).shown_count:,}" == counted, (name, key, window.view(key).description())
        assert faults == [], f"the tile {name}:\n{faults[0]}"
    # "Due a chase today" opens Chase… with only those leads ticked, as many as the tile counts.
    on_page(qtbot, window, DASHBOARD)
    counted = dashboard.tiles[CHASE_TILE].value_label.text()
    window.answerer.timer.stop()  # this dialog is looked at before it is closed
    QTest.mouseClick(dashboard.tiles[CHASE_TILE], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _chase_dialog() is not None, timeout=SLOW)
    chase = _chase_dialog()
    assert chase.due_only_box.isChecked() and f"{len(chase.chosen()):,}" == counted
    chase.reject()
    window.answerer.timer.start()
    assert faults == [], f"the chase tile:\n{faults[0]}"


def _chase_dialog():
    from ui.chasing import ChaseDialog

    return next((w for w in QApplication.topLevelWidgets() if isinstance(w, ChaseDialog) and w.isVisible()), None)

"""Back up now, Restore…, a damaged file at open, a save conflict, and the History view.

Every test works on a real database file in a temporary data folder (the records of
``tests/ui/conftest.py``: referral Ref053, review SCR-01, actions A1-A3), makes real damage
and real changes, and checks what the user would: the backup in the folder, the record back
after a restore, the bytes of a declined file, the rows of the exported workbook.
Message boxes and file dialogs are answered by monkeypatching ``ui.dialogs``; the privacy
prompt by clicking its buttons (``PrivacyPrompts``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QAbstractItemView, QApplication, QMenu, QWidget
from sqlalchemy import select, update

from app.backups import backup_folder, list_backups, take_backup
from app.database import open_database
from app.db_errors import DamagedDatabaseError
from app.errors import UserError
from app.privacy_scan import save_never_print_terms
from app.services.archive import archive, purge
from app.services.referrals import update_referral
from db.models import Action, AuditEntry, Referral
from tests.app.safety.helpers import rows, text_file, zero_one_page
from tests.ui.test_report_dialogs import PrivacyPrompts, partial_files
from ui import dialogs, safety_dialogs
from ui.history_view import HistoryDialog
from ui.safety_dialogs import (
    ConflictDialog,
    RestoreDialog,
    back_up_now,
    handle_open_error,
    offer_restore_for_damaged,
    resolve_conflict,
)
from ui.menus import add_safety_actions
from ui.workers import wait_for_jobs

SLOW = 30_000  # a limit on waiting on a busy machine, not a timing


@pytest.fixture(autouse=True)
def no_leftover_jobs():
    yield
    assert wait_for_jobs(SLOW)


@pytest.fixture
def said(monkeypatch):
    """Everything the user was told, and every question asked (answered by ``said.answers``)."""
    class Said:
        informed: list[str] = []
        warned: list[str] = []
        asked: list[tuple[str, str, str]] = []
        answers: list[bool] = []

    record = Said()
    record.informed, record.warned, record.asked, record.answers = [], [], [], []
    monkeypatch.setattr(dialogs, "inform", lambda parent, title, text: record.informed.append(text))
    monkeypatch.setattr(dialogs, "warn", lambda parent, title, text: record.warned.append(text))

    def confirm(parent, title, text, *, yes="Yes", no="No"):
        record.asked.append((text, yes, no))
        return record.answers.pop(0)

    monkeypatch.setattr(dialogs, "confirm", confirm)
    return record


def outcome(qtbot, start):
    """Start a task as the window does, ``start(done)``, and wait for how it ended."""
    ended = []
    start(ended.append)
    qtbot.waitUntil(lambda: bool(ended), timeout=SLOW)
    return ended[0]


def referral_id(database) -> int:
    with database.readers() as s:
        return s.scalar(select(Referral.id).where(Referral.reference == "Ref053"))


def open_restore_dialog(qtbot, path: Path, **kwargs) -> RestoreDialog:
    dialog = RestoreDialog(None, path, **kwargs)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.backups_loaded, timeout=SLOW):
        dialog.show()
    return dialog


# --- Back up now and the list of backups -------------------------------------------------------

def test_back_up_now_makes_a_good_backup_listed_with_what_it_holds(qtbot, office_database, said, qtmodeltester):
    made = outcome(qtbot, lambda done: back_up_now(None, office_database, finished=done))

    assert made is not None and made.is_file() and made.parent == backup_folder()
    assert made.name.endswith("-manual.sqlite")
    assert rows(made, "SELECT count(*) FROM action") == [(3,)]
    assert "1 referral, 1 review and 3 actions" in said.informed[-1]
    assert str(made.parent) in said.informed[-1]

    dialog = open_restore_dialog(qtbot, office_database.path)
    qtmodeltester.check(dialog.model)
    listed = dialog.model.backups()
    assert [b.path for b in listed] == [made]
    cells = [dialog.model.index(0, c).data() for c in range(dialog.model.columnCount())]
    assert cells[1:5] == ["Manual (Back up now)", "1", "1", "3"]
    assert cells[0] == f"{listed[0].taken_at:%d/%m/%Y %H:%M}"
    assert cells[-1] == "Good"
    assert dialog.model.index(0, 6).data(Qt.ItemDataRole.ForegroundRole).color() == safety_dialogs.GOOD_COLOUR
    assert dialog.selected_backup().path == made
    assert dialog.restore_button.isEnabled()


def test_a_damaged_backup_is_marked_in_colour_and_word_and_cannot_be_restored(qtbot, office_database, said):
    good = take_backup(office_database.path, backup_folder(), "before-import")
    bad = take_backup(office_database.path, backup_folder(), "manual")
    text_file(bad.path)  # someone saved a CSV over it

    dialog = open_restore_dialog(qtbot, office_database.path)

    by_path = {b.path: row for row, b in enumerate(dialog.model.backups())}
    bad_row = by_path[bad.path]
    assert dialog.model.index(bad_row, 6).data().startswith("Damaged")
    assert dialog.model.index(bad_row, 6).data(Qt.ItemDataRole.ForegroundRole).color() == safety_dialogs.DAMAGED_COLOUR
    assert dialog.model.index(by_path[good.path], 1).data() == "Before an import"
    assert dialog.selected_backup().path == good.path  # the newest good one is chosen for you
    assert dialog.select_backup(bad.path)
    assert not dialog.restore_button.isEnabled()
    assert "1 is damaged" in dialog.status_label.text()


def test_restoring_through_the_dialog_brings_back_a_deleted_record(qtbot, office_database, said):
    path = office_database.path
    backup = outcome(qtbot, lambda done: back_up_now(None, office_database, finished=done))
    with office_database.sessions.begin() as s:
        a3 = s.scalar(select(Action.id).where(Action.reference == "A3"))
        archive(s, "action", a3)
    with office_database.sessions.begin() as s:
        purge(s, "action", a3)
    assert rows(path, "SELECT count(*) FROM action WHERE reference = 'A3'") == [(0,)]

    closed = []
    dialog = open_restore_dialog(qtbot, path, close_database=lambda: (office_database.close(), closed.append(1)))
    assert dialog.select_backup(backup)
    said.answers.append(True)
    with qtbot.waitSignal(dialog.restore_finished, timeout=SLOW) as finished:
        qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)

    assert finished.args == [True]
    assert closed == [1]  # closed only once the user had confirmed
    question, yes, _no = said.asked[-1]
    assert f"{dialog.restored.restored.taken_at:%d/%m/%Y}" in question and "Restore" in yes
    reopened = open_database(path, create=False)
    try:
        with reopened.readers() as s:
            assert s.scalar(select(Action.id).where(Action.reference == "A3")) is not None
    finally:
        reopened.close()
    labels = [b.label for b in list_backups(backup_folder(), path)]
    assert "before-restore" in labels
    before = next(b for b in list_backups(backup_folder(), path) if b.label == "before-restore")
    assert rows(before.path, "SELECT count(*) FROM action WHERE reference = 'A3'") == [(0,)]
    assert "Restored" in said.informed[-1]


def test_cancelling_the_confirmation_changes_nothing(qtbot, office_database, said):
    outcome(qtbot, lambda done: back_up_now(None, office_database, finished=done))
    closed = []
    before = rows(office_database.path, "SELECT count(*) FROM audit_entry")
    dialog = open_restore_dialog(qtbot, office_database.path, close_database=lambda: closed.append(1))
    said.answers.append(False)
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert dialog.job is None and dialog.restored is None and closed == []
    assert rows(office_database.path, "SELECT count(*) FROM audit_entry") == before
    assert not any(b.label == "before-restore" for b in list_backups(backup_folder(), office_database.path))


def test_change_backup_folder_lists_the_backups_there(qtbot, office_database, said, tmp_path, monkeypatch):
    elsewhere = tmp_path / "network-drive"
    take_backup(office_database.path, elsewhere, "manual")
    monkeypatch.setattr(dialogs, "choose_folder", lambda parent, title, folder=None: elsewhere)
    dialog = open_restore_dialog(qtbot, office_database.path)
    assert dialog.model.backups() == [] and "no backups" in dialog.status_label.text()

    with qtbot.waitSignal(dialog.backups_loaded, timeout=SLOW):
        qtbot.mouseClick(dialog.folder_button, Qt.MouseButton.LeftButton)

    assert backup_folder() == elsewhere.resolve()
    assert [b.label for b in dialog.model.backups()] == ["manual"]
    assert str(elsewhere.resolve()) in dialog.folder_label.text()


def test_the_file_menu_restore_closes_then_reopens(qtbot, office_database, said, monkeypatch):
    window = QWidget()
    qtbot.addWidget(window)
    menu = QMenu(window)
    events = []

    def fake_choose(parent, path, *, close_database=None):
        events.append(("dialog", path))
        close_database()
        return True

    monkeypatch.setattr(safety_dialogs, "choose_and_restore", fake_choose)
    actions = add_safety_actions(menu, window, lambda: office_database,
                                 reopen=lambda path: events.append(("reopen", path)),
                                 close_database=lambda: events.append(("close",)))
    # A snapshot as an SQLite file is for a database on a server: not shown for a file.
    assert [a.text() for a in menu.actions() if a.isVisible()] == ["&Back up now", "&Restore…", "Backup &folder…",
                                                                    "&History…"]
    assert not actions[1].isVisible() and not actions[1].isEnabled()
    actions[2].trigger()
    assert events == [("dialog", office_database.path), ("close",), ("reopen", office_database.path)]

    actions[0].trigger()  # Back up now, from the menu
    qtbot.waitUntil(lambda: bool(said.informed), timeout=SLOW)
    assert [b.label for b in list_backups(backup_folder(), office_database.path)][0] == "manual"


# --- a damaged file at open --------------------------------------------------------------------

@pytest.fixture
def damaged(office_database, said):
    """The office database, backed up, closed, then damaged: (path, the error open_database raised)."""
    path = office_database.path
    good = take_backup(path, backup_folder(), "manual")
    office_database.close()
    zero_one_page(path)
    with pytest.raises(DamagedDatabaseError) as refused:
        open_database(path)
    assert refused.value.offer.path == good.path
    return path, refused.value


def test_restoring_the_offered_backup_lets_the_database_open(qtbot, damaged, said):
    path, error = damaged
    damaged_bytes = path.read_bytes()
    said.answers.append(True)

    assert outcome(qtbot, lambda done: offer_restore_for_damaged(None, error, restored=done)) is True

    question, yes, no = said.asked[-1]
    assert "has not been opened or changed" in question and "Traceback" not in question
    assert yes.startswith(f"Restore the backup of {error.offer.taken_at:%d/%m/%Y} (holds 1 referral, 1 review and 3 actions")
    assert no == "Don't restore"
    db = open_database(path, create=False)
    try:
        with db.readers() as s:
            assert s.scalar(select(Referral.reference)) == "Ref053"
    finally:
        db.close()
    kept = list(path.parent.glob("office-unreadable-*.sqlite"))
    assert [p.read_bytes() for p in kept] == [damaged_bytes]  # set aside, never deleted


def test_declining_leaves_the_damaged_file_exactly_as_it_was(qtbot, damaged, said):
    path, error = damaged
    before = path.read_bytes()
    said.answers.append(False)

    assert outcome(qtbot, lambda done: offer_restore_for_damaged(None, error, restored=done)) is False

    assert path.read_bytes() == before
    # The copy kept beside it before anything was offered (issue 14, item 4) is all there is.
    assert [p.read_bytes() for p in path.parent.glob("office-unreadable-*.sqlite")] == [before]
    with pytest.raises(DamagedDatabaseError):
        open_database(path)


def test_without_a_backup_the_message_says_so_and_nothing_is_offered(qtbot, office_database, said, tmp_path):
    path = office_database.path
    office_database.close()
    for old in backup_folder().glob("*.sqlite"):
        old.unlink()
    zero_one_page(path)
    with pytest.raises(DamagedDatabaseError) as refused:
        open_database(path)

    assert outcome(qtbot, lambda done: offer_restore_for_damaged(None, refused.value, restored=done)) is False
    assert said.asked == [] and "No good backup" in said.warned[-1]


def test_a_file_that_is_not_a_database_gets_the_same_offer(qtbot, office_database, said):
    path = office_database.path
    take_backup(path, backup_folder(), "manual")
    office_database.close()
    text_file(path)
    with pytest.raises(UserError) as refused:
        open_database(path)
    said.answers.append(True)

    assert outcome(qtbot, lambda done: handle_open_error(None, path, refused.value, restored=done)) is True

    db = open_database(path, create=False)
    db.close()
    question, yes, _no = said.asked[-1]
    assert "has not been opened or changed" in question and yes.startswith("Restore the backup of")
    assert list(path.parent.glob("office-unreadable-*.sqlite"))  # the text file is kept aside


# --- two copies at once ----------------------------------------------------------------------

MINE = {"Location": "Southtown", "Summary": "Same text", "Gender": "Female"}
THEIRS = {"Location": "Westtown", "Summary": "Same text", "Gender": "Female", "Age": "4 mths"}


def test_the_conflict_dialog_shows_both_versions_and_marks_the_differences(qtbot, qtmodeltester):
    dialog = ConflictDialog(None, "Referral Ref053", MINE, THEIRS)
    qtbot.addWidget(dialog)
    model = dialog.model
    qtmodeltester.check(model)
    table = {model.index(r, 1).data(): [model.index(r, c).data() for c in range(4)] for r in range(model.rowCount())}
    assert table["Location"] == [safety_dialogs.DIFFERS_MARKER, "Location", "Southtown", "Westtown"]
    assert table["Summary"] == ["", "Summary", "Same text", "Same text"]
    assert table["Age"] == [safety_dialogs.DIFFERS_MARKER, "Age", "", "4 mths"]
    location_row = list(table).index("Location")
    summary_row = list(table).index("Summary")
    assert model.index(location_row, 2).data(Qt.ItemDataRole.BackgroundRole).color() == safety_dialogs.DIFFERENT_BACKGROUND
    assert model.index(summary_row, 2).data(Qt.ItemDataRole.BackgroundRole) is None
    assert "differ in 2 fields" in dialog.intro_label.text()
    assert not model.flags(model.index(0, 2)) & Qt.ItemFlag.ItemIsEditable


@pytest.mark.parametrize("button, choice", [("reload_button", "reload"), ("overwrite_button", "overwrite"),
                                            ("cancel_button", "cancel")])
def test_resolve_conflict_returns_the_users_choice(qtbot, button, choice):
    seen = []

    def click() -> None:
        dialog = next(w for w in QApplication.topLevelWidgets()
                      if isinstance(w, ConflictDialog) and w.isVisible())
        seen.append(dialog.windowTitle())
        getattr(dialog, button).click()

    QTimer.singleShot(0, click)
    assert resolve_conflict(None, "Referral Ref053", MINE, THEIRS) == choice
    assert seen == ["Referral Ref053 was changed by someone else"]


def test_escape_is_cancel(qtbot):
    dialog = ConflictDialog(None, "Action A1", MINE, THEIRS)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.choice == "cancel"


def test_a_real_stale_save_is_refused_with_the_sentence_the_dialog_follows(office_database):
    """The form engineer calls resolve_conflict when this happens: check the condition is real."""
    from app.db_errors import ensure_unchanged, friendly_database_error
    from sqlalchemy.orm.exc import StaleDataError
    rid = referral_id(office_database)
    with office_database.readers() as s:
        loaded = s.get(Referral, rid).version
    with office_database.sessions.begin() as s:  # the other copy saves first
        update_referral(s, rid, location="Westtown")
    with pytest.raises(StaleDataError) as stale:
        with office_database.sessions.begin() as s:
            ensure_unchanged(s.get(Referral, rid), loaded)
    assert "Compare the two versions" in str(friendly_database_error(stale.value))


# --- History -----------------------------------------------------------------------------------

def open_history(qtbot, database, table=None, record_id=None) -> HistoryDialog:
    dialog = HistoryDialog(None, database, table, record_id)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.rows_loaded, timeout=SLOW):
        dialog.show()
    return dialog


def reload_with(qtbot, dialog: HistoryDialog, **filters) -> None:
    with qtbot.waitSignal(dialog.rows_loaded, timeout=SLOW):
        dialog.set_filter(**filters)


def shown(dialog: HistoryDialog, key: str) -> list[str]:
    column = dialog.model.column_of(key)
    return [dialog.model.index(r, column).data() for r in range(dialog.model.rowCount())]


@pytest.fixture
def edited(office_database):
    """Ref053 changed by bob through the service, after alice created the records."""
    rid = referral_id(office_database)
    with office_database.sessions.begin() as s:
        s.info["audit_user"] = "bob"
        update_referral(s, rid, location="Southtown", summary="=HYPERLINK(\"http://x\",\"y\")")
    return rid


def test_history_of_one_record_lists_creates_and_changes_old_to_new(qtbot, office_database, edited, qtmodeltester):
    dialog = open_history(qtbot, office_database, "referral", edited)

    assert dialog.windowTitle() == "History of Referral Ref053"
    assert not dialog.filters.isVisible()
    assert dialog.view.isColumnHidden(dialog.model.column_of("record"))
    qtmodeltester.check(dialog.model)
    whats, fields = shown(dialog, "operation"), shown(dialog, "field")
    olds, news, users = shown(dialog, "old_value"), shown(dialog, "new_value"), shown(dialog, "user")
    assert whats[0] == "Changed" and "Created" in whats
    row = fields.index("Location")
    assert (olds[row], news[row], users[row], whats[row]) == ("Northtown", "Southtown", "bob", "Changed")
    created = [f for f, w in zip(fields, whats) if w == "Created"]
    assert "Reference" in created and "Referring agency" in created
    assert news[fields.index("Referring agency")] == "Police"  # a name, not an id
    when = dialog.model.index(0, 0).data()
    assert dt.datetime.strptime(when, "%d/%m/%Y %H:%M")
    assert f"{dialog.model.rowCount()} changes" in dialog.status_label.text()


def test_the_history_table_cannot_be_edited(qtbot, office_database, edited):
    dialog = open_history(qtbot, office_database, "referral", edited)
    model, view = dialog.model, dialog.view
    assert view.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
    for r in range(model.rowCount()):
        for c in range(model.columnCount()):
            assert not model.flags(model.index(r, c)) & Qt.ItemFlag.ItemIsEditable
    index = model.index(0, model.column_of("new_value"))
    before = index.data()
    assert model.setData(index, "tampered") is False
    view.setCurrentIndex(index)
    qtbot.keyClick(view, Qt.Key.Key_F2)
    qtbot.keyClicks(view, "tampered")
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert index.data() == before
    with office_database.readers() as s:
        assert s.scalar(select(AuditEntry.id).where(AuditEntry.new_value.like("%tampered%"))) is None


def test_whole_database_history_filters_by_user_table_and_date(qtbot, office_database, edited, qtmodeltester):
    with office_database.sessions.begin() as s:  # move alice's entries to a day long ago
        s.execute(update(AuditEntry).where(AuditEntry.user != "bob").values(at=dt.datetime(2020, 5, 6, 12, 0)))
    dialog = open_history(qtbot, office_database)
    assert dialog.windowTitle() == "History of the whole database"
    assert dialog.filters.isVisible()
    qtmodeltester.check(dialog.model)
    everything = dialog.model.rowCount()
    assert dialog.user_combo.findData("bob") > 0
    assert dialog.table_combo.findText("Referral") > 0

    reload_with(qtbot, dialog, user="bob")
    assert set(shown(dialog, "user")) == {"bob"} and set(shown(dialog, "record")) == {"Referral Ref053"}

    reload_with(qtbot, dialog, table="action")
    assert set(shown(dialog, "record")) == {"Action A1", "Action A2", "Action A3"}

    reload_with(qtbot, dialog, date_from=dt.date(2020, 5, 6), date_to=dt.date(2020, 5, 6))
    on_the_day = dialog.model.rowCount()
    assert on_the_day and "bob" not in shown(dialog, "user")
    assert set(shown(dialog, "at")) == {"06/05/2020 " + f"{dialog.model.audit_row(0).at:%H:%M}"}

    reload_with(qtbot, dialog, text="Southtown")
    assert shown(dialog, "new_value") == ["Southtown"]

    reload_with(qtbot, dialog)
    assert dialog.model.rowCount() == everything == on_the_day + len([u for u in shown(dialog, "user") if u == "bob"])


def test_typing_a_date_range_the_wrong_way_round_says_so(qtbot, office_database, edited):
    dialog = open_history(qtbot, office_database)
    dialog.from_date.set_date(dt.date(2024, 5, 1))
    dialog.to_date.set_date(dt.date(2024, 4, 1))
    dialog._on_filter_changed()
    assert "before the start" in dialog.date_problem.text() and dialog.date_problem.isVisible()


# --- the export --------------------------------------------------------------------------------

@pytest.fixture
def prompts(monkeypatch, qtbot):
    return PrivacyPrompts(monkeypatch, qtbot)


def export(qtbot, dialog: HistoryDialog, out: Path, monkeypatch) -> object:
    monkeypatch.setattr(dialogs, "save_file", lambda parent, title, filters, suggested=None: out)
    with qtbot.waitSignal(dialog.export_finished, timeout=SLOW) as finished:
        qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    return finished.args[0]


def test_export_writes_the_rows_shown_with_formula_like_text_kept_as_text(
        qtbot, office_database, edited, said, prompts, tmp_path, monkeypatch):
    dialog = open_history(qtbot, office_database, "referral", edited)
    out = tmp_path / "ig-request"  # no suffix: .xlsx is added

    kept = export(qtbot, dialog, out, monkeypatch)

    assert kept == tmp_path / "ig-request.xlsx" and kept.is_file()
    assert partial_files(tmp_path) == []
    sheet = load_workbook(kept)["Audit trail"]
    body = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(body) == dialog.model.rowCount()
    header = [c.value for c in sheet[1]]
    news = [row[header.index("New value")] for row in body]
    assert '=HYPERLINK("http://x","y")' in news
    formula_cell = next(c for c in sheet[chr(ord("A") + header.index("New value"))]
                        if c.value == '=HYPERLINK("http://x","y")')
    assert formula_cell.data_type == "s"
    assert said.asked == [] and prompts.shown == []  # nothing identifying: no question
    assert "written to" in said.informed[-1]


@pytest.mark.parametrize("keep", [True, False])
def test_a_never_print_name_is_caught_before_the_export_leaves(
        qtbot, office_database, edited, said, prompts, tmp_path, monkeypatch, keep):
    with office_database.sessions.begin() as s:
        save_never_print_terms(s, ["Jayden Marsh"])
        update_referral(s, edited, notes="Mother said Jayden Marsh was at the house.")
    dialog = open_history(qtbot, office_database, "referral", edited)
    out = tmp_path / "ig.xlsx"
    prompts.answers.append(keep)

    result = export(qtbot, dialog, out, monkeypatch)

    (question,) = prompts.shown
    assert "ig.xlsx has not been saved" in question
    assert "word on the never-print list" in question and "Jayden Marsh" not in question
    assert said.asked == []  # the one prompt, no other question
    assert out.exists() is keep and (result == out) is keep
    assert partial_files(tmp_path) == []
    assert ("written to" if keep else "ig.xlsx was not saved") in said.informed[-1]
    with office_database.readers() as s:
        decision = s.scalars(select(AuditEntry).where(AuditEntry.operation == "privacy-check")).one()
    assert decision.record_id == "ig.xlsx"
    assert ("Proceeded knowingly" if keep else "Stopped to fix") in decision.new_value
    assert "Jayden" not in decision.new_value


def test_the_history_view_shows_the_privacy_decision(qtbot, office_database, edited, said, prompts, tmp_path,
                                                     monkeypatch):
    with office_database.sessions.begin() as s:
        save_never_print_terms(s, ["Jayden Marsh"])
        update_referral(s, edited, notes="Jayden Marsh")
    dialog = open_history(qtbot, office_database)
    prompts.answers.append(False)
    export(qtbot, dialog, tmp_path / "all.xlsx", monkeypatch)
    qtbot.waitUntil(lambda: "Privacy check" in shown(dialog, "operation"), timeout=SLOW)


def test_a_locked_database_is_said_as_it_is_with_no_check_and_no_restore_offered(
        qtbot, office_database, said, monkeypatch):
    from app.db_errors import LOCKED, DatabaseUnavailableError

    path = office_database.path
    shown = []
    monkeypatch.setattr(safety_dialogs, "damage_at", lambda _path: pytest.fail("a locked file is not damaged"))
    monkeypatch.setattr(safety_dialogs.errors, "report_exception",
                        lambda error, parent=None, **_kw: shown.append(str(error)))
    error = DatabaseUnavailableError(path, LOCKED)

    assert outcome(qtbot, lambda done: handle_open_error(None, path, error, restored=done)) is False
    assert said.asked == [] and shown == [str(error)]
    assert "in use by another program" in shown[0] and "not damaged" in shown[0]


def test_a_database_in_a_synced_folder_is_opened_with_a_warning_in_words(qtbot, tmp_path, said):
    from tests.ui.conftest import open_window

    folder = tmp_path / "OneDrive - Northshire Council"
    folder.mkdir()
    database = open_database(folder / "office.sqlite")
    try:
        assert database.location_warning is not None
        window = open_window(qtbot, database)
        qtbot.waitUntil(lambda: bool(said.warned), timeout=SLOW)
        assert said.warned == [database.location_warning]
        assert "OneDrive keeps in sync" in said.warned[0]
        window.close()
    finally:
        database.close()

"""Keeping the data safe, window side: Back up now, Restore…, a damaged file, two copies at once.

- ``back_up_now`` takes a manual backup off the GUI thread and says where it went and what
  it holds (on a server database, whose backups are IT's, it offers a snapshot as a file).
  Like everything here that takes time, it runs as an operation (``ui.operations``) and
  reports back by callback: nothing waits in an event loop.
- ``RestoreDialog`` / ``choose_and_restore`` list the backups (newest first, what each holds,
  good or damaged) and restore the chosen one after a confirmation naming its date; the
  database being replaced is itself backed up first (``before-restore``) by ``restore_backup``.
- ``offer_restore_for_damaged`` turns a ``DamagedDatabaseError`` raised at open into a plain
  message with an offer to restore the newest good backup — never a traceback, never an
  overwrite the user did not choose.
- ``ConflictDialog`` / ``resolve_conflict`` show a record saved meanwhile by another copy of
  the program beside the user's own change, and let the user choose.
- ``add_safety_actions`` puts these on the File menu.

Backup and restore are each one SQLite online backup that must finish whole, so their
progress dialogs have no Cancel button; everything else here returns at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.backups import (
    BackupInfo,
    backup_folder,
    list_backups,
    restore_backup,
    rotate,
    set_backup_folder,
    take_backup,
    verify_before_open,
)
from app.database import Database
from app.db_errors import DamagedDatabaseError, DatabaseUnavailableError
from app.errors import UserError
from ui import dialogs, errors
from ui.operations import BackgroundOp, Flow
from ui.server_dialogs import explain_server_backups
from ui.widgets.date_edit import format_uk_date, format_uk_datetime

MANUAL_LABEL = "manual"
GOOD_COLOUR = QColor("#1b5e20")  # dark green: readable on white, and the word says it too
DAMAGED_COLOUR = QColor("#b00020")
DIFFERENT_BACKGROUND = QColor("#fff3c4")  # pale amber behind a field the two copies disagree on
DIFFERS_MARKER = "≠ differs"
CONFLICT_CHOICES = ("reload", "overwrite", "cancel")
READING_BACKUPS = "Reading the backups…"

_Index = QModelIndex | QPersistentModelIndex


# --- words -----------------------------------------------------------------------------------

def label_words(label: str) -> str:
    """Why a backup was taken, in words: "Daily", "Before an upgrade (0002)", "Manual"..."""
    fixed = {"daily": "Daily", "manual": "Manual (Back up now)", "before-restore": "Before a restore",
             "before-import": "Before an import", "copy": "A copy"}
    if label in fixed:
        return fixed[label]
    if label.startswith("before-"):
        what = label.removeprefix("before-")
        if what[:1].isdigit():
            return f"Before an upgrade ({what})"
        return f"Before {what.replace('-', ' ').replace('_', ' ')}"
    return label.replace("-", " ").capitalize()


def size_words(size: int) -> str:
    if size >= 1_048_576:
        return f"{size / 1_048_576:.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def holds_words(info: BackupInfo) -> str:
    """"29 referrals, 26 reviews and 77 actions" (or why it cannot be read)."""
    if not info.ok or info.referrals is None:
        return f"cannot be used: {info.problem}"
    return info.holds


def taken_words(info: BackupInfo) -> str:
    return f"{format_uk_date(info.taken_at)} at {info.taken_at:%H:%M}"


# --- Back up now -----------------------------------------------------------------------------

def back_up_now(parent: QWidget | None, database: Database, *,
                finished: Callable[[Path | None], Any] | None = None) -> None:
    """Take a manual backup of ``database`` into the backup folder off the GUI thread; say
    where and what it holds. ``finished`` gets the backup's path, or None if none was taken
    (the reason has been shown)."""
    if database.on_server:  # the server's backups are IT's: a snapshot as a file is offered
        explain_server_backups(parent, database, finished=finished)
        return
    flow = Flow(finished, None)
    if database.path is None:
        dialogs.warn(parent, "Back up now", "This database is not a file on this computer, so the "
                                            "program cannot back it up.")
        flow.fail()
        return
    db_path = database.path
    try:
        folder = backup_folder()
    except OSError as err:
        errors.report_exception(err, parent, title="Back up now")
        flow.fail()
        return

    def back_up(progress) -> BackupInfo:
        progress(0, 0, f"Backing up {db_path.name}…")
        info = take_backup(db_path, folder, MANUAL_LABEL)
        rotate(folder)
        return info

    def taken(info: BackupInfo) -> None:
        dialogs.inform(parent, "Back up now",
                       f"The database was backed up and the copy checked.\n\n"
                       f"It holds {holds_words(info)} ({size_words(info.size)}).\n\n"
                       f"The backup is {info.path.name}, in the folder\n{info.path.parent}")
        flow.end(info.path)

    BackgroundOp(parent, back_up, title="Back up now", label=f"Backing up {db_path.name}…",
                 **flow.watch(success=taken)).run_in_background()


# --- the list of backups -----------------------------------------------------------------------

@dataclass(frozen=True)
class _Column:
    key: str
    header: str
    numeric: bool = False


class BackupTableModel(QAbstractTableModel):
    """The backups of one database, newest first; read-only."""

    COLUMNS = [
        _Column("taken", "Taken"),
        _Column("label", "Why it was taken"),
        _Column("referrals", "Referrals", True),
        _Column("reviews", "Reviews", True),
        _Column("actions", "Actions", True),
        _Column("size", "Size", True),
        _Column("state", "Condition"),
    ]

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._backups: list[BackupInfo] = []

    def set_backups(self, backups: list[BackupInfo]) -> None:
        self.beginResetModel()
        self._backups = list(backups)
        self.endResetModel()

    def backup(self, row: int) -> BackupInfo:
        return self._backups[row]

    def backups(self) -> list[BackupInfo]:
        return list(self._backups)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802 (Qt naming)
        return 0 if parent.isValid() else len(self._backups)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self.COLUMNS):
            return self.COLUMNS[section].header
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def _raw(self, info: BackupInfo, key: str) -> Any:
        return {"taken": info.taken_at, "label": info.label, "referrals": info.referrals,
                "reviews": info.reviews, "actions": info.actions, "size": info.size,
                "state": info.ok}[key]

    def _text(self, info: BackupInfo, key: str) -> str:
        if key == "taken":
            return format_uk_datetime(info.taken_at)
        if key == "label":
            return label_words(info.label)
        if key == "size":
            return size_words(info.size)
        if key == "state":
            return "Good" if info.ok else "Damaged: cannot be restored"
        value = self._raw(info, key)
        return "" if value is None else f"{value:,}"

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._backups)) \
                or not (0 <= index.column() < len(self.COLUMNS)):
            return None
        info = self._backups[index.row()]
        column = self.COLUMNS[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(info, column.key)
        if role == Qt.ItemDataRole.UserRole:
            return self._raw(info, column.key)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column.key == "state":
            return QBrush(GOOD_COLOUR if info.ok else DAMAGED_COLOUR)
        if role == Qt.ItemDataRole.FontRole and column.key == "state" and not info.ok:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return info.path.name if info.ok else f"{info.path.name}: {info.problem}"
        return None


class RestoreDialog(QDialog):
    """File > Restore…: the backups of one database, and restoring the one chosen.

    The database must not be in use by this program while it is replaced: either close it
    before opening the dialog, or pass ``close_database``, which is called once the user has
    confirmed and before the file is replaced. Afterwards ``restored`` holds the
    ``RestoreResult`` (None if nothing was restored) and the caller reopens the database.
    """

    backups_loaded = Signal()
    restore_finished = Signal(bool)  # True when the database was replaced

    def __init__(self, parent: QWidget | None, database_path: Path, *,
                 close_database: Callable[[], None] | None = None):
        super().__init__(parent)
        self.database_path = Path(database_path)
        self.folder = backup_folder()
        self.restored = None
        self.database_closed = False
        self._close_database = close_database
        self.job: BackgroundOp | None = None
        self.setWindowTitle(f"Restore {self.database_path.name} from a backup")
        self.setObjectName("restoreDialog")

        intro = QLabel(
            "Choose the backup to go back to. Restoring replaces the database with that backup. "
            "The database as it is now is backed up first (“Before a restore”), so a restore can "
            "itself be undone by restoring that copy.")
        intro.setWordWrap(True)
        self.folder_label = QLabel()
        self.folder_label.setWordWrap(True)
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)

        self.model = BackupTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Backups, newest first")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.table.doubleClicked.connect(lambda _index: self._on_restore_clicked())

        self.folder_button = QPushButton("Change backup &folder…")
        self.folder_button.clicked.connect(self._on_change_folder_clicked)
        self.restore_button = QPushButton("&Restore selected")
        self.restore_button.setEnabled(False)
        self.restore_button.clicked.connect(self._on_restore_clicked)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.reject)
        for button in (self.folder_button, self.restore_button):
            button.setAutoDefault(False)  # Return alone never starts a restore
        self.close_button.setDefault(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.folder_button)
        buttons.addStretch(1)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.folder_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status_label)
        layout.addLayout(buttons)
        self.resize(820, 440)
        self.reload()

    # --- the list ---------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the backups in the folder again (off the GUI thread)."""
        self.folder_label.setText(f"Backups of {self.database_path.name} in {self.folder}, newest first.")
        self.status_label.setText(READING_BACKUPS)
        self.restore_button.setEnabled(False)
        folder, database = self.folder, self.database_path

        def job(progress) -> list[BackupInfo]:
            progress(0, 0, READING_BACKUPS)
            return list_backups(folder, database)

        BackgroundOp(self, job, title="Reading the backups", success=self._on_loaded,
                     failure=self._on_load_failed, ended=self._on_load_ended).run_in_background()

    def _on_loaded(self, backups: list[BackupInfo]) -> None:
        self.model.set_backups(backups)
        damaged = sum(not b.ok for b in backups)
        if not backups:
            self.status_label.setText(f"There are no backups of {self.database_path.name} in {self.folder}. "
                                      "If they are kept elsewhere, choose that folder.")
        else:
            text = f"{len(backups)} backup{'s' if len(backups) != 1 else ''}."
            if damaged:
                text += f" {damaged} {'is' if damaged == 1 else 'are'} damaged and cannot be restored."
            self.status_label.setText(text)
            first_good = next((row for row, b in enumerate(backups) if b.ok), None)
            if first_good is not None:
                self.table.selectRow(first_good)

    def _on_load_failed(self, error: UserError) -> None:
        self.model.set_backups([])
        self.status_label.setText(str(error))

    def _on_load_ended(self) -> None:
        if self.status_label.text() == READING_BACKUPS:  # a bug, shown in the crash dialog
            self.model.set_backups([])
            self.status_label.setText("The backups could not be read.")
        self.backups_loaded.emit()

    def selected_backup(self) -> BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.backup(rows[0].row()) if rows else None

    def select_backup(self, path: Path) -> bool:
        for row, info in enumerate(self.model.backups()):
            if info.path == path:
                self.table.selectRow(row)
                return True
        return False

    def _on_selection_changed(self, *_args) -> None:
        chosen = self.selected_backup()
        self.restore_button.setEnabled(self.job is None and chosen is not None and chosen.ok)

    # --- the folder -------------------------------------------------------------------------

    def _on_change_folder_clicked(self) -> None:
        chosen = dialogs.choose_folder(self, "Choose the folder that holds the backups", self.folder)
        if chosen is None:
            return
        try:
            self.folder = set_backup_folder(chosen)
        except UserError as err:
            dialogs.warn(self, "Backup folder", str(err))
            return
        self.reload()

    # --- restoring --------------------------------------------------------------------------

    def _on_restore_clicked(self) -> None:
        backup = self.selected_backup()
        if backup is None or self.job is not None:
            return
        if not backup.ok:
            dialogs.warn(self, "Restore", f"The backup taken on {taken_words(backup)} is damaged "
                                          f"({backup.problem}) and cannot be restored. Choose another.")
            return
        if not dialogs.confirm(
                self, "Restore this backup?",
                f"Replace {self.database_path.name} with the backup taken on {taken_words(backup)}?\n\n"
                f"The backup holds {holds_words(backup)}. Anything entered since then will no longer "
                f"be in the database.\n\nThe database as it is now is backed up first, so this can be undone.",
                yes=f"Restore the backup of {format_uk_datetime(backup.taken_at)}", no="Cancel"):
            return
        self.start_restore(backup)

    def start_restore(self, backup: BackupInfo) -> BackgroundOp:
        """Restore ``backup`` (already confirmed) off the GUI thread."""
        if self._close_database is not None and not self.database_closed:
            self._close_database()
            self.database_closed = True
        source, database, folder = backup.path, self.database_path, self.folder

        def job(progress):
            progress(0, 0, f"Restoring the backup of {taken_words(backup)}…")
            return restore_backup(source, database, folder)

        self._set_busy(True)
        self.job = BackgroundOp(self, job, title="Restore", label=f"Restoring the backup of {taken_words(backup)}…",
                                success=self._on_restored, ended=self._on_restore_ended).run_in_background()
        return self.job

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.table, self.folder_button, self.restore_button, self.close_button):
            widget.setEnabled(not busy)
        if busy:
            self.setCursor(Qt.CursorShape.BusyCursor)
        else:
            self.unsetCursor()
            self._on_selection_changed()

    def _on_restored(self, result) -> None:
        self.restored = result

    def _on_restore_ended(self) -> None:
        # A refusal has been said in words, a bug in the crash dialog, by the operation.
        self.job = None
        self._set_busy(False)
        self.restore_finished.emit(self.restored is not None)
        if self.restored is not None:
            dialogs.inform(self, "Restore", self.restored.describe())
            self.accept()
        else:
            self.reload()

    def reject(self) -> None:
        if self.job is not None:  # a restore cannot stop half-way: wait for it
            return
        super().reject()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        if self.job is not None:
            event.ignore()
            return
        super().closeEvent(event)


def choose_and_restore(parent: QWidget | None, database_path: Path, *,
                       close_database: Callable[[], None] | None = None) -> bool:
    """Show the backups of ``database_path`` and restore the one the user chooses.

    The caller must have CLOSED its database first, or pass ``close_database`` (called only
    once the user has confirmed). Returns True when the file was replaced: the caller then
    reopens it.
    """
    dialog = RestoreDialog(parent, database_path, close_database=close_database)
    try:
        dialog.exec()
        return dialog.restored is not None
    finally:
        dialog.deleteLater()


# --- a damaged database at open ----------------------------------------------------------------

def _what_is_wrong(error: DamagedDatabaseError) -> str:
    """The first part of the error's message: what is wrong and that nothing was changed."""
    text = str(error)
    marker = "It has not been opened or changed."
    if marker in text:
        return text[: text.index(marker) + len(marker)]
    return text


def offer_restore_for_damaged(parent: QWidget | None, error: DamagedDatabaseError, *,
                              restored: Callable[[bool], Any]) -> None:
    """Say plainly that the database cannot be used and offer the newest good backup.

    ``restored(True)`` once the backup has been restored (off the GUI thread; the caller
    then opens the database again); ``restored(False)`` when the user declined or there was
    nothing to restore. The damaged file is never overwritten unless the user chose to
    restore, and even then it is kept aside, renamed.
    """
    flow = Flow(restored, False)
    path = Path(error.path)
    wrong = _what_is_wrong(error)
    offer: BackupInfo | None = error.offer
    if offer is None:
        dialogs.warn(parent, "The database cannot be opened",
                     f"{wrong}\n\nNo good backup of {path.name} was found in {backup_folder()}. "
                     "Keep the file as it is (do not delete it) and ask whoever supports the program "
                     "for help; if your backups are kept elsewhere, use File > Restore… to choose that folder.")
        flow.fail()
        return
    if not dialogs.confirm(
            parent, "The database cannot be opened",
            f"{wrong}\n\nThe newest good backup was taken on {taken_words(offer)} and holds "
            f"{holds_words(offer)}. Restoring it puts that backup in place of the damaged file; the "
            f"damaged file is kept beside it under a new name, not deleted.",
            yes=f"Restore the backup of {format_uk_date(offer.taken_at)} (holds {offer.holds})",
            no="Don't restore"):
        flow.fail()
        return
    folder = backup_folder()

    def restore(progress):
        progress(0, 0, f"Restoring the backup of {taken_words(offer)}…")
        return restore_backup(offer.path, path, folder)

    def done(result) -> None:
        dialogs.inform(parent, "Restore", result.describe())
        flow.end(True)

    BackgroundOp(parent, restore, title="Restore", label=f"Restoring the backup of {taken_words(offer)}…",
                 **flow.watch(success=done)).run_in_background()


def damage_at(path: Path) -> DamagedDatabaseError | None:
    """The ``DamagedDatabaseError`` (with the newest good backup offered) for the file at
    ``path``, or None if it passes SQLite's check. For a file ``open_database`` refused with
    a plain ``UserError`` (one that is not an SQLite file at all), so it gets the same offer."""
    try:
        verify_before_open(Path(path), backup_folder())
    except DamagedDatabaseError as err:
        return err
    return None


def handle_open_error(parent: QWidget | None, path: Path | str, error: BaseException, *,
                      restored: Callable[[bool], Any]) -> None:
    """What start-up (or File > Open) does when ``open_database(path)`` raised ``error``
    (``path`` a file, or a server address: a server's refusal is only ever said).

    A damaged or non-database file gets ``offer_restore_for_damaged``; anything else is shown
    in words (or, for a bug, in the crash dialog). ``restored(True)`` when a backup was
    restored and the database should be opened again, else ``restored(False)``.
    """
    if isinstance(error, DamagedDatabaseError):
        offer_restore_for_damaged(parent, error, restored=restored)
        return
    flow = Flow(restored, False)

    def say_it() -> None:
        errors.report_exception(error, parent, title="Open database")
        flow.fail()

    # Locked, read-only or a full disk is said as it is (restoring would lose the work in the
    # file); anything else said of a file that exists may hide damage, so it is checked.
    if isinstance(error, DatabaseUnavailableError) or isinstance(path, str) \
            or not (isinstance(error, UserError) and Path(path).is_file()):
        say_it()
        return

    def checked(damaged: DamagedDatabaseError | None) -> None:
        if damaged is None:
            say_it()
        else:
            offer_restore_for_damaged(parent, damaged, restored=flow.end)

    BackgroundOp(parent, lambda _progress: damage_at(Path(path)), title="Checking the database",
                 label=f"Checking {Path(path).name}…", **flow.watch(success=checked)).run_in_background()


# --- two copies at once: a conflict ------------------------------------------------------------

class ConflictTableModel(QAbstractTableModel):
    """Field by field: the user's version beside the other copy's; differences marked."""

    HEADERS = ["", "Field", "Your change (not saved)", "Saved by the other copy"]

    def __init__(self, mine: dict[str, str], theirs: dict[str, str], parent: QWidget | None = None):
        super().__init__(parent)
        names = list(mine) + [name for name in theirs if name not in mine]
        self._rows = [(name, "" if mine.get(name) is None else str(mine.get(name)),
                       "" if theirs.get(name) is None else str(theirs.get(name))) for name in names]

    def differs(self, row: int) -> bool:
        _name, mine, theirs = self._rows[row]
        return mine != theirs

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self.HEADERS):
            return self.HEADERS[section]
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)) \
                or not (0 <= index.column() < len(self.HEADERS)):
            return None
        name, mine, theirs = self._rows[index.row()]
        different = mine != theirs
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return [DIFFERS_MARKER if different else "", name, mine, theirs][column]
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return [("differs" if different else "same"), name, mine or "blank", theirs or "blank"][column]
        if role == Qt.ItemDataRole.BackgroundRole and different:
            return QBrush(DIFFERENT_BACKGROUND)
        if role == Qt.ItemDataRole.FontRole and different:
            font = QFont()
            font.setBold(True)
            return font
        return None


class ConflictDialog(QDialog):
    """Someone else saved this record after you opened it: see both, and choose.

    ``choice`` is "reload" (keep the other copy's version and reload the form), "overwrite"
    (save your version over it) or "cancel" (go back to the form, nothing saved).
    """

    choice_made = Signal(str)

    def __init__(self, parent: QWidget | None, record_label: str,
                 mine: dict[str, str], theirs: dict[str, str]):
        super().__init__(parent)
        self.choice = "cancel"
        self.setWindowTitle(f"{record_label} was changed by someone else")
        self.setObjectName("conflictDialog")
        self.model = ConflictTableModel(mine, theirs, self)
        different = sum(self.model.differs(r) for r in range(self.model.rowCount()))
        self.intro_label = intro = QLabel(
            f"Another copy of the program saved {record_label} after you opened it, so your change "
            f"has not been saved. The two versions differ in {different} field"
            f"{'' if different == 1 else 's'}, marked “{DIFFERS_MARKER}” and highlighted below.")
        intro.setWordWrap(True)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Your version and the other copy's, field by field")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.resizeRowsToContents()

        self.reload_button = QPushButton("&Keep theirs and reload")
        self.reload_button.setToolTip("Throw away your change and show the record as the other copy saved it.")
        self.overwrite_button = QPushButton("&Save mine over theirs")
        self.overwrite_button.setToolTip("Save your version; the other copy's change is replaced "
                                         "(the audit trail keeps both).")
        self.cancel_button = QPushButton("&Cancel")
        self.cancel_button.setToolTip("Go back to your form; nothing is saved.")
        buttons = QDialogButtonBox()
        buttons.addButton(self.reload_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.overwrite_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.reload_button.clicked.connect(lambda: self._choose("reload"))
        self.overwrite_button.clicked.connect(lambda: self._choose("overwrite"))
        self.cancel_button.clicked.connect(lambda: self._choose("cancel"))
        self.cancel_button.setDefault(True)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(760, 380)

    def _choose(self, choice: str) -> None:
        self.choice = choice
        self.choice_made.emit(choice)
        if choice == "cancel":
            super().reject()
        else:
            self.accept()

    def reject(self) -> None:  # Escape or the window's close button
        self.choice = "cancel"
        self.choice_made.emit("cancel")
        super().reject()


def resolve_conflict(parent: QWidget | None, record_label: str,
                     mine: dict[str, str], theirs: dict[str, str]) -> str:
    """Ask what to do when saving ``record_label`` raised ``StaleDataError``.

    ``mine`` and ``theirs`` map field labels to the values shown in the form (the user's) and
    now in the database (the other copy's). Returns "reload", "overwrite" or "cancel".
    """
    dialog = ConflictDialog(parent, record_label, mine, theirs)
    try:
        dialog.exec()
        return dialog.choice
    finally:
        dialog.deleteLater()


# --- the File menu ---------------------------------------------------------------------------

def change_backup_folder(parent: QWidget | None) -> Path | None:
    """Ask for a new backup folder and keep it; the folder, or None if unchanged."""
    current = backup_folder()
    chosen = dialogs.choose_folder(parent, f"Choose the folder for backups (now {current})", current)
    if chosen is None:
        return None
    try:
        folder = set_backup_folder(chosen)
    except UserError as err:
        dialogs.warn(parent, "Backup folder", str(err))
        return None
    dialogs.inform(parent, "Backup folder", f"Backups will be kept in\n{folder}\n\n"
                                            "Backups already taken stay where they are.")
    return folder

"""The window's database: opening another (File > New database, Open database, Open server
database, Open demo, Recent databases, and the server database after Move to a server),
switching to it, and the check and daily backup that opening puts off.

Everything that touches a file runs off the GUI thread (``ui.operations``). ``OpenDatabase``
holds the database the window shows and says what happens to it by signal, for the window
to wire to its pages: ``switched(database)`` once another is open and the old one closed;
``checked()`` once the check after opening has passed; ``refused(reason)`` when it failed,
after which nothing from the file may be shown or saved.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QMainWindow, QMenu

from app import paths
from app.database import Database, open_database, open_demo_database
from app.db_errors import DamagedDatabaseError
from app.errors import UserError
from db.engine import is_server_address
from ui import dialogs, file_folders
from ui.operations import BackgroundOp
from ui.settings_store import WindowSettings
from ui.workers import Progress, upkeep_queue

if TYPE_CHECKING:
    from ui.server_dialogs import ServerLogin

DATABASE_FILTER = "Case Review Tracker databases (*.sqlite *.db);;All files (*)"
CHECKING = "Checking the database and taking today's backup…"


def _server_dialogs():
    """``ui.server_dialogs``, imported when a server database is first asked for (the copy
    machinery behind it is not needed to start the window)."""
    from ui import server_dialogs

    return server_dialogs


class OpenDatabase(QObject):
    """The database ``window`` shows. ``stop_reading`` is called before a database is
    closed, so that no read is left running on it."""

    switched = Signal(object)  # the Database now shown
    checked = Signal()
    refused = Signal(str)  # why the file may not be used, in words

    def __init__(self, window: QMainWindow, database: Database, settings: WindowSettings,
                 stop_reading: Callable[[], None]):
        super().__init__(window)
        self._window = window
        self._database = database
        self._initial = database
        self._settings = settings
        self._stop_reading = stop_reading
        self.refusal: str | None = None

    @property
    def database(self) -> Database:
        return self._database

    def description(self) -> str:
        """The file's path, or the database and its server, as the status bar names it."""
        return self._database.location

    def _status(self, message: str, timeout: int = 0) -> None:
        self._window.statusBar().showMessage(message, timeout)

    # --- the File menu --------------------------------------------------------------------

    def fill_recent_menu(self, menu: QMenu) -> None:
        menu.clear()
        recent = self._settings.recent_databases()
        if not recent:
            menu.addAction("(none yet)").setEnabled(False)
            return
        for number, location in enumerate(recent, start=1):
            if is_server_address(location):  # kept as the user gave it, with no password
                action = menu.addAction(f"&{number} {_server_dialogs().describe_address(location)} — {location}")
                action.triggered.connect(lambda _checked=False, a=location: self.open_server(a))
            else:
                action = menu.addAction(f"&{number} {Path(location).name} — {location}")
                action.triggered.connect(lambda _checked=False, p=location: self.open_file(Path(p), create=False))

    def new_database(self) -> None:
        path = dialogs.save_file(self._window, "New database", "Case Review Tracker databases (*.sqlite)",
                                 file_folders.start_folder(file_folders.DATABASE) / "new-database.sqlite")
        if path is None:
            return
        file_folders.remember(file_folders.DATABASE, path)
        if path.suffix == "":
            path = path.with_suffix(".sqlite")
        if path.exists() and path.stat().st_size > 0:
            dialogs.warn(self._window, "New database",
                         f"{path} already exists. Choose a new file name; nothing has been changed.")
            return
        self.open_file(path, create=True)

    def choose_and_open(self) -> None:
        path = dialogs.open_file(self._window, "Open database", DATABASE_FILTER,
                                 self._database.path.parent if self._database.path else None)
        if path is not None:
            self.open_file(path, create=False)

    def choose_server_and_open(self) -> None:
        """File > Open server database…: ask for the address, then open it."""
        last = next((item for item in self._settings.recent_databases() if is_server_address(item)), "")
        login = _server_dialogs().ask_server_address(
            self._window, "Open server database",
            "Open the office's shared database on a PostgreSQL server, where several people work at once, "
            "each with their own login.", "Open", last)
        if login is not None:
            self.open_server(login.address, login)

    def open_server(self, address: str, login: ServerLogin | None = None) -> None:
        """Open the database at the server ``address`` (keeping the password ``login`` gives,
        if any, in the keyring first) and show it instead of the current one; if it cannot
        be opened, say why and stay on the current one."""
        server_dialogs = _server_dialogs()
        if self._database.on_server and server_dialogs.address_without_password(self._database) == address:
            return
        where = server_dialogs.describe_address(address)

        def open_it(progress: Progress) -> Database:
            if login is not None:
                server_dialogs.sign_in(login, progress)
            progress(0, 0, f"Connecting to {where}…")
            return open_database(address, create=False)

        self._open_in_worker(open_it, address, f"Opening {where}")

    def move_to_server(self) -> None:
        """File > Move to a server…: copy this file's records into an empty server database,
        then offer to open it."""
        _server_dialogs().move_to_server(self._window, self._database, self.open_server)

    def open_demo(self) -> None:
        def open_demo(progress: Progress) -> Database:
            progress(0, 0, "Opening the demo database…")
            return open_demo_database(paths.demo_db_path())

        self._open_in_worker(open_demo, paths.demo_db_path(), "Opening the demo database")

    def open_file(self, path: Path, *, create: bool) -> None:
        """Open (or create) the database at ``path`` and show it instead of the current one;
        if it cannot be opened, say why and stay on the current one."""
        if self._database.path is not None and path.resolve() == self._database.path.resolve():
            return

        def open_it(progress: Progress) -> Database:
            progress(0, 0, f"Opening {path.name}…")
            return open_database(path, create=create)

        self._open_in_worker(open_it, path, f"Opening {path.name}")

    # --- restoring a backup over the open file ----------------------------------------------

    def close_for_restore(self) -> None:
        """Let go of the database file so a backup can replace it."""
        self._stop_reading()
        self._database.close()

    def reopen_after_restore(self, path: Path) -> None:
        self._open_in_worker(lambda _progress: open_database(path, create=False), path,
                             "Opening the restored database")

    # --- switching --------------------------------------------------------------------------

    def _open_in_worker(self, function: Callable[[Progress], Database], path: Path | str, title: str) -> None:
        def refused(error: UserError) -> None:
            # A file gone is forgotten; a server that did not answer may answer tomorrow.
            if isinstance(path, Path) and not path.exists():
                self._settings.remove_recent_database(path)
            from ui.safety_dialogs import handle_open_error

            # A damaged file, and a backup restored: open it again.
            handle_open_error(self._window, path, error,
                              restored=lambda again: self.open_file(path, create=False) if again else None)

        BackgroundOp(self._window, function, title=title, label=title, success=self.switch_to,
                     failure=refused).run_in_background()

    def switch_to(self, database: Database) -> None:
        """Show ``database`` instead of the current one, which is closed."""
        self._stop_reading()
        old = self._database
        self._database = database
        self.refusal = None
        # The command line closes the first database again on exit; closing twice is harmless.
        old.close()
        self._settings.add_recent_database(database.path if database.path is not None
                                           else _server_dialogs().address_without_password(database))
        self.switched.emit(database)
        self._status(f"Opened {self.description()}.", 5000)
        self.finish_opening()

    def close(self) -> None:
        """The window is closing: close a database it opened itself (the first one is its
        opener's to close)."""
        if self._database is not self._initial:
            self._database.close()

    # --- the check after opening ------------------------------------------------------------

    def finish_opening(self) -> None:
        """Run the check and daily backup that opening put off (so the window appeared at
        once), or say what the check at open found; saves wait until it has passed."""
        database = self._database
        if database.location_warning:  # a network drive or a synced folder: said once it is shown
            QTimer.singleShot(0, lambda: self._say_location(database))
        if not database.check_pending:
            self._on_checked(database, database.open_check)
            return
        self._status(CHECKING)

        def ended() -> None:  # a bug, shown in the crash dialog, leaves no message behind
            if database is self._database and self._window.statusBar().currentMessage() == CHECKING:
                self._window.statusBar().clearMessage()

        BackgroundOp(self._window, lambda _progress: database.finish_open_check(), title="Checking the database",
                     pool=upkeep_queue(), success=lambda check: self._on_checked(database, check),
                     failure=lambda error: self._on_check_failed(database, error), ended=ended).run_in_background()

    def _say_location(self, database: Database) -> None:
        if database is self._database:
            dialogs.warn(self._window, "Where the database is kept", database.location_warning)

    def _on_checked(self, database: Database, check) -> None:
        if database is not self._database or check is None:
            return
        # Reads that failed while the check ran are tried again now that the file is sound.
        self.checked.emit()
        if check.warning:
            self._status("Today's backup could not be taken.")
            dialogs.warn(self._window, "Today's backup", f"{check.warning}\n\nYour work is saved as usual; "
                         "the backup will be taken the next time the database is opened. To keep "
                         "backups somewhere else, use File > Backup folder….")
        elif check.backup is not None:
            self._status(f"Database checked; today's backup taken ({check.backup.path.name}).", 8000)
        else:
            self._window.statusBar().clearMessage()

    def _on_check_failed(self, database: Database, error: UserError) -> None:
        if database is not self._database:
            return
        if not isinstance(error, DamagedDatabaseError):
            self._window.statusBar().clearMessage()
            dialogs.warn(self._window, "Checking the database", str(error))
            return
        # Nothing from a damaged file stays on screen, and nothing can be saved to it.
        self.refusal = (f"{database.path.name} failed its check and is not in use: nothing in it is "
                        "shown and nothing can be saved to it. Restore a backup (File > Restore…) "
                        "or open another database.")
        self.close_for_restore()
        self.refused.emit(self.refusal)
        self._status(self.refusal)
        from ui.safety_dialogs import offer_restore_for_damaged

        offer_restore_for_damaged(
            self._window, error,
            restored=lambda again: self.reopen_after_restore(database.path) if again else None)

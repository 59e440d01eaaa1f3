"""The shared database on a PostgreSQL server, window side: asking for its address (File >
Open server database…), moving an SQLite file's records to it (File > Move to a server…),
and saving a snapshot of it as an SQLite file (its backups are the server's, not ours).

The copies are ``app.copy_database`` run off the GUI thread (``ui.operations``), with a
progress dialog that can be cancelled: a copy that stops leaves nothing half-made.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget
from sqlalchemy import make_url
from sqlalchemy.exc import ArgumentError

from app.copy_database import CopyResult, copy_database
from app.database import Database
from app.errors import UserError
from app.safety_command import SERVER_BACKUPS
from app.server_login import keep_password
from app.text import plural
from db import copy as table_copy
from db.engine import KEYRING_SERVICE, describe_location, is_server_address, keyring_user, server_url
from ui import dialogs, file_folders
from ui.operations import BackgroundOp, Flow
from ui.workers import Progress

EXAMPLE_ADDRESS = "postgresql+psycopg://officer@dbserver/casereviews"
ERROR_STYLE = "color: #b00020;"
# The tables a copy's report names, as the officer counts their records.
COUNTED = (("referral", "referral"), ("review", "review"), ("recommendation", "recommendation"),
           ("action", "action"), ("audit_entry", "entry in the audit trail"))


def address_without_password(database: Database) -> str:
    """The address of a server ``database`` as the user gives it: never with a password (the
    engine's own carries the one read from the keyring)."""
    return database.engine.url._replace(password=None).render_as_string(hide_password=False)


def describe_address(address: str) -> str:
    """``casereviews on dbserver (as officer)`` for an address (the address itself if it
    cannot be read)."""
    try:
        return describe_location(make_url(address))
    except ArgumentError:
        return address


def keyring_hint(address: str) -> str:
    """Where the login's password is kept, in words, for ``address`` as typed so far."""
    try:
        url = make_url(address)
        user = keyring_user(url) if url.username else "your login"
    except ArgumentError:
        user = "your login"
    return (f"Kept in Windows Credential Manager (the system keyring) under “{KEYRING_SERVICE}” for {user}, "
            "never in the program's settings or the address. Leave it blank if it is already kept there, or if "
            "the server signs you in with your Windows account.")


@dataclass(frozen=True)
class ServerLogin:
    """What the user gave: the address, and a password to keep in the keyring ("": none given)."""

    address: str
    password: str = field(default="", repr=False)


class ServerAddressDialog(QDialog):
    """The address of a database on a PostgreSQL server, checked before it is accepted, and
    the login's password if the server asks for one (``login`` once accepted)."""

    def __init__(self, parent: QWidget | None, title: str, intro: str, ok_text: str, address: str = ""):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("serverAddressDialog")
        self.login: ServerLogin | None = None
        intro_label = QLabel(intro)
        intro_label.setWordWrap(True)
        self.address_edit = QLineEdit(address)
        self.address_edit.setObjectName("serverAddress")
        self.address_edit.setPlaceholderText(EXAMPLE_ADDRESS)
        self.address_edit.setAccessibleName("Address of the server database")
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("serverPassword")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText("only if the server asks for one")
        self.password_edit.setAccessibleName("Password")
        address_help = _note(f"From your IT department, such as {EXAMPLE_ADDRESS} (your login @ the server / "
                             "the database). For an encrypted connection add ?sslmode=require at the end.")
        self.hint_label = _note("")
        self.hint_label.setObjectName("keyringHint")
        form = QFormLayout()
        form.addRow("&Address:", self.address_edit)
        form.addRow("", address_help)
        form.addRow("&Password:", self.password_edit)
        form.addRow("", self.hint_label)
        self.error_label = QLabel()
        self.error_label.setObjectName("addressProblem")
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setDefault(True)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.address_edit.textChanged.connect(self._on_address_edited)

        layout = QVBoxLayout(self)
        layout.addWidget(intro_label)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        # Wide enough for an address, so the notes wrap to a few lines rather than many.
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 90)
        self._on_address_edited(address)

    def _on_address_edited(self, text: str) -> None:
        self.hint_label.setText(keyring_hint(text.strip()))
        self._say("")
        self.ok_button.setEnabled(bool(text.strip()))

    def _say(self, problem: str) -> None:
        self.error_label.setText(problem)
        self.error_label.setVisible(bool(problem))
        self.adjustSize()  # room for the problem (or none), never text drawn over text

    def problem(self) -> str:
        """Why the address typed cannot be used, in words ("" when it can)."""
        text = self.address_edit.text().strip()
        if not is_server_address(text):
            return (f"“{text}” is not the address of a server database (it starts with postgresql://). "
                    "To open a database file, use File > Open database… instead.")
        try:
            server_url(text)  # the checks made when it is opened: its form, and no password in it
        except UserError as err:
            if make_url(text).password is not None:
                return ("The address holds a password, which would then be kept in plain text. Give the "
                        "address without it, and type the password in the Password box.")
            return str(err)
        return ""

    def accept(self) -> None:
        problem = self.problem()
        if problem:
            self._say(problem)
            self.address_edit.setFocus()
            return
        self.login = ServerLogin(self.address_edit.text().strip(), self.password_edit.text())
        self.password_edit.clear()
        super().accept()


def _note(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 0.9)
    label.setFont(font)
    return label


def ask_server_address(parent: QWidget | None, title: str, intro: str, ok_text: str,
                       address: str = "") -> ServerLogin | None:
    """Ask for a server database's address (and password); None if the user cancelled."""
    dialog = ServerAddressDialog(parent, title, intro, ok_text, address)
    try:
        return dialog.login if dialog.exec() == QDialog.DialogCode.Accepted else None
    finally:
        dialog.deleteLater()


def sign_in(login: ServerLogin, progress: Progress) -> None:
    """On a worker, before connecting: keep a password given in the keyring, where the
    connection reads it."""
    if login.password:
        progress(0, 0, "Keeping your password in the system keyring…")
        keep_password(login.address, login.password)


def _copy_progress(progress: Progress) -> Callable[[str, int], None]:
    """``app.copy_database``'s progress (a table, its rows so far) as a job's: tables done of all."""
    total = len(table_copy.tables())
    seen: list[str] = []

    def report(table: str, rows: int) -> None:
        if table not in seen:
            seen.append(table)
        progress(len(seen) - 1, total, f"Copying {table.replace('_', ' ')} records: {rows:,} so far…")
    return report


def counts_words(result: CopyResult) -> str:
    """"1,204 rows in 25 tables, among them 29 referrals, … and 870 entries in the audit trail"."""
    rows = {table.table: table.rows for table in result.tables}
    named = [plural(rows.get(table, 0), word, "entries in the audit trail" if table == "audit_entry" else None)
             for table, word in COUNTED]
    return (f"{plural(result.rows, 'row')} in {plural(len(result.tables), 'table')}, among them "
            f"{', '.join(named[:-1])} and {named[-1]}")


# --- Back up now, on a server ---------------------------------------------------------------

def explain_server_backups(parent: QWidget | None, database: Database, *,
                           finished: Callable[[Path | None], object] | None = None) -> None:
    """Back up now on a server database: its backups are IT's; offer a snapshot as a file."""
    if dialogs.confirm(parent, "Back up now",
                       SERVER_BACKUPS.format(where=database.location) + "\n\nFor your own archive you can "
                       "save a snapshot of it, as it is now, as an SQLite file on this computer.",
                       yes="Save a snapshot as an SQLite file…", no="Close"):
        save_snapshot(parent, database, finished=finished)
    else:
        Flow(finished, None).fail()


def save_snapshot(parent: QWidget | None, database: Database, *,
                  finished: Callable[[Path | None], object] | None = None) -> None:
    """Copy the server ``database`` into a new SQLite file the user names, off the GUI thread;
    say what it holds. ``finished`` gets the file, or None if none was written."""
    flow = Flow(finished, None)
    name = database.engine.url.database or "server"
    suggested = file_folders.start_folder(file_folders.DATABASE) / f"{name} snapshot {dt.date.today():%Y-%m-%d}.sqlite"
    target = dialogs.save_file(parent, "Save a snapshot as an SQLite file", "SQLite databases (*.sqlite)", suggested)
    if target is None:
        flow.fail()
        return
    file_folders.remember(file_folders.DATABASE, target)
    if target.suffix == "":
        target = target.with_suffix(".sqlite")
    source = address_without_password(database)

    def copy(progress: Progress) -> CopyResult:
        progress(0, 0, f"Reading {database.location}…")
        return copy_database(source, target, _copy_progress(progress))

    def saved(result: CopyResult) -> None:
        dialogs.inform(parent, "Snapshot saved",
                       f"A snapshot of {database.location} is saved as\n{target}\n\nIt holds {counts_words(result)}; "
                       "each table's rows and checksum were checked against the server.\n\nOpen it with File > "
                       "Open database… to read it. It is a copy: what is changed in it stays in it, and the "
                       "shared database is not changed.")
        flow.end(target)

    def refused(error: UserError) -> None:
        dialogs.warn(parent, "Save a snapshot", str(error))
        flow.fail()

    BackgroundOp(parent, copy, title="Save a snapshot", label=f"Saving a snapshot of {database.location}…",
                 cancellable=True, **flow.watch(success=saved, failure=refused, cancelled=flow.fail)
                 ).run_in_background()


# --- File > Move to a server… -----------------------------------------------------------------

def move_to_server(parent: QWidget | None, database: Database, open_server: Callable[[str], None]) -> None:
    """Copy the SQLite ``database`` into an empty server database the user names, say what
    was copied and checked, and offer to open the server database (``open_server(address)``)."""
    if database.path is None:
        dialogs.inform(parent, "Move to a server", f"{database.location} is already on a server.")
        return
    path = database.path
    login = ask_server_address(
        parent, "Move to a server",
        f"Copy every record, the audit trail and the settings of {path.name} into an empty database on a "
        "PostgreSQL server, so that several people can work in it at once, each with their own login. "
        "Your IT department creates the empty database and the logins, and gives you its address.\n\n"
        f"{path.name} itself is not changed. Once the server database is open, work there: what is "
        "saved in this file after the copy is not on the server.",
        "Copy to the server")
    if login is None:
        return
    address, where = login.address, describe_address(login.address)

    def copy(progress: Progress) -> CopyResult:
        sign_in(login, progress)
        progress(0, 0, f"Connecting to {where}…")
        return copy_database(path, address, _copy_progress(progress))

    def copied(result: CopyResult) -> None:
        if dialogs.confirm(
                parent, "Moved to the server",
                f"{path.name} was copied to {where}: {counts_words(result)}, every record keeping its "
                f"number. Each table's rows and checksum were checked in the copy, and match.\n\n"
                f"Open the server database now? From now on, work there; {path.name} stays as it was.",
                yes="Open the server database", no="Stay on this file"):
            open_server(address)

    def refused(error: UserError) -> None:
        dialogs.warn(parent, "Move to a server",
                     f"{error}\n\n{path.name} has not been changed. If the server could not be reached, check the "
                     "address your IT department gave you, that this computer can reach the server, and your "
                     "password; then choose File > Move to a server… again.")

    BackgroundOp(parent, copy, title="Move to a server", label=f"Copying {path.name} to {where}…",
                 cancellable=True, success=copied, failure=refused).run_in_background()

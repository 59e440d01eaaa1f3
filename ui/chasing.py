"""Chase… (Ctrl+Shift+H): one e-mail to each lead officer or agency behind with an action.

``install(window)`` adds the action to the Records menu and the toolbar. It reads who to
chase off the GUI thread (``app.chasing``), shows them ticked in ``ChaseDialog`` with their
counts, the office's subject and text to edit (kept for next time if asked) and the folder;
then writes the ``.eml`` files and records the chases in one write (``CollectionOp``), says
so in the status bar and offers to open the folder.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import rules
from app.database import Database
from app.errors import UserError
from app.settings import CHASE_PLACEHOLDERS, get_settings, save_settings
from app.text import plural
from ui import dialogs, file_folders
from ui.operations import CollectionOp, QueryOp

if TYPE_CHECKING:  # the e-mails and their workbooks load when Chase… is first chosen, not at start
    from app.chasing import ChaseSchedule, Recipient, WrittenChase

TITLE = "Chase"
HEADERS = ("Lead officer or agency", "Agency", "Overdue", "Due soon", "E-mail to")


def install(window: QMainWindow) -> QAction:
    """Add "Chase…" to ``window``'s Records menu (after the record actions it rebuilds each
    time it opens) and to its toolbar, if it has one."""
    action = QAction("C&hase…", window)
    action.setObjectName("chaseAction")
    action.setShortcut(QKeySequence("Ctrl+Shift+H"))
    action.setStatusTip("Write an e-mail to each lead officer or agency with actions overdue or due soon")
    action.triggered.connect(lambda: open_chase_dialog(window))
    window.addAction(action)  # the shortcut works whatever the menu holds
    menu = window.records_menu

    def add_to_menu() -> None:
        menu.addSeparator()
        menu.addAction(action)

    menu.aboutToShow.connect(add_to_menu)  # after the window's own fill of the menu
    add_to_menu()
    toolbar = getattr(window, "toolbar", None)
    if toolbar is not None and hasattr(toolbar, "set_chase_action"):
        toolbar.set_chase_action(action)
    window.chase_action = action
    return action


class ChaseDialog(QDialog):
    """Who to chase (ticked), the e-mail's subject and text, and the folder. ``accepted``
    once the user asks to write them."""

    def __init__(self, parent: QWidget | None, everyone: list[Recipient], due: list[Recipient], *,
                 subject: str, template: str, schedule: ChaseSchedule, folder: Path):
        super().__init__(parent)
        self.setWindowTitle("Chase the leads of actions")
        self.setObjectName("chaseDialog")
        self.everyone, self.due = everyone, due
        intro = QLabel("One e-mail to each lead officer (or agency, where no officer is named) listing "
                       "their actions overdue or due soon, with the agency's workbook attached. Outlook "
                       "opens each as a new message, ready to check and send. The chase is recorded on "
                       "each action.")
        intro.setWordWrap(True)
        self.due_only_box = QCheckBox(f"Only those due a chase today ({plural(len(due), 'lead')}; "
                                      f"schedule: {schedule.describe()})")
        self.due_only_box.setObjectName("dueOnly")
        self.due_only_box.toggled.connect(self._fill)
        self.model = QStandardItemModel(0, len(HEADERS), self)
        self.model.setHorizontalHeaderLabels(HEADERS)
        self.model.itemChanged.connect(self._on_ticked)
        self.table = QTableView()
        self.table.setObjectName("recipients")
        self.table.setModel(self.model)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.subject_edit = QLineEdit(subject)
        self.subject_edit.setObjectName("subject")
        self.template_edit = QPlainTextEdit(template)
        self.template_edit.setObjectName("template")
        self.template_edit.setToolTip("Placeholders: " + "; ".join(
            f"{{{name}}} {meaning}" for name, meaning in CHASE_PLACEHOLDERS.items()))
        placeholders = QLabel("Filled in for each e-mail: " + ", ".join(f"{{{name}}}" for name in CHASE_PLACEHOLDERS)
                              + " (point at the text for what each means).")
        placeholders.setWordWrap(True)
        self.keep_box = QCheckBox("&Keep this wording for the next chases")
        self.keep_box.setObjectName("keepWording")
        self.folder_edit = QLineEdit(str(folder))
        self.folder_edit.setObjectName("folder")
        browse = QPushButton("Ch&oose…")
        browse.clicked.connect(self._on_browse_clicked)
        folder_row = QWidget()
        folder_box = QHBoxLayout(folder_row)
        folder_box.setContentsMargins(0, 0, 0, 0)
        folder_box.addWidget(self.folder_edit, 1)
        folder_box.addWidget(browse)
        form = QFormLayout()
        form.addRow("&Subject:", self.subject_edit)
        form.addRow("&Text:", self.template_edit)
        form.addRow("", placeholders)
        form.addRow("", self.keep_box)
        form.addRow("&Folder:", folder_row)
        form.labelForField(folder_row).setBuddy(self.folder_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.write_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.write_button.setText("&Write e-mails")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.folder_edit.textChanged.connect(self._on_ticked)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.due_only_box)
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(760, 620)
        self._fill()

    def shown(self) -> list[Recipient]:
        return self.due if self.due_only_box.isChecked() else self.everyone

    def _fill(self) -> None:
        self.model.removeRows(0, self.model.rowCount())
        for recipient in self.shown():
            who = QStandardItem(recipient.officer or recipient.agency)
            who.setCheckable(True)
            who.setCheckState(Qt.CheckState.Checked)
            self.model.appendRow([who, QStandardItem(recipient.agency or ""),
                                  QStandardItem(str(recipient.count(rules.OVERDUE))),
                                  QStandardItem(str(recipient.count(rules.DUE_SOON))),
                                  QStandardItem(recipient.address or "(none kept: fill in To)")])
        self._on_ticked()

    def _on_ticked(self, *_args) -> None:
        self.write_button.setEnabled(bool(self.chosen()) and bool(self.folder_edit.text().strip()))

    def set_ticked(self, row: int, ticked: bool) -> None:
        self.model.item(row, 0).setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)

    def chosen(self) -> list[Recipient]:
        """The recipients ticked."""
        return [recipient for row, recipient in enumerate(self.shown())
                if self.model.item(row, 0).checkState() == Qt.CheckState.Checked]

    def folder(self) -> Path:
        return Path(self.folder_edit.text().strip())

    def _on_browse_clicked(self) -> None:
        folder = dialogs.choose_folder(self, "Folder for the chase e-mails", self.folder())
        if folder is not None:
            self.folder_edit.setText(str(folder))


def open_chase_dialog(window: QMainWindow, *, due_only: bool = False) -> None:
    """Read who to chase (off the GUI thread), then show ``ChaseDialog`` over ``window``
    (with only those due a chase today, from the dashboard's tile)."""
    if window.refusal is not None:
        return
    database: Database = window.database

    from app import chasing

    def read(session):
        settings = get_settings(session)
        return (chasing.recipients(session), chasing.due_today(session), settings.chase_subject,
                settings.chase_template, chasing.ChaseSchedule.from_settings(settings))

    def show(found) -> None:
        everyone, due, subject, template, schedule = found
        folder = file_folders.start_folder(file_folders.EXPORT) / f"Chases {dt.date.today():%Y-%m-%d}"
        dialog = ChaseDialog(window, everyone, due, subject=subject, template=template, schedule=schedule,
                             folder=folder)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.due_only_box.setChecked(due_only)
        dialog.accepted.connect(lambda: write(window, database, dialog))
        dialog.show()

    QueryOp(window, database, read, success=show, title=TITLE).run_in_background()


def write(window: QMainWindow, database: Database, dialog: ChaseDialog) -> None:
    """Write the e-mails ``dialog`` asks for and record the chases, in one unit of work."""
    from app import chasing
    from ui import report_dialogs

    chosen, folder = dialog.chosen(), dialog.folder()
    subject, template = dialog.subject_edit.text(), dialog.template_edit.toPlainText()
    keep = dialog.keep_box.isChecked()
    file_folders.remember(file_folders.EXPORT, folder.parent)

    def start(despite_findings: bool) -> None:
        def work(session, progress) -> list[WrittenChase]:
            if keep:
                save_settings(session, chase_subject=subject, chase_template=template)
            return chasing.write_chases(session, folder, chosen, subject=subject, template=template,
                                        despite_findings=despite_findings, progress=progress)

        CollectionOp(window, database, work, progress=True, title=TITLE, label="Writing the chase e-mails…",
                     success=written, failure=refused).run_in_background()

    def refused(error: UserError) -> None:
        if not isinstance(error, chasing.ChaseHoldsFindings):
            dialogs.warn(window, TITLE, str(error))
        elif dialogs.confirm(window, TITLE, f"{error}\n\nSend them anyway? That decision is recorded in the "
                             "audit trail.", yes="Write them anyway", no="Stop"):
            start(despite_findings=True)
        else:
            CollectionOp(window, database, error.record_stopped, title=TITLE).run_in_background()

    def written(chases: list[WrittenChase]) -> None:
        actions = sum(len(chase.recipient.actions) for chase in chases)
        message = (f"{plural(len(chases), 'chase e-mail')} written to {folder}; the chase is recorded on "
                   f"{plural(actions, 'action')}.")
        report_dialogs.show_status(window, message)
        if dialogs.confirm(window, TITLE, message + "\n\nOpen the folder to send them?",
                           yes="Open folder", no="Close"):
            report_dialogs.open_in_viewer(folder)

    start(despite_findings=False)

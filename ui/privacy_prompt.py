"""The one question asked before a document holding personal details leaves the program.

Every workbook and paper the window writes goes first under a partial name and through the
privacy check (``app.privacy_scan.write_checked``). ``settle`` (from the window,
``settle_in_background``, which records and renames off the GUI thread) then gives it its
name at once if nothing was found; otherwise ``PrivacyPromptDialog`` shows what was found and where
(the text masked) and the user chooses: save it anyway, knowingly, or don't save it (the
default, and what Escape does) and correct the records. The choice goes into the audit
trail; a document not saved is deleted, so nothing is left behind.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from app import privacy_scan
from app.database import Database
from app.errors import UserError
from app.privacy_scan import CheckedFile, Finding
from ui.operations import CollectionOp

TITLE = "Check before sending"
SAVE_ANYWAY = "&Save it anyway"
DONT_SAVE = "&Don't save it"


class PrivacyPromptDialog(QDialog):
    """What the check found in one document, and the choice: save it anyway or not."""

    def __init__(self, parent: QWidget | None, name: str, findings: Sequence[Finding]):
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.setObjectName("privacyPrompt")
        icon = QLabel()
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_MessageBoxIconSize)
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(size, size))
        self.summary_label = QLabel(
            f"{name} has not been saved. It holds details that should not leave the office: "
            f"{privacy_scan.summarise(findings)}.")
        caption = QLabel("What was found (masked here), and where:")
        self.findings_box = QPlainTextEdit("\n".join(finding.describe() for finding in findings))
        self.findings_box.setObjectName("findings")
        self.findings_box.setAccessibleName("What was found, and where")
        caption.setBuddy(self.findings_box)
        self.findings_box.setReadOnly(True)
        self.findings_box.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        lines = min(len(findings), 8) + 1
        self.findings_box.setFixedHeight(self.findings_box.fontMetrics().lineSpacing() * lines + 12)
        self.advice_label = QLabel(
            "Unless you are sure these details may be sent, don't save it: correct the records, "
            "then make it again. Your choice is recorded in the audit trail (what kind of thing "
            "was found and where, never the text itself).")
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(SAVE_ANYWAY, QDialogButtonBox.ButtonRole.AcceptRole)
        self.dont_save_button = buttons.addButton(DONT_SAVE, QDialogButtonBox.ButtonRole.RejectRole)
        self.dont_save_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        for label in (self.summary_label, self.advice_label):
            label.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(icon, 0)
        top.addWidget(self.summary_label, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(caption)
        layout.addWidget(self.findings_box)
        layout.addWidget(self.advice_label)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)
        self.dont_save_button.setFocus()

    def shown_text(self) -> str:
        """Every word the dialog shows, for tests and screen readers alike."""
        return "\n".join([self.summary_label.text(), self.findings_box.toPlainText(), self.advice_label.text()])


def exec_prompt(dialog: PrivacyPromptDialog) -> bool:
    """Show the prompt modally; True if the user chose to save anyway (tests replace this)."""
    return dialog.exec() == QDialog.DialogCode.Accepted


def ask(parent: QWidget | None, name: str, findings: Sequence[Finding]) -> bool:
    """True if nothing was found, or the user chose to go ahead knowingly (not recorded)."""
    if not findings:
        return True
    dialog = PrivacyPromptDialog(parent, name, findings)
    try:
        return exec_prompt(dialog)
    finally:
        dialog.deleteLater()


def go_ahead(parent: QWidget | None, database: Database, name: str, findings: Sequence[Finding]) -> bool:
    """True if nothing was found, or the user chose to go ahead knowingly. A choice made is
    recorded in the audit trail."""
    proceed = ask(parent, name, findings)
    if findings:
        with database.sessions.begin() as session:
            privacy_scan.record_privacy_decision(session, name, findings, proceeded=proceed)
    return proceed


def settle(parent: QWidget | None, database: Database, checked: CheckedFile) -> bool:
    """Ask if need be, then give the document its name (True) or delete it (False).
    ``UserError`` if it cannot take its name (open in another program); nothing is left."""
    try:
        if not go_ahead(parent, database, checked.final.name, checked.findings):
            return False
        checked.put_in_place()
        return True
    finally:
        checked.discard()


def settle_in_background(parent: QWidget | None, database: Database, checked: CheckedFile, *,
                         kept: Callable[[bool], Any], failed: Callable[[UserError], Any],
                         ended: Callable[[], Any] | None = None) -> None:
    """``settle`` as the window does it: ask if need be, then record the choice and give the
    document its name (or delete it) in one operation off the GUI thread; ``kept(True)``
    once it has its name, ``kept(False)`` if the user chose not to keep it. ``failed``
    takes a ``UserError`` (the file open in another program): nothing is left or recorded.
    ``ended`` follows either, or a bug (which goes to the crash dialog)."""
    name, findings = checked.final.name, checked.findings
    proceed = ask(parent, name, findings)

    def record_and_place(session) -> bool:
        try:
            if findings:
                privacy_scan.record_privacy_decision(session, name, findings, proceeded=proceed)
            if proceed:
                checked.put_in_place()
            return proceed
        finally:
            checked.discard()

    CollectionOp(parent, database, record_and_place, title=TITLE, success=kept, failure=failed,
                 ended=ended).run_in_background()

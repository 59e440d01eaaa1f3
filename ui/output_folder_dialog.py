"""First run: where papers and exports are saved (``app.output_folder`` holds the rules).

Shown once the window is up, until a folder is chosen: the suggestion (Documents\\Case Review
Tracker), a Browse button, and a warning under the folder while it is one that OneDrive or
SharePoint keeps in sync. "Ask me later" leaves the choice for the next start.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import output_folder
from app.errors import UserError
from ui import dialogs

TITLE = "Where to save papers and exports"


class OutputFolderDialog(QDialog):
    """Asks for the folder papers and exports go to; ``folder_chosen`` once it is stored."""

    folder_chosen = Signal(Path)

    def __init__(self, parent: QWidget | None, suggestion: Path):
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.setObjectName("outputFolderDialog")
        intro = QLabel("Papers and exports will be saved in this folder unless you choose another "
                       "place when you save. You can create it now or pick another folder.")
        intro.setWordWrap(True)
        self.folder_edit = QLineEdit(str(suggestion))
        self.folder_edit.setAccessibleName("Folder for papers and exports")
        self.folder_edit.textChanged.connect(self._on_folder_changed)
        browse = QPushButton("&Browse…")
        browse.clicked.connect(self._on_browse_clicked)
        self.warning = QLabel()
        self.warning.setObjectName("syncWarning")
        self.warning.setWordWrap(True)
        self.warning.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox()
        buttons.addButton("&Use this folder", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("Ask me &later", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.folder_edit, 1)
        row.addWidget(browse)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.warning)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)
        self._on_folder_changed(self.folder_edit.text())

    def _on_folder_changed(self, text: str) -> None:
        warning = output_folder.sync_warning(text) if text.strip() else None
        self.warning.setText(warning or "")
        self.warning.setVisible(warning is not None)

    def _on_browse_clicked(self) -> None:
        current = Path(self.folder_edit.text())
        start = current if current.is_dir() else current.parent
        folder = dialogs.choose_folder(self, TITLE, start)
        if folder is not None:
            self.folder_edit.setText(str(folder))

    def accept(self) -> None:
        text = self.folder_edit.text().strip()
        if not text:
            dialogs.warn(self, TITLE, "Give a folder, or choose Ask me later.")
            return
        try:
            folder = output_folder.choose_folder(text)
        except UserError as err:
            dialogs.warn(self, TITLE, str(err))
            return
        self.folder_chosen.emit(folder)
        super().accept()


def ask_output_folder(window: QWidget) -> OutputFolderDialog | None:
    """On a first run (no folder chosen yet), ask over ``window`` where papers and exports
    go; the dialog, shown, or ``None`` when the choice was made before."""
    if not output_folder.needs_choice():
        return None
    dialog = OutputFolderDialog(window, Path(output_folder.suggested_folder()))
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog

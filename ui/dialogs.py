"""Every modal question the program asks, in one place, so tests can answer them.

Tests monkeypatch these functions; production code never calls ``QMessageBox`` or
``QFileDialog`` directly.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget


def inform(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text)


def warn(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.warning(parent, title, text)


def confirm(parent: QWidget | None, title: str, text: str, *, yes: str = "Yes", no: str = "No") -> bool:
    """Ask a yes/no question; the safe answer (no) is the default."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    no_button = box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no_button)
    box.exec()
    return box.clickedButton() is yes_button


def ask_discard_changes(parent: QWidget | None) -> bool:
    """True if the user really wants to throw away unsaved changes in a form."""
    return confirm(parent, "Discard changes?",
                   "You have changed this record. Close it without saving?",
                   yes="Discard changes", no="Keep editing")


def open_file(parent: QWidget | None, title: str, filters: str, folder: Path | None = None) -> Path | None:
    path, _ = QFileDialog.getOpenFileName(parent, title, str(folder or ""), filters)
    return Path(path) if path else None


def save_file(parent: QWidget | None, title: str, filters: str, suggested: Path | None = None) -> Path | None:
    path, _ = QFileDialog.getSaveFileName(parent, title, str(suggested or ""), filters)
    return Path(path) if path else None


def choose_folder(parent: QWidget | None, title: str, folder: Path | None = None) -> Path | None:
    path = QFileDialog.getExistingDirectory(parent, title, str(folder or ""))
    return Path(path) if path else None

"""Help > User guide (F1): the short guide in ``resources/help``, shown offline in a
window of its own beside the main one."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from app.resources import resource

GUIDE = ("help", "guide.html")
TITLE = "Case Review Tracker: user guide"


class HelpWindow(QDialog):
    """The user guide, with its contents' links followed inside it (links to other sites
    open in the browser)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.setObjectName("helpWindow")
        self.browser = QTextBrowser()
        self.browser.setObjectName("helpText")
        self.browser.setOpenExternalLinks(True)
        guide = resource(*GUIDE)
        self.browser.setSearchPaths([str(guide.parent)])
        self.browser.setSource(QUrl.fromLocalFile(str(guide)))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        self.resize(760, 640)


def show_guide(parent: QWidget | None) -> HelpWindow:
    """Open the guide (or bring it forward if it is open), without blocking the window."""
    existing = parent.findChild(HelpWindow) if parent is not None else None
    if existing is not None and existing.isVisible():
        existing.raise_()
        existing.activateWindow()
        return existing
    window = HelpWindow(parent)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    window.show()
    return window

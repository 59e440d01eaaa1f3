"""The first-run page: three ways in for a new user (open the demo, start an empty
database, import a tracker), then where papers and exports go
(``ui.output_folder_dialog``, asked once).

Shown when the program starts for the first time on this computer (``WindowSettings.welcomed``)
and again from Help > Getting started. Each choice is one of the window's own File menu
entries: the page only points at them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCommandLinkButton,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMainWindow,
    QVBoxLayout,
)

from ui.output_folder_dialog import ask_output_folder

TITLE = "Welcome to Case Review Tracker"
INTRO = ("Case Review Tracker keeps the sub group's referrals, decisions, reviews, "
         "recommendations and action plan in one database on this computer. How would you like "
         "to start? Press F1 at any time for the user guide.")


class FirstRunPage(QDialog):
    """The three ways in, as large buttons; ``choice`` says which was taken ("demo", "new",
    "import"), or None for Close."""

    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.setWindowTitle(TITLE)
        self.setObjectName("firstRunPage")
        self.choice: str | None = None
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        self.buttons: dict[str, QCommandLinkButton] = {}
        for name, text, words in (
            ("demo", "Open the &demo", "Made-up referrals, reviews and actions to try things on. "
                                       "Nothing you do there touches real records."),
            ("new", "Start an &empty database", "A new database file with the usual lists "
                                                "(review types, statuses, agencies), for your own records."),
            ("import", "&Import a tracker", "Bring in the spreadsheet the office kept until now: an action "
                                            "plan tracker or a referral register. You see what will be "
                                            "added before anything is written."),
        ):
            button = QCommandLinkButton(text.replace("&", ""), words)
            button.setText(text)
            button.setObjectName(f"firstRun_{name}")
            button.clicked.connect(lambda _checked=False, n=name: self._choose(n))
            layout.addWidget(button)
            self.buttons[name] = button
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.setMinimumWidth(560)

    def _choose(self, name: str) -> None:
        self.choice = name
        self.accept()


def show_first_run(window: QMainWindow, actions: dict) -> FirstRunPage:
    """Show the page over ``window`` (not blocking it); the chosen entry of ``actions``
    ("demo", "new", "import": each a function) runs once the page has closed, then the
    papers folder is asked for if it never was."""
    page = FirstRunPage(window)
    page.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def closed(_result: int) -> None:
        chosen = actions.get(page.choice) if page.choice else None
        ask_output_folder(window)
        if chosen is not None:
            chosen()

    page.finished.connect(closed)
    page.open()
    return page

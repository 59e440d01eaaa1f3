"""The window's toolbar: New, Save, Undo, Export, Print and Chase, the things an officer
does many times a day, each the same action as its menu entry (same shortcut, same state).

Chase (issue 16, item 5) is another module's (``ui.chasing``): its action takes the place
kept for it, between Export and Print, through ``MainToolBar.set_chase_action``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QToolBar, QWidget


class MainToolBar(QToolBar):
    """The toolbar over the pages. ``actions`` in order; ``None`` is a separator; the
    string "chase" the place kept for Chase."""

    CHASE = "chase"

    def __init__(self, actions: list, parent: QWidget | None = None):
        super().__init__("Toolbar", parent)
        self.setObjectName("mainToolBar")
        self.setMovable(False)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self._chase_before: QAction | None = None
        chase_pending = False
        for action in actions:
            if action is None:
                self.addSeparator()
            elif action == self.CHASE:
                chase_pending = True
            else:
                self.addAction(action)
                if chase_pending:
                    self._chase_before, chase_pending = action, False
        self.chase_action: QAction | None = None

    def set_chase_action(self, action: QAction) -> None:
        """Put Chase in its place on the toolbar (once ``ui.chasing`` has made its action)."""
        if self.chase_action is not None:
            self.removeAction(self.chase_action)
        self.chase_action = action
        if self._chase_before is not None:
            self.insertAction(self._chase_before, action)
        else:
            self.addAction(action)

"""The officer's day in the main window: deadlines, the case page and chasing, wired in here
so that the window's own module only calls ``install`` (once, after its menus are built) and
``connect_dashboard`` (each time it makes a dashboard).

- a dashboard tile opens the register of what it counts, filtered to them
  (``ui.register_links``);
- on the Clocks page, Enter or a double-click on a clock opens "Pause or extend the clock…".
"""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow

from ui import forms
from ui.register_links import show_register_filtered

CLOCKS_PAGE = "case_clocks"


def install(window: QMainWindow) -> None:
    """Add the officer's tools to ``window`` (a ``ui.main_window.MainWindow``)."""
    clocks = window.view(CLOCKS_PAGE)
    clocks.record_activated.connect(lambda row_id: _adjust_clock(window, row_id))


def connect_dashboard(window: QMainWindow, dashboard) -> None:
    """Let ``dashboard``'s tiles open their registers in ``window``."""
    if hasattr(dashboard, "register_requested"):
        dashboard.register_requested.connect(
            lambda key, choices, flags: show_register_filtered(window, key, choices, flags))


def _adjust_clock(window: QMainWindow, row_id: int) -> None:
    if window.refusal is None:
        forms.run_quick_action(window, window.database, window.undo_stack, "adjust_clock", CLOCKS_PAGE, row_id)

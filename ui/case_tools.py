"""The officer's day in the main window: deadlines and the case page, wired in here so that
the window's own module only calls ``install`` (once, after its menus are built) and
``connect_dashboard`` (each time it makes a dashboard).

- a dashboard tile opens the register of what it counts, filtered to them
  (``ui.register_links``);
- on the Clocks page, Enter or a double-click on a clock opens "Pause or extend the clock…";
- Records ▸ Case page… (Ctrl+Shift+C) on a referral, decision, review, recommendation,
  action or progress update shows the whole case on one page (``ui.case_page``); each line
  opens its record's form.
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow

from app.queries.case_story import KINDS as CASE_KINDS
from ui import chasing, forms
from ui.case_page import CLOCKS_PAGE, CasePage, open_line
from ui.register_links import show_register_filtered


def install(window: QMainWindow) -> None:
    """Add the officer's tools to ``window`` (a ``ui.main_window.MainWindow``)."""
    clocks = window.view(CLOCKS_PAGE)
    clocks.record_activated.connect(lambda row_id: _adjust_clock(window, row_id))
    _install_case_page(window)


def connect_dashboard(window: QMainWindow, dashboard) -> None:
    """Let ``dashboard``'s tiles open their registers in ``window`` (and the chase tile Chase…)."""
    if hasattr(dashboard, "register_requested"):
        dashboard.register_requested.connect(
            lambda key, choices, flags: show_register_filtered(window, key, choices, flags))
        dashboard.chase_requested.connect(lambda: chasing.open_chase_dialog(window, due_only=True))


def _adjust_clock(window: QMainWindow, row_id: int) -> None:
    if window.refusal is None:
        forms.run_quick_action(window, window.database, window.undo_stack, "adjust_clock", CLOCKS_PAGE, row_id)


# --- the case page ------------------------------------------------------------------------

def _install_case_page(window: QMainWindow) -> None:
    action = QAction("Case &page…", window)
    action.setObjectName("casePageAction")
    action.setShortcut(QKeySequence("Ctrl+Shift+C"))
    action.setStatusTip("The whole case of the record chosen on one page: referral, decisions, clocks, "
                        "review, recommendations, actions")
    action.triggered.connect(lambda: open_case_page(window))
    window.addAction(action)  # the shortcut works whatever the menu holds
    menu = window.records_menu

    def add_to_menu() -> None:  # after the window's own fill of the menu, on the pages it serves
        if window.current_key in CASE_KINDS:
            menu.addSeparator()
            menu.addAction(action)

    menu.aboutToShow.connect(add_to_menu)
    window.case_page_action = action
    window.case_page = None


def _chosen_record(window: QMainWindow) -> tuple[str, int] | None:
    key = window.current_key
    if key not in CASE_KINDS:
        return None
    ids = window.view(key).selected_ids()
    return (key, ids[0]) if len(ids) == 1 else None


def open_case_page(window: QMainWindow, kind: str | None = None, record_id: int | None = None) -> CasePage | None:
    """Show the case page of a record (the one chosen on the page on screen by default)."""
    if window.refusal is not None:
        return None
    if kind is None:
        chosen = _chosen_record(window)
        if chosen is None:
            window.statusBar().showMessage("Choose one referral, decision, review, recommendation or action "
                                           "first: its case is shown.", 5000)
            return None
        kind, record_id = chosen
    if window.case_page is not None:
        window.case_page.close()
        window.case_page.deleteLater()
    page = window.case_page = CasePage(window.database, kind, record_id, window)
    page.open_requested.connect(lambda line_kind, line_id: open_line(page, window.database, window.undo_stack,
                                                                     line_kind, line_id))
    page.show()
    return page

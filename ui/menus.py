"""The File and Reports menu entries whose dialogs live in larger modules.

The entries (and their shortcuts) are there from the moment the window opens; the module
behind an entry (``ui.import_export``, ``ui.report_dialogs``, ``ui.safety_dialogs``,
``ui.history_view``) is imported when the entry is first chosen, so the window does not
wait for them to open.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from ui import dialogs
from ui.report_kinds import REPORT_INTROS, REPORTS

if TYPE_CHECKING:
    from app.database import Database

# --- Ctrl+P: the paper for the page on screen ---------------------------------------------

def report_for_register(register_key: str, **view_filters: Any) -> tuple[str, dict] | None:
    """The paper Ctrl+P prints for the register on screen, and its preset options.

    ``view_filters`` are the view's filters, where given (None and unknown ones are
    ignored): ``agency`` (or ``lead_agency``), ``status``, ``overdue`` (or ``overdue_only``)
    and ``open_only`` for the action plan; ``meeting_on`` (or ``held_on``) for meetings and
    reviews; ``date_from``/``date_to`` (or ``start``/``end``) for referrals and decisions;
    ``review`` or ``review_refs`` for recommendations.
    """
    given = {key: value for key, value in view_filters.items() if value not in (None, "", False)}

    def first(*names: str) -> Any:
        return next((given[name] for name in names if name in given), None)

    if register_key == "actions":
        preset = {"agency": first("agency", "lead_agency"), "status": first("status"),
                  "overdue_only": bool(first("overdue", "overdue_only")),
                  "open_only": bool(first("open_only"))}
        return "action-plan", {k: v for k, v in preset.items() if v not in (None, False)}
    if register_key in ("reviews", "meetings"):
        meeting = first("meeting_on", "held_on")
        return "briefing", ({"meeting_on": meeting} if meeting else {})
    if register_key == "recommendations":
        refs = first("review_refs", "review")
        if isinstance(refs, str):
            refs = [refs]
        return "response", ({"review_refs": list(refs)} if refs else {})
    if register_key in ("referrals", "decisions"):
        preset = {"start": first("date_from", "start"), "end": first("date_to", "end")}
        return "annual", {k: v for k, v in preset.items() if v is not None}
    return None


# --- the Reports menu ------------------------------------------------------------------

def add_report_actions(menu: QMenu, parent: QWidget,
                       database: Callable[[], Database | None]) -> list:
    """Add one entry per paper to ``menu`` (the window's Reports menu), in ``REPORTS`` order.

    ``database`` returns the open database when an entry is chosen (None: nothing happens).
    """
    actions = []
    for kind, title in REPORTS:
        action = menu.addAction(title)
        action.setObjectName(f"report_{kind}")
        action.setStatusTip(REPORT_INTROS[kind])

        def chosen(_checked: bool = False, kind: str = kind) -> None:
            db = database()
            if db is not None:
                from ui import report_dialogs

                report_dialogs.open_report_dialog(parent, db, kind)

        action.triggered.connect(chosen)
        actions.append(action)
    return actions


# --- File: import and export -------------------------------------------------------------

def add_import_export_actions(file_menu: QMenu, parent: QWidget,
                              get_database: Callable[[], Database | None],
                              get_visible_action_ids: Callable[[], Sequence[int] | None], *,
                              before: QAction | None = None,
                              get_view_text: Callable[[], str] | None = None,
                              export_view: QAction | None = None) -> list:
    """Add "Import workbook…" (Ctrl+I) and an Export submenu to ``file_menu`` (at the end, or
    above ``before``); returns the actions added. ``get_database`` gives the open database
    when an entry is chosen (None: nothing happens); ``get_visible_action_ids`` the ids the
    action plan view shows (in its order), or None, and ``get_view_text`` how it is filtered
    and sorted, in words. ``export_view`` (the window's Export of the page on screen) heads
    the submenu."""
    def with_database(function: Callable[[Any, Database], Any]) -> Callable[..., None]:
        def chosen(_checked: bool = False) -> None:
            database = get_database()
            if database is not None:
                from ui import import_export

                function(import_export, database)
        return chosen

    import_action = QAction("&Import workbook…", file_menu)
    submenu = QMenu("&Export", file_menu)
    if before is None:
        file_menu.addAction(import_action)
        file_menu.addMenu(submenu)
    else:
        file_menu.insertAction(before, import_action)
        file_menu.insertMenu(before, submenu)
    import_action.setObjectName("importWorkbook")
    import_action.setShortcut(QKeySequence("Ctrl+I"))
    import_action.setStatusTip("Take back an agency's returned action plan, or import a "
                               "hand-kept tracker or referral register")
    import_action.triggered.connect(with_database(lambda io, db: io.import_workbook(parent, db)))

    submenu.setObjectName("exportMenu")
    if export_view is not None:
        submenu.addAction(export_view)
        submenu.addSeparator()
    entries = [
        ("exportActionPlan", "&Action plan…", "The composite action plan, for agencies to update, "
                                              "as a workbook or a CSV file",
         lambda io, db: io.export_action_plan_dialog(parent, db, action_ids=get_visible_action_ids(),
                                                     view_text=get_view_text() if get_view_text else "")),
        ("exportAgencyPacks", "Agency &packs…", "One action plan workbook per agency",
         lambda io, db: io.export_agency_packs_dialog(parent, db)),
        ("exportReferrals", "&Referrals register…", "Every referral with its latest decision",
         lambda io, db: io.export_register_dialog(parent, db, "referrals")),
        ("exportReviews", "Re&views register…", "Every review with its clocks",
         lambda io, db: io.export_register_dialog(parent, db, "reviews")),
    ]
    actions = [import_action]
    for name, text, tip, function in entries:
        action = submenu.addAction(text)
        action.setObjectName(name)
        action.setStatusTip(tip)
        action.triggered.connect(with_database(function))
        actions.append(action)
    return actions


# --- File: backups and history ---------------------------------------------------------

def _safety():
    """``ui.safety_dialogs``, imported when an entry first needs it."""
    from ui import safety_dialogs

    return safety_dialogs


def add_safety_actions(file_menu: QMenu, parent: QWidget,
                       get_database: Callable[[], Database | None],
                       reopen: Callable[[Path], None],
                       close_database: Callable[[], None]) -> list:
    """Add "Back up now", "Save a snapshot as an SQLite file…" (shown for a database on a
    server only), "Restore…", "Backup folder…" and "History…" to ``file_menu``.

    ``get_database`` returns the open database (None: the entries do nothing). On a server
    database, Back up now and Restore… say that its backups are IT's, and offer the snapshot.
    Restore… calls ``close_database`` once the user has confirmed the restore, and
    ``reopen(path)`` afterwards whenever the database was closed (restored or not).
    """
    def on_back_up() -> None:
        database = get_database()
        if database is not None:
            _safety().back_up_now(parent, database)

    def on_snapshot() -> None:
        database = get_database()
        if database is not None and database.on_server:
            from ui.server_dialogs import save_snapshot

            save_snapshot(parent, database)

    def on_restore() -> None:
        database = get_database()
        if database is not None and database.on_server:
            from app.safety_command import SERVER_BACKUPS

            dialogs.inform(parent, "Restore", SERVER_BACKUPS.format(where=database.location) + " Restoring "
                           "it is theirs too: ask them if records need to go back to an earlier day.\n\n"
                           "A snapshot you saved (File > Save a snapshot as an SQLite file…) opens with "
                           "File > Open database…, to read what it held.")
            return
        if database is None or database.path is None:
            if database is not None:
                dialogs.warn(parent, "Restore", "This database is not a file on this computer, so it "
                                                "cannot be restored from a backup here.")
            return
        path = database.path
        closed = []

        def close_it() -> None:
            close_database()
            closed.append(True)

        try:
            _safety().choose_and_restore(parent, path, close_database=close_it)
        finally:
            if closed:
                reopen(path)

    def on_history() -> None:
        database = get_database()
        if database is not None:
            from ui.history_view import show_history
            show_history(parent, database)

    actions = []
    for name, text, tip, slot in (
        ("backUpNow", "&Back up now", "Take a backup of the database now, into the backup folder.", on_back_up),
        ("saveSnapshot", "Save a &snapshot as an SQLite file…",
         "Copy the shared database, as it is now, into a file on this computer for your own archive.", on_snapshot),
        ("restore", "&Restore…", "Go back to a backup of the database.", on_restore),
        ("backupFolder", "Backup &folder…", "Choose where backups are kept.",
         lambda: _safety().change_backup_folder(parent)),
        ("history", "&History…", "Who changed what, and when, in the whole database.", on_history),
    ):
        action = file_menu.addAction(text)
        action.setObjectName(f"{name}Action")
        action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False, slot=slot: slot())
        actions.append(action)

    def show_for_database() -> None:
        # A shared database on a server: a snapshot, not the file backups that are IT's there.
        database = get_database()
        on_server = database is not None and database.on_server
        snapshot, restore = actions[1], actions[2]
        snapshot.setVisible(on_server)
        snapshot.setEnabled(on_server)
        restore.setStatusTip("The server's backups are your IT department's: ask them to restore one."
                             if on_server else "Go back to a backup of the database.")

    file_menu.aboutToShow.connect(show_for_database)
    show_for_database()
    return actions

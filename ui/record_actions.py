"""The Records menu and a register's context menu: New, Edit, Delete, the quick actions on
the selected record, and Copy rows.

The forms (``ui.forms``) save through operations, off the GUI thread; the window reads the
register again when their writes announce a change (``ui.operations.changes``), and the
record just saved is selected once it has been read.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QStyle

try:  # the forms (another engineer's modules)
    from ui import forms
except ImportError:  # pragma: no cover - the window still lists records without them
    forms = None

DASHBOARD = "dashboard"  # the window's page key that is not a register


class RecordActions(QObject):
    """The record actions of ``window`` (its ``current_key``, ``view(key)``, ``database``,
    ``refusal``, ``undo_stack`` and ``select_when_read``)."""

    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self._window = window
        sp = QStyle.StandardPixmap
        self.new_action = window.make_action("&New…", self.new_record, QKeySequence.StandardKey.New,
                                             tip="Add a record to the register on screen",
                                             icon=sp.SP_FileDialogNewFolder)
        self.edit_action = window.make_action("&Edit…\tEnter", self.edit_record, tip="Open the selected record")
        self.delete_action = window.make_action("&Delete…", self.delete_records, QKeySequence.StandardKey.Delete,
                                                tip="Archive the selected records (Undo brings them back)",
                                                icon=sp.SP_TrashIcon)
        self.copy_action = window.make_action("&Copy rows", self.copy_rows, QKeySequence.StandardKey.Copy,
                                              tip="Copy the selected rows, to paste into Excel or Word")

    def editable(self, key: str) -> bool:
        return (key != DASHBOARD and forms is not None and self._window.refusal is None
                and key in getattr(forms, "EDITABLE_KINDS", set()))

    def update(self) -> None:
        """Enable what the page on screen and its selection allow."""
        key = self._window.current_key
        editable = self.editable(key)
        count = len(self._window.view(key).selected_ids()) if key != DASHBOARD else 0
        self.new_action.setEnabled(editable)
        self.edit_action.setEnabled(editable and count == 1)
        self.delete_action.setEnabled(editable and count >= 1)

    def fill_menu(self, menu: QMenu) -> None:
        """New, Edit, Delete and the quick actions of the register on screen."""
        menu.clear()
        self._add_record_actions(menu, self._window.current_key)

    def _add_record_actions(self, menu: QMenu, key: str) -> None:
        self.update()
        menu.addAction(self.new_action)
        menu.addAction(self.edit_action)
        menu.addAction(self.delete_action)
        quick = forms.quick_actions(key) if key != DASHBOARD and forms is not None else []
        if quick:
            menu.addSeparator()
            single = len(self._window.view(key).selected_ids()) == 1
            for name, label in quick:
                action = menu.addAction(label)
                action.setObjectName(f"quick_{name}")
                action.setEnabled(single)
                action.triggered.connect(lambda _checked=False, n=name: self.run_quick_action(n))

    def show_table_menu(self, key: str, position: QPoint) -> None:
        view = self._window.view(key)
        menu = QMenu(self._window)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._add_record_actions(menu, key)
        menu.addSeparator()
        menu.addAction(self.copy_action)
        menu.popup(view.table.viewport().mapToGlobal(position))

    # --- the actions --------------------------------------------------------------------

    def new_record(self) -> None:
        key = self._window.current_key
        if not self.editable(key):
            return
        record_id = forms.open_editor(self._window, self._window.database, self._window.undo_stack, key)
        if record_id is not None:
            self._window.select_when_read(key, record_id)

    def edit_record(self) -> None:
        key = self._window.current_key
        if key == DASHBOARD:
            return
        record_id = self._window.view(key).current_id()
        if record_id is not None:
            self.open_record(record_id)

    def open_record(self, record_id: int) -> None:
        """Open record ``record_id`` of the register on screen in its form."""
        key = self._window.current_key
        if not self.editable(key):
            return
        saved = forms.open_editor(self._window, self._window.database, self._window.undo_stack, key, record_id)
        if saved is not None:
            self._window.select_when_read(key, saved)

    def delete_records(self) -> None:
        key = self._window.current_key
        if not self.editable(key):
            return
        ids = self._window.view(key).selected_ids()
        if ids:
            forms.delete_records(self._window, self._window.database, self._window.undo_stack, key, ids)

    def run_quick_action(self, name: str) -> bool:
        """Run quick action ``name`` on the selected record; True if it saved."""
        key = self._window.current_key
        if key == DASHBOARD or forms is None:
            return False
        record_id = self._window.view(key).current_id()
        if record_id is None:
            return False
        saved = forms.run_quick_action(self._window, self._window.database, self._window.undo_stack,
                                       name, key, record_id)
        if saved:
            self._window.select_when_read(key, record_id)
        return saved

    def copy_rows(self) -> None:
        """The selected rows (shown columns only) as tab-separated text, with headers."""
        key = self._window.current_key
        if key == DASHBOARD:
            return
        view = self._window.view(key)
        rows = sorted({index.row() for index in view.table.selectionModel().selectedRows()})
        if not rows:
            return
        columns = view.visible_columns()
        model = view.model
        lines = ["\t".join(model.columns[c].header for c in columns)]
        for row in rows:
            lines.append("\t".join(
                str(model.data(model.index(row, c)) or "").replace("\t", " ") for c in columns))
        QGuiApplication.clipboard().setText("\n".join(lines))
        self._window.statusBar().showMessage(f"Copied {len(rows):,} row{'s' * (len(rows) != 1)}.", 3000)

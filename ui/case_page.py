"""The case page: the whole story of one case on one page (``app.queries.case_story``), read
off the GUI thread and read again after every change saved. Each line opens its record:
``open_requested(kind, id)`` (Enter or a double-click, or the Open button)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QLabel, QPushButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)

from app.database import Database
from app.queries.case_story import CaseStory, read_case_story
from ui import operations
from ui.operations import QueryOp

RECORD = Qt.ItemDataRole.UserRole  # (kind, id) of the record a line opens
CLOCKS_PAGE = "case_clocks"  # a running clock's line: its row on the Clocks page


class CasePage(QDialog):
    """One case, from the record ``record_id`` of register ``kind`` the officer stood on."""

    open_requested = Signal(str, int)
    story_shown = Signal()

    def __init__(self, database: Database, kind: str, record_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("casePage")
        self.setWindowTitle("Case page")
        self._database, self._kind, self._record_id = database, kind, record_id
        self.story: CaseStory | None = None
        self._reading = False
        self.heading = QLabel("Reading the case…")
        font = self.heading.font()
        font.setPointSize(font.pointSize() + 3)
        font.setBold(True)
        self.heading.setFont(font)
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        self.tree.setAccessibleName("The case, line by line: Enter opens a line's record")
        self.tree.itemActivated.connect(self._on_item_activated)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.open_button = QPushButton("&Open")
        self.open_button.setToolTip("Open the record of the line chosen")
        self.open_button.clicked.connect(lambda: self._on_item_activated(self.tree.currentItem()))
        buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.close)
        for button in buttons.buttons():  # Enter opens the line chosen, not a button of the page as well
            button.setAutoDefault(False)
            button.setDefault(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.tree, 1)
        layout.addWidget(buttons)
        self.resize(900, 640)
        operations.changes().records_changed.connect(self._on_records_changed)
        self.read()

    def read(self) -> None:
        """Read the story again, off the GUI thread."""
        kind, record_id = self._kind, self._record_id
        self._reading = True
        QueryOp(self, self._database, lambda session: read_case_story(session, kind, record_id),
                title="Case page", success=self._show, failure=self._on_failed,
                ended=self._on_read_ended).run_in_background()

    def is_reading(self) -> bool:
        return self._reading

    def lines_text(self) -> list[str]:
        """Every line as shown, indented under its section (for tests and screen readers)."""
        found = []

        def walk(item: QTreeWidgetItem, depth: int) -> None:
            found.append("  " * depth + item.text(0))
            for index in range(item.childCount()):
                walk(item.child(index), depth + 1)

        for index in range(self.tree.topLevelItemCount()):
            walk(self.tree.topLevelItem(index), 0)
        return found

    def item_for(self, text_start: str) -> QTreeWidgetItem | None:
        """The first line whose words start with ``text_start``."""
        found = self.tree.findItems(text_start, Qt.MatchFlag.MatchStartsWith | Qt.MatchFlag.MatchRecursive)
        return found[0] if found else None

    def _on_read_ended(self) -> None:
        self._reading = False

    def _show(self, story: CaseStory) -> None:
        self.story = story
        self.heading.setText(f"Case: {story.title}")
        self.setWindowTitle(f"Case page: {story.title}")
        self.tree.clear()
        sections: dict[str, QTreeWidgetItem] = {}
        parents: list[QTreeWidgetItem] = []
        for line in story.lines:
            if line.section not in sections:
                section = QTreeWidgetItem([line.section])
                bold = QFont(section.font(0))
                bold.setBold(True)
                section.setFont(0, bold)
                self.tree.addTopLevelItem(section)
                sections[line.section] = section
                parents = [section]
            item = QTreeWidgetItem([line.text])
            item.setData(0, RECORD, (line.kind, line.record_id))
            item.setToolTip(0, line.text)
            parents = parents[:line.depth + 1]
            parents[-1].addChild(item)
            parents.append(item)
        self.tree.expandAll()
        if not story.lines:
            self.tree.addTopLevelItem(QTreeWidgetItem(["Nothing is recorded on this case."]))
        self.story_shown.emit()

    def _on_failed(self, error) -> None:
        self.heading.setText(str(error))

    def _on_item_activated(self, item: QTreeWidgetItem | None, _column: int = 0) -> None:
        record = item.data(0, RECORD) if item is not None else None
        if record:
            self.open_requested.emit(*record)

    def _on_records_changed(self, changes: operations.Changes) -> None:
        if changes.database is self._database and self.isVisible():
            self.read()


def open_line(page: CasePage, database: Database, undo_stack, kind: str, record_id: int) -> None:
    """Open a case page line's record in its form, over the page (a running clock: its
    "Pause or extend" dialog)."""
    from ui import forms  # the forms offer the case page: imported when first used

    if kind == CLOCKS_PAGE:
        forms.run_quick_action(page, database, undo_stack, "adjust_clock", CLOCKS_PAGE, record_id)
    else:
        forms.open_editor(page, database, undo_stack, kind, record_id)


class WithCasePage:
    """For the ``RecordDialog`` of a record in a case (referral, review, recommendation,
    action): "Case page…" beside Save, once the record exists; the page opens over the form
    (``case_page`` while it is open) and its lines open their records over it."""

    case_page: CasePage | None = None

    def _build(self) -> None:
        super()._build()
        self.case_page_button = self.buttons.addButton("Case page\u2026", QDialogButtonBox.ButtonRole.HelpRole)
        self.case_page_button.setAccessibleName("Case page")
        self.case_page_button.setToolTip("The whole case this record belongs to, on one page")
        self.case_page_button.clicked.connect(self._on_case_page_clicked)

    def _after_load(self) -> None:
        super()._after_load()
        self.case_page_button.setVisible(not self.is_new)

    def _on_case_page_clicked(self) -> None:
        page = self.case_page = CasePage(self._database, self.kind, self.record_id, self)
        database, undo_stack = self._database, self._undo_stack
        page.open_requested.connect(lambda kind, record_id: open_line(page, database, undo_stack, kind, record_id))
        page.show()

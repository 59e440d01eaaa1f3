"""The deadlines a referral or review is held to, shown at the top of its form: each clock's
due date and how near it is, the date it was counted from when that is not its own, and a
button to pause or extend it. Read with the form's record (``read_deadlines``), shown as saved."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QPushButton, QWidget

from app.clocks import ClockStatus, referral_clocks, review_record_clocks
from app.queries.case_story import clock_text, is_running
from app.registers import clock_row_id
from db.models import Referral, Review
from ui.widgets.date_edit import format_uk_date


@dataclass(frozen=True)
class DeadlineLine:
    """One clock on the record, in words, and the Clocks page row it is (to pause or extend it)."""

    clock_name: str
    text: str
    overdue: bool
    row_id: int | None  # None: not running, nothing to pause or extend


def deadline_line(status: ClockStatus) -> DeadlineLine:
    """A clock's line: "due 11/03/2024, 3 days overdue", "not started: record ...", "met (sent ...)"."""
    row_id = clock_row_id(status.clock_id, status.record_kind, status.record_id) if is_running(status) else None
    return DeadlineLine(status.clock_name, clock_text(status, format_uk_date), status.state == "overdue", row_id)


def read_deadlines(session, kind: str, record_id: int, as_at: dt.date | None = None) -> list[DeadlineLine]:
    """The clocks of one referral (its own and its decisions') or one review, as at a date."""
    as_at = as_at or dt.date.today()
    if kind == "referrals":
        record = session.get(Referral, record_id)
        statuses = referral_clocks(session, record, as_at) if record is not None else []
    else:
        record = session.get(Review, record_id)
        statuses = review_record_clocks(session, record, as_at) if record is not None else []
    return [deadline_line(status) for status in statuses]


class DeadlinesPanel(QGroupBox):
    """The record's clocks, one a line, with "Pause or extend…" beside each running one.
    ``adjust_requested(row_id)`` asks for the clock's adjustment dialog."""

    adjust_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__("Deadlines", parent)
        self.setObjectName("deadlinesPanel")
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(8, 4, 8, 4)
        self.lines: list[DeadlineLine] = []

    def show_lines(self, lines: list[DeadlineLine]) -> None:
        while self._grid.count():
            item = self._grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.lines = list(lines)
        for row, line in enumerate(lines):
            name = QLabel(f"<b>{line.clock_name}</b>")
            text = QLabel(line.text)
            text.setObjectName(f"deadline_{row}")
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            if line.overdue:
                text.setStyleSheet("color: #b00020;")
            self._grid.addWidget(name, row, 0, Qt.AlignmentFlag.AlignTop)
            self._grid.addWidget(text, row, 1)
            if line.row_id is not None:
                button = QPushButton("Pause or extend…")
                button.setAccessibleName(f"Pause or extend {line.clock_name}")
                button.clicked.connect(lambda _checked=False, i=line.row_id: self.adjust_requested.emit(i))
                self._grid.addWidget(button, row, 2, Qt.AlignmentFlag.AlignTop)
        self._grid.setColumnStretch(1, 1)
        self.setVisible(bool(lines))

    def text(self) -> str:
        """Every line as shown, for tests and screen readers."""
        return "\n".join(f"{line.clock_name}: {line.text}" for line in self.lines)


class WithDeadlines:
    """For a ``RecordDialog`` of referrals or reviews: its deadlines above the fields, read
    with the record, and "Pause or extend…" opening the clock's own dialog (``adjust_dialog``
    while it is open); the deadlines are read again once that has saved."""

    adjust_dialog = None

    def _build(self) -> None:
        super()._build()
        self.deadlines_panel = DeadlinesPanel()
        self.deadlines_panel.hide()
        self.deadlines_panel.adjust_requested.connect(self._on_adjust_clock)
        self.layout().insertWidget(self.layout().indexOf(self.scroll), self.deadlines_panel)

    def _prepare(self, session, values) -> None:
        super()._prepare(session, values)
        self._deadlines = [] if self.is_new else read_deadlines(session, self.kind, self.record_id)

    def _after_load(self) -> None:
        super()._after_load()
        self.deadlines_panel.show_lines(self._deadlines)

    def _on_adjust_clock(self, row_id: int) -> None:
        from ui.forms.clock_adjustment import ClockAdjustmentDialog
        from ui.operations import QueryOp

        kind, record_id = self.kind, self.record_id

        def reread(_saved: int) -> None:
            QueryOp(self, self._database, lambda session: read_deadlines(session, kind, record_id),
                    title="Deadlines", success=self.deadlines_panel.show_lines).run_in_background()

        dialog = ClockAdjustmentDialog(self._database, self._undo_stack, row_id, self)
        dialog.record_saved.connect(reread)
        dialog.finished.connect(lambda _result: setattr(self, "adjust_dialog", None))
        self.adjust_dialog = dialog
        dialog.fit_to_screen()
        dialog.open()

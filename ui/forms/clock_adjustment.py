"""Pause, resume or extend one clock on one case, with the reason, from the Clocks page, a
referral's or review's form, or the case page. The clock's history of pauses and extensions
is shown above the form; saving adds to it (``app.services.clock_adjustments``), and undo
withdraws what was added (or reopens a pause that was resumed)."""

from __future__ import annotations

import datetime as dt

from app.clocks import adjustment_history, record_clock
from app.errors import UserError
from app.registers import clock_of_row
from app.services import clock_adjustments
from ui.forms.base import CHOICE, DATE, MULTILINE, Field, RecordDialog
from ui.undo import CreateCommand, RecordCommand
from ui.widgets.date_edit import format_uk_date

PAUSE, RESUME, EXTEND = "pause", "resume", "extend"
CHANGES = ((PAUSE, "Pause the clock"), (RESUME, "Resume the clock"), (EXTEND, "Extend it to a new due date"))


class ResumeCommand(RecordCommand):
    """A pause was ended: undo reopens it, redo ends it again on the same day."""

    def __init__(self, database, text: str, key: tuple[int, str, int], pause_id: int, on: dt.date):
        super().__init__(database, text)
        self._key, self._pause_id, self._on = key, pause_id, on

    def _undo(self, session) -> None:
        clock_adjustments.unresume_clock(session, self._pause_id)

    def _redo(self, session) -> None:
        clock_adjustments.resume_clock(session, *self._key, on=self._on)


class ClockAdjustmentDialog(RecordDialog):
    """A clock on a case, as the Clocks page names it (``app.registers.clock_row_id``)."""

    kind = "case_clocks"
    noun = "clock"
    focus_edit = "change"
    fields = (
        Field("change", "Change", CHOICE, required=True, choices=CHANGES),
        Field("on", "On", DATE, required=True, problem_keys=("from_on", "agreed_on"),
              hint="Pause: the first day not counted. Resume: the day it runs again. "
                   "Extension: the day the new date was agreed."),
        Field("to_on", "New due date", DATE, hint="Only for an extension"),
        Field("reason", "Reason", MULTILINE, lines=3, hint="Why: the post-mortem awaited, criminal proceedings..."),
    )

    @classmethod
    def _status(cls, session, record_id: int):
        status = record_clock(session, *clock_of_row(record_id), dt.date.today())
        if status is None:
            raise UserError("This clock no longer runs on this case: its record or the clock may have been archived.")
        return status

    @classmethod
    def read(cls, session, record_id):
        status = cls._status(session, record_id)
        return {"change": RESUME if status.state == "paused" else None, "on": dt.date.today(),
                "to_on": None, "reason": None}

    @classmethod
    def describe(cls, session, record_id):
        status = cls._status(session, record_id)
        return f"{status.clock_name} on {status.reference}"

    def title(self):
        return f"Pause or extend: {self._label}"

    def _prepare(self, session, values):
        status = self._status(session, self.record_id)
        due = f"due {format_uk_date(status.due_on)}, {status.when}" if status.due_on else status.when
        lines = [f"Now: {due}."]
        for adjustment, withdrawn in adjustment_history(session, status.clock_id, status.record_kind,
                                                        status.record_id):
            text = adjustment.describe(format_uk_date)
            lines.append(f"{text} (withdrawn)" if withdrawn else text)
        self._summary = "\n".join(lines)

    def _after_load(self):
        self.heading.setText(f"{self.title()}\n{self._summary}")
        self.heading.setWordWrap(True)

    def changed_values(self):
        return self.values()

    def _write(self):
        key, values = clock_of_row(self.record_id), self.values()

        def perform(session):
            change = values["change"]
            if change == RESUME:
                pause = clock_adjustments.resume_clock(session, *key, on=values["on"])
            elif change == PAUSE:
                pause = clock_adjustments.pause_clock(session, *key, from_on=values["on"], reason=values["reason"])
            elif change == EXTEND:
                pause = clock_adjustments.extend_clock(session, *key, to_on=values["to_on"], reason=values["reason"],
                                                       agreed_on=values["on"])
            else:
                raise UserError("Choose whether to pause, resume or extend the clock.", field="change")
            return change, pause.id, values["on"]

        return perform

    def _command(self, written):
        change, adjustment_id, on = written
        text = f"{dict(CHANGES)[change]}: {self._label}"
        if change == RESUME:
            return self.record_id, ResumeCommand(self._database, text, clock_of_row(self.record_id), adjustment_id, on)
        return self.record_id, CreateCommand(
            self._database, text, adjustment_id,
            archive=clock_adjustments.withdraw_adjustment, restore=clock_adjustments.reinstate_adjustment)


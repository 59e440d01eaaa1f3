"""Undo and redo of the session's edits, creations and deletions.

Each command re-runs services in a unit of work of its own, so undoing is an ordinary
audited change (a deletion undone is a restore, a creation undone is an archive). The
form has already saved when a command is pushed.

``UndoStack`` runs a command's change as an operation off the GUI thread
(``ui.operations.CollectionOp``) and moves the stack only once the change is committed;
Qt's own ``undo()``/``redo()`` of a command then have nothing left to do. So:

- a fault (the database busy, the disk full) or a bug leaves the stack where it was, and
  the user is told (a bug in the crash dialog, and the log);
- a refusal (someone else has changed the record since, so undoing would overwrite them;
  or the service refuses) changes nothing either, is said in a plain sentence, and takes
  the command off the stack: it can never succeed, and what remains on the stack still
  matches the database;
- while an undo or redo runs, Undo and Redo wait, and a command pushed meanwhile (a
  deletion finishing) is pushed once it has ended, so the stack keeps the order in which
  the changes were committed.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QWidget
from shiboken6 import isValid
from sqlalchemy.orm import Session

from app.database import Database
from app.errors import UserError
from ui import dialogs
from ui.errors import KnownFault
from ui.operations import CollectionOp

Reader = Callable[[Session, int], dict]
Writer = Callable[[Session, int, dict], Any]
Step = Callable[[Session, int], Any]


class ChangedMeanwhile(UserError):
    """The record no longer holds what this session saved: undoing would overwrite someone."""


class RecordCommand(QUndoCommand):
    """An entry on the undo stack: a change already saved, and how to take it back
    (``undo_step``) and make it again (``redo_step``), each given one session."""

    def __init__(self, database: Database, text: str):
        super().__init__(text)
        self.database = database

    def undo_step(self, session: Session) -> Any:
        return self._undo(session)

    def redo_step(self, session: Session) -> Any:
        return self._redo(session)

    def moved(self, undone: bool, result: Any) -> None:
        """Hook, on the GUI thread: the step committed with ``result``."""

    # Qt calls these when the stack moves, which ``UndoStack`` does only once the step
    # has committed: there is nothing left to do, and nothing here may fail.
    def undo(self) -> None:
        pass

    def redo(self) -> None:
        pass

    def _redo(self, session: Session) -> Any:
        raise NotImplementedError

    def _undo(self, session: Session) -> Any:
        raise NotImplementedError


class CreateCommand(RecordCommand):
    """A record was added (a referral, a decision, a progress update...): undo archives it,
    redo restores it."""

    def __init__(self, database: Database, text: str, record_id: int, *, archive: Step, restore: Step):
        super().__init__(database, text)
        self.record_id = record_id
        self._archive = archive
        self._restore = restore

    def _undo(self, session: Session) -> None:
        self._archive(session, self.record_id)

    def _redo(self, session: Session) -> None:
        self._restore(session, self.record_id)


class DeleteCommand(RecordCommand):
    """Records were archived: undo restores them all, redo archives them again."""

    def __init__(self, database: Database, text: str, record_ids: Iterable[int], *, archive: Step,
                 restore: Step):
        super().__init__(database, text)
        self.record_ids = list(record_ids)
        self._archive = archive
        self._restore = restore

    def _undo(self, session: Session) -> None:
        for record_id in self.record_ids:
            self._restore(session, record_id)

    def _redo(self, session: Session) -> None:
        for record_id in self.record_ids:
            self._archive(session, record_id)


class ChangeCommand(RecordCommand):
    """Fields of a record changed from ``before`` to ``after``. ``read`` gives the record's
    current values, ``write`` sets values through the services. Undo writes ``before``
    back, but only when the record still holds ``after``; redo the reverse."""

    def __init__(self, database: Database, text: str, record_id: int, *, before: dict, after: dict,
                 read: Reader, write: Writer):
        super().__init__(database, text)
        self.record_id = record_id
        self.before = dict(before)
        self.after = dict(after)
        self._read = read
        self._write = write

    def _move(self, session: Session, expected: dict, wanted: dict) -> None:
        current = self._read(session, self.record_id)
        if any(current.get(key) != value for key, value in expected.items()):
            raise ChangedMeanwhile("Someone else has changed this record since, "
                                   "so it has been left as they left it.")
        self._write(session, self.record_id, wanted)

    def _undo(self, session: Session) -> None:
        self._move(session, self.after, self.before)

    def _redo(self, session: Session) -> None:
        self._move(session, self.before, self.after)


class OperationCommand(RecordCommand):
    """A use case run on a record (closing an action, revising its target, signing it off).
    Undo puts back the ``before`` state through ``restore``; redo runs the use case again
    (``perform``), since what it creates (a target revision) cannot be put back as it was.
    Both check first that the record is as this session left it."""

    def __init__(self, database: Database, text: str, record_id: int, *, before: dict, after: dict,
                 read: Reader, restore: Writer, perform: Step):
        super().__init__(database, text)
        self.record_id = record_id
        self.before = dict(before)
        self.after = dict(after)
        self._read = read
        self._restore = restore
        self._perform = perform

    def _check(self, session: Session, expected: dict) -> None:
        if self._read(session, self.record_id) != expected:
            raise ChangedMeanwhile("Someone else has changed this record since, "
                                   "so it has been left as they left it.")

    def _undo(self, session: Session) -> None:
        self._check(session, self.after)
        self._restore(session, self.record_id, self.before)

    def _redo(self, session: Session) -> dict:
        self._check(session, self.before)
        self._perform(session, self.record_id)
        session.flush()
        return self._read(session, self.record_id)

    def moved(self, undone: bool, result: Any) -> None:
        if not undone:
            self.after = result  # the use case run again made new rows (a new revision)


class UndoStack(QUndoStack):
    """The session's undo stack (see the module's docstring). Use ``undo()``/``redo()`` or
    the actions of ``make_actions``; ``busy_changed(bool)`` says when a change is running."""

    busy_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._op: CollectionOp | None = None
        self._waiting: list[RecordCommand] = []

    @property
    def is_busy(self) -> bool:
        """True while an undo or redo is being written."""
        return self._op is not None

    def push(self, command: QUndoCommand) -> None:
        if not isinstance(command, RecordCommand):
            raise TypeError("the undo stack takes RecordCommands, which change the database off the GUI thread")
        if self.is_busy:
            self._waiting.append(command)
        else:
            super().push(command)

    def undo(self) -> None:
        """Undo the last change: written off the GUI thread, then the stack moves."""
        if not self.is_busy and self.canUndo():
            self._start(self.command(self.index() - 1), undoing=True)

    def redo(self) -> None:
        if not self.is_busy and self.canRedo():
            self._start(self.command(self.index()), undoing=False)

    def _start(self, command: RecordCommand, *, undoing: bool) -> None:
        doing = "undo" if undoing else "redo"
        self._op = CollectionOp(
            self._window(), command.database, command.undo_step if undoing else command.redo_step,
            title=f"Could not {doing}",
            success=lambda result: self._on_written(command, undoing, result),
            failure=lambda error: self._on_refused(command, undoing, error),
            ended=self._on_ended)
        self.busy_changed.emit(True)
        self._op.run_in_background()

    def _window(self) -> QWidget | None:
        """The window the stack belongs to, over which messages are shown."""
        parent = self.parent()
        return parent if isinstance(parent, QWidget) else None

    def _move(self, undoing: bool) -> None:
        if undoing:
            QUndoStack.undo(self)
        else:
            QUndoStack.redo(self)

    def _on_written(self, command: RecordCommand, undoing: bool, result: Any) -> None:
        command.moved(undoing, result)
        self._move(undoing)

    def _on_refused(self, command: RecordCommand, undoing: bool, error: UserError) -> None:
        doing = "undo" if undoing else "redo"
        message = f"Could not {doing} “{command.text()}”. {error}"
        if not isinstance(error, KnownFault):
            # It can never succeed: off the stack (Qt drops an obsolete command as it moves).
            command.setObsolete(True)
            self._move(undoing)
            message += f" It has been taken off the list of changes to {doing}."
        dialogs.warn(self._window(), f"Could not {doing}", message)

    def _on_ended(self) -> None:
        self._op = None
        waiting, self._waiting = self._waiting, []
        for command in waiting:
            super().push(command)
        self.busy_changed.emit(False)

    def make_actions(self, parent: QWidget) -> tuple[QAction, QAction]:
        """Edit ▸ Undo (Ctrl+Z) and Edit ▸ Redo (Ctrl+Y, and Ctrl+Shift+Z as on other
        systems), named after what they would undo or redo ("Undo Add referral Ref054"),
        and unavailable while a change is being written."""
        undo = QAction(parent)
        undo.setShortcut(QKeySequence("Ctrl+Z"))
        redo = QAction(parent)
        redo.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
        undo.triggered.connect(lambda _checked=False: self.undo())
        redo.triggered.connect(lambda _checked=False: self.redo())

        def update(*_args) -> None:
            if not (isValid(self) and isValid(undo) and isValid(redo)):  # going with their window
                return
            undo.setText(f"&Undo {self.undoText()}".rstrip())
            undo.setEnabled(self.canUndo() and not self.is_busy)
            redo.setText(f"&Redo {self.redoText()}".rstrip())
            redo.setEnabled(self.canRedo() and not self.is_busy)

        for signal in (self.indexChanged, self.cleanChanged, self.busy_changed, self.undoTextChanged,
                       self.redoTextChanged, self.canUndoChanged, self.canRedoChanged):
            signal.connect(update)
        update()
        return undo, redo


def push(stack: UndoStack | None, command: RecordCommand) -> None:
    """Push ``command`` when there is a stack (forms also run without one, e.g. in tests)."""
    if stack is not None:
        stack.push(command)

"""Undo and redo of the session's edits, creations and deletions.

Each command re-runs services in a unit of work of its own, so undoing is an ordinary
audited change (a deletion undone is a restore, a creation undone is an archive). The
form has already saved when a command is pushed, so the first ``redo`` (which
``QUndoStack.push`` calls) does nothing.

Before changing anything a command checks the record still holds what this session left
there; if someone else has changed it meanwhile, or the service refuses, the user is told
in a plain sentence, nothing is changed, and the command is dropped from the stack (it is
marked obsolete), so what remains on the stack still matches the database.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

from PySide6.QtGui import QAction, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QWidget
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.database import Database
from app.errors import UserError
from ui import dialogs

Reader = Callable[[Session, int], dict]
Writer = Callable[[Session, int, dict], Any]
Step = Callable[[Session, int], Any]


class ChangedMeanwhile(UserError):
    """The record no longer holds what this session saved: undoing would overwrite someone."""


class RecordCommand(QUndoCommand):
    """Base: runs a step in its own unit of work; a failure is a plain message."""

    def __init__(self, database: Database, text: str, parent_widget: QWidget | None = None):
        super().__init__(text)
        self._database = database
        self._parent_widget = parent_widget
        self._first = True
        self.failed_message: str | None = None

    def _run(self, step: Callable[[Session], Any], doing: str) -> bool:
        try:
            with self._database.sessions.begin() as session:
                step(session)
        except (UserError, StaleDataError, SQLAlchemyError) as err:
            if isinstance(err, StaleDataError):
                message = "Someone else changed this record at the same moment."
            elif isinstance(err, UserError):
                message = str(err)
            else:
                message = "The database refused the change."
            self.failed_message = f"Could not {doing} “{self.text()}”. {message}"
            self.setObsolete(True)
            dialogs.warn(self._parent_widget, f"Could not {doing}", self.failed_message)
            return False
        return True

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        self._run(self._redo, "redo")

    def undo(self) -> None:
        self._run(self._undo, "undo")

    def _redo(self, session: Session) -> None:
        raise NotImplementedError

    def _undo(self, session: Session) -> None:
        raise NotImplementedError


class CreateCommand(RecordCommand):
    """A record was added (a referral, a decision, a progress update...): undo archives it,
    redo restores it."""

    def __init__(self, database: Database, text: str, record_id: int, *, archive: Step, restore: Step,
                 parent_widget: QWidget | None = None):
        super().__init__(database, text, parent_widget)
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
                 restore: Step, parent_widget: QWidget | None = None):
        super().__init__(database, text, parent_widget)
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
                 read: Reader, write: Writer, parent_widget: QWidget | None = None):
        super().__init__(database, text, parent_widget)
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
                 read: Reader, restore: Writer, perform: Step, parent_widget: QWidget | None = None):
        super().__init__(database, text, parent_widget)
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

    def _redo(self, session: Session) -> None:
        self._check(session, self.before)
        self._perform(session, self.record_id)
        session.flush()
        self.after = self._read(session, self.record_id)


def make_undo_stack(parent=None) -> QUndoStack:
    """The session's undo stack; the main window offers its undo/redo actions (Ctrl+Z, Ctrl+Y)."""
    stack = QUndoStack(parent)
    return stack


def undo_actions(stack: QUndoStack, parent) -> tuple[QAction, QAction]:
    """Edit ▸ Undo (Ctrl+Z) and Edit ▸ Redo (Ctrl+Y, and Ctrl+Shift+Z as on other systems),
    named after what they would undo or redo ("Undo Add referral Ref054")."""
    undo = stack.createUndoAction(parent, "&Undo")
    undo.setShortcut(QKeySequence("Ctrl+Z"))
    redo = stack.createRedoAction(parent, "&Redo")
    redo.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
    return undo, redo


def push(stack: QUndoStack | None, command: QUndoCommand) -> None:
    """Push ``command`` when there is a stack (forms also run without one, e.g. in tests)."""
    if stack is not None:
        stack.push(command)

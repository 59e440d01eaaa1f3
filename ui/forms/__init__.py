"""Forms for every kind of record, the quick actions on them, and deleting (archiving).

The main window codes against the functions here:

- ``open_editor`` opens the form for a new or existing record and returns the saved id;
- ``delete_records`` archives records after asking, off the GUI thread, with an undoable
  command;
- ``quick_actions`` / ``run_quick_action``: the few-keystroke use cases on a record
  (record a decision, add a progress update, close an action...).

``make_editor`` and ``make_quick_action`` return the dialog without running it, so tests
(and anything wanting ``show()`` + signals) can drive it.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Iterator

from PySide6.QtWidgets import QWidget

from app.database import Database
from app.errors import UserError
from ui import dialogs
from ui.operations import CollectionOp, QueryOp
from ui.undo import DeleteCommand, push

if TYPE_CHECKING:
    from ui.forms.base import RecordDialog


def _dialog(name: str) -> type[RecordDialog]:
    """A dialog class named "module.Class" within this package, imported when first used:
    the window opens without waiting for every form's module."""
    module, _dot, cls = name.rpartition(".")
    return getattr(importlib.import_module(f"ui.forms.{module}"), cls)


class _Forms(Mapping):
    """Register key -> form class, each class imported when first asked for."""

    def __init__(self, names: dict[str, str]):
        self._names = names

    def __getitem__(self, kind: str) -> type[RecordDialog]:
        return _dialog(self._names[kind])

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


FORMS: Mapping[str, type[RecordDialog]] = _Forms({
    "referrals": "referral.ReferralDialog",
    "decisions": "decision.DecisionDialog",
    "reviews": "review.ReviewDialog",
    "recommendations": "recommendation.RecommendationDialog",
    "actions": "action.ActionDialog",
    "progress_updates": "progress_update.ProgressUpdateDialog",
    "meetings": "meeting.MeetingDialog",
    "learning": "learning.LearningEventDialog",
    "agencies": "reference_lists.AgencyDialog",
    "themes": "reference_lists.ThemeDialog",
    "lists": "reference_lists.ListItemDialog",
    "clocks": "reference_lists.ClockDialog",
    "disseminations": "learning.DisseminationDialog",
})
"""The form for each register key (and "disseminations", reached from a learning event)."""

EDITABLE_KINDS: set[str] = set(FORMS) - {"disseminations"}


@dataclass(frozen=True)
class QuickAction:
    name: str
    label: str
    dialog_name: str  # "module.Class" in this package
    # For a new child record: the context key that carries the chosen record's id.
    # None: the dialog works on the chosen record itself.
    parent_key: str | None = None

    @property
    def dialog(self) -> type[RecordDialog]:
        return _dialog(self.dialog_name)


QUICK_ACTIONS: dict[str, tuple[QuickAction, ...]] = {
    "referrals": (
        QuickAction("record_decision", "Record decision…", "decision.DecisionDialog", "referral_id"),
        QuickAction("add_review", "Commission review…", "review.ReviewDialog", "referral_id"),
    ),
    "reviews": (
        QuickAction("add_recommendation", "Add recommendation…", "recommendation.RecommendationDialog",
                    "review_id"),
        QuickAction("add_learning_event", "Add learning event…", "learning.LearningEventDialog", "review_id"),
    ),
    "recommendations": (
        QuickAction("add_action", "Add action…", "action.ActionDialog", "recommendation_id"),
        QuickAction("record_response", "Record response…", "recommendation.RecommendationResponseDialog"),
    ),
    "actions": (
        QuickAction("add_update", "Add progress update…", "progress_update.ProgressUpdateDialog", "action_id"),
        QuickAction("revise_target", "Revise target date…", "action.ReviseTargetDialog"),
        QuickAction("close_action", "Close action…", "action.CloseActionDialog"),
        QuickAction("reopen_action", "Reopen action…", "action.ReopenActionDialog"),
        QuickAction("sign_off", "Sign off at a meeting…", "action.SignOffDialog"),
    ),
    "learning": (
        QuickAction("add_dissemination", "Record dissemination…", "learning.DisseminationDialog",
                    "learning_event_id"),
    ),
    "case_clocks": (
        QuickAction("adjust_clock", "Pause or extend the clock…", "clock_adjustment.ClockAdjustmentDialog"),
    ),
}


def _form(kind: str) -> type[RecordDialog]:
    try:
        return FORMS[kind]
    except KeyError:
        raise ValueError(f"no form for {kind!r}") from None


def make_editor(parent: QWidget | None, database: Database, undo_stack, kind: str,
                record_id: int | None = None, **context) -> RecordDialog:
    """The form for a record of ``kind`` (a new one when ``record_id`` is None), not yet shown."""
    return _form(kind)(database, undo_stack, record_id, parent, **context)


def _run(dialog: RecordDialog) -> int | None:
    """Run ``dialog`` modally; the id it saved, or None. The dialog is deleted afterwards:
    a form left as a child of the window kept its few hundred widgets for as long as the
    window was open, one more set for every record opened."""
    dialog.fit_to_screen()
    try:
        dialog.exec()
        return dialog.saved_id
    finally:
        dialog.deleteLater()


def open_editor(parent: QWidget | None, database: Database, undo_stack, kind: str,
                record_id: int | None = None, **context) -> int | None:
    """Edit (or add) a record in a modal form; the saved record's id, or None if cancelled."""
    try:
        dialog = make_editor(parent, database, undo_stack, kind, record_id, **context)
    except UserError as err:
        dialogs.warn(parent, "Cannot open this record", str(err))
        return None
    return _run(dialog)


def quick_actions(kind: str) -> list[tuple[str, str]]:
    """The quick actions offered on a record of ``kind``: (name, menu text) pairs."""
    return [(q.name, q.label) for q in QUICK_ACTIONS.get(kind, ())]


def make_quick_action(parent: QWidget | None, database: Database, undo_stack, name: str, kind: str,
                      record_id: int) -> RecordDialog:
    """The dialog for quick action ``name`` on record ``record_id`` of ``kind``, not yet shown."""
    action = next((q for q in QUICK_ACTIONS.get(kind, ()) if q.name == name), None)
    if action is None:
        raise ValueError(f"no quick action {name!r} for {kind!r}")
    if action.parent_key is not None:
        return action.dialog(database, undo_stack, None, parent, **{action.parent_key: record_id})
    return action.dialog(database, undo_stack, record_id, parent)


def run_quick_action(parent: QWidget | None, database: Database, undo_stack, name: str, kind: str,
                     record_id: int) -> bool:
    """Run a quick action in a modal dialog; True if it saved."""
    try:
        dialog = make_quick_action(parent, database, undo_stack, name, kind, record_id)
    except UserError as err:
        dialogs.warn(parent, "Cannot open this record", str(err))
        return False
    return _run(dialog) is not None


def delete_records(parent: QWidget | None, database: Database, undo_stack, kind: str,
                   ids: Iterable[int]) -> None:
    """Archive records after asking (naming them), off the GUI thread: their names are
    read, the question asked, then they are archived in one unit of work and an undoable
    command restores them. What was deleted is announced like any write
    (``ui.operations.changes``)."""
    form = _form(kind)
    ids = list(dict.fromkeys(ids))
    if not ids:
        return

    def names(session) -> list[str]:
        return [form.describe(session, record_id) for record_id in ids]

    QueryOp(parent, database, names, title="Delete",
            success=lambda found: _confirm_delete(parent, database, undo_stack, form, ids, found)).run_in_background()


def _confirm_delete(parent: QWidget | None, database: Database, undo_stack, form: type[RecordDialog],
                    ids: list[int], names: list[str]) -> None:
    if len(ids) == 1:
        what = names[0]
    else:
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        what = f"these {len(ids)} {form.noun}s ({shown})"
    question = (f"Delete {what}?\n\nIt will be archived: it disappears from the lists but nothing "
                "is lost, and Undo (Ctrl+Z) brings it back.")
    if not dialogs.confirm(parent, "Delete", question, yes="Delete", no="Keep"):
        return

    def archive(session) -> None:
        for record_id in ids:
            form.archive(session, record_id)

    label = names[0] if len(ids) == 1 else f"{len(ids)} {form.noun}s"
    CollectionOp(parent, database, archive, title="Could not delete",
                 success=lambda _none: push(undo_stack, DeleteCommand(
                     database, f"Delete {label}", ids, archive=form.archive, restore=form.restore))
                 ).run_in_background()

"""The status vocabulary of an action, and the one rule for each word.

Every table, workbook, paper and command says where an action stands with these words, decided
here and nowhere else:

- **open**: its status is one the office counts as open ("Not started", "In progress"...);
- **overdue**: open, and its target date is before the date the reader is asking about;
- **due soon**: open, not overdue, and due within ``DUE_SOON_DAYS`` of that date;
- **completed**: closed as implemented (the "Implemented and verified" reason, or the
  "Complete" status) *with* evidence of completion recorded;
- **closed**: closed any other way, always shown with its reason ("Closed – superseded",
  "Closed – risk accepted"...). A "Complete" action with no evidence of completion is closed
  "without evidence of completion", never "completed".

Closed actions carry no red, amber or green rating: a completed one is Blue, any other closed
one has no rating. ``overdue_clause`` is the same overdue rule as SQL, for counts the
database makes itself.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, and_, false, select

from db.models import ListItem, ListKind

OPEN = "open"
OVERDUE = "overdue"
DUE_SOON = "due soon"
COMPLETED = "completed"
CLOSED = "closed"
STATES = (OVERDUE, DUE_SOON, OPEN, COMPLETED, CLOSED)
"""The states, in the order an office reads them: the urgent first."""

# An open action due within this many days of the date asked about is "due soon".
DUE_SOON_DAYS = 14

# Codes of list values the rules reason about (``ListItem.code``); the names are the office's.
COMPLETE_STATUS = "complete"
IMPLEMENTED = "implemented"
NO_EVIDENCE = "no evidence of completion"

COMPLETED_LABEL = "Completed"
CLOSED_PREFIX = "Closed \u2013 "  # "Closed – superseded"
BLUE = "Blue"


def is_overdue(is_open: bool | None, target_on: dt.date | None, as_at: dt.date) -> bool:
    """Open and past its target date on ``as_at`` (due on ``as_at`` itself is not overdue)."""
    return bool(is_open) and target_on is not None and target_on < as_at


def is_due_soon(is_open: bool | None, target_on: dt.date | None, as_at: dt.date) -> bool:
    """Open, and due on ``as_at`` or within ``DUE_SOON_DAYS`` after it."""
    return bool(is_open) and target_on is not None and 0 <= (target_on - as_at).days <= DUE_SOON_DAYS


def is_completed(status_code: str | None, closure_code: str | None, evidence_of_completion: str | None) -> bool:
    """Closed as implemented, with evidence of completion."""
    implemented = closure_code == IMPLEMENTED or (closure_code is None and status_code == COMPLETE_STATUS)
    return implemented and bool((evidence_of_completion or "").strip())


def action_state(*, is_open: bool, target_on: dt.date | None, as_at: dt.date, status_code: str | None,
                 closure_code: str | None, evidence_of_completion: str | None) -> str:
    """The one word for where an action stands on ``as_at`` (one of ``STATES``)."""
    if is_open:
        if is_overdue(True, target_on, as_at):
            return OVERDUE
        return DUE_SOON if is_due_soon(True, target_on, as_at) else OPEN
    return COMPLETED if is_completed(status_code, closure_code, evidence_of_completion) else CLOSED


def closure_words(*, status_code: str | None, closure_code: str | None, closure_name: str | None,
                  evidence_of_completion: str | None) -> str:
    """Why a closed, not completed, action was closed, for "Closed – …"."""
    if closure_code == IMPLEMENTED or (closure_code is None and status_code == COMPLETE_STATUS):
        return NO_EVIDENCE  # implemented, but nothing shows it
    return closure_name or "reason not recorded"


def closed_text(reason: str) -> str:
    """"Closed – <reason>", from a closure reason's name or words."""
    reason = reason[0].lower() + reason[1:] if reason and not reason[:2].isupper() else reason
    if reason.startswith("closed, "):  # "Closed, risk accepted" says "closed" already
        reason = reason[len("closed, "):]
    return CLOSED_PREFIX + reason


def status_text(*, state: str, status_name: str, status_code: str | None, closure_code: str | None,
                closure_name: str | None, evidence_of_completion: str | None) -> str:
    """The status as every table and paper prints it: an open action's own status name,
    "Completed", or "Closed – <reason>"."""
    if state == COMPLETED:
        return COMPLETED_LABEL
    if state == CLOSED:
        return closed_text(closure_words(status_code=status_code, closure_code=closure_code,
                                         closure_name=closure_name, evidence_of_completion=evidence_of_completion))
    return status_name


def status_choices(open_status_names: list[str], closure_reasons: list[tuple[str | None, str]]) -> list[str]:
    """Every status an action can be given, as shown: the open statuses, "Completed", and
    "Closed – <reason>" for each closure reason (``(code, name)``) other than implemented."""
    closed = [closed_text(name) for code, name in closure_reasons if code != IMPLEMENTED]
    return [*open_status_names, COMPLETED_LABEL, *closed]


def shown_rag(rag: str | None, state: str) -> str | None:
    """The RAG rating to show: Blue for a completed action, none for one closed otherwise (a
    closed action is never red, amber or green), the recorded rating for an open one."""
    if state == COMPLETED:
        return BLUE
    if state == CLOSED:
        return None
    return rag


def open_status_ids_clause() -> ColumnElement:
    """SQL: the action status values the office counts as open."""
    return select(ListItem.id).where(ListItem.kind == ListKind.ACTION_STATUS, ListItem.is_open.is_(True))


def overdue_clause(status_id: ColumnElement, target_on: ColumnElement, as_at: dt.date | None) -> ColumnElement:
    """SQL for ``is_overdue``: the action's status is an open one and its target is before
    ``as_at`` (no date: nothing is overdue)."""
    if as_at is None:
        return false()
    return and_(status_id.in_(open_status_ids_clause()), target_on < as_at)

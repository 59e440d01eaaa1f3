"""Reading again only the rows of a large register that a save changed.

Reading the whole action plan of 100,000 actions takes seconds; an edit changes one row. So
after a write (``ui.operations.Changes``: the table and id of each row it wrote) the window
reads the changed rows alone, where the write is of a kind whose effect on the register is
known (``ROW_UPDATES``), and puts them in place (``app.table_query.TableQuery.replaced``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.registers import ID_INDEX, fetch_actions, fetch_progress_updates
from db.models import Chase, ProgressUpdate, TargetRevision


@dataclass(frozen=True)
class RowUpdates:
    """How a large register's rows are read again after a write that changed only some of
    them, rather than the whole register: ``table`` holds its records and ``fetch`` reads
    the rows of some of their ids (in no order); a change to one of ``children`` (table →
    its id and parent id columns) reads the parent's row again; a change to a table in
    ``unaffected`` leaves the rows as they were. Any other change reads the whole register."""

    table: str
    fetch: Callable[[Session, Sequence[int]], list[tuple]]
    children: dict[str, tuple[Any, Any]]
    unaffected: frozenset[str] = frozenset({"audit_entry"})

    def covers(self, tables: Iterable[str]) -> bool:
        """Whether a write to ``tables`` can be shown by reading some rows again."""
        return all(t == self.table or t in self.children or t in self.unaffected for t in tables)


ROW_UPDATES: dict[str, RowUpdates] = {
    "actions": RowUpdates(
        "action", lambda session, ids: fetch_actions(session, ids=ids),
        {"progress_update": (ProgressUpdate.id, ProgressUpdate.action_id),
         "target_revision": (TargetRevision.id, TargetRevision.action_id),
         "chase": (Chase.id, Chase.action_id)}),
    "progress_updates": RowUpdates("progress_update", fetch_progress_updates, {}),
}
"""The registers read again row by row after a save, by key."""


def changed_rows(key: str, session: Session,
                 records: dict[str, frozenset[int]]) -> tuple[list[tuple], set[int]] | None:
    """The rows of register ``key`` that a write to ``records`` (table → ids) changed, as
    they are now, and the ids of those that are no longer in it (archived, deleted); None
    when the write cannot be shown row by row (``ROW_UPDATES``): a child that is gone
    no longer says whose row it changed."""
    updates = ROW_UPDATES.get(key)
    if updates is None or not updates.covers(records):
        return None
    ids = set(records.get(updates.table, ()))
    for table, (child_id, parent_id) in updates.children.items():
        children = records.get(table)
        if children:
            found = dict(session.connection().execute(select(child_id, parent_id).where(child_id.in_(children))).all())
            if len(found) < len(children):
                return None
            ids.update(found.values())
    rows = updates.fetch(session, sorted(ids)) if ids else []
    return rows, ids - {row[ID_INDEX] for row in rows}

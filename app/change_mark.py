"""The database's change mark: the id of its newest audit entry. Every write through the
services is audited, so the mark moves whenever anything is written, by this program or by
another (a colleague's copy on a shared database, a command run meanwhile); the entries
after a mark name the records written since."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import AuditEntry


def change_mark(session: Session) -> int:
    """The id of the newest audit entry (0 when there is none); it moves with every write."""
    return session.scalar(select(func.max(AuditEntry.id))) or 0


# More entries than this since a mark: a bulk write (an import), shown by reading everything again.
MOST_CHANGES_READ = 1000


def changed_since(session: Session, mark: int, most: int = MOST_CHANGES_READ) -> set[tuple[str, str]] | None:
    """The records written since change mark ``mark``, as (table, record id) pairs, read from
    the audit entries after it (by their key: cheap); None when there are more than ``most``
    entries, or one names no record."""
    rows = session.execute(select(AuditEntry.table_name, AuditEntry.record_id).where(AuditEntry.id > mark)
                           .order_by(AuditEntry.id).limit(most + 1)).all()
    if len(rows) > most or any(record_id is None for _table, record_id in rows):
        return None
    return {(table, record_id) for table, record_id in rows}

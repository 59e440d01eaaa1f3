"""The database's change mark: the id of its newest audit entry. Every write through the
services is audited, so the mark moves whenever anything is written, by this program or by
another (a colleague's copy on a shared database, a command run meanwhile)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import AuditEntry


def change_mark(session: Session) -> int:
    """The id of the newest audit entry (0 when there is none); it moves with every write."""
    return session.scalar(select(func.max(AuditEntry.id))) or 0

"""The audit trail: every create, change and delete, field by field, written in the same
transaction as the change itself (so an audit row exists exactly when the change does)."""

from __future__ import annotations

import datetime as dt
import getpass
from typing import Any, Iterable

from sqlalchemy import event, inspect, insert
from sqlalchemy.orm import Session

from db.models import AuditEntry

_SKIPPED_FIELDS = {"version"}


def current_user() -> str:
    """The operating-system user, as recorded in the audit trail."""
    try:
        return getpass.getuser()
    except Exception:  # no login name (a service account, say): still record something
        return "unknown"


def audit_text(value: Any) -> str | None:
    """A value as the audit trail writes it: dates as ISO dates, a list joined, a record by its id."""
    if value is None:
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set)):
        return ", ".join(sorted(audit_text(v) or "" for v in value))
    if hasattr(value, "__table__"):
        return str(_record_id(value))
    return str(value)


def _record_id(obj: Any) -> str:
    # Read the key from the row's attributes: new objects have no identity yet in after_flush.
    ident = inspect(obj).mapper.primary_key_from_instance(obj)
    return "/".join(str(v) for v in ident)


def _columns_and_links(obj: Any) -> tuple[list, list]:
    mapper = inspect(obj).mapper
    columns = [a for a in mapper.column_attrs if a.key not in _SKIPPED_FIELDS]
    links = [r for r in mapper.relationships if r.secondary is not None]
    return columns, links


def _entries_for(obj: Any, operation: str, user: str, now: dt.datetime) -> Iterable[dict]:
    state = inspect(obj)
    table = obj.__table__.name
    record_id = _record_id(obj)
    columns, links = _columns_and_links(obj)
    base = {"at": now, "user": user, "table_name": table, "record_id": record_id}

    if operation in ("create", "purge"):
        for attr in columns:
            value = getattr(obj, attr.key)
            if value is not None:
                old, new = (None, value) if operation == "create" else (value, None)
                yield {**base, "operation": operation, "field": attr.key,
                       "old_value": audit_text(old), "new_value": audit_text(new)}
        if operation == "create":
            for rel in links:
                added = state.attrs[rel.key].history.added
                if added:
                    yield {**base, "operation": operation, "field": rel.key,
                           "old_value": None, "new_value": audit_text([_record_id(o) for o in added])}
        if operation == "purge":
            yield {**base, "operation": "purge", "field": None, "old_value": None, "new_value": None}
        return

    for attr in columns:
        hist = state.attrs[attr.key].history
        if not hist.has_changes():
            continue
        old = hist.deleted[0] if hist.deleted else None
        new = hist.added[0] if hist.added else None
        if old == new:
            continue
        op = "update"
        if attr.key == "archived_at":
            op = "archive" if new is not None else "restore"
        yield {**base, "operation": op, "field": attr.key,
               "old_value": audit_text(old), "new_value": audit_text(new)}
    for rel in links:
        hist = state.attrs[rel.key].history
        if hist.added or hist.deleted:
            before = [o for o in (hist.unchanged or []) + (hist.deleted or [])]
            after = [o for o in (hist.unchanged or []) + (hist.added or [])]
            yield {**base, "operation": "update", "field": rel.key,
                   "old_value": audit_text([_record_id(o) for o in before]),
                   "new_value": audit_text([_record_id(o) for o in after])}


def _after_flush(session: Session, _ctx) -> None:
    user = session.info.get("audit_user") or current_user()
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    rows: list[dict] = []
    for operation, objs in (("create", session.new), ("update", session.dirty),
                            ("purge", session.deleted)):
        for obj in objs:
            if isinstance(obj, AuditEntry) or not hasattr(obj, "__table__"):
                continue
            if operation == "update" and not session.is_modified(obj):
                continue
            rows.extend(_entries_for(obj, operation, user, now))
    if rows:
        session.connection().execute(insert(AuditEntry.__table__), rows)


def install_audit(session_factory) -> None:
    """Record every change made through sessions of ``session_factory``."""
    event.listen(session_factory, "after_flush", _after_flush)

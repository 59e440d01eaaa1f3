"""The audit trail: every create, change and delete, field by field, written in the same
transaction as the change itself (so an audit row exists exactly when the change does).

On a PostgreSQL server the server keeps it too (migration 0005): it stamps each entry written
by a login other than the database's owner with that login and its own clock, refuses to
change or delete entries for anyone but the owner, and records every change to a record
table, made by the program or by any other tool, in ``audit.row_change``, a table only the
owner may change. ``ROW_CHANGE`` and ``TRAIL_WRITE`` describe that schema for reading; they
are not part of the program's models, so a copy to or from a file leaves them on the server.
"""

from __future__ import annotations

import datetime as dt
import getpass
from typing import Any, Iterable

from sqlalchemy import (JSON, BigInteger, Column, Connection, DateTime, MetaData, Table, Text, event, func,
                        insert, inspect, select, text)
from sqlalchemy.orm import Session

from db.models import AuditEntry

SKIPPED_FIELDS = {"version"}  # bumped with every save: not a change anyone made

# The server's own record (PostgreSQL only), as migration 0005 makes it.
SERVER_SCHEMA = "audit"
_server = MetaData(schema=SERVER_SCHEMA)
ROW_CHANGE = Table(
    "row_change", _server,
    Column("id", BigInteger, primary_key=True),
    Column("xact", Text),  # the transaction (xid8), read as text
    Column("at", DateTime(timezone=True)),
    Column("login", Text),
    Column("table_name", Text),
    Column("operation", Text),  # insert, update, delete, truncate
    Column("record_id", Text),
    # jsonb on the server, read as JSON: naming the server's own type here would load the
    # PostgreSQL dialect on every start, on SQLite too (a fortieth of a second).
    Column("old_row", JSON),
    Column("new_row", JSON),
)
TRAIL_WRITE = Table("trail_write", _server, Column("xact", Text, primary_key=True),
                    Column("at", DateTime(timezone=True)))
# Set in a transaction that copies a whole database in: the server then does not record the
# copied rows as changes (honoured for the database's owner only).
COPYING_SETTING = "crt.copying"


def current_user() -> str:
    """The operating-system user, as recorded in the audit trail."""
    try:
        return getpass.getuser()
    except Exception:  # no login name (a service account, say): still record something
        return "unknown"


def audit_user(session: Session) -> str:
    """Who the audit trail names for changes made through ``session``: a name given to the
    session (``session.info["audit_user"]``); else, on a database server, the login (the
    server stamps it itself for every login but the owner's); else the operating-system user."""
    named = session.info.get("audit_user")
    if named:
        return named
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return current_user()
    # Connection.info lives as long as the pooled connection: asked once per sign-in.
    if "audit_login" not in connection.info:
        connection.info["audit_login"] = connection.scalar(text("SELECT session_user"))
    return connection.info["audit_login"]


def copying_in(connection: Connection) -> None:
    """Mark ``connection``'s transaction as a whole database being copied in, ids, audit trail
    and all: on a server, its rows are not recorded as changes (the audit trail's own names
    and times are kept anyway, as the copy runs as the database's owner). Nothing on SQLite."""
    if connection.dialect.name == "postgresql":
        connection.execute(select(func.set_config(COPYING_SETTING, "on", True)))


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
    columns = [a for a in mapper.column_attrs if a.key not in SKIPPED_FIELDS]
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
    user = audit_user(session)
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

"""Writing many new records at once, for the importers and the synthetic-data generator.

Through the ORM a 10,000-action tracker takes most of a minute; here rows go in with Core
``executemany`` in chunks, in the caller's unit of work. The kind's service checks each row
first, as its one-record function would. The audit trail gets what ``db/audit.py`` writes
for a record added through the ORM: one "create" entry per field that has a value, and one
per link to other records. On SQLite ids are given in order from the table's highest: the
unit of work holds the database's write lock from its start (``db.engine``), so no other writer
can take them meanwhile. On a database server no table is locked: ids come from the table's
sequence, a bulk change locks only the rows it changes (``lock_changed_since``), and imports
queue for a lock of their own (``wait_for_other_imports``), so officers' saves go on meanwhile.

An importer bringing in a whole tracker asks for ``AUDIT_BY_RECORD`` instead: one "create"
entry per record whose value lists every field it was made with (as JSON), beside the entries
of the fields that name it (reference, name, title), which the audit trail names a record by
once it is gone. The trail says the same, in a fifteenth of the rows: 100,000 actions with
their notes take 200,000 entries rather than 1.5 million, which alone took longer to write
than the rest of the import.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import operator
from typing import Iterable, Iterator, Literal, Sequence

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from app.errors import ValidationError
from db.audit import audit_text, audit_user
from db.models import AuditEntry, ListItem

# Rows per executemany call: large enough to amortise the call, small enough for memory.
CHUNK = 5000
_NOT_AUDITED = {"version"}  # as in db/audit.py
AUDIT_BY_RECORD: Literal["by record"] = "by record"
# Fields the audit trail names a record by (``app.audit_query``): kept as entries of their own.
_NAMING_FIELDS = ("reference", "name", "title")
# The key of the server's advisory lock importers queue for (``wait_for_other_imports``): any
# number, this one spelling "CRTI".
_IMPORT_LOCK = 0x43525449


def insert_records(session: Session, table: Table, rows: Sequence[dict], *, audit: bool | str = True,
                   links: dict[str, Sequence[Iterable[int]]] | None = None) -> list[int]:
    """Insert ``rows`` (column -> value; columns left out take their default) into ``table``
    and return their new ids, in order. A row holding every column gets its id in place. ``links`` maps a link field ("recommendations") to
    the ids each row links to, for the audit trail only: the caller writes the link rows
    (``insert_links``). ``audit=False`` leaves the trail to the caller; ``AUDIT_BY_RECORD``
    writes one entry per record (see the module)."""
    if not rows:
        return []
    session.flush()  # records the ORM holds go first: these rows may refer to them
    ids = _new_ids(session, table, len(rows))
    columns = [c for c in table.columns if c.key != "id"]
    # Every row gets every column (executemany needs the same keys in each); a column with a
    # computed default is left to Core.
    defaults = {c.key: c.default.arg if c.default is not None else None
                for c in columns if c.default is None or c.default.is_scalar}
    full = []
    for row, record_id in zip(rows, ids):
        if row.keys() >= defaults.keys():  # already complete: a row the service built, kept as it is
            row["id"] = record_id
        else:
            row = {**defaults, **row, "id": record_id}
        full.append(row)
    _execute(session, table, full)
    # str(): the table's name is SQLAlchemy's own kind of string, which SQLite's driver would
    # try to adapt value by value
    if audit == AUDIT_BY_RECORD:
        _audit_by_record(session, str(table.name), full, links or {})
    elif audit:
        _audit(session, str(table.name), full, links or {})
    return ids


def _new_ids(session: Session, table: Table, count: int) -> list[int]:
    """``count`` ids no other record has or will be given. SQLite's write lock makes the next
    ones after the highest safe; PostgreSQL's id sequence is taken from, so that records the
    services save later (numbered by the sequence) never meet these."""
    if session.connection().dialect.name == "postgresql":
        taken = select(func.nextval(func.pg_get_serial_sequence(str(table.name), "id")))
        return list(session.scalars(taken.select_from(func.generate_series(1, count))))
    first = (session.scalar(select(func.max(table.c.id))) or 0) + 1
    return list(range(first, first + count))


def lock_changed_since(session: Session, table: Table, read_at: dict[int, int | None]) -> list[int]:
    """Lock the rows of ``table`` whose ids are the keys of ``read_at`` (id -> the version
    read, as a preview showed it) until the unit of work ends, and return, in id order, those
    that changed or went since: a bulk change writes none of those, so it never overwrites
    what someone else saved after the preview was read.

    On a database server the rows are locked one chunk at a time in id order, so that two
    bulk changes over the same records queue up rather than deadlock; the lock is the one an
    UPDATE takes (``FOR NO KEY UPDATE``), so it stops others changing these rows, not adding
    records that refer to them, nor reading them. On SQLite the unit of work already holds
    the database's write lock and ``FOR UPDATE`` is not said."""
    wanted = sorted(read_at)
    now: dict[int, int] = {}
    for start in range(0, len(wanted), CHUNK):
        now.update(session.execute(
            select(table.c.id, table.c.version).where(table.c.id.in_(wanted[start:start + CHUNK]))
            .order_by(table.c.id).with_for_update(key_share=True)).all())
    return [record_id for record_id in wanted if now.get(record_id) != read_at[record_id]]


def wait_for_other_imports(session: Session) -> None:
    """On a database server, wait until no other import is being written, and keep the turn
    until this unit of work ends. An importer finds the records already present before adding
    the rest, and two imports of one tracker at once would each find none and add them twice;
    rows not yet written cannot be locked, and locking the tables would stop every officer's
    saves meanwhile, so importers queue for a lock of the server's own (an advisory lock),
    which nothing else waits for. On SQLite the unit of work holds the write lock already."""
    if session.connection().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(_IMPORT_LOCK)))


def insert_links(session: Session, table: Table, rows: Sequence[dict]) -> None:
    """Insert rows of a link table (an action's recommendations, a review's referrals)."""
    if rows:
        _execute(session, table, rows)


def _execute(session: Session, table: Table, rows: Sequence[dict]) -> None:
    """INSERT ``rows`` (dictionaries with the same columns)."""
    if rows:
        keys = list(rows[0])
        pick = operator.itemgetter(*keys)
        values = (pick(row) for row in rows) if len(keys) > 1 else ((row[keys[0]],) for row in rows)
        _execute_values(session, table, keys, values)


def _execute_values(session: Session, table: Table, keys: list[str], values: Iterable[Sequence]) -> None:
    """INSERT the rows of ``values`` (each a value for each of ``keys``) with the driver's
    executemany: each value goes through its column type's conversion, as Core would do it,
    without Core's per-row work, which took longer than SQLite's own for a tracker of
    100,000 actions. Another database's driver gets Core's statement."""
    connection = session.connection()
    dialect = connection.dialect
    values = iter(values)
    if dialect.paramstyle != "qmark":
        while chunk := [dict(zip(keys, row)) for row in itertools.islice(values, CHUNK)]:
            session.execute(insert(table), chunk)
        return
    convert = [table.c[key].type.dialect_impl(dialect).bind_processor(dialect) for key in keys]
    converted = [(i, conversion) for i, conversion in enumerate(convert) if conversion is not None]
    quote = dialect.identifier_preparer.quote
    statement = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(table.c[key].name) for key in keys)}) "
                 f"VALUES ({', '.join('?' * len(keys))})")
    while chunk := list(itertools.islice(values, CHUNK)):
        if converted:
            chunk = [list(row) for row in chunk]
            for i, conversion in converted:
                for row in chunk:
                    if row[i] is not None:
                        row[i] = conversion(row[i])
        connection.exec_driver_sql(statement, list(map(tuple, chunk)) if converted else chunk)


def _audit(session: Session, table_name: str, rows: Sequence[dict],
           links: dict[str, Sequence[Iterable[int]]]) -> None:
    base = {"at": dt.datetime.now(dt.timezone.utc).replace(tzinfo=None),
            "user": audit_user(session),
            "operation": "create", "table_name": table_name, "old_value": None}
    entries: list[dict] = []
    for index, row in enumerate(rows):
        record_id = str(row["id"])
        entries.extend({**base, "record_id": record_id, "field": name, "new_value": audit_text(value)}
                       for name, value in row.items() if value is not None and name not in _NOT_AUDITED)
        for name, linked in links.items():
            targets = [str(i) for i in linked[index]]
            if targets:
                entries.append({**base, "record_id": record_id, "field": name,
                                "new_value": audit_text(targets)})
        if len(entries) >= CHUNK:
            _execute(session, AuditEntry.__table__, entries)
            entries = []
    _execute(session, AuditEntry.__table__, entries)


_ENCODE = json.JSONEncoder(ensure_ascii=False).encode


def _audit_value(value: object) -> str | None:
    kind = type(value)
    return value if kind is str else str(value) if kind is int else audit_text(value)


_AUDIT_KEYS = ["at", "user", "operation", "table_name", "record_id", "field", "old_value", "new_value"]


def _audit_by_record(session: Session, table_name: str, rows: Sequence[dict],
                     links: dict[str, Sequence[Iterable[int]]]) -> None:
    at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    user = audit_user(session)
    naming = [name for name in _NAMING_FIELDS if rows and name in rows[0]]

    def entries() -> Iterator[tuple]:
        for index, row in enumerate(rows):
            record_id = str(row["id"])
            values = {name: _audit_value(value) for name, value in row.items()
                      if value is not None and name not in _NOT_AUDITED}
            for name, linked in links.items():
                if linked[index]:
                    values[name] = audit_text([str(i) for i in linked[index]])
            yield at, user, "create", table_name, record_id, None, None, _ENCODE(values)
            for name in naming:
                if name in values:
                    yield at, user, "create", table_name, record_id, name, None, values[name]

    _execute_values(session, AuditEntry.__table__, _AUDIT_KEYS, entries())


class RowProblems:
    """Problems found in a batch of rows, each field's first one reported with its row."""

    def __init__(self, noun: str, count: int):
        self.noun = noun
        self.count = count
        self.found: dict[str, str] = {}

    def add(self, index: int, field: str, message: str) -> None:
        self.found.setdefault(field, f"{message} ({self.noun} {index + 1} of {self.count})")

    def check(self, index: int, problems) -> None:
        """Take the problems a one-record check (``validation.Problems``) found in row ``index``."""
        for field, message in problems.found.items():
            self.add(index, field, message)

    def raise_if_any(self) -> None:
        if self.found:
            raise ValidationError(self.found)


def known_ids(session: Session, column, ids: Iterable[int | None], *where) -> set[int]:
    """Which of ``ids`` are values of ``column`` (in rows matching ``where``)."""
    wanted = sorted({i for i in ids if i is not None})
    found: set[int] = set()
    for start in range(0, len(wanted), CHUNK):
        found.update(session.scalars(select(column).where(column.in_(wanted[start:start + CHUNK]), *where)))
    return found


def check_references(session: Session, problems: RowProblems, rows: Sequence[dict], field: str,
                     column, noun: str, *where) -> None:
    """Note each row whose ``field`` names no ``column`` value (None is allowed)."""
    known = known_ids(session, column, (row.get(field) for row in rows), *where)
    for index, row in enumerate(rows):
        if row.get(field) is not None and row[field] not in known:
            problems.add(index, field, f"there is no {noun} {row[field]}")


def check_list_values(session: Session, problems: RowProblems, rows: Sequence[dict], field: str,
                      kind: str) -> None:
    """Note each row whose ``field`` is not a value of the editable list ``kind``."""
    check_references(session, problems, rows, field, ListItem.id,
                     f"{kind.replace('_', ' ')} value", ListItem.kind == kind)


def audit_link_changes(session: Session, table_name: str, field: str, before: dict[int, set],
                       after: dict[int, set]) -> None:
    """The "update" entries the ORM's audit writes when records' links change: each record's
    linked ids before and after."""
    base = {"at": dt.datetime.now(dt.timezone.utc).replace(tzinfo=None),
            "user": audit_user(session),
            "operation": "update", "table_name": table_name, "field": field}
    _execute(session, AuditEntry.__table__, [
        {**base, "record_id": str(record_id), "old_value": audit_text([str(i) for i in before.get(record_id, ())]),
         "new_value": audit_text([str(i) for i in linked])}
        for record_id, linked in after.items() if linked != before.get(record_id, set())])


def check_short_texts(problems: RowProblems, index: int, values: dict, limits: dict[str, int]) -> None:
    """Note each text of ``values`` longer than its column holds."""
    for name, limit in limits.items():
        if values.get(name) is not None and len(values[name]) > limit:
            problems.add(index, name, f"is too long ({len(values[name])} characters; at most {limit})")


def unknown_fields(problems: RowProblems, index: int, row: dict, allowed, noun: str) -> None:
    """Note each field of row ``index`` that is not one of ``allowed``."""
    for name in sorted(set(row) - set(allowed)):
        problems.add(index, name, f"is not a field of {noun}")

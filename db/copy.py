"""Copy every table of one database into another of the same schema, row for row.

The copy is made below the services on purpose: it moves the whole record as it is (every
id, every version, the audit trail as written, the settings), so nothing is validated again
and nothing is audited twice. Each table's rows and a checksum of their values are counted
as they are read, then counted again from the target, in the target's transaction, before
it is committed: a copy that does not match leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, Table, bindparam, func, insert, select, text, update

from db.audit import copying_in
from db.models import Base

BATCH_ROWS = 2000
_MODULUS = 2 ** 256


@dataclass(frozen=True)
class TableSum:
    """A table's row count and a checksum of every value in it, whatever the rows' order."""

    table: str
    rows: int
    checksum: str


def tables() -> list[Table]:
    """Every table of the schema, each after the tables it points at."""
    return list(Base.metadata.sorted_tables)


def _value_text(value) -> str:
    if value is None:
        return "\x00"
    if isinstance(value, bool):  # before int: True is an int
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def _row_digest(row) -> int:
    joined = "\x1f".join(_value_text(v) for v in row)
    return int.from_bytes(hashlib.sha256(joined.encode("utf-8")).digest(), "big")


class _Summer:
    def __init__(self, table: Table):
        self.table, self.rows, self.total = table, 0, 0

    def add(self, rows) -> None:
        for row in rows:
            self.total = (self.total + _row_digest(row)) % _MODULUS
        self.rows += len(rows)

    def result(self) -> TableSum:
        return TableSum(self.table.name, self.rows, f"{self.total:064x}")


def _read(conn: Connection, table: Table):
    """The table's rows in key order, in batches (never the whole table in memory)."""
    query = select(table).order_by(*table.primary_key.columns)
    return conn.execution_options(yield_per=BATCH_ROWS).execute(query).partitions(BATCH_ROWS)


def table_sum(conn: Connection, table: Table) -> TableSum:
    """Count ``table``'s rows on ``conn`` and checksum their values (the sum of each row's
    SHA-256, so the order rows come in does not matter)."""
    summer = _Summer(table)
    for part in _read(conn, table):
        summer.add(part)
    return summer.result()


def tables_holding_rows(conn: Connection) -> list[str]:
    """The schema's tables that exist on ``conn`` and hold at least one row."""
    present = set(conn.dialect.get_table_names(conn))
    return [t.name for t in tables()
            if t.name in present and conn.execute(select(text("1")).select_from(t).limit(1)).first()]


def copy_tables(source: Connection, target: Connection,
                progress: Callable[[str, int], None] | None = None) -> list[TableSum]:
    """Copy every row of every table from ``source`` to ``target`` (empty, same schema), ids
    and all; the sums of what was read. ``progress(table, rows so far)`` after each batch.

    A column pointing into its own table (a decision outcome's review type) is filled in
    after the table's rows are all there, so the rows may come in any order. On a server the
    rows copied in are not recorded as changes (``copying_in``): they are the record moved,
    with its own audit trail.
    """
    copying_in(target)
    sums = []
    for table in tables():
        own_links = [fk.parent for fk in table.foreign_keys if fk.column.table is table]
        later: list[dict] = []
        summer = _Summer(table)
        for part in _read(source, table):
            summer.add(part)
            rows = [dict(row._mapping) for row in part]
            for row in rows:
                if any(row[c.name] is not None for c in own_links):
                    later.append({"key_" + c.name: row[c.name] for c in table.primary_key.columns}
                                 | {"link_" + c.name: row[c.name] for c in own_links})
                    row.update({c.name: None for c in own_links})
            target.execute(insert(table), rows)
            if progress is not None:
                progress(table.name, summer.rows)
        if later:
            target.execute(
                update(table)
                .where(*(c == bindparam("key_" + c.name) for c in table.primary_key.columns))
                .values({c.name: bindparam("link_" + c.name) for c in own_links}),
                later)
        sums.append(summer.result())
    return sums


def reset_sequences(conn: Connection) -> None:
    """On PostgreSQL, set each table's id sequence past the highest id copied in, so the next
    record saved gets a new id (SQLite takes the next id from the table itself)."""
    if conn.dialect.name != "postgresql":
        return
    quote = conn.dialect.identifier_preparer.quote
    for table in tables():
        if table.autoincrement_column is None:  # a text key (settings) or a link table
            continue
        column = table.autoincrement_column
        conn.execute(select(func.setval(
            func.pg_get_serial_sequence(quote(table.name), column.name),
            func.coalesce(func.max(column), 0) + 1, False)).select_from(table))


def compare(expected: list[TableSum], found: list[TableSum]) -> list[str]:
    """Each table whose rows or checksum differ, said in words (empty: identical)."""
    found_by_name = {s.table: s for s in found}
    problems = []
    for want in expected:
        got = found_by_name.get(want.table)
        if got is None or got.rows != want.rows:
            problems.append(f"{want.table}: {want.rows:,} rows read, {got.rows if got else 0:,} written")
        elif got.checksum != want.checksum:
            problems.append(f"{want.table}: the same {want.rows:,} rows, but their values differ")
    return problems

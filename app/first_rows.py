"""The first rows of a large register, in the order the table will show them, read in a
fraction of the time of the whole register.

Reading all 100,000 actions takes a second or more, and longer while the dashboard is being
read beside it. So when the office opens the action plan before it has been read, the
window shows its first screenfuls at once from ``first_rows`` and puts the whole register
in their place as soon as it has been read.

The first rows must be exactly the rows the whole register will put at the top, or they
would jump when it arrives. Where the database can order them as the table does, it does
(dates; columns of few distinct values, numbered in Python by the table's own sort keys).
Otherwise the one column is read and ordered by the table's own code (``TableQuery``),
which takes over half a second for 100,000 references; so the window remembers, when it
closes, which rows were at the top (``RememberedOrder``), and they are used again while the
database has not changed since they were read (``plan_stamp``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Callable

from sqlalchemy import and_, case, func, select, text
from sqlalchemy.orm import Session

from app.registers import ACTION_COLUMNS, Column, action_column_values, fetch_actions
from app.table_query import TableQuery, value_ranks
from db.migrate import VERSION_TABLE
from db.models import Action, Agency, AuditEntry, ListItem, Theme

# Rows read ahead of the whole register: several screenfuls on a large monitor.
FIRST_ROWS = 200
# A column with up to this many distinct values is ordered by the database, by number.
RANKED_UP_TO = 500


@dataclass(frozen=True)
class FirstRows:
    """The first rows of a register as shown (``(id, *values)`` tuples, in display order)
    and how many rows the whole register has."""

    rows: list[tuple]
    total: int


@dataclass(frozen=True)
class RememberedOrder:
    """The ids of a register's first rows in one order (``sort_key``, ``descending``), as
    the whole register was when read, and the ``plan_stamp`` of the database then."""

    stamp: str
    sort_key: str
    descending: bool
    ids: list[int]


def plan_stamp(session: Session) -> str:
    """A text that changes with every change saved to the database: its schema revision and
    the audit trail's newest entry (every change is audited in the transaction that makes
    it). Read it before the rows it stands for, in the same session: a change in between
    then only makes it older than the rows, never newer."""
    connection = session.connection()
    revision = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()
    newest = connection.execute(select(func.max(AuditEntry.id), func.max(AuditEntry.at))).one()
    return f"{revision}:{newest[0] or 0}:{newest[1] or ''}"


def _first_ids(pairs: list[tuple], column: Column, descending: bool, limit: int) -> list[int]:
    """The ids of the first ``limit`` of ``(id, value)`` pairs, sorted as the table sorts."""
    query = TableQuery((column,), pairs)
    return [pairs[position][0] for position in query.order(0, descending)[:limit]]


def _ranked(expression, shown: dict[Any, Any], descending: bool) -> list:
    """An ORDER BY that sorts rows by ``expression``'s value as the table sorts the value
    shown for it (``shown``: stored value → shown value): blanks last, ties in id order."""
    stored = list(shown)
    ranks = {value: rank for value, rank in zip(stored, value_ranks([shown[v] for v in stored]))
             if rank is not None}
    if not ranks:
        return [Action.id]  # every value blank: the register's own order
    rank = case(ranks, value=expression, else_=None)
    return [rank.is_(None), rank.desc() if descending else rank, Action.id]


def _action_order(session: Session, key: str, descending: bool, today: dt.date) -> list | None:
    """The ORDER BY that sorts live actions by column ``key`` exactly as the table does,
    or ``None`` where only the table's own code can."""
    def names(model) -> dict:
        return dict(session.connection().execute(select(model.id, model.name)).all())

    if key in ("target_on", "completed_on", "signed_off_on"):
        day = getattr(Action, key)  # ISO text or a date: either sorts as the dates do
        return [day.is_(None), day.desc() if descending else day, Action.id]
    if key == "overdue":
        # "Overdue" or blank: the overdue ones first, in either direction, as blanks go last.
        open_ids = select(ListItem.id).where(ListItem.is_open.is_(True))
        overdue = case((and_(Action.status_id.in_(open_ids), Action.target_on < today), 0), else_=None)
        return [overdue.is_(None), Action.id]
    lookups = {"lead_agency": (Action.lead_agency_id, Agency), "theme": (Action.theme_id, Theme),
               "status": (Action.status_id, ListItem)}
    if key in lookups:
        column, model = lookups[key]
        return _ranked(column, names(model), descending)
    if key in ("rag", "lead_officer"):
        column = getattr(Action, key)
        distinct = session.connection().execute(
            select(column).where(Action.archived_at.is_(None)).distinct().limit(RANKED_UP_TO + 1)).scalars().all()
        if len(distinct) <= RANKED_UP_TO:
            return _ranked(column, {value: value for value in distinct}, descending)
    return None


def first_actions(session: Session, sort: tuple[int, bool] | None,
                  remembered: RememberedOrder | None = None, limit: int = FIRST_ROWS,
                  today: dt.date | None = None) -> FirstRows:
    """The action plan's first ``limit`` rows, in its own order or sorted by ``sort``
    (column, descending) as the table sorts it, and the number of live actions.
    ``remembered`` is used for that order if the database is as it was then."""
    today = today or dt.date.today()
    connection = session.connection()
    live = Action.archived_at.is_(None)
    total = connection.execute(select(func.count()).select_from(Action).where(live)).scalar_one()
    if sort is None:
        order = [Action.id]
    else:
        column, descending = sort
        key = ACTION_COLUMNS[column].key
        order = _action_order(session, key, descending, today)
    if order is not None:
        ids = list(connection.execute(select(Action.id).where(live).order_by(*order).limit(limit)).scalars())
    elif (remembered is not None and (remembered.sort_key, remembered.descending) == (key, descending)
          and remembered.stamp == plan_stamp(session)):
        ids = remembered.ids[:limit]
    else:
        pairs = action_column_values(session, key, today)
        ids = _first_ids(pairs, ACTION_COLUMNS[column], descending, limit)
    by_id = {row[0]: row for row in fetch_actions(session, today, ids)}
    return FirstRows([by_id[i] for i in ids if i in by_id], total)


READERS: dict[str, Callable[[Session, tuple[int, bool] | None, RememberedOrder | None], FirstRows]] = {
    "actions": first_actions,
}
"""The registers large enough to be shown from their first rows, by register key."""

"""The first rows of a large register, in the order the table will show them, read in a
fraction of the time of the whole register.

Reading all 100,000 actions (or their 100,000 progress updates) takes a second or more, and
longer while the dashboard is being read beside it. So when the office opens one of these
registers before it has been read, the window shows its first screenfuls at once from
``READERS`` and puts the whole register in their place as soon as it has been read.

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

from sqlalchemy import Select, case, func, select, text
from sqlalchemy.orm import Session

from app.registers import (
    ACTION_COLUMNS,
    PROGRESS_UPDATE_COLUMNS,
    PROGRESS_UPDATE_ORDER,
    PROGRESS_UPDATE_VALUES,
    Column,
    action_column_values,
    action_own_order,
    fetch_actions,
    fetch_progress_updates,
    live_actions_in_order,
    live_progress_updates,
)
from app import rules
from app.table_query import TableQuery, value_ranks
from db.migrate import VERSION_TABLE
from db.models import Action, Agency, AuditEntry, ProgressUpdate, Theme

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


# --- orders the database can give exactly -------------------------------------------------
# Each ends with the register's own order: the table's sort is stable, so rows that tie keep
# the order the register gives them.

def _by_date(day, descending: bool, own_order: tuple) -> list:
    """Dates (ISO text in SQLite, or dates) sort as the dates do; blanks last."""
    return [day.is_(None), day.desc() if descending else day, *own_order]


def _ranked(expression, shown: dict[Any, Any], descending: bool, own_order: tuple) -> list:
    """An ORDER BY that sorts rows by ``expression``'s value as the table sorts the value
    shown for it (``shown``: stored value → shown value): blanks last."""
    stored = list(shown)
    ranks = {value: rank for value, rank in zip(stored, value_ranks([shown[v] for v in stored]))
             if rank is not None}
    if not ranks:
        return list(own_order)  # every value blank: the register's own order
    rank = case(ranks, value=expression, else_=None)
    return [rank.is_(None), rank.desc() if descending else rank, *own_order]


def _by_few_values(session: Session, live: Callable[..., Select], expression, descending: bool,
                   own_order: tuple) -> list | None:
    """``_ranked`` over a column's distinct values, if it has few enough."""
    stmt = live(expression).with_only_columns(expression).order_by(None).distinct().limit(RANKED_UP_TO + 1)
    distinct = session.connection().execute(stmt).scalars().all()
    if len(distinct) > RANKED_UP_TO:
        return None
    return _ranked(expression, {value: value for value in distinct}, descending, own_order)


def _action_order(session: Session, key: str, descending: bool, today: dt.date) -> list | None:
    """The ORDER BY that sorts live actions by column ``key`` exactly as the table does,
    or ``None`` where only the table's own code can."""
    own = action_own_order()
    if key in ("completed_on", "signed_off_on"):
        return _by_date(getattr(Action, key), descending, own)
    if key == "target":
        # A target written as text ("Ongoing") sorts among the dates as the table sorts mixed
        # values: only the table's own code can order those.
        written = session.connection().execute(
            live_actions_in_order().where(Action.target_on.is_(None), Action.target_text.is_not(None),
                                 Action.target_text != "").limit(1)).first()
        return None if written else _by_date(Action.target_on, descending, own)
    if key == "overdue":
        # "Overdue" or blank: the overdue ones first, in either direction, as blanks go last.
        overdue = case((rules.overdue_clause(Action.status_id, Action.target_on, today), 0), else_=None)
        return [overdue.is_(None), *own]
    lookups = {"lead_agency": (Action.lead_agency_id, Agency), "theme": (Action.theme_id, Theme)}
    if key in lookups:
        column, model = lookups[key]
        names = dict(session.connection().execute(select(model.id, model.name)).all())
        return _ranked(column, names, descending, own)
    if key == "lead_officer":
        return _by_few_values(session, live_actions_in_order, Action.lead_officer, descending, own)
    # Status and RAG are worked out from several fields (app.rules): only the read model's
    # own values sort them as the table does.
    return None


def _update_order(session: Session, key: str, descending: bool, _today: dt.date) -> list | None:
    """As ``_action_order``, for the progress updates register."""
    if key == "update_on":
        return _by_date(ProgressUpdate.update_on, descending, PROGRESS_UPDATE_ORDER)
    if key in ("rag", "author", "lead_agency"):
        return _by_few_values(session, live_progress_updates, PROGRESS_UPDATE_VALUES[key], descending,
                              PROGRESS_UPDATE_ORDER)
    return None


def _update_values(session: Session, key: str, _today: dt.date) -> list[tuple[int, Any]]:
    """Every update's ``(id, value)`` in column ``key`` (a text one), in the register's order."""
    return session.connection().execute(live_progress_updates(PROGRESS_UPDATE_VALUES[key])).all()


# --- reading them ----------------------------------------------------------------------------

@dataclass(frozen=True)
class _Large:
    """How one large register's first rows are read."""

    columns: tuple[Column, ...]
    live: Callable[..., Select]  # select(id, *columns) over its live rows, in its own order
    order: Callable[[Session, str, bool, dt.date], list | None]  # exact ORDER BY, or None
    values: Callable[[Session, str, dt.date], list]  # (id, value) pairs in its own order
    fetch: Callable[[Session, dt.date, list[int]], list[tuple]]  # the rows of these ids


def _first_rows(register: _Large, session: Session, sort: tuple[int, bool] | None,
                remembered: RememberedOrder | None, limit: int, today: dt.date | None) -> FirstRows:
    today = today or dt.date.today()
    connection = session.connection()
    everything = register.live().order_by(None)
    total = connection.execute(select(func.count()).select_from(everything.subquery())).scalar_one()
    if sort is None:
        ids = list(connection.execute(register.live().limit(limit)).scalars())
    else:
        column, descending = sort
        key = register.columns[column].key
        order = register.order(session, key, descending, today)
        if order is not None:
            ids = list(connection.execute(everything.order_by(*order).limit(limit)).scalars())
        elif (remembered is not None and (remembered.sort_key, remembered.descending) == (key, descending)
              and remembered.stamp == plan_stamp(session)):
            ids = remembered.ids[:limit]
        else:
            ids = _first_ids(register.values(session, key, today), register.columns[column], descending, limit)
    by_id = {row[0]: row for row in register.fetch(session, today, ids)}
    return FirstRows([by_id[i] for i in ids if i in by_id], total)


_ACTIONS = _Large(ACTION_COLUMNS, live_actions_in_order, _action_order, action_column_values,
                  lambda session, today, ids: fetch_actions(session, today, ids))
_UPDATES = _Large(PROGRESS_UPDATE_COLUMNS, live_progress_updates, _update_order, _update_values,
                  lambda session, _today, ids: fetch_progress_updates(session, ids))


def first_actions(session: Session, sort: tuple[int, bool] | None,
                  remembered: RememberedOrder | None = None, limit: int = FIRST_ROWS,
                  today: dt.date | None = None) -> FirstRows:
    """The action plan's first ``limit`` rows, in its own order or sorted by ``sort``
    (column, descending) as the table sorts it, and the number of live actions.
    ``remembered`` is used for that order if the database is as it was then."""
    return _first_rows(_ACTIONS, session, sort, remembered, limit, today)


def first_progress_updates(session: Session, sort: tuple[int, bool] | None,
                           remembered: RememberedOrder | None = None, limit: int = FIRST_ROWS,
                           today: dt.date | None = None) -> FirstRows:
    """As ``first_actions``, for the progress updates register."""
    return _first_rows(_UPDATES, session, sort, remembered, limit, today)


READERS: dict[str, Callable[[Session, tuple[int, bool] | None, RememberedOrder | None], FirstRows]] = {
    "actions": first_actions,
    "progress_updates": first_progress_updates,
}
"""The registers large enough to be shown from their first rows, by register key."""

"""The action plan's first rows: exactly the rows the whole plan puts at the top, whatever
column it is sorted by, read without reading the whole plan."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from app import first_rows
from app.first_rows import first_actions, first_progress_updates
from app.registers import ACTION_COLUMNS, PROGRESS_UPDATE_COLUMNS, fetch_actions, fetch_progress_updates
from app.synthetic import generate
from app.table_query import TableQuery
from db.models import Action, Agency, ProgressUpdate
from tests.engines import close_test_database, open_test_database

pytestmark = pytest.mark.both_engines

TODAY = dt.date(2026, 12, 2)
SORTS = [None] + [(column, descending) for column in range(len(ACTION_COLUMNS)) for descending in (False, True)]


@pytest.fixture(scope="module")
def plan(db_engine, tmp_path_factory):
    """A synthetic plan of 1,500 actions with the awkward cases put in: blank agencies,
    themes, officers and RAGs, names equal but for case, archived actions."""
    db = open_test_database(db_engine, tmp_path_factory.mktemp("plan"))
    generate(db, 1500, seed=7, today=TODAY)
    with db.sessions.begin() as session:
        ids = list(session.scalars(select(Action.id).order_by(Action.id)))
        session.execute(update(Action).where(Action.id.in_(ids[::17])).values(lead_agency_id=None, theme_id=None))
        session.execute(update(Action).where(Action.id.in_(ids[::13])).values(lead_officer=None, rag=None))
        session.execute(update(Action).where(Action.id.in_(ids[5::29])).values(lead_officer="jo bloggs"))
        session.execute(update(Action).where(Action.id.in_(ids[6::29])).values(lead_officer="Jo Bloggs"))
        session.execute(update(Action).where(Action.id.in_(ids[::41])).values(archived_at=dt.datetime(2026, 1, 1)))
        session.add(Agency(name="police"))  # beside "Police": the same words, another agency
        session.flush()
        other = session.scalar(select(Agency.id).where(Agency.name == "police"))
        session.execute(update(Action).where(Action.id.in_(ids[3::31])).values(lead_agency_id=other))
        updates = list(session.scalars(select(ProgressUpdate.id).order_by(ProgressUpdate.id)))
        session.execute(update(ProgressUpdate).where(ProgressUpdate.id.in_(updates[::11])).values(author=None, rag=None))
        session.execute(update(ProgressUpdate).where(ProgressUpdate.id.in_(updates[::37]))
                        .values(archived_at=dt.datetime(2026, 1, 1)))
    yield db
    close_test_database(db)


@pytest.fixture(scope="module")
def whole(plan):
    """The whole plan as the table holds it, for comparing with."""
    with plan.readers() as session:
        rows = fetch_actions(session, TODAY)
    return rows, TableQuery(ACTION_COLUMNS, rows)


@pytest.mark.parametrize("sort", SORTS, ids=lambda sort: "unsorted" if sort is None else
                         f"{ACTION_COLUMNS[sort[0]].key}-{'desc' if sort[1] else 'asc'}")
def test_the_first_rows_are_the_top_of_the_whole_plan(plan, whole, sort):
    rows, query = whole
    with plan.readers() as session:
        found = first_actions(session, sort, limit=60, today=TODAY)
    assert found.rows == [rows[position] for position in query.run("", sort=sort)[:60]]
    assert found.total == len(rows) < 1500  # archived actions are not counted


def test_a_column_of_many_values_is_ordered_by_the_tables_own_code(plan, whole, monkeypatch):
    monkeypatch.setattr(first_rows, "RANKED_UP_TO", 1)
    rows, query = whole
    officer = next(i for i, column in enumerate(ACTION_COLUMNS) if column.key == "lead_officer")
    with plan.readers() as session:
        found = first_actions(session, (officer, True), limit=60, today=TODAY)
    assert found.rows == [rows[position] for position in query.run("", sort=(officer, True))[:60]]


def test_a_short_plan_comes_whole(plan, whole):
    rows, _query = whole
    with plan.readers() as session:
        found = first_actions(session, None, limit=len(rows) + 10, today=TODAY)
    assert found.rows == rows


def test_a_column_left_blank_throughout_keeps_the_registers_own_order(database):
    from tests.ui.conftest import add_case_records

    with database.sessions.begin() as session:
        add_case_records(session)
        session.execute(update(Action).values(lead_officer=None))
    officer = next(i for i, column in enumerate(ACTION_COLUMNS) if column.key == "lead_officer")
    with database.readers() as session:
        rows = fetch_actions(session)
        for descending in (False, True):
            assert first_actions(session, (officer, descending)).rows == rows


def test_an_order_remembered_from_the_last_run_is_used_while_nothing_has_changed(database):
    from app.first_rows import RememberedOrder, plan_stamp

    generate(database, 300, seed=3, today=TODAY)
    reference = next(i for i, column in enumerate(ACTION_COLUMNS) if column.key == "reference")
    with database.readers() as session:
        rows = fetch_actions(session, TODAY)
        stamp = plan_stamp(session)
    query = TableQuery(ACTION_COLUMNS, rows)
    top = [rows[position] for position in query.run("", sort=(reference, False))[:20]]
    # Another order than the true one, so that the test sees which was used.
    remembered = RememberedOrder(stamp, "reference", False, [row[0] for row in reversed(top)])

    with database.readers() as session:
        assert first_actions(session, (reference, False), remembered, limit=20, today=TODAY).rows == top[::-1]
        # Remembered for the other direction: worked out afresh.
        assert first_actions(session, (reference, True), remembered, limit=20, today=TODAY).rows == [
            rows[position] for position in query.run("", sort=(reference, True))[:20]]

    with database.sessions.begin() as session:  # any saved change
        session.get(Action, top[0][0]).lead_officer = "Head of Service"
    with database.readers() as session:
        assert plan_stamp(session) != stamp
        found = first_actions(session, (reference, False), remembered, limit=20, today=TODAY)
    assert [row[0] for row in found.rows] == [row[0] for row in top]


UPDATE_SORTS = [None] + [(column, descending) for column in range(len(PROGRESS_UPDATE_COLUMNS))
                         for descending in (False, True)]


@pytest.mark.parametrize("sort", UPDATE_SORTS, ids=lambda sort: "unsorted" if sort is None else
                         f"{PROGRESS_UPDATE_COLUMNS[sort[0]].key}-{'desc' if sort[1] else 'asc'}")
def test_the_first_progress_updates_are_the_top_of_the_whole_register(plan, sort):
    with plan.readers() as session:
        rows = fetch_progress_updates(session)
        found = first_progress_updates(session, sort, limit=60)
    query = TableQuery(PROGRESS_UPDATE_COLUMNS, rows)
    # Many updates share a date: ties keep the register's order, newest first.
    assert len({row[1] for row in rows}) < len(rows)
    assert found.rows == [rows[position] for position in query.run("", sort=sort)[:60]]
    assert found.total == len(rows)

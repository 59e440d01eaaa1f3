"""A query with the rows a save changed put in place (``TableQuery.replaced``) shows what a
query of the same rows built afresh shows: same search, filters and order."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from app.registers import CHOICE, DATE, FLAG, Column
from app.table_query import Filters, TableQuery

COLUMNS = (
    Column("reference", "Ref"),
    Column("agency", "Agency", filter=CHOICE),
    Column("target", "Target", filter=DATE),
    Column("overdue", "Overdue", filter=FLAG),
    Column("count", "Count"),
)
AGENCIES = ("Police", "Health", "Children's Services", None)


def make_row(rng: random.Random, record_id: int) -> tuple:
    target = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(0, 40)) if rng.random() < 0.9 else None
    return (record_id, f"A{rng.randrange(1, 60)}", rng.choice(AGENCIES), target,
            "Overdue" if rng.random() < 0.3 else "", rng.randrange(0, 5))


def views(query: TableQuery) -> list[list[int]]:
    """The rows (as ids) shown for a spread of searches, filters and sorts."""
    shown = []
    for sort in [None] + [(c, d) for c in range(len(COLUMNS)) for d in (False, True)]:
        for search, filters in (("", Filters()), ("a1", Filters()), ("", Filters.of({"agency": "Police"})),
                                ("", Filters.of(flags=["overdue"], date_from=dt.date(2020, 1, 10)))):
            shown.append([query.rows[i][0] for i in query.run(search, filters, sort)])
    return shown


@pytest.mark.parametrize("seed", range(12))
def test_rows_put_in_place_show_as_a_query_built_afresh(seed):
    rng = random.Random(seed)
    rows = [make_row(rng, record_id) for record_id in range(1, 301)]
    before = TableQuery(COLUMNS, rows)
    views(before)  # every cache worked out, as a register in use has them
    before.search_texts()
    before.prepare()
    changed = [make_row(rng, record_id) for record_id in rng.sample(range(1, 301), 5)]
    added = [make_row(rng, 300 + n) for n in range(1, rng.randrange(0, 3) + 1)]
    after = before.replaced(changed + added)
    by_id = {row[0]: row for row in rows + changed + added}
    afresh = TableQuery(COLUMNS, [by_id[i] for i in sorted(by_id)])
    assert views(after) == views(afresh)
    assert [after.choices(1)] == [afresh.choices(1)]
    assert views(before) == views(TableQuery(COLUMNS, rows))  # the query in use is untouched


def test_a_changed_value_of_another_kind_sorts_as_afresh():
    rows = [(1, "A1", None, dt.date(2020, 1, 5), "", 1), (2, "A2", None, dt.date(2020, 1, 3), "", 2)]
    before = TableQuery(COLUMNS, rows)
    before.order(2)
    after = before.replaced([(2, "A2", None, "Ongoing", "", 2)])  # a target written as text
    afresh = TableQuery(COLUMNS, [rows[0], (2, "A2", None, "Ongoing", "", 2)])
    assert after.run(sort=(2, False)) == afresh.run(sort=(2, False))


def test_rows_gone_are_left_out():
    rng = random.Random(5)
    rows = [make_row(rng, record_id) for record_id in range(1, 51)]
    before = TableQuery(COLUMNS, rows)
    views(before)
    after = before.replaced([], gone=[3, 17])
    assert views(after) == views(TableQuery(COLUMNS, [row for row in rows if row[0] not in (3, 17)]))


def test_a_save_that_changed_many_rows_sorts_afresh_and_shows_the_same():
    rng = random.Random(99)
    rows = [make_row(rng, record_id) for record_id in range(1, 401)]
    before = TableQuery(COLUMNS, rows)
    views(before)
    changed = [make_row(rng, record_id) for record_id in rng.sample(range(1, 401), 150)]
    after = before.replaced(changed)
    by_id = {row[0]: row for row in rows + changed}
    assert views(after) == views(TableQuery(COLUMNS, [by_id[i] for i in sorted(by_id)]))


def test_a_column_whose_last_odd_value_is_changed_sorts_as_afresh():
    """The kinds of a column are counted again from the changed rows: when the one target
    written as text becomes a date, the column sorts as dates again (and blanks, texts and
    numbers are told apart as a fresh count tells them)."""
    rows = [(1, "A1", None, dt.date(2020, 1, 5), "", 1), (2, "A2", None, "Ongoing", "", ""),
            (3, "A3", None, None, "", None), (4, "A4", None, dt.date(2020, 1, 3), "", 2)]
    before = TableQuery(COLUMNS, rows)
    views(before)
    fresh = [(2, "A2", None, dt.date(2020, 1, 4), "", 7), (3, "A3", None, "", "", "")]
    after = before.replaced(fresh)
    afresh = TableQuery(COLUMNS, [rows[0], fresh[0], fresh[1], rows[3]])
    assert views(after) == views(afresh)
    assert after._kinds_of(2) == afresh._kinds_of(2) == {dt.date: 2 + 1}
    assert after._kinds_of(4) == afresh._kinds_of(4) == {int: 3}

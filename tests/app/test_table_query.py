"""Searching, filtering and sorting register rows in memory (no Qt)."""

from __future__ import annotations

import datetime as dt

import pytest

from app.collector import collector_paused
from app.registers import CHOICE, DATE, FLAG, REVIEW, Column
from app.table_query import (
    BLANK,
    Filters,
    TableQuery,
    cell_formatter,
    cell_text,
    describe_view,
    review_references,
)

COLUMNS = (
    Column("reference", "Ref"),
    Column("description", "Action", long_text=True),
    Column("agency", "Lead agency", filter=CHOICE),
    Column("target_on", "Target date", filter=DATE),
    Column("rag", "RAG", filter=CHOICE),
    Column("overdue", "Overdue", filter=FLAG),
    Column("recommendations", "Recommendations", filter=REVIEW),
    Column("count", "Updates"),
)

ROWS = [
    (11, "A10", "Relaunch the neglect toolkit", "Police", dt.date(2024, 3, 1), "Red", "Overdue", "SCR-01 R3", 2),
    (12, "A2", "Audit supervision records", "Children's Services", dt.date(2023, 12, 31), "Amber", "", "SCR-01 R3, R4; SCR-02 R1", 10),
    (13, "a1", "Publish the NEGLECT briefing", None, None, "Green", "", "", None),
    (14, "A3", "Train the police in neglect", "Police", dt.date(2024, 1, 15), None, "Overdue", "SCR-02 R2", 1),
]


def ids(query: TableQuery, positions: list[int]) -> list[int]:
    return [query.rows[i][0] for i in positions]


@pytest.fixture
def query():
    return TableQuery(COLUMNS, ROWS)


def test_no_search_no_filter_keeps_the_registers_order(query):
    assert ids(query, query.run()) == [11, 12, 13, 14]


def test_search_finds_every_word_in_any_visible_cell_ignoring_case(query):
    assert ids(query, query.run("neglect")) == [11, 13, 14]
    assert ids(query, query.run("NEGLECT police")) == [11, 14]
    assert ids(query, query.run("  ")) == [11, 12, 13, 14]
    # Dates are searched as they are shown.
    assert ids(query, query.run("31/12/2023")) == [12]
    assert ids(query, query.run("nothing like this")) == []


def test_search_never_matches_across_two_cells(query):
    # "Police" ends one cell and "2024" begins... the next one's date text: "police01" spans them.
    assert query.run("toolkitpolice") == []
    assert query.run("toolkit police") != []


def test_search_only_looks_at_the_shown_columns(query):
    query.set_search_columns([0, 2])  # reference and agency only
    assert ids(query, query.run("neglect")) == []
    assert ids(query, query.run("police")) == [11, 14]


def test_narrowing_and_widening_a_search_both_give_the_right_rows(query):
    assert ids(query, query.run("n")) == [11, 12, 13, 14]
    assert ids(query, query.run("ne")) == [11, 13, 14]
    assert ids(query, query.run("neg")) == [11, 13, 14]
    assert ids(query, query.run("negl pol")) == [11, 14]
    assert ids(query, query.run("neg")) == [11, 13, 14]
    assert ids(query, query.run("")) == [11, 12, 13, 14]


def test_choice_filter_matches_the_shown_text_and_blank(query):
    assert ids(query, query.run(filters=Filters.of({"agency": "Police"}))) == [11, 14]
    assert ids(query, query.run(filters=Filters.of({"agency": BLANK}))) == [13]
    assert ids(query, query.run("audit", Filters.of({"agency": "Police"}))) == []


def test_flag_review_and_date_filters(query):
    assert ids(query, query.run(filters=Filters.of(flags=["overdue"]))) == [11, 14]
    assert ids(query, query.run(filters=Filters.of({"recommendations": "SCR-02"}))) == [12, 14]
    january = Filters.of(date_from=dt.date(2024, 1, 1), date_to=dt.date(2024, 1, 31))
    assert ids(query, query.run(filters=january)) == [14]
    assert ids(query, query.run(filters=Filters.of(date_from=dt.date(2024, 1, 15)))) == [11, 14]
    # A row with no date is left out once a range is given.
    assert ids(query, query.run(filters=Filters.of(date_to=dt.date(2030, 1, 1)))) == [11, 12, 14]


def test_choices_are_the_distinct_texts_with_blank_last(query):
    assert query.choices(2) == ["Children's Services", "Police", BLANK]
    assert query.choices(4) == ["Amber", "Green", "Red", BLANK]
    assert query.choices(6) == ["SCR-01", "SCR-02"]


def test_sort_by_text_is_natural_and_ignores_case(query):
    assert ids(query, query.run(sort=(0, False))) == [13, 12, 14, 11]  # a1, A2, A3, A10
    assert ids(query, query.run(sort=(0, True))) == [11, 14, 12, 13]


def test_sort_puts_blanks_last_both_ways(query):
    assert ids(query, query.run(sort=(3, False))) == [12, 14, 11, 13]
    assert ids(query, query.run(sort=(3, True))) == [11, 14, 12, 13]
    assert ids(query, query.run(sort=(7, False))) == [14, 11, 12, 13]
    assert ids(query, query.run(sort=(7, True))) == [12, 11, 14, 13]


def test_sort_is_stable_for_equal_values(query):
    # Police rows (11 then 14) keep their order ascending and descending.
    assert ids(query, query.run(sort=(2, False))) == [12, 11, 14, 13]
    assert ids(query, query.run(sort=(2, True))) == [11, 14, 12, 13]


def test_sort_of_mixed_types_orders_numbers_dates_then_text():
    columns = (Column("value", "Value"),)
    rows = [(1, "text"), (2, dt.date(2024, 1, 1)), (3, 5), (4, None),
            (5, dt.datetime(2023, 1, 1, 9, 30)), (6, True)]
    query = TableQuery(columns, rows)
    assert ids(query, query.run(sort=(0, False))) == [6, 3, 5, 2, 1, 4]


def test_sorting_and_filtering_together(query):
    result = query.run("neglect", Filters.of({"agency": "Police"}), sort=(3, False))
    assert ids(query, result) == [14, 11]


def test_cell_text_and_office_date_formats():
    assert cell_text(None) == ""
    assert cell_text(True) == "Yes" and cell_text(False) == "No"
    assert cell_text(dt.date(2024, 1, 5)) == "05/01/2024"
    assert cell_text(dt.datetime(2024, 1, 5, 9, 7)) == "05/01/2024 09:07"
    assert cell_formatter("dd/MM/yyyy") is cell_text
    long_dates = cell_formatter("d MMM yyyy")
    assert long_dates(dt.date(2024, 1, 5)) == "5 Jan 2024"
    assert long_dates(dt.datetime(2024, 1, 5, 9, 7)) == "5 Jan 2024 09:07"
    assert long_dates("Police") == "Police"
    query = TableQuery(COLUMNS, ROWS, long_dates)
    assert ids(query, query.run("1 mar 2024")) == [11]


def test_review_references_from_recommendation_text():
    assert review_references("SCR-01 R3, R4; SCR-02 R1") == ["SCR-01", "SCR-02"]
    assert review_references("LCSPR 2019-1 R12") == ["LCSPR 2019-1"]
    assert review_references("") == []
    assert review_references(None) == []
    # A reference with " R<digit>" inside it is kept whole: only the trailing numbers are cut.
    assert review_references("Child R2 review R3, R4; DHR-7 R1") == ["Child R2 review", "DHR-7"]


def test_search_texts_built_for_columns_since_hidden_are_not_kept(query):
    """The search texts are built on a worker while the table is in use; if a column is
    hidden meanwhile, what was built for the old columns must not be used."""
    built_for = query.search_columns
    real_texts = query.texts

    def texts_while_a_column_is_hidden(column):
        query.set_search_columns([0, 1])  # the user hides columns mid-build
        return real_texts(column)

    query.texts = texts_while_a_column_is_hidden
    query.search_texts()
    query.texts = real_texts

    assert built_for != query.search_columns and not query.search_ready
    assert ids(query, query.run("children")) == []  # only in a lead agency, now hidden
    assert ids(query, query.run("neglect")) == [11, 13, 14]


def test_the_first_search_builds_the_texts_if_the_worker_has_not(query):
    query.prepare()
    assert not query.search_ready
    assert ids(query, query.run("neglect police")) == [11, 14]
    assert query.search_ready


def test_the_collector_is_paused_while_rows_are_built_and_back_after():
    import gc
    import threading

    assert gc.isenabled()
    inside = threading.Event()
    release = threading.Event()

    def load_on_a_worker():
        with collector_paused():
            inside.set()
            release.wait(5)

    worker = threading.Thread(target=load_on_a_worker)
    worker.start()
    inside.wait(5)
    with collector_paused():  # a second load at the same time
        assert not gc.isenabled()
    assert not gc.isenabled()  # the worker's load is still going
    release.set()
    worker.join()
    assert gc.isenabled()

    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # left as it was found
    finally:
        gc.enable()


def test_sort_keys_worked_out_ahead_give_the_same_order():
    ahead, fresh = TableQuery(COLUMNS, ROWS), TableQuery(COLUMNS, ROWS)
    ahead.prepare_sorting()
    for column in range(len(COLUMNS)):
        for descending in (False, True):
            assert ahead.order(column, descending) == fresh.order(column, descending)
    assert ids(ahead, ahead.order(0)) == [13, 12, 14, 11]  # a1, A2, A3, A10


def test_the_view_on_screen_is_described_in_words_for_its_export_or_paper():
    filters = Filters(choices=(("agency", "Police"),), flags=frozenset({"overdue"}),
                      date_from=dt.date(2024, 1, 1), date_to=dt.date(2024, 3, 31))
    text = describe_view(COLUMNS, " toolkit ", filters, (3, True), date_text=lambda day: day.strftime("%d/%m/%Y"))
    assert text == ('Lead agency: Police; Overdue; Target date from 01/01/2024 to 31/03/2024; '
                    'searched for "toolkit"; sorted by Target date (descending)')
    assert describe_view(COLUMNS) == ""  # the register whole, in its own order


def test_orders_worked_out_on_a_worker_are_one_stable_sort_both_ways():
    """Bucketed orders (``TableQuery._sort``), made a slice at a time on a worker, are what a
    stable sort of the keys gives: ties in row order both ways, blanks last both ways."""
    import random
    import threading

    from app.giving_way import SLICE

    chance = random.Random(7)
    agencies = ["Police", "Health", "Education", "", None]
    rows = [(i, f"A{chance.randint(1, 3000)}", "x", chance.choice(agencies),
             chance.choice([None, dt.date(2024, 1, 1) + dt.timedelta(days=chance.randint(0, 40))]),
             None, None, None, chance.randint(0, 9)) for i in range(SLICE * 2 + 123)]
    query = TableQuery(COLUMNS, rows)
    worker = threading.Thread(target=query.prepare_sorting)
    worker.start()
    worker.join()
    assert query.sorting_ready
    for column in (0, 2, 3, 7):
        keys = query.sort_keys(column)
        filled = [i for i, key in enumerate(keys) if key is not None]
        blanks = [i for i, key in enumerate(keys) if key is None]
        for descending in (False, True):
            expected = sorted(filled, key=keys.__getitem__, reverse=descending) + blanks
            assert list(query.order(column, descending)) == expected, (column, descending)

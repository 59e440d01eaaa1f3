"""Reading dates, RAG ratings, recommendation numbers and lists as offices type them."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.dates import expand_year, format_date, parse_date
from app.excel.parsing import (parse_number_list, parse_rag, parse_uk_date, rag_from_fill,
                               split_multi)


@pytest.mark.parametrize("text, expected", [
    ("31/03/2015", dt.date(2015, 3, 31)),
    ("02/03/2015", dt.date(2015, 3, 2)),  # 2 March, never 3 February
    ("02.04.17", dt.date(2017, 4, 2)),
    ("2-4-2017", dt.date(2017, 4, 2)),
    ("5 th February 2017", dt.date(2017, 2, 5)),
    ("26th January 2017", dt.date(2017, 1, 26)),
    ("Sunday 5th February 2017", dt.date(2017, 2, 5)),
    ("02-Apr-17", dt.date(2017, 4, 2)),
    ("2015-03-31", dt.date(2015, 3, 31)),
    ("31/03/2015 00:00:00", dt.date(2015, 3, 31)),
    ("  by 31/03/2015 ", dt.date(2015, 3, 31)),
])
def test_day_first_dates(text, expected):
    parsed = parse_uk_date(text)
    assert (parsed.date, parsed.precision, parsed.warning) == (expected, "day", None)
    assert parsed.text == text.strip()


def test_real_dates_from_date_cells():
    assert parse_uk_date(dt.datetime(2015, 3, 31, 0, 0)).date == dt.date(2015, 3, 31)
    assert parse_uk_date(dt.date(2015, 3, 31)).text == "31/03/2015"


@pytest.mark.parametrize("text, expected", [
    ("Sept 2014", dt.date(2014, 9, 30)),
    ("September 2014", dt.date(2014, 9, 30)),
    ("Sep-14", dt.date(2014, 9, 30)),
    ("Feb 2016", dt.date(2016, 2, 29)),
    ("04/2013", dt.date(2013, 4, 30)),
    ("end of March 2015", dt.date(2015, 3, 31)),
])
def test_a_month_means_its_last_day_with_a_warning(text, expected):
    parsed = parse_uk_date(text)
    assert (parsed.date, parsed.precision) == (expected, "month")
    assert format_date(expected) in parsed.warning


@pytest.mark.parametrize("text, expected", [
    ("Q1 2014/15", dt.date(2014, 6, 30)),
    ("Q2 2014/15", dt.date(2014, 9, 30)),
    ("Q3 2014/15", dt.date(2014, 12, 31)),
    ("Q4 2014/15", dt.date(2015, 3, 31)),
    ("Q3 2014-2015", dt.date(2014, 12, 31)),
    ("2014/15 Q4", dt.date(2015, 3, 31)),
])
def test_a_financial_quarter_means_its_last_day(text, expected):
    parsed = parse_uk_date(text)
    assert (parsed.date, parsed.precision) == (expected, "fy_quarter")
    assert "financial-year quarter" in parsed.warning


def test_a_quarter_without_financial_year_is_a_calendar_quarter_with_a_warning():
    parsed = parse_uk_date("Q3 2014")
    assert parsed.date == dt.date(2014, 9, 30)
    assert "calendar quarter" in parsed.warning


def test_a_year_means_its_last_day():
    for value in ("2012", 2012):
        parsed = parse_uk_date(value)
        assert (parsed.date, parsed.precision) == (dt.date(2012, 12, 31), "year")
        assert "'2012' is a year; read as its last day, 31/12/2012." == parsed.warning


@pytest.mark.parametrize("text", ["Ongoing", "TBC", "n/a", "Not known"])
def test_words_that_set_no_date_are_kept_as_text(text):
    parsed = parse_uk_date(text)
    assert (parsed.date, parsed.precision, parsed.text) == (None, "none", text)
    assert parsed.warning == f"'{text}' sets no date; kept as text."


@pytest.mark.parametrize("text, reason", [
    ("31/02/2015", "February has 28 days in 2015"),
    ("29/02/2015", "February has 28 days in 2015"),
    ("03/31/2015", "Dates are read day first: type it as 31/03/2015"),
    ("February 5th, 2017", "write the day before the month, for example 5 February 2017"),
    ("Monday 5th February 2017", "5 February 2017 is a Sunday, not a Monday"),
    ("Q3 2014/16", "financial year"),
    ("1/1/1899", "the year 1899 cannot be right"),
    ("soon", "is not a date"),
])
def test_anything_else_is_kept_as_text_with_a_warning(text, reason):
    parsed = parse_uk_date(text)
    assert parsed.date is None and parsed.precision == "text" and parsed.text == text
    assert reason in parsed.warning and "kept as text" in parsed.warning


def test_31_01_40_is_read_as_a_form_reads_it():
    today = dt.date(2026, 12, 4)
    assert parse_uk_date("31/01/40", today=today).date == dt.date(2040, 1, 31) == parse_date("31/01/40", today=today)
    assert parse_uk_date("31/01/47", today=today).date == dt.date(1947, 1, 31)


def test_numbers_are_not_taken_for_dates():
    parsed = parse_uk_date(42094)
    assert parsed.date is None and "number" in parsed.warning


def test_blank_is_blank_without_a_warning():
    for value in (None, "", "  \u00a0 "):
        parsed = parse_uk_date(value)
        assert parsed.is_blank and parsed.warning is None


@pytest.mark.parametrize("text, fill, expected", [
    ("G", None, "Green"), ("Amber", None, "Amber"), ("r", None, "Red"),
    (" RED\u00a0", None, "Red"), ("Red - off track", None, "Red"), ("b", None, "Blue"),
    ("Complete", None, "Blue"),
    (None, "FFFF0000", "Red"), (None, "00FFC000", "Amber"), (None, "FF92D050", "Green"),
    (None, "FF00B050", "Green"), (None, "FF0070C0", "Blue"), (None, "FFFFC7CE", "Red"),
    ("", "FFFFFFFF", None), (None, "FF808080", None), ("Amber/Green", None, None),
    ("a delay", None, None),
    ("G", "FFFF0000", "Green"),  # the text wins over the colour
])
def test_rag_from_text_or_fill(text, fill, expected):
    assert parse_rag(text, fill) == expected


def test_unreadable_fills_give_nothing():
    assert rag_from_fill("theme") is None
    assert rag_from_fill(None) is None


@pytest.mark.parametrize("text, expected", [
    ("1, 2, 3", [1, 2, 3]), ("9-12", [9, 10, 11, 12]), ("9 \u2013 12", [9, 10, 11, 12]),
    ("21 & 22", [21, 22]), ("Rec 4 and 5", [4, 5]), ("Recs 1-3, 7", [1, 2, 3, 7]),
    ("No. 4", [4]), ("4a, 4b", [4]), ("R4 + R5", [4, 5]), ("1 to 3", [1, 2, 3]),
    ("2; 2", [2]), (3, [3]), (3.0, [3]), (None, []),
])
def test_recommendation_numbers(text, expected):
    numbers = parse_number_list(text)
    assert list(numbers) == expected and numbers.warnings == []


@pytest.mark.parametrize("text, kept, warning", [
    ("12-9", [], "not a sensible range"),
    ("1-100", [], "not a sensible range"),
    ("All", [], "not a recommendation number"),
    ("3, 2015", [3], "2015 is not a sensible"),
    (dt.datetime(2014, 12, 9), [], "Excel has stored this as a date"),
])
def test_absurd_numbers_are_refused_with_a_warning(text, kept, warning):
    numbers = parse_number_list(text)
    assert list(numbers) == kept
    assert any(warning in w for w in numbers.warnings)


def test_several_reviews_in_one_cell():
    assert split_multi("Child I and Child M / Family A\nChild L; Family A") == [
        "Child I and Child M", "Family A", "Child L"]
    assert split_multi("SCR 2014/01") == ["SCR 2014/01"]
    assert split_multi(None) == []


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_no_text_makes_the_parsers_fail(text):
    parsed = parse_uk_date(text)
    assert parsed.date is not None or parsed.text == "" or parsed.warning
    parse_rag(text, text)
    numbers = parse_number_list(text)
    assert all(1 <= n <= 500 for n in numbers)
    split_multi(text)


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2099, 12, 31)),
       st.sampled_from(["/", ".", "-"]), st.booleans())
def test_numeric_dates_are_always_day_first(date, separator, short_year):
    two_digits = short_year and expand_year(date.year % 100, dt.date.today()) == date.year
    year = f"{date.year % 100:02d}" if two_digits else str(date.year)
    text = f"{date.day:02d}{separator}{date.month:02d}{separator}{year}"
    assert parse_uk_date(text).date == date


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 12), st.integers(13, 31), st.integers(1950, 2099))
def test_month_first_dates_are_never_guessed(month, day, year):
    parsed = parse_uk_date(f"{month:02d}/{day:02d}/{year}")
    assert parsed.date is None and f"type it as {day:02d}/{month:02d}/{year}" in parsed.warning


def test_huge_and_infinite_numbers_are_refused_not_crashed():
    from app.excel.parsing import parse_number_list

    for value in (1.7976931348623155e308, float("inf"), float("-inf"), float("nan")):
        assert parse_number_list(value) == []

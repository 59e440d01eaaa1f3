"""One dates module: reading dates the UK way, imprecise dates, formats and working days.

Bank holidays used below (England and Wales, checked against the published lists):
Christmas Day 2022 was a Sunday, so Tuesday 27 December was its substitute day, and New
Year's Day 2023 (a Sunday) was observed on Monday 2 January; 2022 had two extra bank
holidays, the Platinum Jubilee (Friday 3 June, with the Spring bank holiday moved to
Thursday 2 June) and the Queen's state funeral (Monday 19 September); 2023 had the
Coronation (Monday 8 May); Easter 2024 ran from Good Friday 29 March to Easter Monday 1 April.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from app.dates import (
    DATE_FORMATS,
    DAY,
    DEFAULT_DATE_FORMAT,
    ENGLAND_AND_WALES,
    FY_QUARTER,
    MONTH,
    NO_DATE_WORDS,
    NONE,
    PRECISIONS,
    QUARTER,
    YEAR,
    DateNotUnderstood,
    WorkingCalendar,
    WrittenDate,
    add_period,
    add_working_days,
    date_format,
    expand_year,
    format_date,
    format_datetime,
    is_working_day,
    parse_date,
    parse_date_list,
    parse_written_date,
    working_days_between,
)

D = dt.date
TODAY = D(2026, 6, 15)


# --- exact dates -------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "31/01/2017", "31/1/17", "31.01.2017", "31-01-2017", "31.1.17", " 31 / 01 / 2017 ",
    "2017-01-31", "2017/01/31", "31 Jan 2017", "31 jan 2017", "31 January 2017",
    "31st January 2017", "31st of January 2017", "31 Jan. 2017", "31 January, 2017",
    "31-Jan-17", "31-Jan-2017", "Tuesday 31 January 2017", "Tue 31st Jan 2017",
    "310117", "31012017", "31 JANUARY 2017",
])
def test_every_accepted_way_of_typing_a_day(text):
    assert parse_date(text, today=TODAY) == D(2017, 1, 31)


def test_numeric_dates_are_day_first_never_swapped():
    assert parse_date("02/03/2015") == D(2015, 3, 2)
    assert parse_date("5 Sept 2014") == D(2014, 9, 5)


def test_dates_and_blanks():
    assert parse_date(None) is None
    assert parse_date("") is None and parse_date("  \u00a0 ") is None
    assert parse_date(D(2017, 1, 31)) == D(2017, 1, 31)
    assert parse_date(dt.datetime(2017, 1, 31, 14, 30)) == D(2017, 1, 31)


@pytest.mark.parametrize("text, message", [
    ("31/02/2017", "'31/02/2017' is not a date: February has 28 days in 2017."),
    ("30/02/2016", "'30/02/2016' is not a date: February has 29 days in 2016."),
    ("31/04/2017", "'31/04/2017' is not a date: April has 30 days."),
    ("00/01/2017", "there is no day 0"),
    ("31/13/2017", "'31/13/2017' is not a date: there is no month 13; type it as dd/mm/yyyy, "
                   "for example 31/03/2017."),
    ("02/13/2015", "there is no month 13. Dates are read day first: type it as 13/02/2015."),
    ("Jan 31 2017", "write the day before the month, for example 31 January 2017."),
    ("January 31st, 2017", "write the day before the month"),
    ("Monday 5 February 2017", "5 February 2017 is a Sunday, not a Monday."),
    ("01/01/0217", "the year 217 cannot be right"),
    ("tomorrow", "'tomorrow' is not a date: type it as dd/mm/yyyy, for example 31/03/2017"),
    ("31/01-2017", "type it as dd/mm/yyyy"),
    ("May 2014", "'May 2014' is not an exact date: give the day too, for example 31/05/2014."),
    ("Q3 2014/15", "'Q3 2014/15' is not an exact date: give the day too, for example 31/12/2014."),
    ("2012", "is not an exact date"),
    ("TBC", "'TBC' is not a date: type it as dd/mm/yyyy, for example 31/03/2017."),
    (42094, "'42094' is a number, not a date"),
])
def test_refusals_say_why_in_a_sentence(text, message):
    with pytest.raises(DateNotUnderstood) as refused:
        parse_date(text, today=TODAY)
    assert message in str(refused.value)
    assert isinstance(refused.value, ValueError)


# --- the two-digit year rule -------------------------------------------------------------

@pytest.mark.parametrize("two_digits, year", [(0, 2000), (26, 2026), (46, 2046), (47, 1947), (99, 1999)])
def test_two_digit_years_in_2026(two_digits, year):
    assert expand_year(two_digits, D(2026, 12, 31)) == year
    assert expand_year(two_digits, D(2026, 1, 1)) == year


def test_the_rule_is_counted_in_years_and_moves_with_today():
    assert expand_year(47, D(2027, 1, 1)) == 2047
    assert expand_year(80, D(2060, 6, 1)) == 2080
    assert expand_year(81, D(2060, 6, 1)) == 1981


def test_31_01_40_is_2040_however_it_is_read():
    today = D(2026, 12, 4)
    assert parse_date("31/01/40", today=today) == D(2040, 1, 31)
    assert parse_date("31.1.40", today=today) == D(2040, 1, 31)
    assert parse_date("31 Jan 40", today=today) == D(2040, 1, 31)
    assert parse_written_date("31/01/40", today=today).latest == D(2040, 1, 31)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 99), st.dates(min_value=D(1990, 1, 1), max_value=D(2079, 12, 31)))
def test_a_two_digit_year_is_never_more_than_20_years_ahead_nor_a_century_behind(two_digits, today):
    year = expand_year(two_digits, today)
    assert year % 100 == two_digits
    assert today.year + 20 - 100 < year <= today.year + 20


# --- imprecise dates ---------------------------------------------------------------------

@pytest.mark.parametrize("text, earliest, latest, precision, label", [
    ("31/01/2017", D(2017, 1, 31), D(2017, 1, 31), DAY, "31/01/2017"),
    ("May 2014", D(2014, 5, 1), D(2014, 5, 31), MONTH, "May 2014"),
    ("may 2014", D(2014, 5, 1), D(2014, 5, 31), MONTH, "May 2014"),
    ("05/2014", D(2014, 5, 1), D(2014, 5, 31), MONTH, "May 2014"),
    ("2014-05", D(2014, 5, 1), D(2014, 5, 31), MONTH, "May 2014"),
    ("Sep-14", D(2014, 9, 1), D(2014, 9, 30), MONTH, "September 2014"),
    ("Feb 2016", D(2016, 2, 1), D(2016, 2, 29), MONTH, "February 2016"),
    ("end of May 2014", D(2014, 5, 1), D(2014, 5, 31), MONTH, "May 2014"),
    ("end May 2014", D(2014, 5, 1), D(2014, 5, 31), MONTH, "May 2014"),
    ("Q3 2014", D(2014, 7, 1), D(2014, 9, 30), QUARTER, "Q3 2014"),
    ("Q1 2014/15", D(2014, 4, 1), D(2014, 6, 30), FY_QUARTER, "Q1 2014/15"),
    ("Q3 2014/15", D(2014, 10, 1), D(2014, 12, 31), FY_QUARTER, "Q3 2014/15"),
    ("Q3 2014-15", D(2014, 10, 1), D(2014, 12, 31), FY_QUARTER, "Q3 2014/15"),
    ("Q3 2014\u201315", D(2014, 10, 1), D(2014, 12, 31), FY_QUARTER, "Q3 2014/15"),
    ("2014/15 Q3", D(2014, 10, 1), D(2014, 12, 31), FY_QUARTER, "Q3 2014/15"),
    ("Q4 2014/2015", D(2015, 1, 1), D(2015, 3, 31), FY_QUARTER, "Q4 2014/15"),
    ("Q4 1999/00", D(2000, 1, 1), D(2000, 3, 31), FY_QUARTER, "Q4 1999/00"),
    ("2012", D(2012, 1, 1), D(2012, 12, 31), YEAR, "2012"),
    (2012, D(2012, 1, 1), D(2012, 12, 31), YEAR, "2012"),
    ("Ongoing", None, None, NONE, "Ongoing"),
    ("TBC", None, None, NONE, "TBC"),
])
def test_imprecise_dates_keep_their_precision(text, earliest, latest, precision, label):
    written = parse_written_date(text, today=TODAY)
    assert (written.earliest, written.latest, written.precision) == (earliest, latest, precision)
    assert written.label() == label
    assert written.text == str(text).strip()
    assert precision in PRECISIONS


@pytest.mark.parametrize("word", NO_DATE_WORDS)
def test_every_word_that_sets_no_date_in_any_case(word):
    for written in (word, word.upper(), word.title()):
        found = parse_written_date(written)
        assert (found.precision, found.earliest, found.latest, found.label()) == (NONE, None, None, written)


@pytest.mark.parametrize("text, message", [
    ("May 14", "it could be 14 May or May 2014; write the year in full, for example May 2014."),
    ("2011-12", "it could be December 2011 or the financial year 2011/12"),
    ("2014/15", "a whole financial year is not a date the tracker keeps"),
    ("Q3 2014/16", "a financial year is two years that follow each other"),
    ("13/2014", "there is no month 13"),
    ("Q5 2014", "is not a date"),
    ("soon", "a tracker may also say a month (May 2014), a quarter (Q3 2014/15), a year (2012)"),
])
def test_imprecise_refusals(text, message):
    with pytest.raises(DateNotUnderstood, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_written_date(text, today=TODAY)


def test_an_exact_date_is_labelled_in_the_format_given_and_sorts_by_its_latest_day():
    written = parse_written_date("5/3/2017")
    assert written.label("d MMMM yyyy") == "5 March 2017"
    assert written.label(date_format("yyyy-MM-dd")) == "2017-03-05"
    texts = ["Ongoing", "2014", "Q3 2014/15", "May 2014", "01/06/2014", "Q3 2014"]
    ordered = sorted((parse_written_date(t) for t in texts), key=lambda w: w.sort_key)
    assert [w.text for w in ordered] == ["May 2014", "01/06/2014", "Q3 2014", "2014", "Q3 2014/15", "Ongoing"]
    assert parse_written_date(None) is None and parse_written_date(" ") is None
    assert parse_written_date(D(2017, 3, 5)) == WrittenDate("05/03/2017", D(2017, 3, 5), D(2017, 3, 5), DAY)


def test_a_list_of_days():
    assert parse_date_list("29/12/2026, 30.12.26; 2026-12-31\n") == {D(2026, 12, 29), D(2026, 12, 30),
                                                                     D(2026, 12, 31)}
    assert parse_date_list("") == frozenset()
    with pytest.raises(DateNotUnderstood, match="'32/12/2026' is not a date"):
        parse_date_list("29/12/2026, 32/12/2026")


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_no_text_breaks_the_parser(text):
    try:
        found = parse_written_date(text)
    except DateNotUnderstood as refused:
        assert str(refused)
    else:
        assert found is None or found.precision in PRECISIONS


# --- formats -----------------------------------------------------------------------------

@pytest.mark.parametrize("pattern, expected, excel", [
    ("dd/MM/yyyy", "05/03/2017", "dd/mm/yyyy"),
    ("d MMM yyyy", "5 Mar 2017", "d mmm yyyy"),
    ("d MMMM yyyy", "5 March 2017", "d mmmm yyyy"),
    ("dd MMM yyyy", "05 Mar 2017", "dd mmm yyyy"),
    ("yyyy-MM-dd", "2017-03-05", "yyyy-mm-dd"),
    ("dd.MM.yyyy", "05.03.2017", "dd.mm.yyyy"),
])
def test_each_offered_format(pattern, expected, excel):
    chosen = date_format(pattern)
    assert chosen in DATE_FORMATS
    assert chosen.format(D(2017, 3, 5)) == expected == format_date(D(2017, 3, 5), pattern)
    assert chosen.excel == excel
    assert chosen.label.startswith(expected)


def test_the_old_bug_d_mmm_yyyy_is_not_d_03m():
    assert format_date(D(2017, 3, 5), "d MMM yyyy") == "5 Mar 2017"


def test_unknown_or_blank_patterns_give_the_default():
    assert DEFAULT_DATE_FORMAT.pattern == "dd/MM/yyyy"
    for pattern in (None, "", "  ", "%d/%m/%Y", "MM/dd/yyyy"):
        assert date_format(pattern) is DEFAULT_DATE_FORMAT
    assert format_date(None) == "" and format_datetime(None) == ""
    assert format_date(dt.datetime(2017, 3, 5, 9, 7)) == "05/03/2017"
    assert format_datetime(dt.datetime(2017, 3, 5, 9, 7), "d MMMM yyyy") == "5 March 2017 09:07"


def test_month_and_weekday_names_are_english_in_every_month():
    names = [date_format("d MMMM yyyy").format(D(2017, month, 1)).split()[1] for month in range(1, 13)]
    assert names == ["January", "February", "March", "April", "May", "June", "July", "August",
                     "September", "October", "November", "December"]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(DATE_FORMATS), st.dates(min_value=D(1900, 1, 1), max_value=D(2100, 12, 31)))
def test_every_format_reads_back_as_the_same_day(chosen, day):
    assert parse_date(chosen.format(day)) == day
    assert parse_written_date(chosen.format(day)).precision == DAY


# --- working days ------------------------------------------------------------------------

def test_five_working_days_from_thursday_22_december_2022():
    # Fri 23 (1); Mon 26 Boxing Day and Tue 27 (for Christmas Day) are bank holidays; Wed 28 (2),
    # Thu 29 (3), Fri 30 (4); Mon 2 Jan is New Year's Day observed; Tue 3 Jan (5).
    assert not is_working_day(D(2022, 12, 26)) and not is_working_day(D(2022, 12, 27))
    assert add_working_days(D(2022, 12, 22), 5) == D(2023, 1, 3)
    assert working_days_between(D(2022, 12, 22), D(2023, 1, 3)) == 5


def test_the_extra_bank_holidays_of_2022_and_2023():
    assert add_working_days(D(2022, 6, 1), 1) == D(2022, 6, 6)  # Spring bank holiday and Jubilee
    assert add_working_days(D(2022, 9, 16), 1) == D(2022, 9, 20)  # the state funeral
    assert add_working_days(D(2023, 5, 5), 1) == D(2023, 5, 9)  # the Coronation
    assert working_days_between(D(2021, 12, 31), D(2022, 12, 31)) == 260 - 10


def test_easter_2024():
    assert not is_working_day(D(2024, 3, 29)) and not is_working_day(D(2024, 4, 1))
    assert add_working_days(D(2024, 3, 28), 1) == D(2024, 4, 2)
    assert add_working_days(D(2024, 4, 2), -1) == D(2024, 3, 28)
    assert add_period(D(2024, 3, 28), 5, "working_days") == D(2024, 4, 8)


def test_an_office_closure_day_moves_the_due_date():
    closed = WorkingCalendar({D(2022, 12, 28), D(2022, 12, 29), D(2022, 12, 30)})
    assert not closed.is_working_day(D(2022, 12, 29))
    # Fri 23 (1), Tue 3 (2), Wed 4 (3), Thu 5 (4), Fri 6 January (5).
    assert closed.add_working_days(D(2022, 12, 22), 5) == D(2023, 1, 6)
    assert closed.add_period(D(2022, 12, 22), 5, "working_days") == D(2023, 1, 6)
    assert closed.working_days_between(D(2022, 12, 22), D(2023, 1, 6)) == 5
    # A closure day on a weekend or a bank holiday changes nothing.
    assert WorkingCalendar({D(2022, 12, 24), D(2022, 12, 27)}).add_working_days(D(2022, 12, 22), 5) == D(2023, 1, 3)
    assert ENGLAND_AND_WALES == WorkingCalendar() and ENGLAND_AND_WALES.closure_days == frozenset()


def test_periods_in_days_and_months():
    assert add_period(D(2016, 8, 31), 6, "months") == D(2017, 2, 28)
    assert add_period(D(2017, 2, 1), 14, "days") == D(2017, 2, 15)
    with pytest.raises(ValueError):
        add_period(D(2017, 2, 1), 14, "fortnights")


@settings(max_examples=150, deadline=None)
@given(st.dates(min_value=D(2015, 1, 1), max_value=D(2030, 12, 31)), st.integers(-40, 40),
       st.sets(st.dates(min_value=D(2014, 10, 1), max_value=D(2031, 3, 31)), max_size=15))
def test_adding_working_days_and_counting_them_agree(start, n, closures):
    calendar = WorkingCalendar(frozenset(closures))
    # Counting is "after a, up to and including b": back from a day off, the day off is not counted.
    assume(n >= 0 or calendar.is_working_day(start))
    end = calendar.add_working_days(start, n)
    assert calendar.working_days_between(start, end) == n
    assert n == 0 or calendar.is_working_day(end)


@pytest.mark.parametrize("chosen", DATE_FORMATS, ids=lambda f: f.pattern)
def test_a_date_of_birth_in_any_offered_format_is_caught_before_it_is_printed(chosen):
    from app.privacy_scan import DATE_OF_BIRTH, scan_text

    found = scan_text(f"Child X, DOB: {chosen.format(D(2015, 9, 30))}, known to services.")
    assert [finding.kind for finding in found] == [DATE_OF_BIRTH]

"""Office settings: the date format every paper uses, and the office's closure days."""

from __future__ import annotations

import datetime as dt

import pytest

from app.dates import DATE_FORMATS, DEFAULT_DATE_FORMAT, WorkingCalendar
from app.errors import ValidationError
from app.reports.formatting import DateText
from app.settings import get_settings, save_settings
from db.models import Setting

pytestmark = pytest.mark.both_engines

D = dt.date


def test_a_new_office_has_the_default_format_and_no_closure_days(session):
    settings = get_settings(session)
    assert settings.date_style is DEFAULT_DATE_FORMAT
    assert settings.closure_days == frozenset()
    assert settings.calendar == WorkingCalendar()


@pytest.mark.parametrize("chosen", DATE_FORMATS, ids=lambda f: f.pattern)
def test_papers_write_dates_in_each_offered_format(session, chosen):
    settings = save_settings(session, date_format=chosen.pattern)
    assert settings.date_style is chosen
    assert DateText(settings)(D(2017, 3, 5)) == chosen.format(D(2017, 3, 5))
    assert DateText(settings)(None) == ""


def test_d_mmm_yyyy_is_written_as_the_office_expects_not_d_03m(session):
    settings = save_settings(session, date_format="d MMM yyyy")
    assert DateText(settings)(D(2017, 3, 5)) == "5 Mar 2017"
    assert settings.format_date(D(2017, 12, 25)) == "25 Dec 2017"


def test_a_format_that_is_not_offered_is_refused(session):
    with pytest.raises(ValidationError) as refused:
        save_settings(session, date_format="%d/%m/%Y")
    assert "must be one of the offered formats" in refused.value.problems["date_format"]
    assert get_settings(session).date_format == "dd/MM/yyyy"


def test_closure_days_typed_the_uk_way_are_stored_as_iso_dates(session):
    settings = save_settings(session, closure_days="30/12/2026, 29.12.26; 31 Dec 2026")
    assert settings.closure_days == {D(2026, 12, 29), D(2026, 12, 30), D(2026, 12, 31)}
    assert session.get(Setting, "closure_days").value == "2026-12-29,2026-12-30,2026-12-31"
    assert not settings.calendar.is_working_day(D(2026, 12, 29))
    assert save_settings(session, closure_days=[D(2027, 12, 29)]).closure_days == {D(2027, 12, 29)}
    assert save_settings(session, closure_days="").closure_days == frozenset()


def test_a_closure_day_that_is_not_a_date_is_refused_with_a_sentence(session):
    save_settings(session, closure_days="29/12/2026")
    with pytest.raises(ValidationError) as refused:
        save_settings(session, closure_days="29/12/2026, 31/11/2026")
    assert refused.value.problems["closure_days"] == "'31/11/2026' is not a date: November has 30 days."
    assert get_settings(session).closure_days == {D(2026, 12, 29)}


def test_a_stored_closure_day_that_cannot_be_read_is_left_out(session, caplog):
    session.add(Setting(key="closure_days", value="2026-12-29,not a day"))
    session.flush()
    assert get_settings(session).closure_days == {D(2026, 12, 29)}
    assert "Closure day ignored" in caplog.text

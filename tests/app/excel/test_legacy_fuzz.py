"""Whatever people type into a tracker, planning and applying an import never crash."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.errors import UserError
from app.excel.legacy import apply_import, decide_word, plan_import
from tests.app.excel.legacy_fixtures import ACTION_HEADERS, REGISTER_HEADERS

pytestmark = pytest.mark.both_engines

_TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs", "Cc")), max_size=40)
_CELL = st.one_of(
    st.none(), _TEXT,
    st.sampled_from(["\t=SUM(A1)", "+44", "-", "@x", "G", "Amber", "9-12", "Q3 2014/15",
                     "31/02/2015", "Ongoing", "Ref 1", "SCR; NFA", "Childrens Servics"]),
    st.integers(-5, 3000), st.floats(allow_nan=False, allow_infinity=False),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2100, 1, 1)),
)


def _workbook(folder: Path, headers: list[str], rows: list[list]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for values in rows:
        ws.append([None] * len(headers))
        for column, value in enumerate(values, start=1):
            cell = ws.cell(ws.max_row, column, value)
            if isinstance(value, str):
                cell.data_type = "s"  # text stays text, even "=..."
    path = folder / "fuzz.xlsx"
    wb.save(path)
    return path


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.sampled_from([("action-plan", ACTION_HEADERS), ("referral-register", REGISTER_HEADERS)]),
       st.data())
def test_any_cells_plan_and_apply_without_crashing(database, kind_headers, data):
    kind, headers = kind_headers
    rows = data.draw(st.lists(st.lists(_CELL, min_size=len(headers), max_size=len(headers)),
                              min_size=1, max_size=4))
    with tempfile.TemporaryDirectory() as folder:
        path = _workbook(Path(folder), headers, rows)
        session = database.sessions()
        try:
            try:
                plan = plan_import(session, path, kind)
            except UserError as refused:  # rows of blanks: said in words
                assert "nothing to import" in str(refused)
                return
            for found in plan.words_to_decide():
                decide_word(plan.words, found.word.word, found.word.meanings[0])
            assert plan.describe()
            assert apply_import(session, plan).startswith("Imported fuzz.xlsx.")
        finally:
            session.rollback()
            session.close()

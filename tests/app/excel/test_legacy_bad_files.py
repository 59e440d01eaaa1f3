"""Files the importer must refuse with a clear message, leaving the database untouched."""

from __future__ import annotations

import pytest

from app.errors import UserError
from app.excel.legacy import detect_kind, plan_import
from tests.app.excel.legacy_fixtures import (build_action_plan, build_csv_renamed,
                                             build_empty_workbook, build_old_xls,
                                             build_password_protected, build_truncated,
                                             build_unrelated_columns)
from tests.engines import database_bytes

pytestmark = pytest.mark.both_engines


def _db_bytes(database) -> str:
    database.engine.dispose()  # closes connections: SQLite folds the WAL into the file
    return database_bytes(database)


def _truncated(path):
    source = build_action_plan(path.with_name("whole.xlsx"))
    return build_truncated(path, source)


def _zero_bytes(path):
    path.write_bytes(b"")
    return path


@pytest.mark.parametrize("name, build, expected", [
    ("referrals.xlsx", build_csv_renamed, "is a plain text (CSV) file, not an Excel workbook"),
    ("tracker.xlsx", _truncated, "damaged"),
    ("tracker 2013.xls", build_old_xls, "old-style Excel 97-2003 (.xls) workbook"),
    ("locked.xlsx", build_password_protected, "protected with a password"),
    ("blank.xlsx", _zero_bytes, "is empty (0 bytes)"),
    ("new.xlsx", build_empty_workbook, "is empty: no sheet holds anything, so there is nothing to import"),
    ("contacts.xlsx", build_unrelated_columns, "no sheet"),
])
def test_bad_files_are_refused_naming_the_file(database, tmp_path, name, build, expected):
    path = build(tmp_path / name)
    before = _db_bytes(database)
    with pytest.raises(UserError) as refused:
        with database.sessions.begin() as s:
            plan_import(s, path)
    assert expected in str(refused.value)
    assert name in str(refused.value)
    assert _db_bytes(database) == before


def test_a_missing_file_or_a_folder_is_refused(session, tmp_path):
    with pytest.raises(UserError, match="There is no file at"):
        plan_import(session, tmp_path / "nowhere.xlsx", "action-plan")
    with pytest.raises(UserError, match="is a folder"):
        plan_import(session, tmp_path, "action-plan")


def test_unrelated_columns_name_what_was_looked_for(session, tmp_path):
    path = build_unrelated_columns(tmp_path / "contacts.xlsx")
    assert detect_kind(path) is None
    with pytest.raises(UserError, match="no sheet has the columns of a referral register"):
        plan_import(session, path, "referral-register")


def test_an_unknown_kind_is_refused(session, tmp_path):
    path = build_action_plan(tmp_path / "plan.xlsx")
    with pytest.raises(UserError, match="'minutes' is not a kind of tracker"):
        plan_import(session, path, "minutes")

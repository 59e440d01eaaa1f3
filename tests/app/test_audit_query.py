"""Reading and exporting the audit trail: real edits through the services, real workbooks read back."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, text, update

from app.audit_query import (
    AuditFilter,
    audit_query,
    audit_rows,
    audit_tables,
    audit_users,
    count_audit,
    export_audit,
    record_label,
)
from app.services.archive import archive, purge
from app.services.referrals import create_referral, update_referral
from app.settings import save_settings
from app import lookups
from db.models import Action, AuditEntry, ListKind, Meeting, Referral

pytestmark = pytest.mark.both_engines


def new_action(session, reference, description):
    status = lookups.list_item(session, ListKind.ACTION_STATUS, "Not started")
    return Action(reference=reference, description=description, status=status)


def as_user(session, user: str):
    session.info["audit_user"] = user
    return session


@pytest.fixture
def referral_id(database):
    with database.sessions.begin() as s:
        as_user(s, "alice")
        ref = create_referral(s, reference="Ref053", summary="Infant with bruising.", location="Northtown",
                              referring_agency="Police", date_referred=dt.date(2024, 3, 4))
        rid = ref.id
    with database.sessions.begin() as s:
        as_user(s, "bob")
        update_referral(s, rid, location="Southtown", referring_agency="Children's Services")
    return rid


def test_one_records_history_lists_the_create_and_the_changes_with_old_and_new(database, referral_id):
    with database.readers() as s:
        rows = audit_rows(s, AuditFilter(table="referral", record_id=str(referral_id)))
    assert rows, "the edits should be in the trail"
    assert all(r.record == "Referral Ref053" for r in rows)
    # Newest first: bob's changes, then alice's create.
    assert [r.user for r in rows][:2] == ["bob", "bob"]
    assert rows[-1].operation == "create"
    changed = {r.field: (r.old_value, r.new_value) for r in rows if r.operation == "update"}
    assert changed["location"] == ("Northtown", "Southtown")
    # A linked record reads by its name, not its number.
    assert changed["referring_agency_id"] == ("Police", "Children's Services")
    created = {r.field: r.new_value for r in rows if r.operation == "create"}
    assert created["reference"] == "Ref053" and created["summary"] == "Infant with bruising."
    assert created["date_referred"] == "04/03/2024"  # the office's date format, not ISO


def test_links_between_records_read_as_names(database, referral_id):
    with database.sessions.begin() as s:
        s.add(Meeting(held_on=dt.date(2024, 4, 17), referrals_considered=[s.get(Referral, referral_id)]))
    with database.readers() as s:
        rows = audit_rows(s, AuditFilter(table="meeting"))
    linked = {r.field: r.new_value for r in rows}
    assert linked["referrals_considered"] == "Ref053"
    assert {r.record for r in rows} == {"Meeting 17/04/2024"}
    ordering = [(r.at, r.id) for r in rows]
    assert ordering == sorted(ordering, reverse=True)


def test_filters_by_user_table_operation_and_text(database, referral_id):
    with database.sessions.begin() as s:
        as_user(s, "carol")
        s.add(new_action(s, "SO14-06", "Audit 100% of supervision_records"))
    with database.readers() as s:
        bobs = audit_rows(s, AuditFilter(user="bob"))
        actions = audit_rows(s, AuditFilter(table="action"))
        creates = audit_rows(s, AuditFilter(operation="create", table="referral"))
        percent = audit_rows(s, AuditFilter(text="100%"))
        underscore = audit_rows(s, AuditFilter(text="Audit_100"))  # "_" is not a wildcard
        limited = audit_rows(s, AuditFilter(table="referral"), limit=2)
        assert count_audit(s, AuditFilter(user="bob")) == len(bobs)
        assert "carol" in audit_users(s) and "action" in audit_tables(s)
    assert bobs and {r.user for r in bobs} == {"bob"} and {r.table_name for r in bobs} == {"referral"}
    assert actions and {r.record for r in actions} == {"Action SO14-06"}
    assert {r.user for r in actions} == {"carol"}
    assert creates and {r.operation for r in creates} == {"create"}
    assert [r.field for r in percent] == ["description"]
    assert underscore == []
    assert len(limited) == 2


def test_the_text_search_ignores_case_on_either_engine(database, referral_id):
    with database.readers() as s:
        found = audit_rows(s, AuditFilter(text="infant WITH bruising"))
    assert [(r.field, r.new_value) for r in found] == [("summary", "Infant with bruising.")]


@pytest.fixture
def london(monkeypatch):
    monkeypatch.setenv("TZ", "Europe/London")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_date_filters_are_the_offices_local_days(database, referral_id, london):
    # Stored times are UTC: 23:30 UTC on 31 July is 00:30 on 1 August in British Summer Time.
    with database.sessions.begin() as s:
        s.execute(update(AuditEntry).where(AuditEntry.user == "alice").values(at=dt.datetime(2025, 7, 31, 23, 30)))
        s.execute(update(AuditEntry).where(AuditEntry.user == "bob").values(at=dt.datetime(2025, 8, 2, 9, 0)))
    with database.readers() as s:
        first_aug = audit_rows(s, AuditFilter(date_from=dt.date(2025, 8, 1), date_to=dt.date(2025, 8, 1)))
        july = audit_rows(s, AuditFilter(date_to=dt.date(2025, 7, 31)))
        from_second = audit_rows(s, AuditFilter(date_from=dt.date(2025, 8, 2)))
    assert first_aug and {r.user for r in first_aug} == {"alice"}
    assert first_aug[0].at == dt.datetime(2025, 8, 1, 0, 30)  # shown in local time
    assert [r for r in july if r.user in ("alice", "bob")] == []
    assert {r.user for r in from_second} >= {"bob"} and "alice" not in {r.user for r in from_second}


def test_record_labels_say_what_the_office_calls_a_record(database, referral_id):
    with database.sessions.begin() as s:
        action = new_action(s, "SO14-06", "Relaunch the toolkit.")
        bare = new_action(s, None, "No reference yet.")
        s.add_all([action, bare])
        s.flush()
        ids = action.id, bare.id
    with database.readers() as s:
        assert record_label(s, "referral", referral_id) == "Referral Ref053"
        assert record_label(s, "action", ids[0]) == "Action SO14-06"
        assert record_label(s, "action", ids[1]) == f"Action {ids[1]}"


def test_a_purged_record_is_still_named_from_the_trail(database, referral_id):
    with database.sessions.begin() as s:
        archive(s, "referral", referral_id)
    with database.sessions.begin() as s:
        purge(s, "referral", referral_id)
    with database.readers() as s:
        assert s.get(Referral, referral_id) is None
        rows = audit_rows(s, AuditFilter(table="referral", record_id=str(referral_id)))
        assert record_label(s, "referral", referral_id) == "Referral Ref053"
    assert {"purge", "archive", "update", "create"} <= {r.operation for r in rows}


def test_one_records_history_uses_the_record_index(database, referral_id):
    query = audit_query(AuditFilter(table="referral", record_id="1"))
    sql = str(query.compile(compile_kwargs={"literal_binds": True}))
    with database.readers() as s:
        if database.on_server:  # a table this small is read whole unless scans are ruled out
            s.execute(text("SET LOCAL enable_seqscan = off"))
            plan = " ".join(row[0] for row in s.execute(text(f"EXPLAIN {sql}")))
        else:
            plan = " ".join(str(row[-1]) for row in s.execute(text(f"EXPLAIN QUERY PLAN {sql}")))
    assert "ix_audit_entry_record" in plan


# --- the export ----------------------------------------------------------------------------------

def test_export_writes_every_matching_row_as_text_with_the_marking(database, referral_id, tmp_path):
    dangerous = ["=HYPERLINK(\"http://evil\",\"click\")", "+44 1", "-2+3", "@SUM(A1)"]
    with database.sessions.begin() as s:
        save_settings(s, protective_marking="OFFICIAL-SENSITIVE & PERSONAL")
    with database.sessions.begin() as s:
        for value in dangerous:
            update_referral(s, referral_id, notes=value)
    out = tmp_path / "ig.xlsx"
    flt = AuditFilter(table="referral", record_id=str(referral_id))
    with database.readers() as s:
        expected = audit_rows(s, flt)
        written = export_audit(s, flt, out)
    assert written == len(expected)

    wb = load_workbook(out)
    sheet = wb["Audit trail"]
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["When", "Who", "What happened", "Record"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref.startswith("A1:")
    assert "OFFICIAL-SENSITIVE && PERSONAL" in (sheet.oddHeader.center.text or "")
    assert "OFFICIAL-SENSITIVE && PERSONAL" in (sheet.oddFooter.left.text or "")
    body = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(body) == len(expected)
    col = {name: header.index(name) for name in header}
    first = sheet.cell(row=2, column=col["When"] + 1)
    assert isinstance(first.value, dt.datetime) and first.number_format == "dd/mm/yyyy hh:mm"
    assert first.value == expected[0].at.replace(second=first.value.second, microsecond=first.value.microsecond)
    new_values = [row[col["New value"]] for row in body]
    for value in dangerous:
        assert value in new_values
    for cell in sheet[get_column(col["New value"])]:
        if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
            assert cell.data_type == "s"  # text, never a formula
    assert {row[col["Record"]] for row in body} == {"Referral Ref053"}
    cover = wb["About this export"]
    assert any("record type Referral" in str(c.value) for row in cover.iter_rows() for c in row)


def get_column(index: int) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(index + 1)


def test_export_of_nothing_still_writes_a_header(database, tmp_path):
    out = tmp_path / "none.xlsx"
    with database.readers() as s:
        assert export_audit(s, AuditFilter(user="nobody"), out) == 0
    sheet = load_workbook(out)["Audit trail"]
    assert sheet["A1"].value == "When" and sheet.max_row == 1


def test_reading_and_exporting_leave_the_trail_exactly_as_it_was(database, referral_id, tmp_path):
    def trail():
        with database.readers() as s:
            return s.execute(select(AuditEntry.__table__)).all()

    before = trail()
    with database.readers() as s:
        audit_rows(s, AuditFilter())
        record_label(s, "referral", referral_id)
        export_audit(s, AuditFilter(), tmp_path / "all.xlsx")
    assert trail() == before

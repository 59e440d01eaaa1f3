"""The database is safe by default and every change leaves an audit trail."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import exc, select, text
from sqlalchemy.orm import exc as orm_exc

from app.services import actions, archive, recommendations, referrals, reviews
from db.audit import current_user
from db.models import AuditEntry, Decision


def audit_rows(session, table, record_id):
    return session.scalars(select(AuditEntry).where(
        AuditEntry.table_name == table, AuditEntry.record_id == str(record_id)).order_by(AuditEntry.id)).all()


def test_sqlite_is_in_wal_mode_with_foreign_keys_enforced(database):
    with database.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    with pytest.raises(exc.IntegrityError):
        with database.sessions.begin() as s:
            s.add(Decision(referral_id=9999, decided_on=dt.date(2017, 1, 1), outcome_id=1))


def test_a_failed_unit_of_work_leaves_nothing_behind(database):
    with pytest.raises(exc.IntegrityError):
        with database.sessions.begin() as s:
            referrals.create_referral(s, reference="Ref100", summary="Neglect")
            s.add(Decision(referral_id=9999, decided_on=dt.date(2017, 1, 1), outcome_id=1))
            s.flush()
    with database.sessions() as s:
        with pytest.raises(Exception, match="no referral"):
            referrals.get_referral(s, "Ref100")
        assert s.scalar(select(AuditEntry).where(AuditEntry.new_value == "Ref100")) is None


def test_create_change_archive_and_purge_are_audited_field_by_field(database):
    with database.sessions.begin() as s:
        ref = referrals.create_referral(s, reference="Ref053", summary="Extreme neglect and cruelty",
                                        location="Northampton", age_text="12 yrs")
        ref_id = ref.id
    with database.sessions.begin() as s:
        referrals.update_referral(s, ref_id, location="Kettering")
    with database.sessions.begin() as s:
        archive.archive(s, "referral", ref_id)
    with database.sessions.begin() as s:
        rows = audit_rows(s, "referral", ref_id)
        created = {r.field: r.new_value for r in rows if r.operation == "create"}
        assert created["reference"] == "Ref053"
        assert created["age_text"] == "12 yrs"
        change = [r for r in rows if r.operation == "update"]
        assert [(c.field, c.old_value, c.new_value) for c in change] == [("location", "Northampton", "Kettering")]
        assert [r.field for r in rows if r.operation == "archive"] == ["archived_at"]
        assert all(r.user == current_user() for r in rows)
        assert all(abs((r.at - dt.datetime.utcnow()).total_seconds()) < 60 for r in rows)
    with database.sessions.begin() as s:
        archive.purge(s, "referral", ref_id)
    with database.sessions() as s:
        assert [r.operation for r in audit_rows(s, "referral", ref_id)][-1] == "purge"
        # what the record held is still in the trail after the purge
        assert any(r.new_value == "Ref053" for r in audit_rows(s, "referral", ref_id))


def test_linking_an_action_to_recommendations_is_audited(database):
    with database.sessions.begin() as s:
        referrals.create_referral(s, reference="Ref021")
        rev = reviews.create_review(s, reference="SCR-21", title="Ref021", review_type="Serious Case Review",
                                    referrals=["Ref021"])
        r1 = recommendations.add_recommendation(s, rev.id, text="Review the bruising protocol.")
        r2 = recommendations.add_recommendation(s, rev.id, text="Audit strategy discussions.")
        act = actions.create_action(s, description="Relaunch the protocol", recommendation_ids=[r1.id])
        ids = (act.id, r1.id, r2.id)
    with database.sessions.begin() as s:
        actions.update_action(s, ids[0], recommendation_ids=[ids[1], ids[2]])
    with database.sessions() as s:
        links = [r for r in audit_rows(s, "action", ids[0]) if r.field == "recommendations"]
        assert links[0].operation == "create" and links[0].new_value == str(ids[1])
        assert links[-1].old_value == str(ids[1])
        assert links[-1].new_value == ", ".join(sorted([str(ids[1]), str(ids[2])]))


def test_a_stale_copy_of_a_record_cannot_overwrite_a_newer_change(database):
    with database.sessions.begin() as s:
        ref_id = referrals.create_referral(s, reference="Ref060").id
    # Two copies of the program each load the referral (short units of work, as the window does)...
    with database.sessions() as s:
        stale = referrals.get_referral(s, ref_id)
    with database.sessions.begin() as s:
        referrals.get_referral(s, ref_id).location = "Daventry"
    # ...and the one holding the older copy saves last: refused, not silently overwritten.
    with pytest.raises(orm_exc.StaleDataError):
        with database.sessions.begin() as s:
            mine = s.merge(stale, load=False)
            mine.location = "Corby"
    with database.sessions() as s:
        assert referrals.get_referral(s, ref_id).location == "Daventry"


def test_reading_does_not_block_another_copy_from_saving(database):
    with database.sessions.begin() as s:
        ref_id = referrals.create_referral(s, reference="Ref061").id
    with database.readers() as reader:
        referrals.get_referral(reader, ref_id)  # a long list load holds a read transaction
        with database.sessions.begin() as writer:
            referrals.update_referral(writer, ref_id, location="Corby")
    with database.readers() as s:
        assert referrals.get_referral(s, ref_id).location == "Corby"

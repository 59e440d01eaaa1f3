"""The synthetic-data generator: counts, links, text sizes, variety, integrity, determinism."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from sqlalchemy import text

from app.database import Database, open_database
from app.errors import UserError
from app.synthetic import generate

N = 500
TODAY = dt.date(2026, 6, 30)


def _open(folder: Path, name: str) -> Database:
    return open_database(folder / name, backup_folder=folder / "backups")


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """One database filled with N actions (module scope: generated once for these tests)."""
    folder = tmp_path_factory.mktemp("synthetic")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CRT_DATA_DIR", str(folder))
        database = _open(folder, "generated.sqlite")
        calls: list[tuple[int, int]] = []
        summary = generate(database, N, seed=7, today=TODAY,
                           progress=lambda done, total: calls.append((done, total)))
        yield database, summary, calls
        database.close()


def _scalar(database: Database, sql: str, **params):
    with database.engine.connect() as conn:
        return conn.execute(text(sql), params).scalar()


def _rows(database: Database, sql: str, **params) -> list[tuple]:
    with database.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql), params)]


def test_counts_match_the_request_and_the_summary(generated):
    database, summary, _ = generated
    counts = {
        "action": summary.actions, "review": summary.reviews, "referral": summary.referrals,
        "decision": summary.decisions, "recommendation": summary.recommendations,
        "action_recommendation": summary.action_links, "progress_update": summary.progress_updates,
        "target_revision": summary.target_revisions, "meeting": summary.meetings,
        "learning_event": summary.learning_events, "dissemination": summary.disseminations,
    }
    for table, expected in counts.items():
        assert _scalar(database, f"SELECT count(*) FROM {table}") == expected, table
    assert summary.actions == N
    assert summary.reviews == N // 25
    assert 10 <= summary.referrals <= 15
    assert 3 * summary.reviews <= summary.recommendations <= 7 * summary.reviews
    assert 0.7 <= summary.progress_updates / N <= 1.3
    assert summary.meetings >= 4 and summary.learning_events > 0


def test_progress_is_reported_per_chunk(generated):
    _, _, calls = generated
    assert calls[0] == (0, N) and calls[-1] == (N, N)


def test_recommendations_are_numbered_from_one_within_each_review(generated):
    database, _, _ = generated
    for review_id, count, low, high in _rows(
            database, "SELECT review_id, count(*), min(number), max(number) "
                      "FROM recommendation GROUP BY review_id"):
        assert (low, high) == (1, count), review_id
    assert _scalar(database, "SELECT count(*) FROM recommendation WHERE theme_id IS NULL") == 0


def test_every_action_answers_recommendations_of_one_review(generated):
    database, _, _ = generated
    rows = _rows(database, """
        SELECT a.id, count(ar.recommendation_id), count(DISTINCT r.review_id)
        FROM action a
        LEFT JOIN action_recommendation ar ON ar.action_id = a.id
        LEFT JOIN recommendation r ON r.id = ar.recommendation_id
        GROUP BY a.id""")
    assert len(rows) == N
    assert all(1 <= links <= 2 and reviews == 1 for _, links, reviews in rows)
    assert any(links == 2 for _, links, _ in rows)


def test_decisions_are_in_date_order_one_to_three_per_referral(generated):
    database, _, _ = generated
    per_referral = _rows(database, "SELECT referral_id, count(*) FROM decision GROUP BY referral_id")
    assert len(per_referral) == _scalar(database, "SELECT count(*) FROM referral")
    assert all(1 <= n <= 3 for _, n in per_referral)
    rows = _rows(database, "SELECT referral_id, decided_on FROM decision ORDER BY referral_id, id")
    for (ref_a, day_a), (ref_b, day_b) in zip(rows, rows[1:]):
        if ref_a == ref_b:
            assert day_a <= day_b
    assert _scalar(database, "SELECT count(*) FROM review r WHERE NOT EXISTS "
                             "(SELECT 1 FROM review_referral rr WHERE rr.review_id = r.id)") == 0
    types = _scalar(database, "SELECT count(DISTINCT review_type_id) FROM review")
    assert types >= 3


@pytest.mark.parametrize("table, column, low, high", [
    ("recommendation", "text", 200, 400),
    ("action", "description", 150, 250),
    ("progress_update", "text", 300, 500),
])
def test_text_lengths_are_around_their_targets(generated, table, column, low, high):
    database, _, _ = generated
    average = _scalar(database, f"SELECT avg(length({column})) FROM {table}")
    assert low <= average <= high
    assert _scalar(database, f"SELECT min(length({column})) FROM {table}") >= low * 0.9


def test_statuses_agencies_and_rag_values_are_all_used(generated):
    database, _, _ = generated
    unused_statuses = _scalar(database, """
        SELECT count(*) FROM list_item li WHERE li.kind = 'action_status'
        AND NOT EXISTS (SELECT 1 FROM action a WHERE a.status_id = li.id)""")
    unused_agencies = _scalar(database, """
        SELECT count(*) FROM agency ag
        WHERE NOT EXISTS (SELECT 1 FROM action a WHERE a.lead_agency_id = ag.id)""")
    rag = {r for (r,) in _rows(database, "SELECT DISTINCT rag FROM action")}
    assert unused_statuses == 0 and unused_agencies == 0
    assert rag == {"Red", "Amber", "Green", "Blue"}


def test_dates_make_an_action_plan_with_overdue_and_revised_actions(generated):
    database, _, _ = generated
    years = _rows(database, "SELECT min(original_target_on), max(target_on) FROM action")[0]
    assert years[0] >= "2015-01-01" and years[1] <= "2029-12-31"
    open_sql = ("FROM action a JOIN list_item s ON s.id = a.status_id "
                "WHERE s.is_open = 1 AND a.target_on {} :today")
    assert _scalar(database, "SELECT count(*) " + open_sql.format("<"), today=TODAY.isoformat()) > N // 10
    assert _scalar(database, "SELECT count(*) " + open_sql.format(">="), today=TODAY.isoformat()) > 0
    revised = _scalar(database, "SELECT count(*) FROM action WHERE original_target_on <> target_on")
    assert revised > N // 10
    # Each revised action's revisions run from its original target to its current one.
    assert _scalar(database, """
        SELECT count(*) FROM action a WHERE a.original_target_on <> a.target_on AND NOT EXISTS
        (SELECT 1 FROM target_revision t WHERE t.action_id = a.id AND t.new_target_on = a.target_on)
        """) == 0
    # Completed actions carry a date and evidence; open ones carry neither.
    assert _scalar(database, """
        SELECT count(*) FROM action a JOIN list_item s ON s.id = a.status_id
        WHERE s.code = 'complete' AND (a.completed_on IS NULL OR a.evidence_of_completion IS NULL
                                       OR a.completed_on > :today)""", today=TODAY.isoformat()) == 0
    assert _scalar(database, """
        SELECT count(*) FROM action a JOIN list_item s ON s.id = a.status_id
        WHERE s.is_open = 1 AND (a.completed_on IS NOT NULL OR a.rag = 'Blue')""") == 0


def test_integrity_versions_pseudonyms_and_a_single_audit_entry(generated):
    database, _, _ = generated
    assert _rows(database, "PRAGMA foreign_key_check") == []
    assert _scalar(database, "PRAGMA quick_check") == "ok"
    for table in ("referral", "decision", "review", "recommendation", "action", "progress_update"):
        assert _scalar(database, f"SELECT count(*) FROM {table} WHERE version <> 1") == 0, table
    subjects = [s for (s,) in _rows(database, "SELECT subject FROM referral")]
    assert all(re.fullmatch(r"(Child|Family) [A-Z]+", s) for s in subjects)
    entries = _rows(database, "SELECT operation, table_name, new_value FROM audit_entry "
                              "WHERE table_name NOT IN ('clock_rule', 'list_item', 'theme', "
                              "'agency', 'agency_alias', 'setting')")
    assert entries == [("generate", "database", f"{N} actions")]


def test_same_seed_gives_the_same_data_and_another_seed_does_not(tmp_path, monkeypatch):
    monkeypatch.setenv("CRT_DATA_DIR", str(tmp_path))
    query = ("SELECT a.id, a.description, a.lead_agency_id, a.target_on, a.status_id, a.rag, "
             "group_concat(u.text, '|') FROM action a "
             "LEFT JOIN progress_update u ON u.action_id = a.id GROUP BY a.id ORDER BY a.id")
    dumps = []
    for name, seed in (("one.sqlite", 3), ("two.sqlite", 3), ("three.sqlite", 4)):
        database = _open(tmp_path, name)
        try:
            generate(database, 60, seed=seed, today=TODAY)
            dumps.append(_rows(database, query)
                         + _rows(database, "SELECT * FROM recommendation ORDER BY id"))
        finally:
            database.close()
    assert dumps[0] == dumps[1]
    assert dumps[0] != dumps[2]


def test_refuses_a_database_that_already_holds_data(generated):
    database, _, _ = generated
    with pytest.raises(UserError, match="already holds"):
        generate(database, 10, today=TODAY)
    assert _scalar(database, "SELECT count(*) FROM action") == N
    assert _scalar(database, "SELECT count(*) FROM audit_entry WHERE operation = 'generate'") == 1


def test_refuses_a_number_of_actions_below_one(tmp_path, monkeypatch):
    monkeypatch.setenv("CRT_DATA_DIR", str(tmp_path))
    database = _open(tmp_path, "empty.sqlite")
    try:
        with pytest.raises(UserError):
            generate(database, 0)
        assert _scalar(database, "SELECT count(*) FROM review") == 0
    finally:
        database.close()

"""Several people at once on one PostgreSQL database (issue 18, item 3).

Five processes, each signed in as a login of its own, edit, close (and reopen) and import agency
returns through the program's own functions for a fixed number of rounds. Every round begins
with all five reading what they are about to change (the form opened, the return previewed)
and only then do they save: five people and four actions, so in every round at least two of
them change the same action and all but the first must be told of the conflict, as the
window tells them (``app.db_errors.STALE`` for a form, ``ChangedSincePreview`` for a return).

At the end, from each process's own account of what it was told: the saves that were reported
saved are exactly the ones in the database (each action's versions are the saves' versions end
to end, and its fields hold what the last save of each wrote), every conflict was reported and
wrote nothing, and the audit trail names the login that made each change. Meanwhile a viewer's
login tries every kind of write and the server refuses each.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import random
import tempfile
import threading
import time
import traceback
import uuid
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from app.database import open_database
from app.db_errors import SERVER_READ_ONLY, STALE, ensure_unchanged, plain_database_errors
from app.errors import UserError
from app.excel.export import ACTION_SHEET, export_action_plan
from app.excel.legacy import apply_import, plan_import
from app.excel.returns import ChangedSincePreview, apply_return, read_return
from app.services import actions, recommendations, referrals, reviews
from db.models import Action, AuditEntry
from tests.app.excel.legacy_fixtures import build_action_plan
from tests.app.excel.test_export import cell
from tests.postgres import databases as server

WRITERS = 5
ROUNDS = 3
ACTIONS = 4  # fewer than the writers: every round has a collision
KINDS = ("edit", "close", "import")
AGENCY = "Police"
TODAY = dt.date.today()
# How long a person looks at the form or the preview before saving.
THINK = (0.01, 0.05)
BARRIER_TIMEOUT = 60


@dataclass(frozen=True)
class Saved:
    """A change its process was told was saved: which action, from which version to which,
    and what it wrote (``field`` = ``token``; ``reopened`` for a reopening)."""

    login: str
    kind: str
    action_id: int
    before: int
    after: int
    field: str
    token: str
    reopened: bool = False


@dataclass(frozen=True)
class Refused:
    """A conflict its process was told of: the message it was shown and the actions named."""

    login: str
    kind: str
    message: str
    action_ids: tuple[int, ...]


# --- one writer (a process of its own) -------------------------------------------------------

def _writer(index: int, address: str, login: str, action_ids: list[int], folder: str, barrier, results) -> None:
    """Play ``ROUNDS`` rounds as ``login``; put (saved, refused, errors) on ``results``."""
    saved: list[Saved] = []
    refused: list[Refused] = []
    errors: list[str] = []
    rng = random.Random(index)
    db = open_database(address)
    try:
        for round_number in range(ROUNDS):
            kind = KINDS[(index + round_number) % len(KINDS)]
            token = f"{login} round {round_number}"
            step = None
            try:
                step = _Step(db, kind, token, login, rng, action_ids, Path(folder) / f"{login}-{round_number}.xlsx")
                step.prepare()
            except Exception:  # noqa: BLE001 - a bug: reported to the test, which fails on it
                errors.append(traceback.format_exc())
            barrier.wait(BARRIER_TIMEOUT)  # all prepared: everyone reads now
            try:
                if step is not None:
                    step.read()
            except Exception:  # noqa: BLE001
                errors.append(traceback.format_exc())
                step = None
            barrier.wait(BARRIER_TIMEOUT)  # all have read: everyone saves now
            if step is not None:
                time.sleep(rng.uniform(*THINK))
                _save(step, saved, refused, errors)
            barrier.wait(BARRIER_TIMEOUT)  # all saved: the next round's exports see every save
    finally:
        db.close()
        results.put((saved, refused, errors))


def _save(step: _Step, saved: list[Saved], refused: list[Refused], errors: list[str]) -> None:
    """Save ``step``, noting what its person was told: saved, a conflict, or (a bug) anything else."""
    try:
        with plain_database_errors():
            saved.extend(step.save())
    except ChangedSincePreview as err:
        refused.append(Refused(step.login, step.kind, str(err), tuple(err.action_ids)))
    except UserError as err:
        if str(err) != STALE:
            errors.append(f"{step.login} {step.kind}: {err}")
        refused.append(Refused(step.login, step.kind, str(err), (step.action_id,)))
    except Exception:  # noqa: BLE001 - a bug: reported to the test, which fails on it
        errors.append(traceback.format_exc())


class _Step:
    """One person's action in a round: ``prepare`` (export the plan, for a return), ``read``
    (open the form, or preview the return), ``save``."""

    def __init__(self, db, kind: str, token: str, login: str, rng: random.Random, action_ids: list[int],
                 path: Path):
        self.db, self.kind, self.token, self.login, self.path = db, kind, token, login, path
        self.action_id = rng.choice(action_ids)
        self.returned = sorted(rng.sample(action_ids, 2))
        self.version = self.was_open = self.preview = None

    def prepare(self) -> None:
        if self.kind != "import":
            return
        with self.db.sessions.begin() as s:
            export_action_plan(s, self.path, agency=AGENCY, today=TODAY)
        book = openpyxl.load_workbook(self.path)  # the agency writes in two rows and sends it back
        sheet = book[ACTION_SHEET]
        for action_id in self.returned:
            cell(sheet, action_id, "Evidence of impact").value = f"{self.token}, action {action_id}"
        book.save(self.path)

    def read(self) -> None:
        with self.db.readers() as s:
            if self.kind == "import":
                self.preview = read_return(s, self.path, today=TODAY)
            else:
                action = s.get(Action, self.action_id)
                self.version, self.was_open = action.version, action.status.is_open

    def save(self) -> list[Saved]:
        if self.kind == "import":
            return self._apply_return()
        with self.db.sessions.begin() as s:
            action = actions.get_action(s, self.action_id)
            ensure_unchanged(action, self.version)  # as the form does
            if self.kind == "edit":
                actions.update_action(s, self.action_id, lead_officer=self.token)
                written = ("lead_officer", False)
            elif self.was_open:
                actions.close_action(s, self.action_id, reason="Superseded", completed_on=TODAY, note=self.token)
                written = ("closure_note", False)
            else:
                actions.reopen_action(s, self.action_id, status="In progress")
                actions.update_action(s, self.action_id, lead_officer=self.token)
                written = ("lead_officer", True)
            return [Saved(self.login, self.kind, self.action_id, self.version, action.version, written[0],
                          self.token, reopened=written[1])]

    def _apply_return(self) -> list[Saved]:
        accepted = self.preview.applicable()
        assert sorted(accepted) == self.returned, self.preview.describe()
        before = {item.action_id: item.db_version for item in self.preview.actions}
        with self.db.sessions.begin() as s:
            apply_return(s, self.preview, accepted)
            after = dict(s.execute(select(Action.id, Action.version).where(Action.id.in_(accepted))).all())
        return [Saved(self.login, "import", action_id, before[action_id], after[action_id], "evidence_of_impact",
                      f"{self.token}, action {action_id}") for action_id in accepted]


# --- the test ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Office:
    url: object
    logins: list[str]
    viewer: str
    action_ids: list[int]
    versions: dict[int, int]  # each action's version before the rounds
    last_entry: int  # the audit trail's last entry before the rounds
    viewer_return: Path


@pytest.fixture
def office(pg_url):
    """Five officers' logins and a viewer's on a database with a review and ``ACTIONS`` actions."""
    suffix = uuid.uuid4().hex[:6]
    officers, readers = f"crt_cc_officers_{suffix}", f"crt_cc_readers_{suffix}"
    logins = [f"crt_cc_officer{n}_{suffix}" for n in range(1, WRITERS + 1)]
    viewer = f"crt_cc_viewer_{suffix}"
    server.run_as_superuser(f"CREATE ROLE {officers}", f"CREATE ROLE {readers}")
    for name in logins:
        server.login(name, officers)
    server.login(viewer, readers)
    server.run_as_superuser(
        f"GRANT USAGE ON SCHEMA public TO {officers}, {readers}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {officers}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {officers}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {readers}",
        database=pg_url.database)
    db = open_database(server.address(pg_url))
    try:
        with db.sessions.begin() as s:
            s.info["audit_user"] = "setup"
            review = reviews.create_review(s, reference="SCR-30", title="Child R", review_type="Serious Case Review",
                                           initiated_on=dt.date(2024, 1, 8))
            rec = recommendations.add_recommendation(s, review.id, text="Share chronologies within a week.")
            action_ids = [actions.create_action(s, description=f"Action {n}", recommendation_ids=[rec.id],
                                                lead_agency=AGENCY, lead_officer="DI Smith", status="In progress",
                                                target_on=dt.date(2025, 3, 31)).id
                          for n in range(1, ACTIONS + 1)]
        with db.readers() as s:
            versions = dict(s.execute(select(Action.id, Action.version)).all())
            first_entry = s.scalar(select(func.max(AuditEntry.id)))
        # A return the viewer will try to apply: exported by the administrator, edited by the agency.
        returned = Path(tempfile.mkdtemp()) / "viewer.xlsx"
        with db.sessions.begin() as s:
            s.info["audit_user"] = "setup"
            export_action_plan(s, returned, agency=AGENCY, today=TODAY)
        book = openpyxl.load_workbook(returned)
        cell(book[ACTION_SHEET], action_ids[0], "Evidence of impact").value = "The viewer's return"
        book.save(returned)
    finally:
        db.close()
    yield Office(pg_url, logins, viewer, action_ids, versions, first_entry, returned)
    for name in (*logins, viewer, officers, readers):
        server.run_as_superuser(f"DROP OWNED BY {name}", database=pg_url.database)
        server.run_as_superuser(f"DROP ROLE {name}")


def _viewer_tries_every_write(office: Office) -> list[str]:
    """The viewer edits, closes, applies a return and adds a referral: what each was told."""
    db = open_database(server.as_login(office.url, office.viewer))
    action_id = office.action_ids[0]
    told = []

    def edit(s):
        actions.update_action(s, action_id, lead_officer="The viewer")

    def close(s):
        actions.close_action(s, action_id, reason="Superseded", completed_on=TODAY, note="The viewer")

    def apply(s):
        preview = read_return(s, office.viewer_return, today=TODAY)
        apply_return(s, preview, preview.applicable())

    def add(s):
        referrals.create_referral(s, reference="Ref-viewer", summary="Added by the viewer")

    try:
        for write in (edit, close, apply, add):
            try:
                with plain_database_errors(), db.sessions.begin() as s:
                    write(s)
            except UserError as err:
                told.append(str(err))
            else:
                told.append("saved")
    finally:
        db.close()
    return told


def _expected(office: Office, saved: list[Saved]) -> dict[int, dict]:
    """Each action as the saves reported saved leave it, replayed in the order of their versions."""
    state = {action_id: {"lead_officer": "DI Smith", "closure_note": None, "evidence_of_impact": None,
                         "open": True, "version": office.versions[action_id]}
             for action_id in office.action_ids}
    for save in sorted(saved, key=lambda s: (s.action_id, s.before)):
        now = state[save.action_id]
        assert save.before == now["version"] < save.after, f"{save} does not follow version {now['version']}"
        now["version"] = save.after
        now[save.field] = save.token
        if save.field == "closure_note":
            now["open"] = False
        if save.reopened:
            now.update(open=True, closure_note=None)
    return state


def test_five_officers_at_once_lose_no_update_and_are_told_of_every_conflict(office):
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(WRITERS), context.Queue()
    folder = tempfile.mkdtemp()
    started = time.perf_counter()
    writers = [context.Process(target=_writer, args=(index, server.as_login(office.url, login), login,
                                                     office.action_ids, folder, barrier, results))
               for index, login in enumerate(office.logins)]
    for process in writers:
        process.start()
    viewer_told = _viewer_tries_every_write(office)
    outcomes = [results.get(timeout=120) for _ in writers]
    for process in writers:
        process.join(30)
    elapsed = time.perf_counter() - started
    saved = [s for outcome in outcomes for s in outcome[0]]
    refused = [r for outcome in outcomes for r in outcome[1]]
    errors = [e for outcome in outcomes for e in outcome[2]]
    assert errors == []

    # Every conflict was said to its person as the window says it, naming what changed.
    assert len(refused) >= ROUNDS  # five people, four actions: a collision every round
    for conflict in refused:
        if conflict.kind == "import":
            assert "changed in the tracker after the preview was made" in conflict.message
            assert conflict.action_ids
        else:
            assert conflict.message == STALE

    # No lost update: the saves reported saved follow one another, version by version, and
    # leave every action as the database holds it.
    expected = _expected(office, saved)
    db = open_database(server.address(office.url))
    try:
        with db.readers() as s:
            for action_id, want in expected.items():
                action = s.get(Action, action_id)
                assert (action.version, action.lead_officer, action.closure_note, action.evidence_of_impact,
                        action.status.is_open) == (want["version"], want["lead_officer"], want["closure_note"],
                                                   want["evidence_of_impact"], want["open"])
            entries = s.execute(select(AuditEntry.user, AuditEntry.table_name, AuditEntry.record_id,
                                       AuditEntry.field, AuditEntry.new_value)
                                .where(AuditEntry.id > office.last_entry)).all()
    finally:
        db.close()

    # The audit trail names the login that made each change, and nobody else.
    by_value = {}
    for user, table, record_id, field, value in entries:
        by_value.setdefault((table, record_id, field, value), set()).add(user)
    for save in saved:
        assert by_value.get(("action", str(save.action_id), save.field, save.token)) == {save.login}, save
    assert {user for user, *_ in entries} <= set(office.logins)

    # The viewer's every write was refused by the server.
    assert viewer_told == [SERVER_READ_ONLY] * 4
    print(f"\n{WRITERS} writers x {ROUNDS} rounds in {elapsed:.1f} s: {len(saved)} changes saved "
          f"({sum(1 for s in saved if s.kind == 'import')} by returns), {len(refused)} conflicts reported "
          f"({sum(1 for r in refused if r.kind == 'import')} returns), viewer refused {len(viewer_told)} times")


# --- the locks, one at a time -----------------------------------------------------------------

def _in_thread(work) -> tuple[threading.Thread, list]:
    """Run ``work`` on a thread of its own (another officer); its outcome lands in the list."""
    outcome: list = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as err:  # noqa: BLE001 - handed to the test's thread
            outcome.append(err)
    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


@pytest.fixture
def plan(pg_database):
    """Three Police actions on the server and a return changing the first two, previewed."""
    with pg_database.sessions.begin() as s:
        review = reviews.create_review(s, reference="SCR-31", title="Child S", review_type="Serious Case Review")
        rec = recommendations.add_recommendation(s, review.id, text="Share chronologies within a week.")
        ids = [actions.create_action(s, description=f"Action {n}", recommendation_ids=[rec.id],
                                     lead_agency=AGENCY, lead_officer="DI Smith").id for n in (1, 2, 3)]
    path = Path(tempfile.mkdtemp()) / "police.xlsx"
    with pg_database.sessions.begin() as s:
        export_action_plan(s, path, agency=AGENCY, today=TODAY)
    book = openpyxl.load_workbook(path)
    for action_id in ids[:2]:
        cell(book[ACTION_SHEET], action_id, "Evidence of impact").value = "Fewer repeat referrals"
    book.save(path)
    with pg_database.readers() as s:
        preview = read_return(s, path, today=TODAY)
    assert preview.applicable() == ids[:2]
    return pg_database, ids, preview


def test_a_return_being_saved_holds_its_actions_only(plan):
    """While a return is written, an officer's save of one of its actions waits for it and is
    then refused as stale; a save of another action goes straight through."""
    db, ids, preview = plan
    returning = db.sessions()
    try:
        apply_return(returning, preview, ids[:2])  # written, not yet committed

        def save(action_id: int):
            with plain_database_errors(), db.sessions.begin() as s:
                action = actions.get_action(s, action_id)
                ensure_unchanged(action, 1)
                actions.update_action(s, action_id, lead_officer="Named Nurse")
            return "saved"
        other, other_outcome = _in_thread(lambda: save(ids[2]))
        other.join(10)
        assert other_outcome == ["saved"]  # not one of the return's: no waiting
        same, same_outcome = _in_thread(lambda: save(ids[0]))
        same.join(0.5)
        assert same.is_alive()  # waits for the return's lock on the row
        returning.commit()
        same.join(10)
        assert [str(err) for err in same_outcome] == [STALE]
    finally:
        returning.close()
    with db.readers() as s:
        assert [(a.lead_officer, a.evidence_of_impact) for a in map(lambda i: s.get(Action, i), ids)] == [
            ("DI Smith", "Fewer repeat referrals"), ("DI Smith", "Fewer repeat referrals"), ("Named Nurse", None)]


def test_a_return_names_every_action_changed_since_its_preview_and_writes_nothing(plan):
    db, ids, preview = plan
    for action_id, officer in zip(ids[:2], ("Named Nurse", "DS Jones")):
        with db.sessions.begin() as s:
            actions.update_action(s, action_id, lead_officer=officer)
    with pytest.raises(ChangedSincePreview) as refused, db.sessions.begin() as s:
        apply_return(s, preview, ids[:2])
    assert refused.value.action_ids == ids[:2]
    assert str(refused.value).startswith(f"Actions {', '.join(refused.value.references)} were changed in the "
                                         "tracker after the preview was made")
    with db.readers() as s:
        assert [s.get(Action, i).evidence_of_impact for i in ids] == [None, None, None]


def test_two_imports_of_one_tracker_at_once_add_it_once(pg_database, tmp_path):
    """Both previewed before either is written: the second waits for the first, then sees the
    agency the first added ('Polise', a spelling nobody mapped) and asks to be previewed again,
    writing nothing; so imported again, it finds every record again instead of adding them twice."""
    tracker = build_action_plan(tmp_path / "Composite action plan v7.xlsx")
    first, second = pg_database.sessions(), pg_database.sessions()
    try:
        first_plan = plan_import(first, tracker, "action-plan")
        second_plan = plan_import(second, tracker, "action-plan")
        assert first_plan.counts()["actions"] == second_plan.counts()["actions"] == (10, 0)
        apply_import(first, first_plan)
        waiting, outcome = _in_thread(lambda: apply_import(second, second_plan))
        waiting.join(0.5)
        assert waiting.is_alive()  # queued behind the first import
        first.commit()
        waiting.join(30)
        assert [str(err) for err in outcome] == [
            "Composite action plan v7.xlsx would add the agency 'Polise', which someone else added after the "
            "preview was made (another import?). Import Composite action plan v7.xlsx again to see what it would "
            "do now. Nothing was written."]
    finally:
        first.close()
        second.close()
    with pg_database.sessions.begin() as s:
        assert "Created: nothing." in apply_import(s, plan_import(s, tracker, "action-plan"))
    with pg_database.readers() as s:
        assert s.scalar(select(func.count()).select_from(Action)) == 10

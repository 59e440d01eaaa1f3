"""Kill a process while it changes the database, at a random moment, and examine the file.

Three scenarios, each one transaction through the real code:

- ``bulk-edit``: ``update_action`` on every action (audit trail included);
- ``import``: an import-like bulk insert of actions with progress updates through the services;
- ``migration``: ``open_database`` upgrading to an extra Alembic revision that rewrites two
  tables with ``batch_alter_table(recreate="always")`` (copy, drop, rename) and fills a column.

For each, ``prepare`` builds the before-database, runs the worker to completion once to
learn the after-state and how long the work takes, and ``crash_once`` then copies the
before-database, starts the worker, sends SIGKILL after a random delay within that time, and
reports whether the file passes ``PRAGMA integrity_check`` and holds exactly the before- or
the after-state (by a checksum of the rows the scenario touches).

Used by ``test_crash_safety.py`` (a dozen runs per scenario) and
``tests/benchmarks/soak_crash.py`` (hundreds).

Starting a Python interpreter and importing SQLAlchemy, Alembic and the program takes longer
than the work itself, so runs do not each start one. A ``Forker`` (this module run as
``python -m tests.app.safety.crash_harness``) imports everything once and forks a fresh child
process per run; the child does the work through the real code and is the process killed.
The forker reaps a child only when told to, so the process id the test signals can never
have been reused by an unrelated process. POSIX only: Windows has neither fork nor SIGKILL.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
if str(REPO) not in sys.path:  # run as a script by the soak benchmark
    sys.path.insert(0, str(REPO))

SCENARIOS = ("bulk-edit", "import", "migration")
# What the worker prints, so the parent knows how far it got.
STARTED, BEGUN, COMMITTED, FAILED = "started", "begun", "committed", "failed"
IMPORT_ROWS = 100
TEMPLATE_ACTIONS = {"bulk-edit": 200, "import": 50, "migration": 4000}
MIGRATION_REVISION = "0099"
# Kill moments are drawn from this multiple of the measured work time, so that some runs are
# killed after the commit (during the close or the checkpoint) and most during the work.
KILL_WINDOW = 1.5


@dataclass(frozen=True)
class Scenario:
    """A prepared scenario: the before-database, the two acceptable states, the work's length."""

    name: str
    folder: Path
    template: Path
    before: str
    after: str
    seconds: float


@dataclass(frozen=True)
class Outcome:
    """One killed run."""

    delay: float  # seconds after the worker said it had started
    killed: bool  # ended by the signal (not already finished)
    markers: frozenset[str]  # how far the worker said it had got
    integrity: str
    product_check: str  # app.check's verdict on the file
    state: str  # "before", "after" or "neither"
    bad_backup_offered: bool  # a backup list_backups calls good that is not the before-state

    @property
    def mid_transaction(self) -> bool:
        """Killed after the first write of the transaction and before its commit returned."""
        return self.killed and BEGUN in self.markers and COMMITTED not in self.markers


# --- the worker (child process) ------------------------------------------------------------

def _say(marker: str) -> None:
    print(marker, flush=True)


def _work(name: str, db_path: Path, folder: Path) -> None:
    import datetime as dt

    from sqlalchemy import select

    from app.database import open_database
    from app.services.actions import create_action, update_action
    from app.services.updates import add_progress_update
    from db import migrate
    from db.models import Action, Recommendation

    if name == "migration":
        migrate.MIGRATIONS_DIR = folder / "migrations"
        _say(STARTED)
        open_database(db_path, backup_folder=backup_folder_for(db_path)).close()
        _say(COMMITTED)
        return
    db = open_database(db_path)
    _say(STARTED)
    with db.sessions.begin() as s:
        if name == "bulk-edit":
            for i, action_id in enumerate(s.scalars(select(Action.id).order_by(Action.id)).all()):
                update_action(s, action_id, lead_officer=f"Designated lead {action_id}",
                              rag=("Red", "Amber", "Green")[action_id % 3])
                if i == 0:
                    _say(BEGUN)
        else:
            recommendation = s.scalars(select(Recommendation.id).order_by(Recommendation.id)).first()
            for i in range(IMPORT_ROWS):
                action = create_action(s, description=f"Imported action {i}: audit supervision records",
                                       recommendation_ids=[recommendation], lead_officer="Named nurse",
                                       reference=f"IMP-{i:04d}")
                add_progress_update(s, action.id, text=f"Imported update {i}", rag="Amber",
                                    update_on=dt.date(2024, 1, 1))
                if i == 0:
                    _say(BEGUN)
    _say(COMMITTED)
    db.close()


# --- the parent --------------------------------------------------------------------------

def backup_folder_for(db_path: Path) -> Path:
    """Where the migration worker's pre-migration backup of ``db_path`` goes."""
    return db_path.with_name(f"{db_path.stem}-backups")


def _write_migration(folder: Path) -> None:
    from db import migrate

    scripts = folder / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / f"{MIGRATION_REVISION}_rewrite_tables.py").write_text(textwrap.dedent(f'''
        from alembic import op
        import sqlalchemy as sa
        revision = "{MIGRATION_REVISION}"
        down_revision = "{migrate.head_revision()}"
        branch_labels = None
        depends_on = None
        def upgrade():
            print("{BEGUN}", flush=True)
            with op.batch_alter_table("progress_update", recreate="always") as batch:
                batch.add_column(sa.Column("visibility", sa.String(20)))
            with op.batch_alter_table("target_revision", recreate="always") as batch:
                batch.add_column(sa.Column("approved_by", sa.String(200)))
            op.execute("UPDATE progress_update SET visibility = 'office'")
        def downgrade():
            pass
    '''), encoding="utf-8")


def _rows(conn: sqlite3.Connection, sql: str) -> list:
    return conn.execute(sql).fetchall()


def state_checksum(db_path: Path, name: str) -> str:
    """A checksum of everything the scenario's transaction touches (timestamps left out)."""
    conn = sqlite3.connect(str(db_path))
    try:
        parts: list = [_rows(conn, "SELECT version_num FROM alembic_version")]
        if name == "migration":
            for table in ("progress_update", "target_revision"):
                parts.append([c[1] for c in _rows(conn, f"PRAGMA table_info({table})")])
                parts.append(_rows(conn, f"SELECT * FROM {table} ORDER BY id"))
            tables = [r[0] for r in _rows(conn, "SELECT name FROM sqlite_master WHERE type = 'table' "
                                                "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
            # A backup records when and why it was taken in its own setting rows: not the state.
            parts.append([(t, _rows(conn, f"SELECT count(*) FROM \"{t}\""
                                          + (" WHERE key NOT LIKE 'backup.%'" if t == "setting" else "")))
                          for t in tables])
        else:
            parts.append(_rows(conn, "SELECT id, reference, description, lead_officer, rag, version "
                                     "FROM action ORDER BY id"))
            parts.append(_rows(conn, "SELECT * FROM action_recommendation ORDER BY 1, 2"))
            parts.append(_rows(conn, "SELECT id, action_id, text, rag, version FROM progress_update ORDER BY id"))
            parts.append(_rows(conn, "SELECT operation, table_name, record_id, field, old_value, new_value "
                                     "FROM audit_entry ORDER BY id"))
    finally:
        conn.close()
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def _integrity(db_path: Path) -> str:
    conn = sqlite3.connect(str(db_path))
    try:
        return "; ".join(r[0] for r in conn.execute("PRAGMA integrity_check"))
    finally:
        conn.close()


def _product_check(db_path: Path) -> str:
    from app.check import check_database
    from app.errors import UserError

    try:
        return check_database(db_path).integrity
    except UserError as err:
        return f"refused: {err}"


class Forker:
    """A worker process with the program imported, forking one child per run (see above)."""

    def __init__(self, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        self.errors = folder / "worker-errors.log"
        env = {**os.environ, "CRT_DATA_DIR": str(folder / "data"), "PYTHONDONTWRITEBYTECODE": "1"}
        with self.errors.open("w", encoding="utf-8") as errors:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "tests.app.safety.crash_harness"], cwd=REPO, env=env,
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors, text=True, encoding="utf-8")
        self._expect("ready")

    def _line(self) -> str:
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the crash worker stopped:\n{self.errors.read_text(encoding='utf-8')}")
        return line.strip()

    def _expect(self, wanted: str) -> None:
        line = self._line()
        if line != wanted:
            raise RuntimeError(f"the crash worker said {line!r}, not {wanted!r}:\n"
                               f"{self.errors.read_text(encoding='utf-8')}")

    def _send(self, command: str) -> None:
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()

    def start(self, name: str, db_path: Path, folder: Path) -> int:
        """Fork a child doing ``name`` on ``db_path``; return its process id once it has started."""
        self._send(f"run\t{name}\t{db_path}\t{folder}")
        pid = int(self._line().removeprefix("pid "))
        line = self._line()
        if line != STARTED:
            self.reap()  # raises, with the child's traceback, once the child is reaped
            raise RuntimeError(f"the {name} worker said {line!r} instead of starting")
        return pid

    def reap(self) -> tuple[bool, frozenset[str]]:
        """Wait for the child to end; return whether SIGKILL ended it, and the markers it printed."""
        self._send("reap")
        markers = []
        while not (line := self._line()).startswith("exit "):
            markers.append(line)
        status = line.removeprefix("exit ")
        if status not in ("killed", "0"):
            raise RuntimeError(f"the crash worker failed on its own ({status}):\n"
                               f"{self.errors.read_text(encoding='utf-8')}")
        return status == "killed", frozenset(markers)

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def _serve() -> None:
    """The forker's loop: ``run`` forks a child doing the work; ``reap`` waits for it."""
    import app.database  # noqa: F401  (imported once here, inherited by every child)
    import app.services.actions  # noqa: F401
    import db.migrate  # noqa: F401
    # The program loads Alembic only when there is a migration to run; load it here, so a
    # child's time goes on the migration itself and the kills land inside it.
    import alembic.command  # noqa: F401
    import alembic.runtime.migration  # noqa: F401
    import alembic.script  # noqa: F401

    child = None
    _say("ready")
    while command := sys.stdin.readline().rstrip("\n"):
        if command == "reap":
            _, status = os.waitpid(child, 0)
            _say("exit killed" if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
                 else f"exit {os.waitstatus_to_exitcode(status)}")
            continue
        _, name, db_path, folder = command.split("\t")
        sys.stdout.flush()
        child = os.fork()
        if child == 0:
            code = 0
            try:
                _say(f"pid {os.getpid()}")
                _work(name, Path(db_path), Path(folder))
            except BaseException:
                traceback.print_exc()
                _say(FAILED)  # the parent may be waiting for a line
                code = 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)


def _remove(db_path: Path) -> None:
    for companion in ("", "-wal", "-shm", "-journal"):
        db_path.with_name(db_path.name + companion).unlink(missing_ok=True)
    shutil.rmtree(backup_folder_for(db_path), ignore_errors=True)


def prepare(name: str, folder: Path, forker: Forker) -> Scenario:
    """Build the before-database and learn the after-state and the work's length."""
    from app.database import open_database
    from app.synthetic import generate

    folder.mkdir(parents=True, exist_ok=True)
    template = folder / f"{name}-before.sqlite"
    db = open_database(template, backup_folder=folder / "unused")
    generate(db, actions=TEMPLATE_ACTIONS[name], seed=7)
    db.close()
    if name == "migration":
        _write_migration(folder)
    finished = folder / f"{name}-after.sqlite"
    shutil.copyfile(template, finished)
    forker.start(name, finished, folder)
    started = time.perf_counter()
    _, markers = forker.reap()
    seconds = time.perf_counter() - started
    if COMMITTED not in markers:
        raise RuntimeError(f"the {name} worker did not finish")
    scenario = Scenario(name, folder, template, state_checksum(template, name),
                        state_checksum(finished, name), seconds)
    if scenario.before == scenario.after:
        raise RuntimeError(f"the {name} worker changed nothing")
    _remove(finished)
    return scenario


def crash_once(scenario: Scenario, forker: Forker, delay: float, run: int) -> Outcome:
    """Copy the before-database, start the work, SIGKILL it ``delay`` seconds later, examine the file."""
    from app.backups import list_backups

    db_path = scenario.folder / f"{scenario.name}-run{run}.sqlite"
    shutil.copyfile(scenario.template, db_path)
    pid = forker.start(scenario.name, db_path, scenario.folder)
    time.sleep(delay)
    os.kill(pid, signal.SIGKILL)  # our own child, not yet reaped: the id cannot have been reused
    killed, markers = forker.reap()
    checksum = state_checksum(db_path, scenario.name)
    state = {scenario.before: "before", scenario.after: "after"}.get(checksum, "neither")
    # A copy the restore list would offer as good must be a whole before-state copy.
    offered = [b for b in list_backups(backup_folder_for(db_path)) if b.ok]
    bad_offer = any(state_checksum(b.path, scenario.name) != scenario.before for b in offered)
    outcome = Outcome(delay, killed, markers, _integrity(db_path), _product_check(db_path), state, bad_offer)
    _remove(db_path)
    return outcome


def run_scenario(name: str, runs: int, folder: Path, seed: int) -> tuple[Scenario, list[Outcome]]:
    """Prepare ``name`` in ``folder`` and crash it ``runs`` times at random moments."""
    rng = random.Random(seed)
    forker = Forker(folder)
    try:
        scenario = prepare(name, folder, forker)
        outcomes = [crash_once(scenario, forker, rng.uniform(0.0, scenario.seconds * KILL_WINDOW), run)
                    for run in range(runs)]
    finally:
        forker.close()
    return scenario, outcomes


if __name__ == "__main__":
    _serve()

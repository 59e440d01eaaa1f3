"""Verify a database without changing it: integrity, schema version, foreign keys, contents
(an SQLite file, or a database on a PostgreSQL server)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, exc, func, select
from sqlalchemy.orm import Session, aliased

from app.db_errors import raise_if_unavailable
from app.errors import UserError
from db import engine as db_engine
from db.engine import SQLITE_MAGIC, read_only_uri
from db.migrate import current_revision, head_revision, quick_head_revision
from db import models as m

COUNTED = [
    ("Referrals", m.Referral), ("Decisions", m.Decision), ("Reviews", m.Review),
    ("Recommendations", m.Recommendation), ("Actions", m.Action),
    ("Progress updates", m.ProgressUpdate), ("Meetings", m.Meeting),
    ("Learning events and briefings", m.LearningEvent), ("Agencies", m.Agency), ("Themes", m.Theme),
]


@dataclass
class CheckReport:
    path: Path | str  # the file, or the server database as said to the user
    size_bytes: int
    integrity: str
    schema_revision: str | None
    program_revision: str
    foreign_key_problems: int
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def describe(self) -> str:
        lines = [
            f"Database: {self.path} ({self.size_bytes / 1_048_576:.1f} MB)",
            f"Integrity: {self.integrity}",
            f"Schema: {self.schema_revision or 'none'} (this program: {self.program_revision})",
            f"Foreign keys: {'all valid' if not self.foreign_key_problems else f'{self.foreign_key_problems} broken'}"
            + (" (enforced by the server)" if isinstance(self.path, str) else ""),
        ]
        if self.counts:
            lines.append("Holds:")
            width = max(len(k) for k in self.counts)
            lines += [f"  {k.ljust(width)}  {v:>8,}" for k, v in self.counts.items()]
        lines += [f"Problem: {p}" for p in self.problems]
        lines.append("Result: OK" if self.ok else "Result: PROBLEMS FOUND")
        return "\n".join(lines)


def _read_only(path: Path) -> sqlite3.Connection:
    # As long a wait for a lock as a save makes, before the file is said to be in use.
    return sqlite3.connect(read_only_uri(path), uri=True, timeout=db_engine.BUSY_TIMEOUT_MS / 1000)


def check_database(path: Path, as_at: dt.date | None = None, *, summarise: bool = True) -> CheckReport:
    """Check the database at ``path`` read-only and summarise what it holds.

    ``summarise=False`` stops after SQLite's page check and the schema version (what
    opening a database needs): the link check and the counts read every table again.
    """
    as_at = as_at or dt.date.today()
    if not path.is_file():
        raise UserError(f"There is no database at {path}.")
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
        conn = _read_only(path)
    except (OSError, sqlite3.Error) as err:
        raise_if_unavailable(err, path)
        raise UserError(f"{path} cannot be read ({err}).") from err
    if head != SQLITE_MAGIC:
        conn.close()
        raise UserError(f"{path} is not a Case Review Tracker database (it is not an SQLite file).")
    try:
        try:
            # quick_check verifies every page and row format; it skips only the index-vs-table
            # cross-check, which integrity_check adds at many times the cost on large files.
            results = [r[0] for r in conn.execute("PRAGMA quick_check")]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            revision = (conn.execute("SELECT version_num FROM alembic_version").fetchone() or [None])[0] \
                if "alembic_version" in tables else None
            fk_problems = len(conn.execute("PRAGMA foreign_key_check").fetchall()) if summarise else 0
        except sqlite3.DatabaseError as err:
            raise_if_unavailable(err, path)
            raise UserError(f"{path} is damaged and cannot be read ({err}).") from err
        report = CheckReport(path, path.stat().st_size, "ok" if results == ["ok"] else "; ".join(results[:5]),
                             # Alembic only when the scripts' own lines do not settle it: loading it
                             # takes the interpreter for a fifth of a second, on a worker at start-up.
                             revision, quick_head_revision() or head_revision(), fk_problems)
        if report.integrity != "ok":
            report.problems.append("SQLite found damage in the file; restore a backup.")
            return report  # counting would read the damaged pages
        if fk_problems:
            report.problems.append(f"{fk_problems} records point at records that do not exist.")
        if revision is None:
            report.problems.append("This is not a Case Review Tracker database (no schema version).")
            return report
        if not summarise:
            return report
        if revision != report.program_revision:
            report.problems.append(
                f"The schema is {revision} but this program uses {report.program_revision}: "
                "opening it in the program will back it up and upgrade it, or it was written by a newer version."
            )
            return report
        engine = create_engine("sqlite://", creator=lambda: _read_only(path))
        with Session(engine) as s:
            report.counts = _counts(s, as_at)
        engine.dispose()
        return report
    finally:
        conn.close()


def check_location(location: Path | str, as_at: dt.date | None = None) -> CheckReport:
    """Check the database at ``location``: a file (``check_database``) or a server address
    (``check_server``), as ``app.database.database_location`` gives it."""
    return check_database(location, as_at) if isinstance(location, Path) else check_server(location, as_at)


def check_server(address: str, as_at: dt.date | None = None) -> CheckReport:
    """Check a database on a PostgreSQL server read-only and summarise what it holds.

    The server looks after its own pages and enforces every link between records, so what is
    checked here is that it can be reached, its schema and what it holds (read from one
    consistent moment, while others may be saving).
    """
    as_at = as_at or dt.date.today()
    engine = db_engine.make_engine(address)
    where = db_engine.describe_location(engine.url)
    try:
        revision = current_revision(engine)
        with engine.connect() as conn:
            conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
            report = CheckReport(where, conn.scalar(select(func.pg_database_size(func.current_database()))),
                                 "looked after by the server", revision, head_revision(), 0)
            if revision is None:
                report.problems.append("This is not a Case Review Tracker database (no schema version).")
            elif revision != report.program_revision:
                report.problems.append(
                    f"The schema is {revision} but this program uses {report.program_revision}: an "
                    "administrator upgrades it by opening it with the newer program, or it was written by a "
                    "newer version (install that).")
            else:
                from app.audit_query import count_outside_changes  # it loads XlsxWriter: not at start-up

                with Session(bind=conn) as s:
                    report.counts = _counts(s, as_at)
                    outside = count_outside_changes(s)  # the server's own record of every change
                    if outside is not None:
                        report.counts["Changes made outside the program"] = outside
            return report
    except exc.OperationalError as err:
        reason = str(err.orig).strip().splitlines()[0] if err.orig is not None else str(err)
        raise UserError(f"Could not check {where}: {reason}.") from err
    finally:
        engine.dispose()


def _counts(session: Session, as_at: dt.date) -> dict[str, int]:
    counts = {label: session.scalar(select(func.count()).select_from(model)
                                    .where(model.archived_at.is_(None)))
              for label, model in COUNTED}
    status = aliased(m.ListItem)
    open_actions = (select(func.count()).select_from(m.Action).join(status, m.Action.status_id == status.id)
                    .where(status.is_open.is_(True), m.Action.archived_at.is_(None)))
    counts["Actions open"] = session.scalar(open_actions)
    counts[f"Actions overdue at {as_at:%d/%m/%Y}"] = session.scalar(open_actions.where(m.Action.target_on < as_at))
    counts["Archived records"] = sum(
        session.scalar(select(func.count()).select_from(model).where(model.archived_at.is_not(None)))
        for _, model in COUNTED)
    counts["Audit trail entries"] = session.scalar(select(func.count()).select_from(m.AuditEntry))
    return counts

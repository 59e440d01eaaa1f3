"""Backups without thinking about them, and getting the data back when a file is damaged.

A backup is a consistent copy made with SQLite's online backup (``db.backup.backup_sqlite``),
never a file copy of a live database. Copies are taken when a database is first opened each
day, before every migration, import or bulk change, and when the user asks; each is checked
with ``PRAGMA quick_check`` before it counts as a backup, converted to a single
self-contained file (no ``-wal``), and made readable by the user only.

Backups live in one folder the user can change (a network drive, say), named
``<database>-<YYYYmmdd-HHMMSS>-<label>.sqlite`` for people to read. The program goes by
what is recorded INSIDE each copy (``setting`` rows written into the copy, never into the
database): the identity of the database it copies (``app.identity``), when and why it was
taken, and its place in the order of that database's backups in the folder (a sequence
number, which a wrong clock cannot reorder). Two databases with one file name keep
separate histories; ``rotate`` keeps each database's backups grandfather-father-son
fashion, and never deletes its seven newest or its last copy taken before an import or a
restore, whatever the clock said. Copies taken before this record existed (named only)
are listed by name and never rotated away.

The folder setting is kept in a small JSON file in the data folder, not in the database, so
it is known before any database is open (and when the database is the thing that is broken).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import shutil
import sqlite3
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlalchemy import exc

from app import paths
from app.check import CheckReport, check_database
from db.engine import SQLITE_MAGIC, absolute_path, read_only_uri
from app.db_errors import (
    DamagedDatabaseError,
    DatabaseUnavailableError,
    LOCKED,
    NO_SPACE,
    plain_database_errors,
    raise_if_unavailable,
    unavailable_reason,
)
from app.errors import UserError
from app.file_permissions import create_private_file, make_private
from app.identity import identity_of, read_identity
from app.text import plural
from db import migrate
from db.backup import backup_sqlite, copy_into, in_use, open_copy

log = logging.getLogger(__name__)

DAILY = "daily"
MANUAL = "manual"
BEFORE_RESTORE = "before-restore"
# Copies taken before something risky ("before-0002", "before-import") are kept this long
# whatever the rotation says, and the newest of each kind for ever, so the state before a
# bad change can always be recovered.
PROTECTED_PREFIX = "before-"
PROTECTED_FOR = dt.timedelta(days=30)
# What each backup records about itself, in its own setting table.
STAMP_PREFIX = "backup."
STAMP_TAKEN_AT, STAMP_LABEL, STAMP_SEQUENCE, STAMP_SOURCE = (
    f"{STAMP_PREFIX}{key}" for key in ("taken_at", "label", "sequence", "source"))
# Copies being written: a backup (in the backup folder) and a restore's incoming file (beside
# the database). One left by a crash is cleared away at the next start.
PARTIAL_SUFFIX = ".partial"
RESTORING_SUFFIX = ".restoring"
SQLITE_COMPANIONS = ("-journal", "-wal", "-shm")

SETTINGS_FILE = "settings.json"
BACKUP_FOLDER_KEY = "backup_folder"

_LABEL = re.compile(r"^[A-Za-z0-9_]+(?:-[A-Za-z0-9_]+)*$")
# <database>-<stamp>-<label>[ (n)].sqlite, as made by _backup_name (plus " (n)" when two
# copies with one label are taken within a second).
_BACKUP_NAME = re.compile(
    r"^(?P<database>.+)-(?P<stamp>\d{8}-\d{6})-(?P<label>[A-Za-z0-9_]+(?:-[A-Za-z0-9_]+)*)"
    r"(?: \((?P<sequence>\d+)\))?\.sqlite$")
_STAMP_FORMAT = "%Y%m%d-%H%M%S"


# --- what a backup is --------------------------------------------------------------------

@dataclass(frozen=True)
class BackupInfo:
    """One backup file: when it was taken and why, and what it holds (read from the copy)."""

    path: Path
    database: str  # the file name (without extension) of the database it copies
    taken_at: dt.datetime  # local time, as recorded in the copy (or its name, for old copies)
    label: str  # daily, manual, before-import, before-restore, before-<schema revision>...
    size: int
    referrals: int | None
    reviews: int | None
    actions: int | None
    schema_revision: str | None
    ok: bool
    problem: str | None = None
    database_id: str | None = None  # the identity of the database it copies
    sequence: int | None = None  # its place among that database's backups in the folder

    @property
    def holds(self) -> str:
        """"29 referrals, 26 reviews and 1 action" (for a backup that could be read)."""
        return (f"{plural(self.referrals or 0, 'referral')}, {plural(self.reviews or 0, 'review')} "
                f"and {plural(self.actions or 0, 'action')}")

    def describe(self) -> str:
        """One line for a list: date, reason, contents (or what is wrong with it)."""
        when = f"{self.taken_at:%d/%m/%Y %H:%M}"
        size = f"{self.size / 1_048_576:.1f} MB"
        if not self.ok:
            return f"{when}  {self.label}  NOT USABLE: {self.problem}  ({size})  {self.path.name}"
        return f"{when}  {self.label}  {self.holds}  ({size})  {self.path.name}"


@dataclass(frozen=True)
class _Named:
    """A backup as it describes itself: its record inside, else its file name (old copies)."""

    path: Path
    database: str
    taken_at: dt.datetime
    label: str
    sequence: int | None = None  # None: an old copy, dated by its name only
    database_id: str | None = None
    source: str | None = None  # where the database was when the copy was taken

    @property
    def stamped(self) -> bool:
        return self.sequence is not None

    def order(self) -> tuple:
        """Newest last: stamped copies by their sequence, after every old copy (they are older)."""
        return (self.stamped, self.sequence or 0, self.taken_at, self.path.stat().st_mtime_ns)


def _parse_name(path: Path) -> _Named | None:
    found = _BACKUP_NAME.match(path.name)
    if found is None:
        return None
    try:
        taken_at = dt.datetime.strptime(found["stamp"], _STAMP_FORMAT)
    except ValueError:  # twenty-fifth month and the like: not one of ours
        return None
    return _Named(path, found["database"], taken_at, found["label"])


def _local(stamp: str) -> dt.datetime:
    """A recorded UTC time as local time (naive, as shown)."""
    return dt.datetime.fromisoformat(stamp).astimezone().replace(tzinfo=None)


def _read_stamp(path: Path) -> _Named | None:
    """What the file at ``path`` says about itself as a backup; ``None`` if it is none."""
    named = _parse_name(path)
    try:
        conn = _read_only(path)
        try:
            stored = dict(conn.execute("SELECT key, value FROM setting WHERE key LIKE 'backup.%'"))
            identity = read_identity(conn)
        finally:
            conn.close()
    except sqlite3.Error:
        return named  # not readable: an old name, or not a backup at all
    try:
        source = stored[STAMP_SOURCE]
        return _Named(path, Path(source).stem if source else path.stem, _local(stored[STAMP_TAKEN_AT]),
                      stored[STAMP_LABEL], int(stored[STAMP_SEQUENCE]), identity, source)
    except (KeyError, ValueError):
        return replace(named, database_id=identity) if named else None


def _all_backups(folder: Path) -> list[_Named]:
    """Every backup in ``folder``, as each describes itself."""
    if not folder.is_dir():
        return []
    return [n for n in map(_read_stamp, sorted(folder.glob("*.sqlite"))) if n is not None and n.path.is_file()]


def _belongs(named: _Named, identity: str | None, db_path: Path) -> bool:
    """Whether ``named`` is a backup of the database at ``db_path`` (identity ``identity``).

    By identity; a file copied outside the program shares its original's, so a backup taken
    from another file that still holds the same identity is that file's, not this one's.
    """
    here = Path(absolute_path(db_path))
    if identity is not None and named.database_id is not None:
        if named.database_id != identity:
            return False
        source = Path(named.source) if named.source else here
        return source == here or identity_of(source) != identity
    if named.source is not None:  # the database's identity is unknown (unreadable), or the copy's
        return Path(named.source) == here
    return named.database == db_path.stem  # an old copy: its name is all there is


def _backups_of(folder: Path, database: Path | None = None) -> list[_Named]:
    """Backups in ``folder`` (of ``database`` only, if given), newest first."""
    found = _all_backups(folder)
    if database is not None:
        identity = identity_of(database)
        found = [n for n in found if _belongs(n, identity, database)]
        return sorted(found, key=_Named.order, reverse=True)
    return sorted(found, key=lambda n: (n.taken_at, n.order()), reverse=True)


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(read_only_uri(path), uri=True)


def _count(conn: sqlite3.Connection, table: str) -> int:
    return conn.execute(f"SELECT count(*) FROM {table} WHERE archived_at IS NULL").fetchone()[0]


def _schema_problem(conn: sqlite3.Connection, revision: str) -> str | None:
    """What in the copy is not as schema ``revision`` makes it (``None``: nothing)."""
    expected = migrate.expected_schema(revision)
    found = migrate.schema_objects(conn)
    missing = sorted(name for kind, name in expected.keys() - found.keys())
    extra = sorted(f"{kind} {name}" for kind, name in found.keys() - expected.keys())
    changed = sorted(name for (kind, name), columns in expected.items()
                     if (kind, name) in found and found[(kind, name)] != columns)
    if missing:
        return f"it lacks part of the program's tables ({', '.join(missing[:3])})"
    if extra:
        return f"it holds things the program never makes ({', '.join(extra[:3])})"
    if changed:
        return f"its tables are not as the program makes them ({', '.join(changed[:3])})"
    return None


def inspect_backup(path: Path, *, thorough: bool = False) -> BackupInfo:
    """Read what the backup at ``path`` holds, without changing it.

    ``thorough`` adds ``PRAGMA quick_check`` (every page read) and a comparison of its
    tables, columns, indexes and triggers with what the program's migrations make, which is
    what deciding to restore needs; a listing uses the quick read. A file with no record of
    its own and no backup name (one the user picked) is dated by its modification time.
    """
    named = _read_stamp(path) or _Named(
        path, path.stem, dt.datetime.fromtimestamp(path.stat().st_mtime), "copy")
    counts: dict[str, int | None] = {"referral": None, "review": None, "action": None}
    revision, problem = None, None
    with path.open("rb") as fh:
        is_sqlite = fh.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    if not is_sqlite:
        problem = "it is not an SQLite database file"
    else:
        conn = _read_only(path)
        try:
            if thorough:
                results = [r[0] for r in conn.execute("PRAGMA quick_check")]
                if results != ["ok"]:
                    problem = "SQLite found damage in it"
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            versions = [r[0] for r in conn.execute("SELECT version_num FROM alembic_version")] \
                if "alembic_version" in tables else []
            if len(versions) != 1 or not set(counts) <= tables:
                problem = problem or "it is not a Case Review Tracker database"
            else:
                revision = versions[0]
                if thorough and problem is None and migrate.is_known_revision(revision):
                    problem = _schema_problem(conn, revision)
                if problem is None:
                    counts = {table: _count(conn, table) for table in counts}
        except sqlite3.DatabaseError as err:
            problem = problem or f"it cannot be read ({err})"
        finally:
            conn.close()
    return BackupInfo(named.path, named.database, named.taken_at, named.label, path.stat().st_size,
                      counts["referral"], counts["review"], counts["action"], revision,
                      ok=problem is None, problem=problem, database_id=named.database_id,
                      sequence=named.sequence)


# --- taking and keeping backups ----------------------------------------------------------

def _prepare_folder(folder: Path) -> None:
    existed = folder.is_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise UserError(f"The backup folder {folder} cannot be used ({err.strerror or err}). "
                        "Check that the drive is connected, or choose another folder.") from err
    if not existed:
        make_private(folder)


def _free_name(folder: Path, name: str) -> Path:
    """``folder / name``, or ``name (2)``... if a copy with that name was taken this second."""
    candidate = folder / name
    sequence = 1
    while candidate.exists():
        sequence += 1
        candidate = folder / f"{Path(name).stem} ({sequence}){Path(name).suffix}"
    return candidate


def _now() -> dt.datetime:
    """The computer's clock (local time): one place, so that tests can set it wrong."""
    return dt.datetime.now()


def _backup_name(source: Path, label: str) -> str:
    return f"{source.stem}-{_now():{_STAMP_FORMAT}}-{label}.sqlite"


def _finish_copy(conn: sqlite3.Connection) -> str | None:
    """Make the copy a single self-contained file and check it; say what is wrong, if anything."""
    # The online backup carries the live file's WAL mode over; a backup must not need
    # -wal/-shm companions (or create them when it is only read).
    conn.execute("PRAGMA journal_mode = DELETE")
    results = [r[0] for r in conn.execute("PRAGMA quick_check")]
    return None if results == ["ok"] else "the copy failed SQLite's check"


def take_backup(db_path: Path, folder: Path, label: str) -> BackupInfo:
    """Copy the database at ``db_path`` into ``folder`` (online backup), check the copy, return it.

    The copy is written under a temporary name (``.partial``, locked while it is written)
    and renamed only once it has passed ``PRAGMA quick_check``, so a crash or a damaged
    database never leaves something that looks like a good backup. Raises ``UserError`` if
    the database is missing or cannot be read, or the folder cannot be written.
    """
    if not _LABEL.match(label):
        raise ValueError(f"backup label {label!r}: use letters, digits and single hyphens")
    if not db_path.is_file():
        raise UserError(f"There is no database at {db_path}, so nothing was backed up.")
    _prepare_folder(folder)
    dest = _free_name(folder, _backup_name(db_path, label))
    partial = dest.with_name(dest.name + PARTIAL_SUFFIX)
    try:
        create_private_file(partial)
        out = open_copy(partial)
        try:
            copy_into(db_path, out)
            _stamp(out, folder, db_path, label)
            problem = _finish_copy(out)
        finally:
            out.close()
    except (sqlite3.DatabaseError, OSError) as err:
        _remove_copy(partial)
        reason = unavailable_reason(err, db_path)
        if reason == LOCKED:
            raise DatabaseUnavailableError(db_path, LOCKED) from err
        if reason is not None or isinstance(err, OSError):
            what = "its disk is full" if reason == NO_SPACE else (
                f"{err.strerror or err}" if isinstance(err, OSError) else f"{err}")
            raise UserError(f"The backup could not be written to {folder} ({what}). Check the drive "
                            "has space and you may write there; the database itself is unchanged.") from err
        problem = f"SQLite could not read it ({err})"
    if problem:
        _remove_copy(partial)
        raise UserError(f"{db_path} could not be backed up: {problem}. The database may be damaged; "
                        "nothing was written to the backup folder.")
    os.replace(partial, dest)
    info = inspect_backup(dest)
    log.info("Backup taken (%s): %s, %d bytes", label, dest, info.size)
    return info


def _stamp(out: sqlite3.Connection, folder: Path, db_path: Path, label: str) -> None:
    """Record in the copy open on ``out`` when and why it was taken, from where, and its place
    after the backups of the same database already in ``folder``."""
    tables = {r[0] for r in out.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "setting" not in tables:
        raise UserError(f"{db_path} is not a Case Review Tracker database, so it was not backed up.")
    identity = read_identity(out)
    earlier = [n.sequence for n in _all_backups(folder) if n.stamped and _belongs(n, identity, db_path)]
    taken_at = _now().astimezone(dt.timezone.utc)
    out.executemany("INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)", [
        (STAMP_TAKEN_AT, taken_at.isoformat(timespec="seconds")),
        (STAMP_LABEL, label),
        (STAMP_SEQUENCE, str(max(earlier, default=0) + 1)),
        (STAMP_SOURCE, str(absolute_path(db_path))),
    ])


def _remove_copy(path: Path) -> bool:
    """Delete an unfinished copy and its SQLite companions; False if any could not go."""
    removed = True
    for companion in ("", *SQLITE_COMPANIONS):
        leftover = path.with_name(path.name + companion)
        if leftover.exists():
            removed = _delete(leftover) and removed
    return removed


def clear_unfinished_copies(folder: Path | None, db_path: Path | None = None) -> list[Path]:
    """Delete copies a crash left half-written: backups (``*.partial``) in ``folder`` and a
    restore's incoming file beside ``db_path``, with their SQLite companions. A copy another
    copy of the program is still writing is locked, and left alone. Returns what was deleted."""
    candidates: list[Path] = []
    if folder is not None and folder.is_dir():
        candidates += folder.glob(f"*{PARTIAL_SUFFIX}")
        # A companion whose copy is already gone.
        candidates += [p for suffix in SQLITE_COMPANIONS for p in folder.glob(f"*{PARTIAL_SUFFIX}{suffix}")
                       if not p.with_name(p.name.removesuffix(suffix)).exists()]
    if db_path is not None:
        incoming = db_path.with_name(db_path.name + RESTORING_SUFFIX)
        candidates += [p for p in (incoming, *(incoming.with_name(incoming.name + c) for c in SQLITE_COMPANIONS))
                       if p.exists()]
    deleted = []
    for path in candidates:
        if not path.exists():  # a companion deleted with its copy just now
            continue
        companion = next((c for c in SQLITE_COMPANIONS if path.name.endswith(c)), None)
        if companion is None and path.stat().st_size > 0 and in_use(path):
            continue
        if _remove_copy(path) if companion is None else _delete(path):
            deleted.append(path)
    if deleted:
        log.info("Removed %d unfinished copies left by an interrupted backup or restore", len(deleted))
    return deleted


def daily_backup_if_due(db_path: Path, folder: Path, *, today: dt.date | None = None) -> BackupInfo | None:
    """Take today's backup of ``db_path`` unless there is one already; then rotate its backups.

    Returns the new backup, or ``None`` when none was due (or there is no database yet).
    """
    if not db_path.is_file() or db_path.stat().st_size == 0:
        return None
    today = today or _now().date()
    if any(n.label == DAILY and n.taken_at.date() == today for n in _backups_of(folder, db_path)):
        return None
    info = take_backup(db_path, folder, DAILY)
    rotate_after(folder, info)
    return info


def _kind(label: str) -> str:
    """What a backup was taken before: "before-import", "before-restore"; every schema
    upgrade ("before-0002", "before-0003") is one kind."""
    what = label.removeprefix(PROTECTED_PREFIX)
    return f"{PROTECTED_PREFIX}upgrade" if what[:1].isdigit() else label


def _kept(backups: list[_Named], keep_daily: int, keep_weekly: int, keep_monthly: int,
          now: dt.datetime) -> set[Path]:
    """Which of one database's stamped backups (newest first, in the order taken) to keep."""
    # The newest, in the order they were taken: no clock, however wrong, can lose these.
    keep = {n.path for n in backups[:max(keep_daily, 1)]}
    by_time = sorted(backups, key=lambda n: (n.taken_at, n.sequence), reverse=True)
    periods = ((keep_daily, lambda t: t.date()),
               (keep_weekly, lambda t: t.isocalendar()[:2]),
               (keep_monthly, lambda t: (t.year, t.month)))
    for how_many, period in periods:
        # The newest backup in each of the last ``how_many`` periods that have a backup.
        chosen: dict[object, Path] = {}
        for named in by_time:
            key = period(named.taken_at)
            if key not in chosen:
                if len(chosen) == how_many:
                    break
                chosen[key] = named.path
        keep.update(chosen.values())
    protected = [n for n in backups if n.label.startswith(PROTECTED_PREFIX)]
    newest_of_kind: dict[str, Path] = {}
    for named in protected:  # newest first
        newest_of_kind.setdefault(_kind(named.label), named.path)
    keep.update(newest_of_kind.values())
    keep.update(n.path for n in protected if now - n.taken_at < PROTECTED_FOR)
    return keep


def rotate(folder: Path, keep_daily: int = 7, keep_weekly: int = 4, keep_monthly: int = 12, *,
           now: dt.datetime | None = None, database_id: str | None = None) -> list[Path]:
    """Delete backups the rotation no longer needs; return the files deleted.

    For each database separately (by the identity recorded in its copies; only that of
    ``database_id``, if given): its ``keep_daily`` newest backups in the order taken; the
    newest backup of each of the last ``keep_daily`` days, ``keep_weekly`` ISO weeks and
    ``keep_monthly`` months that have one, by the time recorded in each copy; the newest
    copy taken before an import, a restore and an upgrade, whatever its age; and every
    ``before-...`` copy younger than 30 days. Copies without a record of their own (taken
    before there was one) and files that are not backups are never touched.
    """
    now = now or _now()
    by_database: dict[tuple[str, str | None], list[_Named]] = {}
    for named in _all_backups(folder):
        if named.stamped and named.database_id is not None \
                and (database_id is None or named.database_id == database_id):
            # A copy of the file made outside the program has the same identity: each file's own.
            by_database.setdefault((named.database_id, named.source), []).append(named)
    deleted = []
    for backups in by_database.values():
        backups.sort(key=_Named.order, reverse=True)
        keep = _kept(backups, keep_daily, keep_weekly, keep_monthly, now)
        for named in backups:
            if named.path not in keep and _delete(named.path):
                deleted.append(named.path)
    if deleted:
        log.info("Rotation removed %d old backups from %s", len(deleted), folder)
    return deleted


def rotate_after(folder: Path, backup: BackupInfo) -> list[Path]:
    """Rotate the backups of the database ``backup`` was just taken of (and no other's)."""
    return rotate(folder, database_id=backup.database_id) if backup.database_id else []


def _delete(path: Path) -> bool:
    try:
        path.unlink()
    except OSError as err:  # open in another program, say: try again at the next rotation
        log.warning("Could not remove old backup %s: %s", path, err.strerror or err)
        return False
    return True


def list_backups(folder: Path, database: Path | None = None) -> list[BackupInfo]:
    """The backups in ``folder`` (of ``database`` only, if given: by its identity), newest
    first in the order they were taken, with contents."""
    return [inspect_backup(n.path) for n in _backups_of(folder, database)]


def newest_good_backup(folder: Path, database: Path | None = None) -> BackupInfo | None:
    """The newest backup (of ``database``, if given) that passes SQLite's check and is ours."""
    for named in _backups_of(folder, database):
        info = inspect_backup(named.path, thorough=True)
        if info.ok:
            return info
    return None


def backup_before_change(db_path: Path, what: str) -> BackupInfo:
    """Back up before an import or bulk change (label ``before-<what>``); rotate the folder.

    Raises ``UserError`` if no backup can be taken: the change should then not go ahead.
    """
    folder = backup_folder()
    info = take_backup(db_path, folder, f"{PROTECTED_PREFIX}{what}")
    rotate_after(folder, info)
    return info


def backup_before_upgrade(folder: Path, db_path: Path, revision: str) -> Path:
    """Back ``db_path`` up into ``folder`` before its schema is upgraded to ``revision`` (label
    ``before-<revision>``); return the copy's path. ``open_database`` hands this to
    ``db.migrate.upgrade``, which calls it before it changes anything; a ``UserError`` from
    it stops the upgrade."""
    return take_backup(db_path, folder, f"{PROTECTED_PREFIX}{revision}").path


# --- restoring -------------------------------------------------------------------------

@dataclass(frozen=True)
class RestoreResult:
    """What a restore did: the backup used, the copy kept of the file it replaced, what was set aside."""

    restored: BackupInfo
    database: Path
    safety_copy: BackupInfo | None
    set_aside: list[Path] = field(default_factory=list)
    report: CheckReport | None = None

    def describe(self) -> str:
        lines = [f"Restored {self.database} from the backup taken {self.restored.taken_at:%d/%m/%Y %H:%M} "
                 f"({self.restored.holds})."]
        if self.safety_copy:
            lines.append(f"The database as it was before the restore is backed up as {self.safety_copy.path}.")
        if self.set_aside:
            main, *companions = self.set_aside
            also = f" (with its {' and '.join(p.name.rsplit(main.name, 1)[-1] for p in companions)} files)" \
                if companions else ""
            lines.append(f"The unreadable file was kept aside, not deleted, as {main}{also}.")
        return "\n".join(lines)


def _health(db_path: Path) -> tuple[str | None, CheckReport | None]:
    """Why the file at ``db_path`` cannot be used as a database (``None`` if it can), and the
    check's report when SQLite could read the file at all. A file that is only locked,
    read-only or on a full disk raises ``DatabaseUnavailableError``: it is not damaged."""
    try:
        report = check_database(db_path, summarise=False)
    except DatabaseUnavailableError:
        raise
    except UserError as err:
        return str(err), None
    except (exc.DBAPIError, sqlite3.DatabaseError) as err:
        # app.check goes on to count records after a failed integrity check, and reading a
        # damaged table can fail there.
        raise_if_unavailable(err, db_path)
        return f"{db_path} is damaged and cannot be read.", None
    if report.integrity != "ok":
        return f"SQLite found damage in {db_path} ({report.integrity}).", report
    return None, report


DAMAGED_MARK = "-unreadable-"


def _companions(db_path: Path) -> list[Path]:
    """The file at ``db_path`` and its SQLite companions that exist."""
    return [p for p in (db_path.with_name(db_path.name + c) for c in ("", *SQLITE_COMPANIONS)) if p.exists()]


def keep_damaged_copy(db_path: Path) -> list[Path]:
    """Copy the damaged file at ``db_path`` and its ``-wal``/``-shm``/``-journal`` beside it,
    as ``<name>-unreadable-<time><suffix>``; return the copies (the main file's first).

    A byte-for-byte copy (SQLite cannot read the file whole). A copy kept earlier of the file
    as it is now (same size and time) is used again rather than made twice. Raises
    ``OSError`` if a copy cannot be written (a full disk, a read-only folder).
    """
    originals = _companions(db_path)
    main = db_path if db_path.exists() else None
    if main is not None:
        held = main.stat()
        for earlier in db_path.parent.glob(f"{db_path.stem}{DAMAGED_MARK}*{db_path.suffix}"):
            kept = earlier.stat()
            if (kept.st_size, kept.st_mtime_ns) == (held.st_size, held.st_mtime_ns):
                return [earlier] + [earlier.with_name(earlier.name + p.name.removeprefix(db_path.name))
                                    for p in originals[1:]
                                    if earlier.with_name(earlier.name + p.name.removeprefix(db_path.name)).exists()]
    stamp = _now().strftime(_STAMP_FORMAT)
    base = _free_name(db_path.parent, f"{db_path.stem}{DAMAGED_MARK}{stamp}{db_path.suffix}")
    copies = []
    try:
        for original in originals:
            copy = base.with_name(base.name + original.name.removeprefix(db_path.name))
            shutil.copy2(original, copy)  # keeps the time, by which it is known again
            make_private(copy)
            copies.append(copy)
    except OSError:
        for copy in copies:
            copy.unlink(missing_ok=True)
        raise
    log.info("Copy of a damaged database kept beside it: %s", base)
    return copies


def _set_aside(db_path: Path) -> list[Path]:
    """Keep a copy of the unusable file at ``db_path`` and its companions beside it, then take
    them out of the way; return the copies.

    A ``-wal`` left behind belongs to the old file: SQLite would replay it over the restored
    one, so it must not stay under the database's name. Nothing is lost: every byte is in
    the copies.
    """
    try:
        kept = keep_damaged_copy(db_path)
    except OSError as err:
        raise UserError(f"A copy of {db_path} could not be kept beside it ({err.strerror or err}), so "
                        "it has not been replaced. Free some space there, then try again.") from err
    for original in _companions(db_path):
        try:
            original.unlink()
        except OSError as err:
            raise UserError(f"{original} could not be moved aside ({err.strerror or err}). Close any other "
                            "copy of the program using it, then try again.") from err
    return kept


def _incoming_copy(backup_path: Path, db_path: Path) -> Path:
    """A private copy of the backup beside ``db_path`` (``.restoring``): what is checked is
    then exactly what is put in place, whatever happens to the backup file meanwhile."""
    incoming = db_path.with_name(db_path.name + RESTORING_SUFFIX)
    _remove_copy(incoming)  # left by a crash during an earlier restore
    try:
        create_private_file(incoming)
        out = open_copy(incoming)
        try:
            copy_into(backup_path, out)
            out.execute("PRAGMA journal_mode = DELETE")
        finally:
            out.close()
    except (sqlite3.DatabaseError, OSError) as err:
        _remove_copy(incoming)
        raise_if_unavailable(err, db_path)
        raise UserError(f"{backup_path} cannot be restored: it cannot be read ({err}). "
                        "Nothing has been changed.") from err
    return incoming


def _checked_incoming(backup_path: Path, db_path: Path) -> tuple[Path, BackupInfo]:
    """The backup copied beside the database and checked: SQLite's check, the program's
    schema at a revision it knows, and the identity of the database it copies. The copy's
    own record (when and why it was taken) is taken out of it. ``UserError`` if it may not
    be restored, with nothing changed."""
    source = inspect_backup(backup_path)  # dated and named as the user chose it
    if not source.ok:
        raise UserError(f"{backup_path} cannot be restored: {source.problem}. Nothing has been changed.")
    incoming = _incoming_copy(backup_path, db_path)
    try:
        checked = inspect_backup(incoming, thorough=True)
        if not checked.ok:
            raise UserError(f"{backup_path} cannot be restored: {checked.problem}. Nothing has been changed.")
        if checked.schema_revision not in migrate.known_revisions():
            raise UserError(f"{backup_path} was written by a newer version of Case Review Tracker. "
                            "Install the newer version to restore it; nothing has been changed.")
        current = identity_of(db_path)
        if current is not None and checked.database_id is not None and checked.database_id != current:
            raise UserError(f"{backup_path} is a backup of another database (one that was at "
                            f"{source.database}), not of {db_path}. Nothing has been changed.")
        conn = sqlite3.connect(str(incoming))
        try:
            with conn:
                conn.execute("DELETE FROM setting WHERE key LIKE ?", (f"{STAMP_PREFIX}%",))
        finally:
            conn.close()
    except BaseException:
        _remove_copy(incoming)
        raise
    return incoming, source


def restore_backup(backup_path: Path, db_path: Path, folder: Path) -> RestoreResult:
    """Replace the database at ``db_path`` with the backup at ``backup_path``.

    The backup is copied beside the database and the copy checked first: SQLite's check,
    the tables, columns, indexes and triggers of a schema revision this program knows, and
    that it is a backup of this database (by identity). A readable current database is
    backed up into ``folder`` as ``before-restore`` and overwritten through SQLite's online
    backup, so other connections see the change whole. An unreadable one is kept beside
    itself (copied, never deleted) with its ``-wal`` and ``-shm``. One locked by another
    program is refused. The result passes ``check_database``. Raises ``UserError`` for
    refusals, having changed nothing.
    """
    if not backup_path.is_file():
        raise UserError(f"There is no backup at {backup_path}. Nothing has been changed.")
    if db_path.exists() and os.path.samefile(backup_path, db_path):
        raise UserError("That file is the database itself, not a backup of it. Nothing has been changed.")
    if db_path.is_dir():
        raise UserError(f"{db_path} is a folder, not a database file. Nothing has been changed.")
    damage, current = _health(db_path) if db_path.is_file() else ("There is no database file.", None)
    if damage is None and current.schema_revision is None:
        raise UserError(f"{db_path} is an SQLite database but not a Case Review Tracker one; "
                        "it will not be overwritten. Nothing has been changed.")
    incoming, source = _checked_incoming(backup_path, db_path)

    safety_copy, set_aside = None, []
    try:
        if damage is None:
            safety_copy = take_backup(db_path, folder, BEFORE_RESTORE)
            with plain_database_errors():
                backup_sqlite(incoming, db_path)
            _remove_copy(incoming)
        else:
            set_aside = _set_aside(db_path)
            os.replace(incoming, db_path)
    finally:
        _remove_copy(incoming)

    try:
        report = check_database(db_path)
    except UserError as err:
        report = None
        problem = str(err)
    else:
        problem = None if report.integrity == "ok" else report.integrity
    if problem is not None:
        raise UserError(f"The restored database failed its check ({problem}). "
                        + (f"The previous database is kept as {safety_copy.path}." if safety_copy else ""))
    log.info("Restored %s from %s", db_path, backup_path)
    return RestoreResult(source, db_path, safety_copy, set_aside, report)


# --- at open -------------------------------------------------------------------------------

def verify_before_open(db_path: Path, folder: Path) -> None:
    """Refuse to open a damaged or non-database file, offering the newest good backup.

    Raises ``DamagedDatabaseError`` (a ``UserError``) naming the backup and how to restore it,
    once a copy of the damaged file is kept beside it (no backup is offered if that copy
    could not be made). A file that is sound but locked by another program, read-only or on
    a full disk raises ``DatabaseUnavailableError`` instead, and no restore is offered. A
    missing or empty file and a folder pass through to ``open_database``.
    """
    if not db_path.is_file() or db_path.stat().st_size == 0:
        return
    damage, _report = _health(db_path)
    if damage is None:
        return
    message = f"The database cannot be used: {damage} It has not been opened or changed."
    try:
        kept = keep_damaged_copy(db_path)[0]
    except OSError as err:
        log.error("Database failed its check at open and no copy could be kept: %s", db_path)
        raise DamagedDatabaseError(
            f"{message} A copy of it could not be kept beside it ({err.strerror or err}), so no "
            "backup is offered yet: restoring would replace the only copy. Free some space on "
            "that drive, then open it again.", path=db_path) from err
    message += f" A copy of it as it is now is kept as {kept}."
    offer = newest_good_backup(folder, db_path)
    if offer is None:
        message += f" No good backup of it was found in {folder}."
    else:
        message += (f" The newest good backup was taken on {offer.taken_at:%d/%m/%Y at %H:%M} and holds "
                    f"{offer.holds}. "
                    f"Restore it with File > Restore…, or run: "
                    f"python main.py restore --db \"{db_path}\" \"{offer.path}\"")
    log.error("Database failed its check at open: %s", db_path)
    raise DamagedDatabaseError(message, path=db_path, offer=offer, kept=kept)


@dataclass(frozen=True)
class OpenCheck:
    """What happened to the file before it was opened: today's backup, or why there is none."""

    backup: BackupInfo | None
    warning: str | None = None


def check_at_open(db_path: Path, folder: Path | None = None) -> None:
    """Clear away copies a crash left half-written (a backup, a restore), then check the
    database (``verify_before_open``) before it is opened."""
    folder = folder or backup_folder()
    clear_unfinished_copies(folder, db_path)
    verify_before_open(db_path, folder)


def daily_backup_at_open(db_path: Path, folder: Path | None = None) -> OpenCheck:
    """The day's first backup of a database just opened, if due. A backup that cannot be
    taken (the chosen folder is on a network drive that is not connected) does not stop the
    day's work: it comes back as a warning for the window to show."""
    try:
        return OpenCheck(daily_backup_if_due(db_path, folder or backup_folder()))
    except UserError as err:
        log.warning("Daily backup not taken: %s", err)
        return OpenCheck(None, f"Today's backup could not be taken: {err}")


def prepare_to_open(db_path: Path, folder: Path | None = None) -> OpenCheck:
    """Check the database before opening it (``check_at_open``), then take the day's first
    backup if due (``daily_backup_at_open``).

    Backups go to ``folder``, by default the one the user chose (``backup_folder()``). A
    damaged file raises ``DamagedDatabaseError``; a locked, read-only or full one
    ``DatabaseUnavailableError``.
    """
    check_at_open(db_path, folder)
    return daily_backup_at_open(db_path, folder)


# --- the backup folder setting -------------------------------------------------------------

def _settings_path() -> Path:
    return paths.data_dir() / SETTINGS_FILE


def _read_settings() -> dict:
    path = _settings_path()
    if not path.is_file():
        return {}
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        log.warning("Settings file %s unreadable, using defaults: %s", path, err)
        return {}
    return stored if isinstance(stored, dict) else {}


def backup_folder() -> Path:
    """The folder backups go to: the one the user chose, else ``backups`` in the data folder."""
    chosen = _read_settings().get(BACKUP_FOLDER_KEY)
    if isinstance(chosen, str) and chosen:
        return Path(chosen)
    default = paths.backup_dir()
    make_private(default)  # the program's own folder (one the user chose keeps its permissions)
    return default


def set_backup_folder(folder: Path | None) -> Path:
    """Send backups to ``folder`` from now on (``None``: back to the default); return the folder.

    The folder is created if need be and must accept a file, or ``UserError`` is raised and
    the setting is left as it was. Existing backups are not moved.
    """
    settings = _read_settings()
    if folder is None:
        settings.pop(BACKUP_FOLDER_KEY, None)
    else:
        # Not resolved: a mapped drive (Z:) stays Z:, not its UNC name.
        folder = Path(absolute_path(folder.expanduser()))
        _prepare_folder(folder)
        probe = folder / f".crt-write-test-{os.getpid()}"
        try:
            create_private_file(probe)
            probe.unlink()
        except OSError as err:
            raise UserError(f"Backups cannot be written to {folder} ({err.strerror or err}). "
                            "The backup folder has not been changed.") from err
        settings[BACKUP_FOLDER_KEY] = str(folder)
    target = _settings_path()
    incoming = target.with_name(target.name + ".new")
    incoming.write_text(json.dumps(settings, indent=2), encoding="utf-8")
    make_private(incoming)
    os.replace(incoming, target)
    return backup_folder()

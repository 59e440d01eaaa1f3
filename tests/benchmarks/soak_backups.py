"""Soak test of backups, restores and rotation: random kills and clock jumps, for minutes.

A plain script, not a test (pytest does not collect it). POSIX only (fork and SIGKILL).

    python tests/benchmarks/soak_backups.py                # 10 minutes
    python tests/benchmarks/soak_backups.py --minutes 2 --seed 5

Each step forks a child that does one thing through the real code: save a change (which
opens the database, so the day's backup may be taken), take a backup (manual, daily or
before-import) and rotate, restore a backup chosen at random from the list, or rotate.
The child reads a clock the script sets: time moves on six hours a step, and one step in
five the clock is years fast or slow. About half the steps are killed (SIGKILL) at a random
moment within the step's usual length. After each step the script starts the program as
the next day's start would (prepare_to_open: unfinished copies cleared, check, daily
backup) and checks that:

- the database passes SQLite's integrity check and the program's own;
- it holds exactly a state it held before or one the step could have made (nothing half
  done, nothing lost that was committed and not deliberately restored over);
- no half-written copy is left after the start;
- every backup the list calls good is whole and a copy of a state the database held;
- no backup among the seven newest ever taken, nor the newest taken before an import or a
  restore, has gone (whatever the clocks said).

Prints the figures; exit status 1 if any rule was broken (each break is listed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import random
import signal
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

STEPS = ("save", "backup", "restore", "rotate")
WEIGHTS = (4, 4, 2, 1)
START = dt.datetime(2026, 1, 5, 9)
STEP_TIME = dt.timedelta(hours=6)
JUMPS = (dt.timedelta(days=800), dt.timedelta(days=-2500), dt.timedelta(days=40))
KEEP_NEWEST = 7


def content(path: Path) -> str:
    """A hash of everything the database holds (a backup's record of itself left out)."""
    conn = sqlite3.connect(str(path))
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                             "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        parts = [(t, conn.execute(f'SELECT * FROM "{t}"' + (" WHERE key NOT LIKE 'backup.%'" if t == "setting"
                                                             else "") + " ORDER BY 1").fetchall())
                 for t in tables if t != "audit_entry"]
    finally:
        conn.close()
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def set_clock(now: dt.datetime) -> None:
    from app import backups

    backups._now = lambda: now


def child(step: str, db_path: Path, folder: Path, now: dt.datetime, argument: str, write) -> None:
    """The work of one step, in the forked child; ``write`` reports progress to the parent."""
    from app import backups
    from app.database import open_database
    from app.services.referrals import create_referral

    set_clock(now)
    write("started")
    if step == "save":
        db = open_database(db_path, create=False, backup_folder=folder)
        with db.sessions.begin() as s:
            create_referral(s, reference=argument, summary="Soak test change")
        write("committed")
        db.close()
    elif step == "backup":
        info = backups.take_backup(db_path, folder, argument)
        write(f"taken {info.path.name}")
        backups.rotate_after(folder, info)
    elif step == "restore":
        backups.restore_backup(folder / argument, db_path, folder)
        write("restored")
    else:
        backups.rotate(folder)
    write("done")


def run_step(step, db_path, folder, now, argument, kill_after: float | None) -> tuple[bool, list[str], float]:
    """Fork a child for ``step``; kill it ``kill_after`` seconds after it started (None: let it
    finish). Returns whether it was killed, what it said, and how long it ran."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        code = 0
        try:
            child(step, db_path, folder, now, argument,
                  lambda line: os.write(write_end, (line + "\n").encode("utf-8")))
        except BaseException as err:  # a refusal is a finding: the parent reports it
            os.write(write_end, f"error {type(err).__name__}: {err}".replace("\n", " ").encode("utf-8") + b"\n")
            code = 1
        finally:
            os._exit(code)
    os.close(write_end)
    started = time.perf_counter()
    if kill_after is not None:
        time.sleep(kill_after)
        os.kill(pid, signal.SIGKILL)  # our own child, not yet reaped
    _, status = os.waitpid(pid, 0)
    with os.fdopen(read_end, encoding="utf-8") as said:
        lines = said.read().splitlines()
    killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    return killed, lines, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="how long to run (default 10)")
    parser.add_argument("--seed", type=int, default=1, help="random seed")
    parser.add_argument("--actions", type=int, default=300, help="actions in the database (default 300)")
    parser.add_argument("--verbose", action="store_true", help="print the backups present at each break")
    args = parser.parse_args(argv)
    if not (hasattr(signal, "SIGKILL") and hasattr(os, "fork")):
        print("This soak test needs SIGKILL and fork (Linux or macOS).", file=sys.stderr)
        return 1
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="crt-soak-backups-") as tmp:
        os.environ["CRT_DATA_DIR"] = str(Path(tmp) / "data")
        return soak(Path(tmp), rng, args)


def soak(tmp: Path, rng: random.Random, args) -> int:
    import shutil

    from app import backups
    from app.check import check_database
    from app.database import open_database
    from app.synthetic import generate
    from db import migrate

    # The migrations as they are now: one added to the checkout meanwhile is not this run's.
    frozen = tmp / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, frozen, ignore=shutil.ignore_patterns("__pycache__"))
    migrate.MIGRATIONS_DIR = frozen

    db_path, folder = tmp / "office.sqlite", tmp / "backups"
    db = open_database(db_path, backup_folder=folder)
    generate(db, actions=args.actions, seed=args.seed)
    db.close()
    held = {content(db_path)}  # every state the database has legitimately held
    # Every backup once seen, by its sequence (unique, unlike a file name, which a clock set
    # wrong can give to two copies at different times): sequence -> (file name, label).
    ever: dict[int, tuple[str, str]] = {}
    usual = {step: 0.5 for step in STEPS}  # running length of each step, seconds
    figures, kills, breaks = Counter(), Counter(), []
    deadline = time.monotonic() + args.minutes * 60
    number = 0
    while time.monotonic() < deadline:
        number += 1
        step = rng.choices(STEPS, WEIGHTS)[0]
        now = START + number * STEP_TIME
        jumped = rng.random() < 0.2
        if jumped:
            now += rng.choice(JUMPS)
            figures["clock jumps"] += 1
        good = [b for b in backups.list_backups(folder, db_path) if b.ok]
        if step == "restore" and not good:
            step = "backup"
        argument = {"save": f"SOAK-{number}", "backup": rng.choice(("manual", "daily", "before-import")),
                    "restore": rng.choice(good).path.name if good else "", "rotate": ""}[step]
        before = content(db_path)
        restoring = content(folder / argument) if step == "restore" else None
        kill_after = rng.uniform(0, usual[step] * 1.5) if rng.random() < 0.5 else None
        killed, said, took = run_step(step, db_path, folder, now, argument, kill_after)
        if not killed:
            usual[step] = 0.8 * usual[step] + 0.2 * took
        figures[f"{step} steps"] += 1
        kills[step] += killed
        if killed and "started" in said and "done" not in said:
            figures["killed mid-step"] += 1
        errors = [line for line in said if line.startswith("error")]
        where = f"step {number} ({step} {argument}{', clock jumped' if jumped else ''}" \
                f"{', killed' if killed else ''})"
        breaks += [f"{where}: {line}" for line in errors]

        # The next start, as the program makes it (on a clock that is right).
        set_clock(START + number * STEP_TIME + STEP_TIME / 2)
        try:
            backups.prepare_to_open(db_path, folder)
        except Exception as err:
            breaks.append(f"{where}: the next start refused the database: {err}")
        leftovers = [p.name for p in [*folder.glob("*.partial*"), *tmp.glob("*.restoring*")]]
        if leftovers:
            breaks.append(f"{where}: left after the next start: {leftovers}")

        after = content(db_path)
        allowed = {before} | ({restoring} if restoring else set())
        if step == "save" and "committed" in said:
            allowed = {after} if after != before else set()
        elif step == "save":
            allowed.add(after)  # killed before or after its commit: all or nothing, checked below
        if after not in allowed:
            breaks.append(f"{where}: the database holds a state the step could not have made")
        if step == "save" and after != before:
            with sqlite3.connect(str(db_path)) as conn:
                saved = conn.execute("SELECT count(*) FROM referral WHERE reference = ?", (argument,)).fetchone()[0]
            conn.close()
            if saved != 1:
                breaks.append(f"{where}: the change is half there")
        held.add(after)
        report = check_database(db_path)
        if not report.ok:
            breaks.append(f"{where}: the database failed its check: {report.problems}")

        present = set()
        for info in backups.list_backups(folder, db_path):
            if info.sequence is not None:
                ever.setdefault(info.sequence, (info.path.name, info.label))
                present.add(info.sequence)
            if info.ok and content(info.path) not in held:
                breaks.append(f"{where}: {info.path.name} is listed as good but is no state the database held")
        newest = sorted(ever.items(), reverse=True)
        lost = [name for sequence, (name, _) in newest[:KEEP_NEWEST] if sequence not in present]
        for kind in ("before-import", "before-restore"):
            last = next(((sequence, name) for sequence, (name, label) in newest if label == kind), None)
            if last is not None and last[0] not in present:
                lost.append(last[1])
        if lost:
            breaks.append(f"{where}: backups that must be kept have gone: {lost}")
            if args.verbose:
                print(where, "lost", lost, "newest ever", newest[:9], "present", sorted(present, reverse=True),
                      said, flush=True)
        figures["backups taken"] = len(ever)
        figures["restores finished"] += "restored" in said

    figures["backups rotated away"] = len(set(ever) - present)
    figures["backups kept at the end"] = len(list(folder.glob("*.sqlite")))
    print(f"{number} steps in {args.minutes:g} minutes (seed {args.seed}):")
    for step in STEPS:
        print(f"  {step:<8} {figures[f'{step} steps']:>5} run, {kills[step]:>5} killed")
    for name in ("killed mid-step", "clock jumps", "backups taken", "restores finished",
                 "backups rotated away", "backups kept at the end"):
        print(f"  {name:<24} {figures[name]:>5}")
    print(f"  rules broken             {len(breaks):>5}")
    for line in breaks[:50]:
        print(f"    {line}")
    return 1 if breaks else 0


if __name__ == "__main__":
    sys.exit(main())

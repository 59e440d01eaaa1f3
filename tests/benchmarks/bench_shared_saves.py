"""Benchmark save latency with five officers saving at once (issue 18, item 3): on a PostgreSQL
server, and beside it on one SQLite file shared by five copies of the program.

    python tests/benchmarks/bench_shared_saves.py [--writers 5] [--saves 100] [--actions 2000]

Makes an office of N actions (``app.synthetic``, the same seed on both) in a temporary folder
and on the server named by ``CRT_TEST_POSTGRES_URL`` (or a throw-away server started for the
run, as ``.ci/run`` does). Then, on each, the writers (processes of their own, started
together) each make single-action saves as the edit form does: read the action's version, then
in one unit of work check it (``ensure_unchanged``), change the lead officer
(``actions.update_action``) and commit. The time of that unit of work is the save's latency;
SQLite's writers queue with the program's own busy timeout (``db.engine.BUSY_TIMEOUT_MS``).
Prints the median and 95th percentile per engine, with conflicts (another writer saved the
same action between its read and its save) and refusals (busy) counted apart.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

SEED = 18


def _writer(address: str, index: int, saves: int, action_ids: list[int], barrier, results) -> None:
    """Make ``saves`` single-action saves on the database at ``address``; put on ``results`` the
    latency of each saved one (seconds), and the messages of those refused."""
    from app.database import open_database
    from app.db_errors import STALE, ensure_unchanged, plain_database_errors
    from app.errors import UserError
    from app.services import actions
    from db.models import Action

    rng = random.Random(index)
    latencies, refused = [], []
    try:
        db = open_database(address)
        with db.readers() as s:  # the first connection is made before the clock starts
            s.get(Action, action_ids[0])
    except Exception as err:  # the others are not kept waiting: the run is reported as failed
        barrier.abort()
        results.put((latencies, [f"could not start: {err!r}"]))
        return
    try:
        try:
            barrier.wait(120)
        except threading.BrokenBarrierError:
            return  # another writer could not start
        for n in range(saves):
            action_id = rng.choice(action_ids)
            with db.readers() as s:
                version = s.get(Action, action_id).version
            started = time.perf_counter()
            try:
                with plain_database_errors(), db.sessions.begin() as s:
                    ensure_unchanged(actions.get_action(s, action_id), version)
                    actions.update_action(s, action_id, lead_officer=f"Writer {index}, save {n}")
            except UserError as err:
                refused.append("conflict" if str(err) == STALE else str(err))
                continue
            latencies.append(time.perf_counter() - started)
    finally:
        db.close()
        results.put((latencies, refused))


def _run(address: str, writers: int, saves: int, action_ids: list[int]) -> tuple[list[float], list[str], float]:
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(writers + 1), context.Queue()
    processes = [context.Process(target=_writer, args=(address, i, saves, action_ids, barrier, results))
                 for i in range(writers)]
    for process in processes:
        process.start()
    try:
        barrier.wait(120)
    except threading.BrokenBarrierError:
        pass  # a writer could not start: it says why
    started = time.perf_counter()
    outcomes = [results.get(timeout=600) for _ in processes]
    elapsed = time.perf_counter() - started
    for process in processes:
        process.join(30)
    return [t for o in outcomes for t in o[0]], [r for o in outcomes for r in o[1]], elapsed


def _office(address, actions: int) -> list[int]:
    from sqlalchemy import select

    from app.database import open_database
    from app.synthetic import generate
    from db.models import Action

    db = open_database(address)
    try:
        generate(db, actions, seed=SEED)
        with db.readers() as s:
            return list(s.scalars(select(Action.id).where(Action.archived_at.is_(None))))
    finally:
        db.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=5)
    parser.add_argument("--saves", type=int, default=100, help="saves per writer")
    parser.add_argument("--actions", type=int, default=2000)
    args = parser.parse_args()

    from db.engine import BUSY_TIMEOUT_MS
    from tests.postgres import databases, server

    rows = []
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        os.environ.setdefault("CRT_DATA_DIR", str(folder / "data"))
        with server.for_this_run():
            target = databases.new_database()
            try:
                address = databases.address(target)
                rows.append(("PostgreSQL", *_run(address, args.writers, args.saves, _office(address, args.actions))))
            finally:
                databases.drop_database(target)
            file = str(folder / "office.sqlite")
            rows.append((f"SQLite ({BUSY_TIMEOUT_MS / 1000:.0f} s busy timeout)",
                         *_run(file, args.writers, args.saves, _office(file, args.actions))))

    print(f"Single-action saves through the services: {args.writers} writers at once, {args.saves} saves "
          f"each, on an office of {args.actions:,} actions ({os.cpu_count()} CPU cores)")
    print(f"{'engine':32} {'saved':>6} {'conflicts':>9} {'busy':>5} {'median ms':>10} {'p95 ms':>8} {'saves/s':>8}")
    for engine, latencies, refused, elapsed in rows:
        conflicts = refused.count("conflict")
        if len(latencies) < 2:
            print(f"{engine:32} {len(latencies):6} {conflicts:9}  too few saves to measure: " + "; ".join(refused))
            continue
        p95 = statistics.quantiles(latencies, n=20)[-1]
        print(f"{engine:32} {len(latencies):6} {conflicts:9} {len(refused) - conflicts:5} "
              f"{statistics.median(latencies) * 1000:10.1f} {p95 * 1000:8.1f} {len(latencies) / elapsed:8.0f}")
        for message in sorted(set(refused) - {"conflict"}):
            print(f"    refused: {message}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

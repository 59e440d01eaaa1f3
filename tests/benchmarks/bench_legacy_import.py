"""Benchmark: import a hand-kept action plan tracker into a new database.

A plain script, not a test (pytest does not collect ``bench_*.py``). Run from anywhere:

    python tests/benchmarks/bench_legacy_import.py            # 10,000 actions
    python tests/benchmarks/bench_legacy_import.py 100000     # another size

For each size it writes a plain tracker (``build_large_action_plan``: two actions per
recommendation, 50 recommendations per review, a progress note on every row), makes a fresh
database, then times reading the tracker (``plan_import``, the dry run) and writing it
(``apply_import`` and the commit) separately, and counts the audit rows written.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from sqlalchemy import func, select  # noqa: E402  (after the path set-up above)

from app.database import open_database  # noqa: E402
from app.excel.legacy import apply_import, plan_import  # noqa: E402
from db.models import Action, AuditEntry  # noqa: E402
from tests.app.excel.legacy_fixtures import build_large_action_plan  # noqa: E402

DEFAULT_SIZES = (10_000,)


def run(actions: int) -> None:
    """Import a tracker of ``actions`` rows into a fresh database and print the timings."""
    with tempfile.TemporaryDirectory(prefix="crt-bench-") as folder:
        os.environ["CRT_DATA_DIR"] = folder
        tracker = build_large_action_plan(Path(folder) / f"tracker-{actions}.xlsx", actions)
        database = open_database(Path(folder) / "bench.sqlite")
        started = time.perf_counter()
        with database.sessions.begin() as session:
            plan = plan_import(session, tracker, "action-plan")
        planned = time.perf_counter()
        with database.sessions.begin() as session:
            apply_import(session, plan)
        applied = time.perf_counter()
        with database.sessions.begin() as session:
            written = session.scalar(select(func.count()).select_from(Action))
            audit = session.scalar(select(func.count()).select_from(AuditEntry))
        database.close()
        print(f"--- {actions:,} actions ---")
        print(f"read (plan_import):   {planned - started:6.2f} s")
        print(f"write (apply_import): {applied - planned:6.2f} s")
        print(f"whole import:         {applied - started:6.2f} s")
        print(f"actions {written:,}, audit rows {audit:,}")


def main(argv: list[str]) -> None:
    for actions in [int(a.replace("_", "")) for a in argv] or list(DEFAULT_SIZES):
        run(actions)


if __name__ == "__main__":
    main(sys.argv[1:])

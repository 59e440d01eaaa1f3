"""Benchmark: generate synthetic data, then time the database check.

A plain script, not a test (pytest does not collect ``bench_*.py``). Run from anywhere:

    python tests/benchmarks/bench_generate.py            # 10,000 and 100,000 actions
    python tests/benchmarks/bench_generate.py 100000     # just one size

For each size it makes a fresh database in a temporary folder, times ``generate``, prints
the file size, then times what the ``check`` command does: ``PRAGMA quick_check`` plus a
count of every table (printed as ``quick_check + counts``). ``PRAGMA foreign_key_check``
(which ``check`` also runs) and ``PRAGMA integrity_check`` are timed too, for comparison.
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

from sqlalchemy import text  # noqa: E402  (after the path set-up above)

from app.database import open_database  # noqa: E402
from app.synthetic import generate  # noqa: E402
from db.engine import make_engine  # noqa: E402
from db.models import Base  # noqa: E402

DEFAULT_SIZES = (10_000, 100_000)
LIMIT_SECONDS = 30.0


def _megabytes(path: Path) -> float:
    return path.stat().st_size / 1_000_000 if path.exists() else 0.0


def _check(db_file: Path) -> tuple[dict[str, float], dict[str, int]]:
    """Seconds taken by each check, and the row count of every table."""
    engine = make_engine(db_file)
    try:
        with engine.connect() as conn:
            started = time.perf_counter()
            result = conn.execute(text("PRAGMA quick_check")).scalar()
            counts = {table.name: conn.execute(text(f'SELECT count(*) FROM "{table.name}"')).scalar()
                      for table in Base.metadata.sorted_tables}
            seconds = {"quick_check + counts": time.perf_counter() - started}
            if result != "ok":
                raise SystemExit(f"quick_check reported: {result}")
            for pragma in ("foreign_key_check", "integrity_check"):
                started = time.perf_counter()
                conn.execute(text(f"PRAGMA {pragma}")).all()
                seconds[pragma] = time.perf_counter() - started
    finally:
        engine.dispose()
    return seconds, counts


def run(actions: int) -> None:
    """Generate ``actions`` actions into a fresh database and print the timings."""
    with tempfile.TemporaryDirectory(prefix="crt-bench-") as folder:
        os.environ["CRT_DATA_DIR"] = folder
        db_file = Path(folder) / f"bench-{actions}.sqlite"
        started = time.perf_counter()
        database = open_database(db_file)
        opened = time.perf_counter() - started
        summary = generate(database, actions)
        seconds = summary.seconds
        database.close()
        wal = db_file.with_name(db_file.name + "-wal")
        checks, counts = _check(db_file)
        verdict = "OK" if seconds < LIMIT_SECONDS else f"OVER {LIMIT_SECONDS:.0f} s"
        print(f"--- {actions:,} actions ---")
        print(f"create empty database:      {opened:6.2f} s")
        print(f"generate:                   {seconds:6.2f} s  ({verdict})")
        print(f"file size:                  {_megabytes(db_file):6.1f} MB"
              f" (WAL left: {_megabytes(wal):.1f} MB)")
        for name, taken in checks.items():
            print(f"{name + ':':27s} {taken:6.2f} s")
        print("rows: " + ", ".join(f"{name} {n:,}" for name, n in counts.items() if n))


def main(argv: list[str]) -> None:
    sizes = [int(a.replace("_", "")) for a in argv] or list(DEFAULT_SIZES)
    for actions in sizes:
        run(actions)


if __name__ == "__main__":
    main(sys.argv[1:])

"""Benchmark the copy to a PostgreSQL server and back (issue 18, item 2) on a synthetic office.

    python tests/benchmarks/bench_copy.py [--actions N] [--demo]

Generates an office of N actions (default 10,000; ``--demo``: the demo office instead) in a
temporary folder, copies it to an empty database on the server named by
``CRT_TEST_POSTGRES_URL`` (or on a throw-away server started for the run, as ``.ci/run`` does),
then back to a new SQLite file, and prints each copy's time and whether every table's rows
and checksum came back equal.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def _sums(url) -> dict:
    from sqlalchemy import create_engine

    from db import copy as table_copy

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {t.name: table_copy.table_sum(conn, t) for t in table_copy.tables()}
    finally:
        engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=10_000)
    parser.add_argument("--demo", action="store_true", help="copy the demo office instead")
    args = parser.parse_args()

    import os

    from app.cli import main as cli
    from app.copy_database import copy_database
    from db.engine import sqlite_url
    from tests.postgres import databases, server

    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        os.environ.setdefault("CRT_DATA_DIR", str(folder / "data"))
        with server.for_this_run():
            source = folder / "office.sqlite"
            started = time.perf_counter()
            made = cli(["demo", "--db", str(source)] if args.demo
                       else ["generate", "--db", str(source), "--actions", str(args.actions)])
            assert made == 0
            print(f"Office made in {time.perf_counter() - started:.1f} s ({source.stat().st_size / 1_048_576:.1f} MB)")
            target = databases.new_database(empty=True)
            try:
                there = copy_database(source, databases.address(target))
                back = copy_database(databases.address(target), folder / "back.sqlite")
                equal = _sums(sqlite_url(source)) == _sums(target) == _sums(sqlite_url(folder / "back.sqlite"))
            finally:
                databases.drop_database(target)
    print(f"SQLite -> PostgreSQL: {there.rows:,} rows in {there.seconds:.1f} s")
    print(f"PostgreSQL -> SQLite: {back.rows:,} rows in {back.seconds:.1f} s")
    print(f"Every table's rows and checksum equal after the round trip: {'yes' if equal else 'NO'}")
    return 0 if equal else 1


if __name__ == "__main__":
    sys.exit(main())

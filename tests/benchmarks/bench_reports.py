"""Benchmark: how fast the papers print.

A plain script, not a test (pytest does not collect ``bench_*.py``). Run from anywhere:

    python tests/benchmarks/bench_reports.py             # 1,000 and 10,000 actions
    python tests/benchmarks/bench_reports.py 10000       # just one size

For each size it generates a fresh synthetic database in a temporary folder and times the
composite action plan (by review): wall-clock and CPU seconds for the best of a few runs,
then, in a separate run (tracing slows Python down), the peak Python memory via
``tracemalloc``, and the process's peak resident memory where the platform reports it.
Then it times the sub group briefing paper on the demo office. The targets are those of
the issue: 10,000 actions under 6 s, 1,000 under 1 s, memory under 400 MB, briefing under 0.5 s.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from app.database import open_database
from app.demo import write_demo
from app.reports.action_plan import build_action_plan
from app.reports.briefing import build_briefing
from app.synthetic import generate

DEFAULT_SIZES = (1_000, 10_000)
TARGET_SECONDS = {1_000: 1.0, 10_000: 6.0}
TARGET_MEGABYTES = 400
BRIEFING_TARGET = 0.5
RUNS = 3
AS_AT = dt.date(2026, 6, 1)


def _peak_rss_megabytes() -> float | None:
    """The process's peak resident memory so far, where the platform can say (not Windows)."""
    try:
        import resource
    except ImportError:
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports kilobytes, macOS bytes.
    return peak / (1_000_000 if sys.platform == "darwin" else 1_000)


def _best_of(runs: int, work: Callable[[], object]) -> tuple[float, float, object]:
    """Best wall-clock and CPU seconds of ``runs`` runs, and the last result."""
    best_wall = best_cpu = float("inf")
    result = None
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = work()
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return best_wall, best_cpu, result


def _traced_megabytes(work: Callable[[], object]) -> float:
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1] / 1_000_000
    finally:
        tracemalloc.stop()


def _verdict(ok: bool) -> str:
    return "OK" if ok else "OVER TARGET"


def bench_action_plan(folder: Path, actions: int) -> None:
    database = open_database(folder / f"plan-{actions}.sqlite")
    try:
        summary = generate(database, actions, today=AS_AT)
        out = folder / f"plan-{actions}.pdf"

        def work():
            with database.sessions() as session:
                return build_action_plan(session, out, as_at=AS_AT)

        wall, cpu, result = _best_of(RUNS, work)
        megabytes = _traced_megabytes(work)
    finally:
        database.close()
    target = TARGET_SECONDS.get(actions)
    print(f"--- composite action plan, {actions:,} actions ({summary.action_links:,} links, "
          f"{summary.recommendations:,} recommendations, {summary.reviews:,} reviews) ---")
    print(f"pages:                {result.pages:8,}   ({out.stat().st_size / 1_000_000:.1f} MB file)")
    print(f"best of {RUNS}, wall:     {wall:8.2f} s" + (f"   target {target:.0f} s: {_verdict(wall < target)}"
                                                      if target else ""))
    print(f"best of {RUNS}, CPU:      {cpu:8.2f} s")
    print(f"pages a second:       {result.pages / wall:8.0f}")
    print(f"peak Python memory:   {megabytes:8.0f} MB   target {TARGET_MEGABYTES} MB: "
          f"{_verdict(megabytes < TARGET_MEGABYTES)}")


def bench_briefing(folder: Path) -> None:
    database = open_database(folder / "demo.sqlite")
    try:
        with database.sessions.begin() as session:
            write_demo(session)
        out = folder / "briefing.pdf"

        def work():
            with database.sessions() as session:
                return build_briefing(session, out)

        first_wall, _, _ = _best_of(1, work)
        wall, cpu, result = _best_of(RUNS, work)
    finally:
        database.close()
    print("--- briefing paper, demo office ---")
    print(f"pages:                {result.pages:8,}")
    print(f"first run, wall:      {first_wall:8.2f} s")
    print(f"best of {RUNS}, wall:     {wall:8.2f} s   target {BRIEFING_TARGET} s: {_verdict(wall < BRIEFING_TARGET)}")
    print(f"best of {RUNS}, CPU:      {cpu:8.2f} s")


def main(argv: list[str]) -> None:
    sizes = [int(a.replace(",", "").replace("_", "")) for a in argv] or list(DEFAULT_SIZES)
    with tempfile.TemporaryDirectory(prefix="crt-bench-reports-") as name:
        folder = Path(name)
        os.environ["CRT_DATA_DIR"] = str(folder / "data")  # never touch the real data folder
        for actions in sizes:
            bench_action_plan(folder, actions)
        bench_briefing(folder)
        rss = _peak_rss_megabytes()
        if rss is not None:
            print(f"peak resident memory of the whole run: {rss:.0f} MB")


if __name__ == "__main__":
    main(sys.argv[1:])

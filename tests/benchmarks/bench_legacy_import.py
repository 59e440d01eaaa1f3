"""Benchmark: importing a hand-kept tracker, and refusing the files that would stall or kill a
reader, each against calamine reading the same file in the same run.

A plain script, not a test (pytest does not collect ``bench_*.py``). Run from anywhere:

    python tests/benchmarks/bench_legacy_import.py              # 10k and 100k, and the refusals
    python tests/benchmarks/bench_legacy_import.py 10000        # one size, no refusals
    python tests/benchmarks/bench_legacy_import.py refusals     # the refusals only

Linux only (the children read their peak memory from /proc).

Each measurement runs in a fresh Python process, so its peak memory is its own:

- an import is the whole command as an office runs it, ``main.py import FILE --yes`` into a
  new database (``main.py new``): read, plan, write, commit, report. Printed: the time, the
  process's peak memory, and what calamine alone takes to read the same file (open it, load
  the sheet, hand over every row) in a process of its own;
- a refusal is the same command given a hostile file: a value at XFD1048576, a zip bomb (1 GB
  of text in one cell, packed into 1 MB), a sheet of a million empty rows, and a real tracker
  of a million actions. Printed: how long the refusal took and its first words, and what calamine did with
  the file (a crash is shown by its exit status; a run over ``CALAMINE_LIMIT_S`` seconds is
  stopped; the process may use at most ``CALAMINE_MEMORY_GB`` of memory, so the machine lives).

The trackers are written by ``tests/app/excel/hostile_workbooks.py`` (plain rows: two actions
per recommendation, a progress note on every row).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.app.excel import hostile_workbooks as workbooks  # noqa: E402  (after the path set-up above)

DEFAULT_SIZES = (10_000, 100_000)
CALAMINE_LIMIT_S = 120
CALAMINE_MEMORY_GB = 6

# The child's own peak memory: VmHWM (Linux) starts afresh with the process, where ru_maxrss
# would carry the parent's over the fork.
_PEAK = """
def peak_mb():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM")) / 1024
"""
# Runs in the child: the command, then its own time and peak memory as JSON on the last line.
_IMPORT = _PEAK + """
import json, sys, time
started = time.perf_counter()
from app.cli import main
code = main(sys.argv[1:])
print(json.dumps({"code": code, "seconds": time.perf_counter() - started, "peak_mb": peak_mb()}))
"""
_CALAMINE = _PEAK + """
import json, resource, sys, time
limit = int(sys.argv[2]) << 30
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
started = time.perf_counter()
import python_calamine
book = python_calamine.CalamineWorkbook.from_path(sys.argv[1])
sheet = book.get_sheet_by_index(0)
rows = sum(1 for _ in sheet.iter_rows())
print(json.dumps({"rows": rows, "seconds": time.perf_counter() - started, "peak_mb": peak_mb()}))
"""


def _child(code: str, args: list[str], env: dict, timeout: float | None = None) -> tuple[dict | None, str, float]:
    """Run ``code`` in a fresh interpreter; (its JSON summary or None, how it ended, seconds)."""
    started = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-c", code, *args], cwd=REPO, env=env, capture_output=True,
                              text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, f"still running after {timeout:.0f} s: stopped", time.perf_counter() - started
    seconds = time.perf_counter() - started
    last = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    if done.returncode < 0 or done.returncode > 100:
        signal = -done.returncode if done.returncode < 0 else done.returncode - 128
        return None, f"died (exit {done.returncode}, signal {signal}): {_first_words(done.stderr)}", seconds
    try:
        summary = json.loads(last)
    except ValueError:
        return None, f"exit {done.returncode}: {_first_words(done.stderr)}", seconds
    return summary, _first_words(done.stderr) if summary.get("code") else "", seconds


def _first_words(text: str, limit: int = 140) -> str:
    line = next((line for line in text.splitlines() if line.strip() and not line.startswith(" ")), "")
    return line[:limit] + ("…" if len(line) > limit else "")


def _environment(folder: Path) -> dict:
    return {**os.environ, "CRT_DATA_DIR": str(folder / "data"), "QT_QPA_PLATFORM": "offscreen"}


def _new_database(folder: Path, env: dict) -> Path:
    database = folder / f"office-{time.monotonic_ns()}.sqlite"
    subprocess.run([sys.executable, "main.py", "new", "--db", str(database)], cwd=REPO, env=env, check=True,
                   capture_output=True)
    return database


def _calamine(path: Path, env: dict) -> str:
    summary, ended, seconds = _child(_CALAMINE, [str(path), str(CALAMINE_MEMORY_GB)], env, CALAMINE_LIMIT_S)
    if summary is None:
        return f"calamine: {ended} after {seconds:.2f} s"
    return (f"calamine: read {summary['rows']:,} rows in {summary['seconds']:.2f} s, "
            f"peak {summary['peak_mb']:.0f} MB")


def run_import(actions: int, folder: Path) -> None:
    """Import a tracker of ``actions`` rows into a new database, beside calamine reading it."""
    env = _environment(folder)
    started = time.perf_counter()
    tracker = workbooks.build_tracker(folder / f"tracker-{actions}.xlsx", actions)
    built = time.perf_counter() - started
    database = _new_database(folder, env)
    summary, ended, _seconds = _child(_IMPORT, ["import", str(tracker), "--db", str(database), "--yes"], env)
    print(f"--- import of {actions:,} actions ({tracker.stat().st_size / 1e6:.1f} MB, written in {built:.1f} s) ---")
    if summary is None or summary["code"]:
        print(f"import: FAILED: {ended}")
    else:
        print(f"import (whole command): {summary['seconds']:6.2f} s, peak {summary['peak_mb']:.0f} MB")
    print(_calamine(tracker, env))


def run_refusals(folder: Path) -> None:
    """The hostile files: how fast each is refused, and what calamine does with it."""
    env = _environment(folder)
    database = _new_database(folder, env)
    hostile = [
        ("a value at XFD1048576", workbooks.build_far_cell),
        ("a zip bomb (a cell of 1 GB of text)", lambda path: workbooks.build_zip_bomb(path, megabytes=1024)),
        ("a million empty rows", workbooks.build_empty_rows),
        ("a tracker of 1,000,000 actions", lambda path: workbooks.build_tracker(path, 1_000_000)),
    ]
    for label, build in hostile:
        path = build(folder / f"hostile-{len(label)}.xlsx")
        summary, ended, seconds = _child(_IMPORT, ["import", str(path), "--db", str(database), "--yes"], env)
        print(f"--- {label} ({path.stat().st_size / 1e6:.1f} MB) ---")
        if summary is not None and summary["code"] == 1:
            print(f"import: refused in {summary['seconds']:.2f} s (whole command {seconds:.2f} s), peak "
                  f"{summary['peak_mb']:.0f} MB: {ended}")
        else:
            print(f"import: NOT REFUSED: {ended or summary}")
        print(_calamine(path, env))


def main(argv: list[str]) -> None:
    refusals_only = argv == ["refusals"]
    sizes = [] if refusals_only else [int(a.replace("_", "").replace(",", "")) for a in argv] or list(DEFAULT_SIZES)
    with tempfile.TemporaryDirectory(prefix="crt-bench-") as folder:
        for actions in sizes:
            run_import(actions, Path(folder))
        if not argv or refusals_only:
            run_refusals(Path(folder))


if __name__ == "__main__":
    main(sys.argv[1:])

"""Benchmark: the frozen program's size and its window start-up time (a plain script).

    python tests/benchmarks/bench_frozen.py [dist/case-review-tracker]

Build it first with packaging/build_frozen.sh (which runs this at the end). The size is the
whole folder (what the installer installs). The start-up time is measured as a user meets
it: from starting the windowed program on a new database to the window on screen and its
event loop turning, which the program writes in its log ("Window shown"); the first run
(nothing in the disk cache) and the best of the next runs are given. Off-screen unless
QT_QPA_PLATFORM says otherwise. Targets (issue 17): at most 150 MB; the window within 2 s.
The figures are printed and written to <program folder>/../frozen-benchmark.json.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
RUNS = 4
TIMEOUT_S = 60
LOG = Path("logs") / "case-review-tracker.log"


def folder_size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink()) / 1e6


def _shown_at(log: Path) -> float | None:
    """When the log says the window was shown (seconds since the epoch), if it does yet."""
    if not log.exists():
        return None
    for line in log.read_text(encoding="utf-8").splitlines():
        if line.endswith("Window shown"):
            stamp = dt.datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S,%f")
            return stamp.timestamp()
    return None


def start_up_seconds(program: Path) -> float:
    """Seconds from starting the windowed program on a new database to its window shown."""
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data"
        env = {**os.environ, "CRT_DATA_DIR": str(data),
               "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
        started = time.time()
        process = subprocess.Popen([str(program), "--db", str(Path(folder) / "new.sqlite")], env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while (shown := _shown_at(data / LOG)) is None:
                if process.poll() is not None or time.time() - started > TIMEOUT_S:
                    raise SystemExit(f"The window did not show (exit status {process.poll()}).")
                time.sleep(0.02)
        finally:
            process.terminate()
            process.wait(timeout=30)
        return shown - started


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "dist" / "case-review-tracker"
    program = folder / ("case-review-tracker.exe" if os.name == "nt" else "case-review-tracker")
    times = [start_up_seconds(program) for _ in range(RUNS)]
    result = {"size_mb": round(folder_size_mb(folder), 1), "start_up_first_s": round(times[0], 2),
              "start_up_best_s": round(min(times[1:]), 2), "runs": RUNS,
              "platform": sys.platform, "qpa": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
              "measured": dt.datetime.now().isoformat(timespec="seconds")}
    print(f"Frozen program: {result['size_mb']} MB; window shown {result['start_up_first_s']} s after "
          f"starting (first run), {result['start_up_best_s']} s (best of the next {RUNS - 1})")
    (folder.parent / "frozen-benchmark.json").write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()

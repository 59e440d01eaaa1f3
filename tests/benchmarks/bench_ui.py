"""Benchmark: the window over a large database (a plain script, not a test).

    python tests/benchmarks/bench_ui.py [database]   # default: /tmp/big.sqlite

Make the database first:  python main.py generate --db /tmp/big.sqlite --actions 100000

Runs offscreen and prints: launch to a usable window; the action plan shown after
choosing it; one search keystroke; a sort by each of a few columns; peak memory.
Targets (issue): 2 s, 1 s, 100 ms, 300 ms, 600 MB.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("CRT_DATA_DIR", tempfile.mkdtemp(prefix="crt-bench-"))

from PySide6.QtWidgets import QApplication  # noqa: E402

SORT_COLUMNS = ("reference", "description", "lead_agency", "target_on", "rag", "recommendations")


def peak_rss_mb() -> float:
    try:
        import psutil  # optional
        info = psutil.Process().memory_info()
        return getattr(info, "peak_wset", info.rss) / 1e6
    except ImportError:
        pass
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1000
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1000


def main() -> int:
    db_path = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/big.sqlite")
    if not db_path.exists():
        print(f"No database at {db_path}; make one with main.py generate.")
        return 1
    started = time.perf_counter()
    app = QApplication.instance() or QApplication(sys.argv)
    from app.database import open_database
    from app.registers import REGISTERS
    from ui.app import create_main_window, show_main_window

    database = open_database(db_path, create=False)
    window = create_main_window(database)
    show_main_window(window)
    app.processEvents()
    launch = time.perf_counter() - started

    started = time.perf_counter()
    window.show_page("actions")
    while not window.is_loaded("actions"):
        app.processEvents()
        time.sleep(0.002)
    app.processEvents()
    shown = time.perf_counter() - started
    view = window.view("actions")
    rows = view.total_count

    timings = []
    for text in ("n", "ne", "neg", "negl"):
        started = time.perf_counter()
        view.search_box.setText(text)
        view.apply()  # the debounced search, without waiting for the pause
        app.processEvents()
        timings.append((text, time.perf_counter() - started, view.shown_count))
    view.search_box.setText("")
    view.apply()

    sorts = []
    header = view.table.horizontalHeader()
    columns = REGISTERS["actions"]
    for key in SORT_COLUMNS:
        for order in (0, 1):
            started = time.perf_counter()
            header.setSortIndicator(columns.column_index(key), header.sortIndicatorOrder().__class__(order))
            app.processEvents()
            sorts.append((key, "desc" if order else "asc", time.perf_counter() - started))

    print(f"database: {db_path} ({rows:,} actions)")
    print(f"launch to usable window:       {launch * 1000:7.0f} ms   (target 2000)")
    print(f"action plan shown after choice: {shown * 1000:7.0f} ms   (target 1000)")
    for text, seconds, count in timings:
        print(f"search keystroke {text!r:8}        {seconds * 1000:7.0f} ms   ({count:,} rows; target 100)")
    for key, order, seconds in sorts:
        print(f"sort {key:16} {order:4}     {seconds * 1000:7.0f} ms   (target 300)")
    print(f"peak memory:                   {peak_rss_mb():7.0f} MB   (target 600)")
    window.close()
    database.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark: the window over a large database (a plain script, not a test).

    python tests/benchmarks/bench_ui.py [database]   # default: /tmp/big.sqlite

Make the database first:  python main.py generate --db /tmp/big.sqlite --actions 100000

Each run starts a new Python process the way ``main.py`` starts the window (offscreen), and
times from the moment that process is started, interpreter and imports included:

- the window on screen and answering (its event loop turning);
- the dashboard's figures on screen, and the check and daily backup done on their worker;
- the action plan chosen once the dashboard is up (the usual way: it is read in the
  background meanwhile), and chosen at once, before anything else has been read (the worst
  case: a whole read while the dashboard and the check compete for the two cores): until
  the whole plan is read the table shows its first rows, so both times are given, the first
  rows on screen and the whole plan on screen; both again with the table left sorted by a
  column last time (the first rows are then sorted on reading), and once more the next
  start, nothing having changed (the first rows are then those remembered at closing);
- the action plan chosen again once it has been read (what choosing it a few seconds
  after opening costs);
- search keystrokes and each column sorted both ways, once the search texts and sort keys
  are prepared, and peak memory.

Targets (issue 3): window 2 s, action plan 1 s, keystroke 100 ms, sort 300 ms, 600 MB.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SORT_KEYS = ("reference", "description", "lead_agency", "target_on", "status", "rag", "overdue",
             "recommendations", "theme", "lead_officer", "completed_on", "signed_off_on")
SEARCHES = ("n", "ne", "neg", "negl", "neglect", "")


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text(encoding="utf-8").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1000
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1000


def child(db_path: Path, choose_at_once: bool, sorted_by: str | None) -> dict:
    """In the measured process: start as ui.app.run does, and report times from spawn."""
    spawned = float(os.environ["CRT_BENCH_SPAWNED"])

    def since() -> float:
        return time.time() - spawned

    from PySide6.QtCore import QTimer
    from app.database import open_database
    from ui.app import create_main_window, open_at_start, show_main_window, start_application

    figures = {}
    app = start_application()
    if sorted_by:
        from ui.settings_store import TableState, WindowSettings
        WindowSettings().set_table_state("actions", TableState(sort_column=sorted_by))

    def wait(condition) -> None:
        while not condition():
            app.processEvents()
            time.sleep(0.001)

    opened = []
    open_at_start(db_path, lambda: open_database(db_path, create=False, check_later=True), opened.append)
    wait(lambda: bool(opened))
    database = opened[0]
    window = create_main_window(database)
    show_main_window(window)
    QTimer.singleShot(0, lambda: figures.setdefault("window answering", since()))

    def choose_action_plan(name: str) -> None:
        chosen = time.perf_counter()
        window.show_page("actions")
        view = window.view("actions")
        wait(lambda: view.shown_count > 0)
        app.processEvents()
        figures[f"{name}: first rows"] = time.perf_counter() - chosen
        wait(lambda: window.is_loaded("actions"))
        app.processEvents()
        figures[f"{name}: whole plan"] = time.perf_counter() - chosen

    if choose_at_once:
        wait(lambda: "window answering" in figures)
        choose_action_plan("action plan chosen at once")
        wait(lambda: window.dashboard.figures is not None and not database.check_pending)
        window.close()
        return figures

    wait(lambda: window.dashboard.figures is not None)
    figures["dashboard figures on screen"] = since()
    choose_action_plan("action plan chosen after the dashboard")
    wait(lambda: not database.check_pending)
    figures["check and daily backup done"] = since()
    window.show_page("dashboard")
    app.processEvents()
    chosen = time.perf_counter()
    window.show_page("actions")  # read already: the usual case a few seconds after opening
    app.processEvents()
    figures["action plan chosen once read"] = time.perf_counter() - chosen

    view = window.view("actions")
    figures["actions"] = view.total_count
    from ui.workers import reading_queue

    wait(lambda: view.model.query.search_ready and reading_queue().activeThreadCount() == 0)
    figures["search and sort prepared"] = since()
    for text in SEARCHES:
        started = time.perf_counter()
        view.search_box.setText(text)
        view.apply()  # the debounced search, without waiting for the pause in typing
        app.processEvents()
        figures[f"search {text!r}"] = (time.perf_counter() - started, view.shown_count)

    header = view.table.horizontalHeader()
    register = view.register
    order = type(header.sortIndicatorOrder())
    for key in SORT_KEYS:
        for descending in (False, True):
            started = time.perf_counter()
            header.setSortIndicator(register.column_index(key), order(int(descending)))
            app.processEvents()
            figures[f"sort {key} {'desc' if descending else 'asc'}"] = time.perf_counter() - started
    figures["peak memory MB"] = peak_rss_mb()
    window.close()
    database.close()
    return figures


def run_child(db_path: Path, choose_at_once: bool, sorted_by: str = "", data_dir: str = "") -> dict:
    """One measured start, in a new data folder unless ``data_dir`` (a folder an earlier
    start left its window settings in) is given."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen",
               CRT_DATA_DIR=data_dir or tempfile.mkdtemp(prefix="crt-bench-"), CRT_BENCH_SPAWNED=repr(time.time()))
    args = [sys.executable, __file__, "--child", str(db_path), sorted_by] + (["--at-once"] if choose_at_once else [])
    out = subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> int:
    if "--child" in sys.argv:
        sys.path.insert(0, str(REPO))
        print(json.dumps(child(Path(sys.argv[2]), "--at-once" in sys.argv, sys.argv[3] or None)))
        return 0
    db_path = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/big.sqlite")
    if not db_path.exists():
        print(f"No database at {db_path}; make one with main.py generate.")
        return 1
    usual = run_child(db_path, choose_at_once=False)
    at_once = run_child(db_path, choose_at_once=True)
    # Left sorted by a column the database orders (target date), and by one only the
    # table's own code can (reference).
    sorted_runs = {(key, at_once_too): run_child(db_path, choose_at_once=at_once_too, sorted_by=key)
                   for key in ("target_on", "reference") for at_once_too in (False, True)}
    # Started again with nothing changed: the top rows by reference are those remembered.
    folder = tempfile.mkdtemp(prefix="crt-bench-")
    run_child(db_path, choose_at_once=True, sorted_by="reference", data_dir=folder)
    shutil.rmtree(Path(folder) / "backups", ignore_errors=True)  # as the next day: the daily backup is due
    sorted_runs[("reference", "next start")] = run_child(db_path, choose_at_once=True, sorted_by="reference",
                                                         data_dir=folder)
    def line(label: str, seconds: float, note: str = "") -> None:
        print(f"{label + ':':46} {seconds * 1000:7.0f} ms" + (f"   ({note})" if note else ""))

    print(f"database: {db_path} ({usual.pop('actions'):,} actions); times from the process's start")
    line("window on screen and answering", usual["window answering"], "target 2000")
    line("dashboard figures on screen", usual["dashboard figures on screen"])
    line("check and daily backup done", usual["check and daily backup done"])
    for name, figures, chosen_at_once in (
            ("chosen after dashboard", usual, False), ("chosen at once", at_once, True),
            *((f"{'after dashboard' if not now else 'at once'}, by {key}"
               + (", next start" if now == "next start" else ""), run, bool(now))
              for (key, now), run in sorted_runs.items())):
        run_name = "action plan chosen at once" if chosen_at_once else "action plan chosen after the dashboard"
        line(f"action plan, {name}", figures[run_name + ": first rows"],
             f"target 1000; whole plan {figures[run_name + ': whole plan'] * 1000:.0f} ms")
    line("action plan, chosen once read ahead", usual["action plan chosen once read"], "target 1000")
    line("search and sort prepared", usual["search and sort prepared"])
    for text in SEARCHES:
        seconds, count = usual[f"search {text!r}"]
        line(f"search keystroke {text!r}", seconds, f"{count:,} rows; target 100")
    for key in SORT_KEYS:
        for direction in ("asc", "desc"):
            line(f"sort {key} {direction}", usual[f"sort {key} {direction}"], "target 300")
    print(f"{'peak memory:':46} {usual['peak memory MB']:7.0f} MB   (target 600)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

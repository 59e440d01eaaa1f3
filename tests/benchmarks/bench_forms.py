"""Benchmark: the action form over a large database (a plain script, not a test).

    python tests/benchmarks/bench_forms.py [database]   # default: /tmp/big.sqlite

Make the database first:  python main.py generate --db /tmp/big.sqlite --actions 100000

Runs offscreen with the main window open on the action plan, as the officer would be (once
its start-up reading on worker threads is done), and prints: the new-action form opened and
painted (Records > New), the edit-action form (an action that answers recommendations), and
single keystrokes in the "Answers recommendations" search box, each until painted. Forms
are opened five times: the first open, then the median and slowest of the rest, with the
time Python's garbage collector took in the slowest (soon after start-up, one open pays for
a full collection of everything the window has read). Targets (issue): 300 ms a form, 100
ms a keystroke.
"""

from __future__ import annotations

import gc
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("CRT_DATA_DIR", tempfile.mkdtemp(prefix="crt-bench-"))

from PySide6.QtCore import Qt, QThreadPool  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

OPENS = 5
# Typed one key at a time, then taken back: the widest searches (one letter, or none) are
# the slowest, since the list then holds nearly every recommendation.
WORD = "supervis"
KEYS = tuple(WORD) + ("Backspace",) * len(WORD)


class CollectorClock:
    """Seconds spent in garbage collection since ``reset``."""

    def __init__(self):
        self.seconds = 0.0
        self._started = 0.0
        gc.callbacks.append(self._on_gc)

    def _on_gc(self, phase, _info):
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._started

    def reset(self) -> None:
        self.seconds = 0.0


COLLECTOR = CollectorClock()


def open_form(app, window, database, record_id):
    """Seconds to build, show and paint the action form; the form, still open."""
    from ui import forms
    COLLECTOR.reset()
    started = time.perf_counter()
    dialog = forms.make_editor(window, database, window.undo_stack, "actions", record_id)
    dialog.fit_to_screen()
    dialog.show()
    app.processEvents()  # lays out and paints
    return time.perf_counter() - started, dialog


def close_form(app, dialog) -> None:
    dialog.done(0)
    dialog.deleteLater()
    app.processEvents()


def time_opens(app, window, database, record_id) -> list[tuple[float, float]]:
    """(seconds, of which garbage collection) for each open."""
    seconds = []
    for _ in range(OPENS):
        elapsed, dialog = open_form(app, window, database, record_id)
        seconds.append((elapsed, COLLECTOR.seconds))
        close_form(app, dialog)
    return seconds


def an_action_with_recommendations(database) -> int:
    """One from the middle of the action plan that answers a recommendation."""
    from sqlalchemy import func, select

    from db.models import Action, action_recommendation
    answered = action_recommendation.c.action_id
    with database.readers() as session:
        middle = session.scalar(select(func.max(Action.id))) // 2
        return session.scalar(select(answered).where(answered >= middle).order_by(answered).limit(1))


def main() -> int:
    db_path = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/big.sqlite")
    if not db_path.exists():
        print(f"No database at {db_path}; make one with main.py generate.")
        return 1
    app = QApplication.instance() or QApplication(sys.argv)
    from app.database import open_database
    from ui.app import create_main_window, show_main_window

    database = open_database(db_path, create=False)
    window = create_main_window(database)
    show_main_window(window)
    window.show_page("actions")
    # The window reads ahead, prepares the search and checks the database on worker threads
    # after it opens; wait for them all, or the first form shares the processor (and the
    # GIL) with them.
    from ui.workers import reading_queue, upkeep_queue
    pools = (QThreadPool.globalInstance(), reading_queue(), upkeep_queue())
    while not window.is_loaded("actions") or any(pool.activeThreadCount() for pool in pools):
        app.processEvents()
        time.sleep(0.002)
    app.processEvents()
    actions = window.view("actions").total_count
    edit_id = an_action_with_recommendations(database)

    new_times = time_opens(app, window, database, None)
    edit_times = time_opens(app, window, database, edit_id)

    _seconds, dialog = open_form(app, window, database, None)
    picker = dialog.widgets["recommendation_ids"].editor
    offered = picker.model.shown_count
    picker.search_box.setFocus()
    keystrokes = []
    for key in KEYS:
        started = time.perf_counter()
        if key == "Backspace":
            QTest.keyClick(picker.search_box, Qt.Key.Key_Backspace)
        else:
            QTest.keyClicks(picker.search_box, key)
        app.processEvents()  # paints the list
        keystrokes.append((picker.search_box.text(), time.perf_counter() - started, picker.model.shown_count))
    close_form(app, dialog)

    def line(what, opens):
        first, rest = opens[0][0], opens[1:]
        median = statistics.median(seconds for seconds, _gc in rest)
        slowest, collecting = max(rest)
        print(f"{what:28} first {first * 1000:4.0f} ms, then median {median * 1000:4.0f} ms, slowest"
              f" {slowest * 1000:4.0f} ms ({collecting * 1000:.0f} ms collecting garbage)   (target 300)")

    print(f"database: {db_path} ({actions:,} actions, {offered:,} recommendations on offer)")
    line("new-action form opened:", new_times)
    line(f"edit-action form (id {edit_id}):", edit_times)
    for text, seconds, shown in keystrokes:
        print(f"search keystroke -> {text!r:10}      {seconds * 1000:5.0f} ms   ({shown:,} rows; target 100)")
    window.close()
    database.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

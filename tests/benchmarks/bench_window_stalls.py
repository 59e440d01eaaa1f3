"""Benchmark: how long the window stops answering, and what memory it keeps, on a large
database (a plain script, not a test).

    python tests/benchmarks/bench_window_stalls.py [database]   # default: /tmp/big.sqlite

Make the database first:  python main.py generate --db /tmp/big.sqlite --actions 100000

The window is started offscreen over the database, in a new data folder, and the action plan
read. A timer on the GUI thread then ticks every 5 ms; the longest gap between two ticks,
less the 5 ms, is the longest time the window could not have answered a click or a key.
It is measured while the officer:

- saves an edit of an action through its form (Save pressed, until the row shows the edit);
- filters the plan by a lead agency and clears the filter;
- sorts it by each column, both ways;
- searches it, a keystroke at a time.

Then the memory the process holds (resident) after the first save and refresh, and after
20 more of each. Target (issue 16): no stall over 100 ms; memory after 20 saves within 50 MB
of memory after the first.
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
if str(REPO) not in sys.path:  # run as a script from anywhere, installed or not
    sys.path.insert(0, str(REPO))
TICK_MS = 5
SAVES = 20


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text(encoding="utf-8").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1000
    return 0.0


class Heartbeat:
    """The longest gap between ticks of a GUI-thread timer since ``start``."""

    def __init__(self):
        from PySide6.QtCore import QTimer

        self._timer = QTimer()
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._last = 0.0
        self.longest = 0.0

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self._last - TICK_MS / 1000)
        self._last = now

    def start(self) -> None:
        self.longest = 0.0
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> float:
        self._tick()
        self._timer.stop()
        return self.longest


def child(db_path: Path) -> dict:
    from PySide6.QtCore import QEvent, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from app.database import open_database
    from app.registers import REGISTERS
    from ui.app import create_main_window, start_application
    from ui.workers import reading_queue

    app = start_application()
    figures: dict = {}
    beat = Heartbeat()

    def wait(condition, timeout: float = 120) -> None:
        limit = time.perf_counter() + timeout
        while not condition():
            if time.perf_counter() > limit:
                raise TimeoutError("the window did not get there in time")
            app.processEvents()
            time.sleep(0.001)

    def settle(seconds: float = 0.5) -> None:
        limit = time.perf_counter() + seconds
        while time.perf_counter() < limit:
            app.processEvents()
            # What the window's event loop does, which this loop is not: delete what was
            # deleted later (a closed form).
            app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            time.sleep(0.002)

    database = open_database(db_path, create=False)
    window = create_main_window(database)
    window.show()
    window.show_page("actions")
    view = window.view("actions")
    wait(lambda: window.is_loaded("actions"))
    wait(lambda: view.model.query.search_ready and reading_queue().activeThreadCount() == 0)
    wait(lambda: not database.check_pending)
    settle(1)
    figures["actions"] = view.total_count
    column = REGISTERS["actions"].column_index("description")

    def save_an_edit(number: int) -> float:
        """Open the first row's form as Enter does, edit its description and save; the
        longest stall from Save pressed until the table shows the edit."""
        view.table.selectRow(0)
        record_id = view.current_id()
        text = f"Edited in the benchmark, save {number}."

        def edit_and_save() -> None:
            dialog = QApplication.activeModalWidget()
            if dialog is None or not hasattr(dialog, "save_button"):
                QTimer.singleShot(10, edit_and_save)
                return
            dialog.widgets["description"].editor.setPlainText(text)
            beat.start()
            dialog.save_button.click()

        QTimer.singleShot(10, edit_and_save)
        window.records.open_record(record_id)  # the form, modal, until saved
        wait(lambda: view.model.row_of(record_id) is not None
             and view.model.value(view.model.row_of(record_id), column) == text and not window.loading.is_reading("actions"))
        settle(0.3)
        return beat.stop()

    def refresh() -> float:
        beat.start()
        window.refresh()
        wait(lambda: window.is_loaded("actions"))
        wait(lambda: reading_queue().activeThreadCount() == 0)
        settle(0.3)
        return beat.stop()

    figures["save: longest stall"] = save_an_edit(0)
    figures["refresh: longest stall"] = refresh()
    settle(1)
    figures["memory after the first save and refresh MB"] = rss_mb()
    saves, refreshes = [], []
    for number in range(1, SAVES + 1):
        saves.append(save_an_edit(number))
        refreshes.append(refresh())
    settle(2)
    figures["memory after 20 more MB"] = rss_mb()
    figures["save: longest stall of 20"] = max(saves)
    figures["refresh: longest stall of 20"] = max(refreshes)

    combo = view.filter_bar.combos["lead_agency"]
    beat.start()
    combo.setCurrentIndex(1)
    app.processEvents()
    combo.setCurrentIndex(0)
    settle(0.3)
    figures["filter by agency and clear: longest stall"] = beat.stop()

    header = view.table.horizontalHeader()
    beat.start()
    for i in range(len(view.register.columns)):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            header.setSortIndicator(i, order)
            app.processEvents()
    settle(0.3)
    figures["sort by each column both ways: longest stall"] = beat.stop()

    beat.start()
    for text in ("n", "ne", "neg", "negl", "neglect", ""):
        view.search_box.setText(text)
        settle(0.2)  # the search waits for a pause in typing
    figures["search keystrokes: longest stall"] = beat.stop()
    window.close()
    database.close()
    QApplication.processEvents()
    return figures


def main() -> int:
    if "--child" in sys.argv:
        print(json.dumps(child(Path(sys.argv[2]))))
        return 0
    db_path = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/big.sqlite")
    if not db_path.exists():
        print(f"No database at {db_path}; make one with main.py generate.")
        return 1
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", CRT_DATA_DIR=tempfile.mkdtemp(prefix="crt-bench-"))
    out = subprocess.run([sys.executable, __file__, "--child", str(db_path)], env=env,
                         capture_output=True, text=True, check=True).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    print(f"database: {db_path} ({figures.pop('actions'):,} actions)")
    for label, value in figures.items():
        if label.endswith("MB"):
            print(f"{label[:-3] + ':':58} {value:7.0f} MB")
        else:
            print(f"{label + ':':58} {value * 1000:7.0f} ms   (target 100)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

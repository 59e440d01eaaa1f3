"""Long work on a worker thread that leaves the window room to paint.

The window takes the interpreter's lock for every cell it paints (hundreds of calls into
Python for one paint). While a worker is busy in Python each of those calls waits for its
turn, and a single long call into C (sorting or freeing 100,000 rows) holds the lock
throughout: a paint that comes meanwhile takes a quarter of a second or more. So a worker
does such work a slice at a time and stops for a moment after each one.
"""

from __future__ import annotations

import heapq
import threading
import time
from typing import Any, Callable, TypeVar

T = TypeVar("T")

SLICE = 5000  # rows per slice: a few milliseconds of work
_PAUSE_SECONDS = 0.002


def _on_worker() -> bool:
    return threading.current_thread() is not threading.main_thread()


def give_way() -> None:
    """On a worker thread, leave the interpreter to the window for a moment (on the GUI
    thread, or with no window, nothing)."""
    if _on_worker():
        time.sleep(_PAUSE_SECONDS)


def sort_giving_way(items: list[T], key: Callable[[T], Any] | None = None) -> list[T]:
    """``sorted(items, key=key)``, stable, with the window given way between slices on a
    worker: each slice is sorted on its own, and the slices merged (heapq.merge runs in
    Python, so the lock changes hands as it goes). On the GUI thread, one sort."""
    if len(items) <= SLICE or not _on_worker():
        return sorted(items, key=key)
    slices = []
    for start in range(0, len(items), SLICE):
        slices.append(sorted(items[start:start + SLICE], key=key))
        give_way()
    return list(heapq.merge(*slices, key=key))

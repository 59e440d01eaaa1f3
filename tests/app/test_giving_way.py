"""Sorting a slice at a time gives what one sort gives, stable, on a worker thread or not."""

from __future__ import annotations

import random
import threading

from app.giving_way import SLICE, sort_giving_way


def test_sorting_in_slices_is_one_stable_sort():
    chance = random.Random(4)
    rows = [(chance.randint(0, 50), i) for i in range(SLICE * 3 + 17)]  # many equal keys
    key = lambda row: row[0]  # noqa: E731
    assert sort_giving_way(rows, key) == sorted(rows, key=key)
    found = []
    worker = threading.Thread(target=lambda: found.append(sort_giving_way(rows, key)))
    worker.start()
    worker.join()
    assert found == [sorted(rows, key=key)]
    assert sort_giving_way(rows[:10], key) == sorted(rows[:10], key=key)
    assert sort_giving_way([], key) == []

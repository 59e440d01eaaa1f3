"""Opening a register already filtered: what a dashboard tile counts, listed.

The register's own filter bar is set (so the office sees, and can clear, what narrows it):
a drop-down set to its value, tick boxes ticked, the search and the other filters cleared.
A register not read yet keeps the filter for when it is: its drop-down is given the value
to choose now, and the read keeps it if the rows hold it.
"""

from __future__ import annotations

from typing import Iterable, Mapping

from PySide6.QtWidgets import QMainWindow


def show_register_filtered(window: QMainWindow, key: str, choices: Mapping[str, str] | None = None,
                           flags: Iterable[str] = ()) -> None:
    """Show register ``key`` of ``window`` (a ``ui.main_window.MainWindow``) with only the rows
    that meet ``choices`` (column key -> the value chosen) and ``flags`` (tick-box columns)."""
    view = window.view(key)
    bar = view.filter_bar
    bar.blockSignals(True)
    view.search_box.blockSignals(True)
    try:
        view.search_box.clear()
        for combo in bar.combos.values():
            combo.setCurrentIndex(0)
        for box in bar.flags.values():
            box.setChecked(False)
        if bar.date_range is not None:
            bar.date_range.clear()
        for column, value in (choices or {}).items():
            combo = bar.combos[column]
            if combo.findText(value) < 0:
                combo.addItem(value)
            combo.setCurrentIndex(combo.findText(value))
        for column in flags:
            bar.flags[column].setChecked(True)
    finally:
        view.search_box.blockSignals(False)
        bar.blockSignals(False)
    window.show_page(key)
    if view.is_loaded:
        view.apply()

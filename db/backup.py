"""Consistent copies of a live SQLite database (SQLite's online backup, not a file copy)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path


def backup_sqlite(source: Path, dest: Path) -> Path:
    """Copy the database at ``source`` to ``dest`` while it may be in use; return ``dest``."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(str(source))
    try:
        out = sqlite3.connect(str(dest))
        try:
            src.backup(out)
        finally:
            out.close()
    finally:
        src.close()
    return dest


def backup_name(source: Path, label: str) -> str:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return f"{source.stem}-{stamp}-{label}.sqlite"

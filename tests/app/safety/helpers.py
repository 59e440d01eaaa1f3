"""Helpers for the safety tests: reading rows from a file, and damaging files the ways disks do."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

PAGE = 4096  # SQLite's default page size, which the program's databases use


def rows(path: Path, sql: str) -> list[tuple]:
    """Rows of a query on a database file (a plain connection, closed afterwards)."""
    conn = sqlite3.connect(str(path))
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def zero_one_page(path: Path) -> None:
    """Zero the third page only: often a table's page, so the file still opens and is misread."""
    data = bytearray(path.read_bytes())
    data[2 * PAGE: 3 * PAGE] = bytes(PAGE)
    path.write_bytes(bytes(data))


def zero_table(path: Path, table: str) -> None:
    """Zero the first page of one table: the file opens and its other tables read (the
    schema version among them, unless that is the table), but SQLite's page check fails."""
    conn = sqlite3.connect(str(path))
    try:
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    finally:
        conn.close()
    data = bytearray(path.read_bytes())
    data[(root - 1) * PAGE: root * PAGE] = bytes(PAGE)
    path.write_bytes(bytes(data))


def truncate(path: Path) -> None:
    """Cut the file off half-way (a copy that stopped early, a full disk)."""
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def zero_pages(path: Path) -> None:
    """Overwrite a run of pages in the middle with zeros (a bad sector, a torn write)."""
    data = bytearray(path.read_bytes())
    pages = len(data) // PAGE
    first, last = pages // 3, pages // 3 + max(2, pages // 6)
    data[first * PAGE: last * PAGE] = bytes((last - first) * PAGE)
    path.write_bytes(bytes(data))


def scramble_after_header(path: Path) -> None:
    """Keep the SQLite header page, fill the rest with random bytes."""
    data = path.read_bytes()
    noise = random.Random(5).randbytes(len(data) - PAGE)
    path.write_bytes(data[:PAGE] + noise)


def random_bytes(path: Path) -> None:
    """Replace the whole file with random bytes (not a database at all)."""
    size = path.stat().st_size
    path.write_bytes(random.Random(6).randbytes(size))


def text_file(path: Path) -> None:
    """Replace the file with text (someone saved a CSV over it)."""
    path.write_text("Ref,Summary,Location\nRef053,Extreme neglect,Townsville\n", encoding="utf-8")


DAMAGE = {
    "one zeroed page": zero_one_page,
    "truncated": truncate,
    "zeroed pages": zero_pages,
    "random bytes after the header": scramble_after_header,
    "random bytes": random_bytes,
    "a text file": text_file,
}

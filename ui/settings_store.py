"""The window's own settings (not the office's): typed accessors over ``QSettings``.

Kept in an INI file in the data folder, beside the database and logs, so that a portable
install carries them and each test's temporary data folder has its own. Every value is
read through a typed accessor that falls back to a default when the stored value is
missing or unreadable, and the file carries a schema version: ``upgrade`` brings an older
file up to date once, at start-up.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, QSize

from app import paths
from app.first_rows import RememberedOrder

SCHEMA_VERSION = 2
SETTINGS_FILE = "window-settings.ini"
RECENT_LIMIT = 5


@dataclass
class TableState:
    """How the office left a register's table: column widths and hidden columns by column
    key (so adding a column later does not shift them), and the sort."""

    widths: dict[str, int] = field(default_factory=dict)
    hidden: list[str] = field(default_factory=list)
    sort_column: str | None = None
    descending: bool = False

    @classmethod
    def from_json(cls, text: str | None) -> "TableState":
        try:
            raw = json.loads(text) if text else {}
            return cls(
                widths={str(k): int(v) for k, v in dict(raw.get("widths", {})).items() if int(v) > 0},
                hidden=[str(k) for k in raw.get("hidden", [])],
                sort_column=(str(raw["sort_column"]) if raw.get("sort_column") else None),
                descending=bool(raw.get("descending", False)),
            )
        except (ValueError, TypeError, AttributeError):
            return cls()

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)


def _upgrade_to_1(settings: QSettings) -> None:
    """Version 1 named the window's keys; before that nothing was stored but the size."""
    settings.remove("MainWindow")


def _upgrade_to_2(settings: QSettings) -> None:
    """Version 2 keeps each table's state as one JSON value under ``tables/<register>``
    instead of separate width lists by column position (which broke when columns moved)."""
    settings.beginGroup("columns")
    stale = settings.childKeys() + settings.childGroups()
    settings.endGroup()
    if stale:
        settings.remove("columns")


_UPGRADES = {1: _upgrade_to_1, 2: _upgrade_to_2}


class WindowSettings:
    """The window's settings file. ``WindowSettings()`` opens the one in the data folder."""

    def __init__(self, path: Path | None = None):
        self.path = path or paths.data_dir() / SETTINGS_FILE
        self._settings = QSettings(str(self.path), QSettings.Format.IniFormat)
        self.upgrade()

    # --- versioning ---

    @property
    def version(self) -> int:
        return self._int("schema_version", 0)

    def upgrade(self) -> None:
        """Bring an older settings file up to ``SCHEMA_VERSION``; a newer one (written by a
        later program) is left alone and read as far as it can be."""
        version = self.version
        if version >= SCHEMA_VERSION:
            return
        for step in range(version + 1, SCHEMA_VERSION + 1):
            _UPGRADES[step](self._settings)
        self._settings.setValue("schema_version", SCHEMA_VERSION)
        self._settings.sync()

    def sync(self) -> None:
        self._settings.sync()

    # --- typed reading ---

    def _int(self, key: str, default: int) -> int:
        try:
            return int(self._settings.value(key, default))
        except (TypeError, ValueError):
            return default

    def _bytes(self, key: str) -> QByteArray | None:
        value = self._settings.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    # --- the window ---

    @property
    def geometry(self) -> QByteArray | None:
        return self._bytes("window/geometry")

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self._settings.setValue("window/geometry", value)

    @property
    def window_size(self) -> QSize | None:
        """The window's size when last closed (not maximised), beside its geometry: Qt
        shrinks a geometry that does not fit the screen, and this tells that it did."""
        value = self._settings.value("window/size")
        return value if isinstance(value, QSize) and value.isValid() else None

    @window_size.setter
    def window_size(self, value: QSize) -> None:
        self._settings.setValue("window/size", value)

    @property
    def window_state(self) -> QByteArray | None:
        return self._bytes("window/state")

    @window_state.setter
    def window_state(self, value: QByteArray) -> None:
        self._settings.setValue("window/state", value)

    @property
    def last_page(self) -> str:
        value = self._settings.value("window/last_page", "")
        return value if isinstance(value, str) else ""

    @last_page.setter
    def last_page(self, key: str) -> None:
        self._settings.setValue("window/last_page", key)

    # --- recent databases ---

    def recent_databases(self) -> list[str]:
        """The databases opened most recently, newest first (at most ``RECENT_LIMIT``)."""
        value = self._settings.value("recent/databases", "")
        try:
            items = json.loads(value) if isinstance(value, str) and value else []
        except ValueError:
            items = []
        return [str(item) for item in items if isinstance(item, str)][:RECENT_LIMIT]

    def add_recent_database(self, path: str | Path) -> None:
        text = str(path)
        items = [text] + [item for item in self.recent_databases() if item != text]
        self._settings.setValue("recent/databases", json.dumps(items[:RECENT_LIMIT]))

    def remove_recent_database(self, path: str | Path) -> None:
        items = [item for item in self.recent_databases() if item != str(path)]
        self._settings.setValue("recent/databases", json.dumps(items))

    # --- folders ---

    def last_folder(self, kind: str) -> Path | None:
        """The folder a file of ``kind`` ("paper", "export"...) was last opened from or saved
        in, or None."""
        value = self._settings.value(f"folders/{kind}", "")
        return Path(value) if isinstance(value, str) and value else None

    def set_last_folder(self, kind: str, folder: Path) -> None:
        self._settings.setValue(f"folders/{kind}", str(folder))

    # --- first run ---

    @property
    def welcomed(self) -> bool:
        """Whether the first-run page has been shown (it is not shown again unless asked for)."""
        return self._settings.value("window/welcomed", "") == "yes"

    @welcomed.setter
    def welcomed(self, value: bool) -> None:
        self._settings.setValue("window/welcomed", "yes" if value else "")

    # --- tables ---

    def table_state(self, register: str) -> TableState:
        value = self._settings.value(f"tables/{register}", "")
        return TableState.from_json(value if isinstance(value, str) else None)

    def set_table_state(self, register: str, state: TableState) -> None:
        self._settings.setValue(f"tables/{register}", state.to_json())

    def clear_table_state(self, register: str) -> None:
        self._settings.remove(f"tables/{register}")

    def remembered_order(self, register: str) -> RememberedOrder | None:
        """The first rows register ``register`` showed in its order when the window last
        closed (``app.first_rows``), or None."""
        value = self._settings.value(f"first_rows/{register}", "")
        try:
            data = json.loads(value) if isinstance(value, str) and value else None
            return None if data is None else RememberedOrder(
                str(data["stamp"]), str(data["sort_key"]), bool(data["descending"]), [int(i) for i in data["ids"]])
        except (ValueError, KeyError, TypeError):
            return None  # written by another version, or damaged: read the order afresh

    def set_remembered_order(self, register: str, order: RememberedOrder) -> None:
        self._settings.setValue(f"first_rows/{register}", json.dumps(
            {"stamp": order.stamp, "sort_key": order.sort_key, "descending": order.descending, "ids": order.ids}))

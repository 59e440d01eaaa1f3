"""The program's own settings that belong to this computer's user rather than to the office's
database (where papers and exports go, say): a small JSON file in the data folder."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from app import paths
from app.file_permissions import make_private

SETTINGS_FILE = "settings.json"

log = logging.getLogger(__name__)


def settings_path() -> Path:
    return paths.data_dir() / SETTINGS_FILE


def read_settings() -> dict[str, Any]:
    """Every stored setting; none if the file is missing or cannot be read (that is logged)."""
    path = settings_path()
    if not path.is_file():
        return {}
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        log.warning("Settings file %s unreadable, using defaults: %s", path, err)
        return {}
    return stored if isinstance(stored, dict) else {}


def write_setting(key: str, value: Any) -> None:
    """Store ``value`` under ``key`` (``None`` removes it), keeping the other settings. The
    file is replaced whole, so a failure never leaves half of it."""
    settings = read_settings()
    if value is None:
        settings.pop(key, None)
    else:
        settings[key] = value
    target = settings_path()
    incoming = target.with_name(target.name + ".new")
    incoming.write_text(json.dumps(settings, indent=2), encoding="utf-8")
    make_private(incoming)
    os.replace(incoming, target)

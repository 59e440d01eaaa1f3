"""Where the program keeps its files: the platform's per-user data folder."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

from app.file_permissions import make_private

APP_NAME = "CaseReviewTracker"
# Tests and portable installs point this at another folder.
DATA_DIR_ENV = "CRT_DATA_DIR"


def data_dir() -> Path:
    """The folder for the database, backups and logs (created if missing)."""
    override = os.environ.get(DATA_DIR_ENV)
    folder = Path(override) if override else Path(user_data_dir(APP_NAME, appauthor=False))
    if not folder.is_dir():
        folder.mkdir(parents=True)
        make_private(folder)
    return folder


def default_db_path() -> Path:
    return data_dir() / "case-review-tracker.sqlite"


def demo_db_path() -> Path:
    return data_dir() / "demo.sqlite"


def backup_dir() -> Path:
    folder = data_dir() / "backups"
    folder.mkdir(parents=True, exist_ok=True)
    return folder

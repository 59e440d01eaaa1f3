"""Help > About: the version, where the data is, what the program runs on, and the
components it is built from with their licences."""

from __future__ import annotations

import platform

from PySide6 import __version__ as PYSIDE_VERSION
from PySide6.QtCore import qVersion

from app import paths
from app.database import Database
from app.licences import licence_list
from app.version import __version__


def about_text(database: Database | None) -> str:
    """What Help > About says, as plain text."""
    if database is None:
        where = "none open"
    elif database.path is not None:
        where = str(database.path)
    else:
        where = database.location  # "casereviews on dbserver (as officer)": no address with "***"
    return (
        f"Case Review Tracker {__version__}\n\n"
        "Referrals, reviews, recommendations and the composite action plan of a "
        "safeguarding children partnership.\n\n"
        f"Database: {where}\n"
        f"Data folder (backups, logs, window settings): {paths.data_dir()}\n\n"
        f"Python {platform.python_version()}, Qt {qVersion()}, PySide6 {PYSIDE_VERSION}\n\n"
        f"Built with these components, under their own licences:\n{licence_list()}"
    )

"""Where a file dialog opens: the folder last used for that kind of file, else the folder
chosen at first run for papers and exports (``app.output_folder``: Documents\\Case Review
Tracker unless the office chose another), never the hidden data folder by default.

Kept per kind, so that saving a paper does not move where the next import is looked for.
"""

from __future__ import annotations

from pathlib import Path

from app import output_folder
from ui.settings_store import WindowSettings

# The kinds of file, each with its own last folder.
PAPER = "paper"          # PDF and Word papers
EXPORT = "export"        # workbooks and CSV files written
IMPORT = "import"        # workbooks read (returns, trackers)
DATABASE = "database"    # database files opened or created


def start_folder(kind: str, settings: WindowSettings | None = None) -> Path:
    """The folder a dialog for a file of ``kind`` opens in: the last one used for that kind
    while it is still there (a network drive may be gone), else the papers and exports
    folder (or Documents)."""
    last = (settings or WindowSettings()).last_folder(kind)
    if last is not None and last.is_dir():
        return last
    return output_folder.default_output_folder()


def remember(kind: str, path: Path | None, settings: WindowSettings | None = None) -> None:
    """Keep the folder of ``path`` (a file chosen or written; a folder as it is) as the last
    one used for ``kind``."""
    if path is None:
        return
    path = Path(path)
    folder = path if path.is_dir() else path.parent
    settings = settings or WindowSettings()
    settings.set_last_folder(kind, folder)
    settings.sync()

"""The program's routine log: events (started, backed up, restored, a command run) and errors,
in a rotating file in the data folder's ``logs`` folder, from the first start.

Never the text of records: the program's own messages name files, counts and kinds, and
the crash reports written here hold an exception's type and where it happened, not its
message (see ``ui.errors``). Third-party libraries add their warnings and errors only.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from app import paths

LOG_NAME = "case-review-tracker.log"
LOG_BYTES = 1_000_000
LOG_BACKUPS = 5
# The loggers whose events (INFO and up) are kept: the packages' own (``getLogger(__name__)``)
# and the crash log's ("crt.crash").
PROGRAM_LOGGERS = ("app", "db", "ui", "crt")
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def log_folder() -> Path:
    """The ``logs`` folder in the data folder (created if missing)."""
    folder = paths.data_dir() / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def log_path() -> Path:
    return log_folder() / LOG_NAME


def _our_handler() -> logging.handlers.RotatingFileHandler | None:
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.handlers.RotatingFileHandler) and handler.get_name() == LOG_NAME:
            return handler
    return None


def start_log() -> Path | None:
    """Keep the program's events and errors in the log from now on; the log's path, or
    ``None`` if the log folder cannot be written (the program runs on without a log).

    Safe to call again: a second call changes nothing unless the data folder has changed
    (as it does between tests), when the log follows it.
    """
    try:
        path = log_path()
    except OSError:
        return None
    root = logging.getLogger()
    current = _our_handler()
    if current is not None:
        if Path(current.baseFilename) == path:
            return path
        root.removeHandler(current)
        current.close()
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8", delay=True)
    handler.set_name(LOG_NAME)
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler.setLevel(logging.INFO)
    root.addHandler(handler)
    for name in PROGRAM_LOGGERS:
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET or logger.level > logging.INFO:
            logger.setLevel(logging.INFO)
    return path


def flush_log() -> None:
    """Write out what the log holds so far (before a crash report is shown, say)."""
    handler = _our_handler()
    if handler is not None:
        handler.flush()


def stop_log() -> None:
    """Close the log file (Windows cannot delete a folder holding an open file)."""
    handler = _our_handler()
    if handler is not None:
        logging.getLogger().removeHandler(handler)
        handler.close()

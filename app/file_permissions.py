"""Files and folders readable by the user only, where the platform lets a program say so.

On Windows nothing is changed: a file inherits the access list of its folder, and the
per-user data folder (``%LOCALAPPDATA%``) is already private to the user and to
administrators. Rewriting access lists by hand is easy to get wrong (locking out backup
software or the user's own elevated tools), so the program relies on that inheritance.
A folder the user chooses for backups (a network drive, say) keeps the permissions its
owner gave it; SECURITY.md tells the office to keep it controlled.

On macOS and Linux files are made ``0600`` and folders ``0700``.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

log = logging.getLogger(__name__)

PRIVATE_FILE_MODE = 0o600
PRIVATE_FOLDER_MODE = 0o700


def _posix() -> bool:
    return os.name == "posix"


def make_private(path: Path) -> bool:
    """Make ``path`` readable and writable by its owner only; return whether it was changed.

    Does nothing on Windows (see the module docstring). A file system that does not keep
    POSIX permissions (some network shares) refuses quietly: the failure is logged, not raised,
    because the data is no less safe than before the call.
    """
    if not _posix():
        return False
    mode = PRIVATE_FOLDER_MODE if path.is_dir() else PRIVATE_FILE_MODE
    try:
        if stat.S_IMODE(path.stat().st_mode) != mode:
            os.chmod(path, mode)
    except OSError as err:
        log.warning("Could not make %s private: %s", path, err.strerror or err)
        return False
    return True


def create_private_file(path: Path) -> Path:
    """Create a new, empty file that is private from its first moment; refuse an existing one.

    Creating it with the mode in ``os.open`` (rather than creating, then ``chmod``) leaves no
    instant in which another user could open it. On Windows the mode is ignored and the file
    inherits its folder's access list.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    os.close(fd)
    make_private(path)  # an unusual umask (0o277, say) could leave the owner unable to write
    return path

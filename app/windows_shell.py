"""What the program tells Windows about itself: its AppUserModelID (one taskbar button for
its windows, pinned shortcuts that start it), and a message box that needs no Qt.

Each call does nothing on another system, so callers need not ask which system this is.
"""

from __future__ import annotations

import sys

# The installer gives the Start menu shortcut the same ID (packaging/installer.iss). No
# version in it: a pinned shortcut keeps working after an upgrade.
APP_USER_MODEL_ID = "CaseReviewTracker.CaseReviewTracker"
_MB_ICONERROR = 0x10


def _windows() -> bool:
    return sys.platform == "win32"


def set_app_user_model_id() -> bool:
    """Give this process the program's AppUserModelID; call it before any window exists.
    Whether it was set (never on another system)."""
    if not _windows():
        return False
    import ctypes

    try:
        return ctypes.windll.shell32.SetCurrentProcessExplicitAppUserModelID(APP_USER_MODEL_ID) == 0
    except (AttributeError, OSError):
        return False


def native_message_box(title: str, text: str) -> bool:
    """Show ``text`` in Windows' own message box (for when Qt itself cannot load); whether
    it was shown (never on another system)."""
    if not _windows():
        return False
    import ctypes

    try:
        ctypes.windll.user32.MessageBoxW(None, text, title, _MB_ICONERROR)
    except (AttributeError, OSError):
        return False
    return True

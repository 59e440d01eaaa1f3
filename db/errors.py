"""The error the office user can act on, defined at the floor so that db/ can raise it.

``app.errors`` builds on this class (and re-exports it), so ``except UserError`` anywhere
in app/ or ui/ catches a refusal from db/ too: a database written by a newer program, a
file that is not ours, an upgrade that would break links.
"""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can fix: shown as a plain message, never as a traceback."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message

"""Errors the office user can act on.

A ``UserError`` carries a sentence written for the officer, naming where the problem is
(the field, or the file, sheet, row and column). Anything else that goes wrong is a bug.
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


class ValidationError(UserError):
    """One or more fields of a record are not acceptable; ``problems`` maps field to message."""

    def __init__(self, problems: dict[str, str]):
        self.problems = dict(problems)
        text = "; ".join(f"{field.replace('_', ' ').capitalize()}: {msg}" for field, msg in problems.items())
        super().__init__(text, field=next(iter(problems), None))

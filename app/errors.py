"""Errors the office user can act on.

A ``UserError`` carries a sentence written for the officer, naming where the problem is
(the field, or the file, sheet, row and column). Anything else that goes wrong is a bug.
The class itself lives in ``db.errors`` so that db/, which imports nothing from app/, can
raise it; it is the same class here.
"""

from __future__ import annotations

from db.errors import UserError

__all__ = ["UserError", "ValidationError"]


class ValidationError(UserError):
    """One or more fields of a record are not acceptable; ``problems`` maps field to message."""

    def __init__(self, problems: dict[str, str]):
        self.problems = dict(problems)
        text = "; ".join(f"{field.replace('_', ' ').capitalize()}: {msg}" for field, msg in problems.items())
        super().__init__(text, field=next(iter(problems), None))

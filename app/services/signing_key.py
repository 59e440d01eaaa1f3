"""This database's secret for signing the exported action plan (``app.excel.export``), so that
a returned workbook can be told to be one of its own exports, its rows unchanged where it
matters.

The secret is made once, on the first export, and kept in the ``setting`` table. A backup
carries it, so a restored database still knows its exports; another database has its own.
Only the program reads it: it is never shown, printed or exported, and it is written past the
audit trail (which records the values it is given), in a statement of its own.
"""

from __future__ import annotations

import secrets
from typing import Callable

from sqlalchemy import Insert, select
from sqlalchemy.orm import Session

from db.models import Setting

SIGNING_KEY_SETTING = "export_signing_key"
_SETTING = Setting.__table__


def signing_key(session: Session, *, create: bool = False) -> bytes | None:
    """This database's signing key; made if it has none and ``create`` is given (an export),
    else None (a database that has never exported anything knows no export)."""
    stored = session.scalar(select(_SETTING.c.value).where(_SETTING.c.key == SIGNING_KEY_SETTING))
    if stored is None and create:
        # Two exports at once both find none: the second keeps the first's.
        insert = _insert_of(session.connection().dialect.name)
        session.execute(insert(_SETTING).values(key=SIGNING_KEY_SETTING, value=secrets.token_hex(32))
                        .on_conflict_do_nothing())
        stored = session.scalar(select(_SETTING.c.value).where(_SETTING.c.key == SIGNING_KEY_SETTING))
    return stored.encode("utf-8") if stored else None


def _insert_of(engine_name: str) -> Callable[..., Insert]:
    """The engine's own insert, which can say "unless there is one" in its words (loaded
    here, so that a database on one engine never loads the other's dialect)."""
    if engine_name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert

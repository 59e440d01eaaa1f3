"""Progress updates on actions: dated notes, added and never overwritten (corrections keep the
old text in the audit trail). Adding an update that gives a RAG rating sets the action's."""

from __future__ import annotations

import datetime as dt
from typing import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.bulk import CHUNK, RowProblems, check_references, insert_records
from app.services.records import get_record
from app.services.validation import Problems, check_rag, multiline_text, optional_text
from db.models import RAG_VALUES, Action, ProgressUpdate

PROGRESS_FIELDS = ("update_on", "text", "rag", "author")


def add_progress_update(session: Session, action_id: int, *, text: str, update_on: dt.date | None = None,
                        rag: str | None = None, author: str | None = None) -> ProgressUpdate:
    """Append a dated progress update; the action's RAG follows the update's if one is given."""
    action = get_record(session, Action, action_id, "action")
    problems = Problems()
    problems.required("text", text)
    rag_value = check_rag(problems, rag)
    problems.raise_if_any()
    update = ProgressUpdate(action=action, update_on=update_on or dt.date.today(),
                            text=multiline_text(text), rag=rag_value, author=optional_text(author))
    session.add(update)
    if rag_value:
        action.rag = rag_value
    session.flush()
    return update


def update_progress_update(session: Session, update_id: int, **fields) -> ProgressUpdate:
    """Correct a progress update's date, text, RAG rating or author."""
    update = get_record(session, ProgressUpdate, update_id, "progress update")
    problems = Problems()
    problems.unknown(fields, PROGRESS_FIELDS, "a progress update")
    if "text" in fields:
        problems.required("text", fields["text"])
    if "update_on" in fields:
        problems.required("update_on", fields["update_on"])
    rag = check_rag(problems, fields.get("rag")) if "rag" in fields else update.rag
    problems.raise_if_any()
    if "text" in fields:
        update.text = multiline_text(fields["text"])
    if "update_on" in fields:
        update.update_on = fields["update_on"]
    if "author" in fields:
        update.author = optional_text(fields["author"])
    update.rag = rag
    session.flush()
    return update


_UPDATE_KEYS = frozenset({"action_id", *PROGRESS_FIELDS})


def check_update_row(row: dict, problems: RowProblems, index: int, *, field: str = "") -> dict:
    """Check one progress update row (update_on, text, rag, author and, unless it belongs to
    an action still being written, action_id) as ``add_progress_update`` checks one; return
    it with its text tidied and its RAG spelt out. Problems are noted against row ``index``
    under ``field`` + the field's name."""
    if not _UPDATE_KEYS.issuperset(row):
        for name in sorted(row.keys() - _UPDATE_KEYS):
            problems.add(index, f"{field}{name}", "is not a field of a progress update")
    text = multiline_text(row.get("text"))
    if text is None:
        problems.add(index, f"{field}text", "is required")
    if row.get("update_on") is None:
        problems.add(index, f"{field}update_on", "is required")
    rag = row.get("rag")
    if rag is not None and rag not in RAG_VALUES:
        one = Problems()
        rag = check_rag(one, rag)
        for name, message in one.found.items():
            problems.add(index, f"{field}{name}", message)
    return {"action_id": row.get("action_id"), "update_on": row.get("update_on"), "text": text,
            "rag": rag, "author": optional_text(row.get("author"))}


def add_progress_updates(session: Session, rows: Sequence[dict], *, audit: bool | str = True) -> list[int]:
    """Append many progress updates at once (each row: action_id, update_on, text, rag,
    author), checked as ``add_progress_update`` checks one. As there, an action's RAG
    follows its updates: it takes the RAG of the latest new update that gives one."""
    problems = RowProblems("progress update", len(rows))
    rows = [check_update_row(row, problems, index) for index, row in enumerate(rows)]
    check_references(session, problems, rows, "action_id", Action.id, "action")
    for index, row in enumerate(rows):
        if row.get("action_id") is None:
            problems.add(index, "action_id", "is required")
    problems.raise_if_any()
    ids = insert_records(session, ProgressUpdate.__table__, rows, audit=audit)
    latest: dict[int, tuple[dt.date, str]] = {}
    for row in rows:
        if row["rag"] and row["update_on"] >= latest.get(row["action_id"], (dt.date.min, ""))[0]:
            latest[row["action_id"]] = (row["update_on"], row["rag"])
    wanted = sorted(latest)
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start:start + CHUNK]
        for action in session.scalars(select(Action).where(Action.id.in_(chunk))):
            action.rag = latest[action.id][1]  # audited by the ORM, field by field
    session.flush()
    return ids

"""Chases: the only code that records that the office chased an action's lead.

A chase is kept on each action it was about (``db.models.Chase``: the day, to whom, the
subject and the file the e-mail was written to), audited field by field like any record,
and named in the action's own history too, so that opening an action's history shows
"Chased … by e-mail" beside its other changes. The plan's "Last chased" column reads these
rows (``app.queries.action_plan``).
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import UserError
from app.services.validation import Problems
from db.audit import audit_user
from db.models import Action, AuditEntry, Chase

CHANNEL = "e-mail"
HISTORY_OPERATION = "chase"  # the entry on the action's own history


def record_chases(session: Session, action_ids: Iterable[int], *, chased_on: dt.date, to_whom: str,
                  subject: str, note: str | None = None, channel: str = CHANNEL) -> list[Chase]:
    """Record one chase on each live action of ``action_ids``: sent on ``chased_on`` to
    ``to_whom`` (the lead officer or agency), with ``subject`` and a ``note`` (what was sent,
    or where it was written). An action that does not exist, or is deleted, is refused and
    nothing is recorded."""
    ids = list(dict.fromkeys(action_ids))
    problems = Problems()
    problems.required("chased_on", chased_on)
    problems.required("to_whom", (to_whom or "").strip())
    problems.raise_if_any()
    # On a server the actions are held (in id order, as bulk changes take them) until the chases
    # are saved, so one deleted meanwhile cannot be chased.
    live = set(session.scalars(select(Action.id).where(Action.id.in_(ids), Action.archived_at.is_(None))
                               .order_by(Action.id).with_for_update(read=True)))
    missing = [action_id for action_id in ids if action_id not in live]
    if missing:
        raise UserError(f"Action {missing[0]} is not on the plan (deleted, or never there); nobody was chased.")
    chases = [Chase(action_id=action_id, chased_on=chased_on, to_whom=to_whom.strip()[:300], channel=channel,
                    subject=(subject or "")[:300] or None, note=note) for action_id in ids]
    session.add_all(chases)
    user = audit_user(session)
    session.add_all([AuditEntry(user=user, operation=HISTORY_OPERATION, table_name="action",
                                record_id=str(action_id), field="chased",
                                new_value=f"Chased {to_whom.strip()} by {channel} on {chased_on:%d/%m/%Y}: {subject}")
                     for action_id in ids])
    session.flush()
    return chases

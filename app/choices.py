"""What the forms offer to choose from: (id, label) pairs for drop-downs and tick lists.

A form opens with every recommendation on offer (20,000 on a big database), so each list
is one Core query that fetches only the start of long texts, and Python does no more for a
row than make its label.
"""

from __future__ import annotations

from typing import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.settings import get_settings
from db.models import Action, Agency, ListItem, Meeting, Recommendation, Referral, Review, Theme

LABEL_CHARS = 100  # about what a form's tick list shows; the list cuts what does not fit


def _head(text):
    """SQL for the start of a long text: all a label shows, so the rest is never fetched."""
    return func.substr(text, 1, LABEL_CHARS * 2)


def _short(text: str | None, limit: int = LABEL_CHARS) -> str:
    """A text on one line, cut with "…" past ``limit`` characters. Called for every row,
    so the common case (one line, short) costs a few string tests."""
    text = text or ""
    if "\n" in text or "\r" in text or "\t" in text:
        text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def record_choices(session: Session, what: str, *, include: Iterable[int] = (),
                   only: Iterable[int] | None = None) -> list[tuple[int, str]]:
    """(id, label) pairs for a form's drop-down or tick list of records: "referrals",
    "reviews", "recommendations", "actions" (open ones), "meetings", "agencies", "themes".
    Archived (and closed) records are left out unless their id is in ``include`` (the
    record's current value); ``only`` lists just those ids (a choice that cannot change)."""
    keep = list(include)

    def visible(model):
        if only is not None:
            return model.id.in_(list(only))
        current = model.archived_at.is_(None)
        return current | model.id.in_(keep) if keep else current

    def rows(query):
        # Core rows: the ORM's per-row bookkeeping costs more than the query itself. Read
        # one at a time (not .all()): 20,000 rows alive at once set off a full garbage
        # collection, which on a running window costs more than the query too.
        return session.connection().execute(query)

    if what == "referrals":
        found = rows(select(Referral.id, Referral.reference, Referral.subject)
                     .where(visible(Referral)).order_by(Referral.reference))
        return [(i, f"{ref} — {subject}" if subject else ref) for i, ref, subject in found]
    if what == "reviews":
        found = rows(select(Review.id, Review.reference, Review.title)
                     .where(visible(Review)).order_by(Review.reference))
        return [(i, f"{ref} — {title}") for i, ref, title in found]
    if what == "recommendations":
        found = rows(select(Recommendation.id, Review.reference, Recommendation.number,
                            _head(Recommendation.text))
                     .join(Review, Recommendation.review_id == Review.id)
                     .where(visible(Recommendation))
                     .order_by(Review.reference, Recommendation.number))
        return [(i, f"{ref} R{n}: {_short(text)}") for i, ref, n, text in found]
    if what == "actions":
        query = select(Action.id, Action.reference, _head(Action.description)).where(visible(Action))
        if only is None:
            still_open = select(ListItem.id).where(ListItem.is_open.is_(True))
            query = query.where(Action.status_id.in_(still_open) | Action.id.in_(keep))
        found = rows(query.order_by(Action.id))
        return [(i, f"{ref or f'Action {i}'}: {_short(text)}") for i, ref, text in found]
    if what == "meetings":
        found = rows(select(Meeting.id, Meeting.held_on, Meeting.title)
                     .where(visible(Meeting)).order_by(Meeting.held_on.desc()))
        date_text = get_settings(session).format_date
        return [(i, f"{date_text(held)} {title}") for i, held, title in found]
    if what == "agencies":
        found = rows(select(Agency.id, Agency.name).where(visible(Agency)).order_by(Agency.name))
        return [(i, name) for i, name in found]
    if what == "themes":
        found = rows(select(Theme.id, Theme.name).where(visible(Theme))
                     .order_by(Theme.sort_order, Theme.name))
        return [(i, name) for i, name in found]
    raise ValueError(f"no choices called {what!r}")

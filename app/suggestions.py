"""What a new record's form suggests before the officer types anything: the next
reference in the office's own pattern, the next recommendation number in a review, and a
review's type from the decision that commissioned it.

Suggestions only: the form shows them and the officer may change them; the services still
check what is saved (a reference already used is refused there).
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Action, Decision, ListItem, Recommendation, Referral, Review

# Recent references looked at to learn the office's pattern: enough to find the highest
# number in use, few enough to read at once on a 100,000-action database.
RECENT = 500
# "Ref053", "SCR-01", "A12", "2024/007b": text, then the last run of digits, then any tail.
_NUMBERED = re.compile(r"^(.*?)(\d+)(\D*)$")

# Register key -> the model whose ``reference`` the form suggests.
REFERENCED = {"referrals": Referral, "reviews": Review, "actions": Action}


def next_reference(session: Session, model: Any) -> str | None:
    """The reference after the newest one of ``model``'s records, in its pattern: Ref053 →
    Ref054, SCR-09 → SCR-10, A99 → A100 (the number's zero padding kept), skipping any
    already used. The highest number among recent references with the same text around
    it is taken, so an older record entered late does not send the count back. None when no
    record has a numbered reference yet."""
    recent = [ref for ref in session.scalars(
        select(model.reference).where(model.reference.is_not(None)).order_by(model.id.desc()).limit(RECENT))]
    pattern = next((_NUMBERED.match(ref.strip()) for ref in recent if _NUMBERED.match(ref.strip())), None)
    if pattern is None:
        return None
    prefix, digits, suffix = pattern.groups()
    numbers = [int(match.group(2)) for ref in recent
               if (match := _NUMBERED.match(ref.strip())) and match.group(1) == prefix and match.group(3) == suffix]
    number = max(numbers) + 1
    while True:
        candidate = f"{prefix}{number:0{len(digits)}d}{suffix}"
        if session.scalar(select(func.count()).select_from(model).where(model.reference == candidate)) == 0:
            return candidate
        number += 1


def next_recommendation_number(session: Session, review_id: int) -> int:
    """The number after the highest recommendation number of review ``review_id`` (1 for
    its first)."""
    highest = session.scalar(select(func.max(Recommendation.number)).where(
        Recommendation.review_id == review_id, Recommendation.archived_at.is_(None)))
    return (highest or 0) + 1


def commissioned_review_type(session: Session, referral_id: int) -> str | None:
    """The review type that referral ``referral_id``'s latest decision commissioned (its
    outcome's review type: "Serious Case Review" → the Serious Case Review type), or None."""
    outcome = select(Decision.outcome_id).where(
        Decision.referral_id == referral_id, Decision.archived_at.is_(None)
    ).order_by(Decision.decided_on.desc(), Decision.id.desc()).limit(1).scalar_subquery()
    review_type = ListItem.__table__.alias("review_type")
    return session.scalar(
        select(review_type.c.name).select_from(ListItem)
        .join(review_type, ListItem.review_type_id == review_type.c.id)
        .where(ListItem.id == outcome, review_type.c.archived_at.is_(None)))


def suggested_values(session: Session, kind: str, context: dict[str, Any]) -> dict[str, Any]:
    """What a new record of register ``kind`` starts with, given the record it is added to
    (``context``: ``review_id`` for a recommendation, ``referral_id`` for a review)."""
    values: dict[str, Any] = {}
    if kind in REFERENCED:
        reference = next_reference(session, REFERENCED[kind])
        if reference is not None:
            values["reference"] = reference
    if kind == "recommendations" and context.get("review_id"):
        values["number"] = next_recommendation_number(session, context["review_id"])
    if kind == "reviews" and context.get("referral_id"):
        review_type = commissioned_review_type(session, context["referral_id"])
        if review_type is not None:
            values["review_type"] = review_type
    return values

"""Referrals and the history of decisions taken on them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import lookups
from app.errors import UserError
from app.services.validation import Problems, by_reference, multiline_text, optional_text
from db.models import Decision, ListKind, Meeting, Referral

REFERRAL_TEXT_FIELDS = ("subject", "summary", "location", "gender", "age_text", "notes")
REFERRAL_DATE_FIELDS = ("date_referred", "date_aware", "notification_sent_on",
                        "rapid_review_sent_on", "panel_told_of_decision_on")


@dataclass(frozen=True)
class DecisionView:
    """One decision as shown in a referral's history."""

    id: int
    decided_on: dt.date
    outcome: str
    decided_by: str | None
    criteria_met: bool | None
    rationale: str | None
    is_latest: bool


def get_referral(session: Session, reference_or_id: str | int) -> Referral:
    """The referral with this id or reference ("Ref053"); archived ones included."""
    return by_reference(session, Referral, reference_or_id, "referral")


def _apply_referral_fields(session: Session, referral: Referral, fields: dict) -> None:
    problems = Problems()
    unknown = set(fields) - set(REFERRAL_TEXT_FIELDS) - set(REFERRAL_DATE_FIELDS) - {
        "reference", "referring_agency", "category"}
    for name in sorted(unknown):
        problems.add(name, "is not a field of a referral")
    if "reference" in fields:
        referral.reference = problems.unique_reference(session, referral, fields["reference"], "referral")
    for name in REFERRAL_TEXT_FIELDS:
        if name in fields:
            value = multiline_text(fields[name]) if name in ("summary", "notes") else optional_text(fields[name])
            setattr(referral, name, value)
    for name in REFERRAL_DATE_FIELDS:
        if name in fields:
            setattr(referral, name, fields[name])
    problems.date_order("date aware", referral.date_aware, "notification_sent_on", referral.notification_sent_on)
    problems.raise_if_any()
    if "referring_agency" in fields:
        name = fields["referring_agency"]
        referral.referring_agency = lookups.agency(session, name, field="referring_agency") if name else None
    if "category" in fields:
        name = fields["category"]
        referral.category = (lookups.list_item(session, ListKind.REFERRAL_CATEGORY, name, field="category")
                             if name else None)


def create_referral(session: Session, *, reference: str, **fields) -> Referral:
    """Log a new referral. ``referring_agency`` and ``category`` are given by name."""
    referral = Referral()
    _apply_referral_fields(session, referral, {"reference": reference, **fields})
    session.add(referral)
    session.flush()
    return referral


def update_referral(session: Session, referral_id: int, **fields) -> Referral:
    """Change some fields of a referral; the audit trail records each one."""
    referral = get_referral(session, referral_id)
    _apply_referral_fields(session, referral, fields)
    session.flush()
    return referral


def record_decision(session: Session, referral_id: int, *, decided_on: dt.date, outcome: str,
                    decided_by: str | None = None, criteria_met: bool | None = None,
                    criteria_basis: str | None = None, rationale: str | None = None,
                    meeting_id: int | None = None) -> Decision:
    """Add a decision to a referral's history. Earlier decisions are never changed."""
    referral = get_referral(session, referral_id)
    problems = Problems()
    problems.required("decided_on", decided_on)
    problems.required("outcome", outcome)
    if decided_on and referral.date_referred and decided_on < referral.date_referred:
        problems.add("decided_on", "cannot be before the referral was made "
                                   f"({referral.date_referred:%d/%m/%Y})")
    if decided_on and decided_on > dt.date.today() + dt.timedelta(days=1):
        problems.add("decided_on", "cannot be in the future")
    problems.raise_if_any()
    meeting = session.get(Meeting, meeting_id) if meeting_id else None
    if meeting_id and meeting is None:
        raise UserError(f"Meeting: there is no meeting {meeting_id}.", field="meeting")
    decision = Decision(
        referral=referral, decided_on=decided_on,
        outcome=lookups.list_item(session, ListKind.DECISION_OUTCOME, outcome, field="outcome"),
        decided_by=optional_text(decided_by), criteria_met=criteria_met,
        criteria_basis=optional_text(criteria_basis), rationale=multiline_text(rationale),
        meeting=meeting,
    )
    session.add(decision)
    if meeting is not None and referral not in meeting.referrals_considered:
        meeting.referrals_considered.append(referral)
    session.flush()
    return decision


def decision_history(session: Session, referral_id: int) -> list[DecisionView]:
    """A referral's decisions, oldest first; the last one is the decision that stands."""
    referral = get_referral(session, referral_id)
    decisions = [d for d in referral.decisions if d.archived_at is None]
    return [
        DecisionView(d.id, d.decided_on, d.outcome.name, d.decided_by, d.criteria_met, d.rationale,
                     is_latest=(i == len(decisions) - 1))
        for i, d in enumerate(decisions)
    ]


def latest_decision(session: Session, referral_id: int, as_at: dt.date | None = None) -> Decision | None:
    """The decision standing on ``as_at`` (default: the latest one recorded)."""
    query = (select(Decision).where(Decision.referral_id == referral_id, Decision.archived_at.is_(None))
             .order_by(Decision.decided_on.desc(), Decision.id.desc()).limit(1))
    if as_at is not None:
        query = query.where(Decision.decided_on <= as_at)
    return session.scalar(query)

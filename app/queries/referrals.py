"""Referrals as at a date, each with the decision then in force: the referral register, its
workbook and CSV, and the papers read them here.

A referral made after the date is left out; of its decisions, the latest taken on or before
the date is the one in force (later ones are history that had not happened yet); a
notification, rapid review or National Panel date after it is not shown.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from db.models import Agency, Decision, ListItem, Referral


class ReferralRow(NamedTuple):
    """One referral. The first fields are, in order, the record id and the referral register's
    columns (``app.registers.REFERRAL_COLUMNS``); the rest are what its workbook adds."""

    id: int
    reference: str
    date_referred: dt.date | None
    subject: str | None
    summary: str | None
    referring_agency: str | None
    location: str | None
    gender: str | None
    age: str | None
    category: str | None
    latest_decision: str | None  # the outcome of the decision in force
    notification_sent_on: dt.date | None
    # --- beyond the register's columns
    date_aware: dt.date | None
    decided_on: dt.date | None
    decided_by: str | None
    criteria_met: bool | None
    rationale: str | None
    rapid_review_sent_on: dt.date | None
    panel_told_of_decision_on: dt.date | None


def _then(day: dt.date | None, as_at: dt.date) -> dt.date | None:
    return day if day is not None and day <= as_at else None


def read_referrals(session: Session, as_at: dt.date | None = None) -> list[ReferralRow]:
    """Every live referral made by ``as_at`` (default today), newest first (undated last, on
    either engine: PostgreSQL would put them first), each with the decision in force on that date."""
    as_at = as_at or dt.date.today()
    category, outcome = aliased(ListItem), aliased(ListItem)
    in_force = (select(Decision.id)
                .where(Decision.referral_id == Referral.id, Decision.archived_at.is_(None),
                       Decision.decided_on <= as_at)
                .order_by(Decision.decided_on.desc(), Decision.id.desc())
                .limit(1).correlate(Referral).scalar_subquery())
    stmt = (
        select(Referral.id, Referral.reference, Referral.date_referred, Referral.subject, Referral.summary,
               Agency.name, Referral.location, Referral.gender, Referral.age_text, category.name, outcome.name,
               Referral.notification_sent_on, Referral.date_aware, Decision.decided_on, Decision.decided_by,
               Decision.criteria_met, Decision.rationale, Referral.rapid_review_sent_on,
               Referral.panel_told_of_decision_on)
        .outerjoin(Agency, Referral.referring_agency_id == Agency.id)
        .outerjoin(category, Referral.category_id == category.id)
        .outerjoin(Decision, Decision.id == in_force)
        .outerjoin(outcome, Decision.outcome_id == outcome.id)
        .where(Referral.archived_at.is_(None))
        .where((Referral.date_referred.is_(None)) | (Referral.date_referred <= as_at))
        .order_by(Referral.date_referred.desc().nulls_last(), Referral.id.desc())
    )
    rows = []
    for row in session.execute(stmt):
        found = ReferralRow(*row)
        if as_at < dt.date.today():
            found = found._replace(
                notification_sent_on=_then(found.notification_sent_on, as_at),
                rapid_review_sent_on=_then(found.rapid_review_sent_on, as_at),
                panel_told_of_decision_on=_then(found.panel_told_of_decision_on, as_at))
        rows.append(found)
    return rows

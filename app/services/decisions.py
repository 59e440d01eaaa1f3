"""Decisions on referrals: a referral's history of decisions, the latest standing.

A decision taken at a meeting records that the meeting considered the referral."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import lookups
from app.errors import UserError
from app.services.bulk import (CHUNK, RowProblems, audit_link_changes, check_list_values, check_references,
                               check_short_texts, insert_links, insert_records, unknown_fields)
from app.services.records import get_record
from app.services.referrals import get_referral
from app.services.validation import Problems, multiline_text, optional_text
from db.models import Decision, ListKind, Meeting, Referral, meeting_referral

DECISION_FIELDS = ("decided_on", "outcome", "decided_by", "criteria_met", "criteria_basis",
                   "rationale", "meeting_id")


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


def decision_date_problem(decided_on: dt.date, date_referred: dt.date | None) -> str | None:
    """Why a decision cannot be dated ``decided_on`` on a referral made on ``date_referred``
    (None when it can). Importers ask this before they plan a decision."""
    if date_referred and decided_on < date_referred:
        return f"cannot be before the referral was made ({date_referred:%d/%m/%Y})"
    if decided_on > dt.date.today() + dt.timedelta(days=1):
        return "cannot be in the future"
    return None


def _consider(meeting: Meeting | None, referral: Referral) -> None:
    if meeting is not None and referral not in meeting.referrals_considered:
        meeting.referrals_considered.append(referral)


def record_decision(session: Session, referral_id: int | str, *, decided_on: dt.date, outcome: str,
                    decided_by: str | None = None, criteria_met: bool | None = None,
                    criteria_basis: str | None = None, rationale: str | None = None,
                    meeting_id: int | None = None) -> Decision:
    """Add a decision to a referral's history. Earlier decisions are never changed."""
    referral = get_referral(session, referral_id)
    problems = Problems()
    problems.required("decided_on", decided_on)
    problems.required("outcome", outcome)
    if decided_on and (problem := decision_date_problem(decided_on, referral.date_referred)):
        problems.add("decided_on", problem)
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
    _consider(meeting, referral)
    session.flush()
    return decision


def update_decision(session: Session, decision_id: int, **fields) -> Decision:
    """Correct a recorded decision (a wrong date, a rationale to complete); the audit trail
    keeps the old values. A new decision on the referral is ``record_decision`` instead."""
    decision = get_record(session, Decision, decision_id, "decision")
    problems = Problems()
    problems.unknown(fields, DECISION_FIELDS, "a decision")
    if "decided_on" in fields:
        decided_on = fields["decided_on"]
        problems.required("decided_on", decided_on)
        if decided_on and (problem := decision_date_problem(decided_on, decision.referral.date_referred)):
            problems.add("decided_on", problem)
    if "outcome" in fields:
        problems.required("outcome", fields["outcome"])
    meeting = None
    if fields.get("meeting_id"):
        meeting = session.get(Meeting, fields["meeting_id"])
        if meeting is None:
            problems.add("meeting_id", f"there is no meeting {fields['meeting_id']}")
    problems.raise_if_any()
    if "decided_on" in fields:
        decision.decided_on = fields["decided_on"]
    if "outcome" in fields:
        decision.outcome = lookups.list_item(session, ListKind.DECISION_OUTCOME, fields["outcome"],
                                             field="outcome")
    for name in ("decided_by", "criteria_basis"):
        if name in fields:
            setattr(decision, name, optional_text(fields[name]))
    if "rationale" in fields:
        decision.rationale = multiline_text(fields["rationale"])
    if "criteria_met" in fields:
        decision.criteria_met = fields["criteria_met"]
    if "meeting_id" in fields:
        decision.meeting = meeting
        _consider(meeting, decision.referral)
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


DECISION_COLUMNS = ("referral_id", "decided_on", "outcome_id", "decided_by", "criteria_met",
                    "criteria_basis", "rationale", "meeting_id")


def record_decisions(session: Session, rows: Sequence[dict], *, audit: bool = True) -> list[int]:
    """Add many decisions at once (each row: ``DECISION_COLUMNS``, the outcome by id),
    checked as ``record_decision`` checks one; a decision taken at a meeting records that the
    meeting considered its referral. Returns the new ids in order."""
    problems = RowProblems("decision", len(rows))
    referred = _referral_dates(session, {row.get("referral_id") for row in rows})
    clean_rows = []
    for index, row in enumerate(rows):
        unknown_fields(problems, index, row, DECISION_COLUMNS, "a decision")
        values = {name: row.get(name) for name in DECISION_COLUMNS}
        values.update(decided_by=optional_text(values["decided_by"]),
                      criteria_basis=optional_text(values["criteria_basis"]),
                      rationale=multiline_text(values["rationale"]))
        if values["referral_id"] not in referred:
            problems.add(index, "referral_id", f"there is no referral {values['referral_id']}")
        if values["decided_on"] is None:
            problems.add(index, "decided_on", "is required")
        elif problem := decision_date_problem(values["decided_on"], referred.get(values["referral_id"])):
            problems.add(index, "decided_on", problem)
        check_short_texts(problems, index, values, {"decided_by": 200, "criteria_basis": 200})
        clean_rows.append(values)
    check_list_values(session, problems, clean_rows, "outcome_id", ListKind.DECISION_OUTCOME)
    check_references(session, problems, clean_rows, "meeting_id", Meeting.id, "meeting")
    for index, values in enumerate(clean_rows):
        if values["outcome_id"] is None:
            problems.add(index, "outcome_id", "is required")
    problems.raise_if_any()
    ids = insert_records(session, Decision.__table__, clean_rows, audit=audit)
    _consider_all(session, {(v["meeting_id"], v["referral_id"]) for v in clean_rows if v["meeting_id"]},
                  audit=audit)
    return ids


def _referral_dates(session: Session, referral_ids: set) -> dict[int, dt.date | None]:
    wanted = sorted(i for i in referral_ids if i is not None)
    return {i: referred for start in range(0, len(wanted), CHUNK)
            for i, referred in session.execute(select(Referral.id, Referral.date_referred)
                                               .where(Referral.id.in_(wanted[start:start + CHUNK])))}


def _consider_all(session: Session, pairs: set[tuple[int, int]], *, audit: bool) -> None:
    """Record that each meeting considered each referral (once)."""
    meetings = sorted({meeting_id for meeting_id, _ in pairs})
    before: dict[int, set] = {}
    for start in range(0, len(meetings), CHUNK):
        for meeting_id, referral_id in session.execute(
                select(meeting_referral.c.meeting_id, meeting_referral.c.referral_id)
                .where(meeting_referral.c.meeting_id.in_(meetings[start:start + CHUNK]))):
            before.setdefault(meeting_id, set()).add(referral_id)
    new = sorted(pair for pair in pairs if pair[1] not in before.get(pair[0], ()))
    insert_links(session, meeting_referral, [{"meeting_id": m, "referral_id": r} for m, r in new])
    if audit:
        after = {m: set(before.get(m, ())) for m, _ in new}
        for meeting_id, referral_id in new:
            after[meeting_id].add(referral_id)
        audit_link_changes(session, "meeting", "referrals_considered", before, after)

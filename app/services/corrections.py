"""Corrections the other services do not offer: editing a decision, a progress update, a
recommendation, an agency, a theme, a list value or a clock, and putting an action's
closure, sign-off or target back as it was (for undo).

Corrections change records in place; the audit trail keeps every old value, so history is
never lost even when a typo in a decision is put right.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import lookups
from app.clocks import validate_clock_rule
from app.errors import UserError
from app.services.actions import _check_rag, get_action
from app.services.lists import CLOCK_UNITS
from app.services.referrals import get_referral
from app.services.validation import Problems, multiline_text, optional_text
from app.text import clean, match_key
from db.models import (
    Agency, AgencyAlias, ClockRule, Decision, ListItem, ListKind, Meeting, ProgressUpdate,
    Recommendation, Theme,
)


def _unknown(problems: Problems, fields: dict, allowed, noun: str) -> None:
    for name in sorted(set(fields) - set(allowed)):
        problems.add(name, f"is not a field of {noun}")


def _get(session: Session, model, record_id: int, noun: str):
    found = session.get(model, record_id)
    if found is None:
        raise UserError(f"There is no {noun} {record_id}.")
    return found


def record_version(session: Session, model, record_id: int) -> int | None:
    """The version counter of a record (None when it has gone), for "changed since opened"."""
    found = session.get(model, record_id)
    return None if found is None else getattr(found, "version", None)


# --- decisions ---------------------------------------------------------------------------

DECISION_FIELDS = ("decided_on", "outcome", "decided_by", "criteria_met", "criteria_basis",
                   "rationale", "meeting_id")


def update_decision(session: Session, decision_id: int, **fields) -> Decision:
    """Correct a recorded decision (a wrong date, a rationale to complete). A new decision on
    the same referral is recorded with ``referrals.record_decision`` instead."""
    decision = _get(session, Decision, decision_id, "decision")
    problems = Problems()
    _unknown(problems, fields, DECISION_FIELDS, "a decision")
    if "decided_on" in fields:
        decided_on = fields["decided_on"]
        problems.required("decided_on", decided_on)
        referred = decision.referral.date_referred
        if decided_on and referred and decided_on < referred:
            problems.add("decided_on", f"cannot be before the referral was made ({referred:%d/%m/%Y})")
        if decided_on and decided_on > dt.date.today() + dt.timedelta(days=1):
            problems.add("decided_on", "cannot be in the future")
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
        if meeting is not None and decision.referral not in meeting.referrals_considered:
            meeting.referrals_considered.append(decision.referral)
    session.flush()
    return decision


# --- progress updates --------------------------------------------------------------------

PROGRESS_FIELDS = ("update_on", "text", "rag", "author")


def update_progress_update(session: Session, update_id: int, **fields) -> ProgressUpdate:
    """Correct a progress update's date, text, RAG rating or author."""
    update = _get(session, ProgressUpdate, update_id, "progress update")
    problems = Problems()
    _unknown(problems, fields, PROGRESS_FIELDS, "a progress update")
    if "text" in fields:
        problems.required("text", fields["text"])
    if "update_on" in fields:
        problems.required("update_on", fields["update_on"])
    rag = _check_rag(problems, fields.get("rag")) if "rag" in fields else update.rag
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


# --- recommendations and reviews ---------------------------------------------------------

RECOMMENDATION_FIELDS = ("number", "document_number", "text", "addressed_to", "theme",
                         "response_status", "board_response", "response_on")


def update_recommendation(session: Session, recommendation_id: int, **fields) -> Recommendation:
    """Correct a recommendation's number, text, theme or addressees, or its response."""
    rec = _get(session, Recommendation, recommendation_id, "recommendation")
    problems = Problems()
    _unknown(problems, fields, RECOMMENDATION_FIELDS, "a recommendation")
    if "text" in fields:
        problems.required("text", fields["text"])
    if "number" in fields:
        number = fields["number"]
        if not isinstance(number, int) or number < 1:
            problems.add("number", "must be 1 or more")
        elif session.scalar(select(Recommendation.id).where(
                Recommendation.review_id == rec.review_id, Recommendation.number == number,
                Recommendation.id != rec.id)):
            problems.add("number", f"{rec.review.reference} already has a recommendation {number}")
    problems.raise_if_any()
    if "number" in fields:
        rec.number = fields["number"]
    if "text" in fields:
        rec.text = multiline_text(fields["text"])
    for name in ("document_number", "addressed_to"):
        if name in fields:
            setattr(rec, name, optional_text(fields[name]))
    if "theme" in fields:
        rec.theme = lookups.theme(session, fields["theme"]) if fields["theme"] else None
    if "response_status" in fields:
        value = fields["response_status"]
        rec.response_status = (lookups.list_item(session, ListKind.RESPONSE_STATUS, value,
                                                 field="response_status") if value else None)
    if "board_response" in fields:
        rec.board_response = multiline_text(fields["board_response"])
    if "response_on" in fields:
        rec.response_on = fields["response_on"]
    session.flush()
    return rec


def set_review_referrals(session: Session, review_id: int, referral_ids: list[int]):
    """Set the referrals a review covers (adding and removing)."""
    from app.services.reviews import get_review

    review = get_review(session, review_id)
    review.referrals = [get_referral(session, int(i)) for i in referral_ids]
    session.flush()
    return review


# --- agencies and themes ------------------------------------------------------------------

AGENCY_FIELDS = ("name", "short_name", "sector", "aliases")


def update_agency(session: Session, agency_id: int, **fields) -> Agency:
    """Rename an agency, change its short name or sector, or set its other spellings
    (``aliases``: the full list; spellings left out are forgotten)."""
    agency = _get(session, Agency, agency_id, "agency")
    problems = Problems()
    _unknown(problems, fields, AGENCY_FIELDS, "an agency")
    if "name" in fields:
        name = clean(fields["name"])
        problems.required("name", name)
        other = lookups.find_agency(session, name) if name else None
        if other is not None and other.id != agency.id:
            problems.add("name", f"'{name}' is already {other.name} or a spelling of it")
    wanted: dict[str, str] = {}
    for spelling in fields.get("aliases") or ():
        key = match_key(spelling)
        if not key or key in wanted:
            continue
        other = lookups.find_agency(session, spelling)
        if other is not None and other.id != agency.id:
            problems.add("aliases", f"'{clean(spelling)}' already means {other.name}")
        wanted[key] = clean(spelling)
    problems.raise_if_any()
    if "name" in fields:
        agency.name = clean(fields["name"])
    for name in ("short_name", "sector"):
        if name in fields:
            setattr(agency, name, optional_text(fields[name]))
    if "aliases" in fields:
        keep = [a for a in agency.aliases if a.alias_key in wanted]
        have = {a.alias_key for a in keep}
        agency.aliases = keep + [AgencyAlias(alias=text, alias_key=key)
                                 for key, text in wanted.items() if key not in have]
    session.flush()
    return agency


def create_theme(session: Session, name: str) -> Theme:
    """Add a theme at the end of the theme list."""
    name = clean(name)
    problems = Problems()
    problems.required("name", name)
    problems.max_length("name", name, 200)
    if name and any(match_key(t.name) == match_key(name) for t in session.scalars(select(Theme))):
        problems.add("name", f"'{name}' is already a theme")
    problems.raise_if_any()
    last = session.scalar(select(func.max(Theme.sort_order))) or 0
    theme = Theme(name=name, sort_order=last + 1)
    session.add(theme)
    session.flush()
    return theme


def update_theme(session: Session, theme_id: int, *, name: str) -> Theme:
    theme = _get(session, Theme, theme_id, "theme")
    name = clean(name)
    problems = Problems()
    problems.required("name", name)
    if name and any(t.id != theme.id and match_key(t.name) == match_key(name)
                    for t in session.scalars(select(Theme))):
        problems.add("name", f"'{name}' is already a theme")
    problems.raise_if_any()
    theme.name = name
    session.flush()
    return theme


# --- list values and clocks (not in app.services.archive) --------------------------------

def update_list_item(session: Session, item_id: int, *, name: str | None = None,
                     is_open: bool | None = None) -> ListItem:
    """Rename a list value or say whether a status counts as open."""
    from app.services.lists import rename_list_item

    item = _get(session, ListItem, item_id, "list value")
    if name is not None and clean(name) != item.name:
        rename_list_item(session, item_id, name)
    if is_open is not None and item.kind in (ListKind.ACTION_STATUS, ListKind.REVIEW_STATUS):
        item.is_open = is_open
    session.flush()
    return item


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def archive_list_item(session: Session, item_id: int) -> None:
    """Take a value off its list; records using it keep it."""
    item = _get(session, ListItem, item_id, "list value")
    if item.archived_at is None:
        item.archived_at = _now()
        session.flush()


def restore_list_item(session: Session, item_id: int) -> None:
    item = _get(session, ListItem, item_id, "list value")
    item.archived_at = None
    session.flush()


CLOCK_FIELDS = ("name", "length", "unit", "start_event", "done_event", "source", "notes")


def update_clock_rule_fields(rule: ClockRule, problems: Problems, fields: dict) -> None:
    """Check and set a clock's fields; the rule is left unchanged when they are refused."""
    _unknown(problems, fields, CLOCK_FIELDS, "a clock")
    if "name" in fields:
        problems.required("name", fields["name"])
    if "length" in fields and (not isinstance(fields["length"], int) or fields["length"] < 0):
        problems.add("length", "must be a whole number, 0 or more")
    if "unit" in fields and fields["unit"] not in CLOCK_UNITS:
        problems.add("unit", "must be working days, days or months")
    if "start_event" in fields:
        problems.required("start_event", fields["start_event"])
    problems.raise_if_any()
    before = {name: getattr(rule, name) for name in CLOCK_FIELDS}
    for name in ("name", "source"):
        if name in fields:
            setattr(rule, name, optional_text(fields[name]))
    if "notes" in fields:
        rule.notes = multiline_text(fields["notes"])
    for name in ("length", "unit", "start_event"):
        if name in fields:
            setattr(rule, name, fields[name])
    if "done_event" in fields:
        rule.done_event = fields["done_event"] or None
    try:
        validate_clock_rule(rule)
    except UserError:
        for name, value in before.items():
            setattr(rule, name, value)
        raise


def update_clock_rule(session: Session, clock_id: int, **fields) -> ClockRule:
    """Change any part of a clock: name, length, unit, start and stop events, source, notes."""
    rule = _get(session, ClockRule, clock_id, "clock")
    update_clock_rule_fields(rule, Problems(), fields)
    session.flush()
    return rule


def create_clock_rule(session: Session, *, name: str, length: int | None, unit: str, start_event: str,
                      done_event: str | None = None, source: str | None = None,
                      notes: str | None = None) -> ClockRule:
    """Add a local clock. Its code is made from its name and never changes afterwards."""
    problems = Problems()
    problems.required("name", name)
    problems.required("length", length)
    problems.raise_if_any()
    base = "_".join(match_key(name).replace("-", " ").split())[:36] or "clock"
    code, n = base, 1
    while session.scalar(select(ClockRule.id).where(ClockRule.code == code)) is not None:
        n += 1
        code = f"{base}_{n}"
    rule = ClockRule(code=code, name=clean(name), length=0, unit="days", start_event=start_event)
    session.add(rule)
    try:
        update_clock_rule_fields(rule, problems, dict(length=length, unit=unit, start_event=start_event,
                                                      done_event=done_event, source=source, notes=notes))
    except UserError:
        session.expunge(rule)
        raise
    session.flush()
    return rule


def archive_clock_rule(session: Session, clock_id: int) -> None:
    rule = _get(session, ClockRule, clock_id, "clock")
    if rule.archived_at is None:
        rule.archived_at = _now()
        session.flush()


def restore_clock_rule(session: Session, clock_id: int) -> None:
    rule = _get(session, ClockRule, clock_id, "clock")
    rule.archived_at = None
    session.flush()


# --- an action's closure, sign-off and target, for undo ----------------------------------

ACTION_STATE_FIELDS = ("status", "rag", "completed_on", "closure_reason", "closure_note",
                       "evidence_of_completion", "evidence_of_impact", "signed_off_on",
                       "signed_off_meeting_id", "target_on", "original_target_on", "revision_ids")


def action_state(session: Session, action_id: int) -> dict:
    """What closing, signing off or revising the target of an action changes, as plain values."""
    action = get_action(session, action_id)
    return {
        "status": action.status.name, "rag": action.rag, "completed_on": action.completed_on,
        "closure_reason": action.closure_reason.name if action.closure_reason else None,
        "closure_note": action.closure_note, "evidence_of_completion": action.evidence_of_completion,
        "evidence_of_impact": action.evidence_of_impact, "signed_off_on": action.signed_off_on,
        "signed_off_meeting_id": action.signed_off_meeting_id, "target_on": action.target_on,
        "original_target_on": action.original_target_on,
        "revision_ids": [r.id for r in action.target_revisions],
    }


def restore_action_state(session: Session, action_id: int, state: dict) -> None:
    """Put an action back as ``action_state`` saw it. Target revisions made since are
    removed (the audit trail keeps them); revisions cannot be brought back once removed,
    so a state naming one that has gone is refused."""
    action = get_action(session, action_id)
    keep = set(state["revision_ids"])
    have = {r.id for r in action.target_revisions}
    if not keep <= have:
        raise UserError("This action's target date history has changed since; "
                        "it cannot be put back as it was.")
    action.target_revisions = [r for r in action.target_revisions if r.id in keep]
    action.status = lookups.list_item(session, ListKind.ACTION_STATUS, state["status"], field="status")
    action.closure_reason = (lookups.list_item(session, ListKind.CLOSURE_REASON, state["closure_reason"])
                             if state["closure_reason"] else None)
    action.signed_off_meeting = (session.get(Meeting, state["signed_off_meeting_id"])
                                 if state["signed_off_meeting_id"] else None)
    for name in ("rag", "completed_on", "closure_note", "evidence_of_completion", "evidence_of_impact",
                 "signed_off_on", "target_on", "original_target_on"):
        setattr(action, name, state[name])
    session.flush()

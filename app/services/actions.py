"""The composite action plan: actions, their target dates, closure and sign-off (and putting
those back as they were, for undo). Progress updates are in ``updates``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from app import lookups
from app.errors import UserError, ValidationError
from app.services.validation import Problems, multiline_text, optional_text
from db.models import (
    RAG_VALUES, Action, Agency, ListItem, ListKind, Meeting, Recommendation, TargetRevision,
)

ACTION_TEXT_FIELDS = ("description", "lead_officer", "evidence_required", "evidence_of_completion",
                      "evidence_of_impact", "reference", "target_text")


@dataclass(frozen=True)
class OverdueAction:
    """An open action past its target date."""

    id: int
    description: str
    lead_agency: str | None
    lead_officer: str | None
    target_on: dt.date
    days_overdue: int
    status: str
    rag: str | None


def get_action(session: Session, action_id: int) -> Action:
    """The action with this id; a ``UserError`` if there is none."""
    found = session.get(Action, action_id)
    if found is None:
        raise UserError(f"Action: there is no action {action_id}.")
    return found


def check_rag(problems: Problems, rag: str | None) -> str | None:
    """The RAG rating ``rag`` means ("g" is Green), or None; a problem noted if it is none."""
    if rag is None or rag == "":
        return None
    for value in RAG_VALUES:
        if rag.strip().casefold() in (value.casefold(), value[0].casefold()):
            return value
    problems.add("rag", f"'{rag}' is not a RAG rating (Red, Amber, Green or Blue)")
    return None


def create_action(session: Session, *, description: str, recommendation_ids: list[int],
                  lead_agency: str | None = None, lead_officer: str | None = None,
                  target_on: dt.date | None = None, status: str = "Not started",
                  rag: str | None = None, theme: str | None = None,
                  evidence_required: str | None = None, reference: str | None = None) -> Action:
    """Add an action answering one or more recommendations; its first target is kept."""
    problems = Problems()
    problems.required("description", description)
    if not recommendation_ids:
        problems.add("recommendations", "choose at least one recommendation this action answers")
    rag_value = check_rag(problems, rag)
    recs = [session.get(Recommendation, rid) for rid in recommendation_ids]
    if any(r is None for r in recs):
        problems.add("recommendations", "one of the recommendations does not exist")
    problems.raise_if_any()
    action = Action(
        description=multiline_text(description), lead_officer=optional_text(lead_officer),
        lead_agency=lookups.agency(session, lead_agency, field="lead_agency") if lead_agency else None,
        original_target_on=target_on, target_on=target_on,
        status=lookups.list_item(session, ListKind.ACTION_STATUS, status, field="status"),
        rag=rag_value, theme=lookups.theme(session, theme) if theme else None,
        evidence_required=multiline_text(evidence_required), reference=optional_text(reference),
        recommendations=recs,
    )
    session.add(action)
    session.flush()
    return action


def update_action(session: Session, action_id: int, **fields) -> Action:
    """Change an action's text, lead, status or RAG. Target dates go through ``revise_target``."""
    action = get_action(session, action_id)
    problems = Problems()
    allowed = set(ACTION_TEXT_FIELDS) | {"lead_agency", "status", "rag", "theme", "recommendation_ids"}
    for name in sorted(set(fields) - allowed):
        problems.add(name, "cannot be changed here" if name.endswith("_on") else "is not a field of an action")
    if "description" in fields:
        problems.required("description", fields["description"])
    if "recommendation_ids" in fields and not fields["recommendation_ids"]:
        problems.add("recommendations", "choose at least one recommendation this action answers")
    rag_value = check_rag(problems, fields.get("rag")) if "rag" in fields else action.rag
    problems.raise_if_any()
    for name in ACTION_TEXT_FIELDS:
        if name in fields:
            clean_value = (optional_text(fields[name]) if name in ("lead_officer", "reference", "target_text")
                           else multiline_text(fields[name]))
            setattr(action, name, clean_value)
    action.rag = rag_value
    if "lead_agency" in fields:
        action.lead_agency = (lookups.agency(session, fields["lead_agency"], field="lead_agency")
                              if fields["lead_agency"] else None)
    if "status" in fields:
        action.status = lookups.list_item(session, ListKind.ACTION_STATUS, fields["status"], field="status")
    if "theme" in fields:
        action.theme = lookups.theme(session, fields["theme"]) if fields["theme"] else None
    if "recommendation_ids" in fields:
        action.recommendations = [session.get(Recommendation, rid) for rid in fields["recommendation_ids"]]
    session.flush()
    return action


def revise_target(session: Session, action_id: int, new_target_on: dt.date, *,
                  reason: str | None = None, revised_on: dt.date | None = None) -> Action:
    """Move an action's target date, keeping the original and a record of each move."""
    action = get_action(session, action_id)
    if new_target_on is None:
        raise ValidationError({"target_on": "is required"})
    if action.target_on == new_target_on:
        return action
    if action.original_target_on is None:
        action.original_target_on = new_target_on
    else:
        action.target_revisions.append(TargetRevision(
            old_target_on=action.target_on, new_target_on=new_target_on,
            revised_on=revised_on or dt.date.today(), reason=multiline_text(reason)))
    action.target_on = new_target_on
    session.flush()
    return action


def close_action(session: Session, action_id: int, *, reason: str, completed_on: dt.date,
                 evidence_of_completion: str | None = None, evidence_of_impact: str | None = None,
                 note: str | None = None) -> Action:
    """Close an action with a reason. "Implemented and verified" needs evidence of completion;
    "Not implemented" needs a note saying why (the annual report must give it)."""
    action = get_action(session, action_id)
    closure = lookups.list_item(session, ListKind.CLOSURE_REASON, reason, field="closure_reason")
    problems = Problems()
    problems.required("completed_on", completed_on)
    evidence = multiline_text(evidence_of_completion) or action.evidence_of_completion
    if closure.name.lower().startswith("implemented") and not evidence:
        problems.add("evidence_of_completion", "is needed to close an action as implemented")
    if closure.name.lower().startswith("not implemented") and not multiline_text(note):
        problems.add("closure_note", "say why the action was not implemented")
    if completed_on and completed_on > dt.date.today():
        problems.add("completed_on", "cannot be in the future")
    problems.raise_if_any()
    done_status = session.scalar(select(ListItem).where(
        ListItem.kind == ListKind.ACTION_STATUS, ListItem.is_open.is_(False),
        ListItem.code == ("complete" if closure.name.lower().startswith("implemented") else "closed")))
    action.status = done_status
    action.closure_reason = closure
    action.completed_on = completed_on
    action.evidence_of_completion = evidence
    if evidence_of_impact:
        action.evidence_of_impact = multiline_text(evidence_of_impact)
    action.closure_note = multiline_text(note)
    if closure.name.lower().startswith("implemented"):
        action.rag = "Blue"
    session.flush()
    return action


def sign_off(session: Session, action_id: int, meeting_id: int) -> Action:
    """The sub group signs a closed action off at a meeting — only with evidence."""
    action = get_action(session, action_id)
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise UserError(f"Meeting: there is no meeting {meeting_id}.", field="meeting")
    if action.status.is_open:
        raise UserError("This action is still open: close it with a reason before it is signed off.",
                        field="status")
    if not action.evidence_of_completion:
        raise UserError("Evidence of completion is needed before the sub group can sign this action off.",
                        field="evidence_of_completion")
    action.signed_off_meeting = meeting
    action.signed_off_on = meeting.held_on
    session.flush()
    return action


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
    """Put an action back as ``action_state`` saw it (for undo). Target revisions made since
    are removed (the audit trail keeps them); revisions cannot be brought back once removed,
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


def overdue_actions(session: Session, as_at: dt.date, *, agency: str | None = None) -> list[OverdueAction]:
    """Open actions whose target date is before ``as_at``, oldest first."""
    status = aliased(ListItem)
    query = (
        select(Action.id, Action.description, Agency.name, Action.lead_officer, Action.target_on,
               status.name, Action.rag)
        .join(status, Action.status_id == status.id)
        .outerjoin(Agency, Action.lead_agency_id == Agency.id)
        .where(status.is_open.is_(True), Action.target_on < as_at, Action.archived_at.is_(None))
        .order_by(Action.target_on, Action.id)
    )
    if agency:
        query = query.where(Action.lead_agency_id == lookups.agency(session, agency).id)
    return [OverdueAction(i, d, a, o, t, (as_at - t).days, s, r)
            for i, d, a, o, t, s, r in session.execute(query)]

"""The composite action plan: actions, their target dates, closure and sign-off (and putting
those back as they were, for undo). Progress updates are in ``updates``."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import lookups, rules
from app.errors import UserError, ValidationError
from app.services.bulk import (CHUNK, RowProblems, check_references, insert_links,
                               insert_records, known_ids)
from app.services.records import TODAY, _Today, get_record
from app.services.records import added_on as added_on_day
from app.services.updates import check_update_row
from app.services.validation import Problems, check_rag, multiline_text, optional_text
from app.text import clean, match_key
from db.models import (
    RAG_VALUES, Action, Agency, ListItem, ListKind, Meeting, ProgressUpdate, Recommendation, TargetRevision, Theme,
    action_recommendation,
)

# Completion and closure go through ``close_action`` (the date, the evidence, the reason) and
# back through ``reopen_action``: a status change alone does neither, so the edit form cannot.
CLOSE_WITH_CLOSE = ("an action is completed or closed with Close action\u2026, which asks for the date, "
                    "the evidence and the reason")
REOPEN_WITH_REOPEN = "a closed action is reopened with Reopen action\u2026"

ACTION_TEXT_FIELDS = ("description", "lead_officer", "evidence_required", "evidence_of_completion",
                      "evidence_of_impact", "reference", "target_text")


def get_action(session: Session, action_id: int) -> Action:
    """The action with this id; a ``UserError`` if there is none."""
    return get_record(session, Action, action_id, "action")


def create_action(session: Session, *, description: str, recommendation_ids: list[int],
                  lead_agency: str | None = None, lead_officer: str | None = None,
                  target_on: dt.date | None = None, status: str = "Not started",
                  rag: str | None = None, theme: str | None = None,
                  evidence_required: str | None = None, reference: str | None = None,
                  target_text: str | None = None, added_on: dt.date | None | _Today = TODAY) -> Action:
    """Add an action answering one or more recommendations; its first target is kept.
    ``target_text`` is a target that is not a date ("Ongoing"); ``added_on`` the day it was
    put on the plan (today unless the caller knows: ``app.services.records.added_on``)."""
    problems = Problems()
    problems.required("description", description)
    problems.max_length("target_text", optional_text(target_text), 100)
    if not recommendation_ids:
        problems.add("recommendations", "choose at least one recommendation this action answers")
    rag_value = check_rag(problems, rag)
    status_item = lookups.list_item(session, ListKind.ACTION_STATUS, status, field="status")
    if not status_item.is_open:
        problems.add("status", f"a new action starts open: {CLOSE_WITH_CLOSE}")
    recs = [session.get(Recommendation, rid) for rid in recommendation_ids]
    if any(r is None for r in recs):
        problems.add("recommendations", "one of the recommendations does not exist")
    problems.raise_if_any()
    action = Action(
        description=multiline_text(description), lead_officer=optional_text(lead_officer),
        lead_agency=lookups.agency(session, lead_agency, field="lead_agency") if lead_agency else None,
        original_target_on=target_on, target_on=target_on,
        status=status_item, rag=rag_value, theme=lookups.theme(session, theme) if theme else None,
        evidence_required=multiline_text(evidence_required), reference=optional_text(reference),
        target_text=optional_text(target_text), recommendations=recs, added_on=added_on_day(added_on),
    )
    session.add(action)
    session.flush()
    return action


def update_action(session: Session, action_id: int, **fields) -> Action:
    """Change an action's text, lead, open status or RAG. Target dates go through
    ``revise_target``; completing or closing it through ``close_action``, reopening it through
    ``reopen_action``."""
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
    status = (lookups.list_item(session, ListKind.ACTION_STATUS, fields["status"], field="status")
              if "status" in fields else action.status)
    if status != action.status and not status.is_open:
        problems.add("status", CLOSE_WITH_CLOSE)
    elif status != action.status and not action.status.is_open:
        problems.add("status", REOPEN_WITH_REOPEN)
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
    action.status = status
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
        written = f"(the target was written '{action.target_text}')" if action.target_text else None
        action.target_revisions.append(TargetRevision(
            old_target_on=action.target_on, new_target_on=new_target_on,
            revised_on=revised_on or dt.date.today(),
            reason=multiline_text("\n".join(filter(None, [reason, written])) or None)))
    action.target_on = new_target_on
    action.target_text = None  # a target written as "May 2014" or "Ongoing" is now this day
    session.flush()
    return action


def check_closure(problems: Problems, reason: str, *, completed_on: dt.date | None,
                  evidence_of_completion: str | None, note: str | None) -> None:
    """Note in ``problems`` what stops an action being closed with the closure reason called
    ``reason``: it needs the date it was completed (not in the future); "Implemented and
    verified" needs evidence of completion; "Not implemented" a note saying why (the annual
    report must give it)."""
    problems.required("completed_on", completed_on)
    if reason.lower().startswith("implemented") and not multiline_text(evidence_of_completion):
        problems.add("evidence_of_completion", "is needed to close an action as implemented")
    if reason.lower().startswith("not implemented") and not multiline_text(note):
        problems.add("closure_note", "say why the action was not implemented")
    if completed_on and completed_on > dt.date.today():
        problems.add("completed_on", "cannot be in the future")


def close_action(session: Session, action_id: int, *, reason: str, completed_on: dt.date,
                 evidence_of_completion: str | None = None, evidence_of_impact: str | None = None,
                 note: str | None = None) -> Action:
    """Close an action with a reason, by the rules of ``check_closure``."""
    action = get_action(session, action_id)
    closure = lookups.list_item(session, ListKind.CLOSURE_REASON, reason, field="closure_reason")
    problems = Problems()
    evidence = multiline_text(evidence_of_completion) or action.evidence_of_completion
    check_closure(problems, closure.name, completed_on=completed_on, evidence_of_completion=evidence, note=note)
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


def reopen_action(session: Session, action_id: int, *, status: str) -> Action:
    """Reopen a completed or closed action with an open ``status``: its closure (reason,
    date, note, a Blue RAG) and sign-off are cleared; the evidence written is kept."""
    action = get_action(session, action_id)
    if action.status.is_open:
        raise UserError("This action is open already.", field="status")
    open_status = lookups.list_item(session, ListKind.ACTION_STATUS, status, field="status")
    if not open_status.is_open:
        raise ValidationError({"status": "choose an open status"})
    action.status = open_status
    action.closure_reason = action.completed_on = action.closure_note = None
    action.signed_off_meeting = action.signed_off_on = None
    if action.rag == "Blue":
        action.rag = None
    session.flush()
    return action


def sign_off(session: Session, action_id: int, meeting_id: int) -> Action:
    """The sub group signs a closed action off at a meeting held on or before today — only
    with evidence."""
    action = get_action(session, action_id)
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise UserError(f"Meeting: there is no meeting {meeting_id}.", field="meeting")
    if meeting.held_on > dt.date.today():
        raise UserError(f"The meeting of {meeting.held_on:%d/%m/%Y} has not been held yet: an action is signed "
                        "off at a meeting held on or before today.", field="meeting")
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


RETURNED_FIELDS = ("status", "rag", "target_on", "evidence_of_completion", "evidence_of_impact",
                   "completed_on")

# "Closed – superseded" as it may be typed: any dash, a colon or a comma after "Closed".
_CLOSED_WITH_WORDS = re.compile(r"closed\s*[-\u2010-\u2015\u2212:,]\s*(\S.*)", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class StatusChoice:
    """A status as the plan shows it (``app.rules``), and what giving it to an action does:
    set an open status, or close the action with a closure reason."""

    text: str  # "In progress", "Completed", "Closed – superseded"
    status: str | None = None  # the open status's name
    closure_reason: str | None = None  # the closure reason's name


class StatusChoices:
    """Every status an action can be given, as the plan shows it, and each read back from what
    was typed: an open status's name, "Completed" (closed as implemented and verified) or
    "Closed – <reason>", matched by the words after the dash (case, spacing and the kind of
    dash ignored)."""

    def __init__(self, session: Session):
        statuses = lookups.list_items(session, ListKind.ACTION_STATUS)
        reasons = lookups.list_items(session, ListKind.CLOSURE_REASON)
        implemented = next((r.name for r in reasons if r.code == rules.IMPLEMENTED), None)
        completed = StatusChoice(rules.COMPLETED_LABEL, closure_reason=implemented) if implemented else None
        choices = [StatusChoice(s.name, status=s.name) for s in statuses if s.is_open]
        choices += [completed] if completed else []
        choices += [StatusChoice(rules.closed_text(r.name), closure_reason=r.name)
                    for r in reasons if r.code != rules.IMPLEMENTED]
        self.listed = [choice.text for choice in choices]  # as the drop-down offers them
        self._by_key = {match_key(choice.text): choice for choice in choices}
        self._by_reason = {match_key(c.closure_reason): c for c in choices if c.closure_reason}
        if completed:  # "Closed – implemented and verified" is "Completed"
            self._by_key[match_key(rules.closed_text(implemented))] = completed
        # The closed statuses' own names: "Complete" is "Completed"; "Closed" says no reason.
        self._complete_names = {match_key(s.name) for s in statuses
                                if not s.is_open and s.code == rules.COMPLETE_STATUS}
        self._closed_names = {match_key(s.name) for s in statuses if not s.is_open} - self._complete_names

    def read(self, text: str) -> StatusChoice:
        """The status ``text`` means; a ``ValueError`` saying why when it is none."""
        key = match_key(text)
        if not key:
            raise ValueError("the status cannot be left blank")
        found = self._by_key.get(key)
        if found is None:
            words = _CLOSED_WITH_WORDS.fullmatch(clean(text))
            if words:
                found = (self._by_key.get(match_key(rules.closed_text(words.group(1))))
                         or self._by_reason.get(match_key(words.group(1))))
            elif key in self._complete_names:
                found = self._by_key.get(match_key(rules.COMPLETED_LABEL))
            elif key in self._closed_names:
                raise ValueError(f"say why it was closed: choose '{rules.COMPLETED_LABEL}' or one of the "
                                 f"'{rules.CLOSED_PREFIX}\u2026' statuses")
        if found is None:
            shown = clean(text)
            shown = shown if len(shown) <= 40 else shown[:39] + "\u2026"
            raise ValueError(f"'{shown}' is not a status on the list ({', '.join(self.listed)})")
        return found


def record_return(session: Session, action_id: int, changes: dict, *, source: str, note: str | None = None,
                  statuses: StatusChoices | None = None) -> Action:
    """Take an agency's changes to one action from its returned copy of the plan: RAG,
    evidence, completion date, the target (moved with ``revise_target``, giving ``source``,
    the returned file, as the reason) and the status as the plan shows it (``StatusChoices``).

    An open status is set as it is. "Completed" or "Closed – <reason>" closes the action by
    ``close_action``'s rules, with the returned completion date and evidence; ``note`` (the
    agency's new progress update) is kept as the closure note, and is the reason a "Closed –
    not implemented" needs. A closed action is not reopened from a return: that is the
    office's decision, made in the tracker.
    """
    action = get_action(session, action_id)
    problems = Problems()
    for name in sorted(set(changes) - set(RETURNED_FIELDS)):
        problems.add(name, "cannot be changed by an agency's return")
    choice = None
    if "status" in changes:
        try:
            choice = (statuses or StatusChoices(session)).read(changes["status"])
        except ValueError as err:
            problems.add("status", str(err))
    if choice is not None and choice.closure_reason is None and not action.status.is_open:
        problems.add("status", "a closed action is not reopened from an agency's return; reopen it in the tracker")
    if "target_on" in changes and changes["target_on"] is None:
        problems.add("target_on", "a target date can be moved but not removed")
    rag = check_rag(problems, changes["rag"]) if "rag" in changes else action.rag
    completed_on = changes.get("completed_on", action.completed_on)
    if changes.get("completed_on") and completed_on > dt.date.today():
        problems.add("completed_on", "cannot be in the future")
    if choice is not None and choice.closure_reason is not None:
        check_closure(problems, choice.closure_reason, completed_on=completed_on, note=note,
                      evidence_of_completion=changes.get("evidence_of_completion", action.evidence_of_completion))
    problems.raise_if_any()
    for name, value in changes.items():
        if name == "target_on":
            revise_target(session, action.id, value, reason=source)
        elif name == "rag":
            action.rag = rag
        elif name == "completed_on":
            action.completed_on = value
        elif name != "status":
            setattr(action, name, multiline_text(value))
    if choice is not None and choice.closure_reason is not None:
        close_action(session, action.id, reason=choice.closure_reason, completed_on=completed_on, note=note)
    elif choice is not None:
        action.status = lookups.list_item(session, ListKind.ACTION_STATUS, choice.status, field="status")
    session.flush()
    return action


def references_in_use(session: Session, references: Iterable[str | None]) -> dict[str, int]:
    """Which of ``references`` live actions already carry (compared as ``match_key`` compares
    names: case, apostrophes and extra spaces ignored): each such reference, as given, with the
    id of an action that has it. For every importer, to refuse, or show as duplicates in its
    preview, the actions it would add again."""
    wanted: dict[str, list[str]] = {}
    for reference in references:
        if reference and match_key(reference):
            wanted.setdefault(match_key(reference), []).append(reference)
    found: dict[str, int] = {}
    if not wanted:
        return found
    for action_id, reference in session.execute(
            select(Action.id, Action.reference).where(Action.archived_at.is_(None), Action.reference.is_not(None))
            .order_by(Action.id)):
        for given in wanted.get(match_key(reference), ()):
            found.setdefault(given, action_id)
    return found


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


ACTION_COLUMNS = ("reference", "description", "theme_id", "lead_agency_id", "lead_officer",
                  "evidence_required", "original_target_on", "target_on", "target_text", "status_id",
                  "rag", "evidence_of_completion", "evidence_of_impact", "completed_on",
                  "closure_reason_id", "closure_note", "signed_off_on", "signed_off_meeting_id", "added_on")
_NOT_COLUMNS = ("recommendation_ids", "target_revisions", "updates")
_ACTION_ROW_KEYS = frozenset({*ACTION_COLUMNS, *_NOT_COLUMNS})
_NO_VALUES = {**dict.fromkeys(c.key for c in Action.__table__.columns if c.key != "id"), "version": 1}
_LONG_TEXT = ("description", "evidence_required", "evidence_of_completion", "evidence_of_impact", "closure_note")
_SHORT_TEXT = {"reference": 40, "lead_officer": 200, "target_text": 100}
_REVISION_KEYS = frozenset({"old_target_on", "new_target_on", "revised_on", "reason"})


def create_actions(session: Session, rows: Sequence[dict], *, audit: bool | str = True) -> list[int]:
    """Add many actions at once, as an import or the generator brings them, and return their
    ids in order.

    Each row holds an action's columns (``ACTION_COLUMNS``; list values, agency, theme and
    meeting by id), the ``recommendation_ids`` it answers and what is already known of it:
    ``target_revisions`` (old_target_on, new_target_on, revised_on, reason: the moves from
    the original target to the current one), ``updates`` (update_on, text, rag, author; the
    action's own RAG is as given) and its completion, closure and sign-off. Each row is
    checked as ``create_action``, ``revise_target``, ``close_action`` and ``sign_off`` check
    one action, except that an imported action may answer no recommendation (its tracker
    did not say which) and may be complete without a closure reason."""
    problems = RowProblems("action", len(rows))
    statuses = {i.id: i for i in lookups.list_items(session, ListKind.ACTION_STATUS, include_archived=True)}
    reasons = {i.id: i for i in lookups.list_items(session, ListKind.CLOSURE_REASON, include_archived=True)}
    meetings = _meeting_dates(session, {r.get("signed_off_meeting_id") for r in rows} - {None})
    today = dt.date.today()
    clean_rows, links, revisions, update_rows, owners = [], [], [], [], []
    for index, row in enumerate(rows):
        if not _ACTION_ROW_KEYS.issuperset(row):
            for name in sorted(row.keys() - _ACTION_ROW_KEYS):
                problems.add(index, name, "is not a field of an action")
        values = {**_NO_VALUES, **row}
        for name in _NOT_COLUMNS:
            values.pop(name, None)
        for name in _LONG_TEXT:
            if values[name] is not None:
                values[name] = multiline_text(values[name])
        for name, limit in _SHORT_TEXT.items():
            if values[name] is not None:
                values[name] = text = optional_text(values[name])
                if text is not None and len(text) > limit:
                    problems.add(index, name, f"is too long ({len(text)} characters; at most {limit})")
        if values["description"] is None:
            problems.add(index, "description", "is required")
        if values["rag"] is not None and values["rag"] not in RAG_VALUES:
            one = Problems()
            values["rag"] = check_rag(one, values["rag"])
            problems.check(index, one)
        _check_state(problems, index, values, statuses, reasons, meetings, today)
        revisions.append(_check_revisions(problems, index, values, row.get("target_revisions") or ()))
        clean_rows.append(values)
        linked = row.get("recommendation_ids") or ()
        links.append(linked if len(set(linked)) == len(linked) else list(dict.fromkeys(linked)))
        for update in row.get("updates") or ():
            update_rows.append(check_update_row(update, problems, index, field="updates: "))
            owners.append(index)
    for field, column, noun in (("theme_id", Theme.id, "theme"), ("lead_agency_id", Agency.id, "agency")):
        check_references(session, problems, clean_rows, field, column, noun)
    known = known_ids(session, Recommendation.id, (i for linked in links for i in linked))
    for index, linked in enumerate(links):
        if not known.issuperset(linked):
            problems.add(index, "recommendations", "one of the recommendations does not exist")
    problems.raise_if_any()

    ids = insert_records(session, Action.__table__, clean_rows, audit=audit,
                         links={"recommendations": links})
    insert_links(session, action_recommendation, [
        {"action_id": action_id, "recommendation_id": rec_id}
        for action_id, linked in zip(ids, links) for rec_id in linked])
    insert_records(session, TargetRevision.__table__, [
        {**move, "action_id": action_id} for action_id, moves in zip(ids, revisions) for move in moves],
        audit=audit)
    for update, owner in zip(update_rows, owners):
        update["action_id"] = ids[owner]
    insert_records(session, ProgressUpdate.__table__, update_rows, audit=audit)
    return ids


def _meeting_dates(session: Session, meeting_ids: set[int]) -> dict[int, dt.date]:
    wanted = sorted(meeting_ids)
    return {i: held for start in range(0, len(wanted), CHUNK)
            for i, held in session.execute(select(Meeting.id, Meeting.held_on)
                                           .where(Meeting.id.in_(wanted[start:start + CHUNK])))}


def _check_state(problems: RowProblems, index: int, values: dict, statuses: dict, reasons: dict,
                 meetings: dict[int, dt.date], today: dt.date) -> None:
    """An action's status, completion, closure and sign-off, as ``close_action`` and
    ``sign_off`` would leave them."""
    status = statuses.get(values["status_id"])
    if status is None:
        problems.add(index, "status_id", "is required" if values["status_id"] is None
                     else f"there is no action status {values['status_id']}")
    completed_on = values["completed_on"]
    if completed_on is not None and completed_on > today:
        problems.add(index, "completed_on", "cannot be in the future")
    if values["closure_reason_id"] is not None:
        reason = reasons.get(values["closure_reason_id"])
        if reason is None:
            problems.add(index, "closure_reason_id", f"there is no closure reason {values['closure_reason_id']}")
        else:
            if status is not None and status.is_open:
                problems.add(index, "status_id",
                             f"'{status.name}' is an open status, but the action has a closure reason")
            if reason.name.lower().startswith("implemented") and not values["evidence_of_completion"]:
                problems.add(index, "evidence_of_completion", "is needed to close an action as implemented")
            if reason.name.lower().startswith("not implemented") and not values["closure_note"]:
                problems.add(index, "closure_note", "say why the action was not implemented")
    meeting_id = values["signed_off_meeting_id"]
    if meeting_id is not None:
        if meeting_id not in meetings:
            problems.add(index, "signed_off_meeting_id", f"there is no meeting {meeting_id}")
        elif values["signed_off_on"] not in (None, meetings[meeting_id]):
            problems.add(index, "signed_off_on", "must be the date of the meeting that signed it off")
        elif meetings[meeting_id] > today:
            problems.add(index, "signed_off_meeting_id", "the meeting has not been held yet")
        values["signed_off_on"] = meetings.get(meeting_id)
        if status is not None and status.is_open:
            problems.add(index, "status_id", "an open action cannot be signed off")
        if not values["evidence_of_completion"]:
            problems.add(index, "evidence_of_completion", "is needed before the sub group can sign an action off")
    elif values["signed_off_on"] is not None:
        problems.add(index, "signed_off_meeting_id", "is required when the action was signed off")


def _check_revisions(problems: RowProblems, index: int, values: dict,
                     moves: Sequence[dict]) -> Sequence[dict]:
    """The target's moves, each from where the last one left it to the current target."""
    if not moves:
        if values["original_target_on"] is None:
            values["original_target_on"] = values["target_on"]  # as create_action keeps it
        elif values["original_target_on"] != values["target_on"]:
            problems.add(index, "target_on", "must be the original target moved by each revision in turn")
        return ()
    target = values["original_target_on"]
    kept = []
    for move in moves:
        if not _REVISION_KEYS.issuperset(move):
            for name in sorted(move.keys() - _REVISION_KEYS):
                problems.add(index, "target_revisions", f"'{name}' is not a field of a target revision")
        if move.get("old_target_on") != target or move.get("new_target_on") is None:
            problems.add(index, "target_revisions", "each move must start from the target the last one set")
        if move.get("revised_on") is None:
            problems.add(index, "target_revisions", "each move needs the date it was made")
        kept.append({"old_target_on": move.get("old_target_on"), "new_target_on": move.get("new_target_on"),
                     "revised_on": move.get("revised_on"), "reason": multiline_text(move.get("reason"))})
        target = move.get("new_target_on")
    if target != values["target_on"]:
        problems.add(index, "target_on", "must be the original target moved by each revision in turn")
    return kept

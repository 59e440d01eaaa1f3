"""Learning events, de-briefs and briefings, and each agency's evidence of spreading them."""

from __future__ import annotations

import datetime as dt
from typing import Sequence

from sqlalchemy.orm import Session

from app import lookups
from app.errors import UserError
from app.services.bulk import (RowProblems, check_list_values, check_references, check_short_texts, insert_records,
                               known_ids, unknown_fields)
from app.services.validation import Problems, multiline_text, optional_text
from db.models import Agency, Dissemination, LearningEvent, ListKind, Review

EVENT_FIELDS = ("title", "event_type", "held_on", "review_id", "attendance", "facilitator", "notes")
DISSEMINATION_FIELDS = ("agency", "disseminated_on", "evidence")


def get_learning_event(session: Session, event_id: int) -> LearningEvent:
    """The learning event with this id; a ``UserError`` if there is none."""
    found = session.get(LearningEvent, event_id)
    if found is None:
        raise UserError(f"Learning event: there is no learning event {event_id}.")
    return found


def _apply_event(session: Session, event: LearningEvent, fields: dict) -> None:
    problems = Problems()
    problems.unknown(fields, EVENT_FIELDS, "a learning event")
    if "title" in fields:
        problems.required("title", fields["title"])
        problems.max_length("title", optional_text(fields["title"]), 300)
    if "event_type" in fields:
        problems.required("event_type", fields["event_type"])
    attendance = fields.get("attendance")
    if attendance is not None and (not isinstance(attendance, int) or attendance < 0):
        problems.add("attendance", "must be a whole number, 0 or more")
    review = None
    if fields.get("review_id") is not None:
        review = session.get(Review, fields["review_id"])
        if review is None:
            problems.add("review_id", f"there is no review {fields['review_id']}")
    problems.raise_if_any()
    if "title" in fields:
        event.title = optional_text(fields["title"])
    if "event_type" in fields:
        event.event_type = lookups.list_item(session, ListKind.LEARNING_EVENT_TYPE, fields["event_type"],
                                             field="event_type")
    if "held_on" in fields:
        event.held_on = fields["held_on"]
    if "review_id" in fields:
        event.review = review
    if "attendance" in fields:
        event.attendance = attendance
    if "facilitator" in fields:
        event.facilitator = optional_text(fields["facilitator"])
    if "notes" in fields:
        event.notes = multiline_text(fields["notes"])


def create_learning_event(session: Session, *, title: str, event_type: str, held_on: dt.date | None = None,
                          review_id: int | None = None, attendance: int | None = None,
                          facilitator: str | None = None, notes: str | None = None) -> LearningEvent:
    """Add a learning event, de-brief, training session or short briefing."""
    event = LearningEvent()
    _apply_event(session, event, {"title": title, "event_type": event_type, "held_on": held_on,
                                  "review_id": review_id, "attendance": attendance,
                                  "facilitator": facilitator, "notes": notes})
    session.add(event)
    session.flush()
    return event


def update_learning_event(session: Session, event_id: int, **fields) -> LearningEvent:
    """Change some fields of a learning event, checked as when it was added."""
    event = get_learning_event(session, event_id)
    _apply_event(session, event, fields)
    session.flush()
    return event


def add_dissemination(session: Session, event_id: int, *, agency: str, disseminated_on: dt.date | None = None,
                      evidence: str | None = None) -> Dissemination:
    """Record an agency's evidence that it spread this event's learning."""
    event = get_learning_event(session, event_id)
    problems = Problems()
    problems.required("agency", agency)
    if disseminated_on and event.held_on and disseminated_on < event.held_on:
        problems.add("disseminated_on", f"cannot be before the event ({event.held_on:%d/%m/%Y})")
    problems.raise_if_any()
    found = lookups.agency(session, agency)
    dissemination = Dissemination(learning_event=event, agency=found, disseminated_on=disseminated_on,
                                  evidence=multiline_text(evidence))
    session.add(dissemination)
    session.flush()
    return dissemination


def update_dissemination(session: Session, dissemination_id: int, **fields) -> Dissemination:
    """Correct an agency's dissemination record: the agency, the date or the evidence."""
    found = session.get(Dissemination, dissemination_id)
    if found is None:
        raise UserError(f"There is no dissemination record {dissemination_id}.")
    problems = Problems()
    problems.unknown(fields, DISSEMINATION_FIELDS, "a dissemination record")
    if "agency" in fields:
        problems.required("agency", fields["agency"])
    problems.raise_if_any()
    if "agency" in fields:
        found.agency = lookups.agency(session, fields["agency"])
    if "disseminated_on" in fields:
        found.disseminated_on = fields["disseminated_on"]
    if "evidence" in fields:
        found.evidence = multiline_text(fields["evidence"])
    session.flush()
    return found


EVENT_COLUMNS = ("title", "event_type_id", "held_on", "review_id", "attendance", "facilitator", "notes")


def create_learning_events(session: Session, rows: Sequence[dict], *, audit: bool = True) -> list[int]:
    """Add many learning events at once (each row: ``EVENT_COLUMNS``, the type by id, and
    the ``disseminations`` recorded for it: agency_id, disseminated_on, evidence), checked as
    ``create_learning_event`` and ``add_dissemination`` check one. Returns the new ids in order."""
    problems = RowProblems("learning event", len(rows))
    clean_rows, spread = [], []
    for index, row in enumerate(rows):
        unknown_fields(problems, index, row, (*EVENT_COLUMNS, "disseminations"), "a learning event")
        values = {name: row.get(name) for name in EVENT_COLUMNS}
        values.update(title=optional_text(values["title"]), facilitator=optional_text(values["facilitator"]),
                      notes=multiline_text(values["notes"]))
        one = Problems()
        one.required("title", values["title"])
        one.required("event_type", values["event_type_id"])
        attendance = values["attendance"]
        if attendance is not None and (not isinstance(attendance, int) or attendance < 0):
            one.add("attendance", "must be a whole number, 0 or more")
        disseminations = []
        for each in row.get("disseminations") or ():
            if set(each) - {"agency_id", "disseminated_on", "evidence"}:
                one.add("disseminations", "a dissemination holds agency_id, disseminated_on and evidence")
            one.required("disseminations", each.get("agency_id"))
            on = each.get("disseminated_on")
            if on and values["held_on"] and on < values["held_on"]:
                one.add("disseminated_on", f"cannot be before the event ({values['held_on']:%d/%m/%Y})")
            disseminations.append({"agency_id": each.get("agency_id"), "disseminated_on": on,
                                   "evidence": multiline_text(each.get("evidence"))})
        problems.check(index, one)
        check_short_texts(problems, index, values, {"title": 300, "facilitator": 200})
        clean_rows.append(values)
        spread.append(disseminations)
    check_list_values(session, problems, clean_rows, "event_type_id", ListKind.LEARNING_EVENT_TYPE)
    check_references(session, problems, clean_rows, "review_id", Review.id, "review")
    known = known_ids(session, Agency.id, (d["agency_id"] for each in spread for d in each))
    for index, each in enumerate(spread):
        if any(d["agency_id"] not in known for d in each):
            problems.add(index, "disseminations", "one of the agencies does not exist")
    problems.raise_if_any()
    ids = insert_records(session, LearningEvent.__table__, clean_rows, audit=audit)
    insert_records(session, Dissemination.__table__, [{**d, "learning_event_id": event_id}
                                                      for event_id, each in zip(ids, spread) for d in each],
                   audit=audit)
    return ids

"""Recommendations, numbered within their review, with the board's response and each
partner agency's own response."""

from __future__ import annotations

import datetime as dt
from typing import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import lookups
from app.errors import UserError
from app.services.bulk import CHUNK, RowProblems, check_list_values, check_references, insert_records
from app.services.records import TODAY, _Today, get_record
from app.services.records import added_on as added_on_day
from app.services.reviews import get_review
from app.services.validation import Problems, multiline_text, optional_text
from db.models import AgencyResponse, ListKind, Recommendation, Review, Theme

RECOMMENDATION_FIELDS = ("number", "document_number", "text", "addressed_to", "theme",
                         "response_status", "board_response", "response_on")


def get_recommendation(session: Session, recommendation_id: int) -> Recommendation:
    """The recommendation with this id; a ``UserError`` if there is none."""
    return get_record(session, Recommendation, recommendation_id, "recommendation")


def _number_taken(session: Session, review_id: int, number: int, but: int | None = None) -> bool:
    query = select(Recommendation.id).where(Recommendation.review_id == review_id,
                                            Recommendation.number == number)
    if but is not None:
        query = query.where(Recommendation.id != but)
    return session.scalar(query) is not None


def add_recommendation(session: Session, review_id: int, *, text: str, theme: str | None = None,
                       number: int | None = None, addressed_to: str | None = None,
                       document_number: str | None = None,
                       added_on: dt.date | None | _Today = TODAY) -> Recommendation:
    """Add a recommendation to a review, numbered next unless a number is given; ``added_on``
    the day it was put on the record (today unless the caller knows)."""
    review = get_review(session, review_id)
    problems = Problems()
    problems.required("text", text)
    if number is not None:
        if number < 1:
            problems.add("number", "must be 1 or more")
        elif _number_taken(session, review.id, number):
            problems.add("number", f"{review.reference} already has a recommendation {number}")
    problems.raise_if_any()
    if number is None:
        number = (session.scalar(select(func.max(Recommendation.number))
                                 .where(Recommendation.review_id == review.id)) or 0) + 1
    rec = Recommendation(review=review, number=number, text=multiline_text(text),
                         addressed_to=optional_text(addressed_to),
                         document_number=optional_text(document_number),
                         theme=lookups.theme(session, theme) if theme else None, added_on=added_on_day(added_on))
    session.add(rec)
    session.flush()
    return rec


def update_recommendation(session: Session, recommendation_id: int, **fields) -> Recommendation:
    """Correct a recommendation's number, text, theme or addressees, or its response."""
    rec = get_recommendation(session, recommendation_id)
    problems = Problems()
    problems.unknown(fields, RECOMMENDATION_FIELDS, "a recommendation")
    if "text" in fields:
        problems.required("text", fields["text"])
    if "number" in fields:
        number = fields["number"]
        if not isinstance(number, int) or number < 1:
            problems.add("number", "must be 1 or more")
        elif _number_taken(session, rec.review_id, number, but=rec.id):
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


def set_board_response(session: Session, recommendation_id: int, *, status: str,
                       response: str | None = None, response_on: dt.date | None = None) -> Recommendation:
    """Record the board's response (accepted / endorsed ...) to a recommendation."""
    rec = session.get(Recommendation, recommendation_id)
    if rec is None:
        raise UserError(f"Recommendation: there is no recommendation {recommendation_id}.")
    rec.response_status = lookups.list_item(session, ListKind.RESPONSE_STATUS, status, field="response_status")
    rec.board_response = multiline_text(response)
    rec.response_on = response_on
    session.flush()
    return rec


def add_agency_response(session: Session, recommendation_id: int, *, agency: str, text: str,
                        response_on: dt.date | None = None) -> AgencyResponse:
    """Record one partner agency's own response to a recommendation (one per agency)."""
    rec = session.get(Recommendation, recommendation_id)
    if rec is None:
        raise UserError(f"Recommendation: there is no recommendation {recommendation_id}.")
    problems = Problems()
    problems.required("text", text)
    problems.raise_if_any()
    found = lookups.agency(session, agency)
    if any(r.agency_id == found.id for r in rec.agency_responses):
        raise UserError(f"Agency: {found.name} has already responded to this recommendation; "
                        "edit that response instead.", field="agency")
    response = AgencyResponse(recommendation=rec, agency=found, text=multiline_text(text),
                              response_on=response_on)
    session.add(response)
    session.flush()
    return response


RECOMMENDATION_COLUMNS = ("review_id", "number", "document_number", "text", "addressed_to", "theme_id",
                          "response_status_id", "board_response", "response_on")


def add_recommendations(session: Session, rows: Sequence[dict], *, audit: bool | str = True) -> list[int]:
    """Add many recommendations at once (each row: ``RECOMMENDATION_COLUMNS``, theme and
    response status by id), checked as ``add_recommendation`` checks one: a number is
    given, 1 or more, and not used twice in a review. Returns the new ids in order."""
    problems = RowProblems("recommendation", len(rows))
    clean_rows = []
    for index, row in enumerate(rows):
        one = Problems()
        one.unknown(row, RECOMMENDATION_COLUMNS, "a recommendation")
        values = {name: row.get(name) for name in RECOMMENDATION_COLUMNS}
        values.update(text=multiline_text(values["text"]), board_response=multiline_text(values["board_response"]),
                      addressed_to=optional_text(values["addressed_to"]),
                      document_number=optional_text(values["document_number"]))
        one.required("review_id", values["review_id"])
        one.required("text", values["text"])
        if not isinstance(values["number"], int) or values["number"] < 1:
            one.add("number", "must be 1 or more")
        problems.check(index, one)
        clean_rows.append(values)
    check_references(session, problems, clean_rows, "review_id", Review.id, "review")
    check_references(session, problems, clean_rows, "theme_id", Theme.id, "theme")
    check_list_values(session, problems, clean_rows, "response_status_id", ListKind.RESPONSE_STATUS)
    taken = _numbers_taken(session, {row["review_id"] for row in clean_rows})
    for index, row in enumerate(clean_rows):
        key = (row["review_id"], row["number"])
        if key in taken:
            problems.add(index, "number", f"review {row['review_id']} already has a recommendation {row['number']}")
        taken.add(key)
    problems.raise_if_any()
    return insert_records(session, Recommendation.__table__, clean_rows, audit=audit)


def _numbers_taken(session: Session, review_ids: set) -> set[tuple[int, int]]:
    wanted = sorted(i for i in review_ids if i is not None)
    taken: set[tuple[int, int]] = set()
    for start in range(0, len(wanted), CHUNK):
        taken.update(session.execute(select(Recommendation.review_id, Recommendation.number)
                                     .where(Recommendation.review_id.in_(wanted[start:start + CHUNK]))))
    return {tuple(key) for key in taken}

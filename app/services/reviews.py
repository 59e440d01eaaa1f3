"""Reviews, their recommendations and the board's and agencies' responses."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import lookups
from app.errors import UserError
from app.services.referrals import get_referral
from app.services.validation import Problems, by_reference, multiline_text, optional_text
from db.models import AgencyResponse, ListKind, PanelReport, Recommendation, Review

REVIEW_DATE_FIELDS = ("decision_on", "initiated_on", "learning_event_on", "completed_on",
                      "published_on", "briefing_issued_on", "target_override_on")
REVIEW_TEXT_FIELDS = ("title", "status_note", "lead_reviewers", "delay_reason",
                      "family_involvement", "summary", "notes")
REVIEW_LISTS = {"review_type": ListKind.REVIEW_TYPE, "methodology": ListKind.METHODOLOGY,
                "status": ListKind.REVIEW_STATUS}


def get_review(session: Session, reference_or_id: str | int) -> Review:
    """The review with this id or reference."""
    return by_reference(session, Review, reference_or_id, "review")


def _apply_review_fields(session: Session, review: Review, fields: dict) -> None:
    problems = Problems()
    known = set(REVIEW_DATE_FIELDS) | set(REVIEW_TEXT_FIELDS) | set(REVIEW_LISTS) | {"reference"}
    for name in sorted(set(fields) - known):
        problems.add(name, "is not a field of a review")
    if "reference" in fields:
        review.reference = problems.unique_reference(session, review, fields["reference"], "review")
    for name in REVIEW_TEXT_FIELDS:
        if name in fields:
            value = fields[name]
            setattr(review, name, optional_text(value) if name in ("title", "lead_reviewers")
                    else multiline_text(value))
    if "title" in fields:
        problems.required("title", review.title)
    for name in REVIEW_DATE_FIELDS:
        if name in fields:
            setattr(review, name, fields[name])
    problems.date_order("decision date", review.decision_on, "initiated_on", review.initiated_on)
    problems.date_order("date initiated", review.initiated_on, "completed_on", review.completed_on)
    problems.date_order("date completed", review.completed_on, "published_on", review.published_on)
    if "review_type" in fields and not fields["review_type"]:
        problems.add("review_type", "is required")
    problems.raise_if_any()
    for name, kind in REVIEW_LISTS.items():
        if name in fields:
            value = fields[name]
            setattr(review, name, lookups.list_item(session, kind, value, field=name) if value else None)


def create_review(session: Session, *, reference: str, title: str, review_type: str,
                  referrals: list[str] = (), **fields) -> Review:
    """Commission a review covering one or more referrals (given by reference)."""
    review = Review()
    _apply_review_fields(session, review, {"reference": reference, "title": title,
                                           "review_type": review_type, **fields})
    review.referrals = [get_referral(session, ref) for ref in referrals]
    session.add(review)
    session.flush()
    return review


def update_review(session: Session, review_id: int, **fields) -> Review:
    review = get_review(session, review_id)
    _apply_review_fields(session, review, fields)
    session.flush()
    return review


def link_referral(session: Session, review_id: int, referral: str | int) -> Review:
    """Add a referral to the ones a review covers (a thematic review covers several)."""
    review = get_review(session, review_id)
    found = get_referral(session, referral)
    if found not in review.referrals:
        review.referrals.append(found)
    session.flush()
    return review


def add_recommendation(session: Session, review_id: int, *, text: str, theme: str | None = None,
                       number: int | None = None, addressed_to: str | None = None,
                       document_number: str | None = None) -> Recommendation:
    """Add a recommendation to a review, numbered next unless a number is given."""
    review = get_review(session, review_id)
    problems = Problems()
    problems.required("text", text)
    if number is not None:
        if number < 1:
            problems.add("number", "must be 1 or more")
        elif session.scalar(select(Recommendation.id).where(
                Recommendation.review_id == review.id, Recommendation.number == number)):
            problems.add("number", f"{review.reference} already has a recommendation {number}")
    problems.raise_if_any()
    if number is None:
        number = (session.scalar(select(func.max(Recommendation.number))
                                 .where(Recommendation.review_id == review.id)) or 0) + 1
    rec = Recommendation(review=review, number=number, text=multiline_text(text),
                         addressed_to=optional_text(addressed_to),
                         document_number=optional_text(document_number),
                         theme=lookups.theme(session, theme) if theme else None)
    session.add(rec)
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


def latest_panel_report(review: Review) -> PanelReport:
    """The scrutiny panel report to print for a review: its latest one."""
    reports = [p for p in review.panel_reports if p.archived_at is None]
    if not reports:
        raise UserError(f"No scrutiny panel report has been written for review {review.reference}. "
                        "Fill in its panel report first.", field="review")
    return max(reports, key=lambda p: (p.decision_on or dt.date.min, p.id))

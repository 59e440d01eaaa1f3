"""Reviews: commissioned by a decision, covering one or more referrals, with the scrutiny
panel's cover report once published."""

from __future__ import annotations

import datetime as dt
from typing import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import lookups
from app.errors import UserError
from app.services.bulk import (RowProblems, check_list_values, check_short_texts, insert_links, insert_records,
                               known_ids, unknown_fields)
from app.services.records import by_reference
from app.services.referrals import get_referral
from app.services.validation import Problems, multiline_text, optional_text
from db.models import ListKind, PanelReport, Referral, Review, review_referral

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
    problems.unknown(fields, known, "a review")
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
    """Change some fields of a review (dates, status, lists by name); the audit trail records each."""
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


def set_review_referrals(session: Session, review_id: int, referral_ids: list[int]) -> Review:
    """Set the referrals a review covers (adding and removing)."""
    review = get_review(session, review_id)
    review.referrals = [get_referral(session, int(i)) for i in referral_ids]
    session.flush()
    return review


PANEL_REPORT_TEXT_FIELDS = ("report_of", "contact_details", "chair_name", "chair_phone", "chair_email",
                            "author_title", "author_name", "author_phone", "author_email", "exemption",
                            "brief_summary", "recommendations_text", "reasons", "alternative_options", "detail",
                            "capital_revenue", "property_other", "statutory_basis", "other_legal",
                            "risk_management", "policy_framework", "wards_affected", "appendices",
                            "members_room_documents", "background_papers")
"""The parts of the council's template the office writes (one line each where it lists things)."""
PANEL_REPORT_FLAGS = ("exempt", "key_decision", "equality_assessment", "data_protection_assessment")
"""The template's yes/no questions (None: not answered yet)."""


def _panel_report_fields(problems: Problems, fields: dict) -> dict:
    """The panel report's own fields, checked: text cleaned, yes/no questions yes, no or blank."""
    problems.unknown(fields, (*PANEL_REPORT_TEXT_FIELDS, *PANEL_REPORT_FLAGS), "a panel report")
    values = {}
    for name, value in fields.items():
        if name in PANEL_REPORT_FLAGS:
            if value not in (True, False, None):
                problems.add(name, "answer yes or no")
            values[name] = value
        elif name in PANEL_REPORT_TEXT_FIELDS:
            values[name] = multiline_text(value)
    for name, limit in (("chair_phone", 60), ("author_phone", 60), ("chair_email", 200), ("author_email", 200),
                        ("chair_name", 200), ("author_name", 200), ("author_title", 200), ("wards_affected", 300)):
        problems.max_length(name, values.get(name), limit)
    for name in ("chair_email", "author_email"):
        if values.get(name) and "@" not in values[name]:
            problems.add(name, "is not an e-mail address")
    return values


def add_panel_report(session: Session, review_id: int, *, decision_maker: str, subject: str,
                     decision_on: dt.date | None = None, **fields) -> PanelReport:
    """Write the scrutiny panel's cover report for a review (lists such as ``appendices``: one a line)."""
    review = get_review(session, review_id)
    problems = Problems()
    values = _panel_report_fields(problems, fields)
    problems.required("decision_maker", decision_maker)
    problems.required("subject", subject)
    problems.max_length("decision_maker", optional_text(decision_maker), 200)
    problems.max_length("subject", optional_text(subject), 300)
    problems.date_order("date published", review.published_on, "decision_on", decision_on)
    problems.raise_if_any()
    report = PanelReport(review=review, decision_maker=optional_text(decision_maker),
                         subject=optional_text(subject), decision_on=decision_on, **values)
    session.add(report)
    session.flush()
    return report


def update_panel_report(session: Session, report_id: int, **fields) -> PanelReport:
    """Change parts of a panel report: what the office fills in before printing is kept with
    the review for the next time."""
    report = session.get(PanelReport, report_id)
    if report is None or report.archived_at is not None:
        raise UserError(f"There is no panel report {report_id}.")
    problems = Problems()
    head = {name: fields.pop(name) for name in ("decision_maker", "subject", "decision_on") if name in fields}
    values = _panel_report_fields(problems, fields)
    for name in ("decision_maker", "subject"):
        if name in head:
            problems.required(name, head[name])
            head[name] = optional_text(head[name])
    problems.raise_if_any()
    for name, value in {**head, **values}.items():
        setattr(report, name, value)
    session.flush()
    return report


def save_panel_report(session: Session, reference_or_id: str | int, fields: dict) -> PanelReport:
    """Keep what the office filled in before printing a review's panel report: the parts that
    differ from its latest report are changed, or, for a review with none yet, one is written."""
    review = get_review(session, reference_or_id)
    if not optional_text(fields.get("subject")):  # blank prints the usual subject: keep that
        fields = {**fields, "subject": panel_subject(review)}
    if not has_panel_report(review):
        return add_panel_report(session, review.id, **fields)
    report = latest_panel_report(review)
    changed = {name: value for name, value in fields.items()
               if _panel_value(name, value) != _panel_value(name, getattr(report, name))}
    return update_panel_report(session, report.id, **changed) if changed else report


def panel_subject(review: Review) -> str:
    """A panel report's subject unless the office writes another: the review's type and title."""
    return f"{review.review_type.name}: {review.title}" if review.review_type else review.title


def _panel_value(name: str, value):
    """A panel report's part as it would be stored, to tell a change from the same text retyped."""
    if name in PANEL_REPORT_FLAGS or name == "decision_on":
        return value
    return (optional_text(value) if name in ("decision_maker", "subject") else multiline_text(value)) or None


def has_panel_report(review: Review) -> bool:
    """Whether the review has a current scrutiny panel report (one not deleted)."""
    return any(report.archived_at is None for report in review.panel_reports)


def latest_panel_report(review: Review) -> PanelReport:
    """The scrutiny panel report to print for a review: its latest one."""
    reports = [p for p in review.panel_reports if p.archived_at is None]
    if not reports:
        raise UserError(f"No scrutiny panel report has been written for review {review.reference}. "
                        "Fill in its panel report first: Reports > Scrutiny panel cover report in the "
                        "window asks for it.", field="review")
    return max(reports, key=lambda p: (p.decision_on or dt.date.min, p.id))


REVIEW_COLUMNS = ("reference", "title", "review_type_id", "methodology_id", "status_id",
                  *REVIEW_TEXT_FIELDS[1:], *REVIEW_DATE_FIELDS)
_DATE_ORDER = (("decision date", "decision_on", "initiated_on"), ("date initiated", "initiated_on", "completed_on"),
               ("date completed", "completed_on", "published_on"))


def create_reviews(session: Session, rows: Sequence[dict], *, audit: bool = True) -> list[int]:
    """Commission many reviews at once (each row: ``REVIEW_COLUMNS``, list values by id, and
    the ``referral_ids`` it covers), checked as ``create_review`` checks one. Returns the new
    ids in order."""
    problems = RowProblems("review", len(rows))
    taken = set(session.scalars(select(Review.reference)))
    clean_rows, links = [], []
    for index, row in enumerate(rows):
        unknown_fields(problems, index, row, (*REVIEW_COLUMNS, "referral_ids"), "a review")
        values = {name: row.get(name) for name in REVIEW_COLUMNS}
        values["reference"] = optional_text(values["reference"])
        for name in REVIEW_TEXT_FIELDS:
            values[name] = (optional_text if name in ("title", "lead_reviewers") else multiline_text)(values[name])
        one = Problems()
        one.required("reference", values["reference"])
        one.required("title", values["title"])
        one.required("review_type", values["review_type_id"])
        for earlier_label, earlier, later in _DATE_ORDER:
            one.date_order(earlier_label, values[earlier], later, values[later])
        if values["reference"] in taken:
            one.add("reference", f"'{values['reference']}' is already used by another review")
        taken.add(values["reference"])
        problems.check(index, one)
        check_short_texts(problems, index, values, {"reference": 40, "title": 200, "lead_reviewers": 400})
        clean_rows.append(values)
        links.append(list(dict.fromkeys(row.get("referral_ids") or ())))
    for field, kind in REVIEW_LISTS.items():
        check_list_values(session, problems, clean_rows, f"{field}_id", kind)
    known = known_ids(session, Referral.id, (i for linked in links for i in linked))
    for index, linked in enumerate(links):
        if set(linked) - known:
            problems.add(index, "referral_ids", "one of the referrals does not exist")
    problems.raise_if_any()
    ids = insert_records(session, Review.__table__, clean_rows, audit=audit, links={"referrals": links})
    insert_links(session, review_referral, [{"review_id": review_id, "referral_id": referral_id}
                                            for review_id, linked in zip(ids, links) for referral_id in linked])
    return ids

"""SQLAlchemy models for everything the case review office keeps.

Conventions:
- every record the officer edits has ``archived_at`` (deleting archives; purging is separate)
  and ``version`` (optimistic locking, so a second copy of the program cannot silently
  overwrite a change);
- editable lists (review types, outcomes, statuses, ...) live in ``list_item`` keyed by
  ``kind``; agencies, themes and clocks have tables of their own because they carry more;
- nothing here is SQLite-specific, so the same models run on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

# Stable constraint names keep Alembic batch migrations on SQLite predictable.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Versioned:
    """Mixin: archive flag and a version counter used for optimistic locking."""

    archived_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.__table__.c.version}


# --- editable lists --------------------------------------------------------------------

class ListKind:
    """The kinds of editable list kept in ``list_item``."""

    REVIEW_TYPE = "review_type"
    DECISION_OUTCOME = "decision_outcome"
    METHODOLOGY = "methodology"
    REVIEW_STATUS = "review_status"
    ACTION_STATUS = "action_status"
    CLOSURE_REASON = "closure_reason"
    REFERRAL_CATEGORY = "referral_category"
    RESPONSE_STATUS = "response_status"
    LEARNING_EVENT_TYPE = "learning_event_type"

    ALL = (
        REVIEW_TYPE, DECISION_OUTCOME, METHODOLOGY, REVIEW_STATUS, ACTION_STATUS,
        CLOSURE_REASON, REFERRAL_CATEGORY, RESPONSE_STATUS, LEARNING_EVENT_TYPE,
    )


class ListItem(Base):
    """One value of an editable list (a review type, an outcome, an action status...)."""

    __tablename__ = "list_item"
    __table_args__ = (UniqueConstraint("kind", "name", name="uq_list_item_kind_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    name: Mapped[str] = mapped_column(String(200))
    # A stable code for values the program reasons about ("scr", "lcspr", "nfa").
    code: Mapped[Optional[str]] = mapped_column(String(40))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    # For action and review statuses: does this status count as still open?
    is_open: Mapped[Optional[bool]] = mapped_column(Boolean)
    # For review types: the clock that sets a review's target date.
    clock_id: Mapped[Optional[int]] = mapped_column(ForeignKey("clock_rule.id"))
    # For decision outcomes: the review type this outcome commissions, if any.
    review_type_id: Mapped[Optional[int]] = mapped_column(ForeignKey("list_item.id"))
    archived_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)

    clock: Mapped[Optional["ClockRule"]] = relationship()
    review_type: Mapped[Optional["ListItem"]] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return f"<ListItem {self.kind}:{self.name}>"


class ClockRule(Base):
    """A statutory or local clock: its length, unit and the event that starts it."""

    __tablename__ = "clock_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    length: Mapped[int] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(String(20))  # working_days | days | months
    # Which recorded date starts the clock, e.g. "referral.date_aware", "review.initiated_on".
    start_event: Mapped[str] = mapped_column(String(60))
    # Which recorded date stops it (None: a minimum period, not a deadline).
    done_event: Mapped[Optional[str]] = mapped_column(String(60))
    # The guidance a clock comes from has a start and an end: records whose clock would have
    # started outside these dates are not held to it.
    applies_from: Mapped[Optional[dt.date]] = mapped_column(Date)
    applies_until: Mapped[Optional[dt.date]] = mapped_column(Date)
    source: Mapped[Optional[str]] = mapped_column(String(200))
    notes: Mapped[Optional[str]] = mapped_column(Text)
    archived_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)

    __table_args__ = (
        CheckConstraint("unit IN ('working_days', 'days', 'months')", name="unit"),
        CheckConstraint("length >= 0", name="length"),
    )


class Agency(Versioned, Base):
    """A partner agency; other spellings of its name are kept as aliases."""

    __tablename__ = "agency"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    short_name: Mapped[Optional[str]] = mapped_column(String(60))
    sector: Mapped[Optional[str]] = mapped_column(String(60))  # police, health, ...

    aliases: Mapped[list["AgencyAlias"]] = relationship(
        back_populates="agency", cascade="all, delete-orphan"
    )


class AgencyAlias(Base):
    """Another spelling of an agency's name ("Childrens Services")."""

    __tablename__ = "agency_alias"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(200))
    # Lower-cased, whitespace-collapsed form used for matching; unique across agencies.
    alias_key: Mapped[str] = mapped_column(String(200), unique=True)

    agency: Mapped[Agency] = relationship(back_populates="aliases")


class Theme(Versioned, Base):
    """A learning theme recommendations are grouped under ("Neglect")."""

    __tablename__ = "theme"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


# --- meetings, referrals, decisions -----------------------------------------------------

meeting_referral = Table(
    "meeting_referral",
    Base.metadata,
    Column("meeting_id", ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True),
    Column("referral_id", ForeignKey("referral.id", ondelete="CASCADE"), primary_key=True),
)


class Meeting(Versioned, Base):
    """A meeting of the case review sub group."""

    __tablename__ = "meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    held_on: Mapped[dt.date] = mapped_column(Date, index=True)
    title: Mapped[str] = mapped_column(String(200), default="Case review sub group")
    chair: Mapped[Optional[str]] = mapped_column(String(200))
    notes: Mapped[Optional[str]] = mapped_column(Text)

    referrals_considered: Mapped[list["Referral"]] = relationship(
        secondary=meeting_referral, back_populates="meetings"
    )
    decisions: Mapped[list["Decision"]] = relationship(back_populates="meeting")


class Referral(Versioned, Base):
    """A serious incident put to the sub group for a decision on review."""

    __tablename__ = "referral"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    date_referred: Mapped[Optional[dt.date]] = mapped_column(Date)
    # When the local authority / partners became aware: starts the notification clocks.
    date_aware: Mapped[Optional[dt.date]] = mapped_column(Date)
    referring_agency_id: Mapped[Optional[int]] = mapped_column(ForeignKey("agency.id"))
    subject: Mapped[Optional[str]] = mapped_column(String(200))  # pseudonym: "Child U"
    summary: Mapped[Optional[str]] = mapped_column(Text)
    location: Mapped[Optional[str]] = mapped_column(String(120))
    gender: Mapped[Optional[str]] = mapped_column(String(40))
    age_text: Mapped[Optional[str]] = mapped_column(String(40))  # "1 yr 11 mths", "Various"
    category_id: Mapped[Optional[int]] = mapped_column(ForeignKey("list_item.id"))
    notification_sent_on: Mapped[Optional[dt.date]] = mapped_column(Date)  # to Ofsted / Panel
    rapid_review_sent_on: Mapped[Optional[dt.date]] = mapped_column(Date)
    panel_told_of_decision_on: Mapped[Optional[dt.date]] = mapped_column(Date)
    notes: Mapped[Optional[str]] = mapped_column(Text)

    referring_agency: Mapped[Optional[Agency]] = relationship()
    category: Mapped[Optional[ListItem]] = relationship()
    decisions: Mapped[list["Decision"]] = relationship(
        back_populates="referral",
        order_by="(Decision.decided_on, Decision.id)",
        cascade="all, delete-orphan",
    )
    reviews: Mapped[list["Review"]] = relationship(
        secondary="review_referral", back_populates="referrals"
    )
    meetings: Mapped[list[Meeting]] = relationship(
        secondary=meeting_referral, back_populates="referrals_considered"
    )


class Decision(Versioned, Base):
    """One decision on a referral. Later decisions are added; earlier ones are kept."""

    __tablename__ = "decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(
        ForeignKey("referral.id", ondelete="CASCADE"), index=True
    )
    decided_on: Mapped[dt.date] = mapped_column(Date, index=True)
    decided_by: Mapped[Optional[str]] = mapped_column(String(200))  # "Sub group", "Independent chair"
    meeting_id: Mapped[Optional[int]] = mapped_column(ForeignKey("meeting.id"))
    outcome_id: Mapped[int] = mapped_column(ForeignKey("list_item.id"))
    criteria_met: Mapped[Optional[bool]] = mapped_column(Boolean)
    criteria_basis: Mapped[Optional[str]] = mapped_column(String(200))  # "Regulation 5 (2006)"
    rationale: Mapped[Optional[str]] = mapped_column(Text)

    referral: Mapped[Referral] = relationship(back_populates="decisions")
    meeting: Mapped[Optional[Meeting]] = relationship(back_populates="decisions")
    outcome: Mapped[ListItem] = relationship()


# --- reviews and their learning ---------------------------------------------------------

review_referral = Table(
    "review_referral",
    Base.metadata,
    Column("review_id", ForeignKey("review.id", ondelete="CASCADE"), primary_key=True),
    Column("referral_id", ForeignKey("referral.id", ondelete="CASCADE"), primary_key=True),
)


class Review(Versioned, Base):
    """A review commissioned by a decision; may cover several referrals."""

    __tablename__ = "review"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200))  # "Child I and Child M"
    review_type_id: Mapped[int] = mapped_column(ForeignKey("list_item.id"))
    methodology_id: Mapped[Optional[int]] = mapped_column(ForeignKey("list_item.id"))
    status_id: Mapped[Optional[int]] = mapped_column(ForeignKey("list_item.id"))
    status_note: Mapped[Optional[str]] = mapped_column(Text)  # "workshop arranged for May 2017"
    lead_reviewers: Mapped[Optional[str]] = mapped_column(String(400))
    decision_on: Mapped[Optional[dt.date]] = mapped_column(Date)
    initiated_on: Mapped[Optional[dt.date]] = mapped_column(Date)
    learning_event_on: Mapped[Optional[dt.date]] = mapped_column(Date)
    completed_on: Mapped[Optional[dt.date]] = mapped_column(Date)
    published_on: Mapped[Optional[dt.date]] = mapped_column(Date)
    briefing_issued_on: Mapped[Optional[dt.date]] = mapped_column(Date)
    # Set only when the office agrees a different target from the clock's.
    target_override_on: Mapped[Optional[dt.date]] = mapped_column(Date)
    delay_reason: Mapped[Optional[str]] = mapped_column(Text)
    family_involvement: Mapped[Optional[str]] = mapped_column(Text)
    summary: Mapped[Optional[str]] = mapped_column(Text)
    notes: Mapped[Optional[str]] = mapped_column(Text)

    review_type: Mapped[ListItem] = relationship(foreign_keys=[review_type_id])
    methodology: Mapped[Optional[ListItem]] = relationship(foreign_keys=[methodology_id])
    status: Mapped[Optional[ListItem]] = relationship(foreign_keys=[status_id])
    referrals: Mapped[list[Referral]] = relationship(
        secondary=review_referral, back_populates="reviews"
    )
    recommendations: Mapped[list["Recommendation"]] = relationship(
        back_populates="review", order_by="Recommendation.number"
    )
    learning_events: Mapped[list["LearningEvent"]] = relationship(back_populates="review")
    panel_reports: Mapped[list["PanelReport"]] = relationship(back_populates="review")


class Recommendation(Versioned, Base):
    """A recommendation, numbered within its review, with the board's response."""

    __tablename__ = "recommendation"
    __table_args__ = (UniqueConstraint("review_id", "number", name="uq_recommendation_review_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    # The number a published response document gives it, when that differs (seed 002 runs 1-29
    # across three reviews).
    document_number: Mapped[Optional[str]] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    addressed_to: Mapped[Optional[str]] = mapped_column(String(400))
    theme_id: Mapped[Optional[int]] = mapped_column(ForeignKey("theme.id"), index=True)
    response_status_id: Mapped[Optional[int]] = mapped_column(ForeignKey("list_item.id"))
    board_response: Mapped[Optional[str]] = mapped_column(Text)
    response_on: Mapped[Optional[dt.date]] = mapped_column(Date)
    # The day it was put on the record; None when not known (brought in from elsewhere). Papers
    # for an earlier date leave it out.
    added_on: Mapped[Optional[dt.date]] = mapped_column(Date)

    review: Mapped[Review] = relationship(back_populates="recommendations")
    theme: Mapped[Optional[Theme]] = relationship()
    response_status: Mapped[Optional[ListItem]] = relationship()
    agency_responses: Mapped[list["AgencyResponse"]] = relationship(
        back_populates="recommendation", cascade="all, delete-orphan"
    )
    actions: Mapped[list["Action"]] = relationship(
        secondary="action_recommendation", back_populates="recommendations"
    )


class AgencyResponse(Versioned, Base):
    """One partner agency's own response to a recommendation (seed 003)."""

    __tablename__ = "agency_response"
    __table_args__ = (
        UniqueConstraint("recommendation_id", "agency_id", name="uq_agency_response_rec_agency"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendation.id", ondelete="CASCADE"), index=True
    )
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    text: Mapped[str] = mapped_column(Text)
    response_on: Mapped[Optional[dt.date]] = mapped_column(Date)

    recommendation: Mapped[Recommendation] = relationship(back_populates="agency_responses")
    agency: Mapped[Agency] = relationship()


# --- the composite action plan ----------------------------------------------------------

action_recommendation = Table(
    "action_recommendation",
    Base.metadata,
    Column("action_id", ForeignKey("action.id", ondelete="CASCADE"), primary_key=True),
    Column("recommendation_id", ForeignKey("recommendation.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_action_recommendation_recommendation_id", "recommendation_id"),
)

RAG_VALUES = ("Red", "Amber", "Green", "Blue")  # Blue: complete


class Action(Versioned, Base):
    """What an agency will do about one or more recommendations."""

    __tablename__ = "action"
    __table_args__ = (
        CheckConstraint("rag IS NULL OR rag IN ('Red', 'Amber', 'Green', 'Blue')", name="rag"),
        Index("ix_action_open_target", "status_id", "target_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[Optional[str]] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text)
    theme_id: Mapped[Optional[int]] = mapped_column(ForeignKey("theme.id"))
    lead_agency_id: Mapped[Optional[int]] = mapped_column(ForeignKey("agency.id"), index=True)
    lead_officer: Mapped[Optional[str]] = mapped_column(String(200))  # a role is fine
    evidence_required: Mapped[Optional[str]] = mapped_column(Text)
    original_target_on: Mapped[Optional[dt.date]] = mapped_column(Date)
    target_on: Mapped[Optional[dt.date]] = mapped_column(Date)  # current (possibly revised)
    # Kept when the target cannot be read as a date ("Ongoing", "TBC").
    target_text: Mapped[Optional[str]] = mapped_column(String(100))
    status_id: Mapped[int] = mapped_column(ForeignKey("list_item.id"))
    rag: Mapped[Optional[str]] = mapped_column(String(10))
    evidence_of_completion: Mapped[Optional[str]] = mapped_column(Text)
    evidence_of_impact: Mapped[Optional[str]] = mapped_column(Text)
    completed_on: Mapped[Optional[dt.date]] = mapped_column(Date)
    closure_reason_id: Mapped[Optional[int]] = mapped_column(ForeignKey("list_item.id"))
    closure_note: Mapped[Optional[str]] = mapped_column(Text)
    signed_off_on: Mapped[Optional[dt.date]] = mapped_column(Date)
    signed_off_meeting_id: Mapped[Optional[int]] = mapped_column(ForeignKey("meeting.id"))
    # The day it was added to the plan; None when not known (brought in from elsewhere).
    added_on: Mapped[Optional[dt.date]] = mapped_column(Date)

    theme: Mapped[Optional[Theme]] = relationship()
    lead_agency: Mapped[Optional[Agency]] = relationship()
    status: Mapped[ListItem] = relationship(foreign_keys=[status_id])
    closure_reason: Mapped[Optional[ListItem]] = relationship(foreign_keys=[closure_reason_id])
    signed_off_meeting: Mapped[Optional[Meeting]] = relationship()
    recommendations: Mapped[list[Recommendation]] = relationship(
        secondary=action_recommendation, back_populates="actions"
    )
    updates: Mapped[list["ProgressUpdate"]] = relationship(
        back_populates="action",
        order_by="(ProgressUpdate.update_on, ProgressUpdate.id)",
        cascade="all, delete-orphan",
    )
    target_revisions: Mapped[list["TargetRevision"]] = relationship(
        back_populates="action", order_by="TargetRevision.id", cascade="all, delete-orphan"
    )


class TargetRevision(Base):
    """Each time an action's target date moved: from, to, when and why."""

    __tablename__ = "target_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"), index=True)
    old_target_on: Mapped[Optional[dt.date]] = mapped_column(Date)
    new_target_on: Mapped[Optional[dt.date]] = mapped_column(Date)
    revised_on: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[Optional[str]] = mapped_column(Text)

    action: Mapped[Action] = relationship(back_populates="target_revisions")


class ProgressUpdate(Versioned, Base):
    """A dated progress note on an action. Updates are added, never overwritten."""

    __tablename__ = "progress_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"), index=True)
    update_on: Mapped[dt.date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    rag: Mapped[Optional[str]] = mapped_column(String(10))
    author: Mapped[Optional[str]] = mapped_column(String(200))

    action: Mapped[Action] = relationship(back_populates="updates")


# --- learning and dissemination ---------------------------------------------------------

class LearningEvent(Versioned, Base):
    """A learning event, de-brief, training session or short briefing (6-step, 7-minute)."""

    __tablename__ = "learning_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[Optional[int]] = mapped_column(ForeignKey("review.id"), index=True)
    event_type_id: Mapped[int] = mapped_column(ForeignKey("list_item.id"))
    title: Mapped[str] = mapped_column(String(300))
    held_on: Mapped[Optional[dt.date]] = mapped_column(Date)
    attendance: Mapped[Optional[int]] = mapped_column(Integer)
    facilitator: Mapped[Optional[str]] = mapped_column(String(200))
    notes: Mapped[Optional[str]] = mapped_column(Text)

    review: Mapped[Optional[Review]] = relationship(back_populates="learning_events")
    event_type: Mapped[ListItem] = relationship()
    disseminations: Mapped[list["Dissemination"]] = relationship(
        back_populates="learning_event", cascade="all, delete-orphan"
    )

    __table_args__ = (CheckConstraint("attendance IS NULL OR attendance >= 0", name="attendance"),)


class Dissemination(Versioned, Base):
    """An agency's evidence that it spread a briefing's learning."""

    __tablename__ = "dissemination"

    id: Mapped[int] = mapped_column(primary_key=True)
    learning_event_id: Mapped[int] = mapped_column(
        ForeignKey("learning_event.id", ondelete="CASCADE"), index=True
    )
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    disseminated_on: Mapped[Optional[dt.date]] = mapped_column(Date)
    evidence: Mapped[Optional[str]] = mapped_column(Text)

    learning_event: Mapped[LearningEvent] = relationship(back_populates="disseminations")
    agency: Mapped[Agency] = relationship()


# --- papers and links -------------------------------------------------------------------

class PanelReport(Versioned, Base):
    """The council's scrutiny panel cover report for a published review (seeds 000, 001):
    every part of the council's template. Blank parts are filled from the review and the
    settings when printed, or printed as not recorded."""

    __tablename__ = "panel_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id"), index=True)
    decision_maker: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(300))
    decision_on: Mapped[Optional[dt.date]] = mapped_column(Date)  # the panel's meeting
    report_of: Mapped[Optional[str]] = mapped_column(String(300))
    contact_details: Mapped[Optional[str]] = mapped_column(Text)  # anyone else to contact, one a line
    chair_name: Mapped[Optional[str]] = mapped_column(String(200))
    chair_phone: Mapped[Optional[str]] = mapped_column(String(60))
    chair_email: Mapped[Optional[str]] = mapped_column(String(200))
    author_title: Mapped[Optional[str]] = mapped_column(String(200))  # the contact officer who wrote it
    author_name: Mapped[Optional[str]] = mapped_column(String(200))
    author_phone: Mapped[Optional[str]] = mapped_column(String(60))
    author_email: Mapped[Optional[str]] = mapped_column(String(200))
    exempt: Mapped[Optional[bool]] = mapped_column(Boolean)  # open to the public, or exempt
    exemption: Mapped[Optional[str]] = mapped_column(Text)  # the Schedule 12A paragraph and why
    brief_summary: Mapped[Optional[str]] = mapped_column(Text)
    recommendations_text: Mapped[Optional[str]] = mapped_column(Text)
    reasons: Mapped[Optional[str]] = mapped_column(Text)
    alternative_options: Mapped[Optional[str]] = mapped_column(Text)
    detail: Mapped[Optional[str]] = mapped_column(Text)
    capital_revenue: Mapped[Optional[str]] = mapped_column(Text)  # resource implications
    property_other: Mapped[Optional[str]] = mapped_column(Text)
    statutory_basis: Mapped[Optional[str]] = mapped_column(Text)  # statutory power for the proposals
    other_legal: Mapped[Optional[str]] = mapped_column(Text)
    risk_management: Mapped[Optional[str]] = mapped_column(Text)
    policy_framework: Mapped[Optional[str]] = mapped_column(Text)
    key_decision: Mapped[Optional[bool]] = mapped_column(Boolean)
    wards_affected: Mapped[Optional[str]] = mapped_column(String(300))
    equality_assessment: Mapped[Optional[bool]] = mapped_column(Boolean)  # is an ESIA needed?
    data_protection_assessment: Mapped[Optional[bool]] = mapped_column(Boolean)  # is a DPIA needed?
    appendices: Mapped[Optional[str]] = mapped_column(Text)  # one per line
    members_room_documents: Mapped[Optional[str]] = mapped_column(Text)  # one per line
    background_papers: Mapped[Optional[str]] = mapped_column(Text)  # one per line: "title | paragraph"

    review: Mapped[Review] = relationship(back_populates="panel_reports")


class DocumentLink(Versioned, Base):
    """A link to a document kept elsewhere (report, minutes, evidence), on one record."""

    __tablename__ = "document_link"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN referral_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN review_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN recommendation_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN action_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN meeting_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN learning_event_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_owner",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    location: Mapped[str] = mapped_column(Text)  # a file path or a web address
    added_on: Mapped[Optional[dt.date]] = mapped_column(Date)
    referral_id: Mapped[Optional[int]] = mapped_column(ForeignKey("referral.id", ondelete="CASCADE"))
    review_id: Mapped[Optional[int]] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"))
    recommendation_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("recommendation.id", ondelete="CASCADE")
    )
    action_id: Mapped[Optional[int]] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"))
    meeting_id: Mapped[Optional[int]] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    learning_event_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("learning_event.id", ondelete="CASCADE")
    )


class ClockAdjustment(Versioned, Base):
    """A clock paused or extended for one record, with the reason: kept in its history, never
    overwritten. A pause runs from ``from_on`` to ``to_on`` (open while still paused); an
    extension moves the clock's due date to ``to_on``."""

    __tablename__ = "clock_adjustment"
    __table_args__ = (
        CheckConstraint("kind IN ('pause', 'extension')", name="kind"),
        CheckConstraint("record_kind IN ('referral', 'review', 'decision')", name="record_kind"),
        Index("ix_clock_adjustment_record", "record_kind", "record_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    clock_rule_id: Mapped[int] = mapped_column(ForeignKey("clock_rule.id"))
    record_kind: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    from_on: Mapped[dt.date] = mapped_column(Date)
    to_on: Mapped[Optional[dt.date]] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    recorded_on: Mapped[dt.date] = mapped_column(Date)

    clock_rule: Mapped[ClockRule] = relationship()


class Chase(Versioned, Base):
    """The office chased an action's lead: when, whom, how, and what the message said."""

    __tablename__ = "chase"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"), index=True)
    chased_on: Mapped[dt.date] = mapped_column(Date, index=True)
    to_whom: Mapped[str] = mapped_column(String(300))  # the lead officer or agency written to
    channel: Mapped[str] = mapped_column(String(40), default="e-mail")
    subject: Mapped[Optional[str]] = mapped_column(String(300))
    note: Mapped[Optional[str]] = mapped_column(Text)  # what was asked, or the file it was written to

    action: Mapped[Action] = relationship()


class Setting(Base):
    """Office settings printed on papers (partnership name, protective marking...)."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class AuditEntry(Base):
    """One field of one record changed: who, when, old value, new value."""

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_record", "table_name", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=_utcnow, index=True)
    user: Mapped[str] = mapped_column(String(120))
    operation: Mapped[str] = mapped_column(String(20))  # create|update|delete|archive|restore|purge
    table_name: Mapped[str] = mapped_column(String(60))
    record_id: Mapped[Optional[str]] = mapped_column(String(60))
    field: Mapped[Optional[str]] = mapped_column(String(60))
    old_value: Mapped[Optional[str]] = mapped_column(Text)
    new_value: Mapped[Optional[str]] = mapped_column(Text)

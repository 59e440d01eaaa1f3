"""The registers: one read-only table per kind of record, as the office reads it.

Each register is a declarative list of columns and a function that returns its rows as
plain tuples in column order. The action plan's rows are its read model's
(``app.queries.action_plan``), the same rows every workbook and paper prints. The others
come from SQLAlchemy Core selects (column rows, never ORM objects); joined values such as
agency and status names are part of the same select, and many-to-many values (a review's
referrals) come from one extra query per register, never one per row. Archived records,
and the children of archived parents, are left out.

Only portable SQL is used so that the same selects run on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

from sqlalchemy import Row, Select, case, func, select
from sqlalchemy.orm import Session, aliased

from app.giving_way import sort_giving_way
from app.queries.action_plan import NO_TARGET, ActionRow, PlanFilter, live_actions, read_action_plan
from app.queries.driver import Dates, driver_rows
from app.queries.referrals import read_referrals
from app.rules import CLOSED, COMPLETED, open_status_ids_clause
from app.queries.reviews import ReviewRow, read_reviews
from app.clocks import ClockStatus, live_clocks, referral_deadlines
from app.word_aliases import WORD_LIST_LABELS

from db.models import (
    Action,
    Agency,
    AgencyAlias,
    ClockRule,
    Decision,
    Dissemination,
    LearningEvent,
    ListItem,
    ListKind,
    Meeting,
    ProgressUpdate,
    Recommendation,
    Referral,
    Review,
    Theme,
    action_recommendation,
    meeting_referral,
)


# How each editable list is named on screen.
LIST_KIND_LABELS = {
    ListKind.REVIEW_TYPE: "Review types",
    ListKind.DECISION_OUTCOME: "Decision outcomes",
    ListKind.METHODOLOGY: "Methodologies",
    ListKind.REVIEW_STATUS: "Review statuses",
    ListKind.ACTION_STATUS: "Action statuses",
    ListKind.CLOSURE_REASON: "Closure reasons",
    ListKind.REFERRAL_CATEGORY: "Referral categories",
    ListKind.RESPONSE_STATUS: "Response statuses",
    ListKind.LEARNING_EVENT_TYPE: "Learning event types",
    **WORD_LIST_LABELS,  # the office's words for them ("CME = Case Mapping Exercise")
}

# How the recorded dates that start and stop a clock are named on screen.
CLOCK_EVENT_LABELS = {
    "referral.date_aware": "Partners became aware of the incident",
    "referral.date_referred": "Case referred to the sub group",
    "referral.notification_sent_on": "Notification sent",
    "referral.rapid_review_sent_on": "Rapid review sent to the National Panel",
    "referral.panel_told_of_decision_on": "National Panel told of the decision",
    "decision.decided_on": "Decision taken",
    "review.decision_on": "Decision to hold the review",
    "review.initiated_on": "Review initiated",
    "review.completed_on": "Review completed",
    "review.published_on": "Review published",
}

CLOCK_UNIT_LABELS = {"working_days": "working days", "days": "days", "months": "months"}


# How a column can narrow a register (``Column.filter``):
CHOICE = "choice"    # a drop-down of the column's distinct values; a row matches its value exactly
REVIEW = "review"    # a drop-down of review references found in "SCR-01 R3; SCR-02 R1" texts
DATE = "date"        # from/to dates, typed as UK dates
FLAG = "flag"        # a tick box ("Overdue only"): rows whose value is not blank
FILTER_KINDS = (CHOICE, REVIEW, DATE, FLAG)

# Every row starts with the record's id, which no column shows: rows are ``(id, *values)``.
ID_INDEX = 0


@dataclass(frozen=True)
class Column:
    """One column of a register: the key code refers to it by and the header users read.

    ``long_text`` marks free text (summaries, rationales): the table caps its width and
    shows the whole text in a tooltip. ``filter`` (one of ``FILTER_KINDS``, or empty) says
    how the office narrows the register by this column; ``filter_label`` names the filter
    when the header alone would not ("Overdue only").
    """

    key: str
    header: str
    long_text: bool = False
    filter: str = ""
    filter_label: str = ""

    @property
    def filter_title(self) -> str:
        return self.filter_label or self.header


@dataclass(frozen=True)
class Register:
    """A register's title as the office calls it, its columns, and how to fetch its rows.

    ``fetch`` returns ``(id, *values)`` tuples: the record's id (``ID_INDEX``) and then one
    value per column, in column order.
    """

    title: str
    columns: tuple[Column, ...]
    fetch: Callable[[Session], list[tuple]]

    def column_index(self, key: str) -> int:
        """The position of the column called ``key`` among the columns (not in the row)."""
        return next(i for i, column in enumerate(self.columns) if column.key == key)

    def value_index(self, key: str) -> int:
        """The position of column ``key``'s value in a fetched row."""
        return self.column_index(key) + 1

    @property
    def filter_columns(self) -> tuple[Column, ...]:
        """The columns the register can be narrowed by, in column order."""
        return tuple(column for column in self.columns if column.filter)


def _execute(session: Session, stmt: Select) -> list[Row]:
    """All the rows of a select, run on the session's connection: plain Core rows without
    the ORM's row loading (a third of the time for 100,000 rows), fetched in one call."""
    return session.connection().execute(stmt).all()


def _tuples(session: Session, stmt: Select) -> list[tuple]:
    return [tuple(row) for row in _execute(session, stmt)]


def _not_archived(*models) -> list:
    return [model.archived_at.is_(None) for model in models]


def _grouped(pairs: Iterable[tuple[Any, str]]) -> dict[Any, str]:
    """Join the texts of (owner id, text) pairs, in the order given, into one text per owner."""
    texts: dict[Any, list[str]] = defaultdict(list)
    for owner, text in pairs:
        texts[owner].append(text)
    return {owner: ", ".join(parts) for owner, parts in texts.items()}


def _counts(link_column, *conditions, join=None):
    """A grouped subquery counting rows per value of ``link_column``: columns ``owner``, ``n``."""
    stmt = select(link_column.label("owner"), func.count().label("n"))
    if join is not None:
        stmt = stmt.join(*join)
    return stmt.where(*conditions).group_by(link_column).subquery()


def _live_link_counts(owner_column, child_column, child_model):
    """A grouped subquery counting, per ``owner_column`` of a link table, the links whose
    child (``child_column``, an id of ``child_model``) is not archived: columns ``owner``,
    ``n``. Archived children are few, so they are left out by id: joining every link to
    its child instead reads the child table row by row (four times as long for 100,000
    actions)."""
    archived = select(child_model.id).where(child_model.archived_at.is_not(None))
    return _counts(owner_column, child_column.not_in(archived))


# --- referrals and decisions ----------------------------------------------------------------

REFERRAL_COLUMNS = (
    Column("reference", "Reference"),
    Column("date_referred", "Referred", filter=DATE),
    Column("subject", "Subject"),
    Column("summary", "Summary", long_text=True),
    Column("referring_agency", "Referring agency", filter=CHOICE),
    Column("location", "Location"),
    Column("gender", "Gender"),
    Column("age", "Age"),
    Column("category", "Category", filter=CHOICE),
    Column("latest_decision", "Latest decision", filter=CHOICE),
    Column("notification_sent_on", "Notification sent"),
    Column("next_deadline", "Next deadline"),
    Column("deadline", "Deadline for"),
    Column("days_left", "Days left"),
)


def fetch_referrals(session: Session) -> list[tuple]:
    """Referrals, newest first, with the outcome of the decision in force (the referrals read
    model's rows, ``app.queries.referrals``) and the next deadline running on each, its own or
    its decisions' (``app.clocks.referral_deadlines``): when, for what, and the days left
    (negative once overdue; "Paused" while paused)."""
    today = dt.date.today()
    deadlines = referral_deadlines(session, today)
    own = len(REFERRAL_COLUMNS) - 2  # the read model's values: the id and the columns before the deadline's
    rows = []
    for row in read_referrals(session, today):
        clock = deadlines.get(row.id)
        rows.append((*row[:own], *_deadline_values(clock)))
    return rows


def _deadline_values(clock: ClockStatus | None) -> tuple:
    """A referral's next deadline as the register shows it: due date, clock, days left."""
    if clock is None:
        return None, None, None
    return clock.due_on, clock.clock_name, clock_days_left(clock)


def clock_days_left(clock: ClockStatus) -> int | str:
    """Days to a clock's due date (negative once overdue), or its state in a word when it is
    not running ("Paused", "Met"...)."""
    days = clock.days_to_due
    return clock.state_word if days is None else days


DECISION_COLUMNS = (
    Column("referral", "Referral"),
    Column("subject", "Subject"),
    Column("decided_on", "Decided", filter=DATE),
    Column("decided_by", "Decided by", filter=CHOICE),
    Column("outcome", "Outcome", filter=CHOICE),
    Column("criteria_met", "Criteria met"),
    Column("criteria_basis", "Criteria"),
    Column("rationale", "Rationale", long_text=True),
    Column("meeting", "Meeting"),
)


def fetch_decisions(session: Session) -> list[tuple]:
    """Every decision on a referral, newest first; earlier decisions are kept as history."""
    outcome = aliased(ListItem)
    stmt = (
        select(
            Decision.id, Referral.reference, Referral.subject, Decision.decided_on, Decision.decided_by,
            outcome.name, Decision.criteria_met, Decision.criteria_basis, Decision.rationale,
            Meeting.held_on,
        )
        .join(Referral, Decision.referral_id == Referral.id)
        .join(outcome, Decision.outcome_id == outcome.id)
        .outerjoin(Meeting, Decision.meeting_id == Meeting.id)
        .where(*_not_archived(Decision, Referral))
        .order_by(Decision.decided_on.desc(), Decision.id.desc())
    )
    return _tuples(session, stmt)


# --- reviews and recommendations -----------------------------------------------------------

REVIEW_COLUMNS = (
    Column("reference", "Reference"),
    Column("title", "Title"),
    Column("review_type", "Type", filter=CHOICE),
    Column("status", "Status", filter=CHOICE),
    Column("status_note", "Status note", long_text=True),
    Column("referrals", "Referrals"),
    Column("methodology", "Methodology", filter=CHOICE),
    Column("lead_reviewers", "Lead reviewer(s)"),
    Column("decision_on", "Decision", filter=DATE),
    Column("initiated_on", "Initiated"),
    Column("learning_event_on", "Learning event"),
    Column("completed_on", "Completed"),
    Column("published_on", "Published"),
    Column("briefing_issued_on", "Briefing issued"),
    Column("target_on", "Target date"),
    Column("against_target", "Against target", filter=CHOICE),
    Column("days_left", "Days left", filter=FLAG, filter_label="Open only"),
    Column("delay_reason", "Reason for delay", long_text=True),
)


def fetch_reviews(session: Session) -> list[tuple]:
    """Reviews in reference order, as the reviews read model (``app.queries.reviews``) has
    them today: with the referrals each covers, its target date from its clock and the days
    left to it."""
    today = dt.date.today()
    return [
        (r.id, r.reference, r.title, r.type_name, r.status, r.status_note, ", ".join(r.referral_refs),
         r.methodology, r.lead_reviewers, r.decision_on, r.initiated_on, r.learning_event_on, r.completed_on,
         r.published_on, r.briefing_issued_on, r.target_on, r.against_target, review_days_left(r, today),
         r.delay_reason)
        for r in sorted(read_reviews(session, today), key=lambda r: r.reference)
    ]


def review_days_left(review: ReviewRow, today: dt.date) -> int | str | None:
    """An open review's days to its target (negative once past it), or why there are none
    ("Paused", "No target date"); blank for a review no longer open, so that the column's tick
    box shows the reviews underway."""
    if not review.is_open:
        return None
    if review.clock is not None and review.clock.due_on is not None:
        return clock_days_left(review.clock)
    target = review.target_on
    return (target - today).days if target is not None else NO_TARGET


RECOMMENDATION_COLUMNS = (
    Column("review", "Review", filter=CHOICE),
    Column("number", "No."),
    Column("document_number", "Doc. no."),
    Column("text", "Recommendation", long_text=True),
    Column("theme", "Theme", filter=CHOICE),
    Column("addressed_to", "Addressed to"),
    Column("response_status", "Response", filter=CHOICE),
    Column("response_on", "Response date", filter=DATE),
    Column("board_response", "Board response", long_text=True),
    Column("actions", "Actions"),
)


def fetch_recommendations(session: Session) -> list[tuple]:
    """Recommendations by review and number, with how many live actions answer each."""
    response = aliased(ListItem)
    actions = _live_link_counts(action_recommendation.c.recommendation_id, action_recommendation.c.action_id, Action)
    stmt = (
        select(
            Recommendation.id, Review.reference, Recommendation.number, Recommendation.document_number,
            Recommendation.text, Theme.name, Recommendation.addressed_to, response.name,
            Recommendation.response_on, Recommendation.board_response,
            func.coalesce(actions.c.n, 0),
        )
        .join(Review, Recommendation.review_id == Review.id)
        .outerjoin(Theme, Recommendation.theme_id == Theme.id)
        .outerjoin(response, Recommendation.response_status_id == response.id)
        .outerjoin(actions, actions.c.owner == Recommendation.id)
        .where(*_not_archived(Recommendation, Review))
        .order_by(Review.reference, Recommendation.number)
    )
    return _tuples(session, stmt)


# --- the action plan -----------------------------------------------------------------------

ACTION_COLUMNS = (
    Column("reference", "Ref"),
    Column("description", "Action", long_text=True),
    Column("lead_agency", "Lead agency", filter=CHOICE),
    Column("target", "Target date", filter=DATE),
    Column("status", "Status", filter=CHOICE),
    Column("rag", "RAG", filter=CHOICE),
    Column("overdue", "Overdue", filter=FLAG, filter_label="Overdue only"),
    Column("recommendations", "Recommendations", filter=REVIEW, filter_label="Review"),
    Column("theme", "Theme", filter=CHOICE),
    Column("lead_officer", "Lead officer"),
    Column("completed_on", "Completed"),
    Column("signed_off_on", "Signed off"),
    Column("days_left", "Days left", filter=FLAG, filter_label="Open only"),
    Column("last_chased", "Last chased"),
)


def action_own_order() -> tuple:
    """SQL for the action plan register's own order: open actions first, soonest target
    first (no target date last), then by id; ``action_order_key`` is the same order in
    Python. The office opens the plan on what is due, not on actions closed years ago."""
    is_closed = case((Action.status_id.in_(open_status_ids_clause()), 0), else_=1)
    return (is_closed, Action.target_on.is_(None), Action.target_on, Action.id)


def action_order_key(row: ActionRow) -> tuple:
    """A plan row's place in the register's own order (``action_own_order``)."""
    return (row.state in (COMPLETED, CLOSED), row.target_on is None, row.target_on or dt.date.min, row.id)


def fetch_actions(session: Session, today: dt.date | None = None,
                  ids: Sequence[int] | None = None) -> list[tuple]:
    """The composite action plan as it stands on ``today`` (every live action, or those of
    ``ids``), in the register's own order (``action_own_order``): the plan's read model's
    rows, whose first values are this register's columns."""
    flt = PlanFilter(action_ids=tuple(ids)) if ids is not None else PlanFilter()
    rows = read_action_plan(session, today, flt, with_updates=False).rows
    return sort_giving_way(rows, action_order_key)  # read on a worker while the window paints


# Columns whose value is the action's own, read alone; the others are worked out by the read model.
_ACTION_FIELDS = {"description": Action.description, "lead_officer": Action.lead_officer,
                  "completed_on": Action.completed_on, "signed_off_on": Action.signed_off_on}


def live_actions_in_order(*columns) -> Select:
    """Live actions (id first, then ``columns``) in the register's own order."""
    return live_actions(*columns).order_by(None).order_by(*action_own_order())


def action_column_values(session: Session, key: str, today: dt.date | None = None) -> list[tuple[int, Any]]:
    """Every live action's ``(id, value)`` in column ``key``, in the order ``fetch_actions``
    gives them and with the same values: what ordering the plan by one column needs. A
    column of the action's own is read alone, in a fraction of the time of the whole rows."""
    day = Dates()
    if key == "target":  # the date, or the target as written when it is not one
        rows = driver_rows(session, live_actions_in_order(Action.target_on, Action.target_text))
        return [(action_id, day[on] or text or None) for action_id, on, text in rows]
    if key in _ACTION_FIELDS:
        rows = driver_rows(session, live_actions_in_order(_ACTION_FIELDS[key]))
        if key in ("description", "lead_officer"):
            return rows
        return [(action_id, day[value]) for action_id, value in rows]
    position = ActionRow._fields.index(key)
    return [(row[0], row[position]) for row in fetch_actions(session, today)]


PROGRESS_UPDATE_COLUMNS = (
    Column("update_on", "Date", filter=DATE),
    Column("action", "Action ref"),
    Column("action_description", "Action", long_text=True),
    Column("text", "Update", long_text=True),
    Column("rag", "RAG", filter=CHOICE),
    Column("author", "Author"),
    Column("lead_agency", "Lead agency", filter=CHOICE),
)


# The progress updates register's own order: newest first.
PROGRESS_UPDATE_ORDER = (ProgressUpdate.update_on.desc(), ProgressUpdate.id.desc())


# What each column shows, from the update, its action and the action's agency.
PROGRESS_UPDATE_VALUES = {
    "update_on": ProgressUpdate.update_on, "action": Action.reference, "action_description": Action.description,
    "text": ProgressUpdate.text, "rag": ProgressUpdate.rag, "author": ProgressUpdate.author,
    "lead_agency": Agency.name,
}


def live_progress_updates(*columns) -> Select:
    """Updates on live actions, in the register's order, with their action and its agency
    joined (for ``columns`` of any of the three)."""
    return (
        select(ProgressUpdate.id, *columns)
        .join(Action, ProgressUpdate.action_id == Action.id)
        .outerjoin(Agency, Action.lead_agency_id == Agency.id)
        .where(*_not_archived(ProgressUpdate, Action))
        .order_by(*PROGRESS_UPDATE_ORDER)
    )


def fetch_progress_updates(session: Session, ids: Sequence[int] | None = None) -> list[tuple]:
    """Progress updates on live actions, newest first (all, or those of ``ids``)."""
    stmt = live_progress_updates(*(PROGRESS_UPDATE_VALUES[column.key] for column in PROGRESS_UPDATE_COLUMNS))
    if ids is not None:
        stmt = stmt.where(ProgressUpdate.id.in_(ids))
    # As many rows as the action plan: straight from the driver, the one date made a date.
    day = Dates()
    return [(update_id, day[update_on], *rest) for update_id, update_on, *rest in driver_rows(session, stmt)]


# --- meetings and learning -----------------------------------------------------------------

MEETING_COLUMNS = (
    Column("held_on", "Date", filter=DATE),
    Column("title", "Meeting"),
    Column("chair", "Chair"),
    Column("referrals", "Referrals considered"),
    Column("decisions", "Decisions"),
    Column("signed_off", "Actions signed off"),
    Column("notes", "Notes", long_text=True),
)


def fetch_meetings(session: Session) -> list[tuple]:
    """Sub group meetings, newest first, with what each considered, decided and signed off."""
    referrals = _live_link_counts(meeting_referral.c.meeting_id, meeting_referral.c.referral_id, Referral)
    decisions = _counts(Decision.meeting_id, Decision.archived_at.is_(None))
    signed_off = _counts(Action.signed_off_meeting_id, Action.archived_at.is_(None))
    stmt = (
        select(
            Meeting.id, Meeting.held_on, Meeting.title, Meeting.chair, func.coalesce(referrals.c.n, 0),
            func.coalesce(decisions.c.n, 0), func.coalesce(signed_off.c.n, 0), Meeting.notes,
        )
        .outerjoin(referrals, referrals.c.owner == Meeting.id)
        .outerjoin(decisions, decisions.c.owner == Meeting.id)
        .outerjoin(signed_off, signed_off.c.owner == Meeting.id)
        .where(*_not_archived(Meeting))
        .order_by(Meeting.held_on.desc(), Meeting.id.desc())
    )
    return _tuples(session, stmt)


LEARNING_COLUMNS = (
    Column("held_on", "Date", filter=DATE),
    Column("event_type", "Type", filter=CHOICE),
    Column("title", "Title", long_text=True),
    Column("review", "Review", filter=CHOICE),
    Column("facilitator", "Facilitator"),
    Column("attendance", "Attendance"),
    Column("disseminations", "Agencies disseminated"),
    Column("notes", "Notes", long_text=True),
)


def fetch_learning(session: Session) -> list[tuple]:
    """Learning events, de-briefs and briefings, newest first (undated last, on either engine:
    PostgreSQL would put them first), with how many agencies have recorded spreading each one."""
    event_type = aliased(ListItem)
    disseminations = _counts(Dissemination.learning_event_id, Dissemination.archived_at.is_(None))
    stmt = (
        select(
            LearningEvent.id, LearningEvent.held_on, event_type.name, LearningEvent.title, Review.reference,
            LearningEvent.facilitator, LearningEvent.attendance,
            func.coalesce(disseminations.c.n, 0), LearningEvent.notes,
        )
        .join(event_type, LearningEvent.event_type_id == event_type.id)
        .outerjoin(Review, LearningEvent.review_id == Review.id)
        .outerjoin(disseminations, disseminations.c.owner == LearningEvent.id)
        .where(*_not_archived(LearningEvent))
        .order_by(LearningEvent.held_on.desc().nulls_last(), LearningEvent.id.desc())
    )
    return _tuples(session, stmt)


# --- reference lists -----------------------------------------------------------------------

AGENCY_COLUMNS = (
    Column("name", "Agency"),
    Column("short_name", "Short name"),
    Column("sector", "Sector", filter=CHOICE),
    Column("aliases", "Other spellings", long_text=True),
    Column("open_actions", "Open actions"),
)


def fetch_agencies(session: Session) -> list[tuple]:
    """Partner agencies by name, with the other spellings matched to them and how many open
    actions each leads."""
    status = aliased(ListItem)
    open_actions = _counts(
        Action.lead_agency_id,
        Action.archived_at.is_(None), status.is_open.is_(True),
        join=(status, Action.status_id == status.id),
    )
    stmt = (
        select(
            Agency.id, Agency.name, Agency.short_name, Agency.sector,
            func.coalesce(open_actions.c.n, 0),
        )
        .outerjoin(open_actions, open_actions.c.owner == Agency.id)
        .where(*_not_archived(Agency))
        .order_by(Agency.name)
    )
    spellings = select(AgencyAlias.agency_id, AgencyAlias.alias).order_by(
        AgencyAlias.agency_id, AgencyAlias.alias
    )
    aliases = _grouped(_execute(session, spellings))
    return [(*row[:4], aliases.get(row[0], ""), row[4]) for row in _execute(session, stmt)]


THEME_COLUMNS = (
    Column("name", "Theme"),
    Column("recommendations", "Recommendations"),
    Column("actions", "Actions"),
)


def fetch_themes(session: Session) -> list[tuple]:
    """Learning themes in their display order, with how many recommendations and actions
    are filed under each."""
    recommendations = _counts(
        Recommendation.theme_id,
        Recommendation.archived_at.is_(None), Review.archived_at.is_(None),
        join=(Review, Recommendation.review_id == Review.id),
    )
    actions = _counts(Action.theme_id, Action.archived_at.is_(None))
    stmt = (
        select(Theme.id, Theme.name, func.coalesce(recommendations.c.n, 0), func.coalesce(actions.c.n, 0))
        .outerjoin(recommendations, recommendations.c.owner == Theme.id)
        .outerjoin(actions, actions.c.owner == Theme.id)
        .where(*_not_archived(Theme))
        .order_by(Theme.sort_order, Theme.name)
    )
    return _tuples(session, stmt)


LIST_COLUMNS = (
    Column("list", "List", filter=CHOICE),
    Column("name", "Value"),
    Column("code", "Code"),
    Column("is_open", "Counts as open"),
    Column("clock", "Clock"),
    Column("commissions", "Commissions review type"),
)


def fetch_lists(session: Session) -> list[tuple]:
    """The values of every editable list, list by list in their display order."""
    commissions = aliased(ListItem)
    stmt = (
        select(
            ListItem.id, ListItem.kind, ListItem.name, ListItem.code, ListItem.is_open, ClockRule.name,
            commissions.name,
        )
        .outerjoin(ClockRule, ListItem.clock_id == ClockRule.id)
        .outerjoin(commissions, ListItem.review_type_id == commissions.id)
        .where(*_not_archived(ListItem))
        .order_by(ListItem.kind, ListItem.sort_order, ListItem.name)
    )
    rows = [(row[0], LIST_KIND_LABELS.get(row[1], row[1]), *row[2:]) for row in _execute(session, stmt)]
    # Sorting is stable, so each list keeps its display order under its label.
    return sorted(rows, key=lambda row: row[1])


CLOCK_COLUMNS = (
    Column("name", "Clock"),
    Column("allowed", "Time allowed"),
    Column("start_event", "Starts when"),
    Column("done_event", "Stops when"),
    Column("source", "Source"),
    Column("notes", "Notes", long_text=True),
)


def clock_event_label(event: str | None) -> str:
    """A recorded date such as ``review.initiated_on`` as the office would name it."""
    if not event:
        return ""
    if event in CLOCK_EVENT_LABELS:
        return CLOCK_EVENT_LABELS[event]
    record, _, field = event.partition(".")
    return f"{record.capitalize()}: {field.replace('_', ' ')}"


def time_allowed(length: int, unit: str) -> str:
    """A clock's length as words: "5 working days", "1 month"."""
    words = CLOCK_UNIT_LABELS.get(unit, unit.replace("_", " "))
    return f"{length} {words[:-1] if length == 1 else words}"


def fetch_clocks(session: Session) -> list[tuple]:
    """The clocks the office is held to, with their start and stop events in words."""
    stmt = (
        select(
            ClockRule.id, ClockRule.name, ClockRule.length, ClockRule.unit, ClockRule.start_event,
            ClockRule.done_event, ClockRule.source, ClockRule.notes,
        )
        .where(*_not_archived(ClockRule))
        .order_by(ClockRule.id)
    )
    return [
        (clock_id, name, time_allowed(length, unit), clock_event_label(start),
         clock_event_label(done), source, notes)
        for clock_id, name, length, unit, start, done, source, notes in _execute(session, stmt)
    ]


# --- the clocks of every case --------------------------------------------------------------

CASE_CLOCK_COLUMNS = (
    Column("due_on", "Due", filter=DATE),
    Column("days_left", "Days left"),
    Column("when", "When"),
    Column("state", "State", filter=CHOICE),
    Column("due_this_week", "Due this week", filter=FLAG),
    Column("case", "Case"),
    Column("record", "On"),
    Column("clock", "Clock", filter=CHOICE),
    Column("started_on", "Started"),
    Column("started_from", "Started from"),
    Column("adjusted", "Paused or extended", long_text=True),
)

_RECORD_KINDS = ("referral", "review", "decision")
# A clock row's id holds the clock's id below this, so that it fits in a Qt int.
_CLOCK_IDS = 1000


def clock_row_id(clock_id: int, record_kind: str, record_id: int) -> int:
    """One id for a clock on a record (the Clocks page's rows are not records of their own)."""
    return (record_id * len(_RECORD_KINDS) + _RECORD_KINDS.index(record_kind)) * _CLOCK_IDS + clock_id


def clock_of_row(row_id: int) -> tuple[int, str, int]:
    """(clock id, record kind, record id) of a Clocks page row's id (``clock_row_id``)."""
    rest, clock_id = divmod(row_id, _CLOCK_IDS)
    record_id, kind = divmod(rest, len(_RECORD_KINDS))
    return clock_id, _RECORD_KINDS[kind], record_id


def started_from_text(clock: ClockStatus) -> str:
    """The recorded date a clock started from, in words, saying when it is not the clock's own."""
    if clock.started_by is None:
        return ""
    return f"{clock_event_label(clock.started_by)} (its own start date is not recorded)"


def fetch_case_clocks(session: Session) -> list[tuple]:
    """Every deadline running today on a live record, the soonest due first and the paused
    last (``app.clocks.live_clocks``), with the days left, whether it started from a date
    other than its own, and its latest pause or extension."""
    today = dt.date.today()
    week_end = today + dt.timedelta(days=6 - today.weekday())
    clocks = live_clocks(session, today)
    decisions = dict(_execute(session, select(Decision.id, Decision.decided_on).where(
        Decision.id.in_([c.record_id for c in clocks if c.record_kind == "decision"]))))
    rows = []
    for clock in clocks:
        on = (f"Decision of {decisions[clock.record_id]:%d/%m/%Y}" if clock.record_kind == "decision"
              else clock.record_kind.capitalize())
        this_week = "Yes" if clock.state == "due" and clock.due_on <= week_end else None
        adjusted = clock.adjustments[-1].describe() if clock.adjustments else None
        rows.append((clock_row_id(clock.clock_id, clock.record_kind, clock.record_id), clock.due_on,
                     clock_days_left(clock), clock.when, clock.state_word, this_week, clock.reference, on,
                     clock.clock_name, clock.started_on, started_from_text(clock), adjusted))
    return rows


REGISTERS: dict[str, Register] = {
    "referrals": Register("Referrals", REFERRAL_COLUMNS, fetch_referrals),
    "decisions": Register("Decisions", DECISION_COLUMNS, fetch_decisions),
    "reviews": Register("Reviews", REVIEW_COLUMNS, fetch_reviews),
    "recommendations": Register("Recommendations", RECOMMENDATION_COLUMNS, fetch_recommendations),
    "actions": Register("Action plan", ACTION_COLUMNS, fetch_actions),
    "progress_updates": Register("Progress updates", PROGRESS_UPDATE_COLUMNS, fetch_progress_updates),
    "meetings": Register("Meetings", MEETING_COLUMNS, fetch_meetings),
    "learning": Register("Learning & briefings", LEARNING_COLUMNS, fetch_learning),
    "case_clocks": Register("Clocks", CASE_CLOCK_COLUMNS, fetch_case_clocks),
    "agencies": Register("Agencies", AGENCY_COLUMNS, fetch_agencies),
    "themes": Register("Themes", THEME_COLUMNS, fetch_themes),
    "lists": Register("Lists", LIST_COLUMNS, fetch_lists),
    "clocks": Register("Clock rules", CLOCK_COLUMNS, fetch_clocks),
}
"""Every register, in the order the side bar lists them."""


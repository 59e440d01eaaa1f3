"""One case, the whole story, from any of its records (issue 16, item 4): the referral(s), the
decisions in order, the clocks, the review(s), their recommendations, the actions answering
them and each action's latest update. Read through the read models (``app.queries``,
``app.clocks``) as at a date; every line names the record it opens.

A case is found from where the officer stands: a referral and the reviews covering it; a
review and the referrals it covers (a thematic review covers several); a recommendation's
or an action's reviews; a decision's referral; a progress update's action. An action that
answers no recommendation is a story of its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from app.clocks import ClockStatus, referral_clocks, review_record_clocks
from app.queries.action_plan import PlanFilter, read_action_plan
from app.queries.referrals import read_referrals
from app.queries.reviews import read_recommendations, read_reviews
from app.registers import clock_event_label, clock_row_id
from app.settings import get_settings
from db.models import (
    Decision, ListItem, ProgressUpdate, Recommendation, Referral, Review, action_recommendation,
    review_referral,
)

REFERRALS, DECISIONS, CLOCKS, REVIEWS, PLAN = ("Referral", "Decisions", "Clocks", "Review",
                                              "Recommendations and actions")
SECTIONS = (REFERRALS, DECISIONS, CLOCKS, REVIEWS, PLAN)
KINDS = ("referrals", "decisions", "reviews", "recommendations", "actions", "progress_updates")


@dataclass(frozen=True)
class StoryLine:
    """One line of the story: its section, how far it is indented under the line before
    (an action under its recommendation, an update under its action), its words, and the
    record it opens (a register key and id; "case_clocks" and a ``clock_row_id`` for a
    running clock)."""

    section: str
    depth: int
    text: str
    kind: str
    record_id: int


@dataclass(frozen=True)
class CaseStory:
    title: str
    lines: tuple[StoryLine, ...]

    def section(self, name: str) -> list[StoryLine]:
        """The lines of one section, in order."""
        return [line for line in self.lines if line.section == name]


def clock_text(status: ClockStatus, date_text: Callable[[dt.date | None], str]) -> str:
    """A clock in words: "due 11/03/2024, 3 days overdue", "not started: it starts on ...",
    "met: due ..., done ...", saying when it was counted from a date other than its own
    and its latest pause or extension."""
    state = status.state
    if state == "not started":
        text = f"not started: it starts on \u201c{clock_event_label(status.start_event)}\u201d"
    elif state in ("met", "late"):
        text = f"{status.state_word.lower()}: due {date_text(status.due_on)}"
        text += f", done {date_text(status.done_on)}" if status.done_on else ""
    else:
        text = f"due {date_text(status.due_on)}, {status.when}"
    if status.started_by:
        text += f" (counted from \u201c{clock_event_label(status.started_by)}\u201d: its own start date is not recorded)"
    if status.adjustments:
        text += f". {status.adjustments[-1].describe(date_text)}"
    return text


def is_running(status: ClockStatus) -> bool:
    """A clock that can still be paused or extended: due, overdue or paused."""
    return status.state in ("due", "overdue", "paused")


def _case_of(session: Session, kind: str, record_id: int) -> tuple[set[int], set[int], set[int]]:
    """(referral ids, review ids, action ids answering no recommendation) of the case that
    record ``record_id`` of register ``kind`` belongs to."""
    if kind not in KINDS:
        raise ValueError(f"no case page for {kind!r}")
    if kind == "progress_updates":
        kind, record_id = "actions", session.scalar(select(ProgressUpdate.action_id)
                                                    .where(ProgressUpdate.id == record_id))
    if kind == "decisions":
        kind, record_id = "referrals", session.scalar(select(Decision.referral_id).where(Decision.id == record_id))
    referrals: set[int] = set()
    reviews: set[int] = set()
    alone: set[int] = set()
    if kind == "referrals" and record_id is not None:
        referrals = {record_id}
        reviews = set(session.scalars(select(review_referral.c.review_id)
                                      .where(review_referral.c.referral_id == record_id)))
    elif kind == "reviews":
        reviews = {record_id}
    elif kind == "recommendations":
        reviews = set(session.scalars(select(Recommendation.review_id).where(Recommendation.id == record_id)))
    elif kind == "actions" and record_id is not None:
        reviews = set(session.scalars(
            select(Recommendation.review_id).join(action_recommendation,
                                                  action_recommendation.c.recommendation_id == Recommendation.id)
            .where(action_recommendation.c.action_id == record_id, Recommendation.archived_at.is_(None))))
        alone = set() if reviews else {record_id}
    if kind != "referrals" and reviews:
        referrals = set(session.scalars(select(review_referral.c.referral_id)
                                        .where(review_referral.c.review_id.in_(reviews))))
    return referrals, reviews, alone


def read_case_story(session: Session, kind: str, record_id: int, as_at: dt.date | None = None) -> CaseStory:
    """The whole story of the case record ``record_id`` of register ``kind`` belongs to, as
    at ``as_at`` (today by default): see the module's docstring."""
    as_at = as_at or dt.date.today()
    date_text = get_settings(session).format_date
    referral_ids, review_ids, alone = _case_of(session, kind, record_id)
    lines: list[StoryLine] = []

    referrals = [r for r in read_referrals(session, as_at) if r.id in referral_ids]
    for r in sorted(referrals, key=lambda r: r.reference):
        facts = ", ".join(filter(None, [f"referred {date_text(r.date_referred)}" if r.date_referred else "",
                                        f"by {r.referring_agency}" if r.referring_agency else "", r.category]))
        lines.append(StoryLine(REFERRALS, 0, f"{r.reference}{_dash(r.subject)}: {facts}{_dash(r.summary)}",
                               "referrals", r.id))

    outcome = aliased(ListItem)
    decisions = session.execute(
        select(Decision.id, Referral.reference, Decision.decided_on, outcome.name, Decision.decided_by,
               Decision.criteria_met)
        .join(Referral, Referral.id == Decision.referral_id).join(outcome, outcome.id == Decision.outcome_id)
        .where(Decision.referral_id.in_(referral_ids), Decision.archived_at.is_(None), Decision.decided_on <= as_at)
        .order_by(Decision.decided_on, Decision.id))
    for decision_id, reference, decided_on, outcome_name, decided_by, criteria_met in decisions:
        by = f" ({decided_by})" if decided_by else ""
        criteria = {True: "; criteria met", False: "; criteria not met"}.get(criteria_met, "")
        lines.append(StoryLine(DECISIONS, 0, f"{date_text(decided_on)} {reference}: {outcome_name}{by}{criteria}",
                               "decisions", decision_id))

    reviews = sorted((r for r in read_reviews(session, as_at) if r.id in review_ids), key=lambda r: r.reference)
    statuses = [s for referral_id in sorted(referral_ids)
                for s in referral_clocks(session, session.get(Referral, referral_id), as_at)]
    statuses += [s for review in reviews for s in review_record_clocks(session, session.get(Review, review.id), as_at)]
    for status in statuses:
        if is_running(status):
            opens = "case_clocks", clock_row_id(status.clock_id, status.record_kind, status.record_id)
        elif status.record_kind == "review":
            opens = "reviews", status.record_id
        else:
            opens = ("decisions" if status.record_kind == "decision" else "referrals"), status.record_id
        lines.append(StoryLine(CLOCKS, 0, f"{status.clock_name} ({status.reference}): {clock_text(status, date_text)}",
                               *opens))

    for review in reviews:
        target = f"; target {date_text(review.target_on)} ({review.against_target})" if review.target_on else ""
        lines.append(StoryLine(REVIEWS, 0, f"{review.reference}{_dash(review.title)}: {review.type_name}, "
                                           f"{review.status or 'no status'}{target}", "reviews", review.id))

    recommendations = read_recommendations(session, sorted(review_ids), as_at) if review_ids else []
    plan = read_action_plan(session, as_at, PlanFilter(recommendation_ids=tuple(r.id for r in recommendations))
                            ).rows if recommendations else []
    plan += read_action_plan(session, as_at, PlanFilter(action_ids=tuple(alone))).rows if alone else []
    updates = _latest_update_ids(session, [row.id for row in plan], as_at)
    shown: set[int] = set()
    for rec in recommendations:
        lines.append(StoryLine(PLAN, 0, f"{rec.label}: {_head(rec.text)}"
                                        + (f" \u2014 {rec.response_status}" if rec.response_status else ""),
                               "recommendations", rec.id))
        for row in plan:
            if rec.id in row.recommendation_ids and row.id not in shown:
                shown.add(row.id)
                lines += _action_lines(row, updates, date_text, depth=1)
    for row in plan:
        if row.id not in shown:
            lines += _action_lines(row, updates, date_text, depth=0)

    titles = [f"{r.reference}{_dash(r.subject)}" for r in referrals] or [r.reference for r in reviews]
    titles = titles or [row.reference for row in plan]
    return CaseStory(", ".join(titles) or "No case", tuple(lines))


def _action_lines(row, updates: dict[int, int], date_text, *, depth: int) -> list[StoryLine]:
    target = row.target if not isinstance(row.target, dt.date) else date_text(row.target)
    facts = ", ".join(filter(None, [row.lead_agency, row.status, f"target {target}" if target else "",
                                    row.overdue, f"RAG {row.rag}" if row.rag else ""]))
    lines = [StoryLine(PLAN, depth, f"{row.reference}: {_head(row.description)} \u2014 {facts}", "actions", row.id)]
    if row.latest_update and row.id in updates:
        lines.append(StoryLine(PLAN, depth + 1, f"Latest update {date_text(row.latest_update_on)}: "
                                                f"{_head(row.latest_update)}", "progress_updates", updates[row.id]))
    return lines


def _latest_update_ids(session: Session, action_ids: list[int], as_at: dt.date) -> dict[int, int]:
    """The id of each action's latest live progress update made by ``as_at``."""
    latest: dict[int, int] = {}
    rows = session.execute(select(ProgressUpdate.action_id, ProgressUpdate.id)
                           .where(ProgressUpdate.action_id.in_(action_ids), ProgressUpdate.archived_at.is_(None),
                                  ProgressUpdate.update_on <= as_at)
                           .order_by(ProgressUpdate.update_on, ProgressUpdate.id))
    for action_id, update_id in rows:
        latest[action_id] = update_id
    return latest


def _dash(text: str | None) -> str:
    return f" \u2014 {_head(text)}" if text else ""


def _head(text: str | None, limit: int = 120) -> str:
    """The first line of a long text, cut to ``limit`` characters."""
    first = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    return first if len(first) <= limit else first[:limit - 1].rstrip() + "\u2026"

"""Reading the composite action plan for the papers: a few Core selects, no query per row.

Actions, the recommendations they answer, and each action's latest progress update come
back as plain dataclasses. Archived records (and links to archived recommendations or
reviews) are left out.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from app.clocks import is_overdue
from db.models import (
    Action,
    Agency,
    ListItem,
    ProgressUpdate,
    Recommendation,
    Review,
    Theme,
    action_recommendation,
)


@dataclass(frozen=True)
class ActionLine:
    """One action as the papers print it."""

    id: int
    reference: str
    description: str
    theme_id: int | None
    agency_id: int | None
    agency: str
    lead_officer: str
    evidence_required: str
    original_target_on: dt.date | None
    target_on: dt.date | None
    target_text: str
    status: str
    is_open: bool
    rag: str | None
    evidence_of_completion: str
    evidence_of_impact: str
    completed_on: dt.date | None
    latest_update: str = ""
    latest_update_on: dt.date | None = None
    recommendation_ids: tuple[int, ...] = ()

    def overdue_on(self, as_at: dt.date) -> bool:
        return is_overdue(self.target_on, self.is_open, as_at)


@dataclass(frozen=True)
class RecommendationLine:
    """One recommendation with its review and the board's response."""

    id: int
    review_id: int
    review_reference: str
    review_title: str
    number: int
    document_number: str
    text: str
    addressed_to: str
    theme_id: int | None
    theme: str
    response_status: str
    board_response: str

    @property
    def label(self) -> str:
        """How the paper numbers it: the response document's number if it has one."""
        return self.document_number or str(self.number)


@dataclass(frozen=True)
class ActionFilter:
    """Which actions a paper covers; None or False means no restriction."""

    agency_id: int | None = None
    status_id: int | None = None
    open_only: bool = False
    overdue_as_at: dt.date | None = None  # only actions overdue on this date
    recommendation_ids: tuple[int, ...] | None = None
    # With recommendation_ids: also the actions attached to these themes as a whole.
    unlinked_theme_ids: tuple[int, ...] = ()


def _action_ids(flt: ActionFilter) -> Select:
    status = aliased(ListItem)
    query = (select(Action.id).join(status, Action.status_id == status.id)
             .where(Action.archived_at.is_(None)))
    if flt.agency_id is not None:
        query = query.where(Action.lead_agency_id == flt.agency_id)
    if flt.status_id is not None:
        query = query.where(Action.status_id == flt.status_id)
    if flt.open_only or flt.overdue_as_at is not None:
        query = query.where(status.is_open.is_(True))
    if flt.overdue_as_at is not None:
        query = query.where(Action.target_on < flt.overdue_as_at)
    if flt.recommendation_ids is not None:
        link = action_recommendation.c
        answers = Action.id.in_(select(link.action_id).where(link.recommendation_id.in_(flt.recommendation_ids)))
        whole_theme = and_(Action.theme_id.in_(flt.unlinked_theme_ids),
                           ~Action.id.in_(select(link.action_id)))
        query = query.where(or_(answers, whole_theme))
    return query


def _live_links(ids: Select) -> Select:
    link = action_recommendation.c
    return (select(link.action_id, link.recommendation_id)
            .join(Recommendation, Recommendation.id == link.recommendation_id)
            .join(Review, Review.id == Recommendation.review_id)
            .where(link.action_id.in_(ids), Recommendation.archived_at.is_(None),
                   Review.archived_at.is_(None))
            .order_by(link.action_id, Recommendation.review_id, Recommendation.number))


def _latest_updates(session: Session, ids: Select) -> dict[int, tuple[dt.date, str]]:
    """Each action's latest update: the greatest (update_on, id)."""
    rank = func.row_number().over(
        partition_by=ProgressUpdate.action_id,
        order_by=(ProgressUpdate.update_on.desc(), ProgressUpdate.id.desc()),
    ).label("rank")
    ranked = (select(ProgressUpdate.action_id, ProgressUpdate.update_on, ProgressUpdate.text, rank)
              .where(ProgressUpdate.archived_at.is_(None), ProgressUpdate.action_id.in_(ids))
              .subquery())
    rows = session.execute(select(ranked.c.action_id, ranked.c.update_on, ranked.c.text)
                           .where(ranked.c.rank == 1))
    return {action_id: (on, text) for action_id, on, text in rows}


def load_actions(session: Session, flt: ActionFilter = ActionFilter()) -> list[ActionLine]:
    """The actions the filter lets through, by reference and id."""
    ids = _action_ids(flt)
    status = aliased(ListItem)
    query = (
        select(Action.id, Action.reference, Action.description, Action.theme_id,
               Action.lead_agency_id, Agency.name, Action.lead_officer, Action.evidence_required,
               Action.original_target_on, Action.target_on, Action.target_text, status.name,
               status.is_open, Action.rag, Action.evidence_of_completion, Action.evidence_of_impact,
               Action.completed_on)
        .join(status, Action.status_id == status.id)
        .outerjoin(Agency, Action.lead_agency_id == Agency.id)
        .where(Action.id.in_(ids))
        .order_by(Action.id)
    )
    links: dict[int, list[int]] = defaultdict(list)
    for action_id, recommendation_id in session.execute(_live_links(ids)):
        links[action_id].append(recommendation_id)
    updates = _latest_updates(session, ids)
    lines = []
    for (action_id, reference, description, theme_id, agency_id, agency, officer, required,
         original, target, target_text, status_name, is_open, rag, completion, impact,
         completed_on) in session.execute(query):
        update_on, update = updates.get(action_id, (None, ""))
        lines.append(ActionLine(
            id=action_id, reference=reference or f"A{action_id}", description=description or "",
            theme_id=theme_id, agency_id=agency_id, agency=agency or "", lead_officer=officer or "",
            evidence_required=required or "", original_target_on=original, target_on=target,
            target_text=target_text or "", status=status_name, is_open=bool(is_open), rag=rag,
            evidence_of_completion=completion or "", evidence_of_impact=impact or "",
            completed_on=completed_on, latest_update=update, latest_update_on=update_on,
            recommendation_ids=tuple(links.get(action_id, ())),
        ))
    return lines


def load_recommendations(session: Session, review_ids: list[int] | None = None) -> list[RecommendationLine]:
    """Live recommendations of live reviews, by review reference and number."""
    response = aliased(ListItem)
    query = (
        select(Recommendation.id, Recommendation.review_id, Review.reference, Review.title,
               Recommendation.number, Recommendation.document_number, Recommendation.text,
               Recommendation.addressed_to, Recommendation.theme_id, Theme.name, response.name,
               Recommendation.board_response)
        .join(Review, Review.id == Recommendation.review_id)
        .outerjoin(Theme, Theme.id == Recommendation.theme_id)
        .outerjoin(response, response.id == Recommendation.response_status_id)
        .where(Recommendation.archived_at.is_(None), Review.archived_at.is_(None))
        .order_by(Review.reference, Recommendation.number)
    )
    if review_ids is not None:
        query = query.where(Recommendation.review_id.in_(review_ids))
    return [
        RecommendationLine(rec_id, review_id, reference, title, number, document_number or "",
                           text or "", addressed_to or "", theme_id, theme or "",
                           response_status or "", board_response or "")
        for (rec_id, review_id, reference, title, number, document_number, text, addressed_to,
             theme_id, theme, response_status, board_response) in session.execute(query)
    ]


def load_themes(session: Session) -> list[tuple[int, str]]:
    """Every theme (archived ones too: old recommendations still carry them), in list order."""
    return list(session.execute(select(Theme.id, Theme.name).order_by(Theme.sort_order, Theme.name)))

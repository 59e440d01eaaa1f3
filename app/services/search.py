"""Finding records by any words the officer remembers."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.text import clean
from db.models import Action, Recommendation, Referral, Review


@dataclass(frozen=True)
class SearchHit:
    kind: str  # referral | review | recommendation | action
    id: int
    label: str
    text: str


def _snippet(text: str | None, limit: int = 120) -> str:
    text = clean(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def search(session: Session, words: str, *, limit: int = 50) -> list[SearchHit]:
    """Records whose text contains every word typed (case ignored), archived ones left out."""
    terms = clean(words).split()
    if not terms:
        return []

    def matching(model, columns):
        return (select(model).where(model.archived_at.is_(None),
                                    *[or_(*[c.ilike(f"%{t}%") for c in columns]) for t in terms])
                .order_by(model.id)  # as made: PostgreSQL's unordered scan moves an edited row last
                .limit(limit))

    hits: list[SearchHit] = []
    for r in session.scalars(matching(Referral, [Referral.reference, Referral.summary, Referral.subject,
                                                 Referral.location, Referral.notes])):
        hits.append(SearchHit("referral", r.id, r.reference, _snippet(r.summary)))
    for r in session.scalars(matching(Review, [Review.reference, Review.title, Review.summary,
                                               Review.status_note, Review.lead_reviewers])):
        hits.append(SearchHit("review", r.id, f"{r.reference} {r.title}", _snippet(r.status_note or r.summary)))
    for r in session.scalars(matching(Recommendation, [Recommendation.text, Recommendation.board_response])):
        hits.append(SearchHit("recommendation", r.id, f"{r.review.reference} R{r.number}", _snippet(r.text)))
    for a in session.scalars(matching(Action, [Action.description, Action.lead_officer,
                                               Action.evidence_of_completion, Action.reference])):
        hits.append(SearchHit("action", a.id, a.reference or f"Action {a.id}", _snippet(a.description)))
    return hits[:limit]

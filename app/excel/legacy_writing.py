"""Writing a ``LegacyImportPlan`` through the services, finding records again before making them.

Every record goes through its service (``app.services``), which checks and audits it; the many
new recommendations, actions and progress notes go through the services' bulk functions as
plain rows, audited one entry per record (``bulk.AUDIT_BY_RECORD``) so that a tracker of
100,000 actions is written in seconds. What counts as already present, so importing the same
file twice adds nothing:

- a review with the same reference or title (ignoring case, spacing and words such as
  "SCR" or "review");
- a recommendation with the same review and number;
- an action with the same description (ignoring case and spacing) linked to a
  recommendation of one of the same reviews (or, for an action with no recommendation,
  another such action with no recommendation); a progress note is added to an existing
  action only if it has no note with the same text;
- a theme with the same name; a referral with the same Ref (ignoring spaces: "Ref 050" is
  "Ref050"); a decision on that referral with the same date and outcome.

Agencies are settled first: each new one is made (a spelling nobody mapped, marked for
checking), and every spelling taken is remembered as an alias, so the next import matches it
exactly.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import lookups
from app.excel.legacy_plan import ACTION_PLAN, NEW_AGENCY_SECTOR, LegacyImportPlan, PlannedAction
from app.excel.legacy_reading import Existing
from app.dates import DAY
from app.services import actions, agencies, decisions, recommendations, referrals, reviews, themes, updates
from app.services.bulk import AUDIT_BY_RECORD
from app.services.lists import ensure_words
from app.text import match_key
from db.models import ListKind, Review


ACTIONS_AT_A_TIME = 10_000


def _free_reference(wanted: str, taken: set[str]) -> str:
    """``wanted``, or "wanted (2)", "(3)"... if another review already has it."""
    reference, n = wanted, 1
    while reference in taken:
        n += 1
        reference = f"{wanted[:34].rstrip()} ({n})"
    return reference


class Writer:
    """Writes a plan through the services; counts what it made and what it found again."""

    def __init__(self, session: Session, plan: LegacyImportPlan):
        self.session = session
        self.plan = plan
        self.created: Counter = Counter()
        self.present: Counter = Counter()
        self.review_ids: dict[str, int] = {}
        self.rec_ids: dict[tuple[str, int], int] = {}
        self.agency_ids: dict[str, int] = {}  # spelling key -> agency id
        self._by_spelling: dict[str, int | None] = {}
        self.agency_names: dict[int, str] = {}

    def write(self) -> None:
        ensure_words(self.session)
        self.agencies()
        if self.plan.kind == ACTION_PLAN:
            self.action_plan()
        else:
            self.register()
        self.session.flush()

    def _count(self, name: str, created: bool) -> None:
        (self.created if created else self.present)[name] += 1

    def agencies(self) -> None:
        """Make the new agencies, then remember every spelling taken as an alias."""
        plan, session = self.plan, self.session
        made = plan.new_agencies()
        ids = agencies.add_agencies(session, [
            {"name": name, "sector": NEW_AGENCY_SECTOR if marked else None} for name, marked in made.values()])
        new_ids = dict(zip(made, ids))
        self.created["agencies"] += len(ids)
        for key, match in plan.agencies.items():
            outcome = plan.agency_outcome(match.spelling)
            agency_id = outcome.agency_id if outcome.agency_id is not None else new_ids[match_key(outcome.name)]
            self.agency_ids[key] = agency_id
            self.agency_names[agency_id] = outcome.name
            if outcome.how != "known" and agencies.add_agency_alias(session, agency_id, match.spelling):
                self.created["agency aliases"] += 1

    def _agency(self, spelling: str | None) -> int | None:
        if not spelling:
            return None
        found = self._by_spelling.get(spelling)
        if found is None:
            found = self._by_spelling[spelling] = self.agency_ids.get(match_key(spelling))
        return found

    def action_plan(self) -> None:
        session, plan = self.session, self.plan
        existing = Existing(session, ACTION_PLAN)
        theme_ids = self._themes(existing)
        self._reviews(existing)
        statuses = {i.name: i.id for i in lookups.list_items(session, ListKind.RESPONSE_STATUS, include_archived=True)}
        new: list[tuple[tuple[str, int], dict]] = []
        for (key, number), planned in sorted(plan.recommendations.items()):
            rec_id = existing.recommendations.get((self.review_ids[key], number))
            self._count("recommendations", rec_id is None)
            if rec_id:
                self.rec_ids[(key, number)] = rec_id
                continue
            new.append(((key, number), {
                "review_id": self.review_ids[key], "number": number,
                "text": planned.text or f"(Recommendation {number}: its text was not in {plan.path.name}.)",
                "theme_id": theme_ids.get(planned.theme), "board_response": planned.response,
                "response_status_id": statuses.get(planned.response_status)}))
        ids = recommendations.add_recommendations(session, [row for _, row in new], audit=AUDIT_BY_RECORD)
        self.rec_ids.update(zip((ref for ref, _ in new), ids))
        self._actions(existing, theme_ids)

    def _themes(self, existing: Existing) -> dict[str, int]:
        theme_ids: dict[str, int] = {}
        for key, name in self.plan.themes.items():
            theme_id = existing.themes.get(key)
            theme_ids[key] = theme_id or themes.create_theme(self.session, name).id
            self._count("themes", theme_id is None)
        return theme_ids

    def _reviews(self, existing: Existing) -> None:
        codes = {i.code for i in lookups.list_items(self.session, ListKind.REVIEW_TYPE)}
        taken = set(self.session.scalars(select(Review.reference)))
        for key, planned in self.plan.reviews.items():
            review_id = existing.reviews.get(key)
            self._count("reviews", review_id is None)
            if review_id is None:
                reference = _free_reference(planned.reference, taken)
                taken.add(reference)
                notes = "\n".join(filter(None, [f"Imported from {self.plan.path.name}.", planned.notes]))
                review_id = reviews.create_review(
                    self.session, reference=reference, title=planned.title,
                    review_type=planned.type_code if planned.type_code in codes else "scr", notes=notes).id
            self.review_ids[key] = review_id

    def _actions(self, existing: Existing, theme_ids: dict[str, int]) -> None:
        """Create the new actions, with their progress notes, a chunk at a time (so that a
        tracker's rows are not all held twice over), and add new notes to the actions found
        again."""
        plan = self.plan
        statuses = {i.code: i.id for i in lookups.list_items(self.session, ListKind.ACTION_STATUS, include_archived=True)}
        new_actions, new_notes = [], []
        for planned in plan.actions:
            review_ids = {self.review_ids[key] for key, _ in planned.recommendations}
            action_id = existing.action_id(planned.key, review_ids, not planned.recommendations)
            if action_id is not None:
                notes = existing.new_notes(action_id, planned.notes())
                new_notes += [{"action_id": action_id, "update_on": plan.progress_date, "text": text,
                               "rag": planned.rag if text in planned.progress else None} for text in notes]
                self.created["progress notes"] += len(notes)
                self._count("actions", False)
                continue
            new_actions.append(self._action_row(planned, statuses, theme_ids))
            self._count("actions", True)
            self.created["links from actions to recommendations"] += len(planned.recommendations)
            self.created["progress notes"] += len(planned.notes())
            if len(new_actions) == ACTIONS_AT_A_TIME:
                actions.create_actions(self.session, new_actions, audit=AUDIT_BY_RECORD)
                new_actions = []
        actions.create_actions(self.session, new_actions, audit=AUDIT_BY_RECORD)
        updates.add_progress_updates(self.session, new_notes, audit=AUDIT_BY_RECORD)

    def _action_row(self, planned: PlannedAction, statuses: dict, theme_ids: dict) -> dict:
        target = planned.target
        written = target is not None and target.text and target.precision != DAY
        day = self.plan.progress_date
        notes = [{"update_on": day, "text": planned.notes()[0], "rag": None}] if planned.kept else []
        notes += [{"update_on": day, "text": text, "rag": planned.rag} for text in planned.progress]
        return {
            "reference": planned.reference, "description": planned.description,
            "theme_id": theme_ids.get(planned.theme), "lead_agency_id": self._agency(planned.agency),
            "lead_officer": planned.lead_officer,
            "original_target_on": target.date if target else None,
            "target_on": target.date if target else None,
            # a month, quarter or year is stored as its last day and shown as written
            "target_text": target.text[:100] if written else None,
            "status_id": statuses.get(planned.status_code) or statuses["not_started"],
            "rag": planned.rag, "evidence_of_completion": planned.evidence,
            "evidence_of_impact": planned.impact, "completed_on": planned.completed_on,
            "closure_note": planned.closure_note,
            "recommendation_ids": [self.rec_ids[ref] for ref in planned.recommendations],
            "added_on": None,
            "updates": notes}

    def register(self) -> None:
        session, plan = self.session, self.plan
        existing = Existing(session, "referral-register")
        outcomes = {i.name: i.id for i in lookups.list_items(session, ListKind.DECISION_OUTCOME, include_archived=True)}
        for key, planned in plan.referrals.items():
            referral_id = existing.referrals.get(key)
            self._count("referrals", referral_id is None)
            if referral_id is None:
                agency_id = self._agency(planned.agency)
                referral_id = referrals.create_referral(
                    session, reference=planned.reference,
                    referring_agency=self.agency_names.get(agency_id) if agency_id else None,
                    notes="\n".join(planned.notes) or None,
                    **{k: v for k, v in planned.values.items() if v}).id
            for decision in planned.decisions:
                found = (referral_id, decision.decided_on, outcomes[decision.outcome])
                self._count("decisions", found not in existing.decisions)
                if found in existing.decisions:
                    continue
                existing.decisions.add(found)
                decisions.record_decision(session, referral_id, decided_on=decision.decided_on,
                                          outcome=decision.outcome, rationale=decision.rationale,
                                          criteria_met=decision.criteria_met, decided_by=decision.decided_by)

    def summary(self) -> str:
        names = list(dict.fromkeys([*self.created, *self.present]))
        created = ", ".join(f"{self.created[n]:,} {n}" for n in names if self.created[n])
        present = ", ".join(f"{self.present[n]:,} {n}" for n in names if self.present[n])
        return "\n".join([f"Imported {self.plan.path.name}.", f"Created: {created or 'nothing'}.",
                          f"Already present, left as they were: {present or 'nothing'}."])

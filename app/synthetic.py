"""Synthetic data for benchmarks, demonstrations and tests.

``generate`` fills a new database with a plausible, entirely invented case review office:
referrals and their decisions, reviews, numbered recommendations grouped by theme, the
composite action plan (actions, progress updates, revised target dates), sub group meetings
and learning events. Every subject is a pseudonym ("Child AB", "Family K"), every person a
role ("Named Nurse for Safeguarding"), every town invented.

It writes through the services' bulk functions (each row checked as the service checks one
record, then Core inserts in chunks) inside one transaction, so 100,000 actions take seconds
rather than minutes. It asks them not to audit field by field: one audit entry records what
was generated instead.

The output depends only on ``seed`` and the ``today`` the office is assumed to stand at, so
the same arguments give the same database.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import math
import random
import time
from dataclasses import dataclass
from typing import Callable, Sequence

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from app.database import Database
from app.errors import UserError
from app.memory import collecting_afterwards
from app.services import actions as action_service
from app.services import decisions, learning, meetings, recommendations, referrals, reviews
from db.audit import audit_user
from db.models import Action, Agency, AuditEntry, ListItem, ListKind, Review, Theme

# Actions generated (and written) at a time, with their links, revisions and updates.
CHUNK = 5000

# Targets of the composite action plan run over these years (so, as at any day in
# 2026, many open actions are overdue and some are not yet due).
FIRST_TARGET = dt.date(2015, 1, 1)
LAST_TARGET = dt.date(2027, 12, 31)
# The synthetic office's history (referrals, meetings) starts here.
HISTORY_STARTS = dt.date(2013, 1, 7)
# Working Together 2018 came into force: decisions after it use the new review types.
WORKING_TOGETHER_2018 = dt.date(2018, 9, 29)

ActionProgress = Callable[[int, int], None]


# --- text pools ---------------------------------------------------------------------------
# Short phrases in the register of published action plans, combined at random. Written for
# this program; none is a quotation and none names a real person.

TOWNS = [
    "Northbridge", "Easthaven", "Millford", "Westcombe", "Ashby Vale", "Kingsmere",
    "Hollowfield", "Redbrook", "Stonegate", "Fairleigh", "Oakhurst", "Brackenby",
]
GENDERS = ["Male", "Female", "Male", "Female", "Both"]
AGES = [
    "6 wks", "10 wks", "4 mths", "7 mths", "11 mths", "1 yr 3 mths", "1 yr 11 mths",
    "3 yrs", "5 yrs", "8 yrs", "12 yrs", "14 yrs", "15 yrs", "16 yrs", "17 yrs", "Various",
]
REFERRAL_SUMMARIES = [
    "Extreme neglect and cruelty over a long period",
    "Non-accidental head injury to a baby",
    "Unexplained fractures in a non-mobile infant",
    "Sudden unexpected death in infancy, unsafe sleeping arrangements",
    "Child sexual exploitation of several young people",
    "Serious injury following domestic abuse in the household",
    "Death of a young person by suicide",
    "Serious youth violence, young person stabbed",
    "Chronic neglect of siblings, poor school attendance",
    "Sexual abuse by a family member, disclosed at school",
    "Injuries to a child subject to a child protection plan",
    "Young person missing from care and exploited",
]
DECISION_RATIONALES = [
    "The criteria are met: abuse or neglect is known or suspected and the child has died.",
    "Serious harm is evident and there is cause for concern about how agencies worked together.",
    "Criteria not met; single agency learning identified and to be taken forward by that agency.",
    "Decision deferred until the post-mortem results are known.",
    "Deferred while criminal proceedings are under way; to be reconsidered at the next meeting.",
    "More information requested from health and police before a decision is taken.",
    "Learning is likely to be found about multi-agency practice; a proportionate review agreed.",
    "The case shares themes with two other referrals; a thematic review agreed.",
]
LEAD_REVIEWERS = [
    "Independent reviewer (external)",
    "Independent author commissioned by the partnership",
    "Two independent reviewers (systems methodology)",
    "Partnership business manager with an independent chair",
    "Independent lead reviewer and health co-author",
]
FAMILY_INVOLVEMENT = [
    "Mother met the lead reviewer twice; father declined to take part.",
    "The family were told of the review and invited to contribute; no response was received.",
    "Grandparents contributed their views, which are reflected in the report.",
    "Involvement postponed until the end of criminal proceedings.",
]
DELAY_REASONS = [
    "Parallel criminal proceedings",
    "Awaiting the outcome of a coroner's inquest",
    "Finding-of-fact hearing in care proceedings",
    "Availability of the independent reviewer",
]
# Review references: "SCR-2016-0012". Types added by the office later get "REV".
REVIEW_PREFIXES = {
    "scr": "SCR", "lcspr": "LCSPR", "rapid": "RR", "case_mapping": "CM", "thematic": "TLR",
    "single_agency": "SA", "multi_agency": "MAR", "sar": "SAR", "dhr": "DHR",
}
STATUS_NOTES = [
    "Terms of reference agreed by the sub group.",
    "Chronologies requested from all agencies.",
    "Practitioner workshop arranged.",
    "Draft report with the panel for comment.",
    "Report to be presented to the partnership for sign-off.",
    "Awaiting publication date from the partners.",
]

REC_OPENINGS = [
    "The Safeguarding Partnership should seek assurance that",
    "All partner agencies should ensure that",
    "The Board should be assured that",
    "Health commissioners should confirm to the partnership that",
    "Children's Services and the Police should jointly ensure that",
    "Each agency should audit whether",
    "The partnership should commission work to make certain that",
    "Education settings and health providers should demonstrate that",
]
REC_SUBJECTS = [
    "front-line practitioners", "health visitors and midwives", "social workers and their managers",
    "designated safeguarding leads in schools", "GP practices", "emergency department staff",
    "staff in universal services", "police officers attending domestic incidents",
    "supervisors of child protection cases", "staff in adult mental health services",
]
REC_VERBS = [
    "understand and consistently apply", "routinely consider", "are trained in and use",
    "record and share", "are supported in supervision to apply", "know how to escalate",
    "give proper weight to", "act promptly on",
]
REC_OBJECTS = [
    "the multi-agency threshold guidance",
    "the escalation and professional challenge procedure",
    "the neglect assessment toolkit",
    "information about the fathers and other adult males in the household",
    "the lived experience of the child",
    "concerns held by agencies in other areas where the family has lived",
    "the risk posed by any bruising seen on a baby who is not yet mobile",
    "the safer sleeping advice given to parents of new babies",
    "the combined impact of parental substance misuse, mental ill health and domestic abuse",
    "the need for a strategy discussion when significant harm is suspected",
    "the pattern of missed health appointments as a possible indicator of neglect",
    "the views of the child, gathered directly and recorded in the child's words",
]
REC_QUALIFIERS = [
    "when working with families who move between local authority areas",
    "including where the child is electively home educated",
    "especially for children with disabilities or complex health needs",
    "at every transfer of a case between teams or agencies",
    "when a child protection plan is ending",
    "where parents are reluctant to engage with services",
]
REC_FOLLOWUPS = [
    "Agencies should report their progress to the case review sub group within six months.",
    "An audit of a sample of cases should test whether practice has changed as a result.",
    "The learning should be built into single and multi-agency training.",
    "Where a child is not brought to appointments, this should prompt a review of the plan.",
    "Supervision records should show that this has been discussed and acted upon.",
    "The partnership will want evidence of impact, not only of completion.",
    "Procedures should be revised where they do not make the expectation clear.",
    "The voice of the child should be evident in the records that are audited.",
]
BOARD_RESPONSES = [
    "Accepted. The partnership will monitor progress through the composite action plan.",
    "Endorsed. Agencies have confirmed how they will take the learning forward.",
    "Accepted in part; the training element will be met through the existing programme.",
    "Accepted. A multi-agency audit will test the impact in twelve months.",
]

ACTION_VERBS = [
    "Deliver briefing sessions for", "Revise the single agency policy used by",
    "Audit a sample of case records held by", "Add a module to the induction training of",
    "Issue a 7-minute briefing to", "Introduce a supervision prompt for",
    "Update the referral form and guidance used by", "Hold a reflective practice workshop for",
]
ACTION_TOPICS = [
    "on recognising and responding to neglect", "on the escalation policy",
    "on safer sleeping advice for new parents", "on bruising in non-mobile babies",
    "on hearing the voice of the child", "on working with fathers and male carers",
    "on information sharing across borders", "on children missing education",
    "on exploitation and contextual safeguarding", "on domestic abuse risk assessment",
]
ACTION_FOLLOWUPS = [
    "Attendance to be recorded and reported to the sub group.",
    "Audit findings to go to the quality assurance group.",
    "Compliance to be checked through quarterly dip sampling.",
    "Guidance to be published on the partnership website.",
    "Managers to confirm that all staff have read the briefing.",
    "Impact to be tested through a follow-up audit.",
]
LEAD_OFFICERS = [
    "Head of Safeguarding", "Named Nurse for Safeguarding Children", "Designated Doctor",
    "Detective Inspector, Public Protection", "Service Manager, Children's Services",
    "Principal Social Worker", "Education Safeguarding Lead", "Partnership Business Manager",
    "Head of Quality Assurance", "Designated Nurse for Safeguarding", "Team Manager, MASH",
]
EVIDENCE_REQUIRED = [
    "Training attendance figures and evaluation summary.",
    "Copy of the revised policy and the date it was issued.",
    "Audit report with findings and follow-up actions.",
    "Confirmation from managers that staff have been briefed.",
    "Minutes showing the item was discussed at the team meeting.",
]
EVIDENCE_OF_COMPLETION = [
    "Revised policy issued to all staff; copy held by the partnership.",
    "Briefing delivered to all teams; attendance records provided.",
    "Audit of twenty cases completed and reported to the sub group.",
    "Training module live on the learning platform since launch.",
    "Supervision template updated and in use across all teams.",
]
EVIDENCE_OF_IMPACT = [
    "Follow-up audit shows the voice of the child recorded in most cases sampled.",
    "Referrals now include the required information in the great majority of cases.",
    "Staff survey shows improved confidence in using the escalation procedure.",
    "Repeat audit found strategy discussions held promptly in all cases sampled.",
]
CLOSURE_NOTES = [
    "Superseded by the new multi-agency neglect strategy.",
    "Risk accepted by the sub group; resources not available this year.",
    "Not implemented: the service was decommissioned before the work began.",
]
REVISION_REASONS = [
    "Staff capacity in the team; new date agreed with the sub group.",
    "Linked to a policy review now due later in the year.",
    "Awaiting the outcome of a regional workstream.",
    "Training provider unavailable until the next term.",
]

UPDATE_OPENINGS = [
    "Update to the sub group.", "Progress since the last report.", "Position at the quarterly review.",
    "Update from the lead officer.", "Report to the bi-weekly action plan review.",
]
UPDATE_SENTENCES = [
    "Three of the five planned briefing sessions have now been delivered to locality teams.",
    "A draft of the revised guidance has been circulated to partners for comment.",
    "The audit tool has been agreed and a sample of cases selected for review.",
    "Attendance so far has been good, although evening sessions were less well attended.",
    "Capacity in the team has been reduced by vacancies, which has slowed progress.",
    "The training module has been tested with a small group of practitioners.",
    "Early findings suggest the guidance is known but not yet used consistently.",
    "Managers have been asked to confirm that the briefing was discussed in team meetings.",
    "The lead officer has met colleagues in the neighbouring area to align the approach.",
    "Feedback from practitioners has been positive and some changes have been made.",
    "A further update will be provided once the audit has been reported.",
    "The sub group is asked to note progress and agree the revised timescale.",
    "Evidence of completion will be submitted to the partnership business unit.",
    "The item has been added to the agenda of the quality assurance group.",
]


# --- result ---------------------------------------------------------------------------------

@dataclass
class GenerateSummary:
    """How many records of each kind ``generate`` wrote, and how long it took."""

    seed: int
    referrals: int = 0
    decisions: int = 0
    meetings: int = 0
    reviews: int = 0
    recommendations: int = 0
    actions: int = 0
    action_links: int = 0
    progress_updates: int = 0
    target_revisions: int = 0
    learning_events: int = 0
    disseminations: int = 0
    seconds: float = 0.0

    def __str__(self) -> str:
        """One sentence for the command line."""
        return (
            f"{self.actions} actions ({self.action_links} links to recommendations), "
            f"{self.progress_updates} progress updates, {self.target_revisions} target revisions, "
            f"{self.recommendations} recommendations, {self.reviews} reviews, "
            f"{self.referrals} referrals with {self.decisions} decisions, {self.meetings} meetings, "
            f"{self.learning_events} learning events and {self.disseminations} disseminations "
            f"(seed {self.seed}) in {self.seconds:.1f} s."
        )


# --- the generator ----------------------------------------------------------------------------

def generate(database: Database, actions: int, *, seed: int = 1,
             progress: ActionProgress | None = None,
             today: dt.date | None = None) -> GenerateSummary:
    """Fill a new database with ``actions`` synthetic actions and everything around them.

    ``progress(done, total)`` is called with the number of actions written so far, once
    before the actions and after every chunk of them. ``today`` is the date the synthetic
    office stands at (default: the real today); statuses and overdue actions follow from it.
    Raises ``UserError`` if the database already holds reviews or actions.
    """
    if actions < 1:
        raise UserError("The number of actions to generate must be at least 1.", field="actions")
    started = time.perf_counter()
    summary = GenerateSummary(seed=seed)
    with database.sessions.begin() as session, collecting_afterwards():
        _refuse_if_not_new(session)
        writer = _Writer(session, random.Random(seed), today or dt.date.today(), summary)
        writer.write_all(actions, progress)
        session.execute(insert(AuditEntry.__table__), [{
            "at": dt.datetime.now(dt.timezone.utc).replace(tzinfo=None),
            "user": audit_user(session),
            "operation": "generate",
            "table_name": "database",
            "record_id": None,
            "field": None,
            "old_value": None,
            "new_value": f"{actions} actions",
        }])
    summary.seconds = time.perf_counter() - started
    return summary


def _refuse_if_not_new(session: Session) -> None:
    reviews = session.scalar(select(func.count()).select_from(Review))
    actions = session.scalar(select(func.count()).select_from(Action))
    if reviews or actions:
        raise UserError(
            f"This database already holds {reviews} reviews and {actions} actions. "
            "Synthetic data can only be generated into a new, empty database."
        )


def _days(start: dt.date, end: dt.date) -> int:
    return (end - start).days


class _Writer:
    """Builds the rows table by table and writes them; holds the ids later tables refer to."""

    def __init__(self, session: Session, rng: random.Random, today: dt.date,
                 summary: GenerateSummary):
        self.session = session
        self.rng = rng
        self.today = today
        self.summary = summary
        self._load_lists()

    # -- set-up ------------------------------------------------------------------------------

    def _load_lists(self) -> None:
        """Read the ids of the editable lists, agencies and themes seeded into the database."""
        items = self.session.execute(
            select(ListItem.kind, ListItem.id, ListItem.code, ListItem.name, ListItem.review_type_id)
            .where(ListItem.archived_at.is_(None))
            .order_by(ListItem.sort_order, ListItem.id)
        ).all()

        def ids(kind: str) -> list[int]:
            return [i.id for i in items if i.kind == kind]

        def by_code(kind: str) -> dict[str, int]:
            return {i.code: i.id for i in items if i.kind == kind and i.code}

        def by_name(kind: str) -> dict[str, int]:
            return {i.name: i.id for i in items if i.kind == kind}

        self.outcomes = by_code(ListKind.DECISION_OUTCOME)
        self.outcome_review_type = {i.id: i.review_type_id for i in items
                                    if i.kind == ListKind.DECISION_OUTCOME}
        self.review_types = by_code(ListKind.REVIEW_TYPE)
        self.review_type_codes = {v: k for k, v in self.review_types.items()}
        self.methodologies = ids(ListKind.METHODOLOGY)
        self.review_statuses = by_name(ListKind.REVIEW_STATUS)
        self.action_statuses = by_code(ListKind.ACTION_STATUS)
        self.closure_reasons = by_name(ListKind.CLOSURE_REASON)
        self.categories = ids(ListKind.REFERRAL_CATEGORY)
        self.response_statuses = by_name(ListKind.RESPONSE_STATUS)
        self.event_types = by_name(ListKind.LEARNING_EVENT_TYPE)
        self.themes = list(self.session.scalars(
            select(Theme.id).where(Theme.archived_at.is_(None)).order_by(Theme.sort_order)))
        agencies = self.session.execute(
            select(Agency.id, Agency.name).where(Agency.archived_at.is_(None)).order_by(Agency.id)
        ).all()
        self.agencies = [a.id for a in agencies]
        self.agency_names = [a.name for a in agencies]
        if not (self.themes and self.agencies and self.outcomes and self.action_statuses):
            raise UserError("The database has no agencies, themes or lists to build data from.")

    # -- helpers -----------------------------------------------------------------------------

    def _date_between(self, first: dt.date, last: dt.date) -> dt.date:
        if last <= first:
            return first
        return first + dt.timedelta(days=self.rng.randint(0, _days(first, last)))

    def _compose(self, opening: str, followups: Sequence[str], length: int) -> str:
        """``opening`` then follow-up sentences until the text reaches ``length``.

        The sentences are visited from a random start with a random stride coprime to the
        pool's size, so no sentence repeats within a text (cheaper than shuffling the pool).
        """
        parts = [opening]
        size = len(opening)
        count = len(followups)
        index = self.rng.randrange(count)
        stride = self.rng.choice(_strides(count))
        while size < length and len(parts) <= count:
            sentence = followups[index]
            parts.append(sentence)
            size += len(sentence) + 1
            index = (index + stride) % count
        return " ".join(parts)

    # -- the tables --------------------------------------------------------------------------

    def write_all(self, actions: int, progress: ActionProgress | None) -> None:
        n_referrals = max(5, round(actions / 40))
        n_reviews = max(4, round(actions / 25))
        self._write_meetings(n_referrals)
        self._write_referrals(n_referrals)
        self._write_reviews(n_reviews)
        self._write_recommendations()
        self._write_learning_events()
        self._write_actions(actions, progress)

    def _write_meetings(self, n_referrals: int) -> None:
        """Sub group meetings, evenly spaced from the start of the history to today."""
        span = _days(HISTORY_STARTS, self.today)
        count = max(4, min(n_referrals, span // 30))
        rows = [{"held_on": HISTORY_STARTS + dt.timedelta(days=span * i // count),
                 "title": "Case review sub group", "chair": "Independent chair"}
                for i in range(count)]
        self.meeting_ids = meetings.create_meetings(self.session, rows, audit=False)
        self.meeting_dates = [r["held_on"] for r in rows]
        self.summary.meetings = count

    def _meeting_on_or_after(self, day: dt.date) -> tuple[int, dt.date] | None:
        index = bisect.bisect_left(self.meeting_dates, day)
        if index == len(self.meeting_dates):
            return None
        return self.meeting_ids[index], self.meeting_dates[index]

    def _write_referrals(self, count: int) -> None:
        """Referrals spread over the history, each with one to three decisions in date order."""
        rng = self.rng
        latest = self.today - dt.timedelta(days=60)
        dates = sorted(self._date_between(HISTORY_STARTS, latest) for _ in range(count))
        rows, decided = [], []
        # The review type each referral's final decision commissioned, and when.
        self.referral_commission: list[tuple[int, dt.date]] = []
        for i, referred in enumerate(dates):
            aware = referred - dt.timedelta(days=rng.randint(0, 10))
            new_rules = referred >= WORKING_TOGETHER_2018
            subject = ("Family " if rng.random() < 0.15 else "Child ") + _pseudonym(i)
            rows.append({
                "reference": f"Ref{i + 1:04d}", "date_referred": referred,
                "date_aware": aware, "referring_agency_id": rng.choice(self.agencies),
                "subject": subject, "summary": rng.choice(REFERRAL_SUMMARIES),
                "location": rng.choice(TOWNS), "gender": rng.choice(GENDERS),
                "age_text": rng.choice(AGES), "category_id": rng.choice(self.categories),
                "notification_sent_on": aware + dt.timedelta(days=rng.randint(1, 9)),
                "rapid_review_sent_on": (aware + dt.timedelta(days=rng.randint(10, 24))
                                         if new_rules else None),
            })
            outcomes = self._decision_outcomes(new_rules)
            day = referred
            for n, outcome in enumerate(outcomes):
                day = day + dt.timedelta(days=rng.randint(10, 40) if n == 0 else rng.randint(30, 150))
                meeting = self._meeting_on_or_after(day) if rng.random() < 0.75 else None
                if meeting:
                    meeting_id, day = meeting
                    decided_by = "Sub group"
                else:
                    meeting_id, decided_by = None, "Independent chair"
                    day = min(day, self.today)  # a decision is never dated after the office's today
                code = self._outcome_code(outcome)
                decided.append({
                    "referral_id": i, "decided_on": day, "decided_by": decided_by, "meeting_id": meeting_id,
                    "outcome_id": outcome,
                    "criteria_met": {"scr": True, "lcspr": True, "nfa": False,
                                     "single_agency": False}.get(code),
                    "criteria_basis": ("Working Together 2018 criteria" if new_rules
                                       else "Regulation 5 (2006)"),
                    "rationale": rng.choice(DECISION_RATIONALES),
                })
            self.referral_commission.append((self.outcome_review_type[outcomes[-1]], day))
        self.referral_ids = referrals.create_referrals(self.session, rows, audit=False)
        for decision in decided:  # meetings record the referrals they considered
            decision["referral_id"] = self.referral_ids[decision["referral_id"]]
        decisions.record_decisions(self.session, decided, audit=False)
        self.referral_subjects = [r["subject"] for r in rows]
        self.referral_summaries = [r["summary"] for r in rows]
        self.summary.referrals = len(rows)
        self.summary.decisions = len(decided)

    def _decision_outcomes(self, new_rules: bool) -> list[int]:
        """One to three outcome ids; the last commissions a review (earlier ones defer it)."""
        rng = self.rng
        if new_rules:
            final = rng.choice(["lcspr", "lcspr", "rapid", "rapid", "thematic", "single_agency"])
            earlier = ["rapid", "deferred_pm", "more_info", "national_panel"]
        else:
            final = rng.choice(["scr", "scr", "case_mapping", "multi_agency", "single_agency",
                                "thematic"])
            earlier = ["nfa", "deferred_pm", "deferred_criminal", "deferred_fof", "more_info"]
        count = rng.choice((1, 1, 2, 2, 3))
        codes = [rng.choice(earlier) for _ in range(count - 1)] + [final]
        return [self.outcomes[c] for c in codes]

    def _outcome_code(self, outcome_id: int) -> str:
        return next(code for code, i in self.outcomes.items() if i == outcome_id)

    def _write_reviews(self, count: int) -> None:
        """Reviews: each referral gets one (of the type its decision commissioned); the rest
        are further reviews of a referral, some thematic ones covering two or three."""
        rng = self.rng
        n_referrals = len(self.referral_ids)
        all_types = list(self.review_types.values())
        rows = []
        self.review_dates: list[dt.date] = []
        for i in range(count):
            primary = i % n_referrals
            type_id, decided = self.referral_commission[primary]
            if i >= n_referrals or type_id is None:
                type_id = rng.choice(all_types)
                decided = decided + dt.timedelta(days=rng.randint(0, 120))
            covered = [primary]
            if rng.random() < 0.1 and n_referrals > 3:
                neighbours = [(primary + k) % n_referrals for k in range(1, min(n_referrals, 40))]
                covered += rng.sample(neighbours, rng.randint(1, 2))
            rows.append(self._review_row(i, type_id, decided, covered))
        self.review_ids = reviews.create_reviews(self.session, rows, audit=False)
        self.review_rows = rows
        self.summary.reviews = count

    def _review_row(self, index: int, type_id: int, decided: dt.date, covered: list[int]) -> dict:
        rng, today = self.rng, self.today

        def step(day: dt.date | None, low: int, high: int) -> dt.date | None:
            if day is None:
                return None
            later = day + dt.timedelta(days=rng.randint(low, high))
            return later if later <= today else None

        delayed = rng.random() < 0.15
        initiated = step(decided, 7, 60)
        learning = step(initiated, 60, 200)
        completed = step(learning, 60, 420 if delayed else 200)
        published = step(completed, 30, 240)
        briefing = step(published, 0, 60)
        if published:
            status = "Closed" if rng.random() < 0.3 else "Published"
        elif completed:
            status = "Completed"
        elif delayed and initiated:
            status = "On hold (parallel proceedings)"
        elif learning:
            status = "Underway"
        else:
            status = "Initiated" if initiated else "Agreed"
        prefix = REVIEW_PREFIXES.get(self.review_type_codes.get(type_id), "REV")
        subjects = [self.referral_subjects[r] for r in covered]
        return {
            "reference": f"{prefix}-{decided.year}-{index + 1:04d}",
            "title": " and ".join(subjects), "review_type_id": type_id,
            "methodology_id": rng.choice(self.methodologies),
            "status_id": self.review_statuses[status],
            "status_note": rng.choice(STATUS_NOTES), "lead_reviewers": rng.choice(LEAD_REVIEWERS),
            "decision_on": decided, "initiated_on": initiated, "learning_event_on": learning,
            "completed_on": completed, "published_on": published, "briefing_issued_on": briefing,
            "target_override_on": None,
            "delay_reason": rng.choice(DELAY_REASONS) if delayed else None,
            "family_involvement": rng.choice(FAMILY_INVOLVEMENT),
            "summary": self.referral_summaries[covered[0]],
            "referral_ids": [self.referral_ids[r] for r in covered],
        }

    def _recommendation_text(self) -> str:
        rng = self.rng
        opening = (f"{rng.choice(REC_OPENINGS)} {rng.choice(REC_SUBJECTS)} "
                   f"{rng.choice(REC_VERBS)} {rng.choice(REC_OBJECTS)}")
        if rng.random() < 0.6:
            opening += f" {rng.choice(REC_QUALIFIERS)}"
        return self._compose(opening + ".", REC_FOLLOWUPS, rng.randint(200, 330))

    def _write_recommendations(self) -> None:
        """Three to seven numbered recommendations per review, each under a theme."""
        rng = self.rng
        accepted = [self.response_statuses[n] for n in ("Accepted", "Endorsed", "Partially accepted")
                    if n in self.response_statuses]
        awaiting = self.response_statuses.get("Awaiting response")
        rows = []
        self.review_recommendations: list[list[tuple[int, int]]] = []
        for review_id, review in zip(self.review_ids, self.review_rows):
            own = []
            completed = review["completed_on"]
            for number in range(1, rng.randint(3, 7) + 1):
                theme = rng.choice(self.themes)
                responded = completed and rng.random() < 0.9
                addressed = ("All partner agencies" if rng.random() < 0.3
                             else ", ".join(rng.sample(self.agency_names, rng.randint(1, 3))))
                rows.append({
                    "review_id": review_id, "number": number, "text": self._recommendation_text(),
                    "addressed_to": addressed, "theme_id": theme,
                    "response_status_id": rng.choice(accepted) if responded else awaiting,
                    "board_response": rng.choice(BOARD_RESPONSES) if responded else None,
                    "response_on": (min(self.today, completed + dt.timedelta(days=rng.randint(20, 90)))
                                    if responded else None),
                })
                own.append((len(rows) - 1, theme))
            self.review_recommendations.append(own)
        ids = recommendations.add_recommendations(self.session, rows, audit=False)
        self.review_recommendations = [[(ids[row], theme) for row, theme in own]
                                       for own in self.review_recommendations]
        self.summary.recommendations = len(rows)

    def _write_learning_events(self) -> None:
        """A practitioner event for each review that held one; briefings for half the
        published ones, with the agencies that disseminated them."""
        rng = self.rng
        practitioner = self.event_types.get("Practitioner learning event")
        briefings = [self.event_types[n] for n in ("6-step briefing", "7-minute briefing")
                     if n in self.event_types]
        events = []
        for review_id, review in zip(self.review_ids, self.review_rows):
            planned = []
            if practitioner and review["learning_event_on"]:
                planned.append((practitioner, "Practitioner learning event",
                                review["learning_event_on"], rng.randint(8, 40)))
            if briefings and review["briefing_issued_on"] and rng.random() < 0.5:
                planned.append((rng.choice(briefings), "Briefing on the learning",
                                review["briefing_issued_on"], None))
            for type_id, label, held, attendance in planned:
                spread = []
                if attendance is None:
                    for agency in rng.sample(self.agencies, min(len(self.agencies), rng.randint(2, 5))):
                        spread.append({
                            "agency_id": agency,
                            "disseminated_on": min(self.today, held + dt.timedelta(days=rng.randint(7, 90))),
                            "evidence": "Briefing discussed at team meetings; attendance recorded.",
                        })
                events.append({
                    "review_id": review_id, "event_type_id": type_id,
                    "title": f"{label}: {review['title']}", "held_on": held,
                    "attendance": attendance, "facilitator": "Partnership Business Manager",
                    "disseminations": spread,
                })
        learning.create_learning_events(self.session, events, audit=False)
        self.summary.learning_events = len(events)
        self.summary.disseminations = sum(len(e["disseminations"]) for e in events)

    # -- the composite action plan --------------------------------------------------------------

    def _write_actions(self, count: int, progress: ActionProgress | None) -> None:
        """Actions in chunks, each chunk written with its links, revisions and updates."""
        if progress:
            progress(0, count)
        for start in range(0, count, CHUNK):
            size = min(CHUNK, count - start)
            rows = [self._action(n) for n in range(start, start + size)]
            action_service.create_actions(self.session, rows, audit=False)
            self.summary.actions += len(rows)
            self.summary.action_links += sum(len(r["recommendation_ids"]) for r in rows)
            self.summary.target_revisions += sum(len(r.get("target_revisions", ())) for r in rows)
            self.summary.progress_updates += sum(len(r.get("updates", ())) for r in rows)
            if progress:
                progress(start + size, count)

    def _action(self, n: int) -> dict:
        """One action, with its links, target revisions and progress updates."""
        rng, today = self.rng, self.today
        review_index = rng.randrange(len(self.review_rows))
        review = self.review_rows[review_index]
        recommendations = self.review_recommendations[review_index]
        chosen = rng.sample(recommendations, 2 if len(recommendations) > 1 and rng.random() < 0.3 else 1)

        earliest = max(FIRST_TARGET, review["decision_on"] + dt.timedelta(days=60))
        original = self._date_between(earliest, LAST_TARGET)
        target = original
        revisions = []
        if rng.random() < 0.25:
            for _ in range(rng.choice((1, 1, 2))):
                moved = target + dt.timedelta(days=rng.randint(30, 240))
                revisions.append({
                    "old_target_on": target, "new_target_on": moved,
                    "revised_on": min(today, target - dt.timedelta(days=rng.randint(0, 30))),
                    "reason": rng.choice(REVISION_REASONS),
                })
                target = moved

        status, rag, completed, closure, closure_note = self._action_state(target)
        meeting_id = None
        complete = status == "complete"
        # Only an action completed with evidence is signed off (``sign_off``); the draw is
        # made for every finished one so that the rest of the data follows from the seed.
        if completed and rng.random() < 0.7 and complete:
            meeting = self._meeting_on_or_after(completed)
            if meeting:
                meeting_id = meeting[0]
        opening = (f"{rng.choice(ACTION_VERBS)} {rng.choice(REC_SUBJECTS)} "
                   f"{rng.choice(ACTION_TOPICS)}.")
        row = {
            "reference": f"A{n + 1:06d}",
            "description": self._compose(opening, ACTION_FOLLOWUPS, rng.randint(140, 215)),
            "theme_id": chosen[0][1], "lead_agency_id": rng.choice(self.agencies),
            "lead_officer": rng.choice(LEAD_OFFICERS),
            "evidence_required": rng.choice(EVIDENCE_REQUIRED),
            "original_target_on": original, "target_on": target,
            "status_id": self.action_statuses[status], "rag": rag,
            "evidence_of_completion": rng.choice(EVIDENCE_OF_COMPLETION) if complete else None,
            "evidence_of_impact": (rng.choice(EVIDENCE_OF_IMPACT)
                                   if complete and rng.random() < 0.5 else None),
            "completed_on": completed, "closure_reason_id": closure, "closure_note": closure_note,
            "signed_off_meeting_id": meeting_id, "recommendation_ids": [r for r, _ in chosen],
        }
        if revisions:
            row["target_revisions"] = revisions

        last = completed or min(today, target)
        first = min(last, original - dt.timedelta(days=365))
        count = rng.choices((0, 1, 2, 3), weights=(30, 45, 20, 5))[0]
        for day in sorted(self._date_between(first, last) for _ in range(count)):
            row.setdefault("updates", []).append({
                "update_on": day,
                "text": self._compose(rng.choice(UPDATE_OPENINGS), UPDATE_SENTENCES,
                                      rng.randint(300, 440)),
                "rag": rag if rag != "Blue" else rng.choice(("Amber", "Green")),
                "author": rng.choice(LEAD_OFFICERS),
            })
        return row

    def _action_state(self, target: dt.date) -> tuple[str, str, dt.date | None, int | None, str | None]:
        """Status code, RAG, completion date, closure reason and note for an action due on
        ``target``: most past-due actions are done, most future ones open."""
        rng, today = self.rng, self.today
        roll = rng.random()
        if target < today:
            status = ("complete" if roll < 0.55 else "closed" if roll < 0.62
                      else "in_progress" if roll < 0.88 else "not_started")
        else:
            status = "complete" if roll < 0.1 else "in_progress" if roll < 0.65 else "not_started"
        if status in ("complete", "closed"):
            completed = min(today, target + dt.timedelta(days=rng.randint(-200, 90)))
            if status == "complete":
                reason, note = self.closure_reasons.get("Implemented and verified"), None
            else:
                reason = self.closure_reasons.get(rng.choice(
                    ("Closed, risk accepted", "Superseded", "Not implemented")))
                note = rng.choice(CLOSURE_NOTES)
            return status, "Blue", completed, reason, note
        if target < today:
            rag = "Red" if rng.random() < 0.6 else "Amber"
        else:
            rag = rng.choices(("Green", "Amber", "Red"), weights=(60, 35, 5))[0]
        return status, rag, None, None, None


@functools.cache
def _strides(count: int) -> tuple[int, ...]:
    """The steps through a pool of ``count`` sentences that visit every one before any repeats."""
    return tuple(step for step in range(1, count + 1) if math.gcd(step, count) == 1)


def _pseudonym(index: int) -> str:
    """Letters for the ``index``-th subject: A..Z, AA..ZZ, AAA..."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters

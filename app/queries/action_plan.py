"""The composite action plan as at a date: one row per action, read the same way for the
window's register, every workbook and CSV file, every paper and the command line.

Each ``ActionRow`` carries all its action's facts: its recommendations, its latest progress
update, its status in the words of ``app.rules`` (completed, or closed with its reason), its
RAG rating as shown, and whether it is overdue on the date asked about.

**As at.** For a date before today the row is the action as it stood then, rebuilt from its
history: an action added later is left out; one completed or closed later is open, with
the status its progress updates point to; its target is the one in force before any later
revision; its RAG and latest update come from the updates dated on or before the date;
sign-off, completion and evidence after the date are not shown. Where the history cannot
tell (a record brought in without its history: no date it was added, a closure with no
date, a RAG rating with no dated update behind it), the row shows what is recorded today and
says so in ``as_recorded``; papers print that, they do not guess.

The register reads 100,000 actions in about a second, so rows come straight from the
database driver with names put in from small lookups (a join makes the driver build a new
string for every name of every row), and the heavier facts (latest updates, revisions) are
one grouped query each, never one per row.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, NamedTuple, Sequence

from sqlalchemy import Select, String, cast, func, select
from sqlalchemy.orm import Session

from app import rules
from app.queries.driver import Dates, driver_rows
from db.models import (
    Action,
    Agency,
    Chase,
    ListItem,
    ListKind,
    ProgressUpdate,
    Recommendation,
    Review,
    TargetRevision,
    Theme,
    action_recommendation,
)

OVERDUE = "Overdue"  # the register's overdue column: this word, or blank
NO_TARGET = "No target date"  # the days left of an open action with no target date, nor words for one
IN_PROGRESS, NOT_STARTED = "in_progress", "not_started"  # action status codes


class ActionRow(NamedTuple):
    """One action as every view shows it. The first fields are, in order, the record id and
    the action plan register's columns (``app.registers.ACTION_COLUMNS``), so a row is a
    register row as it stands; the rest are the facts workbooks and papers print too."""

    id: int
    reference: str
    description: str
    lead_agency: str | None
    target: dt.date | str | None  # the target date, or the target as written when it is not a date ("Ongoing")
    status: str  # an open status's name, "Completed", or "Closed – <reason>"
    rag: str | None  # as shown: Blue when completed, none when closed otherwise
    overdue: str  # OVERDUE or ""
    recommendations: str  # "SCR-01 R3, R4; SCR-02 R1"
    theme: str | None
    lead_officer: str | None
    completed_on: dt.date | None
    signed_off_on: dt.date | None
    # Days to the target date, negative once overdue, for an open action (its target as written,
    # or NO_TARGET, when it has no date); None once closed.
    days_left: int | str | None
    last_chased: dt.date | None  # the latest chase (app.services.chases) on or before the date
    # --- beyond the register's columns
    state: str  # one of app.rules.STATES
    version: int
    status_name: str  # the status value as recorded (as it stood on the date)
    closure_reason: str | None
    closure_note: str | None
    lead_agency_id: int | None
    theme_id: int | None
    target_on: dt.date | None  # the target date in force (None: no date)
    original_target_on: dt.date | None
    target_text: str | None  # kept when the target could not be read as a date ("Ongoing")
    target_moves: int  # how many times the target date was revised (up to the date)
    evidence_required: str | None
    evidence_of_completion: str | None
    evidence_of_impact: str | None
    latest_update_on: dt.date | None
    latest_update: str | None
    recommendation_ids: tuple[int, ...]
    as_recorded: bool  # some fact could not be rebuilt for the date: shown as recorded today


@dataclass(frozen=True)
class RecommendationRef:
    """A recommendation an action answers, as the plan names it."""

    id: int
    review_id: int
    review_reference: str
    review_title: str
    number: int
    text: str
    theme_id: int | None
    theme: str | None

    @property
    def label(self) -> str:
        """"SCR-01 R3": the number its review gave it, with the review's reference (as
        ``recommendation_numbers_text`` writes one)."""
        return f"{self.review_reference} R{self.number}"


def recommendation_numbers_text(labels: Iterable[tuple[str, int]]) -> str:
    """Recommendations as the office writes them, in review and number order:
    "SCR-01 R3, R4; SCR-02 R1"."""
    per_review: dict[str, list[str]] = {}
    for reference, number in sorted(labels):
        per_review.setdefault(reference, []).append(f"R{number}")
    return "; ".join(f"{reference} {', '.join(numbers)}" for reference, numbers in per_review.items())


@dataclass(frozen=True)
class PlanFilter:
    """Which actions to read; None or False means no restriction. ``status`` is a status
    as shown ("In progress", "Completed", "Closed – superseded"); ``open_only`` and
    ``overdue_only`` apply the rules as at the date read."""

    agency_id: int | None = None
    theme_id: int | None = None
    status: str | None = None
    open_only: bool = False
    overdue_only: bool = False
    action_ids: tuple[int, ...] | None = None
    recommendation_ids: tuple[int, ...] | None = None
    # With recommendation_ids: also the actions attached to these themes as a whole.
    unlinked_theme_ids: tuple[int, ...] = ()

    def keeps(self, row: ActionRow) -> bool:
        """Whether ``row`` passes the filters that depend on the date (state and status)."""
        if self.open_only and row.state in (rules.COMPLETED, rules.CLOSED):
            return False
        if self.overdue_only and row.state != rules.OVERDUE:
            return False
        return self.status is None or row.status.casefold() == self.status.casefold()


@dataclass(frozen=True)
class ActionPlan:
    """The plan as at ``as_at``: its rows (in the order asked for) and every live
    recommendation that existed then, by id."""

    as_at: dt.date
    rows: list[ActionRow]
    recommendations: dict[int, RecommendationRef]

    @property
    def as_recorded(self) -> bool:
        """Whether any row shows facts as recorded today rather than as they stood."""
        return any(row.as_recorded for row in self.rows)

    def recommendations_of(self, row: ActionRow) -> list[RecommendationRef]:
        return [self.recommendations[i] for i in row.recommendation_ids if i in self.recommendations]


# --- reading ----------------------------------------------------------------------------------

def live_actions(*columns) -> Select:
    """Live actions (id first, then ``columns``), in the register's order: by id."""
    return select(Action.id, *columns).where(Action.archived_at.is_(None)).order_by(Action.id)


class _Lookups:
    """Names and codes of the small tables, by id."""

    def __init__(self, session: Session):
        self.agencies = dict(driver_rows(session, select(Agency.id, Agency.name)))
        self.themes = dict(driver_rows(session, select(Theme.id, Theme.name)))
        items = driver_rows(session, select(ListItem.id, ListItem.kind, ListItem.name, ListItem.code,
                                             ListItem.is_open))
        self.statuses = {i: (name, code, bool(is_open)) for i, kind, name, code, is_open in items
                         if kind == ListKind.ACTION_STATUS}
        self.closures = {i: (name, code) for i, kind, name, code, _ in items if kind == ListKind.CLOSURE_REASON}
        by_code = {code: name for _i, kind, name, code, _ in items if kind == ListKind.ACTION_STATUS and code}
        # The open status an action had before it closed: by its updates, as the office uses them.
        self.in_progress = by_code.get(IN_PROGRESS, "In progress")
        self.not_started = by_code.get(NOT_STARTED, "Not started")


def _recommendations(session: Session, as_at: dt.date | None) -> dict[int, RecommendationRef]:
    """Every live recommendation of a live review that existed on ``as_at`` (None: now)."""
    stmt = (select(Recommendation.id, Recommendation.review_id, Review.reference, Review.title,
                   Recommendation.number, Recommendation.text, Recommendation.theme_id, Theme.name,
                   Recommendation.added_on, Recommendation.response_on, Review.completed_on, Review.published_on)
            .join(Review, Review.id == Recommendation.review_id)
            .outerjoin(Theme, Theme.id == Recommendation.theme_id)
            .where(Recommendation.archived_at.is_(None), Review.archived_at.is_(None)))
    day = Dates()
    found = {}
    for (rec_id, review_id, reference, title, number, text, theme_id, theme, added_on, response_on,
         completed_on, published_on) in driver_rows(session, stmt):
        if as_at is None or recommendation_made(as_at, day[added_on], day[response_on], day[completed_on],
                                                day[published_on]) is not False:
            found[rec_id] = RecommendationRef(rec_id, review_id, reference, title or "", number, text or "",
                                              theme_id, theme)
    return found


def recommendation_made(as_at: dt.date, added_on: dt.date | None, response_on: dt.date | None,
                        completed_on: dt.date | None, published_on: dt.date | None) -> bool | None:
    """Whether a recommendation had been made by ``as_at``: True, False, or None when its
    history cannot tell (it is then shown as recorded today). A review's recommendations are
    made when its report is completed (or, failing a date for that, published)."""
    if added_on is not None:
        return added_on <= as_at
    known = [day for day in (completed_on or published_on, response_on) if day is not None]
    if not known:
        return None
    return min(known) <= as_at


def _links(session: Session, ids: Select | None) -> dict[int, str]:
    """Each action's linked recommendation ids, joined with commas in no set order (many
    actions share a set, so each distinct text is worked out once: see ``_Sets``)."""
    link = action_recommendation.c
    answered = (select(link.action_id, func.aggregate_strings(cast(link.recommendation_id, String), ","))
                .group_by(link.action_id))
    if ids is not None:
        answered = answered.where(link.action_id.in_(ids))
    return dict(driver_rows(session, answered))


def _last_chased(session: Session, ids: Select | None, as_at: dt.date) -> dict[int, dt.date]:
    """Each chased action's latest chase on or before ``as_at``, by action id: one grouped
    query over the chases, which are few beside the actions."""
    latest = (select(Chase.action_id, func.max(Chase.chased_on))
              .where(Chase.archived_at.is_(None), Chase.chased_on <= as_at).group_by(Chase.action_id))
    if ids is not None:
        latest = latest.where(Chase.action_id.in_(ids))
    day = Dates()
    return {action_id: day[on] for action_id, on in driver_rows(session, latest)}


class _Sets(dict):
    """``sets[joined]``: the (ids, recommendations text) of a joined set of recommendation
    ids, keeping only recommendations that exist (live, and made by the date)."""

    def __init__(self, recommendations: dict[int, RecommendationRef]):
        super().__init__()
        self._recommendations = recommendations

    def __missing__(self, joined: str | None) -> tuple[tuple[int, ...], str]:
        recs = self._recommendations
        if not joined:
            found = ((), "")
        elif "," not in joined:  # most actions answer one recommendation
            rec = recs.get(int(joined))
            found = ((rec.id,), rec.label) if rec else ((), "")
        else:
            ids = tuple(sorted(i for i in map(int, joined.split(",")) if i in recs))
            found = (ids, recommendation_numbers_text((recs[i].review_reference, recs[i].number) for i in ids))
        self[joined] = found
        return found


class _History:
    """What an action's updates and revisions say about ``as_at`` (None: today, as recorded)."""

    @classmethod
    def none(cls) -> _History:
        """No history read: no latest updates, no target moves."""
        empty = cls.__new__(cls)
        empty.latest, empty.rag, empty.rated, empty.first_update = {}, {}, set(), {}
        empty.moves, empty.first_revision, empty.target_then = {}, {}, {}
        return empty

    def __init__(self, session: Session, ids: Select | None, as_at: dt.date | None):
        day = Dates()
        updates = (select(ProgressUpdate.action_id, ProgressUpdate.update_on, ProgressUpdate.text,
                          ProgressUpdate.rag)
                   .where(ProgressUpdate.archived_at.is_(None))
                   .order_by(ProgressUpdate.action_id, ProgressUpdate.update_on, ProgressUpdate.id))
        if ids is not None:
            updates = updates.where(ProgressUpdate.action_id.in_(ids))
        self.latest: dict[int, tuple[dt.date, str]] = {}
        self.rag: dict[int, str] = {}  # the RAG of the latest rated update on or before as_at
        self.rated: set[int] = set()  # actions with any rated update, whenever
        self.first_update: dict[int, dt.date] = {}
        for action_id, on, text, rag in driver_rows(session, updates):
            on = day[on]
            self.first_update.setdefault(action_id, on)
            if rag:
                self.rated.add(action_id)
            if as_at is not None and on > as_at:
                continue
            self.latest[action_id] = (on, text)
            if rag:
                self.rag[action_id] = rag
        revisions = (select(TargetRevision.action_id, TargetRevision.revised_on, TargetRevision.old_target_on)
                     .order_by(TargetRevision.action_id, TargetRevision.id))
        if ids is not None:
            revisions = revisions.where(TargetRevision.action_id.in_(ids))
        self.moves: dict[int, int] = defaultdict(int)
        self.first_revision: dict[int, dt.date] = {}
        # The target in force on as_at: undone back to before the first revision made after it.
        self.target_then: dict[int, dt.date | None] = {}
        for action_id, revised_on, old_target in driver_rows(session, revisions):
            revised_on = day[revised_on]
            self.first_revision.setdefault(action_id, revised_on)
            if as_at is None or revised_on <= as_at:
                self.moves[action_id] += 1
            elif action_id not in self.target_then:
                self.target_then[action_id] = day[old_target]


def _chosen(flt: PlanFilter) -> Select | None:
    """The ids of the live actions the date-free filters let through (None: all)."""
    if flt.agency_id is None and flt.theme_id is None and flt.action_ids is None and flt.recommendation_ids is None:
        return None
    chosen = select(Action.id).where(Action.archived_at.is_(None))
    if flt.agency_id is not None:
        chosen = chosen.where(Action.lead_agency_id == flt.agency_id)
    if flt.theme_id is not None:
        chosen = chosen.where(Action.theme_id == flt.theme_id)
    if flt.action_ids is not None:
        chosen = chosen.where(Action.id.in_(flt.action_ids))
    if flt.recommendation_ids is not None:
        link = action_recommendation.c
        answers = Action.id.in_(select(link.action_id).where(link.recommendation_id.in_(flt.recommendation_ids)))
        whole_theme = Action.theme_id.in_(flt.unlinked_theme_ids) & ~Action.id.in_(select(link.action_id))
        chosen = chosen.where(answers | whole_theme)
    return chosen


_COLUMNS = (Action.reference, Action.description, Action.lead_agency_id, Action.target_on, Action.status_id,
            Action.rag, Action.theme_id, Action.lead_officer, Action.completed_on, Action.signed_off_on,
            Action.version, Action.closure_reason_id, Action.closure_note, Action.original_target_on,
            Action.target_text, Action.evidence_required, Action.evidence_of_completion,
            Action.evidence_of_impact, Action.added_on)


class _Judge:
    """The rules of ``app.rules`` applied to each row, each distinct case judged once (100,000
    actions share a few statuses and a few thousand target dates)."""

    def __init__(self, as_at: dt.date):
        self.as_at = as_at
        self.open_states: dict[dt.date | None, str] = {}
        self._words: dict[tuple, tuple[str, str]] = {}
        self.days_left: dict[dt.date, int] = {}

    def days_to(self, target_on: dt.date) -> int:
        days = self.days_left.get(target_on)
        if days is None:
            days = self.days_left[target_on] = (target_on - self.as_at).days
        return days

    def open_state(self, target_on: dt.date | None) -> str:
        state = self.open_states.get(target_on)
        if state is None:
            state = self.open_states[target_on] = rules.action_state(
                is_open=True, target_on=target_on, as_at=self.as_at, status_code=None, closure_code=None,
                evidence_of_completion=None)
        return state

    def closed(self, status_name: str, status_code: str | None, closure_name: str | None,
               closure_code: str | None, completion: str | None) -> tuple[str, str]:
        """(state, status text) of a closed action."""
        evidence = "x" if (completion or "").strip() else None
        key = (status_name, status_code, closure_name, closure_code, evidence)
        found = self._words.get(key)
        if found is None:
            state = rules.action_state(is_open=False, target_on=None, as_at=self.as_at, status_code=status_code,
                                       closure_code=closure_code, evidence_of_completion=evidence)
            found = self._words[key] = (state, rules.status_text(
                state=state, status_name=status_name, status_code=status_code, closure_code=closure_code,
                closure_name=closure_name, evidence_of_completion=evidence))
        return found


def read_action_plan(session: Session, as_at: dt.date | None = None, flt: PlanFilter = PlanFilter(), *,
                     order: str = "id", with_updates: bool = True) -> ActionPlan:
    """The plan as at ``as_at`` (default today), as ``flt`` narrows it, one row per live action.

    ``order``: "id" (the register's own order) or "plan" (by the first review and
    recommendation each action answers, as the plan is printed and exported).
    ``with_updates=False`` leaves out the latest update and the count of target moves of a
    plan read as it stands today (the register shows neither); a plan for a past date is
    always rebuilt from its whole history.
    """
    today = dt.date.today()
    as_at = as_at or today
    past = as_at < today  # only then is anything rebuilt from history
    session.flush()  # rows are read straight from the driver, which sees only what is flushed
    names = _Lookups(session)
    chosen = _chosen(flt)
    recommendations = _recommendations(session, as_at if past else None)
    links = _links(session, chosen)
    history = _History(session, chosen, as_at if past else None) if past or with_updates else _History.none()
    chased = _last_chased(session, chosen, as_at)
    stmt = live_actions(*_COLUMNS)
    if chosen is not None:
        stmt = stmt.where(Action.id.in_(chosen))
    sets = _Sets(recommendations)
    judge = _Judge(as_at)
    open_states = judge.open_states
    make = ActionRow._make  # the C tuple constructor: a NamedTuple's own __new__ is Python code
    agencies, themes, statuses, closures = names.agencies, names.themes, names.statuses, names.closures
    latest_of, moves = history.latest, history.moves
    day = Dates()
    no_closure = (None, None)
    rows: list[ActionRow] = []
    append = rows.append
    for (action_id, reference, description, agency_id, target_on, status_id, rag, theme_id, officer,
         completed_on, signed_off_on, version, closure_id, closure_note, original_target, target_text,
         required, completion, impact, added_on) in driver_rows(session, stmt):
        status_name, status_code, is_open = statuses[status_id]
        closure_name, closure_code = closures.get(closure_id, no_closure)
        target_on, completed_on, signed_off_on = day[target_on], day[completed_on], day[signed_off_on]
        joined = links.get(action_id)
        rec_ids, rec_text = sets[joined]
        latest_on, latest = latest_of.get(action_id, no_closure)
        as_recorded = False
        if past:
            existed = _existed(as_at, day[added_on], history.first_update.get(action_id), completed_on,
                               history.first_revision.get(action_id))
            if existed is False:
                continue
            if existed is None:
                if joined and not rec_ids:
                    continue  # it answers only recommendations not yet made
                as_recorded = True
            if action_id in history.target_then:
                target_on = history.target_then[action_id]
            if not is_open:
                if completed_on is None:
                    as_recorded = True  # closed, but nobody recorded when
                elif completed_on > as_at:
                    is_open = True
                    status_name = names.in_progress if latest_on else names.not_started
                    closure_name = closure_note = completion = impact = completed_on = None
            if signed_off_on is not None and signed_off_on > as_at:
                signed_off_on = None
            if action_id in history.rated:
                rag = history.rag.get(action_id)
            elif rag is not None and is_open:
                as_recorded = True  # a rating with no dated update behind it
        if is_open:
            state, status = open_states.get(target_on) or judge.open_state(target_on), status_name
            overdue = OVERDUE if state == rules.OVERDUE else ""
            days_left = judge.days_to(target_on) if target_on else target_text or NO_TARGET
        else:
            (state, status), overdue = judge.closed(status_name, status_code, closure_name, closure_code,
                                                    completion), ""
            rag = "Blue" if state == rules.COMPLETED else None  # app.rules.shown_rag, inline for speed
            days_left = None
        append(make((
            action_id, reference or f"A{action_id}", description, agencies.get(agency_id),
            target_on or target_text or None, status, rag, overdue, rec_text, themes.get(theme_id), officer,
            completed_on, signed_off_on, days_left, chased.get(action_id), state, version, status_name, closure_name, closure_note, agency_id,
            theme_id, target_on, day[original_target], target_text, moves.get(action_id, 0), required, completion,
            impact, latest_on, latest, rec_ids, as_recorded,
        )))
    if flt.open_only or flt.overdue_only or flt.status is not None:
        rows = [row for row in rows if flt.keeps(row)]
    if order == "plan":
        rows.sort(key=_plan_key(recommendations))
    return ActionPlan(as_at, rows, recommendations)


def _existed(as_at: dt.date, added_on, first_update, completed_on, first_revision) -> bool | None:
    """Whether an action was on the plan on ``as_at``: True, False, or None when its history
    cannot tell. Without the day it was added, anything recorded about it on or before the
    date (an update, its closure, a revised target) shows it was there."""
    if added_on is not None:
        return added_on <= as_at
    if any(day is not None and day <= as_at for day in (first_update, completed_on, first_revision)):
        return True
    return None


def _plan_key(recommendations: dict[int, RecommendationRef]):
    """Sort key for the printed order: by the first review and recommendation an action answers
    (review reference, then number), then by id; actions answering none last."""
    def key(row: ActionRow):
        firsts = [(recommendations[i].review_reference, recommendations[i].number)
                  for i in row.recommendation_ids if i in recommendations]
        return (0, *min(firsts), row.id) if firsts else (1, "", 0, row.id)
    return key


def status_choices(session: Session) -> list[str]:
    """Every status an action can be given, as the plan shows them (``app.rules.status_choices``)."""
    items = session.execute(select(ListItem.kind, ListItem.code, ListItem.name, ListItem.is_open)
                            .where(ListItem.archived_at.is_(None),
                                   ListItem.kind.in_((ListKind.ACTION_STATUS, ListKind.CLOSURE_REASON)))
                            .order_by(ListItem.sort_order, ListItem.name)).all()
    open_names = [name for kind, _code, name, is_open in items if kind == ListKind.ACTION_STATUS and is_open]
    closures = [(code, name) for kind, code, name, _ in items if kind == ListKind.CLOSURE_REASON]
    return rules.status_choices(open_names, closures)


def read_actions(session: Session, ids: Sequence[int], as_at: dt.date | None = None) -> list[ActionRow]:
    """The rows of the live actions of ``ids``, in id order."""
    return read_action_plan(session, as_at, PlanFilter(action_ids=tuple(ids))).rows

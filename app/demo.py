"""The demo office: a realistic database built from the five seed documents.

``write_demo`` fills a new database (default lists already seeded) with the referrals,
decisions, reviews, recommendations, responses, actions, meetings and learning events that
the published seed papers describe, followed up to today, plus a little current work dated
relative to "today" so that a new user opens a live office: a notification clock about to
run out, a rapid review due, an LCSPR underway, actions overdue and due soon, a meeting
coming up.

The content is data, in ``resources/demo``: one JSON file per seed document and one for the
current work, read in name order (the folder's README says how the files are laid out and
how a date is written relative to today). This module only reads them and writes each
record through its service, so the demo is checked and audited like the office's own work.
A file that is not as described stops the demo with a sentence naming the file and entry.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.dates import add_working_days
from app.errors import UserError
from app.resources import resource
from app.services import (
    actions, decisions, learning, meetings, recommendations, referrals, reviews, updates,
)
from app.services.reviews import PANEL_REPORT_FLAGS, PANEL_REPORT_TEXT_FIELDS
from db.models import (
    Action,
    AgencyResponse,
    Decision,
    Dissemination,
    LearningEvent,
    ListItem,
    ListKind,
    Meeting,
    PanelReport,
    Recommendation,
    Referral,
    Review,
)

DEMO_FOLDER = resource("demo")

# What each kind of entry may hold ("about" is a note for the reader), in the order the
# kinds are written; the dates among them.
_FIELDS = {
    "meetings": ("held_on", "title", "chair", "notes", "considered"),
    "referrals": ("reference", "subject", "summary", "location", "gender", "age_text", "notes",
                  "referring_agency", "category", "date_referred", "date_aware", "notification_sent_on",
                  "rapid_review_sent_on", "panel_told_of_decision_on"),
    "decisions": ("referral", "decided_on", "outcome", "decided_by", "criteria_met", "criteria_basis",
                  "rationale", "meeting"),
    "reviews": ("reference", "title", "review_type", "referrals", "status", "methodology", "lead_reviewers",
                "status_note", "delay_reason", "family_involvement", "summary", "notes", "decision_on",
                "initiated_on", "learning_event_on", "completed_on", "published_on", "briefing_issued_on",
                "target_override_on"),
    "recommendations": ("review", "number", "document_number", "theme", "addressed_to", "text",
                        "response_status", "board_response", "response_on", "agency_responses"),
    "actions": ("reference", "description", "recommendations", "theme", "lead_agency", "lead_officer",
                "target_on", "target_text", "evidence_required", "status", "rag", "updates", "revisions",
                "closed", "signed_off_at"),
    "follow_ups": ("action", "updates", "revisions", "evidence_required"),
    "learning_events": ("title", "event_type", "review", "held_on", "attendance", "facilitator", "notes",
                        "disseminations"),
    "panel_reports": ("review", "decision_maker", "subject", "decision_on", *PANEL_REPORT_TEXT_FIELDS,
                      *PANEL_REPORT_FLAGS),
}
_REQUIRED = {"meetings": ("held_on",), "referrals": ("reference",), "decisions": ("referral", "decided_on", "outcome"),
             "reviews": ("reference", "title", "review_type"), "recommendations": ("review", "text"),
             "actions": ("description", "recommendations"), "follow_ups": ("action",),
             "learning_events": ("title", "event_type"), "panel_reports": ("review", "decision_maker", "subject")}
_DATE_FIELDS = {name for fields in _FIELDS.values() for name in fields
                if name.endswith("_on") or name.startswith("date_")}
_FILE_KEYS = {"about", "dates", *_FIELDS}

# "2014-07-15", "today-28", "aware_q+14wd" (working days), "today+7>tue" (the first Tuesday
# on or after): a date, or a named date (today, or one of the file's "dates") moved.
_DATE = re.compile(r"(?P<start>\d{4}-\d{2}-\d{2}|[a-z_]+)(?:(?P<sign>[+-])(?P<count>\d+)(?P<working>wd)?)?"
                   r"(?:>(?P<weekday>mon|tue|wed|thu|fri|sat|sun))?")
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class DemoSummary:
    """How much the demo wrote, for a message to the user and for tests."""

    referrals: int
    decisions: int
    reviews: int
    recommendations: int
    agency_responses: int
    actions_open: int
    actions_complete: int  # implemented and verified
    actions_closed: int  # closed for another reason: superseded, risk accepted
    actions_overdue: int
    oldest_overdue_days: int | None  # how overdue the first on the dashboard's list is
    actions_signed_off: int
    meetings: int
    learning_events: int
    disseminations: int
    panel_reports: int

    def __str__(self) -> str:
        overdue = (f"{self.actions_overdue} overdue, the oldest by {self.oldest_overdue_days} "
                   f"days" if self.actions_overdue else "none overdue")
        return (f"{self.referrals} referrals, {self.decisions} decisions, {self.reviews} reviews, "
                f"{self.recommendations} recommendations, {self.actions_open} open actions "
                f"({overdue}), {self.actions_complete} complete, {self.actions_closed} closed, "
                f"{self.meetings} meetings, {self.learning_events} learning events.")


class _Dates:
    """Reads the dates of one file: fixed ones as they are, the others from ``today`` and
    the file's named "dates"."""

    def __init__(self, today: dt.date, named: dict[str, str]):
        self.named = named
        self.known: dict[str, dt.date | None] = {"today": today}

    def __getitem__(self, name: str) -> dt.date:  # for "{aware_q:%Y}" in a reference
        if name not in self.known:
            if name not in self.named:
                raise ValueError(f"'{name}' is not one of the file's dates")
            self.known[name] = None  # a date defined by way of itself is caught below
            self.known[name] = self.date(self.named[name])
        if self.known[name] is None:
            raise ValueError(f"the date '{name}' is defined by way of itself")
        return self.known[name]

    def date(self, text: str | None) -> dt.date | None:
        if text is None:
            return None
        found = _DATE.fullmatch(text) if isinstance(text, str) else None
        if found is None:
            raise ValueError(f"'{text}' is not a date (write 2014-07-15, today-28, today+3wd or "
                             "one of the file's dates)")
        start = found["start"]
        day = dt.date.fromisoformat(start) if start[0].isdigit() else self[start]
        if found["count"]:
            count = int(found["count"]) * (-1 if found["sign"] == "-" else 1)
            day = add_working_days(day, count) if found["working"] else day + dt.timedelta(days=count)
        if found["weekday"]:
            day += dt.timedelta(days=(_WEEKDAYS.index(found["weekday"]) - day.weekday()) % 7)
        return day

    def text(self, template: str) -> str:
        """A reference with the year of a named date in it: "CR-{aware_q:%Y}-03"."""
        return template.format_map(self)


class _DemoFile:
    """Writes the records of one demo file through the services."""

    def __init__(self, session: Session, path: Path, content: dict, today: dt.date):
        self.s = session
        self.path = path
        self.content = content
        self.dates = _Dates(today, content.get("dates") or {})
        self.meeting_ids: dict[dt.date, int] = {}
        self.considered: list[tuple[int, list[str]]] = []

    def write(self) -> None:
        for kind in _FIELDS:
            for index, entry in enumerate(self.content.get(kind) or ()):
                try:
                    if not isinstance(entry, dict):
                        raise ValueError("it is not a set of named fields")
                    unknown = sorted(set(entry) - set(_FIELDS[kind]) - {"about"})
                    if unknown:
                        raise ValueError(f"'{unknown[0]}' is not one of its fields ({', '.join(_FIELDS[kind])})")
                    missing = [name for name in _REQUIRED[kind] if entry.get(name) in (None, "", [])]
                    if missing:
                        raise ValueError(f"it has no '{missing[0]}'")
                    values = {name: (self.dates.date(value) if name in _DATE_FIELDS else value)
                              for name, value in entry.items() if name != "about"}
                    getattr(self, f"_{kind}")(values)
                except (KeyError, TypeError, ValueError, UserError) as err:
                    raise self._problem(kind, index, entry, err) from err
        for meeting_id, references in self.considered:
            for reference in references:
                meetings.consider_referral(self.s, meeting_id, self.dates.text(reference))

    def _problem(self, kind: str, index: int, entry, err: Exception) -> UserError:
        label = next((str(entry[k]) for k in ("reference", "title", "referral", "review", "action", "held_on")
                      if isinstance(entry, dict) and entry.get(k)), None)
        what = f"{kind.replace('_', ' ')} entry {index + 1}" + (f" ({label})" if label else "")
        reason = f"'{err.args[0]}' is missing" if isinstance(err, KeyError) else str(err)
        return UserError(f"The demo data file {self.path.name} cannot be read: {what}: {reason}.")

    def _meeting(self, when: str | None) -> int | None:
        """The id of the file's meeting held on the date ``when`` gives."""
        held_on = self.dates.date(when)
        if held_on is None:
            return None
        if held_on not in self.meeting_ids:
            raise ValueError(f"no meeting of this file is held on {held_on:%d/%m/%Y}")
        return self.meeting_ids[held_on]

    def _recommendation(self, text: str) -> int:
        """The recommendation "SCR-2013-01 R4" names."""
        reference, _, number = self.dates.text(text).rpartition(" R")
        review = reviews.get_review(self.s, reference)
        found = self.s.scalar(select(Recommendation.id).where(Recommendation.review_id == review.id,
                                                              Recommendation.number == int(number)))
        if found is None:
            raise ValueError(f"{reference} has no recommendation {number}")
        return found

    # --- each kind of entry ---------------------------------------------------------------

    def _meetings(self, values: dict) -> None:
        considered = values.pop("considered", [])
        meeting = meetings.create_meeting(self.s, **values)
        self.meeting_ids[meeting.held_on] = meeting.id
        if considered:
            self.considered.append((meeting.id, considered))

    def _referrals(self, values: dict) -> None:
        referrals.create_referral(self.s, **{**values, "reference": self.dates.text(values["reference"])})

    def _decisions(self, values: dict) -> None:
        referral = self.dates.text(values.pop("referral"))
        meeting_id = self._meeting(values.pop("meeting", None))
        decisions.record_decision(self.s, referral, meeting_id=meeting_id, **values)

    def _reviews(self, values: dict) -> None:
        values["reference"] = self.dates.text(values["reference"])
        values["referrals"] = [self.dates.text(r) for r in values.get("referrals", [])]
        reviews.create_review(self.s, **values)

    def _recommendations(self, values: dict) -> None:
        review = reviews.get_review(self.s, self.dates.text(values.pop("review")))
        response = {"status": values.pop("response_status", None), "response": values.pop("board_response", None),
                    "response_on": values.pop("response_on", None)}
        responses = values.pop("agency_responses", [])
        # The demo is an office's history brought in at once: the day each record was added
        # is not known, and papers for an earlier date judge it from the records' own dates.
        rec = recommendations.add_recommendation(self.s, review.id, **values, added_on=None)
        if response["status"]:
            recommendations.set_board_response(self.s, rec.id, **response)
        for answer in responses:
            recommendations.add_agency_response(self.s, rec.id, agency=answer["agency"], text=answer["text"],
                                                response_on=self.dates.date(answer.get("response_on")))

    def _actions(self, values: dict) -> None:
        progress = {name: values.pop(name, []) for name in ("updates", "revisions")}
        closed, signed_off_at = values.pop("closed", None), values.pop("signed_off_at", None)
        values["recommendation_ids"] = [self._recommendation(r) for r in values.pop("recommendations")]
        action = actions.create_action(self.s, **values, added_on=None)  # not known: see _recommendations
        self._progress(action.id, **progress)
        if closed:
            actions.close_action(self.s, action.id, reason=closed["reason"], completed_on=self.dates.date(closed["on"]),
                                 evidence_of_completion=closed.get("evidence"),
                                 evidence_of_impact=closed.get("impact"), note=closed.get("note"))
        if signed_off_at:
            actions.sign_off(self.s, action.id, self._meeting(signed_off_at))

    def _follow_ups(self, values: dict) -> None:
        reference = self.dates.text(values["action"])
        action_id = self.s.scalar(select(Action.id).where(Action.reference == reference))
        if action_id is None:
            raise ValueError(f"there is no action {reference}")
        self._progress(action_id, values.get("updates", []), values.get("revisions", []))
        if "evidence_required" in values:
            actions.update_action(self.s, action_id, evidence_required=values["evidence_required"])

    def _progress(self, action_id: int, updates: list[dict], revisions: list[dict]) -> None:
        for update in updates:
            updates_service.add_progress_update(self.s, action_id, text=update["text"],
                                                update_on=self.dates.date(update["update_on"]),
                                                rag=update.get("rag"), author=update.get("author"))
        for move in revisions:
            actions.revise_target(self.s, action_id, self.dates.date(move["target_on"]), reason=move.get("reason"),
                                  revised_on=self.dates.date(move["revised_on"]))

    def _learning_events(self, values: dict) -> None:
        spread = values.pop("disseminations", [])
        if values.get("review"):
            values["review_id"] = reviews.get_review(self.s, self.dates.text(values["review"])).id
        values.pop("review", None)
        event = learning.create_learning_event(self.s, **values)
        for each in spread:
            learning.add_dissemination(self.s, event.id, agency=each["agency"], evidence=each.get("evidence"),
                                       disseminated_on=self.dates.date(each.get("disseminated_on")))

    def _panel_reports(self, values: dict) -> None:
        review = reviews.get_review(self.s, self.dates.text(values.pop("review")))
        reviews.add_panel_report(self.s, review.id, **values)


updates_service = updates  # the name "updates" is taken by an action's list of them above


def read_demo_files(folder: Path = DEMO_FOLDER) -> list[tuple[Path, dict]]:
    """The demo files in name order, each read as JSON; ``UserError`` for one that is not."""
    found = []
    for path in sorted(folder.glob("*.json")):
        try:
            content = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as err:
            raise UserError(f"The demo data file {path.name} cannot be read: it is not JSON "
                            f"(line {err.lineno}, column {err.colno}: {err.msg}).") from err
        if not isinstance(content, dict) or set(content) - _FILE_KEYS:
            extra = sorted(set(content) - _FILE_KEYS) if isinstance(content, dict) else []
            raise UserError(f"The demo data file {path.name} cannot be read: "
                            + (f"'{extra[0]}' is not a kind of record it may hold." if extra
                               else "it must hold named lists of records."))
        found.append((path, content))
    if not found:
        raise UserError(f"There are no demo data files in {folder}.")
    return found


def _summary(session: Session, today: dt.date) -> DemoSummary:
    def count(model, *where) -> int:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0

    open_ids = select(ListItem.id).where(ListItem.kind == ListKind.ACTION_STATUS,
                                         ListItem.is_open.is_(True))

    def status(code: str):
        return select(ListItem.id).where(ListItem.kind == ListKind.ACTION_STATUS,
                                         ListItem.code == code)

    overdue = (Action.status_id.in_(open_ids), Action.target_on < today)
    oldest_target = session.scalar(select(func.min(Action.target_on)).where(*overdue))
    return DemoSummary(
        referrals=count(Referral),
        decisions=count(Decision),
        reviews=count(Review),
        recommendations=count(Recommendation),
        agency_responses=count(AgencyResponse),
        actions_open=count(Action, Action.status_id.in_(open_ids)),
        actions_complete=count(Action, Action.status_id.in_(status("complete"))),
        actions_closed=count(Action, Action.status_id.in_(status("closed"))),
        actions_overdue=count(Action, *overdue),
        oldest_overdue_days=(today - oldest_target).days if oldest_target else None,
        actions_signed_off=count(Action, Action.signed_off_meeting_id.is_not(None)),
        meetings=count(Meeting),
        learning_events=count(LearningEvent),
        disseminations=count(Dissemination),
        panel_reports=count(PanelReport),
    )


def write_demo(session: Session, today: dt.date | None = None, *, folder: Path = DEMO_FOLDER) -> DemoSummary:
    """Fill a new database with the demo office and return how much was written.

    ``today`` dates the live part (clocks running, actions overdue and due soon); it
    defaults to the current date. The caller owns the unit of work. Raises ``UserError``
    if the database already holds referrals or reviews, so real work is never mixed with
    demo data, or if a demo file in ``folder`` is not as its README describes.
    """
    if (session.scalar(select(Referral.id).limit(1)) is not None
            or session.scalar(select(Review.id).limit(1)) is not None):
        raise UserError("This database already holds referrals or reviews. The demo office "
                        "can only be written into a new, empty database.")
    today = today or dt.date.today()
    for path, content in read_demo_files(folder):
        _DemoFile(session, path, content, today).write()
    session.flush()
    return _summary(session, today)

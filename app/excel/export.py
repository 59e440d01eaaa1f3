"""Exporting the composite action plan, the referrals and the reviews as Excel workbooks.

The action plan is the one that travels: each agency gets its part, fills in the green
columns and sends it back (see ``app.excel.returns``). For that round trip every action
row carries, in hidden columns, the action's id, its version at export and the values it
was exported with (a fingerprint of each locked cell, and the editable values as they
were), and a very hidden "Export record" sheet stamps the file with the export's id, time,
filters and the identity of the database it came from.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
import zlib
from collections import defaultdict
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any, Iterable, Sequence

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from app import lookups
from app.clocks import review_clock
from app.dates import format_date
from app.errors import UserError
from app.excel.workbook_style import (
    A3,
    A4,
    MAX_CELL_CHARS,
    PageSetup,
    SheetColumn,
    excel_text,
    new_workbook,
)
from app.settings import get_settings
from db.models import (
    RAG_VALUES,
    Action,
    Agency,
    Decision,
    ListItem,
    ListKind,
    ProgressUpdate,
    Recommendation,
    Referral,
    Review,
    Setting,
    Theme,
    action_recommendation,
    review_referral,
)

EXPORT_FORMAT = "Case Review Tracker export"
EXPORT_FORMAT_VERSION = "1"
RECORD_SHEET = "Export record"
ACTION_SHEET = "Action plan"
DATABASE_ID_SETTING = "database_id"

KIND_ACTION_PLAN = "action-plan"
KIND_REFERRALS = "referrals"
KIND_REVIEWS = "reviews"

_FILE_NAME_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]+')

# --- the action plan's columns ------------------------------------------------------------

# Columns an agency fills in, by the action field each one changes.
EDITABLE_FIELDS = ("status", "rag", "target_on", "evidence_of_completion", "evidence_of_impact",
                   "completed_on")
NEW_UPDATE = "new_update"
NEW_UPDATE_ON = "new_update_on"
ACTION_ID = "action_id"
VERSION = "version"
EXPORT_CHECK = "export_check"


def action_plan_columns(statuses: Sequence[str]) -> list[SheetColumn]:
    """The action plan sheet's columns, in order (``statuses``: the status drop-down)."""
    return [
        SheetColumn("reference", "Ref", 8),
        SheetColumn("review", "Review", 16, "long"),
        SheetColumn("recommendations", "Rec. no.", 9, "long"),
        SheetColumn("recommendation_text", "Recommendation", 36, "long"),
        SheetColumn("theme", "Theme", 14, "long"),
        SheetColumn("description", "Action", 36, "long"),
        SheetColumn("lead_agency", "Lead agency", 14, "long"),
        SheetColumn("lead_officer", "Lead officer", 14, "long"),
        SheetColumn("original_target_on", "Original target date", 11, "date"),
        SheetColumn("target_on", "Target date", 11, "date", editable=True),
        SheetColumn("status", "Status", 12, editable=True, choices=tuple(statuses)),
        SheetColumn("rag", "RAG", 8, editable=True, choices=RAG_VALUES, rag=True),
        SheetColumn("latest_update", "Latest progress update", 36, "long"),
        SheetColumn(NEW_UPDATE, "New progress update", 32, "long", editable=True),
        SheetColumn(NEW_UPDATE_ON, "Date of new update", 11, "date", editable=True),
        SheetColumn("evidence_required", "Evidence required", 22, "long"),
        SheetColumn("evidence_of_completion", "Evidence of completion", 26, "long", editable=True),
        SheetColumn("evidence_of_impact", "Evidence of impact", 26, "long", editable=True),
        SheetColumn("completed_on", "Completed on", 11, "date", editable=True),
        SheetColumn(ACTION_ID, "Action ID", 8, "number", hidden=True),
        SheetColumn(VERSION, "Version", 8, "number", hidden=True),
        SheetColumn(EXPORT_CHECK, "Export check", 20, hidden=True),
    ]


def locked_keys(columns: Sequence[SheetColumn]) -> list[str]:
    """The visible columns agencies may not change, whose exported values are fingerprinted."""
    return [c.key for c in columns if not c.editable and not c.hidden]


def cell_text(value: Any) -> str:
    """A value as comparable text, the same whether it came from the database or a cell:
    dates as ISO dates, whole numbers without ".0", text cut to Excel's limit with its line
    ends made plain."""
    # Text and blanks first: they are most cells, and this runs for every cell of a return.
    if isinstance(value, str):
        if "\r" in value or len(value) > MAX_CELL_CHARS:  # XML reads any line end back as \n
            return excel_text(value).replace("\r\n", "\n").replace("\r", "\n")
        return value
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def fingerprint(value: Any) -> str:
    """A short checksum of a cell's text, to tell later whether the cell was changed."""
    return f"{zlib.crc32(cell_text(value).encode('utf-8')):08x}"


def export_check(locked: Sequence[Any], editable: Sequence[Any]) -> str:
    """The hidden "Export check" cell: fingerprints of the locked cells and the editable
    values as exported, so an import can tell what the agency changed."""
    return json.dumps([" ".join(map(fingerprint, locked)), list(map(cell_text, editable))],
                      ensure_ascii=False, separators=(",", ":"))


# --- results --------------------------------------------------------------------------------

@dataclass(frozen=True)
class ExportResult:
    """What one export wrote."""

    path: Path
    rows: int
    export_id: str

    def describe(self) -> str:
        return f"Wrote {self.rows} row{'s' if self.rows != 1 else ''} to {self.path}."


# --- shared helpers -------------------------------------------------------------------------

def database_id(session: Session) -> str:
    """This database's identity, stamped on exports (created on the first export)."""
    row = session.get(Setting, DATABASE_ID_SETTING)
    if row is None:
        row = Setting(key=DATABASE_ID_SETTING, value=uuid.uuid4().hex)
        session.add(row)
        session.flush()
    return row.value


def _page(session: Session, title: str, today: dt.date, paper: int = A4) -> PageSetup:
    settings = get_settings(session)
    return PageSetup(title=title, partnership=settings.partnership_name,
                     marking=settings.protective_marking, exported_on=today, paper=paper,
                     date_format=settings.date_style)


def _stamp(session: Session, kind: str, sheet: str, filters: str, rows: int,
           now: dt.datetime) -> tuple[str, list[tuple[str, str]]]:
    export_id = uuid.uuid4().hex
    return export_id, [
        ("format", EXPORT_FORMAT),
        ("format version", EXPORT_FORMAT_VERSION),
        ("kind", kind),
        ("export id", export_id),
        ("exported at", now.isoformat(timespec="seconds")),
        ("database id", database_id(session)),
        ("sheet", sheet),
        ("filters", filters),
        ("rows", str(rows)),
    ]


def _short_date(value: dt.date | None) -> str:
    return format_date(value)


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


# --- the action plan ------------------------------------------------------------------------

@dataclass(frozen=True)
class _Links:
    """An action's recommendations as three cells: reviews, numbers and texts."""

    review: str
    numbers: str
    texts: str
    theme: str | None


def _links_cell(recs: tuple[tuple, ...]) -> _Links:
    """The three cells for one set of recommendations (review ref, title, number, text, theme)."""
    reviews = list(dict.fromkeys((ref, title) for ref, title, *_ in recs))
    one_review = len(reviews) == 1
    numbers: dict[str, list[str]] = defaultdict(list)
    for ref, _title, number, _text, _theme in recs:
        numbers[ref].append(f"R{number}")
    return _Links(
        review="; ".join(f"{ref} {title}" for ref, title in reviews),
        numbers="; ".join(", ".join(n) if one_review else f"{ref} {', '.join(n)}"
                          for ref, n in numbers.items()),
        texts="\n\n".join(f"R{number}. {text}" if one_review else f"{ref} R{number}. {text}"
                          for ref, _title, number, text, _theme in recs),
        theme=next((theme for *_, theme in recs if theme), None),
    )


def _recommendation_links(session: Session, chosen: Select | None) -> dict[int, _Links]:
    """Each action's recommendation cells. Recommendations are read once each, and actions
    answering the same recommendations share one set of cells (most do: a plan has several
    actions per recommendation), which keeps 100,000 actions quick and small."""
    recommendations = {
        rec_id: tuple(rest) for rec_id, *rest in session.execute(
            select(Recommendation.id, Review.reference, Review.title, Recommendation.number,
                   Recommendation.text, Theme.name)
            .join(Review, Recommendation.review_id == Review.id)
            .outerjoin(Theme, Recommendation.theme_id == Theme.id)
            .where(Recommendation.archived_at.is_(None), Review.archived_at.is_(None))
        )
    }
    ar = action_recommendation.c
    links_query = select(ar.action_id, ar.recommendation_id)
    if chosen is not None:
        links_query = links_query.where(ar.action_id.in_(chosen))
    per_action: dict[int, list[tuple]] = defaultdict(list)
    for action_id, rec_id in session.execute(links_query):
        if rec_id in recommendations:
            per_action[action_id].append(recommendations[rec_id])
    cells: dict[tuple, _Links] = {}
    links = {}
    for action_id, recs in per_action.items():
        key = tuple(recs) if len(recs) == 1 else tuple(sorted(recs, key=itemgetter(0, 2)))  # review, number
        if key not in cells:
            cells[key] = _links_cell(key)
        links[action_id] = cells[key]
    return links


def _latest_updates(session: Session, chosen: Select | None) -> dict[int, str]:
    """Each action's latest progress update, as "dd/mm/yyyy: text"."""
    live = ProgressUpdate.archived_at.is_(None)
    if chosen is not None:
        live = live & ProgressUpdate.action_id.in_(chosen)
    ranked = select(
        ProgressUpdate.action_id, ProgressUpdate.update_on, ProgressUpdate.text,
        func.row_number().over(partition_by=ProgressUpdate.action_id,
                               order_by=(ProgressUpdate.update_on.desc(), ProgressUpdate.id.desc()))
        .label("n"),
    ).where(live).subquery()
    rows = session.execute(select(ranked.c.action_id, ranked.c.update_on, ranked.c.text)
                           .where(ranked.c.n == 1))
    return {action_id: f"{_short_date(on)}: {text}" for action_id, on, text in rows}


def _chosen_actions(agency: Agency | None, open_only: bool) -> Select | None:
    """The ids of the live actions an export is limited to (None: every action), so the
    recommendation and update queries read only what one agency's workbook needs."""
    if agency is None and not open_only:
        return None
    status = aliased(ListItem)
    chosen = (select(Action.id).join(status, Action.status_id == status.id)
              .where(Action.archived_at.is_(None)))
    if agency is not None:
        chosen = chosen.where(Action.lead_agency_id == agency.id)
    if open_only:
        chosen = chosen.where(status.is_open.is_(True))
    return chosen


def _action_rows(session: Session, chosen: Select | None,
                 action_ids: Iterable[int] | None) -> Iterable[tuple]:
    """Action records, streamed, in plan order: by first review and recommendation."""
    status = aliased(ListItem)
    ar = action_recommendation.c
    first = (
        select(ar.action_id, func.min(Review.reference).label("review_ref"),
               func.min(Recommendation.number).label("number"))
        .join(Recommendation, ar.recommendation_id == Recommendation.id)
        .join(Review, Recommendation.review_id == Review.id)
        .group_by(ar.action_id)
        .subquery()
    )
    stmt = (
        select(Action.id, Action.version, Action.reference, Action.description, Theme.name,
               Agency.name, Action.lead_officer, Action.original_target_on, Action.target_on,
               status.name, Action.rag, Action.evidence_required, Action.evidence_of_completion,
               Action.evidence_of_impact, Action.completed_on)
        .join(status, Action.status_id == status.id)
        .outerjoin(Theme, Action.theme_id == Theme.id)
        .outerjoin(Agency, Action.lead_agency_id == Agency.id)
        .outerjoin(first, first.c.action_id == Action.id)
        .where(Action.archived_at.is_(None))
        .order_by(first.c.review_ref, first.c.number, Action.id)
    )
    if chosen is not None:
        stmt = stmt.where(Action.id.in_(chosen))
    wanted = set(action_ids) if action_ids is not None else None
    for row in session.execute(stmt.execution_options(yield_per=2000)):
        if wanted is None or row[0] in wanted:
            yield row


def _describe_filters(agency: Agency | None, open_only: bool, action_ids) -> str:
    parts = [f"agency: {agency.name}" if agency else "all agencies"]
    if open_only:
        parts.append("open actions only")
    if action_ids is not None:
        parts.append("the actions on screen")
    return "; ".join(parts)


def export_action_plan(session: Session, path: Path, *, agency: str | None = None,
                       open_only: bool = False, action_ids: Iterable[int] | None = None,
                       today: dt.date | None = None) -> ExportResult:
    """Write the composite action plan to ``path``: the whole plan, one agency's actions
    (``agency``: a name or known spelling), open actions only, or the actions whose ids are
    given (what the current view shows). One row per action; the green columns are the
    ones an agency may change and send back."""
    lead = lookups.agency(session, agency, field="agency") if agency else None
    now = _now()
    today = today or now.date()
    statuses = [item.name for item in lookups.list_items(session, ListKind.ACTION_STATUS)]
    columns = action_plan_columns(statuses)
    locked = locked_keys(columns)
    chosen = _chosen_actions(lead, open_only)
    links = _recommendation_links(session, chosen)
    updates = _latest_updates(session, chosen)
    title = "Composite action plan" + (f": {lead.name}" if lead else "")
    rows = 0
    with new_workbook(path) as excel:
        sheet = excel.add_table(
            ACTION_SHEET, columns, _page(session, title, today, A3), protect=True,
            instructions="Please update the green columns only, then send this file back "
                         "as it is (same name and layout). Grey columns are for reference.",
        )
        no_links = _Links("", "", "", None)
        pick_locked, pick_editable = itemgetter(*locked), itemgetter(*EDITABLE_FIELDS)
        pick_row = itemgetter(*(c.key for c in columns))
        for (action_id, version, reference, description, theme, lead_agency, lead_officer,
             original_target, target, status, rag, evidence_required, completion, impact,
             completed_on) in _action_rows(session, chosen, action_ids):
            link = links.get(action_id, no_links)
            values = {
                "reference": reference, "review": link.review, "recommendations": link.numbers,
                "recommendation_text": link.texts, "theme": theme or link.theme,
                "description": description, "lead_agency": lead_agency, "lead_officer": lead_officer,
                "original_target_on": original_target, "target_on": target, "status": status,
                "rag": rag, "latest_update": updates.get(action_id), "evidence_required": evidence_required,
                "evidence_of_completion": completion, "evidence_of_impact": impact,
                "completed_on": completed_on, ACTION_ID: action_id, VERSION: version,
                NEW_UPDATE: None, NEW_UPDATE_ON: None,  # for the agency to fill in
            }
            values[EXPORT_CHECK] = export_check(pick_locked(values), pick_editable(values))
            sheet.write_row(pick_row(values))
            rows += 1
        sheet.finish()
        export_id, stamp = _stamp(session, KIND_ACTION_PLAN, ACTION_SHEET,
                                  _describe_filters(lead, open_only, action_ids), rows, now)
        excel.add_record_sheet(RECORD_SHEET, stamp)
    return ExportResult(Path(path), rows, export_id)


def _pack_file_name(agency_name: str, today: dt.date) -> str:
    safe = _FILE_NAME_UNSAFE.sub("-", agency_name).strip(" .") or "Agency"
    return f"Action plan - {safe} - {today:%Y-%m-%d}.xlsx"


def export_agency_packs(session: Session, folder: Path, *, open_only: bool = True,
                        today: dt.date | None = None) -> list[ExportResult]:
    """Write every agency its own action plan workbook (one file each in ``folder``), for
    each agency that leads at least one action (open actions only unless told otherwise)."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{folder} is a file; choose a folder for the agency workbooks.")
    folder.mkdir(parents=True, exist_ok=True)
    today = today or dt.date.today()
    status = aliased(ListItem)
    stmt = (select(Agency).join(Action, Action.lead_agency_id == Agency.id)
            .join(status, Action.status_id == status.id)
            .where(Action.archived_at.is_(None)).distinct().order_by(Agency.name))
    if open_only:
        stmt = stmt.where(status.is_open.is_(True))
    return [
        export_action_plan(session, folder / _pack_file_name(agency.name, today),
                           agency=agency.name, open_only=open_only, today=today)
        for agency in session.scalars(stmt)
    ]


# --- the registers --------------------------------------------------------------------------

REFERRAL_COLUMNS = [
    SheetColumn("reference", "Reference", 11),
    SheetColumn("date_referred", "Referred", 11, "date"),
    SheetColumn("date_aware", "Partners aware", 11, "date"),
    SheetColumn("subject", "Subject", 14),
    SheetColumn("summary", "Summary", 40, "long"),
    SheetColumn("referring_agency", "Referring agency", 18, "long"),
    SheetColumn("location", "Location", 14),
    SheetColumn("gender", "Gender", 10),
    SheetColumn("age", "Age", 10),
    SheetColumn("category", "Category", 18, "long"),
    SheetColumn("decision", "Latest decision", 24, "long"),
    SheetColumn("decided_on", "Decided on", 11, "date"),
    SheetColumn("decided_by", "Decided by", 16, "long"),
    SheetColumn("criteria_met", "Criteria met", 9),
    SheetColumn("rationale", "Rationale", 40, "long"),
    SheetColumn("notification_sent_on", "Notification sent", 11, "date"),
    SheetColumn("rapid_review_sent_on", "Rapid review sent", 11, "date"),
    SheetColumn("panel_told_of_decision_on", "National Panel told", 11, "date"),
]


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("Yes" if value else "No")


def export_referrals(session: Session, path: Path, *, today: dt.date | None = None) -> ExportResult:
    """Write the referral register with each referral's latest decision to ``path``."""
    now = _now()
    today = today or now.date()
    category, outcome = aliased(ListItem), aliased(ListItem)
    latest = select(Decision.id).where(
        Decision.referral_id == Referral.id, Decision.archived_at.is_(None),
    ).order_by(Decision.decided_on.desc(), Decision.id.desc()).limit(1).correlate(Referral).scalar_subquery()
    stmt = (
        select(Referral.reference, Referral.date_referred, Referral.date_aware, Referral.subject,
               Referral.summary, Agency.name, Referral.location, Referral.gender, Referral.age_text,
               category.name, outcome.name, Decision.decided_on, Decision.decided_by,
               Decision.criteria_met, Decision.rationale, Referral.notification_sent_on,
               Referral.rapid_review_sent_on, Referral.panel_told_of_decision_on)
        .outerjoin(Agency, Referral.referring_agency_id == Agency.id)
        .outerjoin(category, Referral.category_id == category.id)
        .outerjoin(Decision, Decision.id == latest)
        .outerjoin(outcome, Decision.outcome_id == outcome.id)
        .where(Referral.archived_at.is_(None))
        .order_by(Referral.date_referred, Referral.reference)
    )
    rows = 0
    with new_workbook(path) as excel:
        sheet = excel.add_table("Referrals", REFERRAL_COLUMNS, _page(session, "Referrals and decisions", today),
                                instructions=f"Every referral with its latest decision, as at {today:%d/%m/%Y}.")
        for row in session.execute(stmt):
            values = list(row)
            values[13] = _yes_no(values[13])
            sheet.write_row(values)
            rows += 1
        sheet.finish()
        export_id, stamp = _stamp(session, KIND_REFERRALS, "Referrals", "all referrals", rows, now)
        excel.add_record_sheet(RECORD_SHEET, stamp)
    return ExportResult(Path(path), rows, export_id)


REVIEW_COLUMNS = [
    SheetColumn("reference", "Reference", 14),
    SheetColumn("title", "Title", 24, "long"),
    SheetColumn("review_type", "Type", 20, "long"),
    SheetColumn("status", "Status", 16, "long"),
    SheetColumn("status_note", "Status note", 30, "long"),
    SheetColumn("referrals", "Referrals", 14, "long"),
    SheetColumn("methodology", "Methodology", 18, "long"),
    SheetColumn("lead_reviewers", "Lead reviewer(s)", 18, "long"),
    SheetColumn("decision_on", "Decision", 11, "date"),
    SheetColumn("initiated_on", "Initiated", 11, "date"),
    SheetColumn("learning_event_on", "Learning event", 11, "date"),
    SheetColumn("completed_on", "Completed", 11, "date"),
    SheetColumn("published_on", "Published", 11, "date"),
    SheetColumn("clock", "Clock", 22, "long"),
    SheetColumn("target_on", "Target date", 11, "date"),
    SheetColumn("clock_state", "Against target", 14),
    SheetColumn("days_over", "Days over", 8, "number"),
    SheetColumn("delay_reason", "Reason for delay", 30, "long"),
]

_CLOCK_STATES = {"due": "Running", "overdue": "Overdue", "met": "Met", "late": "Late",
                 "not started": "Not started"}


def export_reviews(session: Session, path: Path, *, as_at: dt.date | None = None) -> ExportResult:
    """Write the reviews with their clocks (target date, and whether met, late or overdue
    as at ``as_at``, default today) to ``path``."""
    now = _now()
    as_at = as_at or now.date()
    reviews = session.scalars(select(Review).where(Review.archived_at.is_(None))
                              .order_by(Review.reference)).all()
    referral_refs: dict[int, list[str]] = defaultdict(list)
    for review_id, reference in session.execute(
        select(review_referral.c.review_id, Referral.reference)
        .join(Referral, review_referral.c.referral_id == Referral.id)
        .where(Referral.archived_at.is_(None)).order_by(Referral.reference)
    ):
        referral_refs[review_id].append(reference)
    with new_workbook(path) as excel:
        sheet = excel.add_table("Reviews", REVIEW_COLUMNS, _page(session, "Reviews and their clocks", as_at),
                                instructions=f"Every review with its target date, as at {as_at:%d/%m/%Y}.")
        for review in reviews:
            clock = review_clock(session, review, as_at)
            sheet.write_row([
                review.reference, review.title, review.review_type.name,
                review.status.name if review.status else None, review.status_note,
                ", ".join(referral_refs.get(review.id, [])),
                review.methodology.name if review.methodology else None, review.lead_reviewers,
                review.decision_on, review.initiated_on, review.learning_event_on,
                review.completed_on, review.published_on,
                clock.clock_name if clock else None,
                clock.due_on if clock else review.target_override_on,
                _CLOCK_STATES.get(clock.state) if clock else None,
                clock.days_over if clock else None,
                review.delay_reason,
            ])
        sheet.finish()
        export_id, stamp = _stamp(session, KIND_REVIEWS, "Reviews", "all reviews", len(reviews), now)
        excel.add_record_sheet(RECORD_SHEET, stamp)
    return ExportResult(Path(path), len(reviews), export_id)

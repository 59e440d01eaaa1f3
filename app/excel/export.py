"""Exporting the composite action plan, the referrals and the reviews as Excel workbooks.

The action plan is the one that travels: each agency gets its part, fills in the green
columns and sends it back (see ``app.excel.returns``). For that round trip every action
row carries, in hidden columns, the action's id, its version at export and its "Export
check": a fingerprint of each locked cell and of each editable value as exported, the
agency that led the action, and a signature over all of that with the export's id, keyed
by a secret of this database (``app.services.signing_key``), so a changed hidden cell or a
row moved from another export cannot pass for the action's own. The export's stamp (its id,
time, filters, the agency whose part it is, the date it shows the plan as at, and the
identity of the database it came from) is signed too, and written twice: on a very hidden
"Export record" sheet, and in the hidden check column above the header, which travels with
the sheet when Excel users copy it into another workbook.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import re
import uuid
import zlib
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any, Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import identity, lookups
from app.dates import format_date
from app.queries.action_plan import PlanFilter, RecommendationRef, read_action_plan, status_choices
from app.queries.referrals import read_referrals
from app.queries.reviews import read_reviews
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
from app.services.signing_key import signing_key
from app.settings import get_settings
from db.models import (
    RAG_VALUES,
    Agency,
)

EXPORT_FORMAT = "Case Review Tracker export"
EXPORT_FORMAT_VERSION = "2"  # 2: the stamp and every action row signed
RECORD_SHEET = "Export record"
ACTION_SHEET = "Action plan"
DATABASE_ID_SETTING = identity.IDENTITY_SETTING

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
        # Hex fingerprints and a signature, nothing of the record's text (``export_check``); the
        # privacy check could find nothing there (tests/app/excel/test_export_check_scan.py).
        SheetColumn(EXPORT_CHECK, "Export check", 20, hidden=True, scanned=False),
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


class Fingerprints(dict):
    """``fingerprints[value]``: ``fingerprint(value)``, each distinct value worked out once (a
    plan repeats its agencies, officers, reviews and statuses on thousands of rows)."""

    def __missing__(self, value: Any) -> str:
        found = self[value] = fingerprint(value)
        return found


_ENCODE_CHECK = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
SIGNATURE_ITEM = "signature"
SIGNATURE_DIGITS = 32  # of an HMAC-SHA256, in hex: 128 bits


def signature(key: bytes, parts: Sequence[Any]) -> str:
    """An HMAC-SHA256 of ``parts`` (as JSON) under the database's signing key, in hex."""
    return hmac.digest(key, _ENCODE_CHECK(parts).encode("utf-8"), "sha256").hex()[:SIGNATURE_DIGITS]


def stamp_signature(key: bytes, items: dict[str, str]) -> str:
    """The signature of an export's stamp: all its items but the signature, in key order (so
    the items may be read back in any order)."""
    return signature(key, sorted((name, value) for name, value in items.items() if name != SIGNATURE_ITEM))


@dataclass(frozen=True)
class ExportCheck:
    """What a row's hidden "Export check" cell holds: fingerprints of the locked cells and of
    the editable values as exported (each in column order, separated by spaces), the id of
    the agency that led the action then, and the signature over them, the export's id and
    the action's id and version."""

    locked: str
    editable: str
    agency_id: int | None
    signature: str

    @classmethod
    def read(cls, text: Any) -> ExportCheck | None:
        """The check a cell holds, or None when it does not hold one."""
        if not isinstance(text, str) or not text.startswith("["):
            return None
        try:
            locked, editable, agency_id, signed = json.loads(text)
        except (ValueError, TypeError, RecursionError):
            return None
        if not (isinstance(locked, str) and isinstance(editable, str) and isinstance(signed, str)
                and (agency_id is None or type(agency_id) is int)):
            return None
        return cls(locked, editable, agency_id, signed)

    def signed_by(self, key: bytes, export_id: str, action_id: int, version: int) -> bool:
        """Whether this check was written for that action and version in that export of this
        database (``key``: its signing key)."""
        expected = signature(key, [export_id, action_id, version, self.agency_id, self.locked, self.editable])
        return hmac.compare_digest(expected, self.signature)


def export_check(key: bytes, export_id: str, action_id: int, version: int, agency_id: int | None,
                 locked: Sequence[Any], editable: Sequence[Any], fingerprints: Fingerprints) -> str:
    """The hidden "Export check" cell of one action row (``ExportCheck``), signed."""
    locked_marks = " ".join(map(fingerprints.__getitem__, locked))
    editable_marks = " ".join(map(fingerprints.__getitem__, editable))
    signed = signature(key, [export_id, action_id, version, agency_id, locked_marks, editable_marks])
    return _ENCODE_CHECK([locked_marks, editable_marks, agency_id, signed])


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
    """This database's identity (``app.identity``, written when it was created or first
    opened), stamped on exports."""
    return identity.database_id(session)


def _page(session: Session, title: str, today: dt.date, paper: int = A4) -> PageSetup:
    settings = get_settings(session)
    return PageSetup(title=title, partnership=settings.partnership_name,
                     marking=settings.protective_marking, exported_on=today, paper=paper,
                     date_format=settings.date_style)


def _stamp(session: Session, kind: str, sheet: str, filters: str, rows: int, now: dt.datetime, *,
           export_id: str | None = None, agency: Agency | None = None,
           as_at: dt.date | None = None) -> tuple[str, list[tuple[str, str]]]:
    """An export's id and its signed stamp: what the file is, where it came from, and for the
    action plan whose part it is and the past date it shows the plan as at (if it does)."""
    export_id = export_id or uuid.uuid4().hex
    items = {
        "format": EXPORT_FORMAT,
        "format version": EXPORT_FORMAT_VERSION,
        "kind": kind,
        "export id": export_id,
        "exported at": now.isoformat(timespec="seconds"),
        "database id": database_id(session),
        "sheet": sheet,
        "filters": filters,
        "rows": str(rows),
        "agency id": str(agency.id) if agency else "",
        "as at": as_at.isoformat() if as_at else "",
    }
    items[SIGNATURE_ITEM] = stamp_signature(signing_key(session, create=True), items)
    return export_id, list(items.items())


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


# --- the action plan ------------------------------------------------------------------------

@dataclass(frozen=True)
class _Links:
    """An action's recommendations as three cells: reviews, numbers and texts."""

    review: str
    texts: str
    theme: str | None


def _links_cell(recs: list[RecommendationRef]) -> _Links:
    """The review and text cells for one action's recommendations (in review and number order)."""
    reviews = list(dict.fromkeys((rec.review_reference, rec.review_title) for rec in recs))
    return _Links(
        review="; ".join(f"{ref} {title}" for ref, title in reviews),
        texts="\n\n".join(f"{rec.label}. {rec.text}" for rec in recs),
        theme=next((rec.theme for rec in recs if rec.theme), None),
    )


def _describe_filters(agency: Agency | None, open_only: bool, action_ids, as_at: dt.date, today: dt.date) -> str:
    parts = [f"agency: {agency.name}" if agency else "all agencies"]
    if open_only:
        parts.append("open actions only")
    if action_ids is not None:
        parts.append("the actions on screen")
    if as_at != today:
        parts.append(f"as at {as_at.isoformat()}")
    return "; ".join(parts)


def export_action_plan(session: Session, path: Path, *, agency: str | None = None,
                       open_only: bool = False, action_ids: Iterable[int] | None = None,
                       today: dt.date | None = None, as_at: dt.date | None = None,
                       filter_text: str = "") -> ExportResult:
    """Write the composite action plan to ``path``: the whole plan, one agency's actions
    (``agency``: a name or known spelling), open actions only, or the actions whose ids are
    given (what the current view shows, in the order given), as at ``as_at`` (default today).
    One row per action, read through the plan's read model; the green columns are the ones
    an agency may change and send back. ``filter_text`` (how the view on screen was filtered
    and sorted) is written above the table."""
    lead = lookups.agency(session, agency, field="agency") if agency else None
    now = _now()
    today = today or now.date()
    as_at = as_at or today
    columns = action_plan_columns(status_choices(session))
    locked = locked_keys(columns)
    action_ids = list(action_ids) if action_ids is not None else None
    plan = read_action_plan(session, as_at, PlanFilter(
        agency_id=lead.id if lead else None, open_only=open_only,
        action_ids=tuple(action_ids) if action_ids is not None else None), order="plan")
    if action_ids is not None:  # in the order on screen
        place = {action_id: i for i, action_id in enumerate(action_ids)}
        plan.rows.sort(key=lambda row: place[row.id])
    pattern = get_settings(session).date_format
    title = "Composite action plan" + (f": {lead.name}" if lead else "")
    if as_at != today:
        title += f", as at {format_date(as_at, pattern)}"
    links: dict[tuple[int, ...], _Links] = {}  # many actions share their recommendations
    fingerprints = Fingerprints()
    key, export_id = signing_key(session, create=True), uuid.uuid4().hex
    rows = 0
    with new_workbook(path) as excel:
        sheet = excel.add_table(
            ACTION_SHEET, columns, _page(session, title, today, A3), protect=True,
            instructions=(f"As shown on screen: {filter_text}. " if filter_text else "")
            + "Please update the green columns only, then send this file back "
              "as it is (same name and layout). Grey columns are for reference.",
        )
        pick_locked, pick_editable = itemgetter(*locked), itemgetter(*EDITABLE_FIELDS)
        pick_row = itemgetter(*(c.key for c in columns))
        for row in plan.rows:
            link = links.get(row.recommendation_ids)
            if link is None:
                link = links[row.recommendation_ids] = _links_cell(plan.recommendations_of(row))
            latest = f"{format_date(row.latest_update_on, pattern)}: {row.latest_update}" if row.latest_update else None
            values = {
                "reference": row.reference, "review": link.review, "recommendations": row.recommendations,
                "recommendation_text": link.texts, "theme": row.theme or link.theme,
                "description": row.description, "lead_agency": row.lead_agency, "lead_officer": row.lead_officer,
                "original_target_on": row.original_target_on, "target_on": row.target, "status": row.status,
                "rag": row.rag, "latest_update": latest, "evidence_required": row.evidence_required,
                "evidence_of_completion": row.evidence_of_completion, "evidence_of_impact": row.evidence_of_impact,
                "completed_on": row.completed_on, ACTION_ID: row.id, VERSION: row.version,
                NEW_UPDATE: None, NEW_UPDATE_ON: None,  # for the agency to fill in
            }
            values[EXPORT_CHECK] = export_check(key, export_id, row.id, row.version, row.lead_agency_id,
                                                pick_locked(values), pick_editable(values), fingerprints)
            sheet.write_row(pick_row(values))
            rows += 1
        sheet.finish()
        _id, stamp = _stamp(session, KIND_ACTION_PLAN, ACTION_SHEET,
                            _describe_filters(lead, open_only, action_ids, as_at, today), rows, now,
                            export_id=export_id, agency=lead, as_at=as_at if as_at != today else None)
        # The stamp again above the hidden check column's header: it goes where the sheet goes.
        sheet.sheet.write_string(0, [c.key for c in columns].index(EXPORT_CHECK), _ENCODE_CHECK(dict(stamp)))
        excel.add_record_sheet(RECORD_SHEET, stamp)
    return ExportResult(Path(path), rows, export_id)


def pack_file_name(agency_name: str, today: dt.date) -> str:
    """An agency pack's file name: "Action plan - <agency> - <date>.xlsx", safe on Windows."""
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
    leads = {row.lead_agency_id for row in read_action_plan(
        session, today, PlanFilter(open_only=open_only), with_updates=False).rows}
    agencies = session.scalars(select(Agency).where(Agency.id.in_(leads - {None})).order_by(Agency.name))
    return [
        export_action_plan(session, folder / pack_file_name(agency.name, today),
                           agency=agency.name, open_only=open_only, today=today)
        for agency in agencies
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
    SheetColumn("latest_decision", "Latest decision", 24, "long"),
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


def export_referrals(session: Session, path: Path, *, today: dt.date | None = None,
                     as_at: dt.date | None = None) -> ExportResult:
    """Write the referral register, each referral with the decision in force, as at ``as_at``
    (default today), to ``path``."""
    now = _now()
    today = today or now.date()
    as_at = as_at or today
    rows = read_referrals(session, as_at)
    with new_workbook(path) as excel:
        sheet = excel.add_table("Referrals", REFERRAL_COLUMNS, _page(session, "Referrals and decisions", today),
                                instructions="Every referral with the decision in force, as at "
                                             f"{format_date(as_at, get_settings(session).date_format)}.")
        for row in sorted(rows, key=lambda r: (r.date_referred or dt.date.max, r.reference)):
            sheet.write_row([getattr(row, column.key) if column.key != "criteria_met" else _yes_no(row.criteria_met)
                             for column in REFERRAL_COLUMNS])
        sheet.finish()
        export_id, stamp = _stamp(session, KIND_REFERRALS, "Referrals", "all referrals", len(rows), now)
        excel.add_record_sheet(RECORD_SHEET, stamp)
    return ExportResult(Path(path), len(rows), export_id)


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

def export_reviews(session: Session, path: Path, *, as_at: dt.date | None = None) -> ExportResult:
    """Write the reviews as they stood on ``as_at`` (default today), with their clocks (target
    date, and whether met, late or overdue then), to ``path``."""
    now = _now()
    as_at = as_at or now.date()
    reviews = sorted(read_reviews(session, as_at), key=lambda r: r.reference)
    with new_workbook(path) as excel:
        sheet = excel.add_table("Reviews", REVIEW_COLUMNS, _page(session, "Reviews and their clocks", as_at),
                                instructions="Every review with its target date, as at "
                                             f"{format_date(as_at, get_settings(session).date_format)}.")
        for review in reviews:
            clock = review.clock
            sheet.write_row([
                review.reference, review.title, review.type_name, review.status or None, review.status_note or None,
                ", ".join(review.referral_refs), review.methodology or None, review.lead_reviewers or None,
                review.decision_on, review.initiated_on, review.learning_event_on, review.completed_on,
                review.published_on, clock.clock_name if clock else None, review.target_on,
                review.against_target or None, clock.days_over if clock else None, review.delay_reason or None,
            ])
        sheet.finish()
        export_id, stamp = _stamp(session, KIND_REVIEWS, "Reviews", "all reviews", len(reviews), now)
        excel.add_record_sheet(RECORD_SHEET, stamp)
    return ExportResult(Path(path), len(reviews), export_id)

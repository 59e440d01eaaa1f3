"""Reading the audit trail, and exporting it for an information-governance request.

The audit trail (``audit_entry``, written by ``db.audit``) records every change field by
field. This module only reads it: nothing here, or anywhere in the program, edits or deletes
an audit row. ``audit_rows`` answers a filter (one record, a user, a kind of change, a date
range, some text) newest first with one Core select — a single record's history uses the
``ix_audit_entry_record`` index on (table_name, record_id) — and returns plain ``AuditRow``
dataclasses whose values read as the office would say them: a record is "Referral Ref053",
a changed agency is "Police", not ``referring_agency_id`` 3.

On a database server the server also records every change to a record, made by the program
or by any other tool (``db.audit.ROW_CHANGE``). ``outside_changes`` lists those made in a
transaction that wrote nothing to the audit trail: changed outside the program (with psql or
a script), by the login named. That is a pointer, not a proof: a login that may save may
also add an audit entry by hand, but the server's record of what it changed stays.

Times are stored in UTC; rows carry local time and the date filters take local dates, so
"changes on 31/03" means the office's 31 March, in summer time too.

``export_audit`` writes the rows to an .xlsx with XlsxWriter: a header row, frozen panes,
an autofilter, date-times as dd/mm/yyyy hh:mm, the protective marking in the page header and
footer, and every value written as text (``write_string``), never as a formula — a value
typed into the tracker as ``=HYPERLINK(...)`` stays harmless.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

import xlsxwriter
from sqlalchemy import Select, and_, exists, func, or_, select, text
from sqlalchemy.orm import Session

from app.errors import UserError
from app.settings import get_settings
from db.audit import ROW_CHANGE, SKIPPED_FIELDS, TRAIL_WRITE
from db.models import AuditEntry, Base

MAX_CELL_CHARS = 32767  # Excel's limit for one cell
TRUNCATED_NOTE = " [… cut to fit Excel: see the tracker for the full text]"
EXPORT_SHEET = "Audit trail"
ABOUT_SHEET = "About this export"
PROGRESS_EVERY = 500

# What each table's records are called, and which column names one ("Referral Ref053").
TABLE_NAMES: dict[str, str] = {
    "referral": "Referral",
    "decision": "Decision",
    "review": "Review",
    "recommendation": "Recommendation",
    "action": "Action",
    "progress_update": "Progress update",
    "target_revision": "Target date change",
    "agency_response": "Agency response",
    "learning_event": "Learning event",
    "dissemination": "Dissemination",
    "panel_report": "Panel report",
    "document_link": "Document link",
    "meeting": "Meeting",
    "agency": "Agency",
    "agency_alias": "Agency alias",
    "theme": "Theme",
    "list_item": "List value",
    "clock_rule": "Clock",
    "setting": "Setting",
    "export": "Export",
}
_NAMING_COLUMNS = ("reference", "name", "title", "held_on", "number", "key")
# Where a table's first naming column is not the one the office goes by.
_NAMED_BY = {"meeting": ("held_on",), "decision": ("decided_on",), "progress_update": ("update_on",)}

OPERATION_NAMES: dict[str, str] = {
    "create": "Created",
    "update": "Changed",
    "archive": "Deleted (archived)",
    "restore": "Brought back",
    "delete": "Deleted",
    "purge": "Purged",
    "privacy-check": "Privacy check",
    "chase": "Chased",
    "truncate": "Emptied (every record deleted)",
}


def table_title(table: str) -> str:
    """"Referral", "Progress update": what a table's records are called."""
    return TABLE_NAMES.get(table, table.replace("_", " ").capitalize())


def operation_title(operation: str) -> str:
    return OPERATION_NAMES.get(operation, operation.replace("-", " ").capitalize())


def field_title(field: str | None) -> str:
    """"Referring agency" for ``referring_agency_id``; "" for a whole-record entry."""
    if not field:
        return ""
    words = field[:-3] if field.endswith("_id") else field
    return words.replace("_", " ").capitalize()


# --- the filter and the rows ----------------------------------------------------------------

@dataclass(frozen=True)
class AuditFilter:
    """Which audit entries to show; ``None`` (or blank) means any. Dates are local and inclusive."""

    table: str | None = None
    record_id: str | None = None
    user: str | None = None
    operation: str | None = None
    field: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    text: str | None = None

    def describe(self) -> str:
        """The filter in words, for the export's cover sheet."""
        parts = []
        if self.table:
            parts.append(f"record type {table_title(self.table)}")
        if self.record_id:
            parts.append(f"record {self.record_id}")
        if self.user:
            parts.append(f"user {self.user}")
        if self.operation:
            parts.append(f"kind of change {operation_title(self.operation)}")
        if self.field:
            parts.append(f"field {field_title(self.field)}")
        if self.date_from:
            parts.append(f"from {self.date_from:%d/%m/%Y}")
        if self.date_to:
            parts.append(f"to {self.date_to:%d/%m/%Y}")
        if self.text and self.text.strip():
            parts.append(f"containing “{self.text.strip()}”")
        return ", ".join(parts) or "the whole audit trail"


@dataclass(frozen=True)
class AuditRow:
    """One audit entry as the office reads it (times local; values readable)."""

    id: int
    at: dt.datetime  # local time
    user: str
    operation: str  # as stored: create, update, archive...
    table_name: str
    record_id: str | None
    record: str  # "Referral Ref053"
    field: str | None
    old_value: str | None  # as shown: a linked record by its name, not its number
    new_value: str | None

    @property
    def operation_text(self) -> str:
        return operation_title(self.operation)

    @property
    def field_text(self) -> str:
        return field_title(self.field)


def _utc_to_local(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.timezone.utc).astimezone().replace(tzinfo=None)


def _local_midnight_utc(day: dt.date) -> dt.datetime:
    """The stored (naive UTC) time at which local day ``day`` begins."""
    local = dt.datetime.combine(day, dt.time()).astimezone()  # the local zone, summer time included
    return local.astimezone(dt.timezone.utc).replace(tzinfo=None)


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _conditions(flt: AuditFilter) -> list:
    table = AuditEntry.__table__.c
    found = []
    # table_name then record_id: the leading columns of ix_audit_entry_record.
    if flt.table:
        found.append(table.table_name == flt.table)
    if flt.record_id not in (None, ""):
        found.append(table.record_id == str(flt.record_id))
    if flt.user:
        found.append(table.user == flt.user)
    if flt.operation:
        found.append(table.operation == flt.operation)
    if flt.field:
        found.append(table.field == flt.field)
    if flt.date_from:
        found.append(table.at >= _local_midnight_utc(flt.date_from))
    if flt.date_to:
        found.append(table.at < _local_midnight_utc(flt.date_to + dt.timedelta(days=1)))
    if flt.text and flt.text.strip():
        pattern = _like(flt.text.strip())
        # ILIKE: case ignored on either engine (SQLite's LIKE ignores it, PostgreSQL's does not).
        found.append(or_(*(column.ilike(pattern, escape="\\") for column in
                           (table.old_value, table.new_value, table.field, table.record_id, table.user))))
    return found


def audit_query(flt: AuditFilter, limit: int | None = None) -> Select:
    """The select behind ``audit_rows`` (newest first), for callers that stream."""
    table = AuditEntry.__table__
    query = select(table).where(and_(True, *_conditions(flt))).order_by(table.c.at.desc(), table.c.id.desc())
    return query.limit(limit) if limit is not None else query


def count_audit(session: Session, flt: AuditFilter) -> int:
    """How many audit entries the filter matches."""
    table = AuditEntry.__table__
    return session.scalar(select(func.count()).select_from(table).where(and_(True, *_conditions(flt))))


def audit_rows(session: Session, flt: AuditFilter, limit: int | None = None) -> list[AuditRow]:
    """The audit entries ``flt`` matches, newest first (at most ``limit``), as ``AuditRow``s."""
    entries = session.execute(audit_query(flt, limit)).all()
    return list(_readable(session, entries))


def last_change(session: Session, table: str, record_id: int) -> AuditRow | None:
    """The newest audit entry of one record: who changed it last, and when (a form whose
    record someone else saved meanwhile names them)."""
    newest = audit_rows(session, AuditFilter(table=table, record_id=str(record_id)), limit=1)
    return newest[0] if newest else None


def _readable(session: Session, entries: list) -> Iterator[AuditRow]:
    records = _labels(session, {(e.table_name, e.record_id) for e in entries if e.record_id is not None})
    linked_pairs = set()
    for e in entries:
        target = _linked_table(e.table_name, e.field)
        if target is not None:
            linked_pairs.update((target, v) for value in (e.old_value, e.new_value)
                                for v in _ids_in(value, e.table_name, e.field))
    linked = _labels(session, linked_pairs, with_type=False)
    for e in entries:
        record = (records.get((e.table_name, e.record_id)) if e.record_id is not None
                  else table_title(e.table_name))
        yield AuditRow(e.id, _utc_to_local(e.at), e.user, e.operation, e.table_name, e.record_id,
                       record or f"{table_title(e.table_name)} {e.record_id}", e.field,
                       _shown(e.old_value, e.table_name, e.field, linked),
                       _shown(e.new_value, e.table_name, e.field, linked))


_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$")
# Times recorded by the program itself (archived_at, ...) are UTC, like the trail's own.
_UTC_FIELDS = {"archived_at"}


def _ids_in(value: str | None, table: str, field: str | None) -> list[str]:
    if not value:
        return []
    return [v.strip() for v in value.split(",") if v.strip()] if _is_link_list(table, field) else [value]


def _shown(value: str | None, table: str, field: str | None, linked: dict) -> str | None:
    """A stored value as the office reads it: a linked record by name, a date as dd/mm/yyyy."""
    if value is None:
        return None
    target = _linked_table(table, field)
    if target is not None:
        return ", ".join(linked.get((target, v), v) for v in _ids_in(value, table, field))
    found = _ISO_DATE.match(value)
    if found:
        return f"{found[3]}/{found[2]}/{found[1]}"
    if _ISO_DATETIME.match(value):
        try:
            when = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
        if field in _UTC_FIELDS:
            when = _utc_to_local(when)
        return f"{when:%d/%m/%Y %H:%M}"
    return value


def _mapper_for(table: str):
    return next((m for m in Base.registry.mappers if m.local_table.name == table), None)


def _is_link_list(table: str, field: str | None) -> bool:
    mapper = _mapper_for(table) if field else None
    return bool(mapper is not None and field in mapper.relationships
                and mapper.relationships[field].secondary is not None)


def _linked_table(table: str, field: str | None) -> str | None:
    """The table a value points at: a foreign-key column (``referring_agency_id`` → ``agency``)
    or a many-to-many link (``meetings`` → ``meeting``), whose value lists ids."""
    if not field:
        return None
    if _is_link_list(table, field):
        return _mapper_for(table).relationships[field].mapper.local_table.name
    known = Base.metadata.tables.get(table)
    if known is None or field not in known.c:
        return None
    keys = list(known.c[field].foreign_keys)
    return keys[0].column.table.name if len(keys) == 1 else None


# --- naming records ---------------------------------------------------------------------------

def _name_of(table: str, mapping) -> str | None:
    if table == "list_item":
        return mapping.get("name")
    if table == "recommendation":
        return f"R{mapping['number']}" if mapping.get("number") is not None else None
    for column in _NAMED_BY.get(table, _NAMING_COLUMNS):
        value = mapping.get(column)
        if value not in (None, ""):
            return f"{value:%d/%m/%Y}" if isinstance(value, dt.date) else str(value)
    return None


def _labels(session: Session, pairs: Iterable[tuple[str, str]], *, with_type: bool = True) -> dict:
    """Labels for many (table, id) pairs at once: one select per table, not one per record.

    A record that no longer exists (purged) is named from the audit trail's own copy of its
    reference or name, so its history still says what it was.
    """
    by_table: dict[str, set[str]] = {}
    for table, record_id in pairs:
        by_table.setdefault(table, set()).add(str(record_id))
    labels: dict[tuple[str, str], str] = {}
    for table, ids in by_table.items():
        names = _names_in_table(session, table, ids)
        missing = ids - set(names)
        if missing:
            names.update(_names_from_audit(session, table, missing))
        for record_id in ids:
            name = names.get(record_id)
            if with_type:
                labels[(table, record_id)] = f"{table_title(table)} {name or record_id}"
            elif name:
                labels[(table, record_id)] = name
    return labels


def _names_in_table(session: Session, table: str, ids: set[str]) -> dict[str, str]:
    known = Base.metadata.tables.get(table)
    if known is None or table == "audit_entry":
        return {}
    key_columns = list(known.primary_key.columns)
    if len(key_columns) != 1:
        return {}
    key = key_columns[0]
    wanted = [c for c in known.c if c.name in _NAMED_BY.get(table, _NAMING_COLUMNS)]
    if table == "recommendation" and "review_id" in known.c:
        wanted.append(known.c.review_id)
    if not wanted:
        return {}
    values: list = list(ids)
    if key.type.python_type is int:
        values = [int(v) for v in ids if v.isdigit()]
    names: dict[str, str] = {}
    review_ids: dict[str, int] = {}
    for chunk in _chunks(values, 500):
        for row in session.execute(select(key, *wanted).where(key.in_(chunk))):
            record_id = str(row[0])
            name = _name_of(table, row._mapping)
            if name:
                names[record_id] = name
            if table == "recommendation" and row._mapping.get("review_id") is not None:
                review_ids[record_id] = row._mapping["review_id"]
    if review_ids:  # "Recommendation SCR-01 R3": the number alone says little
        reviews = Base.metadata.tables["review"]
        refs = dict(session.execute(select(reviews.c.id, reviews.c.reference)
                                    .where(reviews.c.id.in_(set(review_ids.values())))).all())
        for record_id, review_id in review_ids.items():
            if review_id in refs and record_id in names:
                names[record_id] = f"{refs[review_id]} {names[record_id]}"
    return names


def _names_from_audit(session: Session, table: str, ids: set[str]) -> dict[str, str]:
    entries = AuditEntry.__table__.c
    names: dict[str, str] = {}
    for field in ("reference", "name", "title"):
        still = [i for i in ids if i not in names]
        if not still:
            break
        for chunk in _chunks(still, 500):
            query = (select(entries.record_id, func.coalesce(entries.new_value, entries.old_value))
                     .where(entries.table_name == table, entries.record_id.in_(chunk),
                            entries.field == field)
                     .order_by(entries.at, entries.id))
            for record_id, value in session.execute(query):
                if value:
                    names[record_id] = value  # the latest wins
    return names


def _chunks(values: list, size: int) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def record_label(session: Session, table: str, record_id: str | int) -> str:
    """What the office calls a record: "Referral Ref053", "Action SO14-06", "Meeting 17/04/2024"."""
    return _labels(session, {(table, str(record_id))})[(table, str(record_id))]


def audit_tables(session: Session) -> list[str]:
    """The tables the audit trail has entries for, by their titles."""
    table = AuditEntry.__table__
    found = session.scalars(select(table.c.table_name).distinct()).all()
    return sorted(found, key=table_title)


def audit_users(session: Session) -> list[str]:
    table = AuditEntry.__table__
    return sorted(session.scalars(select(table.c.user).distinct()).all(), key=str.casefold)


def audit_operations(session: Session) -> list[str]:
    table = AuditEntry.__table__
    return sorted(session.scalars(select(table.c.operation).distinct()).all(), key=operation_title)


# --- changes made outside the program (on a database server) -------------------------------

# How the server's record says an operation, as the audit trail says it.
_SERVER_OPERATIONS = {"insert": "create", "update": "update", "delete": "delete", "truncate": "truncate"}


@dataclass(frozen=True)
class OutsideChange:
    """A change the server recorded in a transaction that wrote nothing to the audit trail:
    made outside the program (with psql or a script) by ``login``."""

    id: int  # in the server's record (audit.row_change)
    at: dt.datetime  # local time
    login: str
    operation: str  # create, update, delete, truncate
    table_name: str
    record_id: str | None
    record: str  # "Action SO14-06"; the table's title for a table emptied
    fields: tuple[str, ...]  # the fields an update changed

    def describe(self) -> str:
        """"04/12/2026 12:30 jsmith: Changed Action 12 (Lead officer), outside the program"."""
        fields = f" ({', '.join(field_title(f) for f in self.fields)})" if self.fields else ""
        return (f"{self.at:%d/%m/%Y %H:%M} {self.login}: {operation_title(self.operation)} {self.record}"
                f"{fields}, outside the program")


def server_keeps_changes(session: Session) -> bool:
    """Whether the database is on a server that records every change (migration 0005) and
    this login may read that record."""
    if session.get_bind().dialect.name != "postgresql":
        return False
    return bool(session.scalar(text(
        "SELECT CASE WHEN c IS NULL THEN false ELSE has_schema_privilege('audit', 'USAGE')"
        " AND has_table_privilege(c, 'SELECT') AND has_table_privilege('audit.trail_write', 'SELECT') END"
        " FROM to_regclass('audit.row_change') AS c")))


def _outside() -> Select:
    changes = ROW_CHANGE.c
    return select(ROW_CHANGE).where(~exists().where(TRAIL_WRITE.c.xact == changes.xact))


def count_outside_changes(session: Session) -> int | None:
    """How many changes were made outside the program; ``None`` where the database does not
    keep that record (an SQLite file) or this login may not read it."""
    if not server_keeps_changes(session):
        return None
    return session.scalar(select(func.count()).select_from(_outside().subquery()))


def outside_changes(session: Session, limit: int = 50) -> list[OutsideChange]:
    """The newest ``limit`` changes made outside the program, newest first (none where the
    database does not keep that record)."""
    if not server_keeps_changes(session):
        return []
    changes = ROW_CHANGE.c
    rows = session.execute(_outside().order_by(changes.id.desc()).limit(limit)).all()
    labels = _labels(session, {(r.table_name, r.record_id) for r in rows if r.record_id is not None})
    found = []
    for r in rows:
        record = table_title(r.table_name)
        if r.record_id is not None:
            # A record deleted outside the program is named from the row the server kept.
            kept = _name_of(r.table_name, r.old_row) if r.new_row is None and r.old_row else None
            record = f"{table_title(r.table_name)} {kept}" if kept else labels[(r.table_name, r.record_id)]
        fields = ()
        if r.old_row is not None and r.new_row is not None:
            fields = tuple(key for key in r.new_row if key not in SKIPPED_FIELDS
                           and r.old_row.get(key) != r.new_row[key])
        found.append(OutsideChange(r.id, r.at.astimezone().replace(tzinfo=None), r.login,
                                   _SERVER_OPERATIONS.get(r.operation, r.operation), r.table_name,
                                   r.record_id, record, fields))
    return found


# --- the export -------------------------------------------------------------------------------

# (header, width, value of a row)
EXPORT_COLUMNS: list[tuple[str, int, Callable[[AuditRow], object]]] = [
    ("When", 17, lambda r: r.at),
    ("Who", 16, lambda r: r.user),
    ("What happened", 18, lambda r: r.operation_text),
    ("Record", 24, lambda r: r.record),
    ("Record type", 16, lambda r: table_title(r.table_name)),
    ("Record number", 10, lambda r: r.record_id),
    ("Field", 22, lambda r: r.field_text),
    ("Old value", 40, lambda r: r.old_value),
    ("New value", 40, lambda r: r.new_value),
    ("Entry number", 10, lambda r: r.id),
]


def _header_text(text: str) -> str:
    # In Excel's header and footer codes "&" starts a code: a literal one is written "&&".
    return text.replace("&", "&&")


def _fit(text: str) -> str:
    if len(text) <= MAX_CELL_CHARS:
        return text
    return text[:MAX_CELL_CHARS - len(TRUNCATED_NOTE)] + TRUNCATED_NOTE


def export_audit(session: Session, flt: AuditFilter, path: Path,
                 progress: Callable[[int, int, str], None] | None = None, *,
                 now: dt.datetime | None = None) -> int:
    """Write the audit entries ``flt`` matches (newest first) to the workbook ``path``.

    For an information-governance request: sheet "Audit trail" (header, frozen panes,
    autofilter, dd/mm/yyyy hh:mm, the protective marking in the page header and footer) and
    a cover sheet saying what was exported, when and by which filter. Every value is written
    as text. ``progress(done, total, text)`` is called now and then (it may raise to stop).
    Returns the number of entries written. Raises ``UserError`` if the file cannot be written.
    """
    settings = get_settings(session)
    marking = settings.protective_marking
    total = count_audit(session, flt)
    now = now or dt.datetime.now()
    try:
        workbook = xlsxwriter.Workbook(str(path), {
            "constant_memory": True,
            "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
        })
    except OSError as err:
        raise UserError(f"{path} could not be written ({err.strerror or err}).") from err
    written = 0
    try:
        header = workbook.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F3864",
                                      "text_wrap": True, "valign": "top", "border": 1})
        when = workbook.add_format({"num_format": "dd/mm/yyyy hh:mm", "valign": "top"})
        text = workbook.add_format({"text_wrap": True, "valign": "top"})
        number = workbook.add_format({"valign": "top"})
        sheet = workbook.add_worksheet(EXPORT_SHEET)
        for index, (title, width, _value) in enumerate(EXPORT_COLUMNS):
            sheet.set_column(index, index, width, text if width >= 22 else None)
            sheet.write_string(0, index, title, header)
        sheet.freeze_panes(1, 0)
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(0)
        sheet.set_header(f"&C&B{_header_text(marking)}")
        sheet.set_footer(f"&L{_header_text(marking)}&CAudit trail&RPage &P of &N")
        if progress:
            progress(0, total, "Writing the audit trail…")
        batch: list = []
        result = session.execute(audit_query(flt)).yield_per(PROGRESS_EVERY)
        for partition in result.partitions(PROGRESS_EVERY):
            batch = list(partition)
            for row in _readable(session, batch):
                written += 1
                for index, (_title, _width, value_of) in enumerate(EXPORT_COLUMNS):
                    value = value_of(row)
                    if value is None or value == "":
                        continue
                    if isinstance(value, dt.datetime):
                        sheet.write_datetime(written, index, value, when)
                    elif isinstance(value, int):
                        sheet.write_number(written, index, value, number)
                    else:  # text stays text, whatever it starts with
                        sheet.write_string(written, index, _fit(str(value)), text)
            if progress:
                progress(written, total, f"Writing the audit trail… {written:,} of {total:,}")
        sheet.autofilter(0, 0, max(written, 1), len(EXPORT_COLUMNS) - 1)

        about = workbook.add_worksheet(ABOUT_SHEET)
        about.set_column(0, 0, 22)
        about.set_column(1, 1, 80, text)
        about.set_header(f"&C&B{_header_text(marking)}")
        about.set_footer(f"&L{_header_text(marking)}")
        for row_number, (label, value) in enumerate([
            ("Protective marking", marking),
            ("Partnership", settings.partnership_name),
            ("Exported", f"{now:%d/%m/%Y %H:%M}"),
            ("What", flt.describe()),
            ("Entries", f"{written:,}"),
            ("Times", "Local time (UK), to the minute."),
            ("Note", "Values are as the tracker recorded them; a linked record (an agency, a status) "
                     "is shown by its name."),
        ]):
            about.write_string(row_number, 0, label, header)
            about.write_string(row_number, 1, value, text)
    finally:
        try:
            workbook.close()
        except OSError as err:
            raise UserError(f"{path} could not be written ({err.strerror or err}): it may be open "
                            "in another program. Close it and try again.") from err
    return written


__all__ = [
    "AuditFilter", "AuditRow", "audit_rows", "audit_query", "count_audit", "record_label",
    "export_audit", "audit_tables", "audit_users", "audit_operations",
    "table_title", "operation_title", "field_title",
    "OutsideChange", "server_keeps_changes", "count_outside_changes", "outside_changes",
]

"""The editable lists: list values, agencies and their spellings, themes, clocks."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import lookups
from app.clocks import validate_clock_rule
from app.errors import UserError, ValidationError
from app.services.validation import Problems
from app.text import clean, match_key
from db.models import Agency, AgencyAlias, ClockRule, ListItem, ListKind

CLOCK_UNITS = ("working_days", "days", "months")


def add_list_item(session: Session, kind: str, name: str, *, is_open: bool | None = None) -> ListItem:
    """Add a value to one of the editable lists, at the end."""
    if kind not in ListKind.ALL:
        raise UserError(f"There is no list called '{kind}'.")
    name = clean(name)
    problems = Problems()
    problems.required("name", name)
    problems.max_length("name", name, 200)
    if name and any(match_key(i.name) == match_key(name)
                    for i in lookups.list_items(session, kind, include_archived=True)):
        problems.add("name", f"'{name}' is already on the list")
    problems.raise_if_any()
    last = session.scalar(select(func.max(ListItem.sort_order)).where(ListItem.kind == kind)) or 0
    item = ListItem(kind=kind, name=name, sort_order=last + 1, is_open=is_open)
    session.add(item)
    session.flush()
    return item


def rename_list_item(session: Session, item_id: int, name: str) -> ListItem:
    """Rename a list value; every record using it shows the new name."""
    item = session.get(ListItem, item_id)
    if item is None:
        raise UserError(f"There is no list value {item_id}.")
    name = clean(name)
    if not name:
        raise ValidationError({"name": "is required"})
    clash = [i for i in lookups.list_items(session, item.kind, include_archived=True)
             if i.id != item.id and match_key(i.name) == match_key(name)]
    if clash:
        raise ValidationError({"name": f"'{name}' is already on the list"})
    item.name = name
    session.flush()
    return item


def add_agency(session: Session, name: str, *, short_name: str | None = None,
               sector: str | None = None) -> Agency:
    name = clean(name)
    if not name:
        raise ValidationError({"name": "is required"})
    if lookups.find_agency(session, name) is not None:
        raise ValidationError({"name": f"'{name}' is already an agency or a spelling of one"})
    agency = Agency(name=name, short_name=clean(short_name) or None, sector=clean(sector) or None)
    session.add(agency)
    session.flush()
    return agency


def add_agency_alias(session: Session, agency_name: str, spelling: str) -> AgencyAlias | None:
    """Teach the program another spelling of an agency's name (used when importing).
    Returns None when the spelling already means this agency."""
    agency = lookups.agency(session, agency_name)
    key = match_key(spelling)
    if not key:
        raise ValidationError({"alias": "is required"})
    existing = lookups.find_agency(session, spelling)
    if existing is not None:
        if existing.id != agency.id:
            raise ValidationError({"alias": f"'{clean(spelling)}' already means {existing.name}"})
        return None
    alias = AgencyAlias(agency=agency, alias=clean(spelling), alias_key=key)
    session.add(alias)
    session.flush()
    return alias


def update_clock(session: Session, code: str, *, length: int | None = None, unit: str | None = None,
                 start_event: str | None = None, done_event: str | None = None) -> ClockRule:
    """Change a clock's length, unit or the recorded dates that start and stop it."""
    rule = lookups.clock(session, code)
    problems = Problems()
    if length is not None and (not isinstance(length, int) or length < 0):
        problems.add("length", "must be a whole number, 0 or more")
    if unit is not None and unit not in CLOCK_UNITS:
        problems.add("unit", f"must be one of {', '.join(CLOCK_UNITS)}")
    problems.raise_if_any()
    for name, value in (("length", length), ("unit", unit), ("start_event", start_event),
                        ("done_event", done_event)):
        if value is not None:
            setattr(rule, name, value)
    validate_clock_rule(rule)
    session.flush()
    return rule

"""Partner agencies and the other spellings of their names that imports meet."""

from __future__ import annotations

from typing import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import lookups
from app.errors import ValidationError
from app.services.bulk import RowProblems, check_short_texts, insert_records, unknown_fields
from app.services.records import get_record
from app.services.validation import Problems, optional_text
from app.text import clean, match_key
from db.models import Agency, AgencyAlias

AGENCY_FIELDS = ("name", "short_name", "sector", "aliases")


def add_agency(session: Session, name: str, *, short_name: str | None = None,
               sector: str | None = None, aliases: list[str] = ()) -> Agency:
    """Add an agency to the agency list, with any other spellings of its name."""
    name = clean(name)
    problems = Problems()
    problems.required("name", name)
    problems.max_length("name", name, 200)
    if name and lookups.find_agency(session, name) is not None:
        problems.add("name", f"'{name}' is already an agency or a spelling of one")
    problems.raise_if_any()
    agency = Agency(name=name, short_name=optional_text(short_name), sector=optional_text(sector))
    session.add(agency)
    session.flush()
    if aliases:
        update_agency(session, agency.id, aliases=list(aliases))
    return agency


def add_agency_alias(session: Session, agency: str | int | Agency, spelling: str) -> AgencyAlias | None:
    """Teach the program another spelling of an agency's name (given by name, id or record),
    so that imports match it exactly. Returns None when the spelling already means this
    agency; a spelling that means another agency is refused."""
    if isinstance(agency, int):
        agency = get_record(session, Agency, agency, "agency")
    elif isinstance(agency, str):
        agency = lookups.agency(session, agency)
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


def update_agency(session: Session, agency_id: int, **fields) -> Agency:
    """Rename an agency, change its short name or sector, or set its other spellings
    (``aliases``: the full list; spellings left out are forgotten)."""
    agency = get_record(session, Agency, agency_id, "agency")
    problems = Problems()
    problems.unknown(fields, AGENCY_FIELDS, "an agency")
    if "name" in fields:
        name = clean(fields["name"])
        problems.required("name", name)
        other = lookups.find_agency(session, name) if name else None
        if other is not None and other.id != agency.id:
            problems.add("name", f"'{name}' is already {other.name} or a spelling of it")
    wanted: dict[str, str] = {}
    for spelling in fields.get("aliases") or ():
        key = match_key(spelling)
        if not key or key in wanted:
            continue
        other = lookups.find_agency(session, spelling)
        if other is not None and other.id != agency.id:
            problems.add("aliases", f"'{clean(spelling)}' already means {other.name}")
        wanted[key] = clean(spelling)
    problems.raise_if_any()
    if "name" in fields:
        agency.name = clean(fields["name"])
    for name in ("short_name", "sector"):
        if name in fields:
            setattr(agency, name, optional_text(fields[name]))
    if "aliases" in fields:
        keep = [a for a in agency.aliases if a.alias_key in wanted]
        have = {a.alias_key for a in keep}
        agency.aliases = keep + [AgencyAlias(alias=text, alias_key=key)
                                 for key, text in wanted.items() if key not in have]
    session.flush()
    return agency


def add_agencies(session: Session, rows: Sequence[dict], *, audit: bool = True) -> list[int]:
    """Add many agencies at once (each row: name, short_name, sector, aliases), checked as
    ``add_agency`` and ``update_agency`` check one: no name or spelling may mean two
    agencies. Returns the new ids in order."""
    problems = RowProblems("agency", len(rows))
    # a spelling's key -> (whose: an agency's id, or a new row's index as text; its name)
    meaning: dict[str, tuple[object, str]] = {}
    for agency in session.scalars(select(Agency)):
        for text in (agency.name, agency.short_name):
            if match_key(text):
                meaning.setdefault(match_key(text), (agency.id, agency.name))
    meaning.update((a.alias_key, (a.agency_id, a.agency.name)) for a in session.scalars(select(AgencyAlias)))
    clean_rows, spellings = [], []
    for index, row in enumerate(rows):
        unknown_fields(problems, index, row, AGENCY_FIELDS, "an agency")
        values = {"name": clean(row.get("name")), "short_name": optional_text(row.get("short_name")),
                  "sector": optional_text(row.get("sector"))}
        mine = (f"row {index}", values["name"])
        if not values["name"]:
            problems.add(index, "name", "is required")
        elif meaning.get(match_key(values["name"]), mine) != mine:
            problems.add(index, "name", f"'{values['name']}' is already an agency or a spelling of one")
        check_short_texts(problems, index, values, {"name": 200, "short_name": 60, "sector": 60})
        for text in (values["name"], values["short_name"]):
            if match_key(text):
                meaning.setdefault(match_key(text), mine)
        wanted: dict[str, str] = {}
        for spelling in row.get("aliases") or ():
            key = match_key(spelling)
            if not key or key in wanted:
                continue
            if meaning.setdefault(key, mine) != mine:
                problems.add(index, "aliases", f"'{clean(spelling)}' already means {meaning[key][1]}")
            wanted[key] = clean(spelling)
        clean_rows.append(values)
        spellings.append(wanted)
    problems.raise_if_any()
    ids = insert_records(session, Agency.__table__, clean_rows, audit=audit)
    insert_records(session, AgencyAlias.__table__, [
        {"agency_id": agency_id, "alias": text, "alias_key": key}
        for agency_id, wanted in zip(ids, spellings) for key, text in wanted.items()], audit=audit)
    return ids

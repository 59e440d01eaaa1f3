"""Finding list values, agencies and themes by what the user typed."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.errors import UserError
from app.text import clean, match_key
from db.models import Agency, AgencyAlias, ClockRule, ListItem, Review, Theme


def list_item(session: Session, kind: str, name_or_code: str, *, field: str | None = None) -> ListItem:
    """The value of list ``kind`` whose name or code matches (case and spacing ignored)."""
    wanted = match_key(name_or_code)
    items = list_items(session, kind, include_archived=True)  # in the list's order, on either engine
    for item in items:
        if match_key(item.name) == wanted or (item.code and item.code == wanted):
            return item
    choices = ", ".join(i.name for i in items if i.archived_at is None)
    label = (field or kind).replace("_", " ")
    raise UserError(f"{label.capitalize()}: '{clean(name_or_code)}' is not on the list ({choices}).",
                    field=field or kind)


def list_items(session: Session, kind: str, *, include_archived: bool = False) -> list[ListItem]:
    """The values of one editable list, in their display order."""
    query = select(ListItem).where(ListItem.kind == kind).order_by(ListItem.sort_order, ListItem.name)
    if not include_archived:
        query = query.where(ListItem.archived_at.is_(None))
    return list(session.scalars(query))


def find_agency(session: Session, name: str) -> Agency | None:
    """The agency called ``name`` or known by that spelling, or None."""
    key = match_key(name)
    if not key:
        return None
    for agency in session.scalars(select(Agency)):
        if match_key(agency.name) == key or match_key(agency.short_name) == key:
            return agency
    alias = session.scalar(select(AgencyAlias).where(AgencyAlias.alias_key == key))
    return alias.agency if alias else None


def agency(session: Session, name: str, *, field: str = "agency") -> Agency:
    """Like ``find_agency`` but a name nobody knows is a user error naming the field."""
    found = find_agency(session, name)
    if found is None:
        raise UserError(f"{field.replace('_', ' ').capitalize()}: no agency is called '{clean(name)}'. "
                        "Add it (or this spelling) to the agency list first.", field=field)
    return found


def theme(session: Session, name: str) -> Theme:
    """The theme called ``name`` (case and spacing ignored)."""
    key = match_key(name)
    for t in session.scalars(select(Theme)):
        if match_key(t.name) == key:
            return t
    raise UserError(f"Theme: '{clean(name)}' is not on the theme list.", field="theme")


def clock(session: Session, code: str) -> ClockRule:
    """The clock with this code or name."""
    rule = session.scalar(select(ClockRule).where(or_(ClockRule.code == code, ClockRule.name == code)))
    if rule is None:
        raise UserError(f"Clock: there is no clock called '{code}'.", field="clock")
    return rule


def review(session: Session, text: str, *, field: str = "review") -> Review:
    """The live review whose reference or title is ``text`` (case, spacing and apostrophes
    ignored). None matching is a user error naming the closest reviews."""
    from rapidfuzz import fuzz, process  # here: only this lookup needs it

    wanted = match_key(text)
    reviews = session.scalars(select(Review).where(Review.archived_at.is_(None)).order_by(Review.reference)).all()
    found = [r for r in reviews if wanted in (match_key(r.reference), match_key(r.title))]
    if len(found) == 1:
        return found[0]
    if found:
        raise UserError(f"Review: '{clean(text)}' is the title of {len(found)} reviews "
                        f"({', '.join(r.reference for r in found)}); give the reference.", field=field)
    names = {f"{r.reference} ({r.title})": f"{match_key(r.reference)} {match_key(r.title)}" for r in reviews}
    closest = [name for _key, _score, name in process.extract(wanted, names, scorer=fuzz.WRatio, limit=3)]
    hint = f" The closest: {'; '.join(closest)}." if closest else " There are no reviews yet."
    raise UserError(f"Review: there is no review '{clean(text)}'.{hint}", field=field)

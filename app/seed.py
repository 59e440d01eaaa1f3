"""A new database's starting values (``app.defaults``), written through the services, which
check and audit them as they would the office's own."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.defaults import (ACTION_STATUSES, AGENCIES, CLOCKS, CLOSURE_REASONS, DECISION_OUTCOMES,
                          LEARNING_EVENT_TYPES, METHODOLOGIES, REFERRAL_CATEGORIES, RESPONSE_STATUSES,
                          REVIEW_STATUSES, REVIEW_TYPES, SETTINGS, THEMES, WORDS)
from app.services import agencies, clock_rules, lists, themes
from db.models import ListItem, ListKind, Setting


def seed_defaults(session: Session) -> None:
    """Fill the editable lists of a new, empty database, through the services."""
    if session.scalar(select(ListItem.id).limit(1)) is not None:
        return
    clocks = {}
    for code, name, length, unit, start, done, applies_from, applies_until, source in CLOCKS:
        clocks[code] = clock_rules.create_clock_rule(
            session, code=code, name=name, length=length, unit=unit, start_event=start, done_event=done,
            applies_from=applies_from, applies_until=applies_until, source=source).id
    types = dict(zip((code for code, _, _ in REVIEW_TYPES), lists.add_list_items(
        session, ListKind.REVIEW_TYPE, [{"code": code, "name": name, "clock_id": clocks.get(clock)}
                                        for code, name, clock in REVIEW_TYPES])))
    lists.add_list_items(session, ListKind.DECISION_OUTCOME, [
        {"code": code, "name": name, "review_type_id": types.get(type_code)}
        for code, name, type_code in DECISION_OUTCOMES])
    for kind, statuses in ((ListKind.REVIEW_STATUS, REVIEW_STATUSES), (ListKind.ACTION_STATUS, ACTION_STATUSES)):
        lists.add_list_items(session, kind, [{"code": code, "name": name, "is_open": is_open}
                                             for code, name, is_open in statuses])
    lists.add_list_items(session, ListKind.METHODOLOGY, [{"name": name} for name in METHODOLOGIES])
    lists.add_list_items(session, ListKind.CLOSURE_REASON, [{"code": code, "name": name}
                                                            for code, name in CLOSURE_REASONS])
    for kind, names in ((ListKind.REFERRAL_CATEGORY, REFERRAL_CATEGORIES), (ListKind.RESPONSE_STATUS, RESPONSE_STATUSES),
                        (ListKind.LEARNING_EVENT_TYPE, LEARNING_EVENT_TYPES)):
        lists.add_list_items(session, kind, [{"name": name} for name in names])
    for kind, entries in WORDS.items():
        lists.add_list_items(session, kind, [{"name": entry} for entry in entries])
    themes.create_themes(session, THEMES)
    agencies.add_agencies(session, [{"name": name, "short_name": short, "sector": sector, "aliases": spellings}
                                    for name, short, sector, spellings in AGENCIES])
    for key, value in SETTINGS.items():
        session.add(Setting(key=key, value=value))

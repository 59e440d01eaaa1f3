"""Forms for the editable lists: agencies (with their other spellings), themes, list
values (types, outcomes, statuses...) and clocks."""

from __future__ import annotations

from app.clocks import clock_events
from app.registers import CLOCK_UNIT_LABELS, LIST_KIND_LABELS, clock_event_label
from app.services import agencies, clock_rules, lists, themes
from app.services.clock_rules import CLOCK_UNITS
from db.models import Agency, ClockRule, ListItem, ListKind, Theme
from ui.forms.base import CHECK, CHOICE, MULTILINE, NUMBER, TEXT, Field, RecordDialog

SECTORS = ("Police", "Health", "Local authority", "Education", "Probation", "Housing", "Partnership",
           "Voluntary sector", "Other")


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class AgencyDialog(RecordDialog):
    kind = "agencies"
    noun = "agency"
    model = Agency
    archive_kind = "agency"
    focus_new = "name"
    focus_edit = "name"
    fields = (
        Field("name", "Name", TEXT, required=True),
        Field("short_name", "Short name", TEXT),
        Field("sector", "Sector", CHOICE, choices=SECTORS),
        Field("aliases", "Other spellings (one a line)", MULTILINE, lines=4,
              hint="How other people write this agency's name; imports map them onto it"),
    )

    @classmethod
    def field_value(cls, record, field):
        if field.key == "aliases":
            return "\n".join(a.alias for a in sorted(record.aliases, key=lambda a: a.id))
        return super().field_value(record, field)

    @classmethod
    def create(cls, session, values, context):
        agency = agencies.add_agency(session, values["name"], short_name=values.get("short_name"),
                                  sector=values.get("sector"))
        if _lines(values.get("aliases")):
            agencies.update_agency(session, agency.id, aliases=_lines(values["aliases"]))
        return agency.id

    @classmethod
    def update(cls, session, record_id, values):
        values = dict(values)
        if "aliases" in values:
            values["aliases"] = _lines(values["aliases"])
        agencies.update_agency(session, record_id, **values)

    @classmethod
    def describe(cls, session, record_id):
        agency = session.get(Agency, record_id)
        return f"agency {agency.name}" if agency else super().describe(session, record_id)


class ThemeDialog(RecordDialog):
    kind = "themes"
    noun = "theme"
    model = Theme
    archive_kind = "theme"
    focus_new = "name"
    focus_edit = "name"
    fields = (Field("name", "Name", TEXT, required=True),)

    @classmethod
    def create(cls, session, values, context):
        return themes.create_theme(session, values["name"]).id

    @classmethod
    def update(cls, session, record_id, values):
        themes.update_theme(session, record_id, **values)

    @classmethod
    def describe(cls, session, record_id):
        theme = session.get(Theme, record_id)
        return f"theme {theme.name}" if theme else super().describe(session, record_id)


class ListItemDialog(RecordDialog):
    kind = "lists"
    noun = "list value"
    model = ListItem
    focus_new = "name"
    focus_edit = "name"
    fields = (
        Field("list_kind", "List", CHOICE, required=True, fixed_when_editing=True,
              choices=tuple(LIST_KIND_LABELS.items())),
        Field("name", "Value", TEXT, required=True),
        Field("is_open", "Counts as open", CHECK,
              hint="For action and review statuses: is work still to be done?"),
    )

    def focus_field(self):
        if self.is_new and not self.context.get("list_kind"):
            return "list_kind"
        return super().focus_field()

    @classmethod
    def read(cls, session, record_id):
        item = session.get(ListItem, record_id)
        if item is None:
            return super().read(session, record_id)
        return {"list_kind": item.kind, "name": item.name, "is_open": bool(item.is_open)}

    @classmethod
    def version(cls, session, record_id):
        return None  # list values carry no version counter

    @classmethod
    def create(cls, session, values, context):
        is_open = values.get("is_open") if values["list_kind"] in (
            ListKind.ACTION_STATUS, ListKind.REVIEW_STATUS) else None
        return lists.add_list_item(session, values["list_kind"], values["name"], is_open=is_open).id

    @classmethod
    def update(cls, session, record_id, values):
        lists.update_list_item(session, record_id, **values)

    @classmethod
    def archive(cls, session, record_id):
        lists.archive_list_item(session, record_id)

    @classmethod
    def restore(cls, session, record_id):
        lists.restore_list_item(session, record_id)

    @classmethod
    def describe(cls, session, record_id):
        item = session.get(ListItem, record_id)
        if item is None:
            return super().describe(session, record_id)
        return f"“{item.name}” in {LIST_KIND_LABELS.get(item.kind, item.kind)}"


class ClockDialog(RecordDialog):
    kind = "clocks"
    noun = "clock"
    model = ClockRule
    focus_new = "name"
    focus_edit = "length"
    fields = (
        Field("name", "Name", TEXT, required=True),
        Field("length", "Length", NUMBER, required=True),
        Field("unit", "Unit", CHOICE, required=True,
              choices=tuple((u, CLOCK_UNIT_LABELS[u]) for u in CLOCK_UNITS)),
        Field("start_event", "Starts when", CHOICE, required=True,
              choices=tuple((e, clock_event_label(e)) for e in clock_events())),
        Field("done_event", "Stops when", CHOICE, blank_label="(a minimum period: never stops)",
              choices=tuple((e, clock_event_label(e)) for e in clock_events())),
        Field("source", "Source", TEXT),
        Field("notes", "Notes", MULTILINE, lines=3),
    )

    @classmethod
    def version(cls, session, record_id):
        return None

    @classmethod
    def create(cls, session, values, context):
        return clock_rules.create_clock_rule(session, **values).id

    @classmethod
    def update(cls, session, record_id, values):
        clock_rules.update_clock_rule(session, record_id, **values)

    @classmethod
    def archive(cls, session, record_id):
        clock_rules.archive_clock_rule(session, record_id)

    @classmethod
    def restore(cls, session, record_id):
        clock_rules.restore_clock_rule(session, record_id)

    @classmethod
    def describe(cls, session, record_id):
        rule = session.get(ClockRule, record_id)
        return f"clock “{rule.name}”" if rule else super().describe(session, record_id)


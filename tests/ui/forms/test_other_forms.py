"""Meetings, learning events and disseminations, agencies, themes, list values and clocks."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from sqlalchemy import select

from db.models import Agency, ClockRule, Dissemination, LearningEvent, ListItem, ListKind, Meeting, Theme
from tests.ui.forms.conftest import choose, click_save, editor, fill, save_with_keys, tick, toggle, undo


def test_new_meeting_with_the_referrals_considered(qtbot, open_form, office_database, undo_stack):
    form = open_form("meetings")
    fill(qtbot, form, "held_on", "15/05/2024")
    tick(qtbot, form, "referral_ids", "Ref053")
    fill(qtbot, form, "chair", "Independent chair")
    save_with_keys(qtbot, form)
    with office_database.readers() as s:
        m = s.get(Meeting, form.saved_id)
        assert (m.held_on, m.title, m.chair, [r.reference for r in m.referrals_considered]) == (
            dt.date(2024, 5, 15), "Case review sub group", "Independent chair", ["Ref053"])
    undo(qtbot, undo_stack)
    with office_database.readers() as s:
        assert s.get(Meeting, form.saved_id).archived_at is not None


def test_meeting_date_is_required(qtbot, open_form, office_database):
    form = open_form("meetings", 1)
    fill(qtbot, form, "held_on", "")
    click_save(qtbot, form)
    assert form.problem_text("held_on") == "Held on is required."


def test_editing_a_meeting_and_undo(qtbot, open_form, office_database, undo_stack):
    form = open_form("meetings", 1)
    fill(qtbot, form, "notes", "Quorate.")
    click_save(qtbot, form)
    with office_database.readers() as s:
        assert s.get(Meeting, 1).notes == "Quorate."
    undo(qtbot, undo_stack)
    with office_database.readers() as s:
        assert s.get(Meeting, 1).notes is None


def test_new_learning_event_for_a_review(qtbot, open_quick, office_database, undo_stack):
    form = open_quick("add_learning_event", "reviews", 1)
    assert editor(form, "review_id").value() == 1
    qtbot.keyClicks(editor(form, "event_type"), "7")
    fill(qtbot, form, "title", "7-minute briefing: Child U")
    fill(qtbot, form, "attendance", "70")
    save_with_keys(qtbot, form)
    with office_database.readers() as s:
        e = s.get(LearningEvent, form.saved_id)
        assert (e.event_type.name, e.title, e.attendance, e.review.reference) == (
            "7-minute briefing", "7-minute briefing: Child U", 70, "SCR-01")


def test_learning_event_needs_a_title(qtbot, open_form, office_database):
    form = open_form("learning", 1)
    fill(qtbot, form, "title", "")
    click_save(qtbot, form)
    assert form.problem_text("title") == "Title is required."


def test_editing_a_learning_event_and_undo(qtbot, open_form, office_database, undo_stack):
    form = open_form("learning", 1)
    fill(qtbot, form, "attendance", "41")
    click_save(qtbot, form)
    with office_database.readers() as s:
        assert s.get(LearningEvent, 1).attendance == 41
    undo(qtbot, undo_stack)
    with office_database.readers() as s:
        assert s.get(LearningEvent, 1).attendance == 34


def test_record_dissemination_quick_action(qtbot, open_quick, office_database, undo_stack):
    form = open_quick("add_dissemination", "learning", 1)
    assert form.focusWidget() is editor(form, "agency")
    qtbot.keyClicks(form.focusWidget(), "Pol")
    fill(qtbot, form, "evidence", "Briefing sent to all safeguarding leads.")
    save_with_keys(qtbot, form)
    with office_database.readers() as s:
        d = s.get(Dissemination, form.saved_id)
        assert (d.agency.name, d.disseminated_on, d.evidence) == (
            "Police", dt.date.today(), "Briefing sent to all safeguarding leads.")
    undo(qtbot, undo_stack)
    with office_database.readers() as s:
        assert s.get(Dissemination, form.saved_id).archived_at is not None


def test_new_agency_with_other_spellings(qtbot, open_form, office_database, undo_stack):
    form = open_form("agencies")
    fill(qtbot, form, "name", "Northtown Youth Offending Team")
    fill(qtbot, form, "short_name", "YOT")
    editor(form, "aliases").setFocus()
    qtbot.keyClicks(editor(form, "aliases"), "Youth Offending Service")
    qtbot.keyClick(editor(form, "aliases"), Qt.Key.Key_Return)  # one spelling a line
    qtbot.keyClicks(editor(form, "aliases"), "Northtown YOS")
    save_with_keys(qtbot, form)
    with office_database.readers() as s:
        a = s.get(Agency, form.saved_id)
        assert (a.name, a.short_name, sorted(x.alias for x in a.aliases)) == (
            "Northtown Youth Offending Team", "YOT", ["Northtown YOS", "Youth Offending Service"])


def test_agency_name_clash_is_refused_next_to_the_name(qtbot, open_form, office_database):
    form = open_form("agencies")
    fill(qtbot, form, "name", "Childrens Services")
    click_save(qtbot, form)
    assert "already an agency or a spelling of one" in form.problem_text("name")


def test_renaming_an_agency_and_undo(qtbot, open_form, office_database, undo_stack):
    with office_database.readers() as s:
        police = s.scalar(select(Agency).where(Agency.name == "Police"))
    form = open_form("agencies", police.id)
    fill(qtbot, form, "name", "Northtown Police")
    click_save(qtbot, form)
    with office_database.readers() as s:
        assert s.get(Agency, police.id).name == "Northtown Police"
    undo(qtbot, undo_stack)
    with office_database.readers() as s:
        assert s.get(Agency, police.id).name == "Police"


def test_new_theme_edit_and_duplicate(qtbot, open_form, office_database, undo_stack):
    form = open_form("themes")
    fill(qtbot, form, "name", "Professional curiosity")
    click_save(qtbot, form)
    theme_id = form.saved_id
    form = open_form("themes", theme_id)
    fill(qtbot, form, "name", "neglect")
    click_save(qtbot, form)
    assert form.problem_text("name") == "Name 'neglect' is already a theme."
    fill(qtbot, form, "name", "Professional curiosity and challenge")
    click_save(qtbot, form)
    with office_database.readers() as s:
        assert s.get(Theme, theme_id).name == "Professional curiosity and challenge"
    undo(qtbot, undo_stack)
    undo(qtbot, undo_stack)
    with office_database.readers() as s:
        theme = s.get(Theme, theme_id)
        assert (theme.name, theme.archived_at is not None) == ("Professional curiosity", True)


def test_new_list_value_and_counts_as_open(qtbot, open_form, office_database, undo_stack):
    form = open_form("lists")
    choose(qtbot, form, "list_kind", "Action st")
    fill(qtbot, form, "name", "Awaiting evidence")
    toggle(qtbot, form, "is_open")
    save_with_keys(qtbot, form)
    with office_database.readers() as s:
        item = s.get(ListItem, form.saved_id)
        assert (item.kind, item.name, item.is_open) == (ListKind.ACTION_STATUS, "Awaiting evidence", True)
    undo(qtbot, undo_stack)
    with office_database.readers() as s:
        assert s.get(ListItem, form.saved_id).archived_at is not None


def test_renaming_a_list_value_and_a_clash(qtbot, open_form, office_database, undo_stack):
    with office_database.readers() as s:
        item = s.scalar(select(ListItem).where(ListItem.name == "Systems-based"))
    form = open_form("lists", item.id)
    assert not editor(form, "list_kind").isEnabled()
    fill(qtbot, form, "name", "Case mapping workshop")
    click_save(qtbot, form)
    assert form.problem_text("name") == "Value 'Case mapping workshop' is already on the list."
    fill(qtbot, form, "name", "Systems-based (SCIE)")
    click_save(qtbot, form)
    with office_database.readers() as s:
        assert s.get(ListItem, item.id).name == "Systems-based (SCIE)"
    undo(qtbot, undo_stack)
    with office_database.readers() as s:
        assert s.get(ListItem, item.id).name == "Systems-based"


def test_editing_a_clock_and_undo(qtbot, open_form, office_database, undo_stack):
    form = open_form("clocks", 2)  # rapid review, 15 working days from the partners becoming aware
    fill(qtbot, form, "length", "20")
    choose(qtbot, form, "start_event", "Notif")
    click_save(qtbot, form)
    with office_database.readers() as s:
        rule = s.get(ClockRule, 2)
        assert (rule.length, rule.start_event) == (20, "referral.notification_sent_on")
    undo(qtbot, undo_stack)
    with office_database.readers() as s:
        rule = s.get(ClockRule, 2)
        assert (rule.length, rule.start_event) == (15, "referral.date_aware")


def test_clock_length_is_required(qtbot, open_form, office_database):
    form = open_form("clocks", 2)
    fill(qtbot, form, "length", "")
    click_save(qtbot, form)
    assert form.problem_text("length") == "Length is required."


def test_new_local_clock(qtbot, open_form, office_database, undo_stack):
    form = open_form("clocks")
    fill(qtbot, form, "name", "Local briefing issued")
    fill(qtbot, form, "length", "3")
    choose(qtbot, form, "unit", "mo")
    choose(qtbot, form, "start_event", "Review pub")
    save_with_keys(qtbot, form)
    with office_database.readers() as s:
        rule = s.get(ClockRule, form.saved_id)
        assert (rule.code, rule.length, rule.unit, rule.start_event, rule.done_event) == (
            "local_briefing_issued", 3, "months", "review.published_on", None)
    undo(qtbot, undo_stack)
    with office_database.readers() as s:
        assert s.get(ClockRule, form.saved_id).archived_at is not None

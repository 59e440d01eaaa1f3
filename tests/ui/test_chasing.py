"""Chase… through the window: the action in the Records menu, on the toolbar and on
Ctrl+Shift+H; the dialog listing who to chase with their counts; the .eml written for the
leads ticked, in the wording typed, with the chase recorded, said in the status bar, and the
folder offered."""

from __future__ import annotations

import datetime as dt
import email
from email import policy

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from sqlalchemy import select

from app import lookups
from app.chasing import ChaseSchedule
from app.privacy_scan import save_never_print_terms
from app.settings import get_settings, save_settings
from db.models import Action, AuditEntry, Chase, ListKind
from tests.ui.conftest import open_window
from ui import chasing, dialogs, report_dialogs
from ui.chasing import ChaseDialog
from ui.history_view import HistoryDialog
from ui.settings_dialog import OfficeSettingsDialog

TODAY = dt.date.today()
SLOW = 20_000


def test_chase_from_the_window_writes_the_ticked_leads_emails_and_records_the_chases(
        qtbot, office_database, reported, monkeypatch, tmp_path):
    with office_database.sessions.begin() as s:  # beside A1 (Children's Services, overdue since 2000)
        s.add(Action(reference="A4", description="Brief custody staff on the neglect toolkit.",
                     lead_agency=lookups.agency(s, "Police"), lead_officer="Jane Hart",
                     status=lookups.list_item(s, ListKind.ACTION_STATUS, "In progress"),
                     target_on=TODAY + dt.timedelta(days=5)))
        save_settings(s, chase_addresses="Children's Services = childrens@council.example.uk")
    opened, asked = [], []
    monkeypatch.setattr(report_dialogs, "open_in_viewer", opened.append)
    monkeypatch.setattr(dialogs, "confirm", lambda parent, title, text, **kw: asked.append(text) or True)
    window = open_window(qtbot, office_database)
    action = chasing.install(window)

    assert action.objectName() == "chaseAction" and action.shortcut() == QKeySequence("Ctrl+Shift+H")
    window.records_menu.aboutToShow.emit()  # the window rebuilds the menu each time it opens
    assert action in window.records_menu.actions()
    assert getattr(window.toolbar, "chase_action", action) is action

    action.trigger()
    qtbot.waitUntil(lambda: window.findChild(ChaseDialog) is not None, timeout=SLOW)
    dialog = window.findChild(ChaseDialog)
    rows = [[dialog.model.item(r, c).text() for c in range(dialog.model.columnCount())]
            for r in range(dialog.model.rowCount())]
    assert rows == [["Children's Services", "Children's Services", "1", "0", "childrens@council.example.uk"],
                    ["Jane Hart", "Police", "0", "1", "(none kept: fill in To)"]]
    dialog.due_only_box.setChecked(True)  # neither chased yet: both due by the schedule
    assert dialog.model.rowCount() == 2

    dialog.set_ticked(1, False)  # not the Police this time
    dialog.subject_edit.setText("Action plan: {count} to update")
    dialog.template_edit.setPlainText("Hello {name},\n\n{actions}\n\nThe case review team")
    dialog.keep_box.setChecked(True)
    out = tmp_path / "chases"
    dialog.folder_edit.setText(str(out))
    qtbot.mouseClick(dialog.write_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: opened == [out], timeout=SLOW)
    [written] = list(out.glob("*.eml"))
    message = email.message_from_bytes(written.read_bytes(), policy=policy.default)
    assert message["X-Unsent"] == "1" and message["Subject"] == "Action plan: 1 to update"
    assert message["To"] == "Children's Services <childrens@council.example.uk>"
    body = message.get_body(("plain",)).get_content()
    assert body.startswith("Hello Children's Services,") and "- A1: Relaunch the neglect toolkit" in body
    assert "A4" not in body
    [pack] = list(message.iter_attachments())
    assert pack.get_filename().startswith("Action plan - Children's Services")
    assert "1 chase e-mail written" in window.statusBar().currentMessage()
    assert "Open the folder" in asked[0]

    [a1] = chased_rows(office_database)
    history = HistoryDialog(window, office_database, "action", a1)  # the action's own history
    with qtbot.waitSignal(history.rows_loaded, timeout=SLOW):
        history.show()
    shown = [history.model.audit_row(r) for r in range(history.model.rowCount())]
    assert any(row.operation_text == "Chased" and row.new_value.startswith("Chased Children's Services by e-mail")
               for row in shown)

    with office_database.readers() as s:
        chased = s.execute(select(Action.reference, Chase.to_whom).join(Chase, Chase.action_id == Action.id)).all()
        assert [tuple(row) for row in chased] == [("A1", "Children's Services")]
        assert get_settings(s).chase_template == "Hello {name},\n\n{actions}\n\nThe case review team"
    assert reported == []


def chased_rows(database) -> list[int]:
    with database.readers() as s:
        return list(s.scalars(select(Chase.action_id)))


def test_the_chase_schedule_and_addresses_are_set_in_settings(qtbot, database, monkeypatch):
    monkeypatch.setattr(dialogs, "ask_discard_changes", lambda parent: True)
    settings = OfficeSettingsDialog(database)
    qtbot.addWidget(settings)
    settings.show()
    assert (settings.chase_before_spin.value(), settings.chase_on_day_box.isChecked(),
            settings.chase_every_spin.value()) == (14, True, 14)  # the default schedule
    assert not settings.is_changed()
    settings.chase_before_spin.setValue(0)  # "never"
    settings.chase_every_spin.setValue(7)
    settings.chase_addresses_edit.setPlainText("Police = nobody at all")
    qtbot.mouseClick(settings.save_button, Qt.MouseButton.LeftButton)
    assert settings.errors["chase_addresses"].text().startswith("line 1 should be a name, then =")
    assert settings.isVisible()  # nothing saved

    settings.chase_addresses_edit.setPlainText("Police = safeguarding@police.example.uk")
    qtbot.mouseClick(settings.save_button, Qt.MouseButton.LeftButton)
    assert not settings.isVisible()
    with database.readers() as s:
        saved = get_settings(s)
        assert ChaseSchedule.from_settings(saved) == ChaseSchedule(None, True, 7)
        assert saved.chase_address_book == {"police": "safeguarding@police.example.uk"}


def open_chase_dialog(qtbot, window) -> ChaseDialog:
    def shown() -> ChaseDialog | None:
        return next((d for d in window.findChildren(ChaseDialog) if d.isVisible()), None)

    window.chase_action.trigger()
    qtbot.waitUntil(lambda: shown() is not None, timeout=SLOW)
    return shown()


def test_a_chase_the_privacy_check_stops_is_written_only_if_the_user_goes_ahead(
        qtbot, office_database, reported, monkeypatch, tmp_path):
    with office_database.sessions.begin() as s:
        save_never_print_terms(s, ["neglect toolkit"])  # in A1's description
    answers, asked = [], []
    monkeypatch.setattr(dialogs, "confirm", lambda parent, title, text, **kw: asked.append(text) or answers.pop(0))
    window = open_window(qtbot, office_database)
    chasing.install(window)
    out = tmp_path / "chases"

    answers[:] = [False]  # Stop
    dialog = open_chase_dialog(qtbot, window)
    dialog.folder_edit.setText(str(out))
    qtbot.mouseClick(dialog.write_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: answers == [], timeout=SLOW)
    assert "holds details that should not leave the office" in asked[-1]
    assert not out.exists() and chased_rows(office_database) == []
    qtbot.waitUntil(lambda: privacy_decisions(office_database) == ["Stopped"], timeout=SLOW)

    answers[:] = [True, False]  # write them anyway; do not open the folder
    dialog = open_chase_dialog(qtbot, window)
    dialog.folder_edit.setText(str(out))
    qtbot.mouseClick(dialog.write_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: answers == [], timeout=SLOW)
    assert "Open the folder" in asked[-1]
    assert [f.name for f in out.glob("*.eml")] == [f"Chase - Children's Services - {TODAY:%Y-%m-%d}.eml"]
    assert len(chased_rows(office_database)) == 1
    assert privacy_decisions(office_database) == ["Stopped", "Proceeded"]
    assert reported == []


def privacy_decisions(database) -> list[str]:
    with database.readers() as s:
        return [text.split()[0] for text in s.scalars(select(AuditEntry.new_value).where(
            AuditEntry.operation == "privacy-check").order_by(AuditEntry.id))]

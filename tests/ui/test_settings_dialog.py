"""File > Settings: the partnership's name, marking, date format and logo on every paper."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage

import datetime as dt

from app.dates import DATE_FORMATS
from app.settings import get_settings
from ui import dialogs
from ui.settings_dialog import OfficeSettingsDialog
from ui.widgets.date_edit import UkDateEdit, office_date_format, set_office_date_format


@pytest.fixture(autouse=True)
def default_date_format():
    """Saving a format changes every date field's format; later tests start from the default."""
    yield
    set_office_date_format(None)


@pytest.fixture
def dialog(qtbot, database, monkeypatch):
    # When the test ends the dialog is closed; answer "Discard changes" if it asks.
    monkeypatch.setattr(dialogs, "ask_discard_changes", lambda parent: True)
    dialog = OfficeSettingsDialog(database)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def stored(database):
    with database.readers() as session:
        return get_settings(session)


def select_all_and_type(qtbot, widget, text: str) -> None:
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(widget, Qt.Key.Key_Delete)
    qtbot.keyClicks(widget, text)


def test_opens_with_the_stored_settings(dialog):
    assert dialog.name_edit.text() == "Safeguarding Children Partnership"
    assert dialog.marking_combo.currentText() == "OFFICIAL-SENSITIVE"
    assert dialog.date_combo.currentData() == "dd/MM/yyyy"
    assert [dialog.date_combo.itemText(i) for i in range(dialog.date_combo.count())] == [
        f.label for f in DATE_FORMATS]
    assert dialog.date_combo.currentText().startswith("05/03/2017")
    assert dialog.closure_edit.text() == ""
    assert dialog.logo_path_label.text() == "No logo."


def test_saving_changes_every_setting_in_the_database(qtbot, dialog, database):
    saved = []
    dialog.settings_saved.connect(saved.append)
    select_all_and_type(qtbot, dialog.name_edit, "Southtown Safeguarding Children Partnership")
    select_all_and_type(qtbot, dialog.marking_combo.lineEdit(), "OFFICIAL")
    dialog.date_combo.setFocus()
    qtbot.keyClick(dialog.date_combo, Qt.Key.Key_Down)
    assert dialog.date_combo.currentText() == "5 Mar 2017"
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    settings = stored(database)
    assert settings.partnership_name == "Southtown Safeguarding Children Partnership"
    assert settings.protective_marking == "OFFICIAL"
    assert settings.date_format == "d MMM yyyy"
    assert saved and saved[0].date_format == "d MMM yyyy"
    assert not dialog.isVisible()


def test_a_date_field_shows_the_saved_format_at_once(qtbot, dialog):
    field = UkDateEdit()
    qtbot.addWidget(field)
    field.set_date(dt.date(2017, 3, 5))
    assert field.text() == "05/03/2017"
    dialog.date_combo.setCurrentIndex(dialog.date_combo.findData("d MMMM yyyy"))
    dialog.save_button.click()
    assert office_date_format().pattern == "d MMMM yyyy"
    assert field.text() == "5 March 2017" and field.date() == dt.date(2017, 3, 5)
    assert field.line_edit.placeholderText() == "d mmmm yyyy"


def test_closure_days_are_typed_the_uk_way_and_shown_in_the_office_format(qtbot, dialog, database):
    select_all_and_type(qtbot, dialog.closure_edit, "29/12/2026, 30.12.26, 31 Dec 2026")
    dialog.date_combo.setCurrentIndex(dialog.date_combo.findData("d MMM yyyy"))
    dialog.save_button.click()
    assert stored(database).closure_days == {dt.date(2026, 12, 29), dt.date(2026, 12, 30), dt.date(2026, 12, 31)}
    again = OfficeSettingsDialog(database)
    qtbot.addWidget(again)
    assert again.closure_edit.text() == "29 Dec 2026, 30 Dec 2026, 31 Dec 2026"
    assert not again.is_changed()


def test_a_closure_day_that_is_not_a_date_is_explained_and_nothing_is_saved(qtbot, dialog, database):
    select_all_and_type(qtbot, dialog.closure_edit, "29/12/2026, 31/11/2026")
    dialog.save_button.click()
    error = dialog.errors["closure_days"]
    assert error.isVisible() and dialog.isVisible()
    assert error.text().startswith("'31/11/2026' is not a date: November has 30 days.")
    assert stored(database).closure_days == frozenset()


def test_a_blank_name_is_explained_beside_the_field_and_nothing_is_saved(qtbot, dialog, database):
    select_all_and_type(qtbot, dialog.name_edit, "   ")
    dialog.save_button.click()
    error = dialog.errors["partnership_name"]
    assert error.isVisible()
    assert "partnership's name" in error.text()
    assert dialog.isVisible()
    assert stored(database).partnership_name == "Safeguarding Children Partnership"


def test_a_blank_marking_is_refused(qtbot, dialog, database):
    select_all_and_type(qtbot, dialog.marking_combo.lineEdit(), "")
    dialog.save_button.click()
    assert dialog.errors["protective_marking"].isVisible()
    assert stored(database).protective_marking == "OFFICIAL-SENSITIVE"


def test_choosing_a_logo_previews_it_and_saves_its_path(qtbot, dialog, database, tmp_path, monkeypatch):
    logo = tmp_path / "logo.png"
    image = QImage(120, 40, QImage.Format.Format_RGB32)
    image.fill(QColor("navy"))
    assert image.save(str(logo))
    monkeypatch.setattr(dialogs, "open_file", lambda *args, **kwargs: logo)
    qtbot.mouseClick(dialog.choose_logo_button, Qt.MouseButton.LeftButton)
    assert dialog.logo_path_label.text() == str(logo)
    assert not dialog.logo_preview.pixmap().isNull()
    assert dialog.clear_logo_button.isEnabled()
    dialog.save_button.click()
    assert stored(database).logo_path == str(logo)


def test_a_file_that_is_not_a_picture_is_refused_beside_the_logo(qtbot, dialog, database, tmp_path, monkeypatch):
    notes = tmp_path / "notes.png"
    notes.write_text("not a picture")
    monkeypatch.setattr(dialogs, "open_file", lambda *args, **kwargs: notes)
    dialog.choose_logo_button.click()
    assert dialog.errors["logo_path"].isVisible()
    assert "not a picture" in dialog.errors["logo_path"].text()
    dialog.save_button.click()
    assert stored(database).logo_path == ""
    dialog.clear_logo_button.click()
    assert not dialog.errors["logo_path"].isVisible()
    assert dialog.logo_path_label.text() == "No logo."


def test_cancelling_with_changes_asks_first(qtbot, dialog, database, monkeypatch):
    answers = [False, True]
    asked = []

    def ask(parent):
        asked.append(True)
        return answers.pop(0)

    monkeypatch.setattr(dialogs, "ask_discard_changes", ask)
    qtbot.keyClicks(dialog.name_edit, " (draft)")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()  # "Keep editing"
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()  # "Discard changes"
    assert len(asked) == 2
    assert stored(database).partnership_name == "Safeguarding Children Partnership"


def test_cancelling_without_changes_does_not_ask(qtbot, dialog, monkeypatch):
    monkeypatch.setattr(dialogs, "ask_discard_changes", lambda parent: pytest.fail("asked"))
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_the_window_shows_dates_in_the_chosen_format(qtbot, office_database):
    from ui.app import create_main_window

    window = create_main_window(office_database)
    qtbot.addWidget(window)
    window.show()
    window.show_page("actions")
    qtbot.waitUntil(lambda: window.is_loaded("actions"), timeout=20_000)
    target = window.model("actions").index(0, 3)
    assert target.data() == "31/01/2000"
    dialog = OfficeSettingsDialog(office_database, window)
    dialog.settings_saved.connect(window._on_office_settings_saved)
    dialog.date_combo.setCurrentIndex(1)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: window.is_loaded("actions")
                    and window.model("actions").index(0, 3).data() == "31 Jan 2000", timeout=20_000)

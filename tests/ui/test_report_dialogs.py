"""The Reports menu's dialogs: the user picks options, a PDF is written and opened.

Each test fills the dialog as a user would (typing dates, choosing from drop-downs,
ticking boxes, clicking Create PDF), waits for the paper to be built off the GUI thread
and reads the PDF back (pypdf) for what was chosen. The records are those of
``tests/ui/conftest.py`` (referral Ref053, review SCR-01 "Child U", actions A1 to A3).

The privacy prompt is the real dialog, shown off-screen and answered by clicking one of
its buttons (``PrivacyPrompts``, used by the export tests too).
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMainWindow, QMenu
from sqlalchemy import select

import app.reports
from app import privacy_scan
from app.reports import command
from db.models import Action, AuditEntry, Meeting, PanelReport, Review
from ui import dialogs, privacy_prompt, report_dialogs
from ui.menus import REPORTS, add_report_actions, report_for_register
from ui.report_dialogs import ReportChoices, ReportDialog, last_financial_year, load_choices, open_report_dialog
from ui.workers import wait_for_jobs

SLOW = 30_000  # a limit on waiting on a busy machine, not a timing


def pdf_text(path: Path) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in PdfReader(str(path)).pages))


def pdfs_in(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.pdf*")) if folder.exists() else []


def partial_files(folder: Path) -> list[Path]:
    """Documents still waiting under a partial name: none should outlive a build."""
    return sorted(p for p in folder.rglob("~*") if ".part" in p.name) if folder.exists() else []


def privacy_decisions(database) -> list[AuditEntry]:
    with database.readers() as s:
        return list(s.scalars(select(AuditEntry).where(AuditEntry.operation == "privacy-check")
                              .order_by(AuditEntry.id)))


class PrivacyPrompts:
    """The privacy prompts shown (the words of each) and the user's answers, in order:
    True clicks "Save it anyway", False "Don't save it". A prompt nobody expected fails
    the test."""

    def __init__(self, monkeypatch, qtbot):
        self.qtbot = qtbot
        self.shown: list[str] = []
        self.answers: list[bool] = []
        monkeypatch.setattr(privacy_prompt, "exec_prompt", self._answer)

    def _answer(self, dialog: privacy_prompt.PrivacyPromptDialog) -> bool:
        dialog.show()
        self.qtbot.waitExposed(dialog)
        self.shown.append(dialog.shown_text())
        assert self.answers, f"an unexpected privacy prompt: {dialog.shown_text()}"
        assert dialog.dont_save_button.isDefault()  # Enter does the safe thing
        button = dialog.save_button if self.answers.pop(0) else dialog.dont_save_button
        self.qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        return dialog.result() == QDialog.DialogCode.Accepted


@pytest.fixture(autouse=True)
def prompts(monkeypatch, qtbot):
    return PrivacyPrompts(monkeypatch, qtbot)


@pytest.fixture(autouse=True)
def no_leftover_jobs():
    yield
    assert wait_for_jobs(SLOW)


@pytest.fixture(autouse=True)
def opened(monkeypatch):
    """The PDFs handed to the system viewer (none is opened for real)."""
    paths: list[Path] = []
    monkeypatch.setattr(report_dialogs, "open_in_viewer", paths.append)
    return paths


@pytest.fixture(autouse=True)
def warnings(monkeypatch):
    """What the user was told in a message box (none is shown for real)."""
    said: list[str] = []
    monkeypatch.setattr(dialogs, "warn", lambda parent, title, text: said.append(text))
    return said


@pytest.fixture
def window(qtbot):
    """A main window with a status bar, standing in for the program's."""
    main = QMainWindow()
    main.statusBar()
    qtbot.addWidget(main)
    return main


@pytest.fixture
def make_dialog(qtbot, office_database, window):
    def make(kind: str, **preset) -> ReportDialog:
        dialog = ReportDialog(window, office_database, kind, choices_of(office_database, kind), **preset)
        qtbot.addWidget(dialog)
        dialog.show()
        return dialog
    return make


def choices_of(database, kind: str) -> ReportChoices:
    """What the menu reads (off the GUI thread) before it opens the dialog."""
    with database.readers() as session:
        return load_choices(session, kind)


def type_date(qtbot, field, text: str) -> None:
    field.line_edit.selectAll()
    qtbot.keyClicks(field.line_edit, text)


def create_pdf(qtbot, dialog: ReportDialog) -> None:
    """Click Create PDF and wait until the build has ended, whatever its outcome."""
    with qtbot.waitSignal(dialog.build_ended, timeout=SLOW):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)


# --- the menu ------------------------------------------------------------------------------

def test_reports_are_the_papers_in_the_order_the_office_uses_them_then_the_meeting_pack():
    assert REPORTS == [
        ("briefing", "Sub group briefing paper…"),
        ("action-plan", "Composite action plan…"),
        ("response", "Partnership response…"),
        ("annual", "Annual report tables…"),
        ("panel", "Scrutiny panel cover report…"),
        ("agency", "Agency action list…"),
        ("pack", "Meeting pack…"),
    ]
    # Every paper the command line prints is on the menu, and nothing else.
    assert {kind for kind, _title in REPORTS} == set(command.KINDS)


def test_menu_entries_open_their_dialog(qtbot, window, office_database, monkeypatch):
    asked = []
    monkeypatch.setattr(report_dialogs, "open_report_dialog",
                        lambda parent, database, kind, **preset: asked.append((parent, database, kind)))
    menu = QMenu(window)
    actions = add_report_actions(menu, window, lambda: office_database)
    assert [a.text() for a in menu.actions()] == [title for _kind, title in REPORTS]
    actions[3].trigger()
    assert asked == [(window, office_database, "annual")]


# --- the papers ----------------------------------------------------------------------------

def test_briefing_for_the_meeting_typed_is_written_opened_and_announced(qtbot, make_dialog, opened, window,
                                                                        data_dir):
    dialog = make_dialog("briefing")
    type_date(qtbot, dialog.meeting_date, "17/04/2024")
    create_pdf(qtbot, dialog)

    assert len(opened) == 1
    path = opened[0]
    assert path.is_file() and path.parent == data_dir and path.suffix == ".pdf"
    assert path.name.startswith("Sub group briefing paper 2024-04-17")  # named after the meeting
    text = pdf_text(path)
    assert "For the meeting on 17/04/2024" in text
    assert "SCR-01" in text and "Child U" in text
    assert dialog.written.path == path and not dialog.isVisible()
    assert re.fullmatch(rf"Case review sub group briefing paper: \d+ pages? written to {re.escape(str(path))}",
                        window.statusBar().currentMessage())
    assert partial_files(data_dir) == []  # no temporary file left
    assert privacy_decisions(dialog.database) == []  # nothing found: nothing asked or recorded


def test_action_plan_for_one_agency_prints_only_its_actions(qtbot, make_dialog, opened):
    dialog = make_dialog("action-plan")
    qtbot.keyClicks(dialog.agency_combo, "Police")
    assert dialog.agency_combo.value() == "Police"
    qtbot.mouseClick(dialog.open_only_box, Qt.MouseButton.LeftButton)
    create_pdf(qtbot, dialog)

    text = pdf_text(opened[0])
    assert "Lead agency: Police" in text
    assert "open actions only" in text
    assert "Audit supervision records for neglect cases." in text  # A2, the Police's
    assert "Relaunch the neglect toolkit" not in text  # A1, Children's Services'


def test_action_plan_by_theme_and_overdue_only(qtbot, make_dialog, opened):
    dialog = make_dialog("action-plan")
    qtbot.mouseClick(dialog.overdue_only_box, Qt.MouseButton.LeftButton)
    dialog.by_theme_button.click()
    create_pdf(qtbot, dialog)

    text = pdf_text(opened[0])
    assert "overdue actions only" in text and "Lead agency: all agencies" in text
    assert "Grouped by theme" in text and "Evidence Neglect" in text
    assert "Relaunch the neglect toolkit" in text  # A1 is overdue
    assert "Audit supervision records" not in text  # A2 is not


def test_annual_tables_for_the_period_typed(qtbot, make_dialog, opened):
    dialog = make_dialog("annual")
    type_date(qtbot, dialog.start_date, "01/04/2024")
    type_date(qtbot, dialog.end_date, "31/03/2025")
    create_pdf(qtbot, dialog)

    text = pdf_text(opened[0])
    assert "For the period 01/04/2024 to 31/03/2025" in text
    assert "Practitioner learning event for SCR-01" in text
    assert "Serious Case Review" in text


def test_response_to_the_reviews_ticked(qtbot, make_dialog, opened):
    dialog = make_dialog("response")
    picker = dialog.review_list
    qtbot.keyClicks(picker.search_box, "scr-01")
    qtbot.keyClick(picker.search_box, Qt.Key.Key_Down)
    assert picker.list_view.currentIndex().data() == "SCR-01: Child U"
    qtbot.keyClick(picker.list_view, Qt.Key.Key_Space)
    assert picker.values() == ["SCR-01"]
    create_pdf(qtbot, dialog)

    text = pdf_text(opened[0])
    assert "Agencies should use the neglect toolkit at every assessment." in text


def test_panel_report_prints_the_stored_parts_with_the_users_changes_and_keeps_them(
        qtbot, office_database, make_dialog, opened):
    with office_database.sessions.begin() as s:
        review = s.query(Review).filter_by(reference="SCR-01").one()
        s.add(PanelReport(review=review, decision_maker="Scrutiny Panel", subject="SCR-01",
                          brief_summary="Stored summary.", reasons="The stored reasons."))
    dialog = make_dialog("panel")
    form = dialog.panel_form
    assert dialog.review_combo.currentText() == "SCR-01: Child U"
    assert form.editors["brief_summary"].toPlainText() == "Stored summary."
    assert form.editors["reasons"].toPlainText() == "The stored reasons."
    editor = form.editors["brief_summary"]
    editor.selectAll()
    qtbot.keyClicks(editor, "Summary typed for this meeting.")
    create_pdf(qtbot, dialog)

    text = pdf_text(opened[0])
    assert "Summary typed for this meeting." in text
    assert "Stored summary." not in text
    assert "The stored reasons." in text
    with office_database.sessions() as s:  # kept for the next printing, in the same report
        [report] = s.query(PanelReport).all()
        assert (report.brief_summary, report.reasons) == ("Summary typed for this meeting.", "The stored reasons.")


def test_the_short_form_asks_every_part_of_the_template_the_record_cannot_fill():
    from app.reports.panel import FORM_FIELDS
    from ui.panel_form import PAGES

    asked = [key for _tab, fields in PAGES for key, *_rest in fields]
    assert sorted(asked) == sorted(FORM_FIELDS) and len(asked) == len(set(asked))


def test_a_review_with_no_panel_report_gets_one_from_the_short_form_remembered_next_time(
        qtbot, office_database, make_dialog, opened):
    dialog = make_dialog("panel")  # SCR-01 has no panel report yet: the form starts blank
    form = dialog.panel_form
    assert dialog.review_combo.currentText() == "SCR-01: Child U"
    assert form.editors["decision_maker"].text() == ""
    qtbot.keyClicks(form.editors["chair_email"], "chair.example.org")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.job is None and opened == []
    problem = dialog.problem_text("panel_form")
    assert "Decision-maker: type the panel or committee" in problem
    assert "Chair's e-mail: chair.example.org is not an e-mail address." in problem

    form.editors["chair_email"].setText("chair@example.org")
    qtbot.keyClicks(form.editors["decision_maker"], "Children and Young People Scrutiny Panel")
    type_date(qtbot, form.editors["decision_on"], "12/01/2027")
    form.editors["key_decision"].setCurrentText("No")
    form.editors["exempt"].setCurrentText("Yes")
    qtbot.keyClicks(form.editors["exemption"], "Paragraph 2: it could identify a child.")
    create_pdf(qtbot, dialog)
    assert not dialog.general_problem.isVisibleTo(dialog), dialog.general_problem.text()
    assert dialog.problem_text("panel_form") == ""

    text = pdf_text(opened[0])
    assert "Children and Young People Scrutiny Panel" in text
    assert "Paragraph 2: it could identify a child." in text
    assert "chair@example.org" in text
    again = make_dialog("panel")  # the next printing starts from what was typed
    kept = again.panel_form.values()
    assert (kept["decision_maker"], kept["decision_on"], kept["key_decision"], kept["exempt"]) == (
        "Children and Young People Scrutiny Panel", dt.date(2027, 1, 12), False, True)
    assert kept["chair_email"] == "chair@example.org"


def test_agency_action_list_for_the_agency_chosen(qtbot, make_dialog, opened):
    dialog = make_dialog("agency")
    qtbot.keyClicks(dialog.agency_combo, "Children")
    assert dialog.agency_combo.value() == "Children's Services"
    assert "Agency action list - Children's Services" in dialog.out_path().name
    create_pdf(qtbot, dialog)

    text = pdf_text(opened[0])
    assert "Agency action list: Children's Services" in text
    assert "Relaunch the neglect toolkit with training." in text
    assert "Audit supervision records" not in text


# --- the privacy check ------------------------------------------------------------------

NHS_NUMBER = "943 476 5919"  # a valid NHS number (its check digit is right)


def describe_a1(database, description: str) -> None:
    with database.sessions.begin() as s:
        s.scalars(select(Action).where(Action.reference == "A1")).one().description = description


@pytest.mark.parametrize("go_ahead", [False, True])
def test_an_nhs_number_on_the_paper_is_shown_before_it_is_saved(qtbot, office_database, make_dialog, opened,
                                                                 prompts, data_dir, window, go_ahead):
    describe_a1(office_database, f"Relaunch the neglect toolkit (NHS {NHS_NUMBER} on the referral).")
    dialog = make_dialog("agency")
    qtbot.keyClicks(dialog.agency_combo, "Children")
    out = dialog.out_path()
    prompts.answers = [go_ahead]
    create_pdf(qtbot, dialog)

    (shown,) = prompts.shown
    assert f"{out.name} has not been saved" in shown
    assert "1 NHS number" in shown and "NHS number *********919 (page 1)" in shown
    assert NHS_NUMBER not in shown and "5919" not in shown  # masked, not repeated
    (decision,) = privacy_decisions(office_database)
    assert decision.record_id == out.name
    assert partial_files(data_dir) == []
    if go_ahead:
        assert opened == [out] and out.is_file()
        assert NHS_NUMBER in pdf_text(out)  # written as it is, knowingly
        assert decision.new_value == "Proceeded knowingly. Found 1 NHS number at page 1."
        assert not dialog.isVisible()
    else:
        assert opened == [] and pdfs_in(data_dir) == []  # nothing left behind
        assert decision.new_value == "Stopped to fix the document. Found 1 NHS number at page 1."
        assert dialog.isVisible() and dialog.ok_button.isEnabled()  # still there, saying why
        assert dialog.general_problem.isVisibleTo(dialog)
        assert dialog.general_problem.text().startswith(f"{out.name} was not saved: it holds details")
        assert window.statusBar().currentMessage() == f"{out.name} was not saved."


def test_a_never_print_name_typed_for_this_printing_is_caught_then_put_right(
        qtbot, office_database, make_dialog, opened, prompts, data_dir):
    with office_database.sessions.begin() as s:
        privacy_scan.save_never_print_terms(s, ["Jayden Marsh"])
        review = s.query(Review).filter_by(reference="SCR-01").one()
        s.add(PanelReport(review=review, decision_maker="Scrutiny Panel", subject="SCR-01",
                          brief_summary="Stored summary."))
    dialog = make_dialog("panel")
    editor = dialog.panel_form.editors["brief_summary"]
    editor.selectAll()
    qtbot.keyClicks(editor, "Child U (known as jayden marsh) was seen by the GP.")
    prompts.answers = [False]
    create_pdf(qtbot, dialog)

    assert "word on the never-print list *********rsh (page 1)" in prompts.shown[0]
    assert "jayden" not in prompts.shown[0].casefold()
    assert opened == [] and pdfs_in(data_dir) == []
    # Put right in the dialog, the paper is made with no question asked.
    editor.selectAll()
    qtbot.keyClicks(editor, "Child U was seen by the GP.")
    create_pdf(qtbot, dialog)
    assert len(prompts.shown) == 1 and len(opened) == 1
    assert "Child U was seen by the GP." in pdf_text(opened[0])
    assert [d.new_value.split(".")[0] for d in privacy_decisions(office_database)] == ["Stopped to fix the document"]


def test_the_prompt_lists_every_finding_and_defaults_to_not_saving(qtbot):
    findings = privacy_scan.scan_pages(["Seen at SO14 7LY.", "", "Call 07700 900123 or NHS 943 476 5919."])
    dialog = privacy_prompt.PrivacyPromptDialog(None, "Briefing.pdf", findings)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.windowTitle() == "Check before sending"
    assert dialog.findings_box.toPlainText().splitlines() == [
        "postcode ******LY (page 1)", "phone number *********123 (page 3)", "NHS number *********919 (page 3)"]
    assert "1 postcode, 1 phone number, 1 NHS number" in dialog.summary_label.text()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # Escape: don't save
    assert dialog.result() == QDialog.DialogCode.Rejected


# --- checks, refusals and cancelling -------------------------------------------------------

def test_a_period_ending_before_it_starts_is_shown_under_the_field_and_nothing_is_built(
        qtbot, make_dialog, opened, warnings, data_dir):
    dialog = make_dialog("annual")
    type_date(qtbot, dialog.start_date, "01/04/2024")
    type_date(qtbot, dialog.end_date, "31/03/2024")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    assert dialog.problem_text("end") == "The period ends before it starts: the end must be on or after the start."
    assert dialog.problem_text("start") == ""
    assert dialog.job is None and dialog.isVisible() and warnings == []
    assert opened == [] and pdfs_in(data_dir) == []
    # Put right, the problem goes.
    type_date(qtbot, dialog.end_date, "31/03/2025")
    create_pdf(qtbot, dialog)
    assert dialog.problem_text("end") == "" and len(opened) == 1


def test_a_date_that_is_not_a_date_is_refused(qtbot, make_dialog, opened):
    dialog = make_dialog("briefing")
    type_date(qtbot, dialog.meeting_date, "31/02/2024")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.problem_text("meeting_on") == "'31/02/2024' is not a date: February has 29 days in 2024."
    assert dialog.job is None and opened == []


def test_a_response_needs_a_review_ticked(qtbot, make_dialog, opened):
    dialog = make_dialog("response")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.problem_text("review_refs") == "Tick at least one review."
    assert dialog.job is None and opened == []


def test_a_period_with_nothing_in_it_is_a_plain_message_and_no_pdf(qtbot, database, window, opened, warnings,
                                                                   data_dir):
    # A new, empty office: nothing was recorded in any period.
    dialog = ReportDialog(window, database, "annual", choices_of(database, "annual"))
    qtbot.addWidget(dialog)
    dialog.show()
    type_date(qtbot, dialog.start_date, "01/04/2024")
    type_date(qtbot, dialog.end_date, "31/03/2025")
    create_pdf(qtbot, dialog)

    assert len(warnings) == 1 and warnings[0].startswith("Nothing is recorded between 01/04/2024 and 31/03/2025")
    assert opened == [] and pdfs_in(data_dir) == []
    assert dialog.isVisible() and dialog.ok_button.isEnabled()  # still there to change the dates


def test_output_file_in_a_missing_folder_is_refused(qtbot, make_dialog, opened, tmp_path):
    dialog = make_dialog("briefing")
    dialog.out_edit.selectAll()
    qtbot.keyClicks(dialog.out_edit, str(tmp_path / "nowhere" / "paper.pdf"))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.problem_text("out_path") == f"The folder {tmp_path / 'nowhere'} does not exist."
    assert dialog.job is None and opened == []


def test_browse_chooses_the_file(qtbot, make_dialog, opened, monkeypatch, tmp_path):
    monkeypatch.setattr(dialogs, "save_file", lambda parent, title, filters, suggested: tmp_path / "my paper")
    dialog = make_dialog("briefing")
    qtbot.mouseClick(dialog.browse_button, Qt.MouseButton.LeftButton)
    assert dialog.out_path() == tmp_path / "my paper.pdf"
    create_pdf(qtbot, dialog)
    assert opened == [tmp_path / "my paper.pdf"] and opened[0].is_file()


def test_an_existing_paper_is_not_replaced_by_the_suggested_name(make_dialog, data_dir):
    first = make_dialog("action-plan").out_path()
    first.write_bytes(b"an earlier paper")
    second = make_dialog("action-plan").out_path()
    assert first.name == f"Composite action plan {dt.date.today().isoformat()}.pdf"
    assert second.name == f"Composite action plan {dt.date.today().isoformat()} (2).pdf"


def test_cancelling_the_build_writes_nothing(qtbot, make_dialog, opened, monkeypatch, data_dir):
    # Cancel is pressed while the paper is being laid out: the build says when it has
    # started, and waits, once the paper is laid out, until Cancel has been pressed.
    started, pressed = threading.Event(), threading.Event()
    real = app.reports.build_report

    def slow_build(*args, **kwargs):
        started.set()
        result = real(*args, **kwargs)
        pressed.wait(SLOW / 1000)
        return result

    monkeypatch.setattr(app.reports, "build_report", slow_build)
    dialog = make_dialog("briefing")
    with qtbot.waitSignal(dialog.build_ended, timeout=SLOW):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        assert not dialog.ok_button.isEnabled()  # one build at a time
        assert started.wait(SLOW / 1000)
        dialog.job.cancel()  # what the progress dialog's Cancel does
        pressed.set()

    assert opened == [] and pdfs_in(data_dir) == []
    assert dialog.isVisible() and dialog.ok_button.isEnabled()
    assert dialog.parentWidget().statusBar().currentMessage() == "Sub group briefing paper: stopped; nothing was saved."


# --- open_report_dialog, as the menu calls it ----------------------------------------------

def answer_dialog(then) -> None:
    """Once the modal dialog is up, ``then(dialog)``: the user's turn."""
    def look() -> None:
        shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, ReportDialog) and w.isVisible()]
        if shown:
            then(shown[0])
        else:
            QTimer.singleShot(10, look)
    QTimer.singleShot(0, look)


def opened_report(qtbot, window, database, kind):
    """What the menu entry ends with: the PDF written, or None."""
    ended = []
    open_report_dialog(window, database, kind, finished=ended.append)
    qtbot.waitUntil(lambda: bool(ended), timeout=SLOW)
    return ended[0]


def test_open_report_dialog_returns_the_pdf_written(qtbot, window, office_database, opened):
    def fill(dialog):
        type_date(qtbot, dialog.meeting_date, "17/04/2024")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    answer_dialog(fill)
    path = opened_report(qtbot, window, office_database, "briefing")
    assert path is not None and opened == [path]
    assert "For the meeting on 17/04/2024" in pdf_text(path)


def test_cancelling_the_dialog_builds_nothing(qtbot, window, office_database, opened, data_dir):
    answer_dialog(lambda dialog: qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton))
    assert opened_report(qtbot, window, office_database, "annual") is None
    assert opened == [] and pdfs_in(data_dir) == []


def test_presets_fill_the_dialog(make_dialog):
    dialog = make_dialog("action-plan", agency="Police", status="In progress", overdue_only=True, group_by="theme")
    assert dialog.options() == {"agency": "Police", "status": "In progress", "open_only": False,
                                "overdue_only": True, "group_by": "theme"}
    dialog = make_dialog("annual", start=dt.date(2024, 1, 1), end=dt.date(2024, 6, 30))
    assert (dialog.start_date.text(), dialog.end_date.text()) == ("01/01/2024", "30/06/2024")


# --- defaults ------------------------------------------------------------------------------

def test_briefing_defaults_to_the_next_meeting_on_record(qtbot, office_database, make_dialog):
    assert make_dialog("briefing").meeting_date.date() == dt.date.today()  # none to come yet
    with office_database.sessions.begin() as s:
        s.add_all([Meeting(held_on=dt.date(2099, 5, 6)), Meeting(held_on=dt.date(2099, 3, 4))])
    assert make_dialog("briefing").meeting_date.text() == "04/03/2099"


def test_annual_defaults_to_the_last_financial_year(make_dialog):
    start, end = last_financial_year(dt.date.today())
    dialog = make_dialog("annual")
    assert (dialog.start_date.date(), dialog.end_date.date()) == (start, end)
    assert (start.month, start.day, end.month, end.day, end.year - start.year) == (4, 1, 3, 31, 1)


@pytest.mark.parametrize("today, period", [
    (dt.date(2025, 3, 31), (dt.date(2023, 4, 1), dt.date(2024, 3, 31))),
    (dt.date(2025, 4, 1), (dt.date(2024, 4, 1), dt.date(2025, 3, 31))),
    (dt.date(2025, 12, 31), (dt.date(2024, 4, 1), dt.date(2025, 3, 31))),
])
def test_last_financial_year(today, period):
    assert last_financial_year(today) == period


# --- Ctrl+P on a register ------------------------------------------------------------------

def test_report_for_register():
    assert report_for_register("actions") == ("action-plan", {})
    assert report_for_register("actions", lead_agency="Police", status="In progress", overdue=True,
                               rag="Red") == (
        "action-plan", {"agency": "Police", "status": "In progress", "overdue_only": True})
    assert report_for_register("reviews") == ("briefing", {})
    assert report_for_register("meetings", meeting_on=dt.date(2024, 4, 17)) == (
        "briefing", {"meeting_on": dt.date(2024, 4, 17)})
    assert report_for_register("recommendations") == ("response", {})
    assert report_for_register("recommendations", review="SCR-01") == ("response", {"review_refs": ["SCR-01"]})
    assert report_for_register("referrals") == ("annual", {})
    assert report_for_register("decisions", date_from=dt.date(2024, 4, 1), date_to=dt.date(2025, 3, 31)) == (
        "annual", {"start": dt.date(2024, 4, 1), "end": dt.date(2025, 3, 31)})
    for key in ("progress_updates", "learning", "agencies", "themes", "lists", "clocks", "dashboard"):
        assert report_for_register(key) is None


def test_ctrl_p_preset_opens_a_dialog_showing_the_views_filters(make_dialog):
    kind, preset = report_for_register("actions", agency="Police", overdue=True)
    dialog = make_dialog(kind, **preset)
    assert dialog.agency_combo.currentText() == "Police"
    assert dialog.overdue_only_box.isChecked() and not dialog.open_only_box.isChecked()


# --- Word copies and the meeting pack ------------------------------------------------------

def word_text(path: Path) -> str:
    from docx import Document

    document = Document(str(path))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return re.sub(r"\s+", " ", " ".join([p.text for p in document.paragraphs] + cells))


@pytest.mark.parametrize("kind", ["briefing", "response", "panel"])
def test_the_papers_with_word_copies_offer_the_choice_and_the_rest_do_not(make_dialog, kind):
    dialog = make_dialog(kind)
    assert dialog.pdf_button.isChecked() and dialog.ok_button.text() == "&Create PDF"
    for other in ("action-plan", "annual", "agency", "pack"):
        assert make_dialog(other).word_button is None


def test_the_briefing_as_a_word_document_is_written_opened_and_announced(qtbot, make_dialog, opened, window,
                                                                         data_dir):
    dialog = make_dialog("briefing")
    type_date(qtbot, dialog.meeting_date, "17/04/2024")
    qtbot.mouseClick(dialog.word_button, Qt.MouseButton.LeftButton)
    assert dialog.out_path().name == "Sub group briefing paper 2024-04-17.docx"
    assert dialog.ok_button.text() == "&Create Word document"
    create_pdf(qtbot, dialog)

    assert opened == [data_dir / "Sub group briefing paper 2024-04-17.docx"]
    text = word_text(opened[0])
    assert "For the meeting on 17/04/2024" in text and "SCR-01" in text
    assert window.statusBar().currentMessage() == \
        f"Case review sub group briefing paper: Word document written to {opened[0]}"
    assert partial_files(data_dir) == []


def test_a_name_typed_keeps_its_name_and_takes_the_formats_ending(qtbot, make_dialog, opened, tmp_path):
    dialog = make_dialog("response")
    dialog.out_edit.selectAll()
    qtbot.keyClicks(dialog.out_edit, str(tmp_path / "For the chair.pdf"))
    qtbot.mouseClick(dialog.word_button, Qt.MouseButton.LeftButton)
    assert dialog.out_path() == tmp_path / "For the chair.docx"
    qtbot.mouseClick(dialog.pdf_button, Qt.MouseButton.LeftButton)
    assert dialog.out_path() == tmp_path / "For the chair.pdf"
    qtbot.mouseClick(dialog.word_button, Qt.MouseButton.LeftButton)
    dialog.out_edit.setText(str(tmp_path / "For the chair.pdf"))
    assert dialog.problems()["out_path"] == "The file name should end in .docx."


def test_the_meeting_pack_is_on_the_menu_and_written_in_one_step(qtbot, window, office_database, opened, data_dir):
    menu = QMenu(window)
    actions = add_report_actions(menu, window, lambda: office_database)
    entry = next(action for action in actions if action.text() == "Meeting pack…")

    def fill(dialog):
        type_date(qtbot, dialog.meeting_date, "17/04/2024")  # the meeting on record
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    answer_dialog(fill)
    entry.trigger()
    qtbot.waitUntil(lambda: bool(opened), timeout=SLOW)

    assert opened == [data_dir / "Meeting pack 2024-04-17.pdf"]
    pages = [page.extract_text() for page in PdfReader(str(opened[0])).pages]
    assert "Sub group meeting pack" in pages[0] and "Contents" in pages[0]
    assert "1. Case review sub group briefing paper" in pages[1]
    assert re.fullmatch(rf"Sub group meeting pack: 17/04/2024: {len(pages)} pages written to "
                        rf"{re.escape(str(opened[0]))}", window.statusBar().currentMessage())


def test_a_pack_for_a_day_with_no_meeting_is_refused_under_the_date(qtbot, make_dialog, opened, warnings):
    dialog = make_dialog("pack")
    type_date(qtbot, dialog.meeting_date, "18/04/2024")
    create_pdf(qtbot, dialog)
    assert opened == []
    assert "no meeting on 18/04/2024 is on record" in dialog.problem_text("meeting_on")
    assert "17/04/2024" in dialog.problem_text("meeting_on")

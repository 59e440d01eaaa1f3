"""A messy tracker imported through the window's real preview, as an officer would: two
agency spellings mapped by hand, one merged with another, a word decided, every doubt listed
row by row and narrowed by kind; then imported, with its report saved beside the database;
and the same file again, with what was said remembered and nothing asked twice."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox
from sqlalchemy import select

from app.excel import legacy
from app.excel.import_doubts import DATE_NOT_EXACT, KINDS, RAG_DISAGREES, ROW_SKIPPED
from app.excel.legacy_plan import NEW_AGENCY_SECTOR
from db.models import Action, Agency
from tests.app.excel.legacy_fixtures import build_messy_tracker
from tests.ui.test_import_export import SLOW, click, finish, no_leftover_jobs, parent, prompts, user  # noqa: F401
from ui.import_export import import_workbook
from ui.import_preview import LegacyImportDialog

SPELLING, OUTCOME = 1, 4


def _row(model, spelling: str) -> int:
    return next(i for i, match in enumerate(model.rows) if match.spelling == spelling)


def _choose(qtbot, view, index, text: str) -> None:
    """Open the cell's drop-down and pick ``text``, as a click would."""
    view.edit(index)
    [combo] = [c for c in view.findChildren(QComboBox) if c.isVisible()]  # closed ones go later
    position = combo.findText(text)
    assert position >= 0, f"{text!r} is not offered: {[combo.itemText(i) for i in range(combo.count())]}"
    combo.setCurrentIndex(position)
    combo.activated.emit(position)


@pytest.fixture
def tracker(tmp_path):
    return build_messy_tracker(tmp_path / "Northshire plan.xlsx")


def test_a_messy_tracker_is_settled_in_the_preview_and_remembered(qtbot, database, parent, user, tracker,
                                                                  qtmodeltester):
    seen: dict = {}

    def drive(dialog: LegacyImportDialog):
        for model in (dialog.proposal_model, dialog.words_model, dialog.warnings_model):
            qtmodeltester.check(model)
        agencies = dialog.proposal_model
        seen["spellings"] = sorted(m.spelling for m in agencies.rows)
        # Every doubt, row by row; narrowed to one kind on request.
        doubts = dialog.warnings_model
        seen["kinds"] = {w.kind for w in doubts.rows}
        seen["legend"] = next(w.text for w in doubts.rows if w.cell == "row 14")
        dialog.kind_filter.setCurrentIndex(dialog.kind_filter.findData(DATE_NOT_EXACT))
        dialog.kind_filter.activated.emit(dialog.kind_filter.currentIndex())
        seen["dates"] = {(w.kind, w.cell) for w in doubts.rows}
        # "SAR" could be two kinds of review: nothing is imported until it is decided.
        seen["blocked"] = (dialog.import_button.isEnabled(), dialog.undecided_label.text())
        # Two spellings of one trust mapped by hand, a third merged with them, a typo taken as Police.
        view = dialog.proposal_view
        _choose(qtbot, view, agencies.index(_row(agencies, "Polise"), OUTCOME), "Police")
        agencies.setData(agencies.index(_row(agencies, "UHS"), OUTCOME), "University Hospitals Southampton")
        _choose(qtbot, view, agencies.index(_row(agencies, "University Hospital Southampton"), OUTCOME),
                "Same agency as 'UHS'")
        seen["outcomes"] = {m.spelling: agencies.data(agencies.index(i, OUTCOME)) for i, m in enumerate(agencies.rows)}
        seen["dry run"] = dialog.dry_run.toPlainText()
        words = dialog.words_model
        with qtbot.waitSignal(dialog.replanned, timeout=SLOW):
            _choose(qtbot, dialog.words_view, words.index(0, 3), "Safeguarding Adults Review")
        seen["after word"] = (dialog.import_button.isEnabled(), dialog.plan.words_to_decide())
        seen["carried"] = dialog.plan.agency_outcome("Polise").name  # kept through the re-plan
        dialog.remember_box.setChecked(True)
        click(qtbot, dialog.import_button)

    user.drive = drive
    assert finish(qtbot, import_workbook, parent, database, tracker) is True

    assert seen["spellings"] == sorted(["UHS", "University Hospitals Southampton", "Solent NHS Trust", "Polise",
                                        "Childrens Servics", "University Hospital Southampton"])
    assert {RAG_DISAGREES, ROW_SKIPPED, DATE_NOT_EXACT} <= seen["kinds"]
    assert seen["legend"].startswith("Key:; R = off track")
    assert {kind for kind, _ in seen["dates"]} == {DATE_NOT_EXACT} and ("date-not-exact", "G4") in seen["dates"]
    assert seen["blocked"] == (False, "Say what 'SAR' means before importing.")
    assert seen["outcomes"]["Polise"] == "Police"
    assert seen["outcomes"]["UHS"] == "New agency: University Hospitals Southampton"
    assert seen["outcomes"]["University Hospital Southampton"] == "New agency: University Hospitals Southampton"
    assert seen["outcomes"]["Solent NHS Trust"] == f"New agency: Solent NHS Trust — marked '{NEW_AGENCY_SECTOR}'"
    assert "Agency spelling 'Polise' will be remembered as Police." in seen["dry run"]
    assert seen["after word"] == (True, [])
    assert seen["carried"] == "Police"

    with database.readers() as s:
        leads = {a.description: a.lead_agency.name if a.lead_agency else None for a in s.scalars(select(Action))}
        uhs = s.scalar(select(Agency).where(Agency.name == "University Hospitals Southampton"))
        assert (uhs.sector, sorted(a.alias for a in uhs.aliases)) == (None, ["UHS", "University Hospital Southampton"])
    assert leads["Brief adult services"] == "Police"
    assert leads["Write an information-sharing protocol"] == leads["Domestic homicide action"] == uhs.name
    [report] = database.path.parent.glob("office import *.csv")
    assert any(str(report) in message for message in user.informed)
    assert KINDS[RAG_DISAGREES] in report.read_text(encoding="utf-8-sig")

    # The same file again: the spellings are known and the word remembered; nothing to ask.
    again: dict = {}

    def drive_again(dialog: LegacyImportDialog):
        again["spellings"] = [m.spelling for m in dialog.proposal_model.rows]
        again["words"] = dialog.plan.words_to_decide()
        again["import"] = dialog.import_button.isEnabled()
        again["counts"] = dialog.plan.counts()["actions"]
        click(qtbot, dialog.cancel_button)

    user.drive = drive_again
    assert finish(qtbot, import_workbook, parent, database, tracker) is False
    assert again == {"spellings": [], "words": [], "import": True, "counts": (0, 8)}
    assert legacy.load_mapping(tracker) is not None


def test_ticking_the_suggestion_takes_the_closest_agency(qtbot, database, parent, user, tracker):
    seen: dict = {}

    def drive(dialog: LegacyImportDialog):
        agencies = dialog.proposal_model
        row = _row(agencies, "Polise")
        seen["before"] = agencies.data(agencies.index(row, 0), Qt.ItemDataRole.CheckStateRole)
        agencies.setData(agencies.index(row, 0), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
        seen["after"] = (agencies.data(agencies.index(row, 0), Qt.ItemDataRole.CheckStateRole),
                         agencies.data(agencies.index(row, OUTCOME)))
        seen["doubt"] = [w for w in dialog.warnings_model.all if w.text == "Polise"]
        click(qtbot, dialog.cancel_button)

    user.drive = drive
    assert finish(qtbot, import_workbook, parent, database, tracker) is False
    assert seen["before"] == Qt.CheckState.Unchecked  # score 83: a new agency unless the user says
    assert seen["after"] == (Qt.CheckState.Checked, "Police")
    assert seen["doubt"] == []  # the user's word settles it

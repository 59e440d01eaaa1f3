"""The Reports menu: one dialog per printed paper, built off the GUI thread, then opened.

The papers are listed in ``ui.report_kinds``, their menu entries made in ``ui.menus``. ``open_report_dialog``
shows a ``ReportDialog`` with only the options that paper needs; OK checks them (a problem
is shown in red under its field), then builds the PDF with ``ui.workers.run_job`` behind a
cancellable progress dialog and opens it in the system's PDF viewer (``open_in_viewer``).
A problem the user can put right (``UserError``: a period with nothing in it, a file open
in another program) comes back as a plain message and the dialog stays open to fix it.

The briefing paper, the response and the panel report (``app.reports.WORD_KINDS``) offer a
choice of PDF or Word document: the same paper, written to a .docx file for the last edits.
The meeting pack takes a meeting's date like the briefing paper.

The paper is written under a partial name beside the one chosen and the text its pages
print is scanned for what must not leave the program (``app.reports.build_checked_report``).
It takes its name, and is opened, only once nothing was found or the user chose to go ahead
knowingly (``ui.privacy_prompt``); otherwise it is deleted and the dialog stays open, saying
why, to change the options or to be closed while the records are corrected. A cancelled or
failed build leaves any earlier copy of the paper as it was. The ``build_*`` functions take
no progress callback, so Cancel takes effect once the paper is laid out.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app import lookups, privacy_scan, registers
from app.database import Database
from app.errors import UserError
from app.reports import WORD_KINDS, WORD_SUFFIX, build_checked_report
from app.reports.panel import stored_panel_values
from app.services.reviews import save_panel_report
from db.models import ListKind
from ui import dialogs, privacy_prompt
from ui.panel_form import PanelForm
from ui.report_kinds import REPORT_INTROS, REPORT_TITLES
from ui.widgets.record_picker import RecordPicker
from ui.widgets.date_edit import UkDateEdit
from ui.widgets.list_combo import ListCombo
from ui.operations import CollectionOp, Flow, QueryOp
from ui.workers import Progress

if TYPE_CHECKING:
    from app.privacy_scan import CheckedFile
    from app.reports.doc import ReportResult

ERROR_STYLE = "color: #b00020;"
STATUS_MESSAGE_MS = 15_000
FINANCIAL_YEAR_START_MONTH = 4  # the partnership's year runs 1 April to 31 March
PDF_SUFFIX = ".pdf"
MEETING_KINDS = ("briefing", "pack")  # the papers printed for a meeting, by its date
# Each format the dialog writes: what the file is called, and the Save As filter.
FORMAT_NAMES = {PDF_SUFFIX: ("PDF", "PDF files (*.pdf)"), WORD_SUFFIX: ("Word document", "Word documents (*.docx)")}
_UNSAFE_IN_FILE_NAMES = re.compile(r'[<>:"/\\|?*\x00-\x1f]+')


# --- what the dialogs read: Qt-free, through app/ lookups and register fetchers only ------

def last_financial_year(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last complete financial year before ``today``: 1 April to 31 March."""
    end_year = today.year if today.month >= FINANCIAL_YEAR_START_MONTH else today.year - 1
    return dt.date(end_year - 1, FINANCIAL_YEAR_START_MONTH, 1), dt.date(end_year, 3, 31)


def next_meeting_on(session: Session, today: dt.date) -> dt.date | None:
    """The first meeting on record held on or after ``today``, or None."""
    held = registers.REGISTERS["meetings"]
    index = held.value_index("held_on")
    coming = [row[index] for row in held.fetch(session) if row[index] and row[index] >= today]
    return min(coming, default=None)


def review_choices(session: Session) -> list[tuple[str, str]]:
    """Every current review as (reference, "reference: title"), in reference order."""
    reviews = registers.REGISTERS["reviews"]
    ref, title = reviews.value_index("reference"), reviews.value_index("title")
    return [(row[ref], f"{row[ref]}: {row[title]}") for row in reviews.fetch(session)]


def agency_names(session: Session) -> list[str]:
    """The partner agencies' names, in name order."""
    agencies = registers.REGISTERS["agencies"]
    name = agencies.value_index("name")
    return [row[name] for row in agencies.fetch(session)]


def action_status_names(session: Session) -> list[str]:
    """The action statuses, in the list's order."""
    return [item.name for item in lookups.list_items(session, ListKind.ACTION_STATUS)]


def panel_forms(session: Session) -> dict[tuple[str, str], dict[str, object]]:
    """What the panel report's short form shows for each current review, by the review as
    ``review_choices`` gives it: its stored panel report, or nothing yet.

    One lookup per review: reviews number hundreds at most."""
    return {choice: stored_panel_values(session, choice[0]) for choice in review_choices(session)}


@dataclass(frozen=True)
class ReportChoices:
    """The lists a dialog offers, read (off the GUI thread) before it opens."""

    today: dt.date
    next_meeting: dt.date | None = None
    reviews: tuple[tuple[str, str], ...] = ()
    agencies: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    # For the panel report: each review's stored parts (``panel_forms``), by reference.
    panel_forms: tuple[tuple[str, tuple[tuple[str, object], ...]], ...] = ()

    def panel_form(self, review_ref: str) -> dict[str, object]:
        return next((dict(values) for ref, values in self.panel_forms if ref == review_ref), {})


def load_choices(session: Session, kind: str, today: dt.date | None = None) -> ReportChoices:
    """Only the lists paper ``kind`` needs."""
    today = today or dt.date.today()
    panel = panel_forms(session) if kind == "panel" else {}
    return ReportChoices(
        today=today,
        next_meeting=next_meeting_on(session, today) if kind in MEETING_KINDS else None,
        reviews=tuple(review_choices(session) if kind == "response" else panel),
        agencies=tuple(agency_names(session)) if kind in ("action-plan", "agency") else (),
        statuses=tuple(action_status_names(session)) if kind == "action-plan" else (),
        panel_forms=tuple((ref, tuple(values.items())) for (ref, _label), values in panel.items()),
    )


def default_report_folder() -> Path:
    """The folder papers were last saved in, else the papers and exports folder chosen at
    first run (``ui.file_folders``)."""
    from ui import file_folders

    return file_folders.start_folder(file_folders.PAPER)


def suggested_file(folder: Path, name: str, day: dt.date, suffix: str = PDF_SUFFIX) -> Path:
    """``<folder>/<name> <yyyy-mm-dd>.pdf`` (or ``suffix``), numbered " (2)", " (3)"...
    rather than replace a paper already there."""
    stem = _UNSAFE_IN_FILE_NAMES.sub("-", f"{name} {day.isoformat()}").strip(" .")
    path = folder / f"{stem}{suffix}"
    number = 2
    while path.exists():
        path = folder / f"{stem} ({number}){suffix}"
        number += 1
    return path


def build_report(kind: str, options: dict[str, Any],
                 out_path: Path) -> Callable[[Session, Progress], tuple[ReportResult, CheckedFile]]:
    """What writes paper ``kind`` for ``out_path`` in a read-only session (Qt-free; run by
    a ``QueryOp``): the paper under its partial name, and what it prints scanned. Returns
    the paper (its path ``out_path``) and the file waiting to take that name; Cancel before
    it returns, and nothing is left."""
    title = REPORT_TITLES[kind]

    def build(session: Session, progress: Progress) -> tuple[ReportResult, CheckedFile]:
        progress(0, 0, f"Writing the {title.lower()}…")
        return build_checked_report(kind, session, out_path, progress=progress, **options)

    return build


# --- Ctrl+P on a register ------------------------------------------------------------------

# --- the dialog ----------------------------------------------------------------------------

class ReportDialog(QDialog):
    """The options of one paper, its format where it has a choice (PDF or Word), an output
    file, and "Create PDF" (or "Create Word document").

    ``choices`` are the lists it offers (``load_choices``, read before it opens). ``preset``
    gives starting values by the build functions' option names (``meeting_on``,
    ``start``, ``end``, ``agency``, ``status``, ``open_only``, ``overdue_only``,
    ``group_by``, ``review_refs``, ``review_ref``) and ``out_path``.

    Create PDF checks the options, then builds the paper off the GUI thread. Signals:
    ``report_written(ReportResult)`` once the paper is written and opened (the dialog then
    accepts); ``build_ended()`` after every build, written, refused or cancelled.
    """

    report_written = Signal(object)
    build_ended = Signal()

    def __init__(self, parent: QWidget | None, database: Database, kind: str, choices: ReportChoices,
                 **preset: Any):
        super().__init__(parent)
        if kind not in REPORT_TITLES:
            raise ValueError(f"unknown report kind {kind!r}")
        self.kind = kind
        self.database = database
        self.title = REPORT_TITLES[kind]
        self.written: ReportResult | None = None
        self.job: QueryOp | None = None
        self._building: Path | None = None  # the file the running build is for
        self._problems: dict[str, QLabel] = {}
        self._fields: dict[str, QWidget] = {}
        self.choices = choices
        self.setWindowTitle(self.title)
        self.setObjectName(f"reportDialog_{kind}")

        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        getattr(self, f"_build_{kind.replace('-', '_')}")(preset)
        self.word_button: QRadioButton | None = None
        if kind in WORD_KINDS:
            self._build_format(preset)
        self._build_output(preset)

        intro = QLabel(REPORT_INTROS[kind])
        intro.setWordWrap(True)
        self.general_problem = QLabel()
        self.general_problem.setObjectName("general_problem")
        self.general_problem.setStyleSheet(ERROR_STYLE)
        self.general_problem.setWordWrap(True)
        self.general_problem.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setObjectName("create_pdf")
        self._show_format()
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._on_create_clicked)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(self.form)
        layout.addWidget(self.general_problem)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(640)

    # --- building the form ---------------------------------------------------------------

    def _add_row(self, key: str, label: str, field: QWidget, *, problem: bool = True) -> None:
        """A labelled field with, under it, the red line that names its problem."""
        field.setObjectName(key)
        field.setAccessibleName(label.replace("&", ""))
        cell = QWidget()
        box = QVBoxLayout(cell)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(1)
        box.addWidget(field)
        if problem:
            error = QLabel()
            error.setObjectName(f"{key}_problem")
            error.setAccessibleName(f"{label.replace('&', '')}: problem")
            error.setStyleSheet(ERROR_STYLE)
            error.setWordWrap(True)
            error.hide()
            box.addWidget(error)
            self._problems[key] = error
        caption = QLabel(f"{label}:")
        caption.setBuddy(field)
        self.form.addRow(caption, cell)
        self._fields[key] = field

    def _choice_row(self, key: str, label: str, buttons: tuple[QRadioButton, ...]) -> QButtonGroup:
        """Radio buttons side by side on one labelled row, one of them to be chosen."""
        group = QButtonGroup(self)
        choice = QWidget()
        row = QHBoxLayout(choice)
        row.setContentsMargins(0, 0, 0, 0)
        for button in buttons:
            group.addButton(button)
            row.addWidget(button)
        row.addStretch(1)
        self._add_row(key, label, choice, problem=False)
        return group

    def _date_field(self, key: str, label: str, value: dt.date | None) -> UkDateEdit:
        field = UkDateEdit()
        field.set_date(value)
        self._add_row(key, label, field)
        return field

    def _build_briefing(self, preset: dict) -> None:
        default = self.choices.next_meeting or self.choices.today
        self.meeting_date = self._date_field("meeting_on", "&Meeting date", preset.get("meeting_on") or default)
        self.meeting_date.date_changed.connect(self._on_options_changed)

    _build_pack = _build_briefing

    def _build_action_plan(self, preset: dict) -> None:
        self.agency_combo = ListCombo()
        self.agency_combo.set_choices(self.choices.agencies, preset.get("agency"))
        self.agency_combo.setItemText(0, "All agencies")
        self._add_row("agency", "Lead &agency", self.agency_combo)
        self.status_combo = ListCombo()
        self.status_combo.set_choices(self.choices.statuses, preset.get("status"))
        self.status_combo.setItemText(0, "All statuses")
        self._add_row("status", "&Status", self.status_combo)
        self.open_only_box = QCheckBox("&Open actions only")
        self.open_only_box.setChecked(bool(preset.get("open_only")))
        self.overdue_only_box = QCheckBox("O&verdue actions only")
        self.overdue_only_box.setChecked(bool(preset.get("overdue_only")))
        ticks = QWidget()
        row = QHBoxLayout(ticks)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.open_only_box)
        row.addWidget(self.overdue_only_box)
        row.addStretch(1)
        self._add_row("only", "Show", ticks, problem=False)
        # From Ctrl+P on the action plan: the rows on screen (its search and every filter).
        self._shown_ids = preset.get("action_ids")
        self.on_screen_box = QCheckBox()
        self.on_screen_box.setVisible(self._shown_ids is not None)
        if self._shown_ids is not None:
            count = len(self._shown_ids)
            self.on_screen_box.setText(f"Only the {count:,} action{'s' * (count != 1)} shown on screen"
                                       + (f": {preset['shown']}" if preset.get("shown") else ""))
            self.on_screen_box.setChecked(True)
            self._add_row("on_screen", "On screen", self.on_screen_box, problem=False)
        self._shown_text = preset.get("shown", "")
        self.by_review_button = QRadioButton("By &review")
        self.by_theme_button = QRadioButton("By &theme")
        (self.by_theme_button if preset.get("group_by") == "theme" else self.by_review_button).setChecked(True)
        self.group_buttons = self._choice_row("by_theme", "Group actions",
                                              (self.by_review_button, self.by_theme_button))

    def _build_response(self, preset: dict) -> None:
        self.review_list = RecordPicker(name="Reviews", noun="reviews", rows=8)
        self.review_list.set_choices(self.choices.reviews, preset.get("review_refs") or ())
        self._add_row("review_refs", "&Reviews", self.review_list)

    def _build_annual(self, preset: dict) -> None:
        start, end = last_financial_year(self.choices.today)
        self.start_date = self._date_field("start", "Period &from", preset.get("start") or start)
        self.end_date = self._date_field("end", "Period &to", preset.get("end") or end)

    def _build_panel(self, preset: dict) -> None:
        self.review_combo = ListCombo(allow_blank=False)
        self.review_combo.set_choices(self.choices.reviews, preset.get("review_ref"))
        self._add_row("review_ref", "&Review", self.review_combo)
        self.panel_form = PanelForm()
        self._add_row("panel_form", "Panel report", self.panel_form)
        self.review_combo.currentIndexChanged.connect(self._on_panel_review_changed)
        self._on_panel_review_changed()

    def _build_agency(self, preset: dict) -> None:
        self.agency_combo = ListCombo(allow_blank=False)
        self.agency_combo.set_choices(self.choices.agencies, preset.get("agency"))
        self._add_row("agency", "&Agency", self.agency_combo)
        self.agency_combo.currentIndexChanged.connect(self._on_options_changed)

    def _build_format(self, preset: dict) -> None:
        self.pdf_button = QRadioButton("&PDF")
        self.word_button = QRadioButton("&Word document, for last edits before sending")
        word = Path(str(preset.get("out_path") or "")).suffix.lower() == WORD_SUFFIX
        (self.word_button if word else self.pdf_button).setChecked(True)
        self.format_buttons = self._choice_row("format", "Format", (self.pdf_button, self.word_button))
        self.word_button.toggled.connect(self._on_format_changed)

    def _build_output(self, preset: dict) -> None:
        self.out_edit = QLineEdit()
        self._out_typed = bool(preset.get("out_path"))
        self.out_edit.setText(str(preset.get("out_path") or self._suggested_path()))
        self.out_edit.textEdited.connect(self._on_out_edited)
        self.browse_button = QPushButton("&Browse…")
        self.browse_button.clicked.connect(self._on_browse_clicked)
        cell = QWidget()
        row = QHBoxLayout(cell)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.out_edit, 1)
        row.addWidget(self.browse_button)
        self._add_row("out_path", "Save &as", cell)
        self.out_edit.setAccessibleName("Save as")
        self.out_edit.setObjectName("out_path_edit")
        cell.setFocusProxy(self.out_edit)

    # --- values --------------------------------------------------------------------------

    def suffix(self) -> str:
        """The format chosen, as the file name's ending: .pdf, or .docx for a Word document."""
        return WORD_SUFFIX if self.word_button is not None and self.word_button.isChecked() else PDF_SUFFIX

    def _file_name(self) -> tuple[str, dt.date]:
        """The name and date a new file is given; follows the chosen meeting, agency or review."""
        name, day = self.title, self.choices.today
        if self.kind in MEETING_KINDS and self.meeting_date.date():
            day = self.meeting_date.date()
        elif self.kind == "agency" and self.agency_combo.value():
            name = f"{self.title} - {self.agency_combo.value()}"
        elif self.kind == "panel" and self.review_combo.value():
            name = f"{self.title} - {self.review_combo.value()}"
        return name, day

    def _suggested_path(self) -> Path:
        """A new file in the folder already chosen, or else the default folder."""
        current = self.out_path() if hasattr(self, "out_edit") else None
        folder = current.parent if current is not None and current.parent.is_dir() else default_report_folder()
        return suggested_file(folder, *self._file_name(), self.suffix())

    def out_path(self) -> Path | None:
        text = self.out_edit.text().strip()
        return Path(text).expanduser() if text else None

    def options(self) -> dict[str, Any]:
        """The chosen options, as the paper's build function takes them."""
        if self.kind in MEETING_KINDS:
            return {"meeting_on": self.meeting_date.date()}
        if self.kind == "action-plan":
            return {"agency": self.agency_combo.value(), "status": self.status_combo.value(),
                    "open_only": self.open_only_box.isChecked(),
                    "overdue_only": self.overdue_only_box.isChecked(),
                    "group_by": "theme" if self.by_theme_button.isChecked() else "review",
                    **({"action_ids": list(self._shown_ids), "shown": self._shown_text}
                       if self._shown_ids is not None and self.on_screen_box.isChecked() else {})}
        if self.kind == "response":
            return {"review_refs": self.review_list.values()}
        if self.kind == "annual":
            return {"start": self.start_date.date(), "end": self.end_date.date()}
        if self.kind == "panel":
            return {"review_ref": self.review_combo.value(), "overrides": self.panel_form.values()}
        return {"agency": self.agency_combo.value()}

    # --- checking ------------------------------------------------------------------------

    def problems(self) -> dict[str, str]:
        """What is wrong with the options, by field; empty when the paper can be built."""
        found: dict[str, str] = {}
        if self.kind in MEETING_KINDS:
            found["meeting_on"] = self.meeting_date.problem() or ("" if self.meeting_date.date()
                                                                   else "Type the date of the meeting.")
        elif self.kind == "annual":
            start, end = self.start_date.date(), self.end_date.date()
            found["start"] = self.start_date.problem() or ("" if start else "Type the first day of the period.")
            found["end"] = self.end_date.problem() or ("" if end else "Type the last day of the period.")
            if start and end and end < start:
                found["end"] = "The period ends before it starts: the end must be on or after the start."
            elif start and start > self.choices.today:
                found["start"] = "The period starts after today, so nothing can have happened in it yet."
        elif self.kind == "response" and not self.review_list.values():
            found["review_refs"] = "Tick at least one review."
        elif self.kind == "panel":
            found["review_ref"] = "" if self.review_combo.value() else "Choose the review."
            form_problems = self.panel_form.problems()
            found["panel_form"] = " ".join(form_problems.values())
            if form_problems:
                self.panel_form.show_part(next(iter(form_problems)))
        elif self.kind == "agency" and not self.agency_combo.value():
            found["agency"] = "Choose the agency."
        out, suffix = self.out_path(), self.suffix()
        if out is None:
            found["out_path"] = f"Choose where to save the {FORMAT_NAMES[suffix][0]}."
        elif out.suffix.lower() != suffix:
            found["out_path"] = f"The file name should end in {suffix}."
        elif not out.parent.is_dir():
            found["out_path"] = f"The folder {out.parent} does not exist."
        elif out.is_dir():
            found["out_path"] = f"{out} is a folder: give a file name ending in {suffix}."
        return {key: message for key, message in found.items() if message}

    def show_problems(self, problems: dict[str, str]) -> None:
        """Each problem in red under its field; the first bad field gets the focus."""
        self.general_problem.hide()
        for key, label in self._problems.items():
            label.setText(problems.get(key, ""))
            label.setVisible(key in problems)
        general = [message for key, message in problems.items() if key not in self._problems]
        if general:
            self.general_problem.setText(" ".join(general))
            self.general_problem.show()
        first = next((key for key in self._problems if key in problems), None)
        if first is not None:
            self._fields[first].setFocus()

    def problem_text(self, key: str) -> str:
        """The problem shown under field ``key`` ("" when none)."""
        label = self._problems[key]
        return label.text() if label.isVisibleTo(self) else ""

    # --- slots ---------------------------------------------------------------------------

    def _on_options_changed(self, *_args) -> None:
        if not self._out_typed:
            self.out_edit.setText(str(self._suggested_path()))

    def _show_format(self) -> None:
        name = FORMAT_NAMES[self.suffix()][0]
        self.ok_button.setText(f"&Create {name}")
        self.browse_button.setAccessibleName(f"Browse for the {name} file")

    def _on_format_changed(self, *_args) -> None:
        """The file keeps its name and takes the chosen format's ending."""
        self._show_format()
        out = self.out_path()
        if out is not None and out.suffix.lower() in FORMAT_NAMES:
            self.out_edit.setText(str(out.with_suffix(self.suffix())))
        self._on_options_changed()

    def _on_out_edited(self, _text: str) -> None:
        self._out_typed = True

    def _on_panel_review_changed(self, *_args) -> None:
        ref = self.review_combo.value()
        self.panel_form.set_values(self.choices.panel_form(ref) if ref else {})
        if hasattr(self, "out_edit"):
            self._on_options_changed()

    def _on_browse_clicked(self) -> None:
        suffix = self.suffix()
        chosen = dialogs.save_file(self, f"Save the {self.title.lower()} as", FORMAT_NAMES[suffix][1],
                                   self.out_path() or self._suggested_path())
        if chosen is None:
            return
        if chosen.suffix.lower() != suffix:
            chosen = chosen.with_name(chosen.name + suffix)
        self.out_edit.setText(str(chosen))
        self._out_typed = True

    def _on_create_clicked(self) -> None:
        if self.job is not None:
            return
        problems = self.problems()
        self.show_problems(problems)
        if problems:
            return
        if self.kind == "panel":
            self._save_panel_then_build()
            return
        self.start_build()

    def _save_panel_then_build(self) -> None:
        """Keep the short form with the review, for the next printing, then print it."""
        ref, values = self.review_combo.value(), self.panel_form.values()
        self._set_busy(True)

        def refused(error: UserError) -> None:
            self._set_busy(False)
            self.show_problems({"panel_form": str(error)})
            self.build_ended.emit()

        CollectionOp(self, self.database, lambda session: save_panel_report(session, ref, values).id,
                     title=self.title, success=lambda _id: self.start_build(), failure=refused).run_in_background()

    # --- building ------------------------------------------------------------------------

    def start_build(self) -> QueryOp:
        """Build the paper with the options shown (already checked) off the GUI thread, then
        settle its name (``ui.privacy_prompt``); ``build_ended`` once all that has ended."""
        out = self._building = self.out_path()
        self._set_busy(True)
        flow = Flow(lambda _outcome: self._end_build(), None)
        self.job = QueryOp(self, self.database, build_report(self.kind, self.options(), out), progress=True,
                           title=self.title, label=f"Writing the {self.title.lower()}…", cancellable=True,
                           **flow.watch(success=lambda built: self._on_built(flow, *built),
                                        failure=lambda error: self._on_build_refused(flow, error),
                                        cancelled=lambda: self._on_build_cancelled(flow)))
        return self.job.run_in_background()

    def _set_busy(self, busy: bool) -> None:
        for index in range(self.form.count()):
            item = self.form.itemAt(index)
            if item.widget() is not None:
                item.widget().setEnabled(not busy)
        self.ok_button.setEnabled(not busy)
        if busy:
            self.setCursor(Qt.CursorShape.BusyCursor)
        else:
            self.unsetCursor()

    def _end_build(self) -> None:
        self.job = None
        self._set_busy(False)
        self.build_ended.emit()

    def _on_built(self, flow: Flow, result: ReportResult, checked: CheckedFile) -> None:
        def settled(kept: bool) -> None:
            flow.end(None)
            if kept:
                self._show_written(result)
                return
            sentence = (f"{result.path.name} was not saved: it holds details that should not leave "
                        f"the office ({privacy_scan.summarise(checked.findings)}). Correct the records, "
                        "then create it again.")
            self.show_problems({"privacy": sentence})
            show_status(self.parentWidget(), f"{result.path.name} was not saved.")

        # The file open in the PDF viewer, say, is refused like a build.
        privacy_prompt.settle_in_background(self, self.database, checked, **flow.watch(
            kept=settled, failed=lambda error: self._on_build_refused(flow, error)))

    def _show_written(self, result: ReportResult) -> None:
        self.written = result
        open_in_viewer(result.path)
        show_status(self.parentWidget(), result.written())
        self.report_written.emit(result)
        self.accept()

    def _on_build_refused(self, flow: Flow, error: UserError) -> None:
        flow.end(None)
        if error.field in self._problems:
            self.show_problems({error.field: str(error)})
        dialogs.warn(self, self.title, str(error))

    def _on_build_cancelled(self, flow: Flow) -> None:
        # Cancel pressed as the work returned comes back as cancelled too: its paper, still
        # under its partial name, is deleted here.
        privacy_scan.partial_path(self._building).unlink(missing_ok=True)
        flow.end(None)
        show_status(self.parentWidget(), f"{self.title}: stopped; nothing was saved.")

    def reject(self) -> None:
        # Closing while the paper is being written stops it; the dialog closes itself
        # only after the worker has returned, so nothing is left writing a file.
        if self.job is not None:
            self.job.cancel()
            return
        super().reject()

    def closeEvent(self, event) -> None:
        if self.job is not None:
            self.job.cancel()
            event.ignore()
            return
        super().closeEvent(event)


# --- opening -------------------------------------------------------------------------------

def open_in_viewer(path: Path) -> None:
    """Open the paper in the system's viewer: a PDF reader, or Word for a .docx (tests replace this)."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def show_status(parent: QWidget | None, message: str) -> None:
    """Say ``message`` in the status bar of the parent's main window, if it has one."""
    window = parent.window() if parent is not None else None
    if isinstance(window, QMainWindow):
        window.statusBar().showMessage(message, STATUS_MESSAGE_MS)


def open_report_dialog(parent: QWidget | None, database: Database, kind: str, *,
                       finished: Callable[[Path | None], Any] | None = None, **preset: Any) -> None:
    """Read what paper ``kind``'s options offer (off the GUI thread), ask for them, build the
    paper and open it; ``finished`` with the PDF's path, or None if the user cancelled.
    ``preset`` as for ``ReportDialog``."""
    flow = Flow(finished, None)

    def ask(choices: ReportChoices) -> None:
        dialog = ReportDialog(parent, database, kind, choices, **preset)
        try:
            accepted = dialog.exec() == QDialog.DialogCode.Accepted
            written = dialog.written.path if accepted and dialog.written is not None else None
            if written is not None:
                from ui import file_folders

                file_folders.remember(file_folders.PAPER, written)
            flow.end(written)
        finally:
            dialog.deleteLater()

    QueryOp(parent, database, lambda session: load_choices(session, kind), title=REPORT_TITLES[kind],
            **flow.watch(success=ask)).run_in_background()

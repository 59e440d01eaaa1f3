"""File > Settings: what the office prints on every paper and export, its closure days, and
how it chases actions.

The partnership's name, the protective marking, the date format (one of
``app.dates.DATE_FORMATS``, shown in the window, workbooks and papers alike), an optional
logo, and the days the office is closed besides bank holidays (typed the UK way, separated
by commas), which working-day clocks skip; the chase schedule (days before the target, on
the day, every so many days while overdue: ``app.chasing.ChaseSchedule``) and the addresses
chase e-mails go to (one "name = address" a line); saved with ``app.settings.save_settings`` in one
unit of work. Problems are shown in red beside their field before anything is saved;
closing with unsaved changes asks first.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImageReader, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from sqlalchemy.exc import DBAPIError

from app.chasing import ChaseSchedule
from app.database import Database
from app.dates import DATE_FORMATS, DateNotUnderstood, format_date, parse_date_list
from app.errors import ValidationError
from app.settings import OfficeSettings, get_settings, save_settings
from ui import dialogs, errors
from ui.widgets.date_edit import set_office_date_format

MARKINGS = ("OFFICIAL", "OFFICIAL-SENSITIVE")
LOGO_FILTER = "Images (*.png *.jpg *.jpeg *.bmp *.gif *.svg)"
PREVIEW_HEIGHT = 64
ERROR_STYLE = "color: #b00020;"


def _error_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


class OfficeSettingsDialog(QDialog):
    """The office settings form. ``settings_saved(OfficeSettings)`` after a save."""

    settings_saved = Signal(object)

    def __init__(self, database: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setObjectName("officeSettingsDialog")
        self._database = database
        with database.readers() as session:
            self._original = get_settings(session)

        self.name_edit = QLineEdit(self._original.partnership_name)
        self.name_edit.setAccessibleName("Partnership name")
        self.marking_combo = QComboBox()
        self.marking_combo.setEditable(True)
        self.marking_combo.addItems(MARKINGS)
        self.marking_combo.setCurrentText(self._original.protective_marking)
        self.marking_combo.setAccessibleName("Protective marking")
        self.date_combo = QComboBox()
        self.date_combo.setAccessibleName("Date format")
        for choice in DATE_FORMATS:
            self.date_combo.addItem(choice.label, choice.pattern)
        self.date_combo.setCurrentIndex(DATE_FORMATS.index(self._original.date_style))
        self.closure_edit = QLineEdit(self._closure_text(self._original))
        self.closure_edit.setAccessibleName("Office closure days")
        self.closure_edit.setPlaceholderText("none")
        self.closure_edit.setToolTip("Days the office is closed besides bank holidays, such as "
                                     "29/12/2026, 30/12/2026, 31/12/2026. Working-day clocks skip them.")

        schedule = ChaseSchedule.from_settings(self._original)
        self.chase_before_spin = self._days_spin("Days before the target date", schedule.days_before,
                                                 " days before the target", "not before the target")
        self.chase_on_day_box = QCheckBox("Chase on the target &day")
        self.chase_on_day_box.setChecked(schedule.on_the_day)
        self.chase_every_spin = self._days_spin("Days between chases while overdue", schedule.every_days_overdue,
                                                " days while overdue", "not again once overdue", prefix="every ")
        self.chase_addresses_edit = QPlainTextEdit(self._original.chase_addresses)
        self.chase_addresses_edit.setAccessibleName("Chase addresses")
        self.chase_addresses_edit.setPlaceholderText("Police = safeguarding@police.example.uk\n"
                                                     "Jane Hart = jane.hart@council.example.uk")
        self.chase_addresses_edit.setMaximumHeight(90)

        self._logo = self._original.logo_path
        self.logo_path_label = QLabel()
        self.logo_path_label.setObjectName("logoPath")
        self.logo_path_label.setWordWrap(True)
        self.logo_preview = QLabel()
        self.logo_preview.setObjectName("logoPreview")
        self.logo_preview.setAccessibleName("Logo preview")
        self.logo_preview.setMinimumHeight(PREVIEW_HEIGHT)
        self.choose_logo_button = QPushButton("&Choose…")
        self.choose_logo_button.setAccessibleName("Choose logo")
        self.choose_logo_button.clicked.connect(self._on_choose_logo_clicked)
        self.clear_logo_button = QPushButton("C&lear")
        self.clear_logo_button.setAccessibleName("Clear logo")
        self.clear_logo_button.clicked.connect(self._on_clear_logo_clicked)

        self.errors = {
            "partnership_name": _error_label("partnershipNameError"),
            "protective_marking": _error_label("protectiveMarkingError"),
            "date_format": _error_label("dateFormatError"),
            "closure_days": _error_label("closureDaysError"),
            "logo_path": _error_label("logoError"),
            "chase_addresses": _error_label("chaseAddressesError"),
        }

        form = QFormLayout()
        form.addRow("Partnership &name:", self._with_error(self.name_edit, "partnership_name"))
        form.addRow("Protective &marking:", self._with_error(self.marking_combo, "protective_marking"))
        form.addRow("&Date format:", self._with_error(self.date_combo, "date_format"))
        form.addRow("Office &closure days:", self._with_error(self.closure_edit, "closure_days"))
        logo_buttons = QHBoxLayout()
        logo_buttons.addWidget(self.choose_logo_button)
        logo_buttons.addWidget(self.clear_logo_button)
        logo_buttons.addStretch(1)
        logo_box = QVBoxLayout()
        logo_box.addLayout(logo_buttons)
        logo_box.addWidget(self.logo_path_label)
        logo_box.addWidget(self.logo_preview)
        logo_box.addWidget(self.errors["logo_path"])
        logo_holder = QWidget()
        logo_holder.setLayout(logo_box)
        logo_box.setContentsMargins(0, 0, 0, 0)
        form.addRow("Logo:", logo_holder)
        form.addRow("C&hase:", self.chase_before_spin)
        form.addRow("", self.chase_on_day_box)
        form.addRow("Then &chase:", self.chase_every_spin)
        form.addRow("Chase &addresses:", self._with_error(self.chase_addresses_edit, "chase_addresses"))

        note = QLabel("These appear on every printed report and exported workbook.")
        note.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.buttons.accepted.connect(self._on_save_clicked)
        self.buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self, self._on_save_clicked)

        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self._show_logo()
        self.setMinimumWidth(520)
        # Tab order follows the form, top to bottom.
        QWidget.setTabOrder(self.name_edit, self.marking_combo)
        QWidget.setTabOrder(self.marking_combo, self.date_combo)
        QWidget.setTabOrder(self.date_combo, self.closure_edit)
        QWidget.setTabOrder(self.closure_edit, self.choose_logo_button)
        QWidget.setTabOrder(self.choose_logo_button, self.clear_logo_button)

    @staticmethod
    def _days_spin(name: str, days: int | None, suffix: str, never: str, prefix: str = "") -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(0, 366)
        spin.setPrefix(prefix)
        spin.setSuffix(suffix)
        spin.setSpecialValueText(never)  # 0: no chase at that point
        spin.setValue(days or 0)
        spin.setAccessibleName(name)
        return spin

    @staticmethod
    def _chase_values(days_before: int | None, on_the_day: bool, every: int | None, addresses: str) -> dict:
        return {"chase_days_before": str(days_before or ""), "chase_on_the_day": "yes" if on_the_day else "no",
                "chase_every_days_overdue": str(every or ""), "chase_addresses": addresses.strip()}

    def _with_error(self, widget: QWidget, key: str) -> QWidget:
        holder = QWidget()
        box = QVBoxLayout(holder)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(widget)
        box.addWidget(self.errors[key])
        return holder

    # --- values ---

    @staticmethod
    def _closure_text(settings: OfficeSettings) -> str:
        """The closure days in the office's date format, separated by commas."""
        return ", ".join(format_date(day, settings.date_style) for day in sorted(settings.closure_days))

    def values(self) -> dict[str, str]:
        return {
            "partnership_name": self.name_edit.text().strip(),
            "protective_marking": self.marking_combo.currentText().strip(),
            "date_format": self.date_combo.currentData(),
            "logo_path": self._logo,
            "closure_days": self.closure_edit.text().strip(),
            **self._chase_values(self.chase_before_spin.value(), self.chase_on_day_box.isChecked(),
                                 self.chase_every_spin.value(), self.chase_addresses_edit.toPlainText()),
        }

    def is_changed(self) -> bool:
        original = {
            "partnership_name": self._original.partnership_name,
            "protective_marking": self._original.protective_marking,
            "date_format": self._original.date_style.pattern,
            "logo_path": self._original.logo_path,
            "closure_days": self._closure_text(self._original),
        }
        schedule = ChaseSchedule.from_settings(self._original)
        original.update(self._chase_values(schedule.days_before, schedule.on_the_day, schedule.every_days_overdue,
                                           self._original.chase_addresses))
        return self.values() != original

    def problems(self) -> dict[str, str]:
        """What must be put right before saving, by field."""
        values = self.values()
        found = {}
        if not values["partnership_name"]:
            found["partnership_name"] = "Type the partnership's name; it heads every paper."
        if not values["protective_marking"]:
            found["protective_marking"] = ("Choose a protective marking, such as OFFICIAL-SENSITIVE; "
                                           "every page is marked with it.")
        try:
            parse_date_list(values["closure_days"])
        except DateNotUnderstood as err:
            found["closure_days"] = (f"{err} Type the days the office is closed the UK way, "
                                     "separated by commas, for example 29/12/2026, 30/12/2026.")
        if values["logo_path"]:
            logo = Path(values["logo_path"])
            if not logo.is_file():
                found["logo_path"] = f"There is no file at {logo}. Choose the logo again or clear it."
            elif not QImageReader(str(logo)).canRead():
                found["logo_path"] = f"{logo.name} is not a picture this program can read (use PNG or JPEG)."
        return found

    def show_problems(self, problems: dict[str, str]) -> None:
        for key, label in self.errors.items():
            label.setText(problems.get(key, ""))
            label.setVisible(key in problems)
        for key, widget in (("partnership_name", self.name_edit),
                            ("protective_marking", self.marking_combo),
                            ("closure_days", self.closure_edit),
                            ("chase_addresses", self.chase_addresses_edit)):
            if key in problems:
                widget.setFocus()
                break

    # --- logo ---

    def _show_logo(self) -> None:
        self.clear_logo_button.setEnabled(bool(self._logo))
        if not self._logo:
            self.logo_path_label.setText("No logo.")
            self.logo_preview.clear()
            return
        self.logo_path_label.setText(self._logo)
        pixmap = QPixmap(self._logo)
        if pixmap.isNull():
            self.logo_preview.setText("(cannot be shown)")
        else:
            self.logo_preview.setPixmap(pixmap.scaledToHeight(
                PREVIEW_HEIGHT, Qt.TransformationMode.SmoothTransformation))

    def _on_choose_logo_clicked(self) -> None:
        folder = Path(self._logo).parent if self._logo else None
        path = dialogs.open_file(self, "Choose the logo", LOGO_FILTER, folder)
        if path is None:
            return
        self._logo = str(path)
        self._show_logo()
        self.show_problems({k: v for k, v in self.problems().items() if k == "logo_path"})

    def _on_clear_logo_clicked(self) -> None:
        self._logo = ""
        self._show_logo()
        self.errors["logo_path"].hide()

    # --- saving and closing ---

    def _on_save_clicked(self) -> None:
        problems = self.problems()
        self.show_problems(problems)
        if problems:
            return
        try:
            with self._database.sessions.begin() as session:
                saved = save_settings(session, **self.values())
        except ValidationError as err:
            self.show_problems(err.problems)
            return
        except (DBAPIError, OSError) as err:  # busy, disk full...: a sentence, the form stays open
            errors.report_exception(err, self, title="Settings not saved")
            return
        self._original = saved
        set_office_date_format(saved.date_format)
        self.settings_saved.emit(saved)
        self.accept()

    def reject(self) -> None:
        if self.is_changed() and not dialogs.ask_discard_changes(self):
            return
        super().reject()

    @property
    def saved_settings(self) -> OfficeSettings:
        return self._original

"""The short form the office completes before printing a review's scrutiny panel cover
report: every part of the council's template the database cannot fill in, on a few tabs.
What the database holds (the review, its recommendations' progress, the partnership's name)
is filled in by the paper; a part left blank prints its standard wording or "Not recorded".
The print dialog keeps what is typed with the review (``app.services.reviews.save_panel_report``).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ui.widgets.date_edit import UkDateEdit

LINE, TEXT, DATE, YES_NO = "line", "text", "date", "yes/no"

# The tabs, in the template's order: (tab, ((field, label, kind, placeholder), ...)).
PAGES: tuple[tuple[str, tuple[tuple[str, str, str, str], ...]], ...] = (
    ("Heading", (
        ("decision_maker", "Decision-maker", LINE, "The panel or committee the report goes to (required)"),
        ("subject", "Subject", LINE, "Blank: the review's type and title"),
        ("decision_on", "Date of the meeting", DATE, ""),
        ("report_of", "Report of", LINE, "Blank: the partnership's independent chair"),
        ("exempt", "Exempt from publication?", YES_NO, ""),
        ("exemption", "Why exempt", TEXT, "The Schedule 12A paragraph that makes it exempt, and why"),
    )),
    ("Contacts", (
        ("chair_name", "Chair's name", LINE, ""),
        ("chair_phone", "Chair's telephone", LINE, ""),
        ("chair_email", "Chair's e-mail", LINE, ""),
        ("author_title", "Contact officer's post", LINE, ""),
        ("author_name", "Contact officer's name", LINE, ""),
        ("author_phone", "Contact officer's telephone", LINE, ""),
        ("author_email", "Contact officer's e-mail", LINE, ""),
        ("contact_details", "Others to contact", TEXT, "One a line"),
    )),
    ("Summary", (
        ("brief_summary", "Brief summary", TEXT, "Blank: a sentence naming the review"),
        ("recommendations_text", "Recommendations", TEXT, "What the panel is asked to do, one a line"),
        ("reasons", "Reasons", TEXT, "One paragraph a line"),
        ("alternative_options", "Alternative options", TEXT, "Considered and rejected"),
        ("detail", "Detail", TEXT, "Including consultation carried out; blank: the date published"),
    )),
    ("Implications", (
        ("capital_revenue", "Capital and revenue", TEXT, ""),
        ("property_other", "Property and other", TEXT, ""),
        ("statutory_basis", "Statutory power", TEXT, "The power to undertake the proposals"),
        ("other_legal", "Other legal", TEXT, ""),
        ("risk_management", "Risk management", TEXT, ""),
        ("policy_framework", "Policy framework", TEXT, ""),
    )),
    ("Decision", (
        ("key_decision", "Key decision?", YES_NO, ""),
        ("wards_affected", "Wards or communities affected", LINE, "For example: All"),
        ("equality_assessment", "Equality and safety impact assessment needed?", YES_NO, ""),
        ("data_protection_assessment", "Data protection impact assessment needed?", YES_NO, ""),
    )),
    ("Papers", (
        ("appendices", "Appendices", TEXT, "One a line"),
        ("members_room_documents", "Documents in Members' Rooms", TEXT, "One a line"),
        ("background_papers", "Background papers", TEXT, "One a line: title | exemption paragraph, if any"),
    )),
)
LABELS = {key: label for _tab, fields in PAGES for key, label, _kind, _hint in fields}
ANSWERS = (("Not answered yet", None), ("Yes", True), ("No", False))
EMAIL_FIELDS = ("chair_email", "author_email")
TEXT_LINES = 3  # a many-line part's height, in lines: enough to read, the tab still fits


class PanelForm(QTabWidget):
    """Every part of one review's panel report, by ``app.reports.panel.FORM_FIELDS`` name."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("panelForm")
        self.editors: dict[str, QWidget] = {}
        self._tab_of: dict[str, int] = {}
        for tab, fields in PAGES:
            page = QWidget()
            form = QFormLayout()
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            column = QVBoxLayout(page)  # the rows at the top, not spread over a tall tab
            column.addLayout(form)
            column.addStretch(1)
            for key, label, kind, hint in fields:
                editor = self._editor(kind, hint)
                editor.setObjectName(f"panel_{key}")
                editor.setAccessibleName(label)
                form.addRow(label if label.endswith("?") else f"{label}:", editor)
                self.editors[key] = editor
                self._tab_of[key] = self.count()
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setWidget(page)
            self.addTab(scroll, tab)

    @staticmethod
    def _editor(kind: str, hint: str) -> QWidget:
        if kind == DATE:
            field = UkDateEdit()  # a row's height, not a share of the tab's
            field.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
            return field
        if kind == YES_NO:
            combo = QComboBox()
            for text, value in ANSWERS:
                combo.addItem(text, value)
            return combo
        editor = QLineEdit() if kind == LINE else QPlainTextEdit()
        editor.setPlaceholderText(hint)
        if kind == TEXT:
            editor.setTabChangesFocus(True)
            editor.setFixedHeight(editor.fontMetrics().lineSpacing() * TEXT_LINES + 12)
        return editor

    def set_values(self, values: dict[str, object]) -> None:
        """Show ``values`` (a part missing is shown blank, or not answered)."""
        for key, editor in self.editors.items():
            value = values.get(key)
            if isinstance(editor, UkDateEdit):
                editor.set_date(value if isinstance(value, dt.date) else None)
            elif isinstance(editor, QComboBox):
                editor.setCurrentIndex(next(i for i, (_text, answer) in enumerate(ANSWERS) if answer == value))
            elif isinstance(editor, QLineEdit):
                editor.setText(str(value or ""))
            else:
                editor.setPlainText(str(value or ""))

    def values(self) -> dict[str, object]:
        """Every part as typed: text, a date or None, and True, False or None for the questions."""
        found: dict[str, object] = {}
        for key, editor in self.editors.items():
            if isinstance(editor, UkDateEdit):
                found[key] = editor.date()
            elif isinstance(editor, QComboBox):
                found[key] = editor.currentData()
            elif isinstance(editor, QLineEdit):
                found[key] = editor.text()
            else:
                found[key] = editor.toPlainText()
        return found

    def problems(self) -> dict[str, str]:
        """What must be put right before printing, by part, as a sentence naming the part."""
        values = self.values()
        found = {}
        if not str(values["decision_maker"]).strip():
            found["decision_maker"] = "Decision-maker: type the panel or committee the report goes to."
        date_problem = self.editors["decision_on"].problem()
        if date_problem:
            found["decision_on"] = f"Date of the meeting: {date_problem}"
        for key in EMAIL_FIELDS:
            text = str(values[key]).strip()
            if text and "@" not in text:
                found[key] = f"{LABELS[key]}: {text} is not an e-mail address."
        return found

    def show_part(self, key: str) -> None:
        """Bring part ``key`` into view with the focus in it (the first problem, say)."""
        self.setCurrentIndex(self._tab_of[key])
        self.editors[key].setFocus()


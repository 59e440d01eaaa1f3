"""The machinery every record form shares.

A form is a ``RecordDialog`` subclass with a declarative list of ``Field``s and four small
class methods that call the ``app`` services: ``read`` (a record's values), ``create``,
``update`` and, when the default is not right, ``archive``/``restore``. The dialog builds
the widgets, checks what it can before saving (required fields, dates that are not
dates), saves in one unit of work off the GUI thread (``ui.operations.CollectionOp``; the
form waits, greyed, and closes once the save is committed), shows each problem the services
find in red under its field, notices when someone else changed the record since it was
opened, asks before throwing changes away, and pushes an undoable command when it has saved.

The class methods take a session and plain values, so undo commands reuse them without a
dialog, and the save that runs on a worker thread touches no widget.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field as dc_field
from typing import Any, Callable, ClassVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIntValidator, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app import lookups
from app.audit_query import AuditRow, last_change
from app.choices import record_choices
from app.database import Database
from app.errors import UserError, ValidationError
from app.services import archive as archive_service
from app.services.records import record_version
from app.suggestions import suggested_values
from ui import dialogs
from ui.operations import CollectionOp, QueryOp
from ui.undo import ChangeCommand, CreateCommand, RecordCommand, push
from ui.widgets.date_edit import UkDateEdit, format_uk_date, format_uk_datetime
from ui.widgets.list_combo import ListCombo
from ui.widgets.record_picker import RecordPicker

# Field kinds.
TEXT = "text"
MULTILINE = "multiline"
DATE = "date"
LIST = "list"          # a value of an editable list (``list_kind``), by name
AGENCY = "agency"      # an agency, by name
THEME = "theme"        # a theme, by name
RECORD = "record"      # another record, by id (choices from ``app.choices.record_choices``)
CHOICE = "choice"      # fixed choices: ``choices`` as names or (value, label) pairs
CHECK = "check"
NUMBER = "number"      # a whole number, blank for none
MULTI = "multi"        # several records, by id, ticked in a searchable list

ERROR_STYLE = "color: #b00020;"
# A form is this many average characters wide, so long text fields show a sentence.
FORM_WIDTH_CHARS = 120
YES_NO = ((True, "Yes"), (False, "No"))


@dataclass(frozen=True)
class Field:
    """One field of a form: the key the services use, the label the user reads, its widget."""

    key: str
    label: str
    kind: str = TEXT
    list_kind: str | None = None
    required: bool = False
    choices: tuple = ()
    records: str | None = None        # for RECORD and MULTI: what ``record_choices`` lists
    problem_keys: tuple[str, ...] = ()  # other names the services give this field's problems
    lines: int = 3
    fixed_when_editing: bool = False  # shown but not changeable once the record exists
    hint: str = ""
    blank_label: str = ""
    beside: bool = False  # on the same line as the field before (pairs of short fields)

    def answers(self, problem_key: str) -> bool:
        return problem_key == self.key or problem_key in self.problem_keys


@dataclass
class FormWidgets:
    editor: QWidget
    label: QLabel
    error: QLabel
    extra: dict = dc_field(default_factory=dict)


class Conflict(UserError):
    """Someone else saved the record after this form read it."""

    def __init__(self) -> None:
        super().__init__("Someone else changed this record since you opened it.")


def _value_text(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "(blank)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.date):
        return format_uk_date(value)
    return str(value)


class RecordDialog(QDialog):
    """A form for one kind of record. Subclasses set the class attributes and, where the
    defaults do not fit, the class methods."""

    kind: ClassVar[str] = ""            # register key, e.g. "referrals"
    noun: ClassVar[str] = "record"      # "referral": used in titles and messages
    model: ClassVar[type | None] = None
    archive_kind: ClassVar[str | None] = None  # kind for app.services.archive
    fields: ClassVar[tuple[Field, ...]] = ()
    focus_new: ClassVar[str | None] = None     # field focused on a new record
    focus_edit: ClassVar[str | None] = None

    record_saved = Signal(int)

    # --- what subclasses provide (plain values in, plain values out) --------------------

    @classmethod
    def read(cls, session: Session, record_id: int) -> dict:
        """The record's values by field key, as the form shows them."""
        record = session.get(cls.model, record_id)
        if record is None:
            raise UserError(f"There is no {cls.noun} {record_id}: it may have been purged.")
        return {f.key: cls.field_value(record, f) for f in cls.fields}

    @classmethod
    def field_value(cls, record, field: Field) -> Any:
        value = getattr(record, field.key)
        if field.kind in (LIST, AGENCY, THEME):
            return value.name if value is not None else None
        if field.kind == MULTI:
            return sorted(value)
        return value

    @classmethod
    def defaults(cls, session: Session, context: dict) -> dict:
        """Values a new record starts with: what ``app.suggestions`` suggests (the next
        reference, the next recommendation number, the review type its decision
        commissioned), then context values with a field's key."""
        keys = {f.key for f in cls.fields}
        values = {key: value for key, value in suggested_values(session, cls.kind, context).items() if key in keys}
        values.update({key: context[key] for key in keys if key in context})
        return values

    @classmethod
    def create(cls, session: Session, values: dict, context: dict) -> int:
        raise NotImplementedError

    @classmethod
    def update(cls, session: Session, record_id: int, values: dict) -> None:
        raise NotImplementedError

    @classmethod
    def archive(cls, session: Session, record_id: int) -> None:
        archive_service.archive(session, cls.archive_kind, record_id)

    @classmethod
    def restore(cls, session: Session, record_id: int) -> None:
        archive_service.restore(session, cls.archive_kind, record_id)

    @classmethod
    def describe(cls, session: Session, record_id: int) -> str:
        """How a record is named in messages and undo entries: "referral Ref053"."""
        return f"{cls.noun} {record_id}"

    @classmethod
    def version(cls, session: Session, record_id: int) -> int | None:
        return record_version(session, cls.model, record_id) if cls.model else None

    @classmethod
    def choices_for(cls, session: Session, field: Field, current: Any, *, fixed: bool = False) -> list:
        """What a drop-down or tick list offers; archived values only when current. A
        field that cannot change offers only its current record (quick to open)."""
        if fixed and field.kind == RECORD:
            return record_choices(session, field.records, only=[current] if current else [])
        if field.kind == LIST:
            names = [i.name for i in lookups.list_items(session, field.list_kind)]
            return names
        if field.kind == AGENCY:
            return [name for _i, name in record_choices(session, "agencies")]
        if field.kind == THEME:
            return [name for _i, name in record_choices(session, "themes")]
        if field.kind in (RECORD, MULTI):
            include = current if isinstance(current, list) else [current] if current else []
            return record_choices(session, field.records, include=include)
        return list(field.choices)

    # --- the dialog ---------------------------------------------------------------------

    def __init__(self, database: Database, undo_stack=None, record_id: int | None = None,
                 parent: QWidget | None = None, **context):
        super().__init__(parent)
        self._database = database
        self._undo_stack = undo_stack
        self.record_id = record_id
        self.context = context
        self.saved_id: int | None = None
        self.widgets: dict[str, FormWidgets] = {}
        self._loaded: dict = {}
        self._version: int | None = None
        self._theirs: dict | None = None
        self._their_version: int | None = None
        self._saving: CollectionOp | None = None
        self.setObjectName(type(self).__name__)
        self.setModal(True)
        self._build()
        self._load()
        self._connect_shortcuts()

    @property
    def is_new(self) -> bool:
        return self.record_id is None

    def title(self) -> str:
        if self.is_new:
            parent = next((self.widgets[f.key].editor for f in self.fields
                           if f.kind == RECORD and self.is_fixed(f)), None)
            if parent is not None and parent.currentText():
                # "New progress update on A1", from the parent's "A1: Relaunch the toolkit..."
                return f"New {self.noun} on {parent.currentText().split(':')[0].split(' — ')[0]}"
            return f"New {self.noun}"
        return f"Edit {self._label}"

    # building

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setObjectName("formHeading")
        font = self.heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.heading.setFont(font)
        outer.addWidget(self.heading)

        self.general_error = QLabel()
        self.general_error.setObjectName("generalError")
        self.general_error.setAccessibleName("Problem with this form")
        self.general_error.setStyleSheet(ERROR_STYLE)
        self.general_error.setWordWrap(True)
        self.general_error.hide()
        outer.addWidget(self.general_error)

        self.conflict_panel = self._build_conflict_panel()
        outer.addWidget(self.conflict_panel)

        body = QWidget()
        self.form_layout = QFormLayout(body)
        self.form_layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form_layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.form_layout.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self._row_box: QHBoxLayout | None = None
        for f in self.fields:
            self._add_field(f)
        # Labels of the second field on a line share one width, so the pairs line up.
        beside = [self.widgets[f.key].label for f in self.fields if f.beside]
        if beside:
            width = max(label.sizeHint().width() for label in beside)
            for label in beside:
                label.setFixedWidth(width)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(body)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        outer.addWidget(self.scroll, 1)

        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton("&Save", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("saveButton")
        self.save_button.setAccessibleName("Save")
        self.save_button.setToolTip("Save (Ctrl+S or Ctrl+Enter)")
        self.save_button.setDefault(True)
        self.cancel_button = self.buttons.addButton("Cancel", QDialogButtonBox.ButtonRole.RejectRole)
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.setAccessibleName("Cancel")
        self.cancel_button.setToolTip("Close without saving (Esc)")
        self.save_button.clicked.connect(self._on_save_clicked)
        self.cancel_button.clicked.connect(self.reject)
        outer.addWidget(self.buttons)

    def _build_conflict_panel(self) -> QFrame:
        panel = QFrame()
        panel.setObjectName("conflictPanel")
        panel.setFrameShape(QFrame.Shape.StyledPanel)
        panel.setStyleSheet("#conflictPanel { background: #fff4e5; border: 1px solid #e0a040; }")
        layout = QVBoxLayout(panel)
        self.conflict_text = QLabel()
        self.conflict_text.setObjectName("conflictText")
        self.conflict_text.setAccessibleName("Changed by someone else")
        self.conflict_text.setWordWrap(True)
        self.conflict_text.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.conflict_text)
        row = QHBoxLayout()
        self.reload_button = QPushButton("&Load their version")
        self.reload_button.setAccessibleName("Load their version")
        self.reload_button.clicked.connect(self._on_reload_clicked)
        self.overwrite_button = QPushButton("Save &my changes over theirs")
        self.overwrite_button.setAccessibleName("Save my changes over theirs")
        self.overwrite_button.clicked.connect(self._on_overwrite_clicked)
        row.addWidget(self.reload_button)
        row.addWidget(self.overwrite_button)
        row.addStretch(1)
        layout.addLayout(row)
        panel.hide()
        return panel

    def _make_editor(self, f: Field) -> QWidget:
        if f.kind == MULTILINE:
            editor = QPlainTextEdit()
            editor.setTabChangesFocus(True)
            editor.setFixedHeight(editor.fontMetrics().lineSpacing() * f.lines + 12)
        elif f.kind == DATE:
            editor = UkDateEdit()
        elif f.kind in (LIST, AGENCY, THEME, RECORD, CHOICE):
            # Always a blank first: a required drop-down must be chosen, not left at its
            # first value by accident.
            editor = ListCombo(allow_blank=True)
        elif f.kind == CHECK:
            editor = QCheckBox()
        elif f.kind == NUMBER:
            editor = QLineEdit()
            editor.setValidator(QIntValidator(0, 1_000_000, editor))
            editor.setMaximumWidth(editor.fontMetrics().horizontalAdvance("0000000") + 16)
        elif f.kind == MULTI:
            editor = RecordPicker(name=f.label, noun=f.records or "records", rows=f.lines if f.lines != 3 else 4)
        else:
            editor = QLineEdit()
        editor.setObjectName(f.key)
        editor.setAccessibleName(f.label)
        if f.hint:
            editor.setToolTip(f.hint)
        return editor

    def _add_field(self, f: Field) -> None:
        editor = self._make_editor(f)
        cell = QWidget()
        box = QVBoxLayout(cell)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(1)
        box.addWidget(editor)
        error = QLabel()
        error.setObjectName(f"{f.key}_error")
        error.setAccessibleName(f"{f.label}: problem")
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        error.hide()
        box.addWidget(error)
        label = QLabel(f"{f.label}{' *' if f.required else ''}:")
        label.setBuddy(editor)
        if f.beside and self._row_box is not None:
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            label.setContentsMargins(12, 4, 0, 0)
            self._row_box.addWidget(label, 0, Qt.AlignmentFlag.AlignTop)
            self._row_box.addWidget(cell, 1)
        else:
            row = QWidget()
            self._row_box = QHBoxLayout(row)
            self._row_box.setContentsMargins(0, 0, 0, 0)
            self._row_box.addWidget(cell, 1)
            self.form_layout.addRow(label, row)
        self.widgets[f.key] = FormWidgets(editor, label, error)

    def _connect_shortcuts(self) -> None:
        for keys in ("Ctrl+S", "Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(self._on_save_clicked)
        editors = [w.editor for w in self.widgets.values() if w.editor.isEnabled()]
        order = editors + [self.save_button, self.cancel_button]
        for first, second in zip(order, order[1:]):
            QWidget.setTabOrder(first, second)

    # loading

    def _load(self) -> None:
        with self._database.readers() as session:
            if self.is_new:
                values = {f.key: None for f in self.fields}
                values.update(self.defaults(session, self.context))
                self._label = f"new {self.noun}"
            else:
                values = self.read(session, self.record_id)
                self._version = self.version(session, self.record_id)
                self._label = self.describe(session, self.record_id)
            choices = {f.key: self.choices_for(session, f, values.get(f.key), fixed=self.is_fixed(f))
                       for f in self.fields if f.kind in (LIST, AGENCY, THEME, RECORD, CHOICE, MULTI)}
            self._prepare(session, values)
        self._loaded = values
        for f in self.fields:
            if f.key in choices:
                editor = self.widgets[f.key].editor
                if f.kind == MULTI:
                    editor.set_choices(choices[f.key], values.get(f.key) or [])
                else:
                    editor.set_choices(choices[f.key], values.get(f.key))
                    if f.blank_label:
                        editor.setItemText(0, f.blank_label)
            else:
                self._set_value(f, values.get(f.key))
            if self.is_fixed(f):
                self.widgets[f.key].editor.setEnabled(False)
        self.setWindowTitle(self.title())
        self.heading.setText(self.title())
        self._after_load()
        self._snapshot = self._raw_state()
        target = self.widgets.get(self.focus_field() or "") or next(
            (w for w in self.widgets.values() if w.editor.isEnabled()), None)
        if target is not None:
            target.editor.setFocus()

    def is_fixed(self, f: Field) -> bool:
        """Shown but not changeable: a parent record once the record exists, or when the
        form was opened from that parent (Add progress update… on an action)."""
        return f.fixed_when_editing and (not self.is_new or self.context.get(f.key) is not None)

    def focus_field(self) -> str | None:
        """The field the cursor starts in."""
        return self.focus_new if self.is_new else self.focus_edit

    def _after_load(self) -> None:
        """Hook: suggest values (today's date...) once the record's own are shown; they
        count as the user's, so they are saved, but closing without saving asks nothing."""

    def _prepare(self, session: Session, values: dict) -> None:
        """Hook: read anything else the form shows, in the same read session."""

    def _set_value(self, f: Field, value: Any) -> None:
        editor = self.widgets[f.key].editor
        if f.kind == MULTILINE:
            editor.setPlainText(value or "")
        elif f.kind == DATE:
            editor.set_date(value)
        elif f.kind == CHECK:
            editor.setChecked(bool(value))
        elif f.kind == NUMBER:
            editor.setText("" if value is None else str(value))
        elif f.kind == MULTI:
            editor.set_values(value or [])
        elif isinstance(editor, ListCombo):
            editor.set_value(value)
        else:
            editor.setText(value or "")

    # reading the widgets

    def value(self, key: str) -> Any:
        f = next(f for f in self.fields if f.key == key)
        editor = self.widgets[key].editor
        if f.kind == MULTILINE:
            return editor.toPlainText()
        if f.kind == DATE:
            return editor.date()
        if f.kind == CHECK:
            return editor.isChecked()
        if f.kind == NUMBER:
            return int(editor.text()) if editor.text().strip() else None
        if f.kind == MULTI:
            return sorted(editor.values())
        if isinstance(editor, ListCombo):
            return editor.value()
        return editor.text()

    def values(self) -> dict:
        return {f.key: self.value(f.key) for f in self.fields}

    def _raw_state(self) -> tuple:
        state = []
        for f in self.fields:
            editor = self.widgets[f.key].editor
            if isinstance(editor, UkDateEdit):
                state.append(editor.text().strip())
            elif f.kind == NUMBER:
                state.append(editor.text().strip())
            else:
                state.append(self.value(f.key))
        return tuple(state)

    def is_dirty(self) -> bool:
        """Has the user changed anything since the form was filled?"""
        return self._raw_state() != self._snapshot

    def changed_values(self) -> dict:
        """The fields whose value differs from the record as read (all, for a new record)."""
        values = self.values()
        if self.is_new:
            return values
        return {key: value for key, value in values.items()
                if not _same(value, self._loaded.get(key))
                and not self.is_fixed(next(f for f in self.fields if f.key == key))}

    # problems

    def clear_problems(self) -> None:
        self.general_error.hide()
        self.general_error.clear()
        for w in self.widgets.values():
            w.error.hide()
            w.error.clear()

    def show_problems(self, problems: dict[str, str]) -> None:
        """Each message under its field (the first such field focused); others at the top."""
        self.clear_problems()
        general = []
        first = None
        for key, message in problems.items():
            f = next((f for f in self.fields if f.answers(key)), None)
            if f is None:
                general.append(f"{key.replace('_', ' ').capitalize()}: {message}")
                continue
            w = self.widgets[f.key]
            # "is required" reads "Reference is required."; a sentence of its own stays as it is.
            text = message if message[:1].isupper() else f"{f.label} {message}"
            w.error.setText(text if text.endswith((".", "?", "!")) else f"{text}.")
            w.error.show()
            if first is None:
                first = w
        if general:
            self.show_general_problem(" ".join(general))
        if self.isVisible():
            self.fit_to_screen()  # room for the messages, while the screen allows
        if first is not None:
            first.editor.setFocus()
            self.scroll.ensureWidgetVisible(first.editor)

    def show_general_problem(self, message: str) -> None:
        self.general_error.setText(message)
        self.general_error.show()

    def problem_text(self, key: str) -> str:
        """The message shown under a field ('' when none): what tests and users read."""
        w = self.widgets[key]
        return w.error.text() if w.error.isVisibleTo(self) else ""

    def _problems_before_saving(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        for f in self.fields:
            editor = self.widgets[f.key].editor
            if self.is_fixed(f):
                continue
            if isinstance(editor, UkDateEdit) and editor.problem():
                problems[f.key] = editor.problem()
                continue
            value = self.value(f.key)
            if f.required and (value is None or value == "" or value == []
                               or isinstance(value, str) and not value.strip()):
                problems[f.key] = "is required"
        return problems

    # saving

    @property
    def is_saving(self) -> bool:
        """True while the save runs (off the GUI thread); the form waits, greyed."""
        return self._saving is not None

    def _on_save_clicked(self) -> None:
        if self.is_saving:
            return
        problems = self._problems_before_saving()
        if problems:
            self.show_problems(problems)
            return
        self.clear_problems()
        self._set_saving(True)
        self._saving = CollectionOp(self, self._database, self._write(), title=f"Save the {self.noun}",
                                    success=self._on_saved, failure=self._on_save_refused,
                                    ended=lambda: self._set_saving(False)).run_in_background()

    def _set_saving(self, saving: bool) -> None:
        if not saving:
            self._saving = None
        self.scroll.setEnabled(not saving)
        self.conflict_panel.setEnabled(not saving)
        self.save_button.setEnabled(not saving)
        if saving:
            self.setCursor(Qt.CursorShape.BusyCursor)
        else:
            self.unsetCursor()

    def _on_saved(self, written: Any) -> None:
        saved_id, command = self._command(written)
        if command is not None:
            push(self._undo_stack, command)
        self.saved_id = saved_id
        self._snapshot = self._raw_state()
        self.record_saved.emit(saved_id)
        self.done(QDialog.DialogCode.Accepted)

    def _on_save_refused(self, err: UserError) -> None:
        if isinstance(err, Conflict):
            self._show_conflict()
        elif isinstance(err, ValidationError):
            self.show_problems(err.problems)
        elif err.field and any(f.answers(err.field) for f in self.fields):
            self.show_problems({err.field: err.message})
        else:
            self.show_general_problem(err.message)

    def _write(self) -> Callable[[Session], Any]:
        """The save, to run in one unit of work on a worker thread: it holds the form's
        values, read now, and touches no widget. What it returns goes to ``_command``."""
        cls, values = type(self), self.values()
        if self.is_new:
            context = dict(self.context)

            def create(session: Session) -> tuple[int, str]:
                new_id = cls.create(session, values, context)
                return new_id, cls.describe(session, new_id)

            return create
        record_id, version, loaded, changed = self.record_id, self._version, dict(self._loaded), self.changed_values()

        def update(session: Session) -> tuple[dict, dict] | None:
            if cls.version(session, record_id) != version:
                raise Conflict()
            if not changed:
                return None
            before = {key: loaded.get(key) for key in changed}
            cls.update(session, record_id, changed)
            session.flush()
            session.expire_all()
            now = cls.read(session, record_id)
            return before, {key: now.get(key) for key in changed}

        return update

    def _command(self, written: Any) -> tuple[int, RecordCommand | None]:
        """The saved record's id and the undo command for what ``_write`` did (none when
        nothing changed)."""
        cls = type(self)
        if self.is_new:
            new_id, label = written
            return new_id, CreateCommand(self._database, f"Add {label}", new_id, archive=cls.archive,
                                         restore=cls.restore)
        if written is None:
            return self.record_id, None
        before, after = written
        return self.record_id, ChangeCommand(self._database, f"Edit {self._label}", self.record_id,
                                             before=before, after=after, read=cls.read, write=cls.update)

    # someone else changed it

    def _show_conflict(self) -> None:
        cls, record_id = type(self), self.record_id

        def read(session: Session) -> tuple[dict, int | None, AuditRow | None]:
            last = last_change(session, cls.model.__tablename__, record_id) if cls.model else None
            return cls.read(session, record_id), cls.version(session, record_id), last

        QueryOp(self, self._database, read, title=f"Save the {self.noun}",
                success=lambda found: self._compare(*found)).run_in_background()

    def _compare(self, theirs: dict, their_version: int | None, last: AuditRow | None) -> None:
        """Show their saved values beside this form's (and who saved them last, when, as the
        audit trail has it), and the two ways on."""
        self._theirs = theirs
        self._their_version = their_version
        mine = self.values()
        rows = []
        for f in self.fields:
            if not _same(theirs.get(f.key), self._loaded.get(f.key)) or not _same(mine[f.key], theirs.get(f.key)):
                rows.append(f"<tr><td><b>{f.label}</b></td><td>{_html(_value_text(theirs.get(f.key)))}</td>"
                            f"<td>{_html(_value_text(mine[f.key]))}</td></tr>")
        table = ("<table cellspacing='6'><tr><th align='left'>Field</th><th align='left'>Theirs (saved)</th>"
                 "<th align='left'>Yours (not saved)</th></tr>" + "".join(rows) + "</table>")
        by_whom = f" (last saved by {_html(last.user)}, {format_uk_datetime(last.at)})" if last else ""
        self.conflict_text.setText(
            f"Someone else changed this {self.noun} since you opened it{by_whom}. Load their version "
            f"(your changes are lost), or save your changes over theirs (the fields you did not "
            f"change keep their values).{table}")
        self.conflict_panel.show()
        if self.isVisible():
            self.fit_to_screen()
        self.reload_button.setFocus()

    def _on_reload_clicked(self) -> None:
        self.conflict_panel.hide()
        self.clear_problems()
        self._load()

    def _on_overwrite_clicked(self) -> None:
        if self._theirs is None:
            return
        # The fields this user changed win; every other field takes their saved value.
        mine = {key for key, value in self.values().items() if not _same(value, self._loaded.get(key))}
        for f in self.fields:
            if f.key not in mine:
                self._set_value(f, self._theirs.get(f.key))
        self.conflict_panel.hide()
        self._loaded = self._theirs
        self._version = self._their_version
        self._on_save_clicked()

    # closing

    def reject(self) -> None:
        if self.is_saving:  # a save cannot be taken back half-way: the form closes when it ends
            return
        if self.is_dirty() and not dialogs.ask_discard_changes(self):
            return
        self._snapshot = self._raw_state()  # asked once; closeEvent must not ask again
        super().reject()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        if self.is_saving:
            event.ignore()
            return
        if self.result() == QDialog.DialogCode.Accepted or not self.is_dirty():
            event.accept()
            return
        if dialogs.ask_discard_changes(self):
            self._snapshot = self._raw_state()
            event.accept()
        else:
            event.ignore()

    def fit_to_screen(self) -> None:
        """Show the whole form when the screen has room; otherwise fill at most nine tenths
        of the screen's free area and let the fields scroll (Save and Cancel stay in view)."""
        screen = self.screen().availableGeometry() if self.screen() else None
        body = self.scroll.widget().sizeHint()
        room = int(screen.height() * 0.9) if screen is not None else 10_000
        outer = self.layout()
        margins = outer.contentsMargins()
        shown = [w for w in (self.heading, self.general_error, self.conflict_panel, self.buttons)
                 if not w.isHidden()]
        chrome = (margins.top() + margins.bottom() + sum(w.sizeHint().height() for w in shown)
                  + outer.spacing() * len(shown))
        scroll_height = max(120, min(body.height() + 4, room - chrome))
        self.scroll.setMinimumHeight(scroll_height)
        width = max(FORM_WIDTH_CHARS * self.fontMetrics().averageCharWidth(), body.width() + 40)
        if screen is not None:
            width = min(width, int(screen.width() * 0.9))
        self.resize(width, self.sizeHint().height())
        self.scroll.setMinimumHeight(120)


def _same(a: Any, b: Any) -> bool:
    """Equal as the user sees it: blank text and None are the same."""
    def norm(v):
        if isinstance(v, str):
            v = "\n".join(line.rstrip() for line in v.strip().splitlines())
            return v or None
        if v == []:
            return None
        return v
    return norm(a) == norm(b)


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br>")

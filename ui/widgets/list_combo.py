"""Drop-downs of list values (and agencies, themes, meetings...), with a blank for none.

Not editable, so only values on the list can be chosen. Typing picks the value that
starts with what was typed (or failing that, contains it), spaces included — "Action st"
— so a choice takes a few keystrokes; Space with nothing typed opens the list as usual.
"""

from __future__ import annotations

import time
from typing import Any, Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QWidget

BLANK = ""


class ListCombo(QComboBox):
    """Choices shown by name; each carries a value (the name itself unless given)."""

    def __init__(self, parent: QWidget | None = None, *, allow_blank: bool = True):
        super().__init__(parent)
        self._allow_blank = allow_blank
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(24)
        self._typed = ""
        self._typed_at = 0.0

    def set_choices(self, choices: Iterable[Any], current: Any = None) -> None:
        """Fill with ``choices`` — names, or (value, label) pairs — and select ``current``.

        A current value no longer on the list (an archived one) is still shown, so opening
        an old record does not change it."""
        self.blockSignals(True)
        self.clear()
        if self._allow_blank:
            self.addItem(BLANK, None)
        for choice in choices:
            value, label = choice if isinstance(choice, tuple) else (choice, choice)
            self.addItem(str(label), value)
        if current not in (None, "") and self.findData(current) < 0:
            self.addItem(f"{current}", current)
        self.blockSignals(False)
        self.set_value(current)

    def value(self) -> Any:
        """The chosen value, or None for the blank."""
        data = self.currentData(Qt.ItemDataRole.UserRole)
        return None if data in (None, BLANK) else data

    def set_value(self, value: Any) -> None:
        index = self.findData(value) if value not in (None, "") else (0 if self._allow_blank else -1)
        self.setCurrentIndex(max(index, 0) if self.count() else -1)

    # --- type-ahead ----------------------------------------------------------------------

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        text = event.text()
        plain = not event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
        if text and text.isprintable() and plain:
            now = time.monotonic()
            if now - self._typed_at > QApplication.keyboardInputInterval() / 1000:
                self._typed = ""
            if text == " " and not self._typed:
                super().keyPressEvent(event)  # Space opens the list
                return
            self._typed_at = now
            self._typed += text
            index = self.find_text(self._typed)
            if index >= 0:
                self.setCurrentIndex(index)
            event.accept()
            return
        self._typed = ""
        super().keyPressEvent(event)

    def find_text(self, typed: str) -> int:
        """The first choice starting with ``typed`` (case ignored), else the first containing it."""
        wanted = typed.casefold()
        texts = [self.itemText(i).casefold() for i in range(self.count())]
        for matches in (str.startswith, str.__contains__):
            for i, text in enumerate(texts):
                if text and matches(text, wanted):
                    return i
        return -1

"""A finger-sized ✕ beside a text field that clears it.

Qt's own clear button (``QLineEdit.setClearButtonEnabled``) is 22×18 px, too small for a finger.
This one is a :data:`theme.TOUCH` square placed beside the field; it is always there, enabled
only while the field holds text, so nothing moves when it appears."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QToolButton

from chargeclock.ui import theme


def clear_button(field: QLineEdit, tip: str) -> QToolButton:
    """A ✕ button that clears ``field`` (its tooltip ``tip``), to lay out beside it."""
    button = QToolButton()
    button.setText("✕")
    button.setToolTip(tip)
    button.setFixedSize(theme.TOUCH, theme.TOUCH)
    button.setEnabled(bool(field.text()))
    button.clicked.connect(field.clear)
    field.textChanged.connect(lambda text: button.setEnabled(bool(text)))
    return button

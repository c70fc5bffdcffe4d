"""The visit's heading: the patient's name with the place-of-service drop-down beside it.

The name wraps at its words (and after a hyphen) beside the drop-down. Where one of its words
would not fit there (a long name in large type on a 1024×600 panel cut "Hernández-" to
"Hernánde"), or it would take more than two lines there, the name has the row to itself and
the drop-down goes below it.
"""

from __future__ import annotations

import re

from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QSizePolicy, QWidget

from chargeclock.ui.place_picker import PlacePicker

#: where a name may wrap: at a space, after a hyphen
_BREAKS = re.compile(r"\s+|(?<=-)")


class VisitHeading(QWidget):
    """``title`` (word-wrapped) and ``picker`` in one row, or in two where a word of the name
    would be cut beside the drop-down."""

    def __init__(self, title: QLabel, picker: PlacePicker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.picker = picker
        # the name wraps rather than widening the window past a 1024-wide screen
        title.setWordWrap(True)
        title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.beside: bool | None = None
        self._place(beside=True)

    def set_name(self, text: str) -> None:
        self.title.setText(text)
        self.arrange()

    def arrange(self) -> None:
        """Beside or below, for the heading's width, the name and its type."""
        self._place(self.fits_beside(self.width()))

    def fits_beside(self, width: int) -> bool:
        """Every word of the name shows whole beside the drop-down in ``width``, on at most
        two lines (or no more than it would take across the whole width)."""
        if self.picker.isHidden():
            return True
        self.title.ensurePolished()  # its large-type size, set by a style sheet
        metrics = self.title.fontMetrics()
        words = [w for w in _BREAKS.split(self.title.text()) if w]
        widest = max((metrics.horizontalAdvance(w) for w in words), default=0)
        margins = self.title.contentsMargins()
        room = width - self.picker.sizeHint().width() - max(0, self.grid.horizontalSpacing())
        if widest + margins.left() + margins.right() + 2 * self.title.margin() > room:
            return False
        line = metrics.lineSpacing()
        lines = round(self.title.heightForWidth(room) / line)
        return lines <= max(2, round(self.title.heightForWidth(width) / line))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._place(self.fits_beside(event.size().width()))

    def _place(self, beside: bool) -> None:
        if beside == self.beside:
            return
        self.beside = beside
        self.grid.removeWidget(self.title)
        self.grid.removeWidget(self.picker)
        if beside:
            self.grid.addWidget(self.title, 0, 0)
            self.grid.addWidget(self.picker, 0, 1)
        else:
            from PySide6.QtCore import Qt  # (its namespace: not at the start, ui.qt_ints)

            self.grid.addWidget(self.title, 0, 0, 1, 2)
            self.grid.addWidget(self.picker, 1, 0, 1, 2, Qt.AlignmentFlag.AlignLeft)
        self.grid.setColumnStretch(0, 1)
        self.grid.setColumnStretch(1, 0)

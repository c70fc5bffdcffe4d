"""The visit header's place-of-service drop-down: the open visit's place, changed in two taps.

A pick goes through the visit service (committed and audited first); the panel shows it when
``store_changed`` names the visit, and the calculator recomputes: a telehealth place gives the
lines the payer's 95 or GT. A finalized visit shows its place read-only (its claim is frozen).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QComboBox, QSizePolicy, QStyledItemDelegate, QWidget

if TYPE_CHECKING:  # QStyle and its options are built with the first paint of a visit's place
    from PySide6.QtWidgets import QStyleOptionViewItem

from chargeclock.domain.places import OFFICE, PLACES, place_label
from chargeclock.services.minutes import VisitState
from chargeclock.ui import theme

#: what the closed drop-down shows, to fit beside the title on a 1024-wide screen in large type
#: (its list shows the whole labels)
SHORT = {
    "02": "Telehealth",
    "10": "Telehealth home",
    "22": "Outpt. hospital",
    "19": "Off-campus OP",
}


def short_label(code: str) -> str:
    """``"10 Telehealth home"``: the closed drop-down's text for ``code``."""
    return f"{code} {SHORT[code]}" if code in SHORT else place_label(code)


#: what the closed box needs beside its text: the style sheet's 8 px padding a side, the 32 px
#: arrow and the border
_FRAME = 52


class _TallRows(QStyledItemDelegate):
    """The list's rows at least a finger's height."""

    def sizeHint(  # noqa: N802 (Qt's name)
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), max(size.height(), theme.TOUCH + 4))


class PlacePicker(QComboBox):
    """The places of :data:`~chargeclock.domain.places.PLACES`; ``choose(code)`` is called
    when the clinician picks another place than the visit's."""

    def __init__(self, choose: Callable[[str], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._choose = choose
        self._place = OFFICE
        self.setObjectName("PlaceOfService")
        self.setAccessibleName("Place of service")
        self.setMinimumHeight(theme.TOUCH)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        # each place in the list a finger's height (the style's own menu rows are ~30 px)
        self.setItemDelegate(_TallRows(self))
        for code in PLACES:
            self.addItem(place_label(code), code)
        self.activated.connect(self._picked)

    def shown_text(self) -> str:
        """What the closed drop-down shows (the place's short label)."""
        return short_label(self.place())

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        """As wide as the longest short label in the type in use (padding and arrow beside)."""
        metrics = self.fontMetrics()
        codes = [*PLACES, self._place]
        text = max(metrics.horizontalAdvance(short_label(c)) for c in codes)
        return QSize(text + _FRAME, max(super().sizeHint().height(), theme.TOUCH))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return self.sizeHint()

    def showPopup(self) -> None:  # noqa: N802 (Qt's name)
        # the list as wide as its whole labels, however narrow the closed box
        self.view().setMinimumWidth(self.view().sizeHintForColumn(0) + 2 * theme.TOUCH)
        super().showPopup()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        from PySide6.QtWidgets import QStyle, QStyleOptionComboBox, QStylePainter

        painter = QStylePainter(self)
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        option.currentText = self.shown_text()
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)

    def place(self) -> str:
        """The place shown (the visit's, until a pick is saved)."""
        return str(self.currentData())

    def show_state(self, state: VisitState | None) -> None:
        """Show ``state``'s place: editable on an open visit, read-only once finalized, hidden
        with no visit. A place not in the list (opened elsewhere) is shown too."""
        self._place = state.claim.place_of_service if state is not None else OFFICE
        self.updateGeometry()  # a place opened elsewhere may have a longer label
        index = self.findData(self._place)
        if index < 0:
            self.addItem(place_label(self._place), self._place)
            index = self.count() - 1
        self.setCurrentIndex(index)
        self.setToolTip(f"Place of service: {place_label(self._place)}")
        self.setEnabled(state is not None and state.status == "open")
        self.setVisible(state is not None)

    def _picked(self, index: int) -> None:
        code = str(self.itemData(index))
        if code == self._place:
            return
        # Back to the saved place until the change is committed and shown (or was refused).
        self.setCurrentIndex(self.findData(self._place))
        self._choose(code)

"""Widgets whose changes relay out their window only when they need more room.

A ``QLabel`` asks its parent's layout to be redone on every ``setText``, and a widget shown or
hidden does the same: in the calculator panel, whose texts change each minute a timer runs, that
laid out and repainted the whole panel once or twice a minute (two timers a few seconds apart
make a tie appear and go, and with it a switch, a line of the CQ reason and of the warnings).

The steady widgets hold their children without a layout of their own, so a child's request
reaches them, and they pass it on only when they need more height than they have. Each keeps
the largest height it has needed (at its width) until :meth:`Steady.release` — the panel releases
them when another visit is shown — so what comes and goes costs one layout, not one a minute.
:class:`SteadyBox` holds one label (which stays a ``QLabel``: rich text, selection, style sheets
by object name, aligned to the top of its box); :class:`SteadyStack` holds widgets one above the
other (the tie switches, shown and hidden).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class Steady(QWidget):
    """What both keep: a height for width that only grows until released."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self._kept = (0, 0)  # (width, the largest height needed at that width)

    def needed(self, width: int) -> int:
        """The height the content needs at ``width``."""
        raise NotImplementedError

    def place(self) -> None:
        """Lay the children out in the current rectangle."""
        raise NotImplementedError

    def release(self) -> None:
        """Forget the height kept: the next layout fits the content as it is now."""
        if self._kept != (0, 0):
            self._kept = (0, 0)
            self.updateGeometry()

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        kept_width, kept = self._kept
        needed = self.needed(width)
        return max(needed, kept) if width == kept_width else needed

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        width, height = event.size().width(), event.size().height()
        kept_width, kept = self._kept
        self._kept = (width, max(height, kept) if width == kept_width else height)
        self.place()
        super().resizeEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:  # a child's text, size or visibility
            if self.needed(self.width()) > self.height():
                self.updateGeometry()
                # Laid out now, before the child paints its new content in the old room.
                parent = self.parentWidget()
                layout = parent.layout() if parent is not None else None
                if layout is not None:
                    layout.activate()
            else:
                self.place()
            return True
        return super().event(event)


class SteadyBox(Steady):
    """The box around ``label``, laid out in its place (height for width, like the label)."""

    def __init__(self, label: QLabel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = label
        label.setParent(self)
        label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)

    def needed(self, width: int) -> int:
        return self.label.heightForWidth(width)

    def place(self) -> None:
        self.label.setGeometry(self.rect())

    def sizeHint(self) -> QSize:  # noqa: N802
        return self.label.sizeHint()

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return self.label.minimumSizeHint()


class SteadyStack(Steady):
    """``widgets`` one above the other, ``spacing`` apart; the hidden ones take no room."""

    def __init__(
        self, widgets: Sequence[QWidget], spacing: int = 4, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.widgets = list(widgets)
        self.spacing = spacing
        for widget in self.widgets:
            widget.setParent(self)

    def _shown(self) -> list[QWidget]:
        return [w for w in self.widgets if not w.isHidden()]

    def needed(self, width: int) -> int:
        shown = self._shown()
        heights = [w.sizeHint().height() for w in shown]
        return sum(heights) + self.spacing * max(0, len(shown) - 1)

    def place(self) -> None:
        top = 0
        for widget in self._shown():
            height = widget.sizeHint().height()
            widget.setGeometry(0, top, self.width(), height)
            top += height + self.spacing

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(max((w.sizeHint().width() for w in self.widgets), default=0), self.needed(0))

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(0, self.needed(0))

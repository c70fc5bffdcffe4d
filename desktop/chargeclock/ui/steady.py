"""A label whose new text relays out its window only when it needs another height.

A ``QLabel`` asks its parent's layout to be redone on every ``setText``: in the calculator panel,
whose texts change each minute a timer runs, that meant laying out and repainting the whole
panel once a minute. :class:`SteadyBox` holds one label without a layout of its own: the label's
request reaches the box, which passes it on only when the label's height for the box's width
changed. The label stays a ``QLabel`` (rich text, selection, style sheets by object name).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class SteadyBox(QWidget):
    """The box around ``label``, laid out in its place (height for width, like the label)."""

    def __init__(self, label: QLabel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = label
        label.setParent(self)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return self.label.heightForWidth(width)

    def sizeHint(self) -> QSize:  # noqa: N802
        return self.label.sizeHint()

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return self.label.minimumSizeHint()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        self.label.setGeometry(self.rect())
        super().resizeEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:  # the label's text or font changed
            if self.heightForWidth(self.width()) != self.height():
                self.updateGeometry()
                # Laid out now, before the label paints its new text at its old height.
                parent = self.parentWidget()
                layout = parent.layout() if parent is not None else None
                if layout is not None:
                    layout.activate()
            return True
        return super().event(event)

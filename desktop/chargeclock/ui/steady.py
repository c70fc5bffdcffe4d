"""Labels whose new text relays out their window only when it needs another height.

A ``QLabel`` asks its parent's layout to be redone on every ``setText``: in the calculator panel,
whose texts change each minute a timer runs, that meant laying out and repainting the whole
panel once a minute. :class:`SteadyBox` holds one label without a layout of its own: the label's
request reaches the box, which passes it on only when the label's height for the box's width
changed. The label stays a ``QLabel`` (rich text, selection, style sheets by object name).

A word-wrapped rich-text label lays its whole text out again for every height asked of it (a
layout pass asks several times, for each of its labels): the box keeps the heights per width
until the label's text or font changes, and keeps them when the text changed only in digits
(:func:`same_lines`: a running timer's minute, in a font whose digits have one width).
:class:`SteadyLines` holds a text of many lines as one
box per line, so that a minute which changes one line lays out that line alone.

A widget laid out in a height too small for what it holds squeezes every line in it (each label
resized, its text laid out again), and its parent stretches them back a moment later:
:func:`keep_room` grows a widget to what its layout needs before the layout is redone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, QSize
from PySide6.QtGui import QFont, QFontMetricsF, QResizeEvent
from PySide6.QtWidgets import QLabel, QLayout, QSizePolicy, QVBoxLayout, QWidget

#: the separator of :meth:`SteadyLines.setText`'s lines (as a rich-text label writes them)
LINE_BREAK = "<br>"


class SteadyBox(QWidget):
    """The box around ``label``, laid out in its place (height for width, like the label).
    With ``collapse_empty`` it takes no room while the label has no text."""

    def __init__(
        self, label: QLabel, parent: QWidget | None = None, *, collapse_empty: bool = False
    ) -> None:
        super().__init__(parent)
        self.label = label
        self._collapse_empty = collapse_empty
        self._heights: dict[int, int] = {}  # width -> the label's height, for its text now
        self._measured = (label.text(), label.font().key())  # what the heights are for
        label.setParent(self)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        if self._is_collapsed():
            return 0
        height = self._heights.get(width)
        if height is None:
            if not self._heights:
                self._measured = (self.label.text(), self.label.font().key())
            height = self._heights[width] = self.label.heightForWidth(width)
        return height

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(0, 0) if self._is_collapsed() else self.label.sizeHint()

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(0, 0) if self._is_collapsed() else self.label.minimumSizeHint()

    def _is_collapsed(self) -> bool:
        return self._collapse_empty and not self.label.text()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        self.label.setGeometry(self.rect())
        super().resizeEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:  # the label's text or font changed
            measured = (self.label.text(), self.label.font().key())
            # (the same text asking again: something else changed, measured as before)
            if measured != self._measured and same_lines(self._measured, measured, self.label):
                self._measured = measured  # a minute's digits: the same lines, the same heights
                return True
            self._measured = measured
            self._heights.clear()
            if self.heightForWidth(self.width()) != self.height():
                self.updateGeometry()
                # Laid out now, before the label paints its new text at its old height (the
                # lines of a SteadyLines, then the panel around them).
                parent = self.parentWidget()
                while parent is not None and (layout := parent.layout()) is not None:
                    _make_room(parent, layout)
                    layout.activate()
                    parent = parent.parentWidget()
            return True
        return super().event(event)


def same_lines(before: tuple[str, str], after: tuple[str, str], label: QLabel) -> bool:
    """Whether ``after`` (a text and its font's key) lays out in exactly the lines ``before``
    did: the same font, and a text that differs only in digits replaced by digits, where the
    font gives every digit one width (tabular figures, as most interface fonts have). A running
    timer's minute changes "20 min" to "21 min": its label keeps its height, so its heights
    need not be measured again (a long rich-text label takes milliseconds to measure)."""
    (old, old_font), (new, new_font) = before, after
    if old_font != new_font or len(old) != len(new) or old == new:
        return old == new and old_font == new_font
    for a, b in zip(old, new, strict=True):
        if a != b and not (a.isdigit() and b.isdigit() and a.isascii() and b.isascii()):
            return False
    return _tabular_digits(label)


_TABULAR: dict[str, bool] = {}  # font key -> its digits (plain and bold) have one width


def _tabular_digits(label: QLabel) -> bool:
    font = label.font()
    key = font.key()
    if key not in _TABULAR:
        bold = QFont(font)
        bold.setBold(True)  # the panels' rich texts set figures in bold too
        _TABULAR[key] = all(
            len({QFontMetricsF(f).horizontalAdvance(digit) for digit in "0123456789"}) == 1
            for f in (font, bold)
        )
    return _TABULAR[key]


def _make_room(widget: QWidget, layout: QLayout) -> None:
    """Grow ``widget`` to what its layout now needs before the layout is redone: laid out in
    the height it had, its other lines would be squeezed (each rich-text label resized and its
    text laid out again) only to be stretched back when the parent's layout grows it a moment
    later. A widget that needs less keeps its height until its parent's layout shrinks it."""
    width = widget.width()
    needed = (
        layout.totalHeightForWidth(width)
        if layout.hasHeightForWidth()
        else layout.totalSizeHint().height()
    )
    if needed > widget.height():
        widget.resize(width, needed)


class _RoomKeeper(QObject):
    """Watches a widget and makes room (:func:`_make_room`) before its layout is redone."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        # An object's filters see the request before its layout does.
        if event.type() == QEvent.Type.LayoutRequest and isinstance(watched, QWidget):
            layout = watched.layout()
            if layout is not None:
                _make_room(watched, layout)
        return False


def keep_room(widget: QWidget) -> None:
    """Let ``widget`` grow to what its layout needs before the layout is redone, whoever asked
    for it (a line that grew, a button shown): its children are then laid out once, in the
    room they need, not squeezed into the old height first."""
    widget.installEventFilter(_RoomKeeper(widget))


class SteadyLines(QWidget):
    """Lines of text, each in its own :class:`SteadyBox` made by ``make_label``. The boxes are
    a pool: ``pool`` of them made when the first lines are shown (not at start: nothing shows
    then), more only when more lines than ever are shown, hidden (not deleted) when fewer are,
    so the minutes going by make no widget. A line whose text did not change is not touched."""

    def __init__(
        self,
        make_label: Callable[[QWidget], QLabel],
        parent: QWidget | None = None,
        *,
        pool: int = 1,
    ) -> None:
        super().__init__(parent)
        self._make_label = make_label
        self._pool = pool
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(0)
        self._layout.addStretch(1)  # room to spare goes below the lines, not to empty ones
        keep_room(self)
        self._boxes: list[SteadyBox] = []
        self._lines: tuple[str, ...] = ()

    def text(self) -> str:
        """All the lines, as one rich text."""
        return LINE_BREAK.join(self._lines)

    def setText(self, text: str) -> None:  # noqa: N802
        """Show ``text`` split at its line breaks (``<br>``)."""
        self.set_lines(text.split(LINE_BREAK) if text else ())

    def labels(self) -> list[QLabel]:
        """The labels showing a line now, in order."""
        return [box.label for box in self._boxes[: len(self._lines)]]

    def set_lines(self, lines: Sequence[str]) -> None:
        shown = tuple(lines)
        if shown == self._lines:
            return
        while len(self._boxes) < max(len(shown), self._pool if shown else 0):
            box = SteadyBox(self._make_label(self), self, collapse_empty=True)
            self._boxes.append(box)
            self._layout.insertWidget(len(self._boxes) - 1, box)
            box.show()
        for index, box in enumerate(self._boxes):
            # A line not used now is emptied (no height), not hidden: showing and hiding
            # widgets lays out and restyles more than a text does.
            text = shown[index] if index < len(shown) else ""
            if box.label.text() != text:
                box.label.setText(text)
        self._lines = shown

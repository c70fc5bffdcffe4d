"""The calculator panel's texts, laid out in one pass each time they change.

The panel's texts change every minute a timer runs, and now and then its shape does (a warning
comes or goes, a tie switch appears). Nested Qt layouts of word-wrapped labels lay such a panel
out several times over: a layout asks each label's height for several widths, lays its lines
out in the height it had before growing it, and each level asks again. :class:`Stack` places
its widgets one under another, each as wide as the stack and as tall as its text needs, in one
pass of its own: when a child asks (its text changed) or the stack's width changed. A child
that keeps its place and size is not touched, and the heights it reports are its own cached
ones (``rich_label.RichLabel``). :class:`SteadyLines` is a stack of lines in which each line
keeps its label while it is shown. :func:`settle` lays out what changed before the next paint.

:func:`same_lines` tells whether a new text lays out in the lines of the old one (a minute's
digits), so that a label keeps its measured heights.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from PySide6.QtCore import QCoreApplication, QEvent, QSize
from PySide6.QtGui import QFont, QFontMetricsF, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

#: the separator of :meth:`SteadyLines.setText`'s lines (as a rich-text label writes them)
LINE_BREAK = "<br>"


class Stack(QWidget):
    """Widgets one under another, each as wide as the stack (less its ``margins``: left, top,
    right, bottom) and as tall as it needs at that width, ``spacing`` apart. A hidden widget
    takes no room. Its own height for a width is what its widgets need."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        margins: tuple[int, int, int, int] = (0, 0, 0, 0),
        spacing: int = 0,
        keep_height: bool = False,
    ) -> None:
        super().__init__(parent)
        self._items: list[QWidget] = []
        self._measuring: set[QWidget] = set()  # the widgets that measure themselves
        # keep_height: the stack keeps the tallest height it had for its width until
        # release_height() (a scrolled panel whose lines come and go then keeps its scroll
        # range: its scroll bar is not drawn again with each line)
        self._kept: dict[int, int] | None = {} if keep_height else None
        self._margins = margins
        self._spacing = spacing
        self._totals: dict[int, int] = {}  # width -> the height the widgets need
        self._placed: dict[QWidget, tuple[int, int, int, int]] = {}  # the place each was given
        self._polished: set[QWidget] = set()  # hidden ones styled before they were measured
        self._least: QSize | None = None  # the minimum size hint, until a widget is added
        self._unplaced = False  # changed while not shown: placed when shown
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def keep_contents(self) -> None:
        """Its widgets stay where they are when it grows or shrinks at the bottom: a resize
        then paints what it uncovered, not all it shows. (Not at the start: naming the
        attribute builds Qt's namespace, ui.qt_ints.)"""
        from PySide6.QtCore import Qt

        self.setAttribute(Qt.WidgetAttribute.WA_StaticContents)

    def add(self, widget: QWidget) -> None:
        """Put ``widget`` at the bottom."""
        widget.setParent(self)
        self._items.append(widget)
        if getattr(widget, "measures_itself", False):
            self._measuring.add(widget)
        self._least = None
        self.relayout()

    def widgets(self) -> list[QWidget]:
        return list(self._items)

    def set_shown(self, shown: Sequence[tuple[QWidget, bool]]) -> bool:
        """Show and hide these widgets at once. The ones that come are placed where they go
        before they are shown (shown first, a widget is drawn where it was, then moved).
        Whether any came or went (the stack then placed them all)."""
        coming = [widget for widget, show in shown if show and widget.isHidden()]
        going = [widget for widget, show in shown if not show and not widget.isHidden()]
        if not coming and not going:
            return False
        for widget in going:
            widget.setVisible(False)
        if _settling:  # placed with the rest of the pass's changes, then shown
            waiting = _settling[-1].coming.setdefault(self, [])
            waiting[:] = [w for w in waiting if (w, False) not in shown]  # (hidden: not going)
            waiting.extend(w for w in coming if w not in waiting)
            self.relayout()
            return True
        self._place(coming)
        for widget in coming:
            widget.setVisible(True)
        self._fit_height()  # (the place pass knew the shown ones' height)
        return True

    def _inner(self, width: int) -> int:
        left, _, right, _ = self._margins
        return max(0, width - left - right)

    def _height(self, widget: QWidget, width: int) -> int:
        if widget in self._measuring:  # its heights cached, no limits set
            return int(widget.heightForWidth(width))
        if widget.hasHeightForWidth():
            height = widget.heightForWidth(width)
        else:
            height = widget.sizeHint().height()
        return max(widget.minimumHeight(), min(height, widget.maximumHeight()))

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    #: a stack's heights are its own, cached until a widget in it changes (see _height)
    measures_itself = True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        total = self._totals.get(width)
        if total is None:
            inner = self._inner(width)
            heights = [self._height(w, inner) for w in self._items if not w.isHidden()]
            total = self._total(width, heights)
        return total

    def _total(self, width: int, heights: Sequence[int]) -> int:
        """The stack's height for ``width`` whose shown widgets take ``heights`` (kept)."""
        _, top, _, bottom = self._margins
        total = top + bottom + sum(heights) + self._spacing * max(0, len(heights) - 1)
        if self._kept is not None:
            total = self._kept[width] = max(total, self._kept.get(width, 0))
        self._totals[width] = total
        return total

    def release_height(self) -> None:
        """Let a stack made with ``keep_height`` take the height its widgets need again."""
        if self._kept:
            self._kept.clear()
            self.relayout()

    def sizeHint(self) -> QSize:  # noqa: N802
        # Shown: its width (what it is asked the height for, which it knows); not yet: as wide
        # as its widest widget wants.
        left, _, right, _ = self._margins
        width = (
            self.width()
            if self.isVisible()
            else left + right + max((w.sizeHint().width() for w in self._items), default=0)
        )
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        # A widget that takes the stack's width whatever its text (a tie switch) sets no minimum.
        if self._least is None:
            left, _, right, _ = self._margins
            ignored = QSizePolicy.Policy.Ignored
            widths = [
                w.minimumSizeHint().width()
                for w in self._items
                if w.sizePolicy().horizontalPolicy() != ignored
            ]
            self._least = QSize(left + right + max(widths, default=0), 0)
        return self._least

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:  # a widget's text, or its showing
            self.relayout()
            return True
        return super().event(event)

    def relayout(self) -> None:
        """Place the widgets again, and tell the parent if the stack needs another height.
        A stack not shown places them when it is (a window's start places each once). In a
        :func:`one_layout` pass, once, when the pass ends."""
        if _settling:
            self._totals.clear()
            _settling[-1].asked.add(self)
            return
        self._relayout_now()

    def _relayout_now(self, coming: Sequence[QWidget] = ()) -> None:
        self._totals.clear()
        if self.isVisible():
            self._place(coming)  # (which knows the stack's height for its width)
        else:
            self._unplaced = True
        for widget in coming:
            widget.setVisible(True)
        self._fit_height()

    def _fit_height(self) -> None:
        if self.heightForWidth(self.width()) != self.height():
            self.updateGeometry()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        if self._unplaced:
            self._place()
        super().showEvent(event)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._least = None  # the widgets' least widths follow the type size
        super().changeEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        if event.oldSize().width() != event.size().width():
            self._place()
        super().resizeEvent(event)

    def _place(self, coming: Sequence[QWidget] = ()) -> None:
        """Give each widget its place (``coming``: hidden ones about to be shown, placed as
        shown). Another hidden one is given the place it would take if it were shown now,
        taking none: shown, it is where it goes, not moved there after."""
        self._unplaced = False
        left, top, _, _ = self._margins
        width = self.width()
        inner = self._inner(width)
        placed = self._placed
        y = top
        heights = []
        for widget in self._items:
            shown = not widget.isHidden() or widget in coming
            if not shown and widget not in self._polished:
                widget.ensurePolished()  # measured in the type it will be shown in
                self._polished.add(widget)
            height = self._height(widget, inner)
            rect = (left, y, inner, height)
            if placed.get(widget) != rect:
                placed[widget] = rect
                widget.setGeometry(*rect)
            if shown:
                heights.append(height)
                y += height + self._spacing
        self._total(width, heights)


class _Pass:
    """A :func:`one_layout` pass: what it lays out when it ends, the stacks that asked and the
    widgets each is to show (placed first, then shown: shown first, a widget would be moved
    from where it was)."""

    def __init__(self) -> None:
        self.asked: set[Stack] = set()
        self.coming: dict[Stack, list[QWidget]] = {}

    def __enter__(self) -> None:
        _settling.append(self)

    def __exit__(self, *_exc: object) -> None:
        try:
            self._lay_out()
        finally:
            _settling.pop()

    def _lay_out(self) -> None:
        asked = self.asked
        for _ in range(4):  # each level's request posts the next level's (a stack's or not)
            QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
            if not asked:
                continue
            waiting = _innermost_first(asked)
            asked.clear()
            for stack in waiting:
                stack._relayout_now(self.coming.pop(stack, ()))


#: the passes under way (innermost last)
_settling: list[_Pass] = []


def _innermost_first(stacks: set[Stack]) -> list[Stack]:
    """``stacks``, each after the ones inside it. (Asked of Qt, which widget holds which: a
    walk up the parents would make a Python object for each parent Qt made, a scroll area's
    viewport, at each minute.)"""
    left = list(stacks)
    ordered: list[Stack] = []
    while len(left) > 1:
        inner = [s for s in left if not any(s is not o and s.isAncestorOf(o) for o in left)]
        ordered += inner
        left = [s for s in left if all(s is not i for i in inner)]
    return ordered + left


def settle() -> None:
    """Lay out now what asked to be (each stack whose widget changed, then the stack around
    it), before the next paint shows a new text in its old place."""
    with one_layout():
        pass


def one_layout() -> _Pass:
    """Changes made in a ``with one_layout():`` block (texts set, widgets shown and hidden,
    lines added) are laid out once, when it ends, before the next paint: the stacks that
    asked, the innermost first. A stack whose height changed then has its parent lay out once
    with the new height; laid out as each change came, the parent could move what is under
    the stack once for each change (a line's new height, then a switch shown)."""
    return _Pass()


def same_lines(before: tuple[str, str], after: tuple[str, str], label: QLabel) -> bool:
    """Whether ``after`` (a text and its font's key) lays out in exactly the lines ``before``
    did: the same font, and a text that differs only in digits replaced by digits, where the
    font gives every digit one width (tabular figures, as most interface fonts have). A running
    timer's minute changes "20 min" to "21 min": its label keeps its height, so its heights
    need not be measured again (a long rich-text label takes milliseconds to measure)."""
    (old, old_font), (new, new_font) = before, after
    if old_font != new_font:
        return False
    runs = changed_figures(old, new)
    return runs is not None and (not runs or _tabular_digits(label, new_font))


def changed_figures(old: str, new: str) -> list[tuple[int, int]] | None:
    """Where ``new`` differs from ``old``: the runs (start, end) of characters it changed, when
    each is an ASCII digit replaced by another; else (another change, another length) ``None``.
    (A minute asks it of each changed text: the first and last differences are found at once,
    and only what lies between them is read a character at a time.)"""
    if len(old) != len(new):
        return None
    if old == new:
        return []
    # each character as 32 bits, the first lowest: the lowest and highest bits that differ
    differ = int.from_bytes(old.encode("utf-32-le"), "little") ^ int.from_bytes(
        new.encode("utf-32-le"), "little"
    )
    first = ((differ & -differ).bit_length() - 1) // 32
    last = (differ.bit_length() - 1) // 32
    runs: list[tuple[int, int]] = []
    for position in range(first, last + 1):
        was, now = old[position], new[position]
        if was == now:
            continue
        if not ("0" <= was <= "9" and "0" <= now <= "9"):
            return None
        if runs and runs[-1][1] == position:
            runs[-1] = (runs[-1][0], position + 1)
        else:
            runs.append((position, position + 1))
    return runs


_ONE_WIDTH: dict[str, bool] = {}  # font key -> its digits have one width


def digits_one_width(font: QFont, key: str) -> bool:
    """Whether ``font`` (whose :meth:`QFont.key` is ``key``) gives every digit one width
    (tabular figures): a text whose digits alone changed then keeps its layout. Measured once
    per font."""
    found = _ONE_WIDTH.get(key)
    if found is None:
        metrics = QFontMetricsF(font)
        found = _ONE_WIDTH[key] = len({metrics.horizontalAdvance(d) for d in "0123456789"}) == 1
    return found


_TABULAR: dict[str, bool] = {}  # a label's font key -> its digits, plain and bold, have one width


def _tabular_digits(label: QLabel, key: str | None = None) -> bool:
    """Whether ``label``'s font (whose key is ``key``, when the caller has it) and its bold give
    every digit one width: measured once per font, as a minute asks it of each changed line."""
    found = _TABULAR.get(key) if key is not None else None
    if found is None:
        font = label.font()
        key = font.key()
        bold = QFont(font)
        bold.setBold(True)  # the panels' rich texts set figures in bold too
        found = _TABULAR[key] = digits_one_width(font, key) and digits_one_width(bold, bold.key())
    return found


class SteadyLines(Stack):
    """Lines of text, each in its own label made by ``make_label``. The labels are a pool:
    ``pool`` of them made when the first lines are shown (not at start: nothing shows then),
    more only when more lines than ever are shown, hidden (not deleted) when fewer are, so the
    minutes going by make no widget. A line keeps its label while it is shown (a line added
    above it moves the label; a line whose figures changed keeps its label and its measured
    heights), so a line that did not change is neither touched nor laid out again."""

    def __init__(
        self,
        make_label: Callable[[QWidget], QLabel],
        parent: QWidget | None = None,
        *,
        pool: int = 1,
        keep_height: bool = False,
    ) -> None:
        super().__init__(parent, keep_height=keep_height)
        self._make_label = make_label
        self._pool = pool
        self._lines: tuple[str, ...] = ()

    def text(self) -> str:
        """All the lines, as one rich text."""
        return LINE_BREAK.join(self._lines)

    def setText(self, text: str) -> None:  # noqa: N802
        """Show ``text`` split at its line breaks (``<br>``)."""
        self.set_lines(text.split(LINE_BREAK) if text else ())

    def labels(self) -> list[QLabel]:
        """The labels showing a line now, in order."""
        return [w for w in self.widgets()[: len(self._lines)] if isinstance(w, QLabel)]

    def set_lines(self, lines: Sequence[str]) -> None:
        shown = tuple(lines)
        if shown == self._lines:
            return
        labels = [w for w in self.widgets() if isinstance(w, QLabel)]
        while len(labels) < max(len(shown), self._pool if shown else 0):
            label = self._make_label(self)
            label.setVisible(False)  # shown with a line
            label.ensurePolished()  # styled now, not when its first line comes
            labels.append(label)
            self.add(label)
        old = [label.text() for label in labels]
        order = _keep_labels(old, shown)
        for index, slot in enumerate(order):
            text = shown[index] if index < len(shown) else ""
            if old[slot] != text:
                labels[slot].setText(text)
        items: list[QWidget] = [labels[slot] for slot in order]
        moved, self._items = items != self._items, items
        # an unused label takes no room
        shown_or_hidden = self.set_shown(
            [(labels[slot], index < len(shown)) for index, slot in enumerate(order)]
        )
        if moved and not shown_or_hidden:
            self.relayout()
        self._lines = shown


_FIGURES = re.compile(r"\d+")


def _keep_labels(old: Sequence[str], new: Sequence[str]) -> list[int]:
    """Which label (an index into ``old``, the labels' texts now, in the order shown) shows
    each line of ``new``, in order, then the labels left unused: the label showing the same
    text, else one showing the same text with other figures (a minute later), else the label
    that showed the line in its place (its new text costs a layout, but no label is shown or
    hidden, nor the lines placed again), else an unused one, else any left."""
    free = list(range(len(old)))
    chosen: list[int | None] = [None] * len(new)
    for index, text in enumerate(new):
        slot = next((j for j in free if old[j] == text), None)
        if slot is not None:
            chosen[index] = slot
            free.remove(slot)
    if None in chosen:  # the same text with other figures (each text's shape made once)
        shapes = {j: _FIGURES.sub("0", old[j]) for j in free if old[j]}
        for index, text in enumerate(new):
            if chosen[index] is None:
                shape = _FIGURES.sub("0", text)
                slot = next((j for j in free if shapes.get(j) == shape), None)
                if slot is not None:
                    chosen[index] = slot
                    free.remove(slot)
    for index, slot in enumerate(chosen):
        if slot is None and index in free and old[index]:
            chosen[index] = index
            free.remove(index)
    free.sort(key=lambda j: bool(old[j]))  # then unused labels: a changed text costs a layout
    picked = [slot if slot is not None else free.pop(0) for slot in chosen]
    return picked + free

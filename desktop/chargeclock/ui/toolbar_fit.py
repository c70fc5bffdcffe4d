"""The toolbar and the status bar's shortcut hint fit the window's width.

At 1024 px across (and in large type) the toolbar's whole labels pushed Settings and Lock into
the "»" overflow, and the hint was cut at the right edge. Where the whole labels do not fit,
even with less padding, the buttons say their short labels (each keeps its whole name, and its
shortcut, in its tooltip), with less padding if even that is too wide (large type on a 1024 px
panel), and the hint its short form; where they fit again, the whole ones come back. The
buttons' style (40 px tall at least) is set here.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLayout, QMainWindow, QToolBar, QToolButton, QWidget

from chargeclock.ui.known_types import wrap_toolbar_widgets
from chargeclock.ui.theme import TOUCH

#: the toolbar's labels as they read where the whole ones do not fit
SHORT_LABELS = {
    "New patient": "New",
    "Edit patient": "Edit",
    "Authorizations": "Auths",
    "Claims to file": "Claims",
    "Lock (Ctrl+L)": "Lock",
    "Large type": "Large",
}
SLACK = 12  # the overflow's reckoning is not ours to the pixel: keep clear of it
PADDING, PADDING_LEAST = 14, 6  # a button's padding each side; the least where room is short
HINT_MARGINS = 16  # the status bar's margins and its size grip's corner


def shortcut_hints(keys: Mapping[str, str]) -> tuple[str, str]:
    """The status bar's shortcut hint, whole and short, from the window's shortcuts."""
    whole = (
        f"{keys['pt']} PT ▶  ·  {keys['pta']} PTA ▶  ·  "
        f"{keys['next']}/{keys['previous']} next/previous row  ·  "
        f"{keys['finalize']} finalize  ·  {keys['lock']} lock"
    )
    arrows = f"{keys['next']}/{keys['previous']}".replace("Down", "↓").replace("Up", "↑")
    short = (
        f"{keys['pt']} PT  ·  {keys['pta']} PTA  ·  {arrows} row  ·  "
        f"{keys['finalize'].replace('Return', '⏎')} finalize  ·  {keys['lock']} lock"
    )
    return whole, short


class ToolbarFit(QObject):
    """Keeps ``window``'s ``toolbar`` and its status hint (``hints``: whole, short) whole."""

    def __init__(self, window: QMainWindow, toolbar: QToolBar, hints: tuple[str, str]) -> None:
        super().__init__(window)
        self.window = window
        self.toolbar = toolbar
        self.hints = hints
        self.whole: dict[QObject, str] = {}  # each button's (or action's) whole label
        self.short = False
        self.padding = 0
        self._fitting = False
        self._pad(PADDING)
        toolbar.installEventFilter(self)
        window.statusBar().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        kind = event.type()
        # An action added before the toolbar shows is fitted by the resize of its first show:
        # fitting a hidden toolbar at each action (a dozen of them, before the first paint)
        # measured widths it did not have yet.
        added = kind in (QEvent.Type.ActionAdded, QEvent.Type.ActionRemoved)
        if kind == QEvent.Type.Resize or (added and self.toolbar.isVisible()):
            self.fit()
        return False

    def _labelled(self) -> list[tuple[QObject, QWidget, str]]:
        """Each visible button of the toolbar with what carries its label (its action, or the
        button itself for a menu button added as a widget) and its whole label."""
        found = []
        wrap_toolbar_widgets(self.toolbar)
        for action in self.toolbar.actions():
            widget = self.toolbar.widgetForAction(action)
            if widget is None or not action.isVisible():
                continue
            owner: QObject = action
            if isinstance(widget, QToolButton) and widget.defaultAction() is not action:
                owner = widget  # added with addWidget: the button has the text
            if owner not in self.whole:
                text = action.text() if owner is action else widget.text()  # type: ignore[attr-defined]
                self.whole[owner] = text
                if isinstance(owner, QAction) and not action.isSeparator():
                    owner.setToolTip(owner.toolTip())  # kept whole when the text is short
            found.append((owner, widget, self.whole[owner]))
        return found

    def _needed(self, short: bool, padding: int = PADDING) -> int:
        # As a child of the type asked for: layout() returns Qt's own toolbar layout untyped,
        # and PySide would build every QLayout class's type to find its own (ui.known_types).
        layout = self.toolbar.findChild(QLayout)
        spacing = layout.spacing() if layout is not None else 0
        total = 0
        for owner, widget, whole in self._labelled():
            width = widget.sizeHint().width()
            if isinstance(widget, QToolButton) and not (
                isinstance(owner, QAction) and owner.isSeparator()
            ):
                width += 2 * (padding - self.padding)
                metrics = widget.fontMetrics()
                label = SHORT_LABELS.get(whole, whole) if short else whole
                width += metrics.horizontalAdvance(label) - metrics.horizontalAdvance(widget.text())
            total += width + spacing
        margins = self.toolbar.contentsMargins()
        return total + margins.left() + margins.right() + SLACK

    def fit(self) -> None:
        """Whole labels if they fit, else short ones; the hint likewise."""
        if self._fitting:
            return
        self._fitting = True
        try:
            room = self.toolbar.width()
            # the whole labels, with less padding if need be; else the short ones, likewise
            choices = [(s, p) for s in (False, True) for p in (PADDING, PADDING_LEAST)]
            fitting = (c for c in choices if self._needed(*c) <= room)
            self.short, padding = next(fitting, choices[-1])
            self._pad(padding)
            for owner, _widget, whole in self._labelled():
                label = SHORT_LABELS.get(whole, whole) if self.short else whole
                if isinstance(owner, QAction):
                    if not owner.isSeparator() and owner.text() != label:
                        owner.setText(label)
                elif isinstance(owner, QToolButton) and owner.text() != label:
                    owner.setText(label)
            self.fit_hint()
        finally:
            self._fitting = False

    def _pad(self, padding: int) -> None:
        if padding != self.padding:
            self.padding = padding
            self.toolbar.setStyleSheet(
                f"QToolButton {{ min-height: {TOUCH}px; padding: 0 {padding}px; }}"
            )

    def fit_hint(self) -> None:
        """The shortcut hint, if it is what the status bar shows, in the form that fits."""
        bar = self.window.statusBar()
        if bar.currentMessage() not in self.hints:
            return  # another message (where else the visit is shown) stands there
        whole, short = self.hints
        fits = bar.fontMetrics().horizontalAdvance(whole) <= bar.width() - HINT_MARGINS
        wanted = whole if fits else short
        if bar.currentMessage() != wanted:
            bar.showMessage(wanted)

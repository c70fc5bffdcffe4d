"""An item view whose rows repaint every second (a running clock) fills its own background.

A view styled with a rounded border leaves its viewport transparent (Qt's style sheets turn the
viewport's fill off so that the view's rounded background shows through). Then every repaint of
one cell also paints, under it, the view's rounded background and that of each styled panel up
to the window: Qt's raster engine fills each rounded path whole, however small the cell. On the
visit screen that was about a quarter of what each second of a running timer cost.

:func:`fill_own_background` has the viewport fill itself with the view's white (the palette's
base, which the style sheet sets): Qt then paints nothing under it. The view's four rounded
corners are left out of the viewport (a mask), so that the view's style still draws them, as
before. A new style sheet (the large-type setting) turns the fill off again: it is turned back
on at once.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QRegion
from PySide6.QtWidgets import QAbstractItemView, QWidget

from chargeclock.ui import theme
from chargeclock.ui.known_types import viewport as viewport_of


@cache  # a view's radius is the theme's: worked out once, not at each move or resize
def _cuts(radius: int) -> tuple[tuple[int, int, int], ...]:
    """The rounding's rows, from a corner: (first row, rows, pixels left out of each), rows
    leaving out as many pixels merged: those outside the circle of the border's inside, with
    one pixel for the border and one for its anti-aliased edge."""
    inside = radius - 2
    runs: list[tuple[int, int, int]] = []
    for row in range(radius):
        dy = radius - (row + 0.5)
        cut = next(
            (c for c in range(radius) if (radius - (c + 0.5)) ** 2 + dy**2 <= inside**2), radius
        )
        if runs and runs[-1][2] == cut:
            first, rows, _ = runs[-1]
            runs[-1] = (first, rows + 1, cut)
        else:
            runs.append((row, 1, cut))
    return tuple(runs)


def corners_left_out(view: QWidget, viewport: QWidget, radius: int) -> QRegion:
    """``viewport``'s area less, at each corner of ``view``, the pixels outside the rounded
    border's inside, in the viewport's coordinates: what the view's rounded border draws stays
    the view's, and a row painted into a corner is rounded with it."""
    left, top = viewport.x(), viewport.y()
    width, height = view.width(), view.height()
    region = QRegion(-left, radius - top, width, height - 2 * radius)
    for first, rows, cut in _cuts(radius):
        for y in (first, height - first - rows):
            region |= QRegion(cut - left, y - top, width - 2 * cut, rows)
    return region & QRegion(viewport.rect())


class _OwnBackground(QObject):
    """Keeps a viewport filling itself (a style sheet turns it off) and its mask in step with
    its place in the view."""

    def __init__(self, view: QAbstractItemView) -> None:
        super().__init__(view)
        self._view = view

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if isinstance(watched, QWidget):  # the viewport
            kind = event.type()
            if kind in (QEvent.Type.Resize, QEvent.Type.Move):
                watched.setMask(corners_left_out(self._view, watched, theme.VIEW_RADIUS))
            elif kind in (QEvent.Type.Polish, QEvent.Type.StyleChange):
                watched.setAutoFillBackground(True)
        return False


def fill_own_background(view: QAbstractItemView) -> None:
    """Have ``view``'s viewport fill its own background (see the module's text)."""
    viewport = viewport_of(view)
    viewport.installEventFilter(_OwnBackground(view))
    viewport.setAutoFillBackground(True)
    viewport.setMask(corners_left_out(view, viewport, theme.VIEW_RADIUS))

"""The views whose rows repaint every second (the code rows and Today) fill their own background:
a running clock's second repaints its cells and nothing under them, with large type too, and the
views' rounded corners are still drawn (a selected row in a corner is rounded with it)."""

from __future__ import annotations

from collections import Counter

import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QApplication, QWidget
from pytestqt.qtbot import QtBot

from chargeclock.clock import FakeClock
from chargeclock.ui import theme
from chargeclock.ui.main_window import MainWindow
from chargeclock.ui.rows_model import CodeRowsModel
from tests.ui import test_visit_screen as screen
from tests.ui.test_visit_screen import click_cell, start_visit_by_clicks

pytestmark = pytest.mark.gui

# the visit screen's clinic and window (a fake clock; the ticker stopped)
clock, db_path, services, window = screen.clock, screen.db_path, screen.services, screen.window


class _Paints(QObject):
    """Counts the paint events of the widgets it watches."""

    def __init__(self, widgets: list[QWidget]) -> None:
        super().__init__()
        self.count: Counter[QWidget] = Counter()
        for widget in widgets:
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint and isinstance(watched, QWidget):
            self.count[watched] += 1
        return False


def _views(window: MainWindow) -> list[QAbstractItemView]:
    return [window.table, window.patients.today_list]


def _under(view: QAbstractItemView) -> list[QWidget]:
    """The view's frame and every widget it sits in, up to the window."""
    chain: list[QWidget] = []
    widget: QWidget | None = view
    while widget is not None:
        chain.append(widget)
        widget = widget.parentWidget()
    return chain


def _second_paints(window: MainWindow, clock: FakeClock) -> Counter[QWidget]:
    watched = [w for view in _views(window) for w in (view.viewport(), *_under(view))]
    paints = _Paints(watched)
    clock.advance(1)
    window.tick()
    QApplication.processEvents()
    return paints.count


@pytest.mark.parametrize("large", [False, True])
def test_a_running_clocks_second_paints_nothing_under_its_rows(
    window: MainWindow, qtbot: QtBot, clock: FakeClock, large: bool
) -> None:
    if large:  # a new style sheet: Qt turns the viewports' fill off, and it is turned on again
        window.display.large_type_action.trigger()
    start_visit_by_clicks(qtbot, window)
    click_cell(qtbot, window, "97110", CodeRowsModel.PT)
    for _ in range(2):  # what the clicks left to repaint (the status bar's hover) is painted
        clock.advance(1)
        window.tick()
        QApplication.processEvents()
    painted = _second_paints(window, clock)
    for view in _views(window):
        assert painted[view.viewport()] == 1, "the running clock's cells repaint"
        under = {type(w).__name__: painted[w] for w in _under(view) if painted[w]}
        assert under == {}, f"painted under {type(view).__name__}'s cells: {under}"


def test_the_views_corners_stay_rounded(window: MainWindow, qtbot: QtBot) -> None:
    start_visit_by_clicks(qtbot, window)  # Today's first row, the visit, is selected
    qtbot.waitUntil(lambda: window.has_settled)  # the start is over (its first frame drawn)
    QApplication.processEvents()  # and what waited for it has run, as the event loop would
    today = window.patients.today_list
    assert today.selectionModel().isRowSelected(0)
    image = today.grab().toImage()
    selected = QColor("#dce8f8")
    first_row = today.visualRect(today.model().index(0, 0)).translated(today.viewport().pos())
    inside = first_row.center()
    assert image.pixelColor(inside) == selected
    # The view's top-left corner, inside its 1 px border but outside the rounded one: the view
    # draws it (its parent's colour there, or the border's edge), never the selected row.
    for x, y in ((1, 1), (2, 1), (1, 2)):
        assert image.pixelColor(x, y) != selected, (x, y)
    # Below the rounding, the row reaches the border.
    assert image.pixelColor(1, theme.VIEW_RADIUS + 2) == selected


def test_the_focused_row_is_framed_in_plain_lines(window: MainWindow, qtbot: QtBot) -> None:
    """The platform style's focus frame (rounded, drawn along a path) cost more each second
    than the rest of the running visit's row in Today: the views draw it as plain lines."""
    start_visit_by_clicks(qtbot, window)
    today = window.patients.today_list
    today.setFocus()
    QApplication.processEvents()
    image = today.grab().toImage()
    row = today.visualRect(today.model().index(0, 0)).translated(today.viewport().pos())
    frame = QColor(theme.FOCUS_FRAME)
    on_frame = [
        (x, y)
        for y in range(row.top(), row.bottom() + 1)
        for x in range(row.left(), row.right() + 1)
        if image.pixelColor(x, y) == frame
    ]
    # a frame: at least the row's height down each side and its width along the top
    assert len(on_frame) >= 2 * row.height(), len(on_frame)

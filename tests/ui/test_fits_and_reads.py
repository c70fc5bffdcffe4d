"""Fits and reads: from a 1024×600 touch panel up, the timer columns never scroll sideways and
no button's text is cut; large type (a toolbar switch, kept) raises the type; every control
a finger taps is at least 40 px."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QLineEdit,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from chargeclock.services.display import Display
from chargeclock.ui import theme
from chargeclock.ui.main_window import MainWindow
from chargeclock.ui.rows_model import CodeRowsModel
from tests.ui.records_fixtures import Clinic, clinic, icd10_loaded
from tests.ui.test_lock import window

__all__ = ["clinic", "icd10_loaded", "window"]

pytestmark = pytest.mark.gui


def _mid_visit(window: MainWindow, clinic: Clinic) -> None:
    window.start_visit(clinic.patient_id)
    window.visits.toggle_timer("97110", "PT")
    clinic.clock.advance(minutes=33, seconds=26)
    window.visits.toggle_timer("97112", "PTA")
    window.tick()


def _whole_text(button: QAbstractButton) -> bool:
    return button.width() >= button.fontMetrics().horizontalAdvance(button.text()) + 20


@pytest.mark.parametrize("large", [False, True])
@pytest.mark.parametrize(("width", "height"), [(1024, 600), (1366, 768), (1920, 1080)])
def test_the_timers_and_buttons_fit_without_sideways_scroll(
    qtbot: QtBot, window: MainWindow, clinic: Clinic, width: int, height: int, large: bool
) -> None:
    window.display.apply(large)
    _mid_visit(window, clinic)
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() == width)
    qtbot.wait(50)  # the layout settles (the splitter may give the centre room)
    table = window.table
    right = table.viewport().width()
    for column in (CodeRowsModel.CODE, CodeRowsModel.PT, CodeRowsModel.PTA, CodeRowsModel.UNITS):
        assert not table.isColumnHidden(column)
        edge = table.columnViewportPosition(column) + table.columnWidth(column)
        assert table.columnViewportPosition(column) >= 0 and edge <= right, column
    assert table.horizontalScrollBar().maximum() == 0
    for button in (window.finalize_button, window.superbill_button, window.visits.segments_button):
        assert _whole_text(button), button.text()


def test_large_type_is_a_kept_switch(qtbot: QtBot, window: MainWindow, clinic: Clinic) -> None:
    _mid_visit(window, clinic)
    before = window.table.verticalHeader().defaultSectionSize()
    window.display.large_type_action.trigger()
    assert Display(clinic.services.ctx).large_type()
    assert f"font-size: {theme.LARGE_POINT_SIZE}pt" in window.styleSheet()
    assert window.table.verticalHeader().defaultSectionSize() > before
    entry = clinic.services.audit_entries("settings", None)[-1]
    assert entry.details == {"large_type": True}
    # The next window on this database starts in large type.
    again = MainWindow(clinic.services, clinic.clock)
    qtbot.addWidget(again)
    assert again.display.large and again.display.large_type_action.isChecked()
    window.display.large_type_action.trigger()
    assert not Display(clinic.services.ctx).large_type()
    assert f"font-size: {theme.BASE_POINT_SIZE}pt" in window.styleSheet()


def test_every_control_a_finger_taps_is_at_least_40_px(
    qtbot: QtBot, window: MainWindow, clinic: Clinic
) -> None:
    _mid_visit(window, clinic)
    window.resize(1024, 600)
    qtbot.wait(50)
    controls = [
        w
        for w in window.findChildren(QWidget)
        if isinstance(w, QPushButton | QCheckBox | QLineEdit) and w.isVisible()
    ]
    assert len(controls) >= 6
    small = [(type(w).__name__, w.objectName(), w.height()) for w in controls if w.height() < 40]
    assert small == []
    assert window.table.verticalHeader().defaultSectionSize() >= 40


@pytest.mark.parametrize("large", [False, True])
def test_the_window_is_styled_once_at_start(
    qtbot: QtBot, clinic: Clinic, monkeypatch: pytest.MonkeyPatch, large: bool
) -> None:
    """A style sheet set polishes every widget again: the start sets the window's once, and
    large type (kept) a second time, with its own."""
    Display(clinic.services.ctx).set_large_type(large)
    sheets: list[str] = []
    set_sheet = MainWindow.setStyleSheet

    def counted(self: MainWindow, sheet: str) -> None:
        sheets.append(sheet)
        set_sheet(self, sheet)

    monkeypatch.setattr(MainWindow, "setStyleSheet", counted)
    started = MainWindow(clinic.services, clinic.clock)
    qtbot.addWidget(started)
    size = theme.LARGE_POINT_SIZE if large else theme.BASE_POINT_SIZE
    assert sheets == [theme.STYLESHEET, theme.stylesheet(size)][: 2 if large else 1]
    assert started.styleSheet() == theme.stylesheet(size)


@pytest.mark.parametrize("large", [False, True])
@pytest.mark.parametrize(("width", "height"), [(1024, 600), (1366, 768)])
def test_no_header_of_the_timer_columns_is_cut(
    qtbot: QtBot, window: MainWindow, clinic: Clinic, width: int, height: int, large: bool
) -> None:
    """Large type on a 1024×600 panel: "PT" and "PTA" over the timers, the whole words in the
    header's tooltip; where there is room, the whole words."""
    window.display.apply(large)
    _mid_visit(window, clinic)
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() == width)
    qtbot.wait(50)
    table = window.table
    header = table.horizontalHeader()
    model = table.model()
    font = QFont(header.font())
    font.setBold(True)
    metrics = QFontMetrics(font)
    for column in range(model.columnCount()):
        if table.isColumnHidden(column):
            continue
        text = model.headerData(column, Qt.Orientation.Horizontal)
        assert metrics.horizontalAdvance(text) + 12 <= header.sectionSize(column), text
    pta = model.headerData(CodeRowsModel.PTA, Qt.Orientation.Horizontal)
    if (width, large) == (1366, False):
        assert pta == "Assistant (PTA)"
    if (width, large) == (1024, True):
        assert pta == "PTA"
    tip = model.headerData(
        CodeRowsModel.PTA, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole
    )
    assert tip == "Assistant (PTA)"


def test_drop_downs_and_spin_boxes_draw_arrows_that_exist(qtbot: QtBot) -> None:
    """A styled drop-down or spin box draws no arrows of the platform's: the stylesheet names
    Qt's own, which must be there (a missing one left a stray line where a finger should tap)."""
    from PySide6.QtCore import QFile

    sheet = theme.stylesheet()
    for arrow in (theme.ARROW_UP, theme.ARROW_DOWN):
        assert f"url({arrow})" in sheet
        assert QFile.exists(arrow), arrow

"""Fits and reads: from a 1024×600 touch panel up, the timer columns never scroll sideways and
no button's text is cut; large type (a toolbar switch, kept) raises the type; every control
a finger taps is at least 40 px."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QLineEdit,
    QPushButton,
    QStyle,
    QStyleOptionSpinBox,
    QToolButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from chargeclock.domain.places import PLACES
from chargeclock.services.display import Display
from chargeclock.storage.errors import StorageError
from chargeclock.ui import practice_ui, records_ui, superbill_ui, theme
from chargeclock.ui.main_window import MainWindow
from chargeclock.ui.patient_dialog import PatientDialog
from chargeclock.ui.rows_model import CodeRowsModel
from chargeclock.ui.settings_dialog import SettingsDialog
from tests.ui.records_fixtures import Clinic, clinic, icd10_loaded
from tests.ui.test_lock import window

__all__ = ["clinic", "icd10_loaded", "window"]

TODAY_TEXT_MARGINS = 24  # a list row's padding (8 px a side) and its text's margins

pytestmark = pytest.mark.gui


def _mid_visit(window: MainWindow, clinic: Clinic) -> None:
    window.start_visit(clinic.patient_id)
    window.visits.toggle_timer("97110", "PT")
    clinic.clock.advance(minutes=33, seconds=26)
    window.visits.toggle_timer("97112", "PTA")
    window.tick()


def _mid_visit_at(
    qtbot: QtBot, window: MainWindow, clinic: Clinic, size: tuple[int, int], large: bool
) -> None:
    """Mid-visit in the window at ``size``, large type or not, once the layout has settled
    (the splitter may give the centre room)."""
    window.display.apply(large)
    _mid_visit(window, clinic)
    window.resize(*size)
    qtbot.waitUntil(lambda: window.width() == size[0])
    qtbot.wait(50)


def _whole_text(button: QAbstractButton) -> bool:
    return button.width() >= button.fontMetrics().horizontalAdvance(button.text()) + 20


@pytest.mark.parametrize("large", [False, True])
@pytest.mark.parametrize(("width", "height"), [(1024, 600), (1366, 768), (1920, 1080)])
def test_the_timers_and_buttons_fit_without_sideways_scroll(
    qtbot: QtBot, window: MainWindow, clinic: Clinic, width: int, height: int, large: bool
) -> None:
    _mid_visit_at(qtbot, window, clinic, (width, height), large)
    table = window.table
    right = table.viewport().width()
    for column in (CodeRowsModel.CODE, CodeRowsModel.PT, CodeRowsModel.PTA, CodeRowsModel.UNITS):
        assert not table.isColumnHidden(column)
        edge = table.columnViewportPosition(column) + table.columnWidth(column)
        assert table.columnViewportPosition(column) >= 0 and edge <= right, column
    assert table.horizontalScrollBar().maximum() == 0
    for button in (window.finalize_button, window.superbill_button, window.visits.segments_button):
        assert _whole_text(button), button.text()
    place = window.visits.place_picker  # the visit's place of service, whole, a finger's size
    for code in PLACES:
        place.setCurrentIndex(place.findData(code))
        text = place.shown_text()  # its short label; the list shows the whole one
        # the text, the padding (8 px a side) and the arrow's 32 px
        assert place.fontMetrics().horizontalAdvance(text) + 48 <= place.width(), text
    assert place.isVisible()
    title = window.visits.visit_title  # the patient's name beside it: each word whole
    widest = max(title.fontMetrics().horizontalAdvance(w) for w in title.text().split())
    assert widest <= title.contentsRect().width()
    assert place.height() >= theme.TOUCH
    field = window.add_code  # its hint whole (it read "Ad…" in large type at 1024 px)
    hint = field.placeholderText()
    assert field.fontMetrics().horizontalAdvance(hint) + 20 <= field.width(), hint


def test_large_type_is_a_kept_switch(qtbot: QtBot, window: MainWindow, clinic: Clinic) -> None:
    _mid_visit(window, clinic)
    before = window.table.verticalHeader().defaultSectionSize()
    calculator = window.panel
    headline = (calculator.headline.font().pointSize(), calculator.next_unit.font().pointSize())
    window.display.large_type_action.trigger()
    assert Display(clinic.services.ctx).large_type()
    assert f"font-size: {theme.LARGE_POINT_SIZE}pt" in window.styleSheet()
    assert window.table.verticalHeader().defaultSectionSize() > before
    # the calculator's headline and next-unit line grow with the rest
    assert calculator.headline.font().pointSize() > headline[0] > theme.BASE_POINT_SIZE
    assert calculator.next_unit.font().pointSize() > headline[1]
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


def _small_targets(root: QWidget) -> list[tuple[str, str, int, int]]:
    """What a finger taps under ``root`` that is under 40 px in its smaller dimension: buttons,
    fields, drop-downs, and a spin box's up and down buttons (its sub-controls)."""
    small = []
    kinds = QAbstractButton | QLineEdit | QComboBox | QAbstractSpinBox
    for w in [root, *root.findChildren(QWidget)]:
        if not isinstance(w, kinds) or not w.isVisible():
            continue
        if isinstance(w, QLineEdit) and isinstance(w.parent(), QAbstractSpinBox):
            continue  # the spin box's own text field: the box is measured
        sizes = [("", w.width(), w.height())]
        if isinstance(w, QAbstractSpinBox):
            option = QStyleOptionSpinBox()
            w.initStyleOption(option)  # type: ignore[attr-defined]
            for name, part in (
                ("up", QStyle.SubControl.SC_SpinBoxUp),
                ("down", QStyle.SubControl.SC_SpinBoxDown),
            ):
                rect = w.style().subControlRect(QStyle.ComplexControl.CC_SpinBox, option, part, w)
                sizes.append((name, rect.width(), rect.height()))
        for part, width, height in sizes:
            if min(width, height) < theme.TOUCH:
                small.append((f"{type(w).__name__} {part}".strip(), w.objectName(), width, height))
    return small


@pytest.mark.parametrize("large", [False, True])
def test_every_control_of_the_patient_dialog_is_at_least_40_px(
    qtbot: QtBot, window: MainWindow, clinic: Clinic, icd10_loaded: None, large: bool
) -> None:
    """Each tab of the patient dialog, with a diagnosis search typed (its clear button shows):
    nothing a finger taps under 40 px, Qt's own 22 px clear buttons included."""
    window.display.apply(large)
    dialog = PatientDialog(clinic.services, clinic.patient_id, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.picker.search.setText("M54")
    assert dialog.picker.clear_search.isEnabled()
    for index in range(dialog.tabs.count()):
        dialog.tabs.setCurrentIndex(index)
        qtbot.wait(20)
        assert _small_targets(dialog) == [], dialog.tabs.tabText(index)
    dialog.picker.clear_search.click()
    assert dialog.picker.search.text() == ""


@pytest.mark.parametrize("large", [False, True])
def test_every_control_of_the_window_its_timeline_and_lock_is_at_least_40_px(
    qtbot: QtBot, window: MainWindow, clinic: Clinic, large: bool
) -> None:
    """The toolbar, the visit (with an untimed code's minutes being edited), a code's segment
    timeline, the lock's settings and the lock itself: nothing a finger taps under 40 px,
    a spin box's up and down buttons included."""
    ui = records_ui.install(window, clinic.services)
    clinic.services.records.set_favourite_codes(["97110", "97140", "97112", "G0283"])
    window.display.apply(large)
    _mid_visit(window, clinic)
    window.resize(1024, 600)
    qtbot.wait(50)
    row = window.rows.row_of("G0283")
    window.rows.setData(
        window.rows.index(row, CodeRowsModel.CODE),
        Qt.CheckState.Checked.value,
        Qt.ItemDataRole.CheckStateRole,
    )
    window.table.edit(window.rows.index(window.rows.row_of("G0283"), CodeRowsModel.PTA))
    qtbot.wait(20)
    window.search.setText("Quin")  # a search typed: its clear button shows
    [minutes] = window.table.viewport().findChildren(QAbstractSpinBox)
    assert minutes.width() >= minutes.sizeHint().width()  # its text beside the buttons
    assert _small_targets(window) == []
    window.table.closePersistentEditor(window.rows.index(row, CodeRowsModel.PTA))
    window.table.setCurrentIndex(window.rows.index(window.rows.row_of("97110"), 0))
    timeline = window.edits.open_segments()
    assert timeline is not None
    qtbot.addWidget(timeline)
    qtbot.waitExposed(timeline)
    assert _small_targets(timeline) == []
    timeline.close()
    settings = SettingsDialog(clinic.services, window)
    qtbot.addWidget(settings)
    settings.show()
    settings.tabs.setCurrentIndex(1)  # users and lock
    qtbot.waitExposed(settings)
    assert settings.lock.minutes.isVisible()
    assert _small_targets(settings.lock) == []
    settings.close()
    ui.lock.lock()
    qtbot.wait(20)
    screen = ui.lock._screen
    assert screen is not None and screen.isVisible()
    assert _small_targets(screen) == []


@pytest.mark.parametrize("large", [False, True])
def test_the_window_is_styled_once_at_start(
    qtbot: QtBot, clinic: Clinic, monkeypatch: pytest.MonkeyPatch, large: bool
) -> None:
    """A style sheet set polishes every widget again: the start sets the window's once, at the
    type size kept (large type set it a second time, after a first at the usual size)."""
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
    assert sheets == [theme.stylesheet(size)]
    assert started.styleSheet() == theme.stylesheet(size)


@pytest.mark.parametrize("large", [False, True])
@pytest.mark.parametrize(("width", "height"), [(1024, 600), (1366, 768)])
def test_no_header_of_the_timer_columns_is_cut(
    qtbot: QtBot, window: MainWindow, clinic: Clinic, width: int, height: int, large: bool
) -> None:
    """Large type on a 1024×600 panel: "PT" and "PTA" over the timers, the whole words in the
    header's tooltip; where there is room, the whole words."""
    _mid_visit_at(qtbot, window, clinic, (width, height), large)
    table = window.table
    header = table.horizontalHeader()
    model = header.model()  # the labels it shows (ui.rows_model)
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


@pytest.mark.parametrize("large", [False, True])
@pytest.mark.parametrize(("width", "height"), [(1024, 600), (1366, 768)])
def test_the_today_list_shows_whole_names(
    qtbot: QtBot, window: MainWindow, clinic: Clinic, width: int, height: int, large: bool
) -> None:
    """Large type on a 1024×600 panel: each Today row's patient name is read whole (it was
    cut to "Schmidt, …"); the status and running clocks go below it."""
    other, _ = clinic.services.records.add_patient(
        "Schmidt", "Hector", date(1950, 2, 3), payer_id=clinic.payer_id
    )
    window.start_visit(other.id)
    _mid_visit_at(qtbot, window, clinic, (width, height), large)
    view = window.patients.today_list
    model = window.today_model
    metrics = view.fontMetrics()
    assert model.rowCount() == 2
    for row in range(model.rowCount()):
        name, _, rest = model.entry(row).text.partition(" · ")
        rect = view.visualRect(model.index(row))
        room = min(rect.right(), view.viewport().width()) - max(0, rect.left())
        assert metrics.horizontalAdvance(name) <= room - TODAY_TEXT_MARGINS, name
        assert rect.height() >= 2 * metrics.height(), "the status has a line of its own"
        assert rest


def _whole_toolbar(window: MainWindow, clinic: Clinic) -> None:
    """The toolbar as the program builds it (app.build_window), without its start-up lock."""
    records = records_ui.install(window, clinic.services)
    superbill_ui.install(window, clinic.services)
    practice_ui.install(window, clinic.services, records)
    window.toolbar.addAction(window.display.large_type_action)


@pytest.mark.parametrize("large", [False, True])
@pytest.mark.parametrize(("width", "height"), [(1024, 600), (1280, 720), (1366, 768)])
def test_the_toolbar_and_the_shortcut_hint_fit(
    qtbot: QtBot, window: MainWindow, clinic: Clinic, width: int, height: int, large: bool
) -> None:
    """At 1024 px across the toolbar put Settings and Lock behind "»" and the hint was cut:
    every button shows (short labels where the whole ones do not fit, their whole names in
    the tooltips) and the hint reads whole, in its short form if need be."""
    _whole_toolbar(window, clinic)
    _mid_visit_at(qtbot, window, clinic, (width, height), large)
    bar = window.toolbar
    shown = [a for a in bar.actions() if not a.isSeparator()]
    assert len(shown) >= 10
    for action in shown:
        button = bar.widgetForAction(action)
        assert button is not None and button.isVisible(), action.text()
        right = button.mapTo(bar, button.rect().bottomRight()).x()
        assert right < bar.width(), action.text()
    extension = bar.findChild(QToolButton, "qt_toolbar_ext_button")
    assert extension is None or not extension.isVisible()
    lock = next(a for a in shown if a.text().startswith("Lock"))
    assert "timers keep running" in lock.toolTip()
    new = next(a for a in shown if a.shortcut().toString() == "Ctrl+N")
    assert new.toolTip().startswith("New patient")
    status = window.statusBar()
    hint = status.currentMessage()
    assert hint in window.shortcut_hints
    assert status.fontMetrics().horizontalAdvance(hint) <= status.width() - 16
    if width >= 1280 and not large:  # room for the whole labels, with less padding at 1280
        assert hint == window.shortcut_hints[0] and new.text() == "New patient"


@pytest.mark.parametrize("large", [False, True])
def test_dialogs_follow_the_large_type_setting(
    qtbot: QtBot, window: MainWindow, clinic: Clinic, large: bool
) -> None:
    """A dialog set the theme's 12 pt on itself: in large type it read small."""
    ui = records_ui.install(window, clinic.services)
    window.display.apply(large)
    _mid_visit(window, clinic)
    points = theme.LARGE_POINT_SIZE if large else theme.BASE_POINT_SIZE
    timeline = window.edits.open_segments()
    assert timeline is not None
    qtbot.addWidget(timeline)
    qtbot.waitExposed(timeline)
    settings = ui.settings()
    qtbot.waitExposed(settings)
    for dialog in (timeline, settings):
        buttons = [b for b in dialog.findChildren(QPushButton) if b.isVisible()]
        assert buttons
        assert {b.font().pointSize() for b in buttons} == {points}, type(dialog).__name__
    # every button's label whole, and the dialog fits the smallest screen
    cut = [
        b.text() for b in timeline.findChildren(QPushButton) if b.isVisible() and not _whole_text(b)
    ]
    assert cut == []
    least = timeline.minimumSizeHint()  # a 1024×600 panel has room for it
    assert least.width() <= 1024 - 40 and least.height() <= 600 - 60, least
    table = timeline.table  # its times whole: each column as wide as its cells need
    for column in range(table.columnCount()):
        assert table.sizeHintForColumn(column) <= table.columnWidth(column), column
    timeline.close()
    settings.close()
    # Switched while a dialog is open: it follows.
    timeline = window.edits.open_segments()
    assert timeline is not None
    qtbot.addWidget(timeline)
    qtbot.waitExposed(timeline)
    window.display.apply(not large)
    other = theme.BASE_POINT_SIZE if large else theme.LARGE_POINT_SIZE
    assert timeline.save_button.font().pointSize() == other


def test_a_type_size_that_cannot_be_read_starts_the_usual_one(
    qtbot: QtBot, clinic: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The setting is read before the window's theme is set: a read that fails (a damaged or
    busy file) starts the window at the usual type, not a traceback."""

    def unreadable(_display: Display) -> bool:
        raise StorageError("the database cannot be read")

    monkeypatch.setattr(Display, "large_type", unreadable)
    started = MainWindow(clinic.services, clinic.clock)
    qtbot.addWidget(started)
    assert started.styleSheet() == theme.STYLESHEET
    assert not started.display.large_type_action.isChecked()

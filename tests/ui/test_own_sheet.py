"""A dialog (or the lock's cover) of the window inherits the window's theme and adds its own
rules; one of its own sets the theme itself. The theme set again on a dialog of the window, at
the usual size, kept the lock's cover at that size under large type."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from chargeclock.services.display import Display
from chargeclock.ui import records_ui, theme
from chargeclock.ui.export_dialog import ExportDialog
from chargeclock.ui.forms import FORM_STYLE
from chargeclock.ui.history_dialog import VISIT_WIDTHS, HistoryDialog
from chargeclock.ui.main_window import MainWindow
from chargeclock.ui.settings_dialog import SettingsDialog
from tests.ui.records_fixtures import Clinic, clinic, icd10_loaded
from tests.ui.test_history_dialog import finalized_visit
from tests.ui.test_lock import window

__all__ = ["clinic", "icd10_loaded", "window"]


def _point_size(widget: QWidget) -> int:
    widget.ensurePolished()
    return widget.font().pointSize()


def test_a_dialog_of_the_window_adds_its_rules_to_the_windows_theme(
    qtbot: QtBot, window: MainWindow, clinic: Clinic
) -> None:
    history = HistoryDialog(clinic.services, clinic.patient_id, window)
    qtbot.addWidget(history)
    assert history.styleSheet() == FORM_STYLE
    alone = HistoryDialog(clinic.services, clinic.patient_id)
    qtbot.addWidget(alone)
    assert alone.styleSheet() == theme.STYLESHEET + FORM_STYLE
    # Styled alike: the theme's field look and the form's rules reach both.
    for dialog in (history, alone):
        dialog.show()
        qtbot.waitExposed(dialog)
        assert dialog.reason.minimumSizeHint().height() >= theme.TOUCH - 4
        assert _point_size(dialog.reason) == theme.BASE_POINT_SIZE


def test_a_widget_below_the_themed_window_counts_as_the_window() -> None:
    top = QWidget()
    top.setStyleSheet(theme.stylesheet(theme.LARGE_POINT_SIZE))
    middle = QWidget(top)
    assert theme.own_sheet(middle, "QLabel { color: red; }") == "QLabel { color: red; }"
    assert theme.own_sheet(QWidget()) == theme.STYLESHEET
    assert theme.own_sheet(None, "x") == theme.STYLESHEET + "x"


@pytest.mark.parametrize("large", [False, True])
def test_dialogs_and_the_lock_follow_the_windows_type_size(
    qtbot: QtBot, window: MainWindow, clinic: Clinic, large: bool
) -> None:
    size = theme.LARGE_POINT_SIZE if large else theme.BASE_POINT_SIZE
    ui = records_ui.install(window, clinic.services)
    Display(clinic.services.ctx).set_large_type(large)
    window.display.apply(large)
    settings = SettingsDialog(clinic.services, window)
    qtbot.addWidget(settings)
    settings.show()
    qtbot.waitExposed(settings)
    fields = settings.findChildren(QLineEdit)
    assert fields
    assert {_point_size(field) for field in fields} == {size}
    settings.close()
    ui.lock.lock()
    qtbot.wait(20)
    screen = ui.lock._screen
    assert screen is not None and screen.isVisible()
    # The PIN field's own rule sizes its digits; the user's name in the picker follows the
    # window's type (it stayed at 12 pt under large type).
    assert _point_size(screen.user) == size


@pytest.mark.parametrize("large", [False, True])
def test_historys_fixed_columns_hold_their_text_in_either_type_size(
    qtbot: QtBot, window: MainWindow, clinic: Clinic, large: bool
) -> None:
    """The columns that do not stretch are sized in characters of the table's own type: they
    were measured in Qt's default font, and large type cut the dates."""
    finalized_visit(clinic)
    window.display.apply(large)
    history = HistoryDialog(clinic.services, clinic.patient_id, window)
    qtbot.addWidget(history)
    history.show()
    qtbot.waitExposed(history)
    view, model = history.visits, history.visit_model
    assert model.rowCount() == 1
    assert _point_size(view) == (theme.LARGE_POINT_SIZE if large else theme.BASE_POINT_SIZE)
    cells = view.fontMetrics()
    heading_font = view.horizontalHeader().font()
    heading_font.setBold(True)
    heading = QFontMetrics(heading_font)
    # The longest each column shows (a decade's visit numbers run to five digits), with the
    # cell's and the heading's padding.
    longest = {0: "12/31/2026", 1: "#99999", 2: "finalized", 4: "99", 5: "$99,999.99"}
    longest[6] = longest[5]
    assert set(longest) == set(VISIT_WIDTHS)
    for column, text in longest.items():
        title = str(model.headerData(column, Qt.Orientation.Horizontal))
        room = view.columnWidth(column) - 8
        assert cells.horizontalAdvance(str(model.index(0, column).data())) <= room
        assert cells.horizontalAdvance(text) <= room, (column, text, room)
        assert heading.horizontalAdvance(title) + 4 <= room, (column, title, room)


@pytest.mark.parametrize("large", [False, True])
def test_a_date_field_holds_a_whole_date_in_either_type_size(
    qtbot: QtBot, window: MainWindow, clinic: Clinic, large: bool
) -> None:
    """History's payment date: its field was 128 px and its form 560 px at most, whatever the
    type, and large type showed "01/2026" of the date."""
    window.display.apply(large)
    history = HistoryDialog(clinic.services, clinic.patient_id, window)
    qtbot.addWidget(history)
    history.show()
    qtbot.waitExposed(history)
    edit = history.pay_date.edit
    assert edit.text() == history.pay_date.value().strftime("%m/%d/%Y")  # type: ignore[union-attr]
    assert _point_size(edit) == (theme.LARGE_POINT_SIZE if large else theme.BASE_POINT_SIZE)
    room = edit.contentsRect().width() - 2 * 8  # the theme's padding
    assert edit.fontMetrics().horizontalAdvance(edit.text()) <= room
    assert edit.fontMetrics().horizontalAdvance(edit.placeholderText()) <= room
    # and the visit a payment is for: its number and date whole (cut at the usual type)
    finalized_visit(clinic)
    history.refresh()
    choice = history.for_visit
    choice.setCurrentIndex(1)
    text = choice.currentText()
    assert text.startswith("#") and text.endswith(str(clinic.clock.now().year))
    arrow = 32  # the theme's drop-down
    assert choice.fontMetrics().horizontalAdvance(text) <= choice.width() - arrow - 2 * 8


@pytest.mark.parametrize("large", [False, True])
def test_the_export_s_folder_field_holds_its_hint_in_either_type_size(
    qtbot: QtBot, window: MainWindow, clinic: Clinic, large: bool
) -> None:
    """The dialog's own size cut "folder to write th…" under large type."""
    window.display.apply(large)
    dialog = ExportDialog(clinic.services, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    field = dialog.folder
    assert _point_size(field) == (theme.LARGE_POINT_SIZE if large else theme.BASE_POINT_SIZE)
    text = field.fontMetrics().horizontalAdvance(field.placeholderText())
    assert text <= field.width() - 16, (text, field.width())

"""A date field's calendar: made when its menu first opens (some 40 widgets a dialog with a date
would otherwise make and style as it opens), showing the typed date, and a date picked on it
is the field's."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QApplication, QCalendarWidget, QWidget
from pytestqt.qtbot import QtBot

from chargeclock.ui import theme
from chargeclock.ui.forms import DateField, date_field

pytestmark = pytest.mark.gui


def test_the_calendar_is_made_when_first_opened(qtbot: QtBot, qapp: QApplication) -> None:
    field = DateField()
    qtbot.addWidget(field)
    field.show()
    qtbot.waitExposed(field)
    assert field.findChildren(QCalendarWidget) == []
    assert not [w for w in qapp.allWidgets() if isinstance(w, QCalendarWidget)]
    field.set_value(date(2026, 3, 2))
    menu = field.button.menu()
    assert menu is not None
    menu.popup(field.mapToGlobal(field.rect().bottomLeft()))
    qtbot.waitUntil(menu.isVisible)
    calendar = field.calendar
    assert calendar.isVisible()
    assert calendar.selectedDate() == QDate(2026, 3, 2)  # the typed date
    assert field.calendar is calendar  # made once
    calendar.clicked.emit(QDate(2026, 3, 9))
    assert field.value() == date(2026, 3, 9)
    assert not menu.isVisible()


def test_a_period_s_date_opens_its_calendar_from_a_finger_wide_button(
    qtbot: QtBot, qapp: QApplication
) -> None:
    """The period fields (export, packet, day sheet, charts) open a calendar from a button as
    wide as a finger, set off by a line, as a combo box's (the spin box's theme squeezed it
    into a few pixels at the edge)."""
    holder = QWidget()
    qtbot.addWidget(holder)
    holder.setStyleSheet(theme.STYLESHEET)
    edit = date_field(date(2026, 3, 2), holder)
    edit.resize(260, theme.TOUCH)
    holder.show()
    qtbot.waitExposed(holder)
    image = edit.grab().toImage()
    middle = image.height() // 2
    line = [image.pixelColor(x, middle).name() for x in range(image.width())]
    edge = edit.width() - theme.TOUCH  # (give or take the frame's pixel)
    assert "#b8c2cf" in line[edge - 2 : edge + 2], line[edge - 4 :]
    assert line[edit.width() - theme.TOUCH // 2 - 8 : edit.width() - 4].count("#ffffff") < 16

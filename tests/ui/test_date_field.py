"""A date field's calendar: made when its menu first opens (some 40 widgets a dialog with a date
would otherwise make and style as it opens), showing the typed date, and a date picked on it
is the field's."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QApplication, QCalendarWidget
from pytestqt.qtbot import QtBot

from chargeclock.ui.forms import DateField

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

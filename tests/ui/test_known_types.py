"""Widgets Qt made itself, reached with their type given (ui.known_types): the same widgets as
Qt's own calls return, with the same Python types."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QTableView, QToolBar, QToolButton, QWidget
from pytestqt.qtbot import QtBot

from chargeclock.ui.known_types import viewport, wrap_toolbar_widgets

pytestmark = pytest.mark.gui


def test_the_viewport_is_the_views_own(qtbot: QtBot) -> None:
    table = QTableView()
    qtbot.addWidget(table)
    found = viewport(table)
    assert found is table.viewport()
    assert type(found) is QWidget


def test_a_replaced_viewport_is_found_too(qtbot: QtBot) -> None:
    table = QTableView()
    qtbot.addWidget(table)
    table.setViewport(QWidget())
    assert viewport(table) is table.viewport()


def test_the_toolbar_widgets_keep_their_types(qtbot: QtBot) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    toolbar = QToolBar(window)
    window.addToolBar(toolbar)
    first, second = QAction("First", window), QAction("Second", window)
    toolbar.addAction(first)
    separator = toolbar.addSeparator()
    toolbar.addAction(second)
    menu_button = QToolButton(window)
    toolbar.addWidget(menu_button)
    wrap_toolbar_widgets(toolbar)
    buttons = [toolbar.widgetForAction(a) for a in (first, second)]
    assert all(isinstance(b, QToolButton) for b in buttons)
    assert [b.defaultAction() for b in buttons if isinstance(b, QToolButton)] == [first, second]
    assert type(toolbar.widgetForAction(separator)) is QWidget
    assert toolbar.widgetForAction(toolbar.actions()[-1]) is menu_button

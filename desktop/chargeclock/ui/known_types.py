"""Widgets Qt made in C++, reached with their Python type given.

A Qt call that returns a widget Qt made itself (a view's viewport, a toolbar's button for an
action) has PySide find that widget's Python type by building the type of every QWidget class
it might be, with all their enums: ~50 classes (the dialogs, the wizard, the MDI area…), some
15 ms of a start that uses none of them. Asking for the widget as a child of a given type wraps
it as that type, and once wrapped Qt's calls return the same Python object.
"""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractScrollArea, QToolBar, QToolButton, QWidget

VIEWPORT_NAME = "qt_scrollarea_viewport"  # what Qt names a scroll area's viewport


def viewport(view: QAbstractScrollArea) -> QWidget:
    """``view.viewport()`` without the type search."""
    # The search looks at the direct children before their children (it names no
    # Qt.FindChildOption: ui.qt_ints); one found deeper is a nested view's (a header's), when
    # the view's own was replaced.
    found = view.findChild(QWidget, VIEWPORT_NAME)
    return found if found is not None and found.parent() is view else view.viewport()


def wrap_toolbar_widgets(toolbar: QToolBar) -> None:
    """Give the toolbar's own widgets (a button per action, the separators) their Python
    wrappers, so that ``toolbar.widgetForAction`` returns them without the type search: the
    buttons as QToolButton, whatever else as QWidget."""
    # All its descendants, not its children alone: naming Qt.FindChildOption would build Qt's
    # namespace (ui.qt_ints) as the toolbar is fitted for the first paint. Its buttons have no
    # children of their own (the Practice menu is the window's).
    toolbar.findChildren(QToolButton)
    toolbar.findChildren(QWidget)

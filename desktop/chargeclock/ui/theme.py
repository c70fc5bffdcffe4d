"""Look and feel: large touch targets, a font readable at arm's length, one palette."""

from __future__ import annotations

from typing import Protocol

PT_COLOUR = "#1f5fbf"  # therapist time
PTA_COLOUR = "#7a3db8"  # assistant time (CQ / CO)
OK_COLOUR = "#2e7d32"
WARN_COLOUR = "#b26a00"
ALERT_COLOUR = "#c62828"
MUTED = "#5f6b7a"
ROW_HEIGHT = 58
BASE_POINT_SIZE = 12

LARGE_POINT_SIZE = 16  # the large-type setting: readable from two metres
#: Qt's own arrows (a styled drop-down or spin box no longer draws the platform's: without them
#: it drew a stray line where its arrows were)
ARROW_UP = ":/qt-project.org/styles/commonstyle/images/arrow-up-16.png"
ARROW_DOWN = ":/qt-project.org/styles/commonstyle/images/arrow-down-16.png"
#: an item view's background and the radius of its rounded border
VIEW_BACKGROUND = "white"
VIEW_RADIUS = 8
FOCUS_FRAME = "#7f93ad"
#: a line field's room beside its text: the padding below (8 px a side), its border and
#: QLineEdit's own margins
FIELD_PADDING = 24
#: the least a finger can hit: every button, field, tick box and list row is at least this tall
TOUCH = 40


def scale(large: bool) -> float:
    """How much bigger everything is with large type."""
    return LARGE_POINT_SIZE / BASE_POINT_SIZE if large else 1.0


class _Font(Protocol):
    def pointSizeF(self) -> float: ...  # noqa: N802


class _Typed(Protocol):
    def font(self) -> _Font: ...


def type_scale(widget: _Typed) -> float:
    """How much bigger ``widget``'s type is than the usual (large type: 16 pt to 12), asked once
    it is styled (``ensurePolished``), before it is given a size that depends on it."""
    return widget.font().pointSizeF() / BASE_POINT_SIZE


def point_size(large: bool) -> int:
    """The type's size with large type or without."""
    return LARGE_POINT_SIZE if large else BASE_POINT_SIZE


#: how the theme's style sheet begins (:func:`own_sheet` looks for it)
THEME_MARK = "/* ChargeClock theme */"


def stylesheet(point_size: int = BASE_POINT_SIZE) -> str:
    """The window's style at ``point_size`` (the large-type setting raises it)."""
    return f"""{THEME_MARK}
QWidget {{ font-size: {point_size}pt; }}
QMainWindow, QDialog {{ background: #f4f6f9; }}
QLabel#Heading {{ font-size: {point_size + 3}pt; font-weight: 600; color: #1d2733; }}
QLabel#SubHeading {{ color: {MUTED}; }}
QLabel#Headline {{ font-size: {point_size + 8}pt; font-weight: 700; color: #1d2733; }}
QLabel#NextUnit {{ color: {PT_COLOUR}; font-size: {point_size + 1}pt; }}
QLabel#Banner {{
    background: #fff4d6; border: 1px solid #e0b84d; border-radius: 6px; padding: 6px 10px;
    color: #4a3700;
}}
QFrame#Panel {{ background: white; border: 1px solid #d8dee6; border-radius: 8px; }}
QPushButton {{
    min-height: {TOUCH}px; padding: 4px 14px; border-radius: 6px;
    border: 1px solid #b8c2cf; background: white;
}}
QPushButton:hover {{ background: #eef3fa; }}
/* A dialog's Close and OK read as the window's other buttons: text, no platform icon. */
QDialogButtonBox {{ dialogbuttonbox-buttons-have-icons: 0; }}
QPushButton#Primary {{ background: {PT_COLOUR}; color: white; border: none; font-weight: 600; }}
QPushButton#Primary:disabled {{ background: #9db3d6; }}
QLineEdit, QSpinBox, QComboBox, QDateEdit, QDateTimeEdit, QTimeEdit {{
    min-height: {TOUCH - 4}px; padding: 2px 8px; border: 1px solid #b8c2cf; border-radius: 6px;
    background: white;
}}
QComboBox::drop-down {{ border: none; width: 32px; }}
QComboBox::down-arrow {{ image: url({ARROW_DOWN}); }}
/* A spin box's − and + side by side, each a finger's 40 px square. */
QAbstractSpinBox {{ padding-right: {2 * TOUCH + 4}px; }}
QAbstractSpinBox::up-button, QAbstractSpinBox::down-button {{
    subcontrol-origin: border; subcontrol-position: center right; width: {TOUCH}px;
    height: {TOUCH}px; border: 1px solid #b8c2cf; background: #eef1f5;
}}
QAbstractSpinBox::up-button {{ border-top-right-radius: 6px; border-bottom-right-radius: 6px; }}
QAbstractSpinBox::down-button {{ right: {TOUCH + 1}px; }}
QAbstractSpinBox::up-arrow {{ image: url({ARROW_UP}); }}
QAbstractSpinBox::down-arrow {{ image: url({ARROW_DOWN}); }}
/* A date picked from a calendar: one finger-wide button that opens it, as a combo box's. */
QDateEdit[calendarPopup="true"] {{ padding-right: {TOUCH}px; }}
QDateEdit[calendarPopup="true"]::drop-down {{
    subcontrol-origin: border; subcontrol-position: center right; width: {TOUCH}px;
    height: {TOUCH - 4}px; border: none; border-left: 1px solid #b8c2cf;
}}
QCheckBox, QRadioButton {{ min-height: {TOUCH}px; spacing: 10px; }}
QCheckBox::indicator, QRadioButton::indicator, QTableView::indicator, QListView::indicator {{
    width: 28px; height: 28px;
}}
QTableView, QListView {{
    background: {VIEW_BACKGROUND}; border: 1px solid #d8dee6; border-radius: {VIEW_RADIUS}px;
    selection-background-color: #dce8f8; selection-color: #1d2733;
    /* The focused row's frame as plain lines: the platform style's rounded one cost more to
       draw than the rest of a running clock's row, each second. */
    outline: 1px solid {FOCUS_FRAME};
}}
QListView::item {{ min-height: {TOUCH + 4}px; padding: 2px 8px; }}
QHeaderView::section {{
    background: #eef1f5; border: none; border-bottom: 1px solid #d8dee6; padding: 6px;
    font-weight: 600; color: #3b4754;
}}
"""


STYLESHEET = stylesheet()


class _Styled(Protocol):
    def styleSheet(self) -> str: ...  # noqa: N802

    def parentWidget(self) -> _Styled | None: ...  # noqa: N802


def own_sheet(parent: _Styled | None, extra: str = "") -> str:
    """The style sheet for a dialog (or cover) made with ``parent``: ``extra`` alone when
    ``parent`` or a widget above it carries the theme, which the dialog then inherits at the
    window's type size; the theme and ``extra`` for one of its own (a test's, say).

    A dialog of the window that set the theme again, at the usual size, had to be restyled one
    by one when large type was switched, and the lock's cover stayed at the usual size."""
    widget = parent
    while widget is not None:
        if widget.styleSheet().startswith(THEME_MARK):
            return extra
        widget = widget.parentWidget()
    return STYLESHEET + extra

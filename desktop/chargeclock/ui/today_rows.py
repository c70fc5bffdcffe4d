"""The Today list's rows on two lines: the patient's name on the first, the status or the
running clocks below it (the entry's text after its first " · "), so a narrow list (large
type on a 1024×600 panel) cuts neither the name nor the clocks into "Schmidt, …".

:func:`least_width` is how wide the left panel must be for every name of the list to show
whole, up to a cap (a very long name is then cut with "…" rather than squeeze the timers).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from PySide6 import QtCore
from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QPoint, QRect, QSize
from PySide6.QtGui import QColor, QFont, QFontMetrics, QStaticText, QTextOption
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QStyledItemDelegate,
    QWidget,
)

from chargeclock.ui import theme
from chargeclock.ui.qt_ints import ALIGN_VCENTER
from chargeclock.ui.rich_label import escape

if TYPE_CHECKING:  # QStyle and its options are built with the first row painted, not at start
    from PySide6.QtGui import QPainter
    from PySide6.QtWidgets import QStyle, QStyleOptionViewItem

Index = QModelIndex | QPersistentModelIndex
#: a row's text's room on each side
PAD_X = 6
PAD_Y = 4
PANEL_BORDER = 1  # the left panel's styled border, which its frame width does not count


def split(text: str) -> tuple[str, str]:
    """The name and what follows it (``"Roe, Ann · open"`` → ``("Roe, Ann", "open")``)."""
    name, _, rest = text.partition(" · ")
    return name, rest


@cache
def _style_enums() -> tuple[QStyle.StateFlag, QStyle.ControlElement]:
    """(the states in which a row draws more than its text: selected, hovered or focused; the
    item element it then draws): QStyle's enums built with the first row painted, not at the
    start, and not looked up again at each paint (the running row's, each second)."""
    from PySide6.QtWidgets import QStyle

    flags = QStyle.StateFlag
    marked = flags.State_Selected | flags.State_MouseOver | flags.State_HasFocus
    return marked, QStyle.ControlElement.CE_ItemViewItem


def _is_marked(state: QStyle.StateFlag) -> bool:
    """Whether a row in ``state`` is selected, hovered or focused."""
    return bool(state & _style_enums()[0])


def cut(metrics: QFontMetrics, text: str, width: int) -> str:
    """``text``, cut with "…" if it is wider than ``width``. Qt's eliding names a
    ``Qt.TextElideMode`` (its namespace is built at the first: ui.qt_ints): only for a text that
    does not fit, as a rounded advance below ``width`` is a text narrower than it."""
    if metrics.horizontalAdvance(text) < width:
        return text
    from PySide6.QtCore import Qt

    return metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)


#: how a row's line is laid out: on one line, whatever its width
ONE_LINE = QTextOption()
ONE_LINE.setWrapMode(QTextOption.WrapMode.NoWrap)


def _static_text(text: str, colour: str) -> QStaticText:
    """``text`` in ``colour``, as a static text of one line."""
    static = QStaticText(f'<span style="color:{colour}; white-space:pre">{escape(text)}</span>')
    static.setTextOption(ONE_LINE)  # laid out as a document, it would wrap at a space
    return static


def _may_be_marked(view: QWidget, index: Index) -> bool:
    """Whether the row of ``index`` may be selected, hovered or focused, asked of its view:
    the style option's own ``state`` is a QStyle enum, whose type (~44 M instructions) is built
    only once a row may be marked, not for the first frame."""
    if not isinstance(view, QAbstractItemView):
        return True
    selection = view.selectionModel()
    if view.underMouse() or selection is None or selection.isSelected(index):
        return True  # the row under the mouse is hovered
    return bool(view.hasFocus() and selection.currentIndex() == index)


def _namespace_built() -> bool:
    """Whether PySide has built Qt's namespace (a start builds it soon after its first frame:
    a key, a visit's timer cells); a module's attribute is there once its type is built."""
    return "Qt" in vars(QtCore)


class TodayRowDelegate(QStyledItemDelegate):
    """Paints an entry as its name over its status, each line cut with "…" only if needed.

    Until Qt's namespace is built each line is a static text in its colour (the name in the
    row's text colour, the status muted): naming a colour to the painter (``QPainter.setPen``)
    has PySide tell its overloads apart by building the whole namespace (ui.qt_ints), and the
    style's text drawing needs QStyle's type, each a part of the first frame of a window whose
    Today list has rows. Once it is built, the lines are drawn in pens: a static text of a
    running clock's line, new each second, is laid out as rich text (~50 µs a line)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._muted = QColor(theme.MUTED)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        self.initStyleOption(option, index)
        name, rest = split(str(index.data() or ""))
        widget = option.widget
        # The row's background, selection and focus as the stylesheet draws them; a row with
        # none of them is the list's own white (its clock's second repaints only its text).
        if widget is not None and _may_be_marked(widget, index) and _is_marked(option.state):
            option.text = ""
            widget.style().drawControl(_style_enums()[1], option, painter, widget)
        painter.save()
        metrics = option.fontMetrics
        line = metrics.lineSpacing()
        area = option.rect.adjusted(PAD_X, PAD_Y, -PAD_X, -PAD_Y)
        top = area.top() + max(0, (area.height() - 2 * line) // 2)
        painter.setFont(option.font)
        name = cut(metrics, name, area.width())
        rest = cut(metrics, rest, area.width())
        if _namespace_built():  # a colour named to the painter costs nothing more now
            painter.setPen(option.palette.text().color())
            painter.drawText(QRect(area.left(), top, area.width(), line), ALIGN_VCENTER, name)
            painter.setPen(self._muted)
            painter.drawText(
                QRect(area.left(), top + line, area.width(), line), ALIGN_VCENTER, rest
            )
        else:
            colour = option.palette.text().color().name()
            painter.drawStaticText(QPoint(area.left(), top), _static_text(name, colour))
            painter.drawStaticText(QPoint(area.left(), top + line), _static_text(rest, theme.MUTED))
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:  # noqa: N802
        self.initStyleOption(option, index)
        metrics = option.fontMetrics
        name, rest = split(str(index.data() or ""))
        width = max(metrics.horizontalAdvance(name), metrics.horizontalAdvance(rest))
        height = max(theme.TOUCH + 4, 2 * metrics.lineSpacing() + 2 * PAD_Y)
        return QSize(width + 2 * PAD_X, height)


def least_width(view: QListView, point_size: int, most: int) -> int:
    """How wide the panel holding ``view`` must be for its widest name to show whole in
    ``point_size`` type (the stylesheet's, which a hidden list may not have taken yet), at most
    ``most``: the name, the row's padding, the list's frame and scroll bar (there once the day
    fills the list) and the panel's margins."""
    around = 2 * (view.frameWidth() + PANEL_BORDER) + view.verticalScrollBar().sizeHint().width()
    panel = view.parentWidget()
    layout = panel.layout() if panel is not None else None
    if layout is not None:
        margins = layout.contentsMargins()
        around += margins.left() + margins.right()
    model = view.model()
    font = QFont(view.font())
    font.setPointSize(point_size)
    metrics = QFontMetrics(font)
    widest = max(
        (metrics.horizontalAdvance(split(str(model.index(r, 0).data() or ""))[0])
         for r in range(model.rowCount())),
        default=0,
    )  # fmt: skip
    # +2: a text's width is fractional, its advance rounded; "…" is drawn for less
    return min(most, widest + 2 + 2 * PAD_X + around)

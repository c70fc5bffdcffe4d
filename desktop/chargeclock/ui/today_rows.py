"""The Today list's rows on two lines: the patient's name on the first, the status or the
running clocks below it (the entry's text after its first " · "), so a narrow list (large
type on a 1024×600 panel) cuts neither the name nor the clocks into "Schmidt, …".

:func:`least_width` is how wide the left panel must be for every name of the list to show
whole, up to a cap (a very long name is then cut with "…" rather than squeeze the timers).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import QApplication, QListView, QStyledItemDelegate

from chargeclock.ui import theme
from chargeclock.ui.qt_ints import ALIGN_VCENTER

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


#: the role whose colour a row's text takes (its palette's, or the muted palette's)
TEXT = QPalette.ColorRole.Text


class TodayRowDelegate(QStyledItemDelegate):
    """Paints an entry as its name over its status, each line cut with "…" only if needed.

    The text is drawn by the style in a palette's text colour: naming a colour to the painter
    (``QPainter.setPen``) has PySide tell its overloads apart by building the whole ``Qt``
    namespace (ui.qt_ints), some 12 ms of the first frame of a window whose Today list has
    rows."""

    _muted: QPalette | None = None

    def _muted_palette(self) -> QPalette:
        """A palette whose text is the muted colour (made once; only its text role is read)."""
        if self._muted is None:
            # (not a copy of the row's: that constructor's overloads build the namespace too)
            self._muted = QPalette()
            self._muted.setColor(TEXT, QColor(theme.MUTED))
        return self._muted

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        self.initStyleOption(option, index)
        name, rest = split(str(index.data() or ""))
        option.text = ""
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        # The row's background, selection and focus as the stylesheet draws them; a row with
        # none of them is the list's own white (its clock's second repaints only its text).
        if _is_marked(option.state):
            style.drawControl(_style_enums()[1], option, painter, widget)
        painter.save()
        metrics = option.fontMetrics
        line = metrics.lineSpacing()
        area = option.rect.adjusted(PAD_X, PAD_Y, -PAD_X, -PAD_Y)
        top = area.top() + max(0, (area.height() - 2 * line) // 2)
        painter.setFont(option.font)
        first = QRect(area.left(), top, area.width(), line)
        name = cut(metrics, name, area.width())
        style.drawItemText(painter, first, ALIGN_VCENTER, option.palette, True, name, TEXT)
        second = QRect(area.left(), top + line, area.width(), line)
        rest = cut(metrics, rest, area.width())
        muted = self._muted_palette()
        style.drawItemText(painter, second, ALIGN_VCENTER, muted, True, rest, TEXT)
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

"""Paints the PT and PTA timer cells as big buttons; edits untimed minutes with a spin box."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QSpinBox, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from chargeclock.ui import theme
from chargeclock.ui.rows_model import KIND_ROLE, RUNNING_ROLE, CodeRowsModel
from chargeclock.ui.steady import digits_one_width

Index = QModelIndex | QPersistentModelIndex

TIMER_TYPE = 1.15  # a timer's text: a little larger than the table's, to read from across
TEXT_MARGIN = 4  # between a cell's button and its text, a side


_FITS: dict[tuple[object, ...], tuple[QFont, bool]] = {}  # what fitted_text chose, by shape


def _shape(font: QFont, key: str, text: str) -> str:
    """``text`` with its digits as 0 where ``font`` (its key ``key``) gives every digit one
    width (a running clock's next second is then the same fit), else ``text`` itself."""
    if not digits_one_width(font, key):
        return text
    return "".join("0" if c.isdigit() and c.isascii() else c for c in text)


def fitted_text(
    font: QFont, sizes: tuple[float, ...], rect: QRectF, text: str
) -> tuple[QFont, str]:
    """:func:`fit_text`, kept for each shape of text (a clock's seconds repaint once a
    second: its fit is found once per shape, not measured again each second)."""
    font_key = font.key()
    key = (font_key, sizes, rect.width(), rect.height(), _shape(font, font_key, text))
    found = _FITS.get(key)
    if found is None:
        if len(_FITS) > 256:
            _FITS.clear()
        sized, form = fit_text(font, sizes, rect, text)
        found = _FITS[key] = (sized, "\n" in form)
    sized, split = found
    head, _, tail = text.partition("  ")
    return sized, (f"{head}\n{tail}" if split and tail else text)


def fit_text(font: QFont, sizes: tuple[float, ...], rect: QRectF, text: str) -> tuple[QFont, str]:
    """``text`` in ``font`` at the first of ``sizes`` (points, largest first) at which it shows
    whole in ``rect``: on one line, else on two (the role and its mark over the clock, where a
    narrow column has no room for both side by side: large type on a small screen). The type
    is never smaller than the last size, the table's, unless even two lines of it would be
    cut (a clock past ten hours in the narrowest column): then it shrinks rather than cut."""
    head, _, tail = text.partition("  ")
    forms = [text, f"{head}\n{tail}"] if tail else [text]
    sized = QFont(font)
    for points in sizes:
        sized.setPointSizeF(points)
        metrics = QFontMetricsF(sized)
        for form in forms:
            lines = form.split("\n")
            wide = max(metrics.horizontalAdvance(line) for line in lines)
            if wide <= rect.width() and metrics.lineSpacing() * len(lines) <= rect.height():
                return sized, form
    form = forms[-1]
    metrics = QFontMetricsF(sized)
    wide = max(metrics.horizontalAdvance(line) for line in form.split("\n"))
    sized.setPointSizeF(sized.pointSizeF() * min(1.0, rect.width() / wide))
    return sized, form


class TimerCellDelegate(QStyledItemDelegate):
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        kind = index.data(KIND_ROLE)
        if kind not in ("timer", "minutes"):
            super().paint(painter, option, index)
            return
        running = bool(index.data(RUNNING_ROLE))
        is_pt = index.column() == CodeRowsModel.PT
        colour = QColor(theme.PT_COLOUR if is_pt else theme.PTA_COLOUR)
        rect = QRectF(option.rect).adjusted(6, 6, -6, -6)
        text = str(index.data() or "")
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if kind == "timer":
            if running:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(colour)
            else:
                painter.setPen(QPen(colour, 2))
                selected = option.state & QStyle.StateFlag.State_Selected
                painter.setBrush(QColor("#eef3fa") if selected else QColor("white"))
            painter.drawRoundedRect(rect, 8, 8)
            painter.setPen(QColor("white") if running else colour)
            font = QFont(option.font)
            font.setBold(True)
            font.setStyleHint(QFont.StyleHint.Monospace)
            sizes: tuple[float, ...] = (font.pointSizeF() * TIMER_TYPE, font.pointSizeF())
        else:
            painter.setPen(QPen(QColor("#c9d1db"), 1, Qt.PenStyle.DashLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect, 8, 8)
            painter.setPen(QColor(theme.MUTED))
            font = QFont(option.font)
            sizes = (font.pointSizeF(),)
        inside = rect.adjusted(TEXT_MARGIN, 0, -TEXT_MARGIN, 0)
        font, text = fitted_text(font, sizes, inside, text)
        painter.setFont(font)
        painter.drawText(inside, int(Qt.AlignmentFlag.AlignCenter), text)
        painter.restore()

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:  # noqa: N802
        if index.data(KIND_ROLE) != "minutes":
            return super().createEditor(parent, option, index)
        spin = QSpinBox(parent)
        spin.setRange(0, 1440)
        spin.setSuffix(" min")
        spin.setAlignment(Qt.AlignmentFlag.AlignCenter)
        return spin

    def setEditorData(self, editor: QWidget, index: Index) -> None:  # noqa: N802
        if isinstance(editor, QSpinBox):
            editor.setValue(int(index.data(Qt.ItemDataRole.EditRole) or 0))
        else:
            super().setEditorData(editor, index)

    def setModelData(  # noqa: N802
        self, editor: QWidget, model: QAbstractItemModel, index: Index
    ) -> None:
        if isinstance(editor, QSpinBox):
            model.setData(index, editor.value(), Qt.ItemDataRole.EditRole)
        else:
            super().setModelData(editor, model, index)

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> Any:  # noqa: N802
        hint = super().sizeHint(option, index)
        hint.setHeight(max(hint.height(), theme.ROW_HEIGHT))
        return hint

    def updateEditorGeometry(  # noqa: N802
        self, editor: QWidget, option: QStyleOptionViewItem, index: Index
    ) -> None:
        """The minutes' spin box is as wide as its finger-sized − and + buttons and its text
        need, reaching over the next cell if the cell is narrower (inside the table)."""
        super().updateEditorGeometry(editor, option, index)
        if not isinstance(editor, QSpinBox):
            return
        rect = option.rect
        width = max(rect.width(), editor.sizeHint().width())
        parent = editor.parentWidget()
        room = parent.width() if parent is not None else rect.right()
        editor.setGeometry(max(0, min(rect.x(), room - width)), rect.y(), width, rect.height())

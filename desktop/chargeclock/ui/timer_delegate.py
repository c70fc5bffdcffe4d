"""Paints the PT and PTA timer cells as big buttons; edits untimed minutes with a spin box."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QSpinBox, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from chargeclock.ui import theme
from chargeclock.ui.rows_model import KIND_ROLE, RUNNING_ROLE, CodeRowsModel

Index = QModelIndex | QPersistentModelIndex


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
            font.setPointSizeF(font.pointSizeF() * 1.15)
            font.setBold(True)
            font.setStyleHint(QFont.StyleHint.Monospace)
            # A narrow column (a small screen, large type): the text shrinks to fit, never cut.
            wide = QFontMetricsF(font).horizontalAdvance(str(index.data() or ""))
            if wide > rect.width() - 8:
                font.setPointSizeF(font.pointSizeF() * (rect.width() - 8) / wide)
            painter.setFont(font)
        else:
            painter.setPen(QPen(QColor("#c9d1db"), 1, Qt.PenStyle.DashLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect, 8, 8)
            painter.setPen(QColor(theme.MUTED))
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), str(index.data() or ""))
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

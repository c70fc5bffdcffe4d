"""What the authorization, ledger and filing dialogs share: a read-only table of text rows and
a whole number typed in a field (blank: none)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from chargeclock.domain.errors import InputError


def read_only_table(columns: Sequence[str], stretch: int | None = None) -> QTableWidget:
    """Rows selected whole, one at a time; columns sized to their text, ``stretch`` (else the
    last) taking the room left."""
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(list(columns))
    table.verticalHeader().setVisible(False)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if stretch is None:
        header.setStretchLastSection(True)
    else:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


def fill(table: QTableWidget, rows: Sequence[Sequence[str]]) -> list[list[QTableWidgetItem]]:
    """Put ``rows`` in ``table`` (as many rows as given); returns the items, to colour them."""
    table.setRowCount(len(rows))
    items = []
    for row, cells in enumerate(rows):
        items.append([QTableWidgetItem(text) for text in cells])
        for column, item in enumerate(items[-1]):
            table.setItem(row, column, item)
    return items


def whole_or_none(text: str, field: str) -> int | None:
    """A whole number typed in a field; None when blank; an :class:`InputError` otherwise."""
    text = text.strip()
    if not text:
        return None
    if not text.isdigit():
        raise InputError(field, f"{text!r} is not a whole number")
    return int(text)

"""Small list and table models: the left panel's lists and a finalized visit's claim lines.

Each holds immutable rows; no I/O in ``data()``.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from msgspec import Struct
from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex
from PySide6.QtWidgets import QAbstractItemView, QListView

from chargeclock.domain.fees import money
from chargeclock.ui.qt_ints import (
    ALIGN_RIGHT,
    ALIGN_VCENTER,
    DISPLAY_ROLE,
    TEXT_ALIGNMENT_ROLE,
    TOOLTIP_ROLE,
    USER_ROLE,
)
from chargeclock.ui.table_base import SnapshotTableModel

Index = QModelIndex | QPersistentModelIndex
ID_ROLE = USER_ROLE + 10


class ListEntry(Struct, frozen=True):
    """One line of a list: what it shows, a tooltip, and the id it stands for."""

    text: str
    item_id: int
    tooltip: str = ""


class EntryListModel(QAbstractListModel):
    """Today's visits, patient search results: text plus an id."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._entries: list[ListEntry] = []

    def set_entries(self, entries: Sequence[ListEntry]) -> None:
        """Show ``entries``; the same entries again change nothing, and the same items with new
        texts (a running clock's time) only repaint: the selection stays either way."""
        if list(entries) == self._entries:
            return
        if [e.item_id for e in entries] == [e.item_id for e in self._entries] and entries:
            old, self._entries = self._entries, list(entries)
            # Only the rows whose text moved repaint (a running clock's row, once a second).
            for row, (before, after) in enumerate(zip(old, self._entries, strict=True)):
                if before != after:
                    self.dataChanged.emit(self.index(row), self.index(row))
            return
        self.beginResetModel()
        self._entries = list(entries)
        self.endResetModel()

    def entry(self, row: int) -> ListEntry:
        return self._entries[row]

    def row_of(self, item_id: int) -> int:
        return next((i for i, e in enumerate(self._entries) if e.item_id == item_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._entries)

    def data(self, index: Index, role: int = DISPLAY_ROLE) -> Any:
        # The role, an int, first: a view asks each painted row for a dozen roles (Today's
        # running row, each second), and each index call crosses into Qt.
        if role not in (DISPLAY_ROLE, TOOLTIP_ROLE, ID_ROLE):
            return None
        row = index.row()
        if not index.isValid() or not 0 <= row < len(self._entries):
            return None
        entry = self._entries[row]
        if role == DISPLAY_ROLE:
            return entry.text
        if role == TOOLTIP_ROLE:
            return entry.tooltip or None
        return entry.item_id


class RowsListView(QListView):
    """A list of rows of one size whose texts change in place (a running clock's time, once a
    second): a changed row repaints that row alone. ``QListView`` lays all its items out again
    and repaints the whole list for any change of data; with uniform item sizes a new text
    moves no item, so the item view's own repaint of the changed rows is all it takes."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setUniformItemSizes(True)  # one size query, not one per row

    def dataChanged(  # noqa: N802
        self, top_left: Index, bottom_right: Index, roles: Sequence[int] = ()
    ) -> None:
        QAbstractItemView.dataChanged(self, top_left, bottom_right, list(roles))


class LineEntry(Struct, frozen=True):
    """A frozen claim line as the visit screen shows it."""

    code: str
    label: str
    modifiers: tuple[str, ...]
    units: int
    allowed: Decimal | None
    charge: Decimal | None


class ClaimLinesModel(SnapshotTableModel):
    HEADERS = ("Code", "Service", "Modifiers", "Units", "Charge", "Expected allowed")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._lines: list[LineEntry] = []

    def set_lines(self, lines: Sequence[LineEntry]) -> None:
        self.beginResetModel()
        self._lines = list(lines)
        self.endResetModel()

    def row_count(self) -> int:
        return len(self._lines)

    def data(self, index: Index, role: int = DISPLAY_ROLE) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._lines):
            return None
        line = self._lines[index.row()]
        if role == DISPLAY_ROLE:
            return (
                line.code,
                line.label,
                " ".join(line.modifiers),
                str(line.units),
                money(line.charge) if line.charge is not None else "no fee set",
                money(line.allowed) if line.allowed is not None else "unknown",
            )[index.column()]
        if role == TEXT_ALIGNMENT_ROLE and index.column() >= 3:
            return ALIGN_RIGHT | ALIGN_VCENTER
        return None

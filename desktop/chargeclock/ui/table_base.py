"""What every table of immutable rows shares: its counts and its fixed column headers."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex

from chargeclock.ui.qt_ints import DISPLAY_ROLE

if TYPE_CHECKING:
    from PySide6.QtCore import Qt

Index = QModelIndex | QPersistentModelIndex


class CountedTableModel(QAbstractTableModel):
    """A flat table: ``HEADERS`` name the columns, ``row_count()`` says how many rows. Its
    header shows what a model of the subclass's gives it (ui.rows_model)."""

    HEADERS: tuple[str, ...] = ()

    def row_count(self) -> int:
        raise NotImplementedError

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else self.row_count()

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.HEADERS)


@cache
def _horizontal() -> Qt.Orientation:
    from PySide6.QtCore import Qt  # built already: a header's ``orientation`` is one of its enums

    return Qt.Orientation.Horizontal


class SnapshotTableModel(CountedTableModel):
    """A flat table whose header says ``HEADERS``."""

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = DISPLAY_ROLE
    ) -> Any:
        # A header asks each section for a dozen roles at each measure (a History of two
        # tables, some 700 calls): the role, an int, is looked at first, and the import
        # statement (a lookup through PySide's import hook at each call) is made once.
        if role != DISPLAY_ROLE or not 0 <= section < len(self.HEADERS):
            return None
        if orientation == _horizontal():
            return self.HEADERS[section]
        return None

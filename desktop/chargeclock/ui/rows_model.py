"""The open visit's code rows: one thin table model over immutable row snapshots.

Elapsed time is ``closed seconds + (now - running since)``: the stored timestamps and the injected
clock's ``now``; the ticker only moves ``now`` and repaints the running cells. ``data()`` does no
I/O. Requests (start/stop a timer, tick an untimed code, type its minutes) leave as signals; the
window sends them to the services and hands back fresh snapshots.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from msgspec import Struct
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QStandardItem, QStandardItemModel

from chargeclock.services.minutes import CodeState
from chargeclock.services.running import clock_text
from chargeclock.ui import theme
from chargeclock.ui.qt_ints import (
    ALIGN_CENTER,
    CHECK_STATE_ROLE,
    DISPLAY_ROLE,
    EDIT_ROLE,
    FONT_ROLE,
    FOREGROUND_ROLE,
    TEXT_ALIGNMENT_ROLE,
    TOOLTIP_ROLE,
    USER_ROLE,
)
from chargeclock.ui.table_base import CountedTableModel

if TYPE_CHECKING:
    from PySide6.QtCore import Qt

__all__ = ["CodeRow", "CodeRowsModel", "clock_text"]

ROLES = ("PT", "PTA")
RUNNING_ROLE = USER_ROLE + 1  # bool: this timer cell is running
KIND_ROLE = USER_ROLE + 2  # "timer", "minutes" or "" for the delegate

Index = QModelIndex | QPersistentModelIndex


class _Looks:
    """What the cells answer with, made once, when the first visit shows (Qt's namespace is
    built by then): the code column's bold, the service column's muted colour, the flags and
    the check states. A cell asked for them made a new font or brush, or ran an import
    statement, at each paint (a running timer's cell, each second)."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt

        self.bold = QFont()
        self.bold.setBold(True)
        self.muted = QBrush(QColor(theme.MUTED))
        flag = Qt.ItemFlag
        self.no_flags = flag.NoItemFlags
        self.base = flag.ItemIsEnabled | flag.ItemIsSelectable
        self.checkable = self.base | flag.ItemIsUserCheckable
        self.editable = self.base | flag.ItemIsEditable
        self.checked, self.unchecked = Qt.CheckState.Checked, Qt.CheckState.Unchecked


@cache
def _looks() -> _Looks:
    return _Looks()


class CodeRow(Struct, frozen=True):
    """One row: a code of the open visit (``state``), or a favourite not yet on it (``None``)."""

    code: str
    label: str
    timed: bool
    state: CodeState | None = None

    def seconds(self, role: str, now: datetime) -> int:
        return self.state.role_seconds(role, now) if self.state else 0

    def running(self, role: str) -> bool:
        return self.state.is_running(role) if self.state else False

    @property
    def performed(self) -> bool:
        """Untimed codes: ticked (on the visit)."""
        return self.state is not None

    def untimed_minutes(self, role: str) -> int:
        untimed = self.state.untimed if self.state else None
        if untimed is None:
            return 0
        return (untimed.pt_minutes if role == "PT" else untimed.pta_minutes) or 0


class CodeRowsModel(CountedTableModel):
    CODE, SERVICE, PT, PTA, UNITS = range(5)
    HEADERS = ("Code", "Service", "Therapist (PT)", "Assistant (PTA)", "Units")
    #: where the timer columns are too narrow for the whole words (large type on a small screen);
    #: the whole words stay in the header's tooltip
    SHORT_HEADERS = ("Code", "Service", "PT", "PTA", "Units")

    #: a timer cell was asked to toggle: (code, role)
    timer_toggle_requested = Signal(str, str)
    #: an untimed code's tick box was changed: (code, performed)
    untimed_toggle_requested = Signal(str, bool)
    #: an untimed code's minutes were typed: (code, role, minutes)
    untimed_minutes_requested = Signal(str, str, int)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[CodeRow] = []
        self._units: dict[str, tuple[int, int]] = {}
        self._now = datetime(1970, 1, 1, tzinfo=UTC)  # until the first snapshot
        self.read_only = False
        self.short_headers = False
        #: the header's labels and tooltips, which the table's header view shows: a model of
        #: Qt's own, as a ``headerData`` of ours would be called with a ``Qt.Orientation``,
        #: and the first call builds all of Qt's namespace (ui.qt_ints) before the window
        #: paints; this model has no ``headerData`` of its own for the same reason
        self.header_labels = QStandardItemModel(0, len(self.HEADERS), self)
        self.header_labels.setHorizontalHeaderLabels(list(self.HEADERS))
        for column, text in enumerate(self.HEADERS):
            self._header_item(column).setToolTip(text)

    # -- snapshots in ---------------------------------------------------------------------

    def set_rows(self, rows: Sequence[CodeRow], now: datetime) -> None:
        """Show new snapshots; resets only when the list of codes changed."""
        self._now = now
        new = list(rows)
        if [r.code for r in new] != [r.code for r in self._rows]:
            self.beginResetModel()
            self._rows = new
            self.endResetModel()
            return
        old, self._rows = self._rows, new
        # Only the rows that changed repaint (a tap changes one or two), and of a timed row
        # whose timers alone changed, only its two timer cells (the units follow set_units).
        for row, (before, after) in enumerate(zip(old, new, strict=True)):
            if before == after:
                continue
            timers_only = before.timed and after.timed and before.label == after.label
            first = self.PT if timers_only else self.CODE
            last = self.PTA if timers_only else self.UNITS
            self.dataChanged.emit(self.index(row, first), self.index(row, last))

    def set_units(self, units: Mapping[str, tuple[int, int]]) -> None:
        """Units and assistant units per code, from the engine; repaints the changed cells."""
        old, self._units = self._units, dict(units)
        for row, code_row in enumerate(self._rows):
            if old.get(code_row.code) != self._units.get(code_row.code):
                cell = self.index(row, self.UNITS)
                self.dataChanged.emit(cell, cell)

    def tick(self, now: datetime) -> None:
        """Move the clock: repaint only the running timer cells."""
        self._now = now
        for row, code_row in enumerate(self._rows):
            for column, role in ((self.PT, "PT"), (self.PTA, "PTA")):
                if code_row.timed and code_row.running(role):
                    cell = self.index(row, column)
                    self.dataChanged.emit(cell, cell, [DISPLAY_ROLE])

    def row_at(self, row: int) -> CodeRow:
        return self._rows[row]

    def rows(self) -> list[CodeRow]:
        return list(self._rows)

    def row_of(self, code: str) -> int:
        return next((i for i, r in enumerate(self._rows) if r.code == code), -1)

    # -- Qt model ---------------------------------------------------------------------------

    def set_short_headers(self, short: bool) -> None:
        """ "PT" and "PTA" over the timer columns (True) or the whole words."""
        if short != self.short_headers:
            self.short_headers = short
            for column, text in enumerate(self.SHORT_HEADERS if short else self.HEADERS):
                self._header_item(column).setText(text)

    def _header_item(self, column: int) -> QStandardItem:
        item = self.header_labels.horizontalHeaderItem(column)
        assert item is not None  # setHorizontalHeaderLabels made one per column
        return item

    def row_count(self) -> int:
        return len(self._rows)

    def flags(self, index: Index) -> Qt.ItemFlag:
        looks = _looks()  # asked with a row only: a visit shows, Qt is built
        if not index.isValid():
            return looks.no_flags
        row = self._rows[index.row()]
        if self.read_only:
            return looks.base
        if not row.timed and index.column() == self.CODE:
            return looks.checkable
        if not row.timed and index.column() in (self.PT, self.PTA):
            return looks.editable
        return looks.base

    def data(self, index: Index, role: int = DISPLAY_ROLE) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, column = self._rows[index.row()], index.column()
        who = "PT" if column == self.PT else "PTA"
        if role == DISPLAY_ROLE:
            return self._display(row, column)
        if role == EDIT_ROLE and column in (self.PT, self.PTA) and not row.timed:
            return row.untimed_minutes(who)
        if role == CHECK_STATE_ROLE and column == self.CODE and not row.timed:
            return _looks().checked if row.performed else _looks().unchecked
        if role == RUNNING_ROLE and column in (self.PT, self.PTA):
            return row.timed and row.running(who)
        if role == KIND_ROLE:
            if column in (self.PT, self.PTA):
                return "timer" if row.timed else "minutes"
            return ""
        if role == FONT_ROLE and column in (self.CODE, self.UNITS):
            return _looks().bold
        if role == FOREGROUND_ROLE and column == self.SERVICE:
            return _looks().muted
        if role == TOOLTIP_ROLE:
            return self._tooltip(row, column)
        if role == TEXT_ALIGNMENT_ROLE and column in (self.PT, self.PTA, self.UNITS):
            return ALIGN_CENTER
        return None

    def _display(self, row: CodeRow, column: int) -> str:
        if column == self.CODE:
            return row.code
        if column == self.SERVICE:
            return row.label if row.timed else f"{row.label} (untimed)"
        if column in (self.PT, self.PTA):
            who = "PT" if column == self.PT else "PTA"
            if not row.timed:
                minutes = row.untimed_minutes(who)
                return f"{who}  {minutes} min" if minutes else f"{who}  — min"
            mark = "■" if row.running(who) else "▶"
            return f"{who} {mark}  {clock_text(row.seconds(who, self._now))}"
        units, assistant = self._units.get(row.code, (0, 0))
        if not row.timed and not row.performed:
            return "—"
        return f"{units} ({assistant} CQ)" if assistant else str(units)

    def _tooltip(self, row: CodeRow, column: int) -> str | None:
        if column in (self.PT, self.PTA) and row.timed:
            who = "PT" if column == self.PT else "PTA"
            verb = "Stop" if row.running(who) else "Start"
            return f"{verb} {who} time on {row.code}"
        if column in (self.PT, self.PTA):
            return "Minutes furnished (optional, for documentation)"
        return None

    def setData(self, index: Index, value: Any, role: int = EDIT_ROLE) -> bool:  # noqa: N802
        """Edits become requests; the window saves them and sends back new snapshots."""
        from PySide6.QtCore import Qt

        if not index.isValid() or self.read_only:
            return False
        row, column = self._rows[index.row()], index.column()
        if role == CHECK_STATE_ROLE and column == self.CODE and not row.timed:
            checked = Qt.CheckState(value) == Qt.CheckState.Checked
            self.untimed_toggle_requested.emit(row.code, checked)
            return True
        if role == EDIT_ROLE and column in (self.PT, self.PTA) and not row.timed:
            who = "PT" if column == self.PT else "PTA"
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1440:
                return False
            self.untimed_minutes_requested.emit(row.code, who, value)
            return True
        return False

"""History's visit table as a model: one row per visit, texts made when a cell is shown (a
decade's 1,110 visits open without building a widget per cell)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QStringListModel

from chargeclock.services.history import VisitSummary
from chargeclock.services.rows import PaymentRow
from chargeclock.ui.qt_ints import (
    ALIGN_RIGHT,
    ALIGN_VCENTER,
    DISPLAY_ROLE,
    TEXT_ALIGNMENT_ROLE,
    TOOLTIP_ROLE,
)
from chargeclock.ui.table_base import Index, SnapshotTableModel

VISIT_COLUMNS = ("Date", "Visit", "Status", "Claim lines", "Units", "Charges", "Paid")
_RIGHT = ALIGN_RIGHT | ALIGN_VCENTER


def dollars(amount: Decimal | None) -> str:
    """``$1,234.50``; a negative amount (a credit, a refund) ``-$2.50``; none ``—``."""
    if amount is None:
        return "—"
    return f"-${-amount:,.2f}" if amount < 0 else f"${amount:,.2f}"


def month_day_year(day: date) -> str:
    """``03/02/2026`` (as ``strftime("%m/%d/%Y")``, at a fraction of its cost per row)."""
    return f"{day.month:02d}/{day.day:02d}/{day.year:04d}"


class _TextRows(SnapshotTableModel):
    """Rows kept as given; each cell's text made by :meth:`text` when the view asks for it;
    ``RIGHT_ALIGNED`` columns (amounts, counts) set to the right."""

    RIGHT_ALIGNED: frozenset[int] = frozenset()
    #: columns whose whole text is the cell's tooltip too (a long one is cut with "…")
    TOOLTIPS: frozenset[int] = frozenset()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []

    def _reset(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_count(self) -> int:
        return len(self._rows)

    def text(self, row: int, column: int) -> str:
        raise NotImplementedError

    def data(self, index: Index, role: int = DISPLAY_ROLE) -> Any:
        # A view asks each cell it paints for a dozen roles: the role, an int, is looked at
        # before the index (each of whose calls crosses into Qt).
        if role == DISPLAY_ROLE or (role == TOOLTIP_ROLE and index.column() in self.TOOLTIPS):
            row = index.row()
            if index.isValid() and 0 <= row < len(self._rows):
                return self.text(row, index.column())
        elif role == TEXT_ALIGNMENT_ROLE and index.column() in self.RIGHT_ALIGNED:
            return _RIGHT
        return None


class VisitHistoryModel(_TextRows):
    """The patient's visits (newest first) with what was paid against each."""

    HEADERS = VISIT_COLUMNS
    RIGHT_ALIGNED = frozenset({4, 5, 6})
    TOOLTIPS = frozenset({3})  # a visit's claim lines, all of them
    _rows: list[VisitSummary]

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._paid: Mapping[int, Decimal] = {}

    def set_rows(self, rows: Sequence[VisitSummary], paid: Mapping[int, Decimal]) -> None:
        self._paid = dict(paid)
        self._reset(rows)

    def summary(self, row: int) -> VisitSummary:
        return self._rows[row]

    def summaries(self) -> list[VisitSummary]:
        return list(self._rows)

    def row_of(self, visit_id: int) -> int:
        """The row of a visit, or -1."""
        return next((n for n, r in enumerate(self._rows) if r.visit_id == visit_id), -1)

    def total_charges(self) -> Decimal:
        cents = 0
        for row in self._rows:
            if row.charge_cents is not None:
                cents += row.charge_cents
        return (Decimal(cents) / 100).quantize(Decimal("0.01"))

    def text(self, row: int, column: int) -> str:
        summary = self._rows[row]
        if column == 0:
            return month_day_year(summary.date_of_service)
        if column == 1:
            return f"#{summary.visit_id}"
        if column == 2:
            return summary.status
        if column == 3:
            return summary.described
        if column == 4:
            return "" if summary.units is None else str(summary.units)
        if column == 5:
            return dollars(summary.charge)
        return dollars(self._paid.get(summary.visit_id))


PAYMENT_COLUMNS = ("Date", "Amount", "Method", "Visit")


class PaymentsModel(_TextRows):
    """The patient's payments, newest first as the visits above them (a payment just recorded
    shows at the top, not past a decade's payments)."""

    HEADERS = PAYMENT_COLUMNS
    RIGHT_ALIGNED = frozenset({1})
    _rows: list[PaymentRow]

    _reversed: frozenset[int] = frozenset()

    def set_payments(
        self, rows: Sequence[PaymentRow], reversed_ids: frozenset[int] = frozenset()
    ) -> None:
        """``rows`` oldest first (by the day paid, then as entered), as the store lists them;
        those of ``reversed_ids`` were reversed in the ledger (said beside their method)."""
        self._reversed = reversed_ids
        self._reset(rows[::-1])

    def text(self, row: int, column: int) -> str:
        payment = self._rows[row]
        if column == 0:
            return month_day_year(payment.paid_on)
        if column == 1:
            return dollars(payment.amount)
        if column == 2:
            reversed_ = payment.id in self._reversed
            return f"{payment.method} (reversed)" if reversed_ else payment.method
        return f"#{payment.visit_id}" if payment.visit_id else "—"


class VisitChoicesModel(QStringListModel):
    """The "For visit" choices: "Not for one visit", then each visit; :meth:`visit_id` of a
    row. The labels are a list the model keeps in Qt: a combo box walks all its rows when it is
    sized and shown, which a model answering from Python would pay for per row, per open."""

    NONE = "Not for one visit"

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._ids: list[int | None] = [None]
        self.setStringList([self.NONE])

    def set_visits(self, rows: Sequence[VisitSummary]) -> None:
        self._ids = [None]
        labels = [self.NONE]
        for r in rows:  # one loop, no call per visit (``month_day_year`` inlined)
            day = r.date_of_service
            self._ids.append(r.visit_id)
            labels.append(f"#{r.visit_id} · {day.month:02d}/{day.day:02d}/{day.year:04d}")
        self.setStringList(labels)

    def visit_id(self, row: int) -> int | None:
        """The visit of choice ``row`` (None: not for one visit, or no such row)."""
        return self._ids[row] if 0 <= row < len(self._ids) else None

    @staticmethod
    def row_of(history_row: int) -> int:
        """The choice of the visit in History's row ``history_row`` (both list the same
        visits in the same order, after "Not for one visit")."""
        return history_row + 1

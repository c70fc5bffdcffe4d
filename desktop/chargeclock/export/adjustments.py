"""A statement's adjustments, refunds and reversals: a table of their own above the totals."""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import inch
from reportlab.platypus import Flowable, Spacer

from chargeclock.domain.superbill_model import Superbill
from chargeclock.export.block_table import Block, BlockTable
from chargeclock.export.styles import day, grid_style, money
from chargeclock.export.styles import para as _p


def dated_table(header: list[str], rows: list[list[Any]], width: float) -> Flowable:
    """A date, a text and an amount (right-aligned) per row, the header repeated on each page.
    Each row a block of a :class:`BlockTable`: a decade's statement lists some 800 payments and
    as many adjustments, which one reportlab ``Table`` would measure again at each page."""
    style = grid_style()
    style.append(("ALIGN", (2, 0), (2, -1), "RIGHT"))
    widths = [1.0 * inch, width - 2.0 * inch, 1.0 * inch]
    return BlockTable(header, [Block([row], []) for row in rows], widths, style)


def adjustment_totals(bill: Superbill) -> list[list[str]]:
    """The totals' rows for the adjustments: payments reversed, then the rest."""
    if not bill.adjustments:
        return []
    reversed_payments = bill.total_payments_reversed
    rows = []
    if reversed_payments:
        rows.append(["Payments reversed", money(reversed_payments)])
    rows.append(["Adjustments", money(-(bill.total_adjustments + reversed_payments))])
    return rows


def adjustments_table(bill: Superbill, width: float) -> Flowable:
    """Date, what it is, and what it takes off the balance (a refund adds: shown positive)."""
    rows = [[day(a.date), a.kind, money(-a.amount)] for a in bill.adjustments]
    return dated_table(["Date", "Adjustment", "Amount"], rows, width)


def adjustments_story(bill: Superbill, width: float) -> list[Flowable]:
    """The heading and table, or nothing when the bill has no adjustment."""
    if not bill.adjustments:
        return []
    return [
        _p("Adjustments", "heading"),
        Spacer(1, 3),
        adjustments_table(bill, width),
        Spacer(1, 10),
    ]

"""The superbill's money: one table row per claim line (the header repeats on every page; each
visit closes with its minutes and subtotal and stays on one page), then payments and totals."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from reportlab.lib.units import inch
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    Flowable,
    Table,
    TableStyle,
)

from chargeclock.domain.superbill_model import Superbill, SuperbillLine, SuperbillVisit
from chargeclock.export.adjustments import adjustment_totals, dated_table
from chargeclock.export.block_table import Block, BlockTable
from chargeclock.export.styles import (
    ACCENT,
    BODY_SIZE,
    BOLD,
    FONT,
    INK,
    ITALIC,
    MUTED,
    RULE,
    SUBTOTAL_FILL,
    SUBTOTAL_INK,
    day,
    grid_style,
    money,
)
from chargeclock.export.styles import esc as _e
from chargeclock.export.styles import para as _p
from chargeclock.export.styles import provider_markup as _provider

_LINE_HEADER = ["Date", "POS", "Code", "Description", "Modifiers", "Dx", "Units", "Charge"]


def _line_widths(width: float) -> list[float]:
    fixed = [56.0, 27.0, 36.0, 0.0, 62.0, 56.0, 32.0, 62.0]
    fixed[3] = width - sum(fixed)
    return fixed


def _visit_summary(visit: SuperbillVisit, several_providers: bool, room: float) -> Any:
    """The visit's closing line: plain text, or a paragraph where it names the provider (a
    name may need other fonts, or more than one line)."""
    text = (
        f"{day(visit.date_of_service)} visit · total timed minutes: "
        f"{visit.total_timed_minutes} · total treatment time: {visit.total_treatment_minutes} min"
    )
    if not several_providers:
        return text
    name = _provider(visit.provider, "summary", room)
    return _p(f"{_e(text)} · {name}", "summary")


#: how a Medicare-bundled line (status B, e.g. 97010) is marked: listed, adding nothing
BUNDLED = "not billed separately"


def _charge_cell(line: SuperbillLine) -> str:
    if line.no_charge:
        return "no charge"
    if line.bundled:
        return "—"
    return money(line.charge)


def lines_table(bill: Superbill, width: float) -> Flowable:
    """One row per claim line, each visit closed by its minutes and subtotal; a visit stays on
    one page and the header repeats on every page. A :class:`BlockTable`: a statement of many
    visits renders in time linear in its visits (one Table of every line was re-measured at
    each page break)."""
    widths = _line_widths(width)
    label_room = widths[3] - 8
    several = len(bill.providers) > 1
    blocks = []
    for visit in bill.visits:
        rows: list[list[Any]] = []
        for line in visit.lines:
            label: Any = line.label
            if line.bundled:
                label = _p(f"{_e(line.label)} · <i>{BUNDLED}</i>", "cell")
            elif stringWidth(line.label, FONT, BODY_SIZE) > label_room:
                label = _p(_e(line.label), "cell")
            rows.append(
                [
                    day(line.date_of_service),
                    line.place_of_service,
                    line.code,
                    label,
                    " ".join(line.modifiers),
                    ", ".join(line.diagnosis_pointers),
                    str(line.units),
                    _charge_cell(line),
                ]
            )
        row = len(rows)
        summary = _visit_summary(visit, several, sum(widths[:6]) - 8)
        rows.append(
            [summary, "", "", "", "", "", str(visit.total_units), money(visit.total_charges)]
        )
        blocks.append(
            Block(
                rows,
                [
                    ("SPAN", (0, row), (5, row)),
                    ("BACKGROUND", (0, row), (-1, row), SUBTOTAL_FILL),
                    ("FONT", (0, row), (5, row), ITALIC, 8),
                    ("TEXTCOLOR", (0, row), (5, row), SUBTOTAL_INK),
                    ("FONT", (6, row), (7, row), BOLD, BODY_SIZE),
                    ("LINEBELOW", (0, row), (-1, row), 0.6, RULE),
                ],
            )
        )
    style = grid_style()
    style += [
        ("ALIGN", (6, 0), (7, -1), "RIGHT"),
        ("ALIGN", (1, 0), (1, -1), "CENTER"),
        ("FONT", (2, 1), (2, -1), BOLD, BODY_SIZE),
    ]
    return BlockTable(list(_LINE_HEADER), blocks, widths, style)


# Up to this many payments sit beside the totals; more get a table of their own that may run
# over pages (a long statement), and the totals follow it.
PAYMENTS_BESIDE_TOTALS = 12


def payments_table(bill: Superbill, width: float) -> Flowable:
    return dated_table(
        ["Payment date", "Method", "Amount"],
        [[day(p.date), p.method or "-", money(p.amount)] for p in bill.payments],
        width,
    )


def payments_and_totals(bill: Superbill, width: float) -> Flowable:
    totals: list[list[Any]] = [
        ["Units billed", str(bill.total_units)],
        ["Total charges", money(bill.total_charges)],
        ["Payments received", money(-bill.total_payments) if bill.payments else money(Decimal(0))],
        *adjustment_totals(bill),
        ["Credit balance" if bill.balance < 0 else "Balance due", money(abs(bill.balance))],
    ]
    totals_width = 2.7 * inch
    totals_table = Table(totals, colWidths=[totals_width - 1.0 * inch, 1.0 * inch])
    totals_table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, 9.5),
                ("TEXTCOLOR", (0, 0), (-1, -1), INK),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("FONT", (0, -1), (-1, -1), BOLD, 11),
                ("TEXTCOLOR", (0, -1), (-1, -1), ACCENT),
                ("LINEABOVE", (0, -1), (-1, -1), 1.0, ACCENT),
                ("FONT", (0, 0), (-1, 0), FONT, 8),
                ("TEXTCOLOR", (0, 0), (-1, 0), MUTED),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                ("TOPPADDING", (0, -1), (-1, -1), 5),
            ]
        )
    )
    gap = 0.3 * inch
    left_width = width - totals_width - gap
    left: Any = _p("No payments recorded.", "small")
    if len(bill.payments) > PAYMENTS_BESIDE_TOTALS:
        left = _p(f"{len(bill.payments)} payments, listed above.", "small")
    elif bill.payments:
        left = payments_table(bill, left_width)
    table = Table([[left, "", totals_table]], colWidths=[left_width, gap, totals_width])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table

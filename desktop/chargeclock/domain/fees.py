"""Medicare allowed-amount estimates per claim line (rules.md §6).

Order of operations, per line: the multiple procedure payment reduction (MPPR) on units whose RVU
parts are known, then the assistant rate (85 % from 2022) on CQ/CO lines, then rounding half-up to
cents. Totals add the rounded line amounts. An unknown amount stays ``None`` — never zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from msgspec import Struct

from chargeclock.domain.rulebook import Fee, RuleYear

if TYPE_CHECKING:  # visit_types reads its money from here
    from chargeclock.domain.visit_types import VisitInput

CENT = Decimal("0.01")


def round_cents(amount: Decimal) -> Decimal:
    """Half-up to cents, as the contract fixes for every line."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def rvu(value: Decimal | None) -> str:
    """An RVU figure for the trace: at most four decimals, no trailing zeros."""
    if value is None:
        return "?"
    return f"{value.quantize(Decimal('0.0001'), rounding=ROUND_HALF_UP).normalize():f}"


def money(amount: Decimal) -> str:
    """``$1,234.50`` for traces and messages."""
    return f"${amount:,.2f}"


class LineToPrice(Struct, frozen=True):
    """One claim line to price: its code, units and whether it is assistant time."""

    code: str
    units: int
    assistant: bool


class PricedLine(Struct, frozen=True):
    """The allowed amount of one line (None when unknown) and how it was reached."""

    allowed: Decimal | None
    explanation: str


def _rvu_amount(fee: Fee, rules: RuleYear, full_units: int, reduced_units: int) -> Decimal:
    assert fee.work_rvu is not None and fee.pe_rvu is not None and fee.mp_rvu is not None
    assert rules.conversion_factor is not None
    full_rvu = fee.work_rvu + fee.pe_rvu + fee.mp_rvu
    reduced_rvu = fee.work_rvu + fee.mp_rvu + fee.pe_rvu * rules.mppr_pe_rate
    return (full_rvu * full_units + reduced_rvu * reduced_units) * rules.conversion_factor


def _highest_pe_line(lines: Sequence[LineToPrice], rules: RuleYear) -> int | None:
    """The line whose first unit is paid in full: the first in claim order with the highest PE
    (rules.md §6), among codes whose RVU parts are known."""
    best: Decimal | None = None
    best_index: int | None = None
    for index, line in enumerate(lines):
        fee = rules.fee(line.code)
        if line.units == 0 or fee is None or fee.pe_rvu is None or not fee.has_rvu_parts:
            continue
        if best is None or fee.pe_rvu > best:
            best, best_index = fee.pe_rvu, index
    return best_index


def price_on_day(
    lines: Sequence[LineToPrice], visit: VisitInput, rules: RuleYear
) -> list[PricedLine]:
    """``visit``'s ``lines`` priced beside its day's lines of other disciplines (the
    multiple-procedure reduction is per patient per day: :func:`price_lines`)."""
    others = [LineToPrice(o.code, o.units, o.assistant) for o in visit.other_day_lines]
    return price_lines(lines, rules, others)


def price_lines(
    lines: Sequence[LineToPrice],
    rules: RuleYear,
    other_day_lines: Sequence[LineToPrice] = (),
) -> list[PricedLine]:
    """Allowed amount of each line, with a plain-words explanation.

    MPPR is per patient per day across PT, OT and SLP (claims.md §1): ``other_day_lines`` are the
    day's lines of the other disciplines, listed first. When the highest practice expense is
    among them, every unit of ``lines`` is reduced."""
    full_line: int | None = None
    if rules.conversion_factor is not None:
        day_full = _highest_pe_line([*other_day_lines, *lines], rules)
        if day_full is not None and day_full >= len(other_day_lines):
            full_line = day_full - len(other_day_lines)
    rate = rules.assistant_payment_rate
    priced: list[PricedLine] = []
    for index, line in enumerate(lines):
        code = rules.code(line.code)
        fee = rules.fee(line.code)
        label = f"{line.code}{' (assistant line)' if line.assistant else ''} x{line.units}"
        if code is not None and code.medicare_status == "B":
            priced.append(PricedLine(Decimal("0.00"), f"{label}: bundled (status B), $0.00"))
            continue
        if fee is not None and fee.has_rvu_parts and rules.conversion_factor is not None:
            full = 1 if index == full_line else 0
            reduced = line.units - full
            raw = _rvu_amount(fee, rules, full, reduced)
            if full:
                how = f"{full} unit in full at {rvu(fee.total_rvu)} RVU"
            elif other_day_lines and full_line is None:
                how = "no unit in full (another discipline's line that day has the highest PE)"
            else:
                how = "no unit in full (another unit has the highest practice expense)"
            if reduced:
                how += (
                    f", {reduced} reduced by MPPR to work {rvu(fee.work_rvu)} + MP "
                    f"{rvu(fee.mp_rvu)} + {rules.mppr_pe_rate:.0%} of PE {rvu(fee.pe_rvu)}"
                )
            how += f", x CF ${rules.conversion_factor} = ${raw:.4f}"
        elif fee is not None and fee.amount is not None:
            raw = fee.amount * line.units
            how = (
                f"known only as a total ({money(fee.amount)} each), not reduced by MPPR (estimate)"
            )
        else:
            priced.append(PricedLine(None, f"{label}: no {rules.year} amount known (unknown)"))
            continue
        if line.assistant and rate != 1:
            raw = raw * rate
            how += f", x {rate:.0%} for the assistant = ${raw:.4f}"
        allowed = round_cents(raw)
        priced.append(PricedLine(allowed, f"{label}: {how} -> {money(allowed)}"))
    return priced

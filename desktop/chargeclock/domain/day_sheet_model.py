"""The day sheet: what a clinic checks before it closes the day — every visit of the date with
its patient, times, units, charges and payments; which visits are still open and which timers
still run; totals by code and by payer. Units and charges are the frozen claim lines'."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from msgspec import Struct


class DaySheetVisit(Struct, frozen=True):
    """One visit of the day. ``units`` and ``charges`` are its own frozen claim lines (a visit
    pooled into a later same-day visit has none: ``billed_with`` names that visit)."""

    visit_id: int
    patient_id: int
    patient: str
    payer: str
    status: str
    first_start: datetime | None  # the first timer start, in the clinic's zone
    last_stop: datetime | None  # the last timer stop (None while one runs, or none ran)
    units: int
    charges: Decimal
    payments: Decimal
    running: tuple[str, ...] = ()  # "97110 PT" for each timer still running
    billed_with: int | None = None

    @property
    def flags(self) -> tuple[str, ...]:
        out = []
        if self.status == "open":
            out.append("OPEN")
        if self.running:
            out.append("TIMER RUNNING: " + ", ".join(self.running))
        if self.status == "void":
            out.append("VOID")
        if self.billed_with is not None:
            out.append(f"billed with visit {self.billed_with}")
        return tuple(out)


class CodeTotal(Struct, frozen=True):
    code: str
    units: int
    charges: Decimal
    assistant_units: int  # units on lines with CQ/CO (furnished in part by an assistant)


class PayerTotal(Struct, frozen=True):
    payer: str
    visits: int
    units: int
    charges: Decimal
    payments: Decimal


class DaySheet(Struct, frozen=True):
    """The whole day."""

    day: date
    practice: str
    zone_name: str
    visits: tuple[DaySheetVisit, ...]
    by_code: tuple[CodeTotal, ...]
    by_payer: tuple[PayerTotal, ...]
    unassigned_payments: Decimal  # received today for no visit of today

    @property
    def units(self) -> int:
        return sum(v.units for v in self.visits)

    @property
    def charges(self) -> Decimal:
        return sum((v.charges for v in self.visits), Decimal(0))

    @property
    def payments(self) -> Decimal:
        return sum((p.payments for p in self.by_payer), Decimal(0))

    @property
    def open_visits(self) -> int:
        return sum(1 for v in self.visits if v.status == "open")

    @property
    def running_timers(self) -> int:
        return sum(len(v.running) for v in self.visits)

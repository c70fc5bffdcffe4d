"""History's rows: each of a patient's visits as History lists it, read in one statement
(``storage.history``) however many years the patient has. What only a shown row needs (the
lines described) is made when asked."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from msgspec import Struct

from chargeclock.services.context import Context
from chargeclock.storage import history
from chargeclock.storage.timefmt import from_cents


class VisitSummary(Struct, frozen=True):
    """A visit as History lists it: its claim lines (code, modifiers, units, charge in cents),
    their units and charges."""

    visit_id: int
    date_of_service: date
    status: str
    billed: bool  # it has a bill of its own (a finalized visit without one was pooled)
    lines: tuple[tuple[str, str, int, int | None, str], ...]  # place: "" at the visit's
    units: int | None  # None: no lines
    charge_cents: int | None  # None: no line has a charge

    @property
    def charge(self) -> Decimal | None:
        return from_cents(self.charge_cents)

    @property
    def described(self) -> str:
        """``97110 GP ×2 · 97140 GP ×1``, or why there are no lines; a line given at another
        place than the visit's names its place of service, as its superbill row does
        (``97110 GP ×1 (POS 11) · 97110 GP 95 ×1``)."""
        if self.lines:
            return " · ".join(
                " ".join(filter(None, (code, modifiers, f"×{units}")))
                + (f" (POS {place})" if place else "")
                for code, modifiers, units, _, place in self.lines
            )
        if self.status == "finalized":
            return "no lines" if self.billed else "billed with the day's other visit"
        return "open — not billed yet" if self.status == "open" else ""


def visit_summaries(ctx: Context, patient_id: int) -> list[VisitSummary]:
    """The patient's visits, newest first (by date of service, then id)."""
    out = []
    for entry in history.visit_history(ctx.db, patient_id):
        # Summed in one loop per visit: a decade's visits pay no call per line.
        units = charge = 0
        charged = False
        for _, _, line_units, cents, _ in entry.lines:
            units += line_units
            if cents is not None:
                charge += cents
                charged = True
        out.append(
            VisitSummary(
                entry.visit_id,
                entry.date_of_service,
                entry.status,
                entry.billed,
                entry.lines,
                units if entry.lines else None,
                charge if charged else None,
            )
        )
    return out

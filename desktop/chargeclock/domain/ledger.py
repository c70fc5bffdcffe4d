"""The patient's ledger (claims.md §4): charges from finalized claims, payments, adjustments,
the balance and its ageing. Pure; money in :class:`~decimal.Decimal`.

Every entry has a signed ``amount``: what it adds to what the patient's account owes. A charge
adds; a payment and an adjustment (contractual, discount, sliding scale, write-off) take off; a
refund adds back (money returned). Nothing is edited in place: a mistake is undone by a
**reversal**, an entry of the opposite amount that names the one it reverses. So

    balance = charges − payments − adjustments

where ``payments`` counts payments less their reversals and ``adjustments`` counts adjustments
(a refund as a negative one) less theirs.

**Ageing** (as of a day): payments and adjustments settle the oldest charges first; what is left
of each charge is aged by its date of service into 0–30, 31–60, 61–90 and over 90 days. A
credit (more paid than charged) sits in 0–30 as a negative amount, so the buckets always add up
to the balance.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from msgspec import Struct

ZERO = Decimal("0.00")

#: kinds of adjustment and the words a statement uses for them
ADJUSTMENT_TYPES = {
    "contractual": "Contractual adjustment",
    "discount": "Discount",
    "sliding_scale": "Sliding-scale discount",
    "write_off": "Write-off",
    "refund": "Refund",
}
#: the entries' categories: what each one counts towards
CATEGORIES = ("charge", "payment", "adjustment")
BUCKETS = ("0–30", "31–60", "61–90", "90+")


class LedgerEntry(Struct, frozen=True):
    """One line of the ledger. ``amount``: signed, what it adds to the balance."""

    category: str  # charge / payment / adjustment
    day: date
    amount: Decimal
    description: str
    entry_id: int = 0  # the payment's, the ledger entry's, or the visit's id for a charge
    visit_id: int | None = None
    reversal: bool = False  # this entry reverses another one
    reversed: bool = False  # another entry reverses this one


class Ageing(Struct, frozen=True):
    """The balance by the age of what is owed, in days since the date of service."""

    current: Decimal = ZERO  # 0–30 days (and any credit)
    days_31_60: Decimal = ZERO
    days_61_90: Decimal = ZERO
    over_90: Decimal = ZERO

    @property
    def buckets(self) -> tuple[Decimal, Decimal, Decimal, Decimal]:
        return (self.current, self.days_31_60, self.days_61_90, self.over_90)

    @property
    def total(self) -> Decimal:
        return sum(self.buckets, ZERO)


class Ledger(Struct, frozen=True):
    """A patient's ledger: entries in date order with the running balance, and the totals."""

    entries: tuple[LedgerEntry, ...]
    running: tuple[Decimal, ...]  # the balance after each entry
    charges: Decimal
    payments: Decimal
    adjustments: Decimal
    ageing: Ageing

    @property
    def balance(self) -> Decimal:
        return self.charges - self.payments - self.adjustments


def _total(entries: Iterable[LedgerEntry], category: str) -> Decimal:
    return sum((e.amount for e in entries if e.category == category), ZERO)


def _bucket(age_days: int) -> int:
    if age_days <= 30:
        return 0
    if age_days <= 60:
        return 1
    if age_days <= 90:
        return 2
    return 3


def age(entries: Iterable[LedgerEntry], as_of: date) -> Ageing:
    """What is owed by age as of ``as_of`` (see the module's note); adds up to the balance."""
    entries = list(entries)
    charges = sorted(
        (e for e in entries if e.category == "charge"), key=lambda e: (e.day, e.entry_id)
    )
    credit = -sum((e.amount for e in entries if e.category != "charge"), ZERO)
    buckets = [ZERO, ZERO, ZERO, ZERO]
    for charge in charges:
        settled = min(max(credit, ZERO), charge.amount) if charge.amount > 0 else ZERO
        credit -= settled
        buckets[_bucket((as_of - charge.day).days)] += charge.amount - settled
    # What is left: a credit to the patient (positive) or refunds beyond what was paid.
    buckets[0] -= credit
    return Ageing(*buckets)


def build_ledger(entries: Iterable[LedgerEntry], as_of: date) -> Ledger:
    """The ledger of ``entries`` (any order): sorted by day (charges first on a day), with the
    running balance, the totals and the ageing as of ``as_of``."""
    ordered = tuple(
        sorted(entries, key=lambda e: (e.day, CATEGORIES.index(e.category), e.reversal, e.entry_id))
    )
    running = []
    balance = ZERO
    for entry in ordered:
        balance += entry.amount
        running.append(balance)
    return Ledger(
        entries=ordered,
        running=tuple(running),
        charges=_total(ordered, "charge"),
        payments=-_total(ordered, "payment"),
        adjustments=-_total(ordered, "adjustment"),
        ageing=age(ordered, as_of),
    )


def expected_at_check_in(copay: Decimal, coinsurance_percent: int, allowed: Decimal) -> Decimal:
    """What the patient is asked for at check-in: the copay, plus the coinsurance share of the
    visit's expected allowed amount, rounded to cents."""
    share = (allowed * coinsurance_percent / 100).quantize(Decimal("0.01"))
    return copay + share

"""The patient's ledger (:mod:`chargeclock.domain.ledger`): charges from finalized claims,
payments, adjustments and their reversals, the balance and its ageing; the copay and
coinsurance expected at check-in. Every entry is audited in the transaction that writes it, and
none is ever changed: a mistake is reversed by a new entry.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from chargeclock.domain.days import not_future
from chargeclock.domain.errors import InputError
from chargeclock.domain.ledger import (
    ADJUSTMENT_TYPES,
    Ledger,
    LedgerEntry,
    build_ledger,
    expected_at_check_in,
)
from chargeclock.domain.superbill_model import Adjustment
from chargeclock.services.context import Context
from chargeclock.services.patient_records import existing_patient
from chargeclock.services.validation import clean_text, parse_money
from chargeclock.storage import ledger as store
from chargeclock.storage import payments, visits
from chargeclock.storage.ledger import CostShareRow, LedgerEntryRow

NOTE_LENGTH = 300
_PAYMENT_WORDS = {"insurance": "Payer payment"}


def _entry_words(row: LedgerEntryRow) -> str:
    if row.kind == "payment_reversal":
        return f"Reversal of payment #{row.reverses_payment_id}"
    words = ADJUSTMENT_TYPES.get(row.adjustment_type or "", "Adjustment")
    if row.kind == "adjustment_reversal":
        return f"Reversal of {words.lower()} #{row.reverses_entry_id}"
    return words


def _codes(lines: tuple[tuple[str, int], ...]) -> str:
    """``97110 ×2, 97140``: each code once with its units (a code's lines split by modifier)."""
    units: dict[str, int] = {}
    for code, count in lines:
        units[code] = units.get(code, 0) + count
    return ", ".join(f"{code} ×{n}" if n > 1 else code for code, n in units.items())


class LedgerService:
    """A patient's ledger and its entries."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    # --- reading -------------------------------------------------------------------------------

    def entries(self, patient_id: int) -> list[LedgerEntry]:
        """Every entry of the patient's account, unsorted: charges, payments, ledger entries."""
        conn = self.ctx.db
        out = [
            LedgerEntry(
                "charge",
                day.date_of_service,
                day.charge,
                f"Visit #{day.visit_id}: {_codes(day.codes)}",
                day.visit_id,
                day.visit_id,
            )
            for day in store.day_charges(conn, patient_id)
        ]
        rows = store.entries_of(conn, patient_id)
        reversed_payments = {r.reverses_payment_id for r in rows if r.reverses_payment_id}
        reversed_entries = {r.reverses_entry_id for r in rows if r.reverses_entry_id}
        for payment in payments.payments_of(conn, patient_id):
            words = _PAYMENT_WORDS.get(payment.method, f"Patient payment ({payment.method})")
            out.append(
                LedgerEntry(
                    "payment",
                    payment.paid_on,
                    -payment.amount,
                    f"{words} #{payment.id}",
                    payment.id,
                    payment.visit_id,
                    reversed=payment.id in reversed_payments,
                )
            )
        for row in rows:
            out.append(
                LedgerEntry(
                    "payment" if row.kind == "payment_reversal" else "adjustment",
                    row.entry_date,
                    -row.amount,
                    _entry_words(row) + (f" — {row.note}" if row.note else ""),
                    row.id,
                    row.visit_id,
                    reversal=row.kind != "adjustment",
                    reversed=row.id in reversed_entries,
                )
            )
        return out

    def ledger(self, patient_id: int, as_of: date | None = None) -> Ledger:
        """The patient's ledger as it stood on ``as_of`` (default today): the entries dated up
        to that day, aged as of it."""
        existing_patient(self.ctx, patient_id)
        day = as_of or self.ctx.today()
        return build_ledger([e for e in self.entries(patient_id) if e.day <= day], day)

    def posted(self, patient_id: int) -> tuple[frozenset[int], Decimal]:
        """What the ledger's own entries change in the patient's payments and balance, without
        building the whole ledger: the ids of the payments reversed (no longer paid), and the
        adjustments net of their reversals (what they take off the balance). Charges less the
        payments not reversed less the adjustments is the ledger's balance."""
        reversed_ids, adjustments = store.posted(self.ctx.db, patient_id)
        return frozenset(reversed_ids), adjustments

    def adjustments_between(self, patient_id: int, start: date, end: date) -> list[Adjustment]:
        """The ledger entries dated ``start`` to ``end`` (adjustments, refunds, reversals of a
        payment or an adjustment), as a statement lists them."""
        return [
            Adjustment(
                row.entry_date, _entry_words(row), row.amount, row.kind == "payment_reversal"
            )
            for row in store.entries_of(self.ctx.db, patient_id)
            if start <= row.entry_date <= end
        ]

    # --- entries -------------------------------------------------------------------------------

    def add_adjustment(
        self,
        patient_id: int,
        adjustment_type: str,
        amount: Decimal | str,
        *,
        on: date | None = None,
        visit_id: int | None = None,
        note: str = "",
    ) -> int:
        """An adjustment of ``amount`` (> 0): contractual, discount, sliding scale and write-off
        take it off the balance; a refund (money paid back) adds it."""
        existing_patient(self.ctx, patient_id)
        if adjustment_type not in ADJUSTMENT_TYPES:
            raise InputError("adjustment_type", f"must be one of {', '.join(ADJUSTMENT_TYPES)}")
        value = parse_money(amount, "amount", allow_zero=False)
        text = clean_text(note, "note", NOTE_LENGTH, required=False)
        self._check_visit(patient_id, visit_id)
        day = self._day(on)
        signed = -value if adjustment_type == "refund" else value
        return self._write(
            "ledger_adjustment",
            patient_id=patient_id,
            visit_id=visit_id,
            day=day,
            kind="adjustment",
            adjustment_type=adjustment_type,
            amount=signed,
            note=text,
        )

    def reverse_payment(self, payment_id: int, reason: str, on: date | None = None) -> int:
        """Undo a payment recorded by mistake (it stays, with this reversal beside it)."""
        text = clean_text(reason, "reason", NOTE_LENGTH)
        day = self._day(on)
        payment = payments.get_payment(self.ctx.db, payment_id)
        if payment is None:
            raise InputError("payment_id", f"there is no payment {payment_id}")
        if any(
            r.reverses_payment_id == payment_id
            for r in store.entries_of(self.ctx.db, payment.patient_id)
        ):
            raise InputError("payment_id", f"payment #{payment_id} is reversed already")
        return self._write(
            "ledger_payment_reversed",
            patient_id=payment.patient_id,
            visit_id=payment.visit_id,
            day=day,
            kind="payment_reversal",
            adjustment_type=None,
            amount=-payment.amount,
            reverses_payment_id=payment_id,
            note=text,
        )

    def reverse_entry(
        self, patient_id: int, entry_id: int, reason: str, on: date | None = None
    ) -> int:
        """Undo an adjustment (its reversal takes back exactly what it did)."""
        text = clean_text(reason, "reason", NOTE_LENGTH)
        day = self._day(on)
        rows = store.entries_of(self.ctx.db, patient_id)
        entry = next((r for r in rows if r.id == entry_id), None)
        if entry is None or entry.kind != "adjustment":
            raise InputError("entry_id", f"patient {patient_id} has no adjustment #{entry_id}")
        if any(r.reverses_entry_id == entry_id for r in rows):
            raise InputError("entry_id", f"adjustment #{entry_id} is reversed already")
        return self._write(
            "ledger_adjustment_reversed",
            patient_id=patient_id,
            visit_id=entry.visit_id,
            day=day,
            kind="adjustment_reversal",
            adjustment_type=entry.adjustment_type,
            amount=-entry.amount,
            reverses_entry_id=entry_id,
            note=text,
        )

    def _write(
        self,
        action: str,
        *,
        patient_id: int,
        visit_id: int | None,
        day: date,
        kind: str,
        adjustment_type: str | None,
        amount: Decimal,
        reverses_payment_id: int | None = None,
        reverses_entry_id: int | None = None,
        note: str = "",
    ) -> int:
        with self.ctx.db.transaction():
            entry_id = store.insert_entry(
                self.ctx.db,
                patient_id=patient_id,
                visit_id=visit_id,
                entry_date=day,
                kind=kind,
                adjustment_type=adjustment_type,
                amount=amount,
                reverses_payment_id=reverses_payment_id,
                reverses_entry_id=reverses_entry_id,
                note=note,
                recorded_at=self.ctx.now(),
            )
            self.ctx.audit(
                action,
                "ledger_entry",
                entry_id,
                note,
                patient_id=patient_id,
                kind=kind,
                adjustment_type=adjustment_type,
                amount=amount,
                covers=[("ledger", entry_id)],
            )
        return entry_id

    def _day(self, on: date | None) -> date:
        today = self.ctx.today()
        not_future("on", on, today, ": enter it on the day it happens")
        return on or today

    def _check_visit(self, patient_id: int, visit_id: int | None) -> None:
        if visit_id is None:
            return
        visit = visits.get_visit(self.ctx.db, visit_id)
        if visit is None or visit.patient_id != patient_id:
            raise InputError("visit_id", f"patient {patient_id} has no visit {visit_id}")

    # --- cost shares ---------------------------------------------------------------------------

    def set_cost_share(
        self,
        patient_id: int,
        copay: Decimal | str,
        coinsurance_percent: int,
        effective_from: date | None = None,
    ) -> CostShareRow:
        """The copay and coinsurance (whole percent) expected at check-in from a date on; a
        change is a new row, the earlier one kept."""
        existing_patient(self.ctx, patient_id)
        value = parse_money(copay, "copay")
        if isinstance(coinsurance_percent, bool) or not 0 <= coinsurance_percent <= 100:
            raise InputError("coinsurance_percent", "must be a whole percent from 0 to 100")
        day = effective_from or self.ctx.today()
        with self.ctx.db.transaction():
            share_id = store.insert_cost_share(
                self.ctx.db,
                patient_id=patient_id,
                effective_from=day,
                copay=value,
                coinsurance_percent=coinsurance_percent,
                recorded_at=self.ctx.now(),
            )
            self.ctx.audit(
                "cost_share_set",
                "cost_share",
                share_id,
                "",
                patient_id=patient_id,
                copay=value,
                coinsurance_percent=coinsurance_percent,
                effective_from=day,
            )
        found = store.cost_share_on(self.ctx.db, patient_id, day)
        assert found is not None
        return found

    def cost_share(self, patient_id: int, on: date | None = None) -> CostShareRow | None:
        return store.cost_share_on(self.ctx.db, patient_id, on or self.ctx.today())

    def expected_at_check_in(
        self, patient_id: int, allowed: Decimal, on: date | None = None
    ) -> Decimal | None:
        """Copay plus coinsurance of ``allowed`` (a visit's expected allowed amount); None
        when no cost share is on file."""
        share = self.cost_share(patient_id, on)
        if share is None:
            return None
        return expected_at_check_in(share.copay, share.coinsurance_percent, allowed)

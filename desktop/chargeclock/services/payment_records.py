"""Payments a patient made or a payer sent, recorded and audited in one transaction."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from chargeclock.domain.errors import InputError
from chargeclock.services.context import Context
from chargeclock.services.patient_records import existing_patient
from chargeclock.services.validation import parse_money
from chargeclock.storage import payments
from chargeclock.storage.records import PaymentRow

PAYMENT_METHODS = ("cash", "check", "card", "insurance", "other")


class PaymentRecords:
    """Mixed into :class:`~chargeclock.services.records.RecordService`."""

    ctx: Context

    def record_payment(
        self,
        patient_id: int,
        amount: Decimal | str,
        method: str,
        paid_on: date | None = None,
        visit_id: int | None = None,
    ) -> PaymentRow:
        existing_patient(self.ctx, patient_id)
        value = parse_money(amount, "amount", allow_zero=False)
        if method not in PAYMENT_METHODS:
            raise InputError("method", f"must be one of {', '.join(PAYMENT_METHODS)}")
        with self.ctx.db.transaction():
            payment_id = payments.insert_payment(
                self.ctx.db,
                patient_id=patient_id,
                visit_id=visit_id,
                paid_on=paid_on or self.ctx.today(),
                amount=value,
                method=method,
            )
            self.ctx.audit(
                "payment_recorded",
                "payment",
                payment_id,
                "",
                amount=value,
                covers=[("payment", payment_id)],
            )
        row = payments.payment(self.ctx.db, payment_id)
        assert row is not None  # inserted by this transaction
        return row

    def payments(self, patient_id: int) -> list[PaymentRow]:
        return payments.payments_of(self.ctx.db, patient_id)

"""Settings and patient records: practice, providers, users, payers, patients, diagnoses, plans
of care, prior spend, payments, progress reports, favourite codes, fee lists.

:class:`RecordService` composes one part per entity; each method validates everything first
(an :class:`InputError` naming the field), then writes in one transaction: nothing is
half-saved.
"""

from __future__ import annotations

from chargeclock.services.context import Context
from chargeclock.services.fee_records import FeeRecords
from chargeclock.services.patient_records import PatientRecords
from chargeclock.services.payer_records import PayerRecords
from chargeclock.services.payment_records import PAYMENT_METHODS, PaymentRecords
from chargeclock.services.practice_records import PracticeRecords

# The history dialog takes the payment methods from here.
__all__ = ["PAYMENT_METHODS", "RecordService"]


class RecordService(PracticeRecords, PayerRecords, PatientRecords, PaymentRecords, FeeRecords):
    """The clinic's records, one part per entity (practice and its people, payers, patients,
    payments, codes and fees)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

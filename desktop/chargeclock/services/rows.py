"""The row types the window shows, as the services hand them out: the window names them from
here, never from ``storage/``."""

from __future__ import annotations

from chargeclock.storage.audit import AuditEntry
from chargeclock.storage.records import (
    BillRow,
    ClaimLineRow,
    PatientRow,
    PaymentRow,
    ProviderRow,
    VisitRow,
)

__all__ = [
    "AuditEntry",
    "BillRow",
    "ClaimLineRow",
    "PatientRow",
    "PaymentRow",
    "ProviderRow",
    "VisitRow",
]

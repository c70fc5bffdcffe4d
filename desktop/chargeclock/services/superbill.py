"""The superbill from the store: one finalized visit, or a patient's statement over a period.

Both read the **frozen claims** (:mod:`chargeclock.services.frozen_claims`): a visit superbill
is its day's bill as frozen at finalize, the same document at every reprint, with the payments
received for it; a statement lists the frozen bills of the period under the patient and
practice as they stand now, with the payments of the period, and is a new document each time.
:func:`pdf_bytes` and :func:`save_pdf` render a :class:`~chargeclock.domain.superbill.Superbill`
(reportlab loads only then).

Rules applied here:

* Only finalized visits are billed: an open visit asked for is an :class:`InputError` (finalize
  it first), a void one too; a statement skips both. An earlier version of a bill is printable
  by its number whatever the visit's status.
* Same-day visits are billed for the day as a whole (product.md "A day with it" 7): the day's
  claim lines sit on the visit finalized last, whose bill lists the others as pooled. Asking for
  a pooled visit gives the day's superbill; a statement lists the day once.
* A statement's diagnoses are those its bills point to, lettered again in order of first use
  (each bill froze its own list); more than 12 over the period is refused, naming the period.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Literal

from msgspec import Struct
from msgspec.structs import replace

from chargeclock.domain.claim_form import POINTERS
from chargeclock.domain.days import check_period
from chargeclock.domain.errors import InputError
from chargeclock.domain.superbill_checks import check_patient, check_payments, check_practice
from chargeclock.domain.superbill_model import (
    Diagnosis,
    Paper,
    Payment,
    Superbill,
    SuperbillVisit,
)
from chargeclock.domain.wording import day_text
from chargeclock.services import frozen_claims
from chargeclock.services.superbill_records import patient_of, practice_of, split_address
from chargeclock.storage.payments import payments_between, payments_of_day
from chargeclock.storage.records import VisitRow

if TYPE_CHECKING:
    from chargeclock.services.session import Services

__all__ = [
    "SuperbillRequest",
    "build",
    "pdf_bytes",
    "save_pdf",
    "split_address",
    "statement_for_patient",
    "superbill_for_visit",
]


class SuperbillRequest(Struct, frozen=True):
    """What the window or the command asks for: a visit, or a patient and a period."""

    kind: Literal["visit", "statement"]
    visit_id: int = 0
    patient_id: int = 0
    start: date | None = None
    end: date | None = None
    paper: Paper = "letter"
    include_trace: bool = False
    version: int | None = None  # a visit's bill: this version (None: the current one)


def build(services: Services, request: SuperbillRequest) -> Superbill:
    """The superbill a :class:`SuperbillRequest` describes."""
    if request.kind == "visit":
        return superbill_for_visit(
            services,
            request.visit_id,
            paper=request.paper,
            include_trace=request.include_trace,
            version=request.version,
        )
    if request.start is None:
        raise InputError("from", "a statement needs its first date")
    if request.end is None:
        raise InputError("to", "a statement needs its last date")
    return statement_for_patient(
        services,
        request.patient_id,
        request.start,
        request.end,
        paper=request.paper,
        include_trace=request.include_trace,
    )


def pdf_bytes(superbill: Superbill) -> bytes:
    """The PDF of ``superbill`` in memory (the preview)."""
    from chargeclock import export

    return export.pdf_bytes(superbill)


def save_pdf(superbill: Superbill, out: str | os.PathLike[str] | BinaryIO) -> None:
    """Write the PDF to a path (replaced atomically) or a binary file."""
    from chargeclock import export

    export.render_pdf(superbill, out)


def save_pdf_bytes(path: Path, pdf: bytes) -> None:
    """Write an already rendered PDF (the preview's) to ``path``: owner-only, synced, replaced
    in one step."""
    from chargeclock import export

    export.write_private(path, pdf)


# ---------------------------------------------------------------------------------------------


def superbill_for_visit(
    services: Services,
    visit_id: int,
    *,
    paper: Paper = "letter",
    include_trace: bool = False,
    version: int | None = None,
) -> Superbill:
    """The frozen superbill of one finalized visit (its day's when pooled same-day), or
    ``version`` of it, with the payments received for the day."""
    visit = services.visits.visit(visit_id)
    if version is None:
        _check_billable(visit)
    claim = frozen_claims.frozen_day(services, visit, version)
    superbill = claim.superbill
    pooled = (
        claim.bill.pooled_visit_ids
        if claim.bill is not None
        else tuple({line.visit_id for line in claim.claim_lines})
    )
    # the day's payments alone: against its visits, or against none on its date
    payments = [
        Payment(p.paid_on, p.amount, p.method)
        for p in payments_of_day(services.db, visit.patient_id, pooled, superbill.period_from)
    ]
    return replace(
        superbill,
        payments=check_payments(payments),
        paper=paper,
        include_trace=include_trace,
    )


def statement_for_patient(
    services: Services,
    patient_id: int,
    start: date,
    end: date,
    *,
    paper: Paper = "letter",
    include_trace: bool = False,
) -> Superbill:
    """A statement of the patient's finalized visits dated ``start`` to ``end`` (inclusive),
    from their frozen bills, with the payments received in that period."""
    check_period(start, end)
    patient = services.records.patient(patient_id)
    # the period's visits that hold their day's claim lines (one read for the period)
    bills = [
        c.superbill
        for _, c in frozen_claims.billed_days_of_period(services, patient_id, start, end)
    ]
    if not bills:
        raise InputError(
            "period",
            f"patient {patient_id} has no finalized visits from {day_text(start)} to "
            f"{day_text(end)}",
        )
    diagnoses, visits = _lettered_again(bills, start, end)
    payments = [
        Payment(p.paid_on, p.amount, p.method)
        for p in payments_between(services.db, patient_id, start, end)
    ]
    notes = [note for bill in bills for note in bill.notes]
    return Superbill(
        kind="statement",
        period_from=start,
        period_to=end,
        practice=check_practice(practice_of(services.records.practice())),
        patient=check_patient(patient_of(services, patient, patient.payer_id)),
        visits=visits,
        payments=check_payments(payments),
        diagnoses=diagnoses,
        paper=paper,
        include_trace=include_trace,
        generated_on=services.ctx.today(),
        notes=tuple(dict.fromkeys(notes)),
        audit_anchor=services.audit_anchor(None),
        adjustments=tuple(services.ledger.adjustments_between(patient_id, start, end)),
    )


def _lettered_again(
    bills: list[Superbill], start: date, end: date
) -> tuple[tuple[Diagnosis, ...], tuple[SuperbillVisit, ...]]:
    """The diagnoses the bills point to, lettered A, B, … in order of first use, and each
    bill's visit with its lines pointing to the new letters."""
    letters: dict[str, Diagnosis] = {}
    visits: list[SuperbillVisit] = []
    for bill in bills:
        own = {d.pointer: d for d in bill.diagnoses}
        for visit in bill.visits:
            lines = []
            for line in visit.lines:
                pointers = []
                for pointer in line.diagnosis_pointers:
                    diagnosis = own[pointer]
                    if diagnosis.code not in letters:
                        if len(letters) == len(POINTERS):
                            raise InputError(
                                "period",
                                f"the visits from {day_text(start)} to {day_text(end)} point to "
                                f"more than {len(POINTERS)} diagnoses: print a shorter period",
                            )
                        letters[diagnosis.code] = replace(diagnosis, pointer=POINTERS[len(letters)])
                    pointers.append(letters[diagnosis.code].pointer)
                lines.append(replace(line, diagnosis_pointers=tuple(pointers)))
            visits.append(replace(visit, lines=tuple(lines)))
    return tuple(letters.values()), tuple(visits)


def _check_billable(visit: VisitRow) -> None:
    if visit.status == "open":
        raise InputError(
            "visit", f"visit {visit.id} is still open: finalize it before printing a superbill"
        )
    if visit.status != "finalized":
        raise InputError("visit", f"visit {visit.id} is {visit.status}: it is not billed")

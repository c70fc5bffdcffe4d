"""The superbill from the store: one finalized visit, or a patient's statement over a period.

:func:`superbill_for_visit` and :func:`statement_for_patient` gather what
:func:`~chargeclock.domain.superbill.build_superbill` needs through the services (never SQL):
the practice, the rendering provider of each visit, the patient and payer, the diagnoses in
pointer order, the **frozen** claim lines with their pointers and charges, each visit's total
timed minutes and total treatment time from its frozen bill, and the payments. The result is a
checked :class:`~chargeclock.domain.superbill.Superbill`; :func:`pdf_bytes` and
:func:`save_pdf` render it (reportlab loads only then).

Rules applied here:

* Only finalized visits are billed: an open visit asked for is an :class:`InputError` (finalize
  it first), a void one too; a statement skips both.
* Same-day visits are billed for the day as a whole (product.md "A day with it" 7): the day's
  claim lines sit on the visit finalized last, whose bill lists the others as pooled. Asking for
  a pooled visit gives the day's superbill; a statement lists the day once.
* Charges are the clinic's charges frozen on the claim lines at finalize; a line frozen without
  one takes the current fee list.
* Medicare enrols no physical therapist assistants: an assistant's services are billed under
  the supervising PT's NPI, with CQ on the line (42 CFR 410.60; Pub. 100-04 ch. 5 §20.1). So on
  a Medicare visit, and on any visit whose assistant has no NPI, the rendering provider printed
  is the supervising PT.
* Missing practice or provider data is an :class:`InputError` naming the field, not a blank.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Literal

from msgspec import Struct
from msgspec.structs import replace

from chargeclock.domain.claim_form import default_pointers
from chargeclock.domain.errors import InputError
from chargeclock.domain.fees import round_cents
from chargeclock.domain.superbill import build_superbill
from chargeclock.domain.superbill_model import (
    FinalizedVisit,
    Paper,
    Patient,
    Payment,
    Practice,
    Provider,
    Superbill,
    code_labels,
)
from chargeclock.storage.records import (
    BillRow,
    ClaimLineRow,
    PatientRow,
    PracticeRow,
    ProviderRow,
    VisitRow,
)

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


def build(services: Services, request: SuperbillRequest) -> Superbill:
    """The superbill a :class:`SuperbillRequest` describes."""
    if request.kind == "visit":
        return superbill_for_visit(
            services, request.visit_id, paper=request.paper, include_trace=request.include_trace
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


class _Day(Struct, frozen=True):
    """One billed day: the visit holding the claim lines, its bill and its lines."""

    visit: VisitRow
    bill: BillRow | None
    lines: tuple[ClaimLineRow, ...]
    pooled_ids: tuple[int, ...]


def superbill_for_visit(
    services: Services,
    visit_id: int,
    *,
    paper: Paper = "letter",
    include_trace: bool = False,
) -> Superbill:
    """The superbill of one finalized visit (its day's claim lines when pooled same-day)."""
    visit = services.visits.visit(visit_id)
    _check_billable(visit)
    day = _day_of(services, visit)
    patient = services.records.patient(visit.patient_id)
    payments = [
        p
        for p in services.records.payments(visit.patient_id)
        if p.visit_id in day.pooled_ids
        or (p.visit_id is None and p.paid_on == visit.date_of_service)
    ]
    return _build(
        services,
        patient,
        [day],
        [Payment(p.paid_on, p.amount, p.method) for p in payments],
        kind="visit",
        period=None,
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
    with the payments received in that period."""
    if start > end:
        raise InputError("from", f"{start} is after the last date {end}")
    patient = services.records.patient(patient_id)
    days: list[_Day] = []
    for visit in services.visits.visits_of_patient(patient_id):
        if visit.status != "finalized" or not start <= visit.date_of_service <= end:
            continue
        lines = tuple(services.visits.claim_lines(visit.id))
        if not lines:
            continue  # pooled into a later same-day visit, or nothing billable
        bill = services.visits.bill(visit.id)
        pooled = bill.pooled_visit_ids if bill else (visit.id,)
        days.append(_Day(visit, bill, lines, pooled))
    if not days:
        raise InputError(
            "period", f"patient {patient_id} has no finalized visits from {start} to {end}"
        )
    days.sort(key=lambda d: (d.visit.date_of_service, d.visit.id))
    payments = [
        Payment(p.paid_on, p.amount, p.method)
        for p in services.records.payments(patient_id)
        if start <= p.paid_on <= end
    ]
    statement = _build(
        services,
        patient,
        days,
        payments,
        kind="statement",
        period=(start, end),
        paper=paper,
        include_trace=include_trace,
    )
    adjustments = services.ledger.adjustments_between(patient_id, start, end)
    return replace(statement, adjustments=tuple(adjustments))


def _check_billable(visit: VisitRow) -> None:
    if visit.status == "open":
        raise InputError(
            "visit", f"visit {visit.id} is still open: finalize it before printing a superbill"
        )
    if visit.status != "finalized":
        raise InputError("visit", f"visit {visit.id} is {visit.status}: it is not billed")


def _day_of(services: Services, visit: VisitRow) -> _Day:
    """The claim lines billing ``visit``'s day: its own, or those of the same-day visit that
    pooled it."""
    lines = tuple(services.visits.claim_lines(visit.id))
    bill = services.visits.bill(visit.id)
    if lines:
        return _Day(visit, bill, lines, bill.pooled_visit_ids if bill else (visit.id,))
    for other in services.visits.visits_of_patient(visit.patient_id):
        if other.id == visit.id or other.date_of_service != visit.date_of_service:
            continue
        other_bill = services.visits.bill(other.id)
        if other_bill is not None and visit.id in other_bill.pooled_visit_ids:
            other_lines = tuple(services.visits.claim_lines(other.id))
            if other_lines:
                return _Day(other, other_bill, other_lines, other_bill.pooled_visit_ids)
    raise InputError("visit", f"visit {visit.id} has no claim lines to bill")


def split_address(text: str) -> tuple[str, ...]:
    """Printable address lines from the one stored text: its own line breaks, or else
    ``"120 River Road, Suite 4, Springfield, IL 62701"`` as street, then city, state and ZIP."""
    lines = [line.strip() for line in text.replace("\r", "\n").split("\n") if line.strip()]
    if len(lines) != 1:
        return tuple(lines)
    parts = [part.strip() for part in lines[0].split(",") if part.strip()]
    if len(parts) < 3:
        return tuple(lines)
    return (", ".join(parts[:-2]), ", ".join(parts[-2:]))


def _practice(row: PracticeRow | None) -> Practice:
    if row is None:
        raise InputError(
            "practice", "not set up: enter its name, address, phone, NPI and tax id in Settings"
        )
    return Practice(
        name=row.name,
        address_lines=split_address(row.address),
        phone=row.phone,
        npi=row.npi or "",
        tax_id=row.tax_id,
    )


def _provider(row: ProviderRow) -> Provider:
    if not row.npi:
        raise InputError("provider.npi", f"{row.name} has no NPI: enter it in Settings")
    return Provider(name=row.name, credentials=row.credentials, npi=row.npi)


def _rendering(
    visit: VisitRow, providers: dict[int, ProviderRow], medicare_payers: set[int]
) -> Provider:
    """The provider printed for ``visit``: its rendering provider, or for an assistant on
    Medicare (or without an NPI) the supervising PT (see the module docstring)."""
    if visit.rendering_provider_id is None:
        raise InputError("visit.rendering_provider", f"visit {visit.id} names no provider")
    row = providers.get(visit.rendering_provider_id)
    if row is None:
        raise InputError(
            "visit.rendering_provider", f"there is no provider {visit.rendering_provider_id}"
        )
    if row.role == "PTA" and (visit.payer_id in medicare_payers or not row.npi):
        supervisor_id = visit.supervising_provider_id or row.supervising_provider_id
        supervisor = providers.get(supervisor_id) if supervisor_id is not None else None
        if supervisor is None:
            raise InputError(
                "visit.supervising_provider", f"visit {visit.id}: {row.name} has no supervising PT"
            )
        row = supervisor
    return _provider(row)


def _patient(services: Services, row: PatientRow) -> Patient:
    payer = ""
    if row.payer_id is not None:
        payer = next((p.name for p in services.records.payers() if p.id == row.payer_id), "")
    return Patient(
        name=f"{row.first_name} {row.last_name}",
        date_of_birth=row.date_of_birth,
        address_lines=split_address(row.address),
        payer_name=payer,
        member_id=row.member_id,
    )


def _minutes(services: Services, day: _Day) -> tuple[int, int, tuple[str, ...]]:
    """Total timed minutes, total treatment minutes and the trace, from the frozen bill (or,
    for a bill not kept, the engine on the finalized visit's stopped segments)."""
    if day.bill is not None:
        bill = day.bill
        return bill.total_timed_minutes, bill.total_treatment_minutes, bill.trace
    result = services.live_result(services.visits.visit_state(day.visit.id))
    trace = tuple(dict.fromkeys(step for line in day.lines for step in line.trace))
    return result.total_timed_minutes, result.total_treatment_minutes, trace


def _described(code: str) -> str:
    """ICD-10-CM's text for a diagnosis saved without one (before the description was kept, in
    migration 0005), when the code set is in memory; loading it takes seconds, which the window
    never waits for (``chargeclock superbill`` loads it first when a description is missing)."""
    from chargeclock.services.diagnosis_codes import loaded_index

    index = loaded_index()
    return index.description(code) if index is not None else ""


def _build(
    services: Services,
    patient_row: PatientRow,
    days: Sequence[_Day],
    payments: Sequence[Payment],
    *,
    kind: Literal["visit", "statement"],
    period: tuple[date, date] | None,
    paper: Paper,
    include_trace: bool,
) -> Superbill:
    records = services.records
    practice = _practice(records.practice())
    providers = {p.id: p for p in records.providers()}
    medicare = {p.id for p in records.payers() if p.medicare}
    ordered = sorted(records.diagnoses(patient_row.id), key=lambda d: d.position)
    diagnoses = [(d.code, d.description or _described(d.code)) for d in ordered]
    first_pointers = default_pointers(len(diagnoses))
    fees = dict(records.charges())
    visits: list[FinalizedVisit] = []
    frozen: list[tuple[Decimal | None, ...]] = []
    notes: list[str] = []
    for day in days:
        timed, treatment, trace = _minutes(services, day)
        notes += _provisional_note(services, day)
        for line in day.lines:
            if line.charge is not None and line.code not in fees and line.units:
                fees[line.code] = line.charge / line.units  # building needs a fee per code
        visits.append(
            FinalizedVisit(
                date_of_service=day.visit.date_of_service,
                claim_lines=day.lines,
                total_timed_minutes=timed,
                total_treatment_minutes=max(treatment, timed),
                place_of_service=day.visit.place_of_service,
                provider=_rendering(day.visit, providers, medicare),
                line_pointers=tuple(
                    tuple(line.diagnosis_pointers or first_pointers) for line in day.lines
                ),
                trace=trace,
            )
        )
        frozen.append(tuple(line.charge for line in day.lines))
    superbill = build_superbill(
        practice=practice,
        provider=visits[0].provider or _rendering(days[0].visit, providers, medicare),
        patient=_patient(services, patient_row),
        diagnoses=diagnoses,
        visits=visits,
        fees=fees,
        labels=code_labels(services.book.all_codes()),
        generated_on=services.ctx.today(),
        payments=payments,
        kind=kind,
        period=period,
        paper=paper,
        include_trace=include_trace,
    )
    anchor = services.audit_anchor(days[0].visit.id if kind == "visit" else None)
    return replace(
        _with_frozen_charges(superbill, frozen),
        notes=tuple(dict.fromkeys(notes)),
        audit_anchor=anchor,
    )


def _provisional_note(services: Services, day: _Day) -> list[str]:
    """A day billed with an earlier year's Medicare figures says so on the page."""
    year = day.visit.date_of_service.year
    if day.bill is not None:
        earlier = day.bill.rule_data_year
    else:
        earlier = services.live_result(services.visits.visit_state(day.visit.id)).borrowed_data_year
    if earlier is None:
        return []
    return [
        f"Provisional figures: the expected allowed amounts and KX of the {year} visits were "
        f"estimated with {earlier} Medicare figures, because {year}'s were not loaded when "
        "they were billed. Charges are not affected."
    ]


def _with_frozen_charges(
    superbill: Superbill, frozen: Sequence[tuple[Decimal | None, ...]]
) -> Superbill:
    """The charges frozen on the claim lines in place of today's fee list (``frozen`` is in
    the superbill's visit order: the days were sorted by date before building)."""
    visits = []
    for visit, charges in zip(superbill.visits, frozen, strict=True):
        lines = tuple(
            line if charge is None else replace(line, charge=round_cents(charge))
            for line, charge in zip(visit.lines, charges, strict=True)
        )
        visits.append(replace(visit, lines=lines))
    return replace(superbill, visits=tuple(visits))

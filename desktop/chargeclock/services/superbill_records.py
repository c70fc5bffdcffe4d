"""A day's superbill from the records as they stand: what is frozen at finalize.

:func:`day_superbill` gathers, through the services (never SQL), what
:func:`~chargeclock.domain.superbill.build_superbill` needs for one billed day: the practice, the
rendering provider (for an assistant on Medicare, or one without an NPI, the supervising PT:
42 CFR 410.60; Pub. 100-04 ch. 5 §20.1), the patient with the visit's payer and the claim
fields, the referring or certifying practitioner, the diagnoses in pointer order, the frozen
claim lines with the charges frozen on them (a line frozen without one is printed without one),
the Medicare-bundled lines marked, the minutes and trace of the frozen bill. Missing practice or
provider data is an :class:`InputError` naming the field, not a blank.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from msgspec import Struct
from msgspec.structs import replace

from chargeclock.domain.claim_form import default_pointers
from chargeclock.domain.errors import InputError
from chargeclock.domain.payer_kinds import PayerKind
from chargeclock.domain.superbill import build_superbill
from chargeclock.domain.superbill_model import (
    FinalizedVisit,
    Patient,
    Practice,
    Practitioner,
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


class Day(Struct, frozen=True):
    """One billed day: the visit holding the claim lines, its bill and its lines."""

    visit: VisitRow
    bill: BillRow | None
    lines: tuple[ClaimLineRow, ...]
    pooled_ids: tuple[int, ...]


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


def practice_of(row: PracticeRow | None) -> Practice:
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


def _provider(row: ProviderRow, states: dict[int, str]) -> Provider:
    if not row.npi:
        raise InputError("provider.npi", f"{row.name} has no NPI: enter it in Settings")
    licence = row.licence.strip()
    state = states.get(row.id, "")
    if licence and state:
        licence = f"{licence} ({state})"
    return Provider(name=row.name, credentials=row.credentials, npi=row.npi, licence=licence)


def _rendering(
    visit: VisitRow,
    providers: dict[int, ProviderRow],
    medicare_payers: set[int],
    states: dict[int, str],
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
    return _provider(row, states)


def patient_of(services: Services, row: PatientRow, payer_id: int | None) -> Patient:
    """The patient block with the insurance billed: ``payer_id`` (the visit's), or none."""
    payer = ""
    if payer_id is not None:
        payer = next((p.name for p in services.records.payers() if p.id == payer_id), "")
    claim = services.claims.of_patient(row.id)
    return Patient(
        name=f"{row.first_name} {row.last_name}",
        date_of_birth=row.date_of_birth,
        address_lines=split_address(row.address),
        payer_name=payer,
        member_id=row.member_id if payer else "",
        sex=row.sex,
        phone=row.phone,
        group_number=claim.group_number if payer else "",
        subscriber=claim.subscriber if payer else "",
        subscriber_relationship=claim.subscriber_relationship if payer else "",
        claim_number=claim.claim_number,
        injury_date=claim.injury_date,
        employer=claim.employer,
        accident_state=claim.accident_state,
    )


def _referring(services: Services, row: PatientRow) -> Practitioner | None:
    referring = services.records.patient_record(row.id).referring
    if referring is None:
        return None
    return Practitioner(
        name=referring.name,
        npi=referring.npi or "",
        qualification=services.claims.qualification(referring.id),
    )


def _minutes(services: Services, day: Day) -> tuple[int, int, tuple[str, ...]]:
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


def _provisional_note(services: Services, day: Day) -> list[str]:
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


def _no_charge_note(lines: tuple[ClaimLineRow, ...]) -> list[str]:
    missing = [line.code for line in lines if line.charge is None]
    if not missing:
        return []
    codes = ", ".join(dict.fromkeys(missing))
    return [
        f"No clinic charge was set for {codes} when the visit was finalized: the line is listed "
        "without a charge. Enter the fee and correct the visit to bill it."
    ]


def day_superbill(services: Services, day: Day) -> Superbill:
    """The visit superbill of ``day`` from the records as they stand now (issued today; the
    caller freezing it sets its issue date, version and audit anchor)."""
    records = services.records
    visit = day.visit
    patient_row = records.patient(visit.patient_id)
    providers = {p.id: p for p in records.providers()}
    payers = records.payers()
    medicare = {p.id for p in payers if p.medicare}
    part_b = {p.id for p in payers if p.kind == PayerKind.MEDICARE_B}
    ordered = sorted(records.diagnoses(patient_row.id), key=lambda d: d.position)
    diagnoses = [(d.code, d.description or _described(d.code)) for d in ordered]
    first_pointers = default_pointers(len(diagnoses))
    rules = services.book.year(visit.date_of_service.year)
    bundled: tuple[str, ...] = ()
    if visit.payer_id in medicare:
        bundled = tuple(
            line.code
            for line in day.lines
            if (code := rules.code(line.code)) is not None and code.medicare_status == "B"
        )
    timed, treatment, trace = _minutes(services, day)
    provider = _rendering(visit, providers, medicare, services.claims.licence_states())
    finalized = FinalizedVisit(
        date_of_service=visit.date_of_service,
        claim_lines=day.lines,
        total_timed_minutes=timed,
        total_treatment_minutes=max(treatment, timed),
        place_of_service=visit.place_of_service,
        provider=provider,
        line_pointers=tuple(tuple(line.diagnosis_pointers or first_pointers) for line in day.lines),
        trace=trace,
        line_charges=tuple(line.charge for line in day.lines),
        bundled_codes=bundled,
    )
    superbill = build_superbill(
        practice=practice_of(records.practice()),
        provider=provider,
        patient=patient_of(services, patient_row, visit.payer_id),
        diagnoses=diagnoses,
        visits=[finalized],
        fees={},
        labels=code_labels(services.book.all_codes()),
        generated_on=services.ctx.today(),
        referring=_referring(services, patient_row),
        onset_date=services.claims.of_patient(patient_row.id).onset_date,
        # Assignment is Medicare's (Part B): said on its superbills when the practice accepts it.
        assignment_accepted=records.accepts_assignment() and visit.payer_id in part_b,
    )
    notes = _provisional_note(services, day) + _no_charge_note(day.lines)
    return replace(superbill, notes=tuple(dict.fromkeys(notes)))

"""The frozen claim: a day's bill exactly as it leaves the clinic, kept from its finalize on.

At finalize the visit service calls :func:`freeze_at_finalize` inside its transaction: the day's
superbill is built from the records as they stand (practice, providers, patient, payer and
member id, claim fields, referring practitioner, diagnoses with their descriptions and
pointers, the claim lines with their charges and modifiers) and stored, serialised, with the
whole claim line records (:class:`FrozenClaim`). The superbill, History and the statement read
it; so a reprint prints the same bytes whatever changed since, and their totals agree.

Versions: a day's first freeze is version 1; finalizing it again after a correction (or with a
same-day visit added) writes the next version, marked "corrected" with the reason; every
version stays printable. Its issue date is its finalize date; its audit anchor the log's head
as of that finalize.

A bill that has no snapshot — finalized before snapshots were kept (migration 0010), or whose
superbill could not be built at finalize (no practice NPI yet, say) — gets its snapshot the
first time it is read, from the records as they stand then, and keeps it from then on. A
database opened read-only (``chargeclock superbill`` beside the window) builds it without
storing it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

import msgspec
from msgspec import Struct
from msgspec.structs import replace

from chargeclock.domain.errors import ChargeClockError, InputError
from chargeclock.domain.superbill_model import Superbill
from chargeclock.services.superbill_records import Day, day_superbill
from chargeclock.storage import audit_anchor, bills, claim_snapshots, visits
from chargeclock.storage.claim_snapshots import SnapshotRow
from chargeclock.storage.records import BillRow, ClaimLineRow, VisitRow

if TYPE_CHECKING:
    from chargeclock.services.session import Services

__all__ = [
    "FrozenClaim",
    "billed_days_of_period",
    "day_of",
    "freeze_at_finalize",
    "frozen_day",
    "versions_of",
]


class FrozenClaim(Struct, frozen=True):
    """One version of a day's bill: the superbill as printed, and the claim as frozen (the
    whole claim line records and the bill, whatever fields they carry)."""

    superbill: Superbill
    claim_lines: tuple[ClaimLineRow, ...]
    bill: BillRow | None = None

    @property
    def version(self) -> int:
        return self.superbill.version


def _encode(claim: FrozenClaim) -> str:
    return msgspec.json.encode(claim).decode("utf-8")


def _decode(row: SnapshotRow) -> FrozenClaim:
    return msgspec.json.decode(row.content, type=FrozenClaim)


def day_of(services: Services, visit: VisitRow) -> Day:
    """The claim lines billing ``visit``'s day: its own, or those of the same-day visit that
    pooled it."""
    lines = tuple(services.visits.claim_lines(visit.id))
    bill = services.visits.bill(visit.id)
    if lines:
        return Day(visit, bill, lines, bill.pooled_visit_ids if bill else (visit.id,))
    for other in services.visits.visits_of_patient(visit.patient_id):
        if other.id == visit.id or other.date_of_service != visit.date_of_service:
            continue
        other_bill = services.visits.bill(other.id)
        if other_bill is not None and visit.id in other_bill.pooled_visit_ids:
            other_lines = tuple(services.visits.claim_lines(other.id))
            if other_lines:
                return Day(other, other_bill, other_lines, other_bill.pooled_visit_ids)
    raise InputError("visit", f"visit {visit.id} has no claim lines to bill")


def _issued(services: Services, visit: VisitRow) -> date:
    """The superbill's issue date: the day (clinic time) its visit was finalized."""
    when = visit.finalized_at
    return when.astimezone(services.ctx.zone).date() if when else services.ctx.today()


def _correction_reason(services: Services, day: Day, previous: SnapshotRow | None) -> str:
    """Why the day is billed again: the latest reopening of one of its visits since the
    previous version, or the same-day visit added to it."""
    if previous is None:
        return ""
    reopened = [
        entry
        for visit_id in day.pooled_ids
        for entry in services.audit_entries("visit", visit_id)
        if entry.action == "visit_reopened" and entry.at >= previous.made_at
    ]
    if reopened:
        return max(reopened, key=lambda e: e.id).reason
    added = [v for v in day.pooled_ids if v != previous.visit_id]
    if added:
        return f"same-day visit #{added[-1]} billed with the day's earlier visits"
    return "billed again"


def _build(services: Services, day: Day) -> FrozenClaim:
    """The day's claim as it would be frozen now (not stored)."""
    visit = day.visit
    previous = _latest(services, visit)
    superbill = replace(
        day_superbill(services, day),
        generated_on=_issued(services, visit),
        audit_anchor=audit_anchor.printed(services.db, visit.id),
        version=1 if previous is None else previous.version + 1,
        correction_reason=_correction_reason(services, day, previous),
    )
    return FrozenClaim(superbill, day.lines, day.bill)


def _latest(services: Services, visit: VisitRow) -> SnapshotRow | None:
    versions = claim_snapshots.snapshots_of_day(
        services.db, visit.patient_id, visit.date_of_service, visit.discipline
    )
    return versions[-1] if versions else None


def _store(services: Services, day: Day, claim: FrozenClaim, why: str) -> None:
    visit = day.visit
    with services.db.transaction():
        row = claim_snapshots.insert_snapshot(
            services.db,
            visit_id=visit.id,
            patient_id=visit.patient_id,
            date_of_service=visit.date_of_service,
            discipline=visit.discipline,
            reason=claim.superbill.correction_reason,
            made_at=services.clock.now(),
            content=_encode(claim),
        )
        services.ctx.audit(
            "claim_frozen",
            "visit",
            visit.id,
            why,
            version=row.version,
            pooled_visit_ids=list(day.pooled_ids),
            total_charges=claim.superbill.total_charges,
            covers=[("snapshot", row.id)],
        )


def _descriptions_pending(claim: FrozenClaim) -> bool:
    """A diagnosis saved before descriptions were kept (migration 0005) still waits for the
    code set to load: the bill is not frozen without its text."""
    from chargeclock.services.diagnosis_codes import loaded_index

    return loaded_index() is None and any(not d.description for d in claim.superbill.diagnoses)


def freeze_at_finalize(services: Services, visit_id: int) -> str:
    """Freeze the day's bill of ``visit_id`` (just finalized, inside its transaction). Returns
    ``""``, or why the superbill cannot be built yet (then it is frozen at its first print)."""
    visit = services.visits.visit(visit_id)
    try:
        day = day_of(services, visit)
        claim = _build(services, day)
    except ChargeClockError as exc:
        return str(exc)
    if _descriptions_pending(claim):
        return "diagnoses: the ICD-10-CM descriptions are still loading"
    _store(services, day, claim, "")
    return ""


def _current(services: Services, day: Day) -> SnapshotRow | None:
    """The newest version if it is the one of the day's last finalize, else None."""
    return _if_current(_latest(services, day.visit), day.visit)


def _if_current(latest: SnapshotRow | None, visit: VisitRow) -> SnapshotRow | None:
    """``latest`` (the newest version of ``visit``'s day) if it is the one of the visit's last
    finalize, the visit holding the day's lines; else None."""
    finalized = visit.finalized_at
    if latest is None or latest.visit_id != visit.id:
        return None
    if finalized is not None and latest.made_at < finalized:
        return None  # finalized again since, without a snapshot yet
    return latest


def frozen_day(services: Services, visit: VisitRow, version: int | None = None) -> FrozenClaim:
    """The frozen claim billing ``visit``'s day: ``version`` of it, or the current one (built
    and stored the first time it is read when it has none; see the module docstring)."""
    if version is not None:
        for row in versions_of(services, visit):
            if row.version == version:
                return _decode(row)
        raise InputError("version", f"the bill of visit {visit.id} has no version {version}")
    day = day_of(services, visit)
    current = _current(services, day)
    if current is not None:
        return _decode(current)
    claim = _build(services, day)
    if not services.db.read_only and not _descriptions_pending(claim):
        _store(services, day, claim, "bill finalized before it was frozen: frozen at first read")
    return claim


def billed_days_of_period(
    services: Services, patient_id: int, start: date, end: date
) -> list[tuple[VisitRow, FrozenClaim]]:
    """The current frozen claim of each of the patient's finalized visits dated ``start`` to
    ``end`` that holds its day's claim lines (a visit pooled into a later same-day visit, or
    with nothing billable, has none), by date and id. One read for the period each of the
    visits, the visits with lines and the days' newest versions; a day without a current
    version goes through :func:`frozen_day` (built, and stored, then)."""
    conn = services.db
    billed = bills.billed_visits_of_period(conn, patient_id, start, end)
    latest = claim_snapshots.latest_of_period(conn, patient_id, start, end)
    out = []
    for visit in visits.finalized_visits_between(conn, patient_id, start, end):
        if visit.id not in billed:
            continue
        current = _if_current(latest.get((visit.date_of_service, visit.discipline)), visit)
        out.append((visit, _decode(current) if current else frozen_day(services, visit)))
    return out


def versions_of(services: Services, visit: VisitRow) -> list[SnapshotRow]:
    """Every frozen version of ``visit``'s day, the first first."""
    return claim_snapshots.snapshots_of_day(
        services.db, visit.patient_id, visit.date_of_service, visit.discipline
    )


def billed_total(services: Services, visit: VisitRow) -> Decimal | None:
    """What ``visit``'s frozen bill charges (its superbill's total), or None when the visit holds
    no claim lines; when its superbill cannot be built yet, the charges frozen on its lines."""
    lines = services.visits.claim_lines(visit.id)
    if visit.status != "finalized" or not lines:
        return None
    try:
        return frozen_day(services, visit).superbill.total_charges
    except ChargeClockError:
        return sum((line.charge for line in lines if line.charge is not None), Decimal(0))

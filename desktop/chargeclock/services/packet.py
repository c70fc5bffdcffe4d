"""The audit packet of one patient over a period (:class:`~chargeclock.domain.packet_model.
Packet`), gathered through the services, and its PDF.

* Each billed day's superbill is the one :func:`~chargeclock.services.superbill.
  superbill_for_visit` makes for the visit holding the day's frozen claim lines: the packet
  prints what was billed, never a bill computed again. A visit pooled into a later visit of the
  same day points to it; an open or void visit of the period is listed, unbilled.
* The timer runs, untimed services and audit entries are each visit's own, as stored; the trace
  is the frozen bill's.
* The verification is ``verify-audit``'s (the whole log, every billing row), which keeps a
  signed checkpoint when it finds everything intact (:mod:`~chargeclock.storage.
  audit_checkpoint`); a later packet then checks from that checkpoint on — every entry since,
  the rows they list, and all of the patient's rows against the checkpoint — and says so, or
  checks in full again when it cannot. The anchor is the log's head as the packet was made, so a
  later ``verify-audit --anchor`` can show the database still holds what the packet shows.
"""

from __future__ import annotations

import json
import os
from datetime import date, tzinfo
from typing import TYPE_CHECKING, BinaryIO

from chargeclock.domain.days import check_period
from chargeclock.domain.errors import InputError
from chargeclock.domain.packet_model import (
    AuditLine,
    CarePlan,
    Packet,
    PacketVisit,
    TimerRun,
    UntimedService,
)
from chargeclock.domain.wording import day_text
from chargeclock.services.kx_watch import year_curve
from chargeclock.services.pdf_out import write_pdf
from chargeclock.services.superbill import superbill_for_visit
from chargeclock.storage import patients, practice_reads, visits
from chargeclock.storage.audit import AuditEntry
from chargeclock.storage.records import VisitRow

if TYPE_CHECKING:
    from chargeclock.services.session import Services

__all__ = ["build_packet", "packet_pdf", "save_packet"]


def build_packet(
    services: Services,
    patient_id: int,
    first: date,
    last: date,
    *,
    full_superbills: bool = False,
) -> Packet:
    """The packet of ``patient_id``'s visits dated ``first`` to ``last`` (both included);
    ``full_superbills`` prints each billed day's whole superbill page."""
    check_period(first, last)
    patient = services.records.patient(patient_id)
    ctx = services.ctx
    period = [
        v
        for v in services.visits.visits_of_patient(patient_id)
        if first <= v.date_of_service <= last
    ]
    if not any(v.status == "finalized" for v in period):
        raise InputError(
            "period",
            f"patient {patient_id} has no finalized visits from {day_text(first)} to "
            f"{day_text(last)}",
        )
    providers = {p.id: p.name for p in services.records.providers()}
    payer_row = next((p for p in services.records.payers() if p.id == patient.payer_id), None)
    payer = payer_row.name if payer_row else ""
    # the KX year-to-date, for a patient Medicare pays (the threshold is Medicare's)
    curves = (
        tuple(year_curve(services, patient_id, y) for y in range(first.year, last.year + 1))
        if payer_row is not None and payer_row.medicare
        else ()
    )
    # who certified each plan: the physician who signed it (claims.md §5), else the clinic's
    # provider named on it
    physicians = {r.id: r.name for r in services.records.referring_providers()}

    def certified_by(plan_id: int, provider_id: int | None) -> str:
        physician = services.plans.certification(plan_id).certifying_practitioner_id
        if physician is not None:
            return physicians.get(physician, "")
        return providers.get(provider_id or 0, "")

    plans = tuple(
        CarePlan(
            p.start_date,
            p.certified_through,
            p.signed_date,
            certified_by(p.id, p.certifying_provider_id),
        )
        for p in patients.plans_of_care(ctx.db, patient_id)
        if p.start_date <= last and p.certified_through >= first
    )
    reports = tuple(practice_reads.progress_report_dates(ctx.db, patient_id))
    audit_ok, audit_report = _verification(services, patient_id)
    now = ctx.now().astimezone(ctx.zone)
    practice = services.records.practice()
    return Packet(
        practice=practice.name if practice else "",
        patient_id=patient_id,
        patient_name=f"{patient.first_name} {patient.last_name}",
        date_of_birth=patient.date_of_birth,
        payer=payer,
        member_id=patient.member_id,
        first=first,
        last=last,
        generated_at=now,
        zone_name=now.tzname() or "local time",
        plans=plans,
        progress_reports=reports,
        visits=tuple(_visit(services, v, period) for v in period),
        audit_ok=audit_ok,
        audit_report=audit_report,
        anchor=services.audit_anchor(None),
        curves=curves,
        full_superbills=full_superbills,
    )


def _verification(services: Services, patient_id: int) -> tuple[bool, tuple[str, ...]]:
    """The audit log's verdict and what was checked: from the last full check's checkpoint when
    it holds for this patient, else a full check now (kept as the next checkpoint if intact)."""
    from chargeclock.paths import backups_dir
    from chargeclock.storage import audit_checkpoint

    db = services.db
    backups = backups_dir(db.path) if db.path else None
    checkpoint = audit_checkpoint.read(db)
    if checkpoint is not None:
        lines = audit_checkpoint.check_patient(db, checkpoint, patient_id, backups=backups)
        if lines is not None:
            return True, lines
    report = services.verify_audit(keep_checkpoint=True)
    scope = "full check now (every entry's hash, every billing row) by verify-audit:"
    return report.ok, (scope, *report.lines())


def _visit(services: Services, visit: VisitRow, period: list[VisitRow]) -> PacketVisit:
    ctx = services.ctx
    zone = ctx.zone
    codes = {c.id: c.code for c in visits.codes_of_visit(ctx.db, visit.id)}
    runs = tuple(
        TimerRun(
            s.code,
            s.role,
            s.started_at.astimezone(zone),
            s.stopped_at.astimezone(zone) if s.stopped_at else None,
        )
        for s in visits.segments_of_visit(ctx.db, visit.id)
    )
    untimed = tuple(
        UntimedService(codes.get(u.visit_code_id, ""), u.furnished_by, u.pt_minutes, u.pta_minutes)
        for u in visits.untimed_of_visits(ctx.db, [visit.id])
    )
    entries = tuple(_audit_line(e, zone) for e in services.records.visit_audit(visit.id))
    base = PacketVisit(visit.id, visit.date_of_service, visit.status, runs, untimed, entries)
    if visit.status != "finalized":
        return base
    if services.visits.claim_lines(visit.id):
        bill = services.visits.bill(visit.id)
        superbill = superbill_for_visit(services, visit.id)
        trace = bill.trace if bill else superbill.visits[0].trace
        pooled = tuple(i for i in (bill.pooled_visit_ids if bill else ()) if i != visit.id)
        return _with(base, superbill=superbill, trace=trace, pooled=pooled)
    for other in period:
        bill = services.visits.bill(other.id) if other.id != visit.id else None
        if bill is not None and visit.id in bill.pooled_visit_ids:
            return _with(base, billed_with=other.id)
    return base


def _with(visit: PacketVisit, **changes: object) -> PacketVisit:
    from msgspec.structs import replace

    return replace(visit, **changes)


def _audit_line(entry: AuditEntry, zone: tzinfo | None) -> AuditLine:
    details = json.dumps(entry.details, ensure_ascii=False, sort_keys=True, default=str)
    return AuditLine(
        entry.id,
        entry.at.astimezone(zone),
        entry.actor,
        entry.action,
        entry.entity,
        entry.entity_id,
        entry.reason,
        details,
    )


def packet_pdf(packet: Packet) -> bytes:
    """The packet as a PDF (reportlab loads only now)."""
    from chargeclock.export.packet_pdf import packet_pdf as render

    return render(packet)


def save_packet(packet: Packet, out: str | os.PathLike[str] | BinaryIO) -> None:
    """Write the packet's PDF to a path (owner-only, replaced in one step) or a binary file."""
    write_pdf(packet_pdf(packet), out)

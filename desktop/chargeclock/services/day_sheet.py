"""The day sheet (:class:`~chargeclock.domain.day_sheet_model.DaySheet`) from the store, and its
PDF. Units and charges are the frozen claim lines' (what was billed), never computed again;
open visits and running timers are flagged so the day is not closed with minutes unbilled.

Payments are those received on the day: one made for a visit counts under that visit's payer;
one made for no visit under the patient's payer, and in ``unassigned_payments`` when it pays
no visit of the day."""

from __future__ import annotations

import os
from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, BinaryIO

from chargeclock.domain.day_sheet_model import CodeTotal, DaySheet, DaySheetVisit, PayerTotal
from chargeclock.services.pdf_out import write_pdf
from chargeclock.storage import bills, practice_reads, visits
from chargeclock.storage.records import ClaimLineRow
from chargeclock.storage.timefmt import from_cents

if TYPE_CHECKING:
    from chargeclock.services.session import Services

SELF_PAY = "Self-pay"
ASSISTANT_MODIFIERS = frozenset({"CQ", "CO"})


def day_sheet(services: Services, day: date) -> DaySheet:
    """The sheet of ``day`` (a date of service in the clinic's zone)."""
    ctx = services.ctx
    zone = ctx.zone
    payers = {p.id: p.name for p in services.records.payers()}
    day_visits = services.visits.visits_of_day(day)
    ids = [v.id for v in day_visits]
    segments = visits.segments_of_visits(ctx.db, ids)
    lines = bills.claim_lines_of_visits(ctx.db, ids)
    names: dict[int, tuple[str, str]] = {}
    for patient_id in {v.patient_id for v in day_visits}:
        names[patient_id] = _name_and_payer(services, patient_id, payers)
    paid: dict[int | None, Decimal] = defaultdict(Decimal)
    payer_paid: dict[str, Decimal] = defaultdict(Decimal)
    unassigned = Decimal(0)
    for _, patient_id, visit_id, cents, _method in practice_reads.payments_on(ctx.db, day):
        amount = from_cents(cents) or Decimal(0)
        visit = next((v for v in day_visits if v.id == visit_id), None)
        if visit is not None:
            paid[visit.id] += amount
            payer_paid[payers.get(visit.payer_id or 0, SELF_PAY)] += amount
            continue
        if patient_id not in names:
            names[patient_id] = _name_and_payer(services, patient_id, payers)
        payer_paid[names[patient_id][1]] += amount
        unassigned += amount
    pooled_into = {
        other: bill.visit_id
        for v in day_visits
        if (bill := services.visits.bill(v.id)) is not None
        for other in bill.pooled_visit_ids
        if other != v.id
    }
    rows = []
    for visit in day_visits:
        own = [s for s in segments if s.visit_id == visit.id]
        own_lines = [line for line in lines if line.visit_id == visit.id]
        stops = [s.stopped_at for s in own if s.stopped_at is not None]
        running = tuple(f"{s.code} {s.role}" for s in own if s.stopped_at is None)
        rows.append(
            DaySheetVisit(
                visit_id=visit.id,
                patient_id=visit.patient_id,
                patient=names[visit.patient_id][0],
                payer=payers.get(visit.payer_id or 0, SELF_PAY),
                status=visit.status,
                first_start=min(s.started_at for s in own).astimezone(zone) if own else None,
                last_stop=max(stops).astimezone(zone) if stops and not running else None,
                units=sum(line.units for line in own_lines),
                charges=sum((line.charge or Decimal(0) for line in own_lines), Decimal(0)),
                payments=paid.get(visit.id, Decimal(0)),
                running=running,
                billed_with=pooled_into.get(visit.id),
            )
        )
    # in the order they were seen: the first timer start, else when the visit was opened
    opened = {v.id: v.opened_at for v in day_visits}
    rows.sort(key=lambda r: (r.first_start or opened[r.visit_id], r.visit_id))
    return DaySheet(
        day=day,
        practice=practice.name if (practice := services.records.practice()) else "",
        zone_name=ctx.now().astimezone(zone).tzname() or "local time",
        visits=tuple(rows),
        by_code=_by_code(lines),
        by_payer=_by_payer(rows, payer_paid),
        unassigned_payments=unassigned,
    )


def _name_and_payer(services: Services, patient_id: int, payers: dict[int, str]) -> tuple[str, str]:
    row = services.records.patient(patient_id)
    return f"{row.last_name}, {row.first_name}", payers.get(row.payer_id or 0, SELF_PAY)


def _by_code(lines: list[ClaimLineRow]) -> tuple[CodeTotal, ...]:
    units: dict[str, int] = defaultdict(int)
    charges: dict[str, Decimal] = defaultdict(Decimal)
    assistant: dict[str, int] = defaultdict(int)
    for line in lines:
        units[line.code] += line.units
        charges[line.code] += line.charge or Decimal(0)
        if ASSISTANT_MODIFIERS & set(line.modifiers):
            assistant[line.code] += line.units
    return tuple(
        CodeTotal(code, units[code], charges[code], assistant[code]) for code in sorted(units)
    )


def _by_payer(rows: list[DaySheetVisit], paid: dict[str, Decimal]) -> tuple[PayerTotal, ...]:
    names = sorted({r.payer for r in rows} | set(paid))
    return tuple(
        PayerTotal(
            name,
            sum(1 for r in rows if r.payer == name),
            sum(r.units for r in rows if r.payer == name),
            sum((r.charges for r in rows if r.payer == name), Decimal(0)),
            paid.get(name, Decimal(0)),
        )
        for name in names
    )


def day_sheet_pdf(sheet: DaySheet) -> bytes:
    from chargeclock.export.day_sheet_pdf import day_sheet_pdf as render

    return render(sheet)


def save_day_sheet(sheet: DaySheet, out: str | os.PathLike[str] | BinaryIO) -> None:
    """Write the sheet's PDF to a path (owner-only, replaced in one step) or a binary file."""
    write_pdf(day_sheet_pdf(sheet), out)

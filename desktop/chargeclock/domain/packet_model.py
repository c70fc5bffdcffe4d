"""The audit packet's model: one patient over a period, from minute to dollar, ready to lay out.

A reviewer (an ADR after a KX claim is pulled) follows it in order: the plan of care and
progress-report dates; for each billed day the superbill **as billed** (the frozen claim lines),
the PT and PTA timer runs per code that produced its units, the untimed services, the
calculation trace and every audit entry of the day's visits with its reason; and the audit
log's verification with the anchor (its head) the packet was made against.

Times are in the clinic's zone (``zone_name`` says which); the database keeps them in UTC.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from msgspec import Struct

from chargeclock.domain.superbill_model import Superbill


class TimerRun(Struct, frozen=True):
    """One start-to-stop of a timer: who (PT or PTA), on which code, from when to when."""

    code: str
    role: str
    started: datetime
    stopped: datetime | None  # None: still running (an open visit)

    @property
    def seconds(self) -> int:
        if self.stopped is None:
            return 0
        return int((self.stopped - self.started).total_seconds())


class UntimedService(Struct, frozen=True):
    """An untimed code (evaluation, hot pack …): who furnished it and any minutes given."""

    code: str
    furnished_by: str
    pt_minutes: int | None
    pta_minutes: int | None


class AuditLine(Struct, frozen=True):
    """One audit entry as printed: what, who, when, why, and the changed fields."""

    id: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: int | None
    reason: str
    details: str


class PacketVisit(Struct, frozen=True):
    """One visit of the period with what billed it."""

    visit_id: int
    date_of_service: date
    status: str  # finalized / open / void
    runs: tuple[TimerRun, ...]
    untimed: tuple[UntimedService, ...]
    audit: tuple[AuditLine, ...]
    # The day's superbill, on the visit holding its claim lines; None on a visit pooled into
    # another of the same day (``billed_with``) and on one not finalized.
    superbill: Superbill | None = None
    billed_with: int | None = None
    pooled: tuple[int, ...] = ()  # the same-day visits this visit's superbill bills too
    trace: tuple[str, ...] = ()


class CarePlan(Struct, frozen=True):
    """A plan of care's dates."""

    start: date
    certified_through: date
    signed: date | None
    certified_by: str


class YearCurve(Struct, frozen=True):
    """A patient's year-to-date allowed amount through one year, with the KX threshold and the
    review level of that year: ``points`` are (date, total after that day's visits), in order,
    starting from the amount before the year's first visit (prior spend)."""

    year: int
    points: tuple[tuple[date, Decimal], ...]
    threshold: Decimal
    review_level: Decimal


class Packet(Struct, frozen=True):
    """The whole audit packet."""

    practice: str
    patient_id: int
    patient_name: str
    date_of_birth: date
    payer: str
    member_id: str
    first: date
    last: date
    generated_at: datetime
    zone_name: str
    plans: tuple[CarePlan, ...]
    progress_reports: tuple[date, ...]
    visits: tuple[PacketVisit, ...]
    audit_ok: bool
    audit_report: tuple[str, ...]  # ``verify-audit``'s lines, as it prints them
    anchor: str  # the audit log's head when the packet was made
    curves: tuple[YearCurve, ...] = ()  # the KX year-to-date of each year of the period
    # Each billed day's whole superbill page (True), or its claim lines as the superbill sets
    # them, under the patient and diagnoses printed once (False: a year is half the pages)
    full_superbills: bool = False

    @property
    def billed(self) -> tuple[PacketVisit, ...]:
        return tuple(v for v in self.visits if v.superbill is not None)

    @property
    def total_units(self) -> int:
        return sum(line.units for v in self.billed if v.superbill for line in v.superbill.lines)

    @property
    def total_charges(self) -> Decimal:
        return sum((v.superbill.total_charges for v in self.billed if v.superbill), Decimal(0))

"""Immutable rows as the repositories return them (no SQL here; dates and money already typed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True)
class PracticeRow:
    name: str
    address: str
    phone: str
    npi: str | None
    tax_id: str


@dataclass(frozen=True)
class ProviderRow:
    id: int
    name: str
    credentials: str
    role: str  # PT / PTA
    npi: str | None
    licence: str
    supervising_provider_id: int | None
    active: bool


@dataclass(frozen=True)
class UserRow:
    id: int
    name: str
    role: str  # PT / PTA / front_desk
    provider_id: int | None
    pin_hash: str
    active: bool


@dataclass(frozen=True)
class PayerRow:
    id: int
    name: str
    unit_method: str  # cms / per_code
    assistant_modifiers: bool
    kx: bool
    medicare: bool


@dataclass(frozen=True)
class ReferringProviderRow:
    id: int
    name: str
    npi: str | None


@dataclass(frozen=True)
class PatientRow:
    id: int
    last_name: str
    first_name: str
    date_of_birth: date
    sex: str
    address: str
    phone: str
    payer_id: int | None
    member_id: str
    referring_provider_id: int | None
    active: bool


@dataclass(frozen=True)
class DiagnosisRow:
    id: int
    patient_id: int
    position: int  # 1 = pointer A
    code: str
    billable: bool
    description: str = ""  # ICD-10-CM's own text, as saved

    @property
    def pointer(self) -> str:
        return "ABCDEFGHIJKL"[self.position - 1]


@dataclass(frozen=True)
class PlanOfCareRow:
    id: int
    patient_id: int
    certifying_provider_id: int | None
    start_date: date
    certified_through: date
    signed_date: date | None


@dataclass(frozen=True)
class VisitRow:
    id: int
    patient_id: int
    date_of_service: date
    discipline: str
    place_of_service: str
    payer_id: int | None
    rendering_provider_id: int | None
    supervising_provider_id: int | None
    status: str  # open / finalized / void
    opened_at: datetime
    finalized_at: datetime | None
    tie_choice: tuple[str, ...] | None = None  # the clinician's pick in a tie (None: default)


@dataclass(frozen=True)
class VisitCodeRow:
    id: int
    visit_id: int
    code: str
    position: int


@dataclass(frozen=True)
class SegmentRow:
    id: int
    visit_id: int
    visit_code_id: int
    code: str
    role: str  # PT / PTA
    started_at: datetime
    stopped_at: datetime | None

    @property
    def running(self) -> bool:
        return self.stopped_at is None


@dataclass(frozen=True)
class UntimedRow:
    visit_code_id: int
    furnished_by: str  # PT / PTA / both
    pt_minutes: int | None
    pta_minutes: int | None


@dataclass(frozen=True)
class ClaimLineRow:
    id: int
    visit_id: int
    line_number: int
    code: str
    modifiers: tuple[str, ...]
    units: int
    assistant: bool
    allowed: Decimal | None
    charge: Decimal | None
    diagnosis_pointers: str
    trace: tuple[str, ...]


@dataclass(frozen=True)
class BillRow:
    visit_id: int
    rule_year: int
    unit_method: str
    pooled_visit_ids: tuple[int, ...]
    total_timed_minutes: int
    total_treatment_minutes: int
    timed_units: int
    kx_applies: bool
    warnings: tuple[str, ...]
    review: tuple[str, ...]
    trace: tuple[str, ...]
    computed_at: datetime


@dataclass(frozen=True)
class PaymentRow:
    id: int
    patient_id: int
    visit_id: int | None
    paid_on: date
    amount: Decimal
    method: str


@dataclass(frozen=True)
class HeartbeatRow:
    pid: int
    session_started_at: datetime
    last_seen_at: datetime
    clean_exit: bool

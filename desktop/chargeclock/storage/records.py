"""Immutable rows as the repositories return them (no SQL here; dates and money already typed)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from msgspec import Struct

from chargeclock.domain.claim_form import pointer_letter


class PracticeRow(Struct, frozen=True):
    """The practice as printed on superbills."""

    name: str
    address: str
    phone: str
    npi: str | None
    tax_id: str


class ProviderRow(Struct, frozen=True):
    """A treating or supervising clinician (PT or PTA)."""

    id: int
    name: str
    credentials: str
    role: str  # PT / PTA
    npi: str | None
    licence: str
    supervising_provider_id: int | None
    active: bool


class UserRow(Struct, frozen=True):
    """Someone who unlocks the app, with a hashed PIN."""

    id: int
    name: str
    role: str  # PT / PTA / front_desk
    provider_id: int | None
    pin_hash: str
    active: bool


class PayerRow(Struct, frozen=True):
    """An insurer and how it wants units, modifiers and KX."""

    id: int
    name: str
    unit_method: str  # cms / per_code
    assistant_modifiers: bool
    kx: bool
    medicare: bool
    kind: str = "commercial"  # claims.md §1: medicare_b, medicare_advantage, ... self_pay
    therapy_modifiers: bool = True  # GP / GO / GN
    habilitative_modifiers: bool = False  # 96 / 97
    telehealth_modifier: str = "95"  # 95, GT or "" (none)


class ReferringProviderRow(Struct, frozen=True):
    """A referring physician."""

    id: int
    name: str
    npi: str | None


class PatientRow(Struct, frozen=True):
    """A patient's demographics and coverage."""

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


class DiagnosisRow(Struct, frozen=True):
    """One of a patient's diagnoses, in pointer order."""

    id: int
    patient_id: int
    position: int  # 1 = pointer A
    code: str
    billable: bool
    description: str = ""  # ICD-10-CM's own text, as saved

    @property
    def pointer(self) -> str:
        return pointer_letter(self.position)


class PlanOfCareRow(Struct, frozen=True):
    """A plan of care and its certification dates."""

    id: int
    patient_id: int
    certifying_provider_id: int | None
    start_date: date
    certified_through: date
    signed_date: date | None


class VisitRow(Struct, frozen=True):
    """One visit: whose, when, by whom and its status."""

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


class VisitCodeRow(Struct, frozen=True):
    """A code on a visit, in the order of its rows."""

    id: int
    visit_id: int
    code: str
    position: int


class SegmentRow(Struct, frozen=True):
    """One start-to-stop of a timer (stopped_at None while it runs)."""

    id: int
    visit_id: int
    visit_code_id: int
    code: str
    role: str  # PT / PTA
    started_at: datetime
    stopped_at: datetime | None
    room: str = ""  # the treatment room it was started in ('' unknown)

    @property
    def running(self) -> bool:
        return self.stopped_at is None


class UntimedRow(Struct, frozen=True):
    """An untimed code's furnisher and minutes."""

    visit_code_id: int
    furnished_by: str  # PT / PTA / both
    pt_minutes: int | None
    pta_minutes: int | None


class ClaimLineRow(Struct, frozen=True):
    """A claim line frozen at finalize."""

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
    # Where the line's minutes were given (a pooled day may span places); "" on a line frozen
    # in a snapshot before lines kept it: the visit's place of service.
    place_of_service: str = ""


class BillRow(Struct, frozen=True):
    """The engine's result for a visit, frozen at finalize."""

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
    # The earliest year whose Medicare figures priced the bill when not ``rule_year`` (the
    # year's own were not loaded at finalize); None: the year's own, or a bill from before 0006.
    rule_data_year: int | None = None


class PaymentRow(Struct, frozen=True):
    """A payment recorded against a patient (and perhaps a visit)."""

    id: int
    patient_id: int
    visit_id: int | None
    paid_on: date
    amount: Decimal
    method: str


class HeartbeatRow(Struct, frozen=True):
    """The running session's liveness record (for crash recovery)."""

    pid: int
    session_started_at: datetime
    last_seen_at: datetime
    clean_exit: bool

"""The superbill's model: the immutable :class:`Superbill` the exporter renders as it stands,
its parts (practice, provider, patient, diagnoses, visits and lines, payments), and the inputs
:func:`chargeclock.domain.superbill.build_superbill` takes (:class:`FinalizedVisit`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Literal, Protocol

import msgspec
from msgspec import Struct

from chargeclock.domain.rulebook import Code
from chargeclock.domain.visit_types import VisitResult

Kind = Literal["visit", "statement"]
Paper = Literal["letter", "a4"]

MAX_MODIFIERS = 4  # CMS-1500 item 24D: up to 4 modifiers per line
DEFAULT_PLACE_OF_SERVICE = "11"  # office

_ZERO = Decimal("0.00")


class Practice(Struct, frozen=True):
    """The billing practice, as printed in the header."""

    name: str
    address_lines: tuple[str, ...]
    phone: str
    npi: str
    tax_id: str


class Provider(Struct, frozen=True):
    """A rendering provider; ``credentials`` as they sign (``PT, DPT``)."""

    name: str
    credentials: str  # may be empty
    npi: str
    licence: str = ""  # state licence number with its state, as printed (may be empty)

    @property
    def display_name(self) -> str:
        return f"{self.name}, {self.credentials}" if self.credentials else self.name


class Patient(Struct, frozen=True):
    """The patient block of a superbill, with the insurance it was billed to (claims.md §6)."""

    name: str
    date_of_birth: date
    address_lines: tuple[str, ...] = ()
    payer_name: str = ""  # empty: self-pay
    member_id: str = ""
    sex: str = ""  # F / M / X or empty
    phone: str = ""
    group_number: str = ""
    # The subscriber when not the patient, and how the patient is related to them.
    subscriber: str = ""
    subscriber_relationship: str = ""
    # Workers' compensation and auto claims: the claim number, the date of injury or accident,
    # the employer (workers' comp) and the state of the accident (auto).
    claim_number: str = ""
    injury_date: date | None = None
    employer: str = ""
    accident_state: str = ""


class Practitioner(Struct, frozen=True):
    """The referring or certifying practitioner (CMS-1500 items 17 and 17b)."""

    name: str
    npi: str
    qualification: str = ""  # physician, NP, PA, CNS


class Diagnosis(Struct, frozen=True):
    """One diagnosis on a superbill with its pointer letter."""

    code: str  # ICD-10-CM with its dot (M54.50)
    description: str  # ICD-10-CM's text as saved with the diagnosis; may be empty
    pointer: str  # A-L, in the patient's diagnosis order


class SuperbillLine(Struct, frozen=True):
    """One service line of a superbill, as frozen at finalize."""

    date_of_service: date
    place_of_service: str
    code: str
    label: str  # our short label
    modifiers: tuple[str, ...]  # in claim order (GP, CQ, KX …)
    diagnosis_pointers: tuple[str, ...]
    units: int
    charge: Decimal  # the clinic's fee x units
    expected_allowed: Decimal | None = None  # the engine's estimate; None when unknown
    # A code the payer never pays separately (Medicare status B, e.g. 97010): listed, marked
    # "not billed separately", and adding nothing to the totals or the balance.
    bundled: bool = False
    # Frozen without a clinic charge (no fee for the code at finalize): printed without one,
    # adding nothing, and named in a note; a correction gives it its charge.
    no_charge: bool = False

    @property
    def billed(self) -> Decimal:
        """What the line adds to the totals: its charge, unless bundled or without one."""
        return _ZERO if self.bundled or self.no_charge else self.charge


class SuperbillVisit(Struct, frozen=True):
    """One visit's lines on a superbill, with its provider and minutes."""

    date_of_service: date
    place_of_service: str
    provider: Provider
    lines: tuple[SuperbillLine, ...]
    total_timed_minutes: int
    total_treatment_minutes: int
    trace: tuple[str, ...] = ()

    @property
    def total_charges(self) -> Decimal:
        return sum((line.billed for line in self.lines), _ZERO)

    @property
    def total_units(self) -> int:
        return sum(line.units for line in self.lines if not line.bundled)


class Payment(Struct, frozen=True):
    """A payment received, as shown on a statement."""

    date: date
    amount: Decimal
    method: str = ""  # cash, card, check …


class Adjustment(Struct, frozen=True):
    """A ledger entry other than a payment, as a statement lists it: an adjustment, a refund or
    a reversal. ``amount`` is what it takes off the balance (a refund's is negative)."""

    date: date
    kind: str  # the words: "Contractual adjustment", "Refund", "Reversal of payment #3"
    amount: Decimal
    payment_reversal: bool = False  # undoes a payment (totalled beside the payments)


class Superbill(Struct, frozen=True):
    """A whole superbill or statement, ready to lay out."""

    kind: Kind
    period_from: date
    period_to: date
    practice: Practice
    patient: Patient
    visits: tuple[SuperbillVisit, ...]
    payments: tuple[Payment, ...]
    diagnoses: tuple[Diagnosis, ...]
    paper: Paper
    include_trace: bool
    generated_on: date
    # Plain-words notes printed under the services (e.g. figures that were provisional).
    notes: tuple[str, ...] = ()
    # The audit log's head as of the visit's finalize (a statement: as of its making), printed
    # small so `chargeclock verify-audit --anchor` can check the database against the paper.
    audit_anchor: str = ""
    # A statement's adjustments, refunds and reversals dated in its period (ledger entries).
    adjustments: tuple[Adjustment, ...] = ()
    # The referring or certifying practitioner, and the onset (or injury) date when known.
    referring: Practitioner | None = None
    onset_date: date | None = None
    # A visit superbill's version: 1 as first finalized; each correction makes the next one,
    # printed "corrected" with its reason.
    version: int = 1
    correction_reason: str = ""
    # Medicare: the practice accepts assignment (printed under the signature).
    assignment_accepted: bool = False

    @property
    def lines(self) -> tuple[SuperbillLine, ...]:
        return tuple(line for visit in self.visits for line in visit.lines)

    @property
    def providers(self) -> tuple[Provider, ...]:
        """The distinct rendering providers, in visit order."""
        return tuple(dict.fromkeys(visit.provider for visit in self.visits))

    @property
    def total_units(self) -> int:
        return sum(visit.total_units for visit in self.visits)

    @property
    def total_charges(self) -> Decimal:
        return sum((visit.total_charges for visit in self.visits), _ZERO)

    @property
    def total_payments(self) -> Decimal:
        return sum((payment.amount for payment in self.payments), _ZERO)

    @property
    def total_adjustments(self) -> Decimal:
        """Every adjustment, refund and reversal: what they take off the balance."""
        return sum((adjustment.amount for adjustment in self.adjustments), _ZERO)

    @property
    def total_payments_reversed(self) -> Decimal:
        """What the reversals of payments add back (part of :attr:`total_adjustments`)."""
        return -sum((a.amount for a in self.adjustments if a.payment_reversal), _ZERO)

    @property
    def balance(self) -> Decimal:
        """Charges less payments and adjustments; negative is a credit to the patient."""
        return self.total_charges - self.total_payments - self.total_adjustments


# ---------------------------------------------------------------------------------------------
# Inputs


class ClaimLineData(Protocol):
    """A finalized claim line as the engine (``visit_types.ClaimLine``) or the store gives it."""

    @property
    def code(self) -> str: ...
    @property
    def modifiers(self) -> tuple[str, ...]: ...
    @property
    def units(self) -> int: ...
    @property
    def allowed(self) -> Decimal | None: ...
    @property
    def place_of_service(self) -> str: ...  # "": the visit's


class FinalizedVisit(Struct, frozen=True):
    """One finalized visit, as input to :func:`build_superbill`.

    ``provider`` is the rendering provider when it is not the superbill's default one.
    ``diagnosis_pointers`` apply to every line (default: the first four diagnoses);
    ``line_pointers``, when given, has one tuple per claim line and overrides them.
    """

    date_of_service: date
    claim_lines: Sequence[ClaimLineData]
    total_timed_minutes: int
    total_treatment_minutes: int
    place_of_service: str = DEFAULT_PLACE_OF_SERVICE
    provider: Provider | None = None
    diagnosis_pointers: tuple[str, ...] = ()
    line_pointers: tuple[tuple[str, ...], ...] = ()
    trace: tuple[str, ...] = ()
    # The charges frozen on the lines at finalize, one per line (None: frozen without one);
    # when given they are billed in place of the fee list.
    line_charges: tuple[Decimal | None, ...] = ()
    # Codes the payer never pays separately (Medicare status B): marked and not totalled.
    bundled_codes: tuple[str, ...] = ()

    @classmethod
    def from_result(
        cls,
        date_of_service: date,
        result: VisitResult,
        *,
        place_of_service: str = DEFAULT_PLACE_OF_SERVICE,
        provider: Provider | None = None,
        diagnosis_pointers: tuple[str, ...] = (),
    ) -> FinalizedVisit:
        """A visit straight from the engine's result: its lines, minutes and trace."""
        return cls(
            date_of_service=date_of_service,
            claim_lines=result.claim_lines,
            total_timed_minutes=result.total_timed_minutes,
            total_treatment_minutes=result.total_treatment_minutes,
            place_of_service=place_of_service,
            provider=provider,
            diagnosis_pointers=diagnosis_pointers,
            trace=result.trace,
        )


def encode_superbill(superbill: Superbill) -> bytes:
    """``superbill`` as JSON (amounts as exact decimal text): what a frozen claim keeps."""
    return msgspec.json.encode(superbill)


def decode_superbill(data: bytes | str) -> Superbill:
    """The superbill :func:`encode_superbill` wrote (fields added since take their defaults)."""
    return msgspec.json.decode(data, type=Superbill)


def code_labels(codes: Iterable[Code]) -> dict[str, str]:
    """``code -> short label`` from the catalogue (``RuleBook.all_codes()``); a later row wins."""
    return {code.code: code.label for code in codes}

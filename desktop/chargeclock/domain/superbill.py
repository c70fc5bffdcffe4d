"""The superbill: what leaves the clinic for one visit, or a statement over a date range.

:func:`build_superbill` turns plain inputs (practice, provider, patient, diagnoses, finalized
visits with their claim lines, the clinic's fee list, payments) into an immutable
:class:`Superbill` that the exporter renders as it stands. Everything a claim needs is checked
here, so a missing practice NPI is an :class:`InputError` naming the field, never a PDF with a
blank. Charges are the clinic's fee per code times units, in :class:`~decimal.Decimal` cents.

Descriptions are the catalogue's own short labels (``rulebook.Code.label``), never AMA text.
Pure: standard library only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Literal, Protocol

from msgspec import Struct

from chargeclock.domain.claim_form import ICD10CM_PRINTED, MAX_LINE_POINTERS, POINTERS
from chargeclock.domain.errors import InputError
from chargeclock.domain.fees import round_cents
from chargeclock.domain.rulebook import Code
from chargeclock.domain.visit_types import VisitResult

Kind = Literal["visit", "statement"]
Paper = Literal["letter", "a4"]

MAX_MODIFIERS = 4  # CMS-1500 item 24D: up to 4 modifiers per line
DEFAULT_PLACE_OF_SERVICE = "11"  # office

_POS = re.compile(r"^[0-9]{2}$")
_MODIFIER = re.compile(r"^[0-9A-Z]{2}$")
_ZERO = Decimal("0.00")


# ---------------------------------------------------------------------------------------------
# The model (what the exporter renders)


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

    @property
    def display_name(self) -> str:
        return f"{self.name}, {self.credentials}" if self.credentials else self.name


class Patient(Struct, frozen=True):
    """The patient block of a superbill."""

    name: str
    date_of_birth: date
    address_lines: tuple[str, ...] = ()
    payer_name: str = ""  # empty: self-pay
    member_id: str = ""


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
        return sum((line.charge for line in self.lines), _ZERO)

    @property
    def total_units(self) -> int:
        return sum(line.units for line in self.lines)


class Payment(Struct, frozen=True):
    """A payment received, as shown on a statement."""

    date: date
    amount: Decimal
    method: str = ""  # cash, card, check …


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
    def balance(self) -> Decimal:
        """Charges less payments; negative is a credit to the patient."""
        return self.total_charges - self.total_payments


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


def code_labels(codes: Iterable[Code]) -> dict[str, str]:
    """``code -> short label`` from the catalogue (``RuleBook.all_codes()``); a later row wins."""
    return {code.code: code.label for code in codes}


# ---------------------------------------------------------------------------------------------
# Checks


def _required(value: str, where: str) -> str:
    text = value.strip()
    if not text:
        raise InputError(where, "required for the superbill")
    return text


def npi_is_valid(npi: str) -> bool:
    """Ten digits whose last is the Luhn check digit over ``80840`` + the first nine."""
    if not re.fullmatch(r"[0-9]{10}", npi):
        return False
    total = 0
    for position, char in enumerate(reversed("80840" + npi)):
        digit = int(char)
        if position % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def _npi(value: str, where: str) -> str:
    npi = _required(value, where)
    if not npi_is_valid(npi):
        raise InputError(where, f"{npi!r} is not a valid NPI (10 digits with a check digit)")
    return npi


def _check_practice(practice: Practice) -> Practice:
    lines = tuple(line.strip() for line in practice.address_lines if line.strip())
    if not lines:
        raise InputError("practice.address_lines", "required for the superbill")
    tax_id = _required(practice.tax_id, "practice.tax_id")
    if len(re.sub(r"[-\s]", "", tax_id)) != 9 or not re.fullmatch(r"[0-9][0-9\-\s]*", tax_id):
        raise InputError("practice.tax_id", f"{tax_id!r} is not a 9-digit tax id (EIN)")
    return Practice(
        name=_required(practice.name, "practice.name"),
        address_lines=lines,
        phone=_required(practice.phone, "practice.phone"),
        npi=_npi(practice.npi, "practice.npi"),
        tax_id=tax_id,
    )


def _check_provider(provider: Provider, where: str) -> Provider:
    return Provider(
        name=_required(provider.name, f"{where}.name"),
        credentials=provider.credentials.strip(),
        npi=_npi(provider.npi, f"{where}.npi"),
    )


def _check_patient(patient: Patient) -> Patient:
    payer = patient.payer_name.strip()
    member_id = patient.member_id.strip()
    if payer and not member_id:
        raise InputError("patient.member_id", f"required when the payer is {payer}")
    return Patient(
        name=_required(patient.name, "patient.name"),
        date_of_birth=patient.date_of_birth,
        address_lines=tuple(line.strip() for line in patient.address_lines if line.strip()),
        payer_name=payer,
        member_id=member_id,
    )


def _icd10cm(code: str, where: str) -> str:
    text = _required(code, where).upper()
    if "." not in text and len(text) > 3:
        text = f"{text[:3]}.{text[3:]}"
    if not ICD10CM_PRINTED.fullmatch(text):
        raise InputError(where, f"{code!r} is not an ICD-10-CM code (like M54.50)")
    return text


def _check_diagnoses(diagnoses: Sequence[tuple[str, str]]) -> tuple[Diagnosis, ...]:
    if not diagnoses:
        raise InputError("diagnoses", "at least one ICD-10-CM code is required for the superbill")
    if len(diagnoses) > len(POINTERS):
        raise InputError(
            "diagnoses", f"a superbill holds at most {len(POINTERS)} (A-L), got {len(diagnoses)}"
        )
    out: list[Diagnosis] = []
    seen: dict[str, str] = {}
    for index, (code, description) in enumerate(diagnoses):
        pointer = POINTERS[index]
        text = _icd10cm(code, f"diagnoses[{index}].code")
        if text in seen:
            raise InputError(f"diagnoses[{index}].code", f"{text} is listed twice")
        seen[text] = pointer
        out.append(Diagnosis(text, description.strip(), pointer))
    return tuple(out)


def _check_pointers(pointers: Sequence[str], known: str, where: str) -> tuple[str, ...]:
    if not pointers:
        raise InputError(where, "a line needs at least one diagnosis pointer")
    if len(pointers) > MAX_LINE_POINTERS:
        raise InputError(where, f"at most {MAX_LINE_POINTERS} pointers per line")
    for pointer in pointers:
        if pointer not in known:
            raise InputError(where, f"{pointer!r} points to no diagnosis (known: {known})")
    if len(set(pointers)) != len(pointers):
        raise InputError(where, "a pointer is listed twice")
    return tuple(pointers)


def _check_modifiers(modifiers: Sequence[str], where: str) -> tuple[str, ...]:
    if len(modifiers) > MAX_MODIFIERS:
        raise InputError(where, f"at most {MAX_MODIFIERS} modifiers per line")
    for modifier in modifiers:
        if not _MODIFIER.match(modifier):
            raise InputError(where, f"{modifier!r} is not a two-character modifier")
    return tuple(modifiers)


def _charge(fees: Mapping[str, Decimal], code: str, units: int, where: str) -> Decimal:
    fee = fees.get(code)
    if fee is None:
        raise InputError(where, f"no clinic charge for {code} in the fee list")
    if not isinstance(fee, Decimal) or not fee.is_finite() or fee < 0:
        raise InputError(where, f"the clinic charge for {code} must be an amount >= 0")
    return round_cents(fee * units)


def _build_visit(
    index: int,
    visit: FinalizedVisit,
    default_provider: Provider,
    diagnoses: tuple[Diagnosis, ...],
    fees: Mapping[str, Decimal],
    labels: Mapping[str, str],
) -> SuperbillVisit:
    where = f"visits[{index}]"
    known = "".join(d.pointer for d in diagnoses)
    if not _POS.match(visit.place_of_service):
        raise InputError(
            f"{where}.place_of_service",
            f"{visit.place_of_service!r} is not a two-digit place of service (11: office)",
        )
    provider = (
        default_provider
        if visit.provider is None
        else _check_provider(visit.provider, f"{where}.provider")
    )
    if not visit.claim_lines:
        raise InputError(f"{where}.claim_lines", "a visit on a superbill needs at least one line")
    for name in ("total_timed_minutes", "total_treatment_minutes"):
        minutes = getattr(visit, name)
        if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes < 0:
            raise InputError(f"{where}.{name}", f"must be whole minutes >= 0, got {minutes!r}")
    if visit.total_timed_minutes > visit.total_treatment_minutes:
        raise InputError(
            f"{where}.total_timed_minutes",
            f"{visit.total_timed_minutes} is more than the total treatment time "
            f"({visit.total_treatment_minutes} min)",
        )
    if visit.line_pointers and len(visit.line_pointers) != len(visit.claim_lines):
        raise InputError(
            f"{where}.line_pointers",
            f"has {len(visit.line_pointers)} entries for {len(visit.claim_lines)} claim lines",
        )
    default_pointers = visit.diagnosis_pointers or tuple(known[:MAX_LINE_POINTERS])
    lines: list[SuperbillLine] = []
    for number, claim_line in enumerate(visit.claim_lines):
        at = f"{where}.claim_lines[{number}]"
        code = claim_line.code
        label = labels.get(code)
        if not label:
            raise InputError(f"{at}.code", f"{code!r} has no label in the code catalogue")
        units = claim_line.units
        if isinstance(units, bool) or not isinstance(units, int) or units < 1:
            raise InputError(f"{at}.units", f"must be a whole number >= 1, got {units!r}")
        pointers = visit.line_pointers[number] if visit.line_pointers else default_pointers
        lines.append(
            SuperbillLine(
                date_of_service=visit.date_of_service,
                place_of_service=visit.place_of_service,
                code=code,
                label=label,
                modifiers=_check_modifiers(claim_line.modifiers, f"{at}.modifiers"),
                diagnosis_pointers=_check_pointers(pointers, known, f"{at}.diagnosis_pointers"),
                units=units,
                charge=_charge(fees, code, units, f"fees.{code}"),
                expected_allowed=claim_line.allowed,
            )
        )
    return SuperbillVisit(
        date_of_service=visit.date_of_service,
        place_of_service=visit.place_of_service,
        provider=provider,
        lines=tuple(lines),
        total_timed_minutes=visit.total_timed_minutes,
        total_treatment_minutes=visit.total_treatment_minutes,
        trace=tuple(visit.trace),
    )


def _check_payments(payments: Sequence[Payment]) -> tuple[Payment, ...]:
    out = []
    for index, payment in enumerate(payments):
        amount = payment.amount
        if not isinstance(amount, Decimal) or not amount.is_finite() or amount <= 0:
            raise InputError(f"payments[{index}].amount", f"must be an amount > 0, got {amount}")
        out.append(Payment(payment.date, round_cents(amount), payment.method.strip()))
    return tuple(sorted(out, key=lambda p: p.date))


# ---------------------------------------------------------------------------------------------


def build_superbill(
    *,
    practice: Practice,
    provider: Provider,
    patient: Patient,
    diagnoses: Sequence[tuple[str, str]],
    visits: Sequence[FinalizedVisit],
    fees: Mapping[str, Decimal],
    labels: Mapping[str, str],
    generated_on: date,
    payments: Sequence[Payment] = (),
    kind: Kind = "visit",
    period: tuple[date, date] | None = None,
    paper: Paper = "letter",
    include_trace: bool = False,
) -> Superbill:
    """A checked superbill, ready to render.

    ``diagnoses``: the patient's ICD-10-CM codes in order, as ``(code, description)`` (the
    description may be empty); they get pointers A, B, C … ``fees``: the clinic's charge per
    unit of each code. ``labels``: the catalogue's short label of each code (see
    :func:`code_labels`). ``kind="visit"`` takes exactly one visit and its date is the period;
    ``kind="statement"`` takes ``period=(from, to)`` and visits dated within it, listed by date.
    Raises :class:`InputError` naming the first field that is missing or wrong.
    """
    if kind not in ("visit", "statement"):
        raise InputError("kind", f"must be 'visit' or 'statement', got {kind!r}")
    if paper not in ("letter", "a4"):
        raise InputError("paper", f"must be 'letter' or 'a4', got {paper!r}")
    checked_practice = _check_practice(practice)
    checked_provider = _check_provider(provider, "provider")
    checked_patient = _check_patient(patient)
    checked_diagnoses = _check_diagnoses(diagnoses)
    if not visits:
        raise InputError("visits", "a superbill needs at least one finalized visit with lines")
    if kind == "visit":
        if len(visits) != 1:
            raise InputError("visits", f"a visit superbill takes one visit, got {len(visits)}")
        period_from = period_to = visits[0].date_of_service
        if period is not None and period != (period_from, period_to):
            raise InputError("period", "a visit superbill covers its visit's date only")
    else:
        if period is None:
            raise InputError("period", "a statement needs its from and to dates")
        period_from, period_to = period
        if period_from > period_to:
            raise InputError("period", f"from {period_from} is after to {period_to}")
        for index, visit in enumerate(visits):
            if not period_from <= visit.date_of_service <= period_to:
                raise InputError(
                    f"visits[{index}].date_of_service",
                    f"{visit.date_of_service} is outside the statement period "
                    f"{period_from} to {period_to}",
                )
    built = [
        _build_visit(index, visit, checked_provider, checked_diagnoses, fees, labels)
        for index, visit in enumerate(visits)
    ]
    built.sort(key=lambda v: v.date_of_service)  # stable: same-date visits keep their order
    return Superbill(
        kind=kind,
        period_from=period_from,
        period_to=period_to,
        practice=checked_practice,
        patient=checked_patient,
        visits=tuple(built),
        diagnoses=checked_diagnoses,
        generated_on=generated_on,
        payments=_check_payments(payments),
        paper=paper,
        include_trace=include_trace,
    )

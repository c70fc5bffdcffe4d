"""The checks a superbill passes before it is built: every field a claim needs, named when it
is missing or wrong (an :class:`InputError`), so that no PDF goes out with a blank."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal

from chargeclock.domain.claim_form import ICD10CM_PRINTED, MAX_LINE_POINTERS, POINTERS
from chargeclock.domain.errors import InputError
from chargeclock.domain.fees import round_cents
from chargeclock.domain.superbill_model import (
    MAX_MODIFIERS,
    Diagnosis,
    FinalizedVisit,
    Patient,
    Payment,
    Practice,
    Practitioner,
    Provider,
    SuperbillLine,
    SuperbillVisit,
)

_POS = re.compile(r"^[0-9]{2}$")
_MODIFIER = re.compile(r"^[0-9A-Z]{2}$")


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


def check_practice(practice: Practice) -> Practice:
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


def check_provider(provider: Provider, where: str) -> Provider:
    return Provider(
        name=_required(provider.name, f"{where}.name"),
        credentials=provider.credentials.strip(),
        npi=_npi(provider.npi, f"{where}.npi"),
        licence=provider.licence.strip(),
    )


def check_practitioner(practitioner: Practitioner | None) -> Practitioner | None:
    """The referring or certifying practitioner (item 17 / 17b): a name, and an NPI that is
    valid when given (a Medicare claim without one is a denial risk the visit names, not a
    blank the superbill refuses)."""
    if practitioner is None:
        return None
    npi = practitioner.npi.strip()
    return Practitioner(
        name=_required(practitioner.name, "referring.name"),
        npi=_npi(npi, "referring.npi") if npi else "",
        qualification=practitioner.qualification.strip(),
    )


def check_patient(patient: Patient) -> Patient:
    payer = patient.payer_name.strip()
    member_id = patient.member_id.strip()
    if payer and not member_id:
        raise InputError("patient.member_id", f"required when the payer is {payer}")
    subscriber = patient.subscriber.strip()
    relationship = patient.subscriber_relationship.strip()
    if subscriber and not relationship:
        raise InputError(
            "patient.subscriber_relationship", f"required when the subscriber is {subscriber}"
        )
    return Patient(
        name=_required(patient.name, "patient.name"),
        date_of_birth=patient.date_of_birth,
        address_lines=tuple(line.strip() for line in patient.address_lines if line.strip()),
        payer_name=payer,
        member_id=member_id,
        sex=patient.sex.strip(),
        phone=patient.phone.strip(),
        group_number=patient.group_number.strip(),
        subscriber=subscriber,
        subscriber_relationship=relationship if subscriber else "",
        claim_number=patient.claim_number.strip(),
        injury_date=patient.injury_date,
        employer=patient.employer.strip(),
        accident_state=patient.accident_state.strip().upper(),
    )


def _icd10cm(code: str, where: str) -> str:
    text = _required(code, where).upper()
    if "." not in text and len(text) > 3:
        text = f"{text[:3]}.{text[3:]}"
    if not ICD10CM_PRINTED.fullmatch(text):
        raise InputError(where, f"{code!r} is not an ICD-10-CM code (like M54.50)")
    return text


def check_diagnoses(diagnoses: Sequence[tuple[str, str]]) -> tuple[Diagnosis, ...]:
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


_ZERO = Decimal("0.00")


def _amount(value: Decimal, where: str) -> Decimal:
    if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
        raise InputError(where, f"must be an amount >= 0, got {value}")
    return round_cents(value)


def _charge(fees: Mapping[str, Decimal], code: str, units: int, where: str) -> Decimal:
    fee = fees.get(code)
    if fee is None:
        raise InputError(where, f"no clinic charge for {code} in the fee list")
    if not isinstance(fee, Decimal) or not fee.is_finite() or fee < 0:
        raise InputError(where, f"the clinic charge for {code} must be an amount >= 0")
    return round_cents(fee * units)


def build_visit(
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
        else check_provider(visit.provider, f"{where}.provider")
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
    if visit.line_charges and len(visit.line_charges) != len(visit.claim_lines):
        raise InputError(
            f"{where}.line_charges",
            f"has {len(visit.line_charges)} entries for {len(visit.claim_lines)} claim lines",
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
        place = claim_line.place_of_service or visit.place_of_service
        if not _POS.match(place):  # a pooled day's line carries the place of its minutes
            raise InputError(
                f"{at}.place_of_service", f"{place!r} is not a two-digit place of service"
            )
        pointers = visit.line_pointers[number] if visit.line_pointers else default_pointers
        if visit.line_charges:
            frozen = visit.line_charges[number]
            no_charge = frozen is None
            charge = _ZERO if frozen is None else _amount(frozen, f"{at}.charge")
        else:
            no_charge, charge = False, _charge(fees, code, units, f"fees.{code}")
        lines.append(
            SuperbillLine(
                date_of_service=visit.date_of_service,
                place_of_service=place,
                code=code,
                label=label,
                modifiers=_check_modifiers(claim_line.modifiers, f"{at}.modifiers"),
                diagnosis_pointers=_check_pointers(pointers, known, f"{at}.diagnosis_pointers"),
                units=units,
                charge=charge,
                expected_allowed=claim_line.allowed,
                bundled=code in visit.bundled_codes,
                no_charge=no_charge,
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


def check_payments(payments: Sequence[Payment]) -> tuple[Payment, ...]:
    out = []
    for index, payment in enumerate(payments):
        amount = payment.amount
        if not isinstance(amount, Decimal) or not amount.is_finite() or amount <= 0:
            raise InputError(f"payments[{index}].amount", f"must be an amount > 0, got {amount}")
        out.append(Payment(payment.date, round_cents(amount), payment.method.strip()))
    return tuple(sorted(out, key=lambda p: p.date))

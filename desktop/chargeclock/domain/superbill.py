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

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from chargeclock.domain.days import check_period
from chargeclock.domain.errors import InputError
from chargeclock.domain.superbill_checks import (
    build_visit,
    check_diagnoses,
    check_patient,
    check_payments,
    check_practice,
    check_practitioner,
    check_provider,
)
from chargeclock.domain.superbill_model import (
    FinalizedVisit,
    Kind,
    Paper,
    Patient,
    Payment,
    Practice,
    Practitioner,
    Provider,
    Superbill,
)
from chargeclock.domain.wording import day_text


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
    referring: Practitioner | None = None,
    onset_date: date | None = None,
    assignment_accepted: bool = False,
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
    checked_practice = check_practice(practice)
    checked_provider = check_provider(provider, "provider")
    checked_patient = check_patient(patient)
    checked_diagnoses = check_diagnoses(diagnoses)
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
        check_period(period_from, period_to, "period")
        for index, visit in enumerate(visits):
            if not period_from <= visit.date_of_service <= period_to:
                raise InputError(
                    f"visits[{index}].date_of_service",
                    f"{day_text(visit.date_of_service)} is outside the statement period "
                    f"{day_text(period_from)} to {day_text(period_to)}",
                )
    built = [
        build_visit(index, visit, checked_provider, checked_diagnoses, fees, labels)
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
        payments=check_payments(payments),
        paper=paper,
        include_trace=include_trace,
        referring=check_practitioner(referring),
        onset_date=onset_date,
        assignment_accepted=assignment_accepted,
    )

"""Saving a patient as the patient dialog shows it: demographics, payer, referring provider,
diagnoses, plan of care, prior spend and the last progress report, all in one transaction.

:meth:`PatientRecords.save_patient` checks every field first (an :class:`InputError` naming it)
and only then writes, so a refused save leaves the database as it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

import msgspec.structs
from msgspec import Struct, field

from chargeclock.domain.errors import InputError
from chargeclock.services.context import Context
from chargeclock.services.validation import (
    ADDRESS_LENGTH,
    SHORT_LENGTH,
    DiagnosisCheck,
    check_icd10,
    clean_npi,
    clean_text,
    parse_money,
)
from chargeclock.storage import audit, patients, payers, staff
from chargeclock.storage.audit import AuditEntry
from chargeclock.storage.records import (
    DiagnosisRow,
    PatientRow,
    PlanOfCareRow,
    ReferringProviderRow,
)

SEXES = ("", "F", "M", "X")


class PlanOfCareInput(Struct, frozen=True):
    """A plan of care as entered, before it is checked and saved."""

    start_date: date
    certified_through: date
    signed_date: date | None = None
    certifying_provider_id: int | None = None


class PatientDetails(Struct, frozen=True):
    """Everything the patient dialog saves. ``prior_spend`` None leaves the stored amount;
    ``plan_of_care`` None adds no plan; ``progress_report`` None records none."""

    last_name: str
    first_name: str
    date_of_birth: date
    sex: str = ""
    address: str = ""
    phone: str = ""
    payer_id: int | None = None
    member_id: str = ""
    referring_name: str = ""
    referring_npi: str = ""
    diagnoses: Sequence[str] = ()
    prior_spend: Decimal | str | None = None
    plan_of_care: PlanOfCareInput | None = None
    progress_report: date | None = None


class PatientRecord(Struct, frozen=True):
    """A patient with what the dialog shows around them."""

    patient: PatientRow
    diagnoses: tuple[DiagnosisRow, ...]
    referring: ReferringProviderRow | None
    plan_of_care: PlanOfCareRow | None  # the latest
    prior_spend: Decimal  # this year, therapy at other providers
    last_progress_report: date | None


class PatientSaved(Struct, frozen=True):
    """What saving a patient did: the row, the diagnosis checks, created or changed."""

    patient: PatientRow
    checks: tuple[DiagnosisCheck, ...]
    created: bool
    changed: tuple[str, ...] = field(default=())  # the fields that changed


class PatientRecords:
    """Mixed into :class:`~chargeclock.services.records.RecordService`."""

    ctx: Context

    def referring_providers(self) -> list[ReferringProviderRow]:
        return payers.list_referring_providers(self.ctx.db)

    def patient_record(self, patient_id: int) -> PatientRecord:
        conn = self.ctx.db
        patient = patients.get_patient(conn, patient_id)
        if patient is None:
            raise InputError("patient_id", f"there is no patient {patient_id}")
        referring = (
            payers.get_referring_provider(conn, patient.referring_provider_id)
            if patient.referring_provider_id is not None
            else None
        )
        plans = patients.plans_of_care(conn, patient_id)
        cents = patients.prior_spend_cents(conn, patient_id, self.ctx.today().year, "pt_slp")
        return PatientRecord(
            patient,
            tuple(patients.diagnoses_of(conn, patient_id)),
            referring,
            plans[-1] if plans else None,
            (Decimal(cents) / 100).quantize(Decimal("0.01")),
            patients.last_progress_report(conn, patient_id),
        )

    def check_patient(self, details: PatientDetails) -> tuple[DiagnosisCheck, ...]:
        """Every check of :meth:`save_patient` without saving (the first problem is raised)."""
        conn = self.ctx.db
        today = self.ctx.today()
        clean_text(details.last_name, "last_name")
        clean_text(details.first_name, "first_name")
        clean_text(details.address, "address", ADDRESS_LENGTH, required=False)
        clean_text(details.phone, "phone", SHORT_LENGTH, required=False)
        clean_text(details.member_id, "member_id", SHORT_LENGTH, required=False)
        clean_text(details.referring_name, "referring_name", required=False)
        if details.date_of_birth > today:
            raise InputError("date_of_birth", f"{details.date_of_birth} is in the future")
        if details.date_of_birth.year < 1890:
            raise InputError("date_of_birth", f"{details.date_of_birth} is too long ago")
        if details.sex not in SEXES:
            raise InputError("sex", "must be F, M, X or left blank")
        if details.payer_id is not None:
            if payers.get_payer(conn, details.payer_id) is None:
                raise InputError("payer_id", f"there is no payer {details.payer_id}")
            if not details.member_id.strip():
                raise InputError("member_id", "the payer needs the patient's member id")
        npi = clean_npi(details.referring_npi, "referring_npi")
        if npi and not details.referring_name.strip():
            raise InputError("referring_name", "name the referring provider of this NPI")
        if len(details.diagnoses) > 12:
            raise InputError("diagnoses", "at most 12 diagnoses (pointers A to L)")
        checks = tuple(check_icd10(c, f"diagnoses[{i}]") for i, c in enumerate(details.diagnoses))
        seen: set[str] = set()
        for i, check in enumerate(checks):
            if not check.billable:
                raise InputError(f"diagnoses[{i}]", check.message)
            if check.code in seen:
                raise InputError(f"diagnoses[{i}]", f"{check.code} is listed twice")
            seen.add(check.code)
        if details.prior_spend is not None:
            parse_money(details.prior_spend, "prior_spend")
        if details.plan_of_care is not None:
            self._check_plan(details.plan_of_care)
        if details.progress_report is not None and details.progress_report > today:
            raise InputError("progress_report", f"{details.progress_report} is in the future")
        return checks

    def _check_plan(self, plan: PlanOfCareInput) -> None:
        if plan.certified_through < plan.start_date:
            raise InputError("certified_through", "must be on or after the start date")
        if (plan.certified_through - plan.start_date).days >= 90:
            raise InputError("certified_through", "a plan of care is valid up to 90 days")
        if plan.signed_date is not None:
            if plan.signed_date > self.ctx.today():
                raise InputError("signed_date", f"{plan.signed_date} is in the future")
            if plan.signed_date < plan.start_date:
                raise InputError("signed_date", "is before the plan's start date")
        if plan.certifying_provider_id is not None:
            provider = staff.get_provider(self.ctx.db, plan.certifying_provider_id)
            if provider is None or provider.role != "PT":
                raise InputError("certifying_provider_id", "the certifying provider must be a PT")

    def save_patient(self, details: PatientDetails, patient_id: int | None = None) -> PatientSaved:
        """Add a patient (``patient_id`` None) or change one, with everything around them, in
        one transaction; non-billable diagnoses are refused here (the dialog names the codes to
        use instead)."""
        conn = self.ctx.db
        before = self.patient_record(patient_id) if patient_id is not None else None
        checks = self.check_patient(details)
        npi = clean_npi(details.referring_npi, "referring_npi")
        spend = (
            parse_money(details.prior_spend, "prior_spend")
            if details.prior_spend is not None
            else None
        )
        with self.ctx.db.transaction():
            referring_id: int | None = None
            if details.referring_name.strip():
                name = details.referring_name.strip()
                referring_id = payers.find_referring_provider(conn, name, npi)
                if referring_id is None:
                    referring_id = payers.insert_referring_provider(conn, name, npi)
            row = PatientRow(
                patient_id or 0,
                details.last_name.strip(),
                details.first_name.strip(),
                details.date_of_birth,
                details.sex,
                details.address.strip(),
                details.phone.strip(),
                details.payer_id,
                details.member_id.strip() if details.payer_id is not None else "",
                referring_id,
                True,
            )
            changed = _changes(before, row, checks, spend, details)
            if before is None:
                new_id = patients.insert_patient(conn, row)
                row = msgspec.structs.replace(row, id=new_id)
            else:
                patients.update_patient(conn, row)
            if before is None or "diagnoses" in changed:
                patients.replace_diagnoses(
                    conn, row.id, [(c.code, c.billable, c.description) for c in checks]
                )
            if spend is not None and "prior_spend" in changed:
                patients.set_prior_spend(conn, row.id, self.ctx.today().year, "pt_slp", spend)
            if details.plan_of_care is not None and "plan_of_care" in changed:
                self._save_plan(row.id, details.plan_of_care, before)
            if details.progress_report is not None and "progress_report" in changed:
                patients.insert_progress_report(conn, row.id, details.progress_report, None, None)
            if before is None:
                self.ctx.audit("patient_added", "patient", row.id, "", fields=list(changed))
            elif changed:
                self.ctx.audit("patient_changed", "patient", row.id, "", fields=list(changed))
        found = patients.get_patient(conn, row.id)
        assert found is not None
        return PatientSaved(found, checks, before is None, changed)

    def _save_plan(
        self, patient_id: int, plan: PlanOfCareInput, before: PatientRecord | None
    ) -> None:
        conn = self.ctx.db
        latest = before.plan_of_care if before else None
        if latest is not None and latest.start_date == plan.start_date:
            patients.update_plan_of_care(
                conn,
                latest.id,
                certifying_provider_id=plan.certifying_provider_id,
                certified_through=plan.certified_through,
                signed_date=plan.signed_date,
            )
            return
        patients.insert_plan_of_care(
            conn,
            patient_id=patient_id,
            certifying_provider_id=plan.certifying_provider_id,
            start_date=plan.start_date,
            certified_through=plan.certified_through,
            signed_date=plan.signed_date,
        )

    def visit_audit(self, visit_id: int) -> list[AuditEntry]:
        """The audit entries of a visit and of its timer segments, oldest first."""
        return audit.entries_of_visit(self.ctx.db, visit_id)


def _fields(row: PatientRow) -> tuple[object, ...]:
    return (
        row.id,
        row.last_name,
        row.first_name,
        row.date_of_birth,
        row.sex,
        row.address,
        row.phone,
        row.payer_id,
        row.member_id,
        row.referring_provider_id,
        row.active,
    )


_NAMES = (
    "id",
    "last_name",
    "first_name",
    "date_of_birth",
    "sex",
    "address",
    "phone",
    "payer_id",
    "member_id",
    "referring_provider",
    "active",
)


def _changes(
    before: PatientRecord | None,
    row: PatientRow,
    checks: Sequence[DiagnosisCheck],
    spend: Decimal | None,
    details: PatientDetails,
) -> tuple[str, ...]:
    """The names of the fields this save changes (all given ones for a new patient)."""
    old = _fields(before.patient) if before else (None,) * len(_NAMES)
    changed = [n for n, a, b in zip(_NAMES, old, _fields(row), strict=True) if n != "id" and a != b]
    if before is None:
        changed = [n for n in changed if n != "active"]
    codes = [c.code for c in checks]
    if before is None or codes != [d.code for d in before.diagnoses]:
        changed.append("diagnoses")
    if spend is not None and (before is None or spend != before.prior_spend):
        changed.append("prior_spend")
    plan = details.plan_of_care
    if plan is not None:
        latest = before.plan_of_care if before else None
        wanted = (plan.start_date, plan.certified_through, plan.signed_date)
        if (
            latest is None
            or (latest.start_date, latest.certified_through, latest.signed_date) != wanted
            or latest.certifying_provider_id != plan.certifying_provider_id
        ):
            changed.append("plan_of_care")
    report = details.progress_report
    if report is not None and (before is None or before.last_progress_report != report):
        changed.append("progress_report")
    return tuple(changed)

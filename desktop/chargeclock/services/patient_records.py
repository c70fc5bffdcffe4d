"""Patients and what belongs to each: referring provider, diagnoses, prior spend, plans of care
and progress reports, and saving a patient as the patient dialog shows it, all in one transaction.

:meth:`PatientRecords.save_patient` checks every field first (an :class:`InputError` naming it)
and only then writes, so a refused save leaves the database as it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

import msgspec.structs
from msgspec import Struct, field

from chargeclock.domain.days import not_future
from chargeclock.domain.errors import InputError
from chargeclock.domain.wording import day_text
from chargeclock.services.claim_details import check_claim_details
from chargeclock.services.context import Context
from chargeclock.services.patient_changes import apply_certification, changes, set_certifier
from chargeclock.services.plan_certification import CertificationInput
from chargeclock.services.validation import (
    ADDRESS_LENGTH,
    SHORT_LENGTH,
    DiagnosisCheck,
    check_icd10,
    clean_npi,
    clean_text,
    parse_money,
)
from chargeclock.storage import audit, claim_details, patients, payers, plan_certification, staff
from chargeclock.storage.audit import AuditEntry
from chargeclock.storage.claim_details import ClaimDetailsRow
from chargeclock.storage.plan_certification import CertificationRow
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
    certifying_provider_id: int | None = None  # one of the clinic's PTs (does not certify)
    # The referring or certifying practitioner who certifies it (claims.md §5): the patient's
    # referring practitioner, or another by id.
    certified_by_referring: bool = False
    certifying_practitioner_id: int | None = None
    # The referral exception, delay reason and discharge; None leaves them as they are.
    certification: CertificationInput | None = None


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
    # The claim fields (group number, subscriber, injury …); None leaves them as they are.
    claim: ClaimDetailsRow | None = None


class PatientRecord(Struct, frozen=True):
    """A patient with what the dialog shows around them."""

    patient: PatientRow
    diagnoses: tuple[DiagnosisRow, ...]
    referring: ReferringProviderRow | None
    plan_of_care: PlanOfCareRow | None  # the latest
    prior_spend: Decimal  # this year, therapy at other providers
    last_progress_report: date | None
    certification: CertificationRow | None = None  # the latest plan's


class PatientSaved(Struct, frozen=True):
    """What saving a patient did: the row, the diagnosis checks, created or changed."""

    patient: PatientRow
    checks: tuple[DiagnosisCheck, ...]
    created: bool
    changed: tuple[str, ...] = field(default=())  # the fields that changed


def existing_patient(ctx: Context, patient_id: int) -> PatientRow:
    """The patient ``patient_id``, or an :class:`InputError` naming the field."""
    found = patients.get_patient(ctx.db, patient_id)
    if found is None:
        raise InputError("patient_id", f"there is no patient {patient_id}")
    return found


class PatientRecords:
    """Mixed into :class:`~chargeclock.services.records.RecordService`."""

    ctx: Context

    def referring_providers(self) -> list[ReferringProviderRow]:
        return payers.list_referring_providers(self.ctx.db)

    def add_referring_provider(self, name: str, npi: str | None = None) -> int:
        checked = clean_npi(npi, "npi")
        with self.ctx.db.transaction():
            return payers.insert_referring_provider(self.ctx.db, clean_text(name, "name"), checked)

    def patient(self, patient_id: int) -> PatientRow:
        return existing_patient(self.ctx, patient_id)

    def search_patients(self, text: str) -> list[PatientRow]:
        return patients.search_patients(self.ctx.db, text)

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
        latest = plan_certification.latest_plan(conn, patient_id)
        cents = patients.prior_spend_cents(conn, patient_id, self.ctx.today().year, "pt_slp")
        return PatientRecord(
            patient,
            tuple(patients.diagnoses_of(conn, patient_id)),
            referring,
            latest[0] if latest else None,
            (Decimal(cents) / 100).quantize(Decimal("0.01")),
            patients.last_progress_report(conn, patient_id),
            latest[1] if latest else None,
        )

    def add_patient(
        self,
        last_name: str,
        first_name: str,
        date_of_birth: date,
        *,
        payer_id: int | None = None,
        member_id: str = "",
        sex: str = "",
        address: str = "",
        phone: str = "",
        referring_provider_id: int | None = None,
        diagnoses: Sequence[str] = (),
        prior_spend: Decimal | str | None = None,
    ) -> tuple[PatientRow, tuple[DiagnosisCheck, ...]]:
        """A patient with ordered diagnoses (A, B, …) and this year's prior-provider spend.
        Returns the row and each diagnosis' check (``billable`` False flags a category)."""
        conn = self.ctx.db
        not_future("date_of_birth", date_of_birth, self.ctx.today())
        if payer_id is not None and payers.get_payer(conn, payer_id) is None:
            raise InputError("payer_id", f"there is no payer {payer_id}")
        checks = self._check_diagnoses(diagnoses)
        spend = parse_money(prior_spend, "prior_spend") if prior_spend is not None else None
        row = PatientRow(
            0,
            clean_text(last_name, "last_name"),
            clean_text(first_name, "first_name"),
            date_of_birth,
            sex,
            clean_text(address, "address", ADDRESS_LENGTH, required=False),
            clean_text(phone, "phone", SHORT_LENGTH, required=False),
            payer_id,
            clean_text(member_id, "member_id", SHORT_LENGTH, required=False),
            referring_provider_id,
            True,
        )
        with self.ctx.db.transaction():
            patient_id = patients.insert_patient(conn, row)
            patients.replace_diagnoses(
                conn, patient_id, [(c.code, c.billable, c.description) for c in checks]
            )
            if spend is not None:
                patients.set_prior_spend(conn, patient_id, self.ctx.today().year, "pt_slp", spend)
            self.ctx.audit("patient_added", "patient", patient_id, "")
        found = patients.get_patient(conn, patient_id)
        assert found is not None
        return found, checks

    def _check_diagnoses(self, codes: Sequence[str]) -> tuple[DiagnosisCheck, ...]:
        if len(codes) > 12:
            raise InputError("diagnoses", "at most 12 diagnoses (pointers A to L)")
        checks = tuple(check_icd10(c, f"diagnoses[{i}]") for i, c in enumerate(codes))
        seen: set[str] = set()
        for i, c in enumerate(checks):
            if c.code in seen:
                raise InputError(f"diagnoses[{i}]", f"{c.code} is listed twice")
            seen.add(c.code)
        return checks

    def set_diagnoses(self, patient_id: int, codes: Sequence[str]) -> tuple[DiagnosisCheck, ...]:
        existing_patient(self.ctx, patient_id)
        checks = self._check_diagnoses(codes)
        with self.ctx.db.transaction():
            patients.replace_diagnoses(
                self.ctx.db, patient_id, [(c.code, c.billable, c.description) for c in checks]
            )
            self.ctx.audit(
                "diagnoses_set", "patient", patient_id, "", codes=[c.code for c in checks]
            )
        return checks

    def diagnoses(self, patient_id: int) -> list[DiagnosisRow]:
        return patients.diagnoses_of(self.ctx.db, patient_id)

    def some_diagnosis_lacks_a_description(self) -> bool:
        return patients.some_diagnosis_lacks_a_description(self.ctx.db)

    def set_prior_spend(
        self, patient_id: int, year: int, amount: Decimal | str, bucket: str = "pt_slp"
    ) -> None:
        """Therapy already paid this year at other providers (from the eligibility check)."""
        existing_patient(self.ctx, patient_id)
        if bucket not in ("pt_slp", "ot"):
            raise InputError("bucket", f"must be pt_slp or ot, got {bucket!r}")
        value = parse_money(amount, "prior_spend")
        with self.ctx.db.transaction():
            patients.set_prior_spend(self.ctx.db, patient_id, year, bucket, value)
            self.ctx.audit(
                "prior_spend_set", "patient", patient_id, "", year=year, bucket=bucket, amount=value
            )

    def add_plan_of_care(
        self,
        patient_id: int,
        start_date: date,
        certified_through: date,
        *,
        certifying_provider_id: int | None = None,
        signed_date: date | None = None,
    ) -> PlanOfCareRow:
        existing_patient(self.ctx, patient_id)
        # the checks of a plan entered with the patient
        self._check_plan(
            PlanOfCareInput(
                start_date,
                certified_through,
                signed_date=signed_date,
                certifying_provider_id=certifying_provider_id,
            )
        )
        with self.ctx.db.transaction():
            plan_id = patients.insert_plan_of_care(
                self.ctx.db,
                patient_id=patient_id,
                certifying_provider_id=certifying_provider_id,
                start_date=start_date,
                certified_through=certified_through,
                signed_date=signed_date,
            )
            self.ctx.audit("plan_of_care_added", "patient", patient_id, "", plan_id=plan_id)
        # as written (the patient's plans are not read back to find it)
        return PlanOfCareRow(
            plan_id, patient_id, certifying_provider_id, start_date, certified_through, signed_date
        )

    def record_progress_report(
        self,
        patient_id: int,
        report_date: date,
        visit_id: int | None = None,
        provider_id: int | None = None,
    ) -> int:
        existing_patient(self.ctx, patient_id)
        with self.ctx.db.transaction():
            return patients.insert_progress_report(
                self.ctx.db, patient_id, report_date, visit_id, provider_id
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
        not_future("date_of_birth", details.date_of_birth, today)
        if details.date_of_birth.year < 1890:
            raise InputError("date_of_birth", f"{day_text(details.date_of_birth)} is too long ago")
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
        not_future("progress_report", details.progress_report, today)
        if details.claim is not None:
            check_claim_details(details.claim, today)
        return checks

    def _check_plan(self, plan: PlanOfCareInput) -> None:
        if plan.certified_through < plan.start_date:
            raise InputError("certified_through", "must be on or after the start date")
        if (plan.certified_through - plan.start_date).days >= 90:
            raise InputError("certified_through", "a plan of care is valid up to 90 days")
        if plan.signed_date is not None:
            not_future("signed_date", plan.signed_date, self.ctx.today())
            if plan.signed_date < plan.start_date:
                raise InputError("signed_date", "is before the plan's start date")
        if plan.certifying_practitioner_id is not None and (
            payers.get_referring_provider(self.ctx.db, plan.certifying_practitioner_id) is None
        ):
            raise InputError("certifying_practitioner_id", "there is no such practitioner")
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
            changed = changes(before, row, checks, spend, details)
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
            if details.plan_of_care is not None:
                plan = details.plan_of_care
                saved = self._save_plan(row.id, plan, before, "plan_of_care" in changed)
                # the latest plan's certification as read before the save; a new plan has none
                latest = before.plan_of_care if before else None
                kept = CertificationRow()
                if before and before.certification and latest and latest.id == saved.id:
                    kept = before.certification
                certification = set_certifier(conn, saved.id, kept, plan, referring_id)
                if certification != kept:
                    changed = (*changed, "plan_certifier")
                if apply_certification(self.ctx, saved, certification, plan, before):
                    changed = (*changed, "plan_certification")
            if details.progress_report is not None and "progress_report" in changed:
                patients.insert_progress_report(conn, row.id, details.progress_report, None, None)
            if details.claim is not None:
                claim = check_claim_details(details.claim, self.ctx.today())
                if claim != claim_details.claim_details_of(conn, row.id):
                    claim_details.set_claim_details(conn, row.id, claim)
                    changed = (*changed, "claim_details")
            if before is None:
                self.ctx.audit("patient_added", "patient", row.id, "", fields=list(changed))
            elif changed:
                self.ctx.audit("patient_changed", "patient", row.id, "", fields=list(changed))
        found = patients.get_patient(conn, row.id)
        assert found is not None
        return PatientSaved(found, checks, before is None, changed)

    def _save_plan(
        self, patient_id: int, plan: PlanOfCareInput, before: PatientRecord | None, changed: bool
    ) -> PlanOfCareRow:
        """The plan the save carries, as saved: the patient's latest plan when it is unchanged
        or starts the same day (updated), else a new one (the plans are not read again)."""
        conn = self.ctx.db
        latest = before.plan_of_care if before else None
        if latest is not None and not changed:
            return latest
        if latest is not None and latest.start_date == plan.start_date:
            patients.update_plan_of_care(
                conn,
                latest.id,
                certifying_provider_id=plan.certifying_provider_id,
                certified_through=plan.certified_through,
                signed_date=plan.signed_date,
            )
            return msgspec.structs.replace(
                latest,
                certifying_provider_id=plan.certifying_provider_id,
                certified_through=plan.certified_through,
                signed_date=plan.signed_date,
            )
        plan_id = patients.insert_plan_of_care(
            conn,
            patient_id=patient_id,
            certifying_provider_id=plan.certifying_provider_id,
            start_date=plan.start_date,
            certified_through=plan.certified_through,
            signed_date=plan.signed_date,
        )
        return PlanOfCareRow(
            plan_id,
            patient_id,
            plan.certifying_provider_id,
            plan.start_date,
            plan.certified_through,
            plan.signed_date,
        )

    def visit_audit(self, visit_id: int) -> list[AuditEntry]:
        """Every audit entry about a visit, oldest first: the visit's own, its timer segments',
        its claim's filing, and those of the payments and ledger entries made against it."""
        return audit.entries_about_visit(self.ctx.db, visit_id)

"""Certifying a plan of care (claims.md §5) — ``services.plans``.

* The plan is certified by the **referring or certifying practitioner** — a physician, nurse
  practitioner, physician assistant or clinical nurse specialist with an NPI — never by one of
  the clinic's therapists.
* Within 30 days of the first treatment day; a later signature is accepted with the reason for
  the delay.
* From 2025 an **initial** plan also counts as certified when a signed and dated order or
  referral is on file and the plan was sent to that practitioner within 30 days of the
  evaluation (the plan's start). A recertification has no such exception.
* A payer may ask for recertification every N days (30, 60 …), sooner than the plan's 90.
* A plan can be discharged; a later visit then warns.
"""

from __future__ import annotations

from datetime import date, timedelta

from msgspec import Struct
from msgspec.structs import replace

from chargeclock.domain.days import not_future
from chargeclock.domain.errors import InputError
from chargeclock.domain.wording import day_text
from chargeclock.services.claim_details import QUALIFICATIONS
from chargeclock.services.context import Context
from chargeclock.services.validation import ADDRESS_LENGTH, clean_text
from chargeclock.storage import claim_details, patients, payers, plan_certification, visits
from chargeclock.storage.plan_certification import CertificationRow
from chargeclock.storage.records import PlanOfCareRow

CERTIFY_WITHIN_DAYS = 30
SEND_WITHIN_DAYS = 30
REFERRAL_EXCEPTION_FROM = date(2025, 1, 1)

__all__ = ["CertificationInput", "CertificationRow", "PlanCertification", "is_initial"]


class CertificationInput(Struct, frozen=True):
    """What the patient dialog shows of a plan's certification (see :meth:`PlanCertification.
    apply`): the referral exception's two dates (both or neither), the reason for a late
    signature, and the discharge (None: the plan is open)."""

    referral_signed_on: date | None = None
    plan_sent_on: date | None = None
    delay_reason: str = ""
    discharged_on: date | None = None


def is_initial(plans: list[PlanOfCareRow], plan: PlanOfCareRow, discharged: set[int]) -> bool:
    """The patient's first plan, or the first after a discharge: not a recertification."""
    earlier = [p for p in plans if (p.start_date, p.id) < (plan.start_date, plan.id)]
    return not earlier or earlier[-1].id in discharged


class PlanCertification:
    """Certification, the referral exception, discharge and payers' recertification."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def _plan(self, plan_id: int) -> PlanOfCareRow:
        plan = patients.plan_of_care(self.ctx.db, plan_id)
        if plan is None:
            raise InputError("plan_id", f"there is no plan of care {plan_id}")
        return plan

    def _practitioner(self, practitioner_id: int) -> None:
        found = payers.get_referring_provider(self.ctx.db, practitioner_id)
        if found is None:
            raise InputError(
                "certifying_practitioner", f"there is no practitioner {practitioner_id}"
            )
        if not found.npi:
            raise InputError(
                "certifying_practitioner", f"{found.name} has no NPI: enter it with the referral"
            )
        if claim_details.qualification_of(self.ctx.db, practitioner_id) not in QUALIFICATIONS:
            raise InputError("certifying_practitioner", "must be a physician, NP, PA or CNS")

    def certification(self, plan_id: int) -> CertificationRow:
        return plan_certification.certification_of(self.ctx.db, plan_id)

    def _save(self, plan: PlanOfCareRow, row: CertificationRow, action: str) -> CertificationRow:
        with self.ctx.db.transaction():
            plan_certification.set_certification(self.ctx.db, plan.id, row)
            self.ctx.audit(action, "patient", plan.patient_id, row.delay_reason, plan_id=plan.id)
        return row

    def _certify_by(self, plan: PlanOfCareRow) -> date:
        """The last day an on-time signature can carry: 30 days from the first treatment."""
        first = visits.first_treatment_day(self.ctx.db, plan.patient_id, plan.start_date)
        return (first or plan.start_date) + timedelta(days=CERTIFY_WITHIN_DAYS)

    @staticmethod
    def _no_reason(due: date) -> InputError:
        return InputError(
            "delay_reason",
            f"signed after {day_text(due)} (30 days from the first treatment): "
            "give the reason for the delayed certification",
        )

    def certify(
        self, plan_id: int, practitioner_id: int, signed_on: date, *, delay_reason: str = ""
    ) -> CertificationRow:
        """The practitioner signed the plan on ``signed_on``; after 30 days from the first
        treatment day only with ``delay_reason``."""
        plan = self._plan(plan_id)
        self._practitioner(practitioner_id)
        not_future("signed_date", signed_on, self.ctx.today())
        if signed_on < plan.start_date:
            raise InputError("signed_date", "is before the plan's start date")
        due = self._certify_by(plan)
        reason = clean_text(delay_reason, "delay_reason", ADDRESS_LENGTH, required=False)
        if signed_on > due and not reason:
            raise self._no_reason(due)
        row = replace(
            self.certification(plan_id),
            certifying_practitioner_id=practitioner_id,
            delay_reason=reason if signed_on > due else "",
        )
        with self.ctx.db.transaction():
            plan_certification.set_signed(self.ctx.db, plan_id, signed_on)
            return self._save(plan, row, "plan_of_care_certified")

    def record_referral(
        self, plan_id: int, practitioner_id: int, referral_signed_on: date, plan_sent_on: date
    ) -> CertificationRow:
        """The 2025 exception: a signed referral on file and the plan sent within 30 days of
        the evaluation certify an initial plan (never a recertification)."""
        return self._record_referral(
            self._plan(plan_id),
            self.certification(plan_id),
            practitioner_id,
            referral_signed_on,
            plan_sent_on,
        )

    def _record_referral(
        self,
        plan: PlanOfCareRow,
        cert: CertificationRow,
        practitioner_id: int,
        referral_signed_on: date,
        plan_sent_on: date,
    ) -> CertificationRow:
        self._practitioner(practitioner_id)
        if plan.start_date < REFERRAL_EXCEPTION_FROM:
            raise InputError("plan_sent_on", "the referral exception applies to plans from 2025")
        plans = patients.plans_of_care(self.ctx.db, plan.patient_id)
        discharged = plan_certification.discharged_plans(self.ctx.db, plan.patient_id)
        if not is_initial(plans, plan, discharged):
            raise InputError(
                "plan_sent_on", "a recertification has no referral exception: it must be signed"
            )
        today = self.ctx.today()
        for field, day in (
            ("referral_signed_on", referral_signed_on),
            ("plan_sent_on", plan_sent_on),
        ):
            not_future(field, day, today)
        if plan_sent_on < plan.start_date:
            raise InputError("plan_sent_on", "is before the evaluation (the plan's start)")
        if (plan_sent_on - plan.start_date).days > SEND_WITHIN_DAYS:
            raise InputError(
                "plan_sent_on",
                f"sent {(plan_sent_on - plan.start_date).days} days after the evaluation: the "
                "exception needs it sent within 30 days; have the plan signed instead",
            )
        row = replace(
            cert,
            certifying_practitioner_id=practitioner_id,
            referral_signed_on=referral_signed_on,
            plan_sent_on=plan_sent_on,
        )
        return self._save(plan, row, "plan_of_care_referral_recorded")

    def discharge(self, plan_id: int, on: date | None) -> CertificationRow:
        """Close the plan on ``on`` (later visits warn); None opens it again."""
        return self._discharge(self._plan(plan_id), self.certification(plan_id), on)

    def _discharge(
        self, plan: PlanOfCareRow, cert: CertificationRow, on: date | None
    ) -> CertificationRow:
        if on is None:
            return self._save(plan, replace(cert, discharged_on=None), "plan_of_care_reopened")
        if on < plan.start_date:
            raise InputError("discharged_on", "is before the plan's start date")
        not_future("discharged_on", on, self.ctx.today())
        return self._save(plan, replace(cert, discharged_on=on), "plan_of_care_discharged")

    def apply(
        self,
        plan: PlanOfCareRow,
        cert: CertificationRow,
        wanted: CertificationInput,
        *,
        signed_changed: bool,
    ) -> bool:
        """Make the plan's certification what the patient dialog shows, each change through its
        own checks and audit entry: the referral exception (:meth:`record_referral`, certified
        by the plan's certifying practitioner; both dates blank withdraw it), the delay reason
        (required when the signature is late and was just entered, or a reason is being
        removed; kept only for a late signature, as :meth:`certify` does) and the discharge.
        Run inside the patient save's transaction, a refused change undoes the whole save.
        True when anything changed. ``plan`` and ``cert`` are the plan and its certification
        as the save left them (not read again)."""
        before = cert
        referral = (wanted.referral_signed_on, wanted.plan_sent_on)
        if referral != (cert.referral_signed_on, cert.plan_sent_on):
            if referral == (None, None):
                row = replace(cert, referral_signed_on=None, plan_sent_on=None)
                cert = self._save(plan, row, "plan_of_care_referral_withdrawn")
            else:
                cert = self._referral(plan, cert, wanted)
        reason = clean_text(wanted.delay_reason, "delay_reason", ADDRESS_LENGTH, required=False)
        due = self._certify_by(plan)
        late = plan.signed_date is not None and plan.signed_date > due
        by_referral = cert.referral_signed_on is not None and cert.plan_sent_on is not None
        if late and not reason and not by_referral and (signed_changed or cert.delay_reason):
            raise self._no_reason(due)
        kept = reason if late else ""
        if kept != cert.delay_reason:
            cert = self._save(plan, replace(cert, delay_reason=kept), "plan_of_care_delay_reason")
        if wanted.discharged_on != cert.discharged_on:
            cert = self._discharge(plan, cert, wanted.discharged_on)
        return cert != before

    def _referral(
        self, plan: PlanOfCareRow, cert: CertificationRow, wanted: CertificationInput
    ) -> CertificationRow:
        for field, day in (
            ("referral_signed_on", wanted.referral_signed_on),
            ("plan_sent_on", wanted.plan_sent_on),
        ):
            if day is None:
                raise InputError(
                    field,
                    "the referral exception needs both dates: the order or referral signed, "
                    "and the plan sent",
                )
        if cert.certifying_practitioner_id is None:
            raise InputError(
                "certifying_practitioner",
                "name the practitioner whose signed referral is on file (Certified by)",
            )
        assert wanted.referral_signed_on is not None and wanted.plan_sent_on is not None
        return self._record_referral(
            plan,
            cert,
            cert.certifying_practitioner_id,
            wanted.referral_signed_on,
            wanted.plan_sent_on,
        )

    def recertification_days(self, payer_id: int) -> int | None:
        return plan_certification.recertification_days(self.ctx.db, payer_id)

    def set_recertification_days(self, payer_id: int, days: int | None) -> None:
        """The payer asks for recertification every ``days`` (None: the plan's own length)."""
        if payers.get_payer(self.ctx.db, payer_id) is None:
            raise InputError("payer_id", f"there is no payer {payer_id}")
        check_recertification_days(days)
        with self.ctx.db.transaction():
            plan_certification.set_recertification_days(self.ctx.db, payer_id, days)
            self.ctx.audit("payer_changed", "payer", payer_id, "", recertification_days=days)


def check_recertification_days(days: int | None) -> None:
    """A payer's recertification interval: 1 to 90 days, or None (the plan's own length)."""
    if days is not None and not 1 <= days <= 90:
        raise InputError("recertification_days", "must be 1 to 90 days, or none")

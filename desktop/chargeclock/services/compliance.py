"""Progress-report and plan-of-care reminders (rules.md §8).

* Progress report at least every 10 treatment days; the first day of the episode counts.
* Plan of care (claims.md §5): certified within 30 days of the first treatment by the referring
  or certifying practitioner (a signature by one of the clinic's therapists does not count; a
  plan signed before the certifier was recorded does), later with a reason for the delay, or
  from 2025 by a referral on file and the plan sent within 30 days
  (:mod:`~chargeclock.services.plan_certification`); valid up to 90 days (the certified-through
  date), or the payer's shorter recertification interval; warn before and after it lapses, and
  after it was discharged.
"""

from __future__ import annotations

from datetime import date, timedelta

from msgspec import Struct

from chargeclock.domain.wording import day_text, plural
from chargeclock.services.context import Context
from chargeclock.storage import patients, plan_certification, visits
from chargeclock.storage.records import PlanOfCareRow

PROGRESS_REPORT_EVERY = 10
CERTIFY_WITHIN_DAYS = 30
PLAN_VALID_DAYS = 90
LAPSE_WARNING_DAYS = 7


class ProgressReportStatus(Struct, frozen=True):
    """Where a patient stands against the progress-report interval."""

    treatment_days: int  # since the last report (or since the episode began, counting day one)
    last_report: date | None
    due: bool  # a report is due on or before this treatment day
    days_left: int  # treatment days before one is due (0 when due)
    message: str


class PlanOfCareStatus(Struct, frozen=True):
    """Whether the current plan of care is signed, certified and still in force."""

    # none / ok / unsigned / certification_overdue / certifier_not_allowed / lapsing / lapsed /
    # discharged
    state: str
    plan: PlanOfCareRow | None
    valid_through: date | None
    days_left: int | None
    message: str

    @property
    def warn(self) -> bool:
        return self.state != "ok"


def _current_plan(ctx: Context, patient_id: int, on: date) -> PlanOfCareRow | None:
    plans = [p for p in patients.plans_of_care(ctx.db, patient_id) if p.start_date <= on]
    return plans[-1] if plans else None


def progress_report_status(ctx: Context, patient_id: int, on: date) -> ProgressReportStatus:
    conn = ctx.db
    plan = _current_plan(ctx, patient_id, on)
    last = patients.last_progress_report(conn, patient_id)
    episode_start = plan.start_date if plan else date(on.year, 1, 1)
    if last is not None and last >= episode_start:
        since = last + timedelta(days=1)
    else:
        last = None
        since = episode_start
    days = _treatment_days(ctx, patient_id, since, on)
    due = days >= PROGRESS_REPORT_EVERY
    left = max(0, PROGRESS_REPORT_EVERY - days)
    if due:
        message = f"progress report due: {days} treatment days since the last one"
    else:
        message = f"progress report due in {plural(left, 'treatment day')}"
    return ProgressReportStatus(days, last, due, left, message)


def _treatment_days(ctx: Context, patient_id: int, since: date, until: date) -> int:
    """Distinct dates of service with a visit (open or finalized) in the range."""
    rows = visits.visits_of_patient(ctx.db, patient_id)
    return len(
        {
            v.date_of_service
            for v in rows
            if v.status != "void" and since <= v.date_of_service <= until
        }
    )


def _valid_through(ctx: Context, plan: PlanOfCareRow) -> tuple[date, int | None]:
    """The last day the plan covers, and the payer's recertification interval if it set one."""
    through = min(plan.certified_through, plan.start_date + timedelta(days=PLAN_VALID_DAYS - 1))
    patient = patients.get_patient(ctx.db, plan.patient_id)
    every = None
    if patient is not None and patient.payer_id is not None:
        every = plan_certification.recertification_days(ctx.db, patient.payer_id)
    if every is not None:
        through = min(through, plan.start_date + timedelta(days=every - 1))
    return through, every


def plan_of_care_status(ctx: Context, patient_id: int, on: date) -> PlanOfCareStatus:
    plan = _current_plan(ctx, patient_id, on)
    if plan is None:
        return PlanOfCareStatus("none", None, None, None, "no plan of care on file")
    cert = plan_certification.certification_of(ctx.db, plan.id)
    if cert.discharged_on is not None and cert.discharged_on <= on:
        return PlanOfCareStatus(
            "discharged",
            plan,
            cert.discharged_on,
            None,
            f"plan of care discharged on {day_text(cert.discharged_on)}: a visit after it "
            "needs a new plan of care",
        )
    through, every = _valid_through(ctx, plan)
    days_left = (through - on).days
    if days_left < 0:
        return PlanOfCareStatus(
            "lapsed", plan, through, days_left, f"plan of care lapsed on {day_text(through)}"
        )
    first = visits.first_treatment_day(ctx.db, patient_id, plan.start_date) or on
    sign_by = first + timedelta(days=CERTIFY_WITHIN_DAYS)
    signed = plan.signed_date
    if (
        signed is not None
        and cert.certifying_practitioner_id is None
        and plan.certifying_provider_id is not None
    ):
        return PlanOfCareStatus(
            "certifier_not_allowed",
            plan,
            through,
            days_left,
            "plan of care signed by a clinic therapist: the referring physician or NPP "
            "(NP, PA, CNS) with an NPI must certify it",
        )
    referral = cert.referral_signed_on is not None and cert.plan_sent_on is not None
    late = signed is not None and signed > sign_by and not cert.delay_reason
    if not referral and (signed is None or late):
        if on > sign_by or late:
            return PlanOfCareStatus(
                "certification_overdue",
                plan,
                through,
                days_left,
                f"plan of care not certified within 30 days of the first treatment "
                f"(due {day_text(sign_by)}): a later signature needs the reason for the delay",
            )
        return PlanOfCareStatus(
            "unsigned",
            plan,
            through,
            days_left,
            f"plan of care not yet signed: certify it by {day_text(sign_by)}",
        )
    if days_left <= LAPSE_WARNING_DAYS:
        why = f" (the payer asks every {every} days)" if every is not None else ""
        return PlanOfCareStatus(
            "lapsing",
            plan,
            through,
            days_left,
            f"plan of care lapses in {plural(days_left, 'day')} ({day_text(through)}): "
            f"recertify{why}",
        )
    return PlanOfCareStatus(
        "ok", plan, through, days_left, f"plan of care valid through {day_text(through)}"
    )

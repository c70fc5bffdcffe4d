"""Progress-report and plan-of-care reminders (rules.md §8).

* Progress report at least every 10 treatment days; the first day of the episode counts.
* Plan of care: certified (signed) within 30 days of the first treatment; valid up to 90 days
  (the certified-through date, at most 90 days from its start); warn before and after it lapses.
"""

from __future__ import annotations

from datetime import date, timedelta

from msgspec import Struct

from chargeclock.services.context import Context
from chargeclock.storage import patients, visits
from chargeclock.storage.records import PlanOfCareRow
from chargeclock.wording import plural

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

    state: str  # none / ok / unsigned / certification_overdue / lapsing / lapsed
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


def plan_of_care_status(ctx: Context, patient_id: int, on: date) -> PlanOfCareStatus:
    plan = _current_plan(ctx, patient_id, on)
    if plan is None:
        return PlanOfCareStatus("none", None, None, None, "no plan of care on file")
    through = min(plan.certified_through, plan.start_date + timedelta(days=PLAN_VALID_DAYS - 1))
    days_left = (through - on).days
    if days_left < 0:
        return PlanOfCareStatus(
            "lapsed", plan, through, days_left, f"plan of care lapsed on {through.isoformat()}"
        )
    first = visits.first_treatment_day(ctx.db, patient_id, plan.start_date) or on
    sign_by = first + timedelta(days=CERTIFY_WITHIN_DAYS)
    if plan.signed_date is None or plan.signed_date > sign_by:
        if on > sign_by or (plan.signed_date is not None and plan.signed_date > sign_by):
            return PlanOfCareStatus(
                "certification_overdue",
                plan,
                through,
                days_left,
                f"plan of care not certified within 30 days of the first treatment "
                f"(due {sign_by.isoformat()})",
            )
        return PlanOfCareStatus(
            "unsigned",
            plan,
            through,
            days_left,
            f"plan of care not yet signed: certify it by {sign_by.isoformat()}",
        )
    if days_left <= LAPSE_WARNING_DAYS:
        return PlanOfCareStatus(
            "lapsing",
            plan,
            through,
            days_left,
            f"plan of care lapses in {plural(days_left, 'day')} ({through.isoformat()}): recertify",
        )
    return PlanOfCareStatus("ok", plan, through, days_left, f"plan of care valid through {through}")

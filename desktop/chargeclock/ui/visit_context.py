"""What the visit panel reads besides the visit itself: the reminders and KX forecast for the
calculator panel, the rows of the code table, and the KX review told after a finalize."""

from __future__ import annotations

from chargeclock.domain.payer_kinds import PayerKind
from chargeclock.domain.rulebook import Discipline
from chargeclock.domain.threshold import visits_until
from chargeclock.domain.wording import day_text
from chargeclock.services.minutes import VisitState
from chargeclock.services.session import Services
from chargeclock.services.visits import Finalized
from chargeclock.ui import authorization_line
from chargeclock.ui.calculator_panel import PanelContext, Reminder
from chargeclock.ui.rows_model import CodeRow


def load_context(services: Services, state: VisitState) -> PanelContext:
    """Reminders and the forecast: read once when a visit opens, not on every tick."""
    patient_id = state.patient_id
    reminders: list[Reminder] = []
    progress = services.progress_report_status(patient_id)
    if progress.due or progress.days_left <= 2:
        reminders.append(Reminder("alert" if progress.due else "warn", progress.message))
    plan = services.plan_of_care_status(patient_id)
    if plan.warn:
        reminders.append(Reminder("alert" if plan.state == "lapsed" else "warn", plan.message))
    reminders += authorization_line.reminders(
        authorization_line.payer_check(services, state.visit_id)
    )
    year = state.date_of_service.year
    bucket = Discipline(state.discipline).kx_bucket
    ytd = services.ytd_allowed(patient_id, year, bucket)
    # the average of the visits the year-to-date counts: those billed to Medicare Part B
    part_b = {p.id for p in services.records.payers() if PayerKind(p.kind).counts_toward_kx}
    finalized = [
        v
        for v in services.visits.visits_of_patient(patient_id)
        if v.status == "finalized" and v.date_of_service.year == year and v.payer_id in part_b
    ]
    average = ytd.clinic / len(finalized) if finalized else None
    threshold = services.book.year(year)
    total = ytd.total
    note = ""
    if state.same_day_visit_ids:
        others = ", ".join(f"#{v}" for v in state.same_day_visit_ids)
        note = f"Same-day visits ({others}) are billed with this one as one day"
    return PanelContext(
        visits_to_kx=visits_until(threshold.kx_threshold[bucket] - total, average),
        visits_to_review=visits_until(threshold.review_threshold - total, average),
        reminders=tuple(reminders),
        day_note=note,
        kx_tracked=state.payer.kx,
    )


def code_rows(services: Services, state: VisitState) -> list[CodeRow]:
    """Favourites first in their fixed order (so a row never jumps when tapped), then the
    visit's other codes in the order they were added. A finalized visit shows its codes."""
    on_visit = {c.code: c for c in state.codes}
    rows: list[CodeRow] = []
    if state.status == "open":
        year = services.book.year(state.date_of_service.year)
        for code in services.records.favourite_codes():
            entry = year.code(code)
            if entry is not None:
                rows.append(CodeRow(code, entry.label, entry.timed, on_visit.get(code)))
    shown = {r.code for r in rows}
    rows += [CodeRow(c.code, c.label, c.timed, c) for c in state.codes if c.code not in shown]
    return rows


def kx_review(services: Services, finalized: Finalized) -> str:
    """What the biller is told when later bills' KX no longer matches the year-to-date."""
    visits = [services.visits.visit(i) for i in finalized.kx_review_visit_ids]
    named = ", ".join(f"#{v.id} of {day_text(v.date_of_service)}" for v in visits)
    return (
        f"The KX modifier frozen on {'visit' if len(visits) == 1 else 'visits'} {named}, "
        "billed after this one, no longer matches the patient's year-to-date: review "
        "those claims and correct them if they were sent."
    )

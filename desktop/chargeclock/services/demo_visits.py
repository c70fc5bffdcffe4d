"""The demo's year of visits: episodes of care, treatment days, timed and untimed codes with
their timer segments, each visit finalized by :meth:`VisitService.finalize` of the window's own
services (so its claim is frozen as the window freezes it), after what its finalize asks is
settled (:mod:`chargeclock.services.demo_claims`)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from chargeclock.clock import FakeClock
from chargeclock.services import billing
from chargeclock.services.context import Context
from chargeclock.services.demo_claims import DemoClaims, DemoVisit
from chargeclock.services.demo_data import TIMED_CODES
from chargeclock.services.minutes import CodeState, Span, UntimedState, day_parts, pool
from chargeclock.storage import patients, payers, plan_certification, visits
from chargeclock.storage.audit_rows import refs_of_visits
from chargeclock.storage.plan_certification import CertificationRow


def clinic_days(start: date, end: date, rng: random.Random, per_week: int) -> list[date]:
    """Treatment days between start and end, ``per_week`` weekdays a week."""
    days: list[date] = []
    week = start - timedelta(days=start.weekday())
    while week <= end:
        for offset in sorted(rng.sample(range(5), per_week)):
            day = week + timedelta(days=offset)
            if start <= day <= end:
                days.append(day)
        week += timedelta(days=7)
    return days


def episodes_of_care(
    patient_id: int, kx: int, lapsing: int, start: date, today: date, rng: random.Random
) -> list[tuple[date, date, date]]:
    """(plan start, certified through, last visit) per episode of care."""
    if patient_id == kx:  # one short recent episode: the year's spend is mostly elsewhere
        first = max(today - timedelta(days=25), start)
        return [(first, first + timedelta(days=59), today)]
    if patient_id == lapsing:
        first = max(today - timedelta(days=84), start)
        return [(first, first + timedelta(days=89), today)]
    out = []
    cursor = start + timedelta(days=rng.randrange(0, 40))
    while cursor < today - timedelta(days=10):
        length = rng.randrange(42, 84)
        through = cursor + timedelta(days=89)
        out.append((cursor, through, min(cursor + timedelta(days=length), today)))
        cursor += timedelta(days=length + rng.randrange(10, 45))
    return out


def patient_visits(
    claims: DemoClaims,
    clock: FakeClock,
    patient_id: int,
    payer_id: int | None,
    episodes: list[tuple[date, date, date]],
    today: date,
    rng: random.Random,
    pt_id: int,
    pta_id: int,
    counts: list[int],
) -> list[DemoVisit]:
    """Open, time and finalize the patient's visits; each finalized one. ``clock`` (the one the
    services read) is moved to each visit's end and put back after."""
    ctx = claims.services.ctx
    conn = ctx.db
    resume = clock.now()
    payer = billing.payer_rules(payers.get_payer(conn, payer_id) if payer_id else None)
    made: list[DemoVisit] = []
    finalizer = claims.services.visits
    for plan_start, through, last in episodes:
        signed = min(plan_start + timedelta(days=rng.randrange(2, 12)), today)
        plan_id = patients.insert_plan_of_care(
            conn,
            patient_id=patient_id,
            certifying_provider_id=None,
            start_date=plan_start,
            certified_through=through,
            signed_date=signed,
        )
        # Certified by the patient's referring physician (claims.md §5), not the clinic's PT.
        referring = patients.get_patient(conn, patient_id)
        if referring is not None and referring.referring_provider_id is not None:
            plan_certification.set_certification(
                conn,
                plan_id,
                CertificationRow(certifying_practitioner_id=referring.referring_provider_id),
            )
        days = clinic_days(plan_start, last, rng, rng.choice((2, 2, 3)))
        favourite = rng.sample(TIMED_CODES, 3)
        claims.before_episode(patient_id, payer_id, payer.medicare, through, days)
        for number, day in enumerate(days):
            if number and number % 10 == 0:
                patients.insert_progress_report(conn, patient_id, day, None, pt_id)
            by_pta = number > 0 and rng.random() < 0.3
            rendering = pta_id if by_pta else pt_id
            opened = datetime.combine(day, datetime.min.time(), UTC) + timedelta(
                hours=13 + rng.randrange(0, 8), minutes=rng.choice((0, 15, 30, 45))
            )
            visit_id = visits.insert_visit(
                conn,
                patient_id=patient_id,
                date_of_service=day,
                discipline="PT",
                place_of_service="11",
                payer_id=payer_id,
                rendering_provider_id=rendering,
                supervising_provider_id=pt_id if by_pta else None,
                opened_at=opened,
            )
            states = _visit_codes(ctx, visit_id, number, favourite, by_pta, opened, rng, payer)
            counts[0] += 1
            counts[1] += sum(len(s.spans) for s in states)
            if day == today:  # today's visits stay open
                ctx.audit(
                    "visit_opened", "visit", visit_id, covers=refs_of_visits(conn, [visit_id])
                )
                continue
            # Finalized when the treatment is over, through the same service as the window.
            services = pool(day_parts(states, opened + timedelta(hours=3)))
            treated = sum(s.minutes for s in services)
            clock.set(opened + timedelta(minutes=max(30, treated + 5)))
            claims.before_finalize(visit_id, patient_id, day)
            result = finalizer.finalize(visit_id).result
            counts[2] += len(result.claim_lines)
            made.append(
                DemoVisit(visit_id, day, result.allowed_total, len(result.claim_lines), clock.now())
            )
    clock.set(resume)
    return made


def _visit_codes(
    ctx: Context,
    visit_id: int,
    number: int,
    favourite: list[str],
    by_pta: bool,
    opened: datetime,
    rng: random.Random,
    payer: object,
) -> list[CodeState]:
    conn = ctx.db
    states: list[CodeState] = []
    cursor = opened
    codes = list(favourite)
    if number == 0:
        codes.insert(0, rng.choice(("97161", "97162", "97163")))
    elif number % 12 == 0:
        codes.insert(0, "97164")
    if rng.random() < 0.25:
        codes.append("G0283" if getattr(payer, "medicare", False) else "97014")
    for code in codes:
        row = visits.insert_code(conn, visit_id, code)
        entry = ctx.book.year(opened.year).code(code)
        assert entry is not None
        if not entry.timed:
            who = "PTA" if by_pta and not entry.is_evaluation else "PT"
            minutes = rng.randrange(10, 20) if entry.is_evaluation else None
            visits.upsert_untimed(conn, row.id, who, minutes if who == "PT" else None, None)
            states.append(
                CodeState(row.id, code, entry.label, False, 0, (), UntimedState(who, minutes, None))
            )
            continue
        spans: list[Span] = []
        role = "PTA" if by_pta else "PT"
        length = timedelta(minutes=rng.randrange(6, 24), seconds=rng.randrange(0, 60))
        spans.append(_segment(conn, visit_id, row.id, role, cursor, cursor + length))
        if not by_pta and rng.random() < 0.2:  # the assistant carries on with the exercise
            more = timedelta(minutes=rng.randrange(5, 14), seconds=rng.randrange(0, 60))
            spans.append(
                _segment(conn, visit_id, row.id, "PTA", cursor + length, cursor + length + more)
            )
            length += more
        cursor += length + timedelta(seconds=rng.randrange(20, 120))
        states.append(CodeState(row.id, code, entry.label, True, 15, tuple(spans)))
    return states


def _segment(
    conn: object, visit_id: int, code_id: int, role: str, start: datetime, stop: datetime
) -> Span:
    segment_id = visits.insert_segment(
        conn,  # type: ignore[arg-type]
        visit_id=visit_id,
        visit_code_id=code_id,
        role=role,
        started_at=start,
        stopped_at=stop,
    )
    return Span(segment_id, role, start, stop)

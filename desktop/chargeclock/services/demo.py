"""A realistic, deterministic demo database (``chargeclock demo-db PATH``, ``chargeclock --demo``).

One practice, a PT and the PTA she supervises, Medicare and a commercial payer (and cash-pay
patients), 40 patients, a year of visits up to ``today`` with timer segments and claim lines
frozen by the engine, payments, plans of care and progress reports, each visit and payment with
its audit entry, as the app writes them. One Medicare patient sits
just under the KX threshold; one has a plan of care about to lapse. Allowed amounts for codes with
no published figure are filled in as a clinic would, labelled "sample amounts, not Medicare
figures". Same seed and same ``today`` give the same database. Everything is written in one
transaction.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from msgspec import Struct

from chargeclock.clock import Clock, FakeClock
from chargeclock.domain.calculation import calculate
from chargeclock.domain.claim_form import default_pointers, npi_with_check_digit
from chargeclock.domain.errors import InputError
from chargeclock.domain.rulebook import Discipline, RuleBook
from chargeclock.domain.visit_types import VisitInput
from chargeclock.services import billing
from chargeclock.services.context import ClinicRuleBook, Context
from chargeclock.services.minutes import CodeState, Span, UntimedState, day_parts, pool
from chargeclock.services.validation import check_icd10
from chargeclock.storage import amounts, audit, clinic, visits
from chargeclock.storage.audit_rows import refs_of_visits
from chargeclock.storage.database import open_database
from chargeclock.storage.records import BillRow, ClaimLineRow, PatientRow, PracticeRow

SAMPLE_LABEL = "sample amounts, not Medicare figures"
DEMO_PINS = {"Dana Reyes": "2468", "Sam Lee": "1357"}

# What a clinic might type in for codes with no published figure (and for last year).
_SAMPLE_ALLOWED = {
    "97110": "28.10",
    "97112": "31.70",
    "97116": "28.90",
    "97140": "26.80",
    "97530": "33.90",
    "97535": "31.20",
    "97161": "94.50",
    "97162": "94.50",
    "97163": "94.50",
    "97164": "65.20",
    "97012": "13.10",
    "G0283": "9.80",
    "97014": "9.80",
    "97035": "11.90",
    "97010": "0.00",
    "97150": "17.40",
    "97750": "32.60",
}
_CHARGES = {
    "97110": "65.00",
    "97112": "70.00",
    "97116": "65.00",
    "97140": "60.00",
    "97530": "75.00",
    "97535": "65.00",
    "97161": "150.00",
    "97162": "175.00",
    "97163": "200.00",
    "97164": "110.00",
    "97012": "40.00",
    "G0283": "35.00",
    "97014": "35.00",
    "97035": "35.00",
    "97010": "25.00",
    "97150": "45.00",
    "97750": "80.00",
}
_TIMED = ("97110", "97112", "97116", "97140", "97530", "97535")
_FIRST = (
    "Ava",
    "Ben",
    "Carla",
    "Derek",
    "Elena",
    "Frank",
    "Grace",
    "Hector",
    "Ines",
    "Jonah",
    "Keiko",
    "Luis",
    "Maya",
    "Nate",
    "Olga",
    "Pedro",
    "Quinn",
    "Rosa",
    "Stan",
    "Tara",
)
_LAST = (
    "Alvarez",
    "Brooks",
    "Chen",
    "Dubois",
    "Evans",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Lopez",
    "Murphy",
    "Nguyen",
    "Okafor",
    "Patel",
    "Quist",
    "Rossi",
    "Schmidt",
    "Tanaka",
)
_DIAGNOSES = (
    "M54.50",
    "M54.16",
    "M17.11",
    "M17.12",
    "M25.561",
    "M25.511",
    "M75.101",
    "M62.81",
    "R26.89",
    "G89.29",
    "M48.061",
    "Z96.651",
    "M79.604",
    "M54.2",
)


class DemoSummary(Struct, frozen=True):
    """What the demo database holds, and which patients show the interesting cases."""

    path: Path
    patients: int
    visits: int
    segments: int
    claim_lines: int
    kx_patient_id: int
    lapsing_patient_id: int


def _diagnosis_text(code: str) -> str:
    """ICD-10-CM's description of a demo diagnosis (the code set loads once)."""
    return check_icd10(code, "diagnosis").description


def _clinic_days(start: date, end: date, rng: random.Random, per_week: int) -> list[date]:
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


def build_demo(
    path: Path | str,
    *,
    today: date,
    seed: int = 2026,
    book: RuleBook | None = None,
    clock: Clock | None = None,
) -> DemoSummary:
    """Write the demo database to ``path`` (which must not exist yet)."""
    path = Path(path)
    if path.exists():
        raise InputError("PATH", f"{path} already exists; demo-db writes a new database")
    if book is None:
        from chargeclock.resources import rule_book

        book = rule_book()
    rng = random.Random(seed)
    clock = clock or FakeClock(
        datetime.combine(today, datetime.min.time(), UTC) + timedelta(hours=22)
    )
    db = open_database(path)
    try:
        ctx = Context(db, clock, ClinicRuleBook(book, db), actor="demo", zone=UTC)
        summary = _fill(ctx, path, today, rng)
    finally:
        db.close()
    return summary


def _fill(ctx: Context, path: Path, today: date, rng: random.Random) -> DemoSummary:
    conn = ctx.db
    # A year of history, or less when the rule data starts later (a demo dated early in 2018).
    first_day = date(ctx.book.years[0], 1, 1)
    if today < first_day:
        raise InputError("today", f"{today} is before the rule data starts ({first_day})")
    start = max(today - timedelta(days=364), first_day)
    with ctx.db.transaction():
        audit.start_keyed(conn, at=ctx.now(), actor=ctx.actor)
        clinic.save_practice(
            conn,
            PracticeRow(
                "Riverside Physical Therapy",
                "120 River Road, Suite 4, Springfield, IL 62701",
                "(217) 555-0142",
                npi_with_check_digit("174839205"),
                "37-1234567",
            ),
        )
        pt_id = clinic.insert_provider(
            conn,
            name="Dana Reyes",
            credentials="PT, DPT",
            role="PT",
            npi=npi_with_check_digit("152938476"),
            licence="IL 070-012345",
            supervising_provider_id=None,
        )
        pta_id = clinic.insert_provider(
            conn,
            name="Sam Lee",
            credentials="PTA",
            role="PTA",
            npi=npi_with_check_digit("160394827"),
            licence="IL 071-004567",
            supervising_provider_id=pt_id,
        )
        from chargeclock.services.validation import hash_pin

        for name, role, provider in (("Dana Reyes", "PT", pt_id), ("Sam Lee", "PTA", pta_id)):
            clinic.insert_user(
                conn, name=name, role=role, provider_id=provider, pin_hash=hash_pin(DEMO_PINS[name])
            )
        clinic.insert_user(
            conn, name="Front Desk", role="front_desk", provider_id=None, pin_hash=hash_pin("0000")
        )
        medicare = clinic.insert_payer(
            conn,
            name="Medicare Part B",
            unit_method="cms",
            assistant_modifiers=True,
            kx=True,
            medicare=True,
        )
        commercial = clinic.insert_payer(
            conn,
            name="Blue Harbor Health",
            unit_method="per_code",
            assistant_modifiers=False,
            kx=False,
            medicare=False,
        )
        referrers = [
            clinic.insert_referring_provider(conn, name, npi_with_check_digit(nine))
            for name, nine in (("Dr. Ruth Okoye", "198273645"), ("Dr. Paul Wen", "128374659"))
        ]
        clinic.set_favourite_codes(conn, _TIMED)
        amounts.set_charges(conn, [(c, Decimal(a)) for c, a in _CHARGES.items()])
        for year in sorted({start.year, today.year}):
            published = ctx.book.year(year).fees
            missing = [
                (code, Decimal(a))
                for code, a in _SAMPLE_ALLOWED.items()
                if code not in published and code in ctx.book.year(year).codes
            ]
            amounts.set_allowed_amounts(conn, year, missing, SAMPLE_LABEL)
        ctx.book.invalidate()

        patient_ids: list[int] = []
        payer_of: dict[int, int | None] = {}
        for n in range(40):
            payer = medicare if n % 5 < 3 else (commercial if n % 5 == 3 else None)
            born = date(1938 + rng.randrange(50), rng.randrange(1, 13), rng.randrange(1, 29))
            if payer == medicare and born.year > 1960:
                born = born.replace(year=born.year - 25)
            patient_id = clinic.insert_patient(
                conn,
                PatientRow(
                    0,
                    _LAST[n % 20],
                    _FIRST[(n * 7 + n // 20) % 20],
                    born,
                    rng.choice("FM"),
                    f"{100 + n * 3} Oak Street, Springfield, IL 62704",
                    f"(217) 555-{1000 + n:04d}",
                    payer,
                    f"MBR{100000 + n * 37:07d}",
                    referrers[n % 2],
                    True,
                ),
            )
            patient_ids.append(patient_id)
            payer_of[patient_id] = payer
            diagnoses = rng.sample(_DIAGNOSES, rng.randrange(1, 4))
            clinic.replace_diagnoses(
                conn, patient_id, [(d, True, _diagnosis_text(d)) for d in diagnoses]
            )

        kx_patient, lapsing_patient = patient_ids[0], patient_ids[1]
        counts = [0, 0, 0]  # visits, segments, lines
        for patient_id in patient_ids:
            episodes = _episodes(patient_id, kx_patient, lapsing_patient, start, today, rng)
            visits_made = _patient_visits(
                ctx, patient_id, payer_of[patient_id], episodes, today, rng, pt_id, pta_id, counts
            )
            if patient_id == kx_patient:
                _put_just_under_kx(ctx, patient_id, today)
            _payments(ctx, patient_id, payer_of[patient_id], visits_made, today, rng)
        ctx.audit("demo_data_created", "database", None, "", visits=counts[0], seed=0)
    return DemoSummary(
        path, len(patient_ids), counts[0], counts[1], counts[2], kx_patient, lapsing_patient
    )


def _episodes(
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


def _patient_visits(
    ctx: Context,
    patient_id: int,
    payer_id: int | None,
    episodes: list[tuple[date, date, date]],
    today: date,
    rng: random.Random,
    pt_id: int,
    pta_id: int,
    counts: list[int],
) -> list[tuple[int, date, Decimal]]:
    conn = ctx.db
    payer = billing.payer_rules(clinic.get_payer(conn, payer_id) if payer_id else None)
    made: list[tuple[int, date, Decimal]] = []
    ytd: dict[int, Decimal] = {}
    pointers = default_pointers(len(clinic.diagnoses_of(conn, patient_id)))
    for plan_start, through, last in episodes:
        signed = min(plan_start + timedelta(days=rng.randrange(2, 12)), today)
        clinic.insert_plan_of_care(
            conn,
            patient_id=patient_id,
            certifying_provider_id=pt_id,
            start_date=plan_start,
            certified_through=through,
            signed_date=signed,
        )
        days = _clinic_days(plan_start, last, rng, rng.choice((2, 2, 3)))
        favourite = rng.sample(_TIMED, 3)
        for number, day in enumerate(days):
            if number and number % 10 == 0:
                clinic.insert_progress_report(conn, patient_id, day, None, pt_id)
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
            services = pool(day_parts(states, opened + timedelta(hours=3)))
            result = calculate(
                VisitInput(
                    day,
                    Discipline.PT,
                    payer,
                    services,
                    {
                        "pt_slp": ytd.get(day.year, Decimal("0"))
                        + _prior(ctx, patient_id, day.year),
                        "ot": Decimal("0"),
                    },
                ),
                ctx.book,
            )
            finished = opened + timedelta(minutes=max(30, result.total_treatment_minutes + 5))
            _freeze(ctx, visit_id, result, pointers, finished)
            counts[2] += len(result.claim_lines)
            ytd[day.year] = ytd.get(day.year, Decimal("0")) + result.allowed_total
            made.append((visit_id, day, result.allowed_total))
    return made


def _prior(ctx: Context, patient_id: int, year: int) -> Decimal:
    return visits.allowed_decimal(clinic.prior_spend_cents(ctx.db, patient_id, year, "pt_slp"))


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


def _freeze(ctx: Context, visit_id: int, result: object, pointers: str, at: datetime) -> None:
    from chargeclock.domain.visit_types import VisitResult

    assert isinstance(result, VisitResult)
    charges = {c: Decimal(a) for c, a in _CHARGES.items()}
    lines = [
        ClaimLineRow(
            0,
            visit_id,
            n + 1,
            line.code,
            line.modifiers,
            line.units,
            line.assistant,
            line.allowed,
            charges[line.code] * line.units if line.code in charges else None,
            pointers,
            tuple(t for t in result.trace if line.code in t),
        )
        for n, line in enumerate(result.claim_lines)
    ]
    visits.insert_claim_lines(ctx.db, visit_id, lines)
    visits.replace_bill(
        ctx.db,
        BillRow(
            visit_id,
            result.rule_year,
            str(result.unit_method),
            (visit_id,),
            result.total_timed_minutes,
            result.total_treatment_minutes,
            result.timed_units,
            result.kx.applies,
            tuple(w.message for w in result.warnings),
            tuple(f"{r.code}: {r.reason}" for r in result.review),
            result.trace,
            at,
            result.borrowed_data_year,
        ),
    )
    visits.set_visit_status(ctx.db, visit_id, "finalized", at)
    ctx.audit(
        "visit_finalized",
        "visit",
        visit_id,
        pooled_visit_ids=[visit_id],
        covers=refs_of_visits(ctx.db, [visit_id]),
    )


def _put_just_under_kx(ctx: Context, patient_id: int, today: date) -> None:
    """Prior-provider spend that leaves the patient about one visit under the threshold."""
    threshold = ctx.book.year(today.year).kx_threshold["pt_slp"]
    clinic_total = billing.ytd_allowed(ctx, patient_id, today.year).clinic
    prior = max(Decimal("0.00"), threshold - clinic_total - Decimal("62.40"))
    clinic.set_prior_spend(ctx.db, patient_id, today.year, "pt_slp", prior)


def _payments(
    ctx: Context,
    patient_id: int,
    payer_id: int | None,
    made: list[tuple[int, date, Decimal]],
    today: date,
    rng: random.Random,
) -> None:
    conn = ctx.db
    for visit_id, day, allowed in made:
        paid_on = day + timedelta(days=21)
        if payer_id is None:
            lines = visits.claim_lines_of_visits(conn, [visit_id])
            total = sum((line.charge or Decimal("0") for line in lines), Decimal("0"))
            if total > 0:
                _pay(ctx, patient_id, visit_id, day, total, rng.choice(("cash", "card", "check")))
        elif paid_on <= today and allowed > 0:
            share = (allowed * Decimal("0.80")).quantize(Decimal("0.01"))
            if share > 0:
                _pay(ctx, patient_id, visit_id, paid_on, share, "insurance")


def _pay(
    ctx: Context, patient_id: int, visit_id: int, paid_on: date, amount: Decimal, method: str
) -> None:
    payment_id = clinic.insert_payment(
        ctx.db,
        patient_id=patient_id,
        visit_id=visit_id,
        paid_on=paid_on,
        amount=amount,
        method=method,
    )
    ctx.audit(
        "payment_recorded", "payment", payment_id, amount=amount, covers=[("payment", payment_id)]
    )

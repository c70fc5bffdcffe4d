"""A realistic, deterministic demo database (``chargeclock demo-db PATH``, ``chargeclock --demo``).

One practice, a PT and the PTA she supervises, Medicare and a commercial payer (and cash-pay
patients), 40 patients, a year of visits up to ``today`` with timer segments and claim lines
frozen by the engine, each finalized visit's claim frozen as printed, payments (with the payer's
contractual adjustment beside each insurance payment), plans of care and progress reports, and
the claims around the visits (:mod:`~chargeclock.services.demo_claims`: payer limits,
authorizations, cost shares, ABNs, KX confirmations, modifiers, claims filed), each change with
its audit entry, written through the window's own services. One Medicare patient sits
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
from chargeclock.domain.claim_form import npi_with_check_digit
from chargeclock.domain.errors import InputError
from chargeclock.domain.rulebook import RuleBook
from chargeclock.services import billing
from chargeclock.services.context import Context
from chargeclock.services.demo_claims import DemoClaims, DemoVisit
from chargeclock.services.demo_data import (
    CHARGES,
    DEMO_PINS,
    DIAGNOSES,
    FIRST_NAMES,
    FRONT_DESK_PIN,
    LAST_NAMES,
    SAMPLE_ALLOWED,
    SAMPLE_LABEL,
    TIMED_CODES,
)
from chargeclock.services.demo_visits import episodes_of_care, patient_visits
from chargeclock.services.session import Services
from chargeclock.services.validation import check_icd10
from chargeclock.storage import (
    amounts,
    audit,
    bills,
    ledger,
    patients,
    payers,
    payments,
    practice,
    staff,
)
from chargeclock.storage.database import open_database
from chargeclock.storage.records import PatientRow, PracticeRow

# Named here for the tests and the commands that read the demo's labels.
__all__ = ["DEMO_BUILD", "DEMO_PINS", "SAMPLE_LABEL", "DemoSummary", "build_demo"]

#: What the demo writes, numbered: raised when that changes, so that a demo database cached by
#: an older build (the window's ``--demo`` keeps one a day) is made again. 2: the bills frozen
#: at their finalize, the claims filed, authorizations, cost shares, KX confirmations and ABNs.
DEMO_BUILD = 2

PT_NAME = "Dana Reyes"


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
    # The demo keeps its own clock, starting at ``clock``'s time (default: 22:00 on ``today``),
    # to finalize each visit at the moment its treatment ended.
    start = clock.now() if clock is not None else None
    demo_clock = FakeClock(
        start or datetime.combine(today, datetime.min.time(), UTC) + timedelta(hours=22)
    )
    db = open_database(path)
    try:
        # The window's own services (a visit's claim is frozen at its finalize, as there).
        services = Services(db, demo_clock, book, zone=UTC, actor="demo")
        # The claims around the visits draw on a stream of their own: a seed's visits stay
        # the same whatever is recorded around them.
        claims = DemoClaims(services, demo_clock, today, random.Random(f"claims {seed}"), PT_NAME)
        summary = _fill(claims, path, today, rng)
    finally:
        db.close()
    return summary


def _fill(claims: DemoClaims, path: Path, today: date, rng: random.Random) -> DemoSummary:
    ctx, clock = claims.services.ctx, claims.clock
    conn = ctx.db
    # A year of history, or less when the rule data starts later (a demo dated early in 2018).
    first_day = date(ctx.book.years[0], 1, 1)
    if today < first_day:
        raise InputError("today", f"{today} is before the rule data starts ({first_day})")
    start = max(today - timedelta(days=364), first_day)
    with ctx.db.transaction():
        audit.start_keyed(conn, at=ctx.now(), actor=ctx.actor)
        practice.save_practice(
            conn,
            PracticeRow(
                "Riverside Physical Therapy",
                "120 River Road, Suite 4, Springfield, IL 62701",
                "(217) 555-0142",
                npi_with_check_digit("174839205"),
                "37-1234567",
            ),
        )
        pt_id = staff.insert_provider(
            conn,
            name=PT_NAME,
            credentials="PT, DPT",
            role="PT",
            npi=npi_with_check_digit("152938476"),
            licence="IL 070-012345",
            supervising_provider_id=None,
        )
        pta_id = staff.insert_provider(
            conn,
            name="Sam Lee",
            credentials="PTA",
            role="PTA",
            npi=npi_with_check_digit("160394827"),
            licence="IL 071-004567",
            supervising_provider_id=pt_id,
        )
        from chargeclock.services.validation import hash_pin

        for name, role, provider in ((PT_NAME, "PT", pt_id), ("Sam Lee", "PTA", pta_id)):
            staff.insert_user(
                conn, name=name, role=role, provider_id=provider, pin_hash=hash_pin(DEMO_PINS[name])
            )
        staff.insert_user(
            conn,
            name="Front Desk",
            role="front_desk",
            provider_id=None,
            pin_hash=hash_pin(FRONT_DESK_PIN),
        )
        medicare = payers.insert_payer(
            conn,
            name="Medicare Part B",
            unit_method="cms",
            assistant_modifiers=True,
            kx=True,
            medicare=True,
        )
        commercial = payers.insert_payer(
            conn,
            name="Blue Harbor Health",
            unit_method="per_code",
            assistant_modifiers=False,
            kx=False,
            medicare=False,
        )
        claims.payer_limits(commercial)
        referrers = [
            payers.insert_referring_provider(conn, name, npi_with_check_digit(nine))
            for name, nine in (("Dr. Ruth Okoye", "198273645"), ("Dr. Paul Wen", "128374659"))
        ]
        practice.set_favourite_codes(conn, TIMED_CODES)
        amounts.set_charges(conn, [(c, Decimal(a)) for c, a in CHARGES.items()])
        for year in sorted({start.year, today.year}):
            published = ctx.book.year(year).fees
            missing = [
                (code, Decimal(a))
                for code, a in SAMPLE_ALLOWED.items()
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
            patient_id = patients.insert_patient(
                conn,
                PatientRow(
                    0,
                    LAST_NAMES[n % 20],
                    FIRST_NAMES[(n * 7 + n // 20) % 20],
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
            if payer is not None:
                claims.cost_shares(patient_id, payer == medicare, start)
            diagnoses = rng.sample(DIAGNOSES, rng.randrange(1, 4))
            patients.replace_diagnoses(
                conn, patient_id, [(d, True, _diagnosis_text(d)) for d in diagnoses]
            )

        kx_patient, lapsing_patient = patient_ids[0], patient_ids[1]
        counts = [0, 0, 0]  # visits, segments, lines
        for patient_id in patient_ids:
            episodes = episodes_of_care(patient_id, kx_patient, lapsing_patient, start, today, rng)
            visits_made = patient_visits(
                claims,
                clock,
                patient_id,
                payer_of[patient_id],
                episodes,
                today,
                rng,
                pt_id,
                pta_id,
                counts,
            )
            if patient_id == kx_patient:
                _put_just_under_kx(ctx, patient_id, today)
            _payments(ctx, patient_id, payer_of[patient_id], visits_made, today, rng)
            claims.file(visits_made, payer_of[patient_id])
        ctx.audit("demo_data_created", "database", None, "", visits=counts[0], seed=0)
    return DemoSummary(
        path, len(patient_ids), counts[0], counts[1], counts[2], kx_patient, lapsing_patient
    )


def _put_just_under_kx(ctx: Context, patient_id: int, today: date) -> None:
    """Prior-provider spend that leaves the patient about one visit under the threshold."""
    threshold = ctx.book.year(today.year).kx_threshold["pt_slp"]
    clinic_total = billing.ytd_allowed(ctx, patient_id, today.year).clinic
    prior = max(Decimal("0.00"), threshold - clinic_total - Decimal("62.40"))
    patients.set_prior_spend(ctx.db, patient_id, today.year, "pt_slp", prior)


def _payments(
    ctx: Context,
    patient_id: int,
    payer_id: int | None,
    made: list[DemoVisit],
    today: date,
    rng: random.Random,
) -> None:
    conn = ctx.db
    for visit in made:
        visit_id, day, allowed = visit.visit_id, visit.day, visit.allowed
        paid_on = day + timedelta(days=21)
        if payer_id is None:
            lines = bills.claim_lines_of_visits(conn, [visit_id])
            total = sum((line.charge or Decimal("0") for line in lines), Decimal("0"))
            if total > 0:
                _pay(ctx, patient_id, visit_id, day, total, rng.choice(("cash", "card", "check")))
        elif paid_on <= today and allowed > 0:
            share = (allowed * Decimal("0.80")).quantize(Decimal("0.01"))
            if share > 0:
                _pay(ctx, patient_id, visit_id, paid_on, share, "insurance")
                _contractual(ctx, patient_id, visit_id, paid_on, allowed)


def _contractual(
    ctx: Context, patient_id: int, visit_id: int, paid_on: date, allowed: Decimal
) -> None:
    """The payer's contractual adjustment, posted with its payment as a biller posts the
    remittance: what the clinic charged above the allowed amount comes off the balance, which
    leaves the patient's share."""
    lines = bills.claim_lines_of_visits(ctx.db, [visit_id])
    above = sum((line.charge or Decimal("0") for line in lines), Decimal("0")) - allowed
    if above <= 0:
        return
    entry_id = ledger.insert_entry(
        ctx.db,
        patient_id=patient_id,
        visit_id=visit_id,
        entry_date=paid_on,
        kind="adjustment",
        adjustment_type="contractual",
        amount=above,
        note="charge above the payer's allowed amount",
        recorded_at=ctx.now(),
    )
    ctx.audit(
        "ledger_adjustment",
        "ledger_entry",
        entry_id,
        "charge above the payer's allowed amount",
        patient_id=patient_id,
        kind="adjustment",
        adjustment_type="contractual",
        amount=above,
        covers=[("ledger", entry_id)],
    )


def _pay(
    ctx: Context, patient_id: int, visit_id: int, paid_on: date, amount: Decimal, method: str
) -> None:
    payment_id = payments.insert_payment(
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

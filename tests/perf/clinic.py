"""A small clinic and a busy visit for the live benchmarks: 12 codes, 40 timer segments."""

from __future__ import annotations

from datetime import date

from chargeclock.clock import FakeClock
from chargeclock.services.session import Services

VALID_NPI = "1234567893"
TIMED = (
    "97110", "97112", "97116", "97140", "97530",
    "97535", "97035", "97750", "97113", "97124",
)  # fmt: skip
UNTIMED = ("97010", "G0283")
SEGMENTS = 40


def add_patient(services: Services, last_name: str) -> int:
    records = services.records
    payer = next((p for p in records.payers() if p.name == "Medicare"), None)
    if payer is None:
        payer = records.add_payer("Medicare", medicare=True)
    if not records.providers():
        pt = records.add_provider("Dana Reyes", "PT", VALID_NPI, credentials="PT, DPT")
        records.add_provider("Sam Lee", "PTA", supervising_provider_id=pt.id)
    patient, _ = records.add_patient(
        last_name, "Jane", date(1950, 1, 2), payer_id=payer.id, diagnoses=["M17.11", "M54.50"]
    )
    return patient.id


def busy_visit(services: Services, clock: FakeClock) -> int:
    """An open visit of 12 codes (10 timed, 2 untimed) with 40 segments, PT and PTA taking
    turns; the last PT and the last PTA segments are still running."""
    visits = services.visits
    services.records.set_favourite_codes([])
    visit_id = visits.open_visit(add_patient(services, "Busy")).visit_id
    for code in UNTIMED:
        visits.add_code(visit_id, code)
    for index in range(SEGMENTS):
        code, role = TIMED[index % len(TIMED)], ("PT", "PTA")[index % 2]
        visits.start_timer(visit_id, code, role)
        clock.advance(45 + (index * 37) % 120)
        if index < SEGMENTS - 2:
            visits.stop_timer(visit_id, role)
    state = visits.visit_state(visit_id)
    assert len(state.codes) == len(TIMED) + len(UNTIMED)
    assert sum(len(c.spans) for c in state.codes) == SEGMENTS
    assert len(state.running) == 2
    return visit_id

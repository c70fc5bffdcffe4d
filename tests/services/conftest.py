"""A small clinic on a fresh database in tmp_path, with a fake clock."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from chargeclock.clock import FakeClock
from chargeclock.services.session import Services
from tests.conftest import OpenServices

START = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)  # a Monday, 14:00 UTC
VALID_NPI = "1234567893"


@dataclass
class Clinic:
    services: Services
    clock: FakeClock
    pt_id: int
    pta_id: int
    medicare_id: int
    commercial_id: int
    patient_id: int


def set_up_clinic(services: Services, clock: FakeClock) -> Clinic:
    """A PT, her assistant, Medicare and a commercial payer, and one Medicare patient."""
    records = services.records
    pt = records.add_provider("Dana Reyes", "PT", VALID_NPI, credentials="PT, DPT")
    pta = records.add_provider("Sam Lee", "PTA", supervising_provider_id=pt.id)
    medicare = records.add_payer("Medicare", medicare=True)
    commercial = records.add_payer("Blue Harbor", medicare=False)
    patient, _ = records.add_patient(
        "Doe", "Jane", date(1950, 1, 2), payer_id=medicare.id, diagnoses=["M17.11", "M54.50"]
    )
    return Clinic(services, clock, pt.id, pta.id, medicare.id, commercial.id, patient.id)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def clinic(open_services: OpenServices, clock: FakeClock) -> Iterator[Clinic]:
    services = open_services(clock)
    services.recovery.begin_session()
    yield set_up_clinic(services, clock)
    if not services.db.closed:
        # Whatever a test did through the services, every billing row it left is audited.
        report = services.verify_audit()
        assert report.ok, report.problems
    services.close()


def dump(services: Services) -> list[tuple[object, ...]]:
    """Every row of every table, to show a refused change changed nothing."""
    conn = services.db.conn
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    rows: list[tuple[object, ...]] = []
    for table in tables:
        rows += [(table, *r) for r in conn.execute(f"SELECT * FROM {table} ORDER BY rowid")]
    return rows

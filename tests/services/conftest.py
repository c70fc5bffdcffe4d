"""A small clinic on a fresh database in tmp_path, with a fake clock; the demo's year, built
once for the tests that read it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import pytest

from chargeclock.clock import FakeClock
from chargeclock.services.demo import DemoSummary, build_demo
from chargeclock.services.session import Services
from tests.conftest import OpenServices

if TYPE_CHECKING:
    from tests.services.practice_data import Practice

START = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)  # a Monday, 14:00 UTC
VALID_NPI = "1234567893"
DEMO_TODAY = date(2026, 11, 27)  # the day the demo's year ends (a Friday)


@dataclass
class Clinic:
    services: Services
    clock: FakeClock
    pt_id: int
    pta_id: int
    medicare_id: int
    commercial_id: int
    patient_id: int


#: The clinic's charge for one unit of each code (finalize freezes no line without one).
CHARGE = "50.00"


def set_up_clinic(services: Services, clock: FakeClock) -> Clinic:
    """A PT, her assistant, Medicare and a commercial payer, one Medicare patient, and a
    charge of $50.00 for each code of the year's list."""
    records = services.records
    year = clock.now().year
    records.save_fees(year, charges=dict.fromkeys(services.ctx.book.year(year).codes, CHARGE))
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


@pytest.fixture
def practice(clinic: Clinic) -> Practice:
    """The small practice of :mod:`tests.services.practice_data` on the clinic."""
    from tests.services.practice_data import small_practice  # it builds on this module's Clinic

    return small_practice(clinic)


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[DemoSummary, float]:
    """The demo database (``chargeclock demo-db``) up to :data:`DEMO_TODAY`, and the seconds
    it took to write; built once for the tests that read it (none changes it)."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    started = time.perf_counter()
    summary = build_demo(path, today=DEMO_TODAY)
    seconds = time.perf_counter() - started
    print(f"\ndemo-db: {summary.visits} visits written in {seconds:.2f} s")
    return summary, seconds


@pytest.fixture
def demo_services(demo: tuple[DemoSummary, float]) -> Iterator[Services]:
    """Services on the demo at 16:00 on its last day."""
    clock = FakeClock(datetime.combine(DEMO_TODAY, datetime.min.time(), UTC).replace(hour=16))
    opened = Services.open(demo[0].path, clock, zone=UTC)
    yield opened
    opened.close()


def open_as_workstation(
    url: str, name: str, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> Services:
    """Services on the clinic server at ``url`` as the workstation called ``name``."""
    monkeypatch.setenv("CHARGECLOCK_WORKSTATION", name)
    return Services.open(url, clock, zone=UTC)


def dump(services: Services) -> list[tuple[object, ...]]:
    """Every row of every table, to show a refused change changed nothing."""
    db = services.db
    if db.dialect == "postgresql":
        listed = (
            "SELECT table_name FROM information_schema.tables WHERE table_schema = "
            "current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
        )
        order = "1"  # each table's first column: its key
    else:
        listed = (
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
        order = "rowid"
    rows: list[tuple[object, ...]] = []
    for (table,) in db.execute(listed).fetchall():
        keyed = (
            "ctid" if db.dialect == "postgresql" and table == "chargeclock_migrations" else order
        )
        rows += [(table, *r) for r in db.execute(f"SELECT * FROM {table} ORDER BY {keyed}")]
    return rows

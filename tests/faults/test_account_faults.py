"""A full disk under an authorization, a ledger entry, a reversal or a claim marked sent:
refused whole (no row, no audit entry), said in the words every write uses, and the next try
works once there is room."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import timedelta

import pytest

from chargeclock.storage.errors import WriteFailedError
from tests.services.conftest import Clinic, clinic, clock, dump

#: a full disk is the SQLite file's; the server's failures: tests/storage/test_engines.py
pytestmark = pytest.mark.sqlite_file

__all__ = ["clinic", "clock"]


def _finalized(clinic: Clinic) -> int:
    visits = clinic.services.visits
    visit = visits.open_visit(clinic.patient_id).visit_id
    visits.start_timer(visit, "97110", "PT")
    clinic.clock.advance(minutes=20)
    visits.stop_timer(visit, "PT")
    visits.finalize(visit)
    return visit


def _writes(clinic: Clinic, visit: int, payments: list[int]) -> dict[str, Callable[[int], object]]:
    """Each write, the ``n``-th time (a new row each time)."""
    services, patient = clinic.services, clinic.patient_id
    today = clinic.clock.now().date()
    return {
        "authorization": lambda n: services.authorizations.add_authorization(
            patient, f"A-{n}", today, today + timedelta(days=30), visits=12
        ),
        "adjustment": lambda n: services.ledger.add_adjustment(patient, "write_off", "12.00"),
        "payment reversal": lambda n: services.ledger.reverse_payment(payments[n], "bounced"),
        "claim sent": lambda n: services.filing.mark_sent(visit),
        "cost share": lambda n: services.ledger.set_cost_share(patient, "20.00", n % 100),
    }


@pytest.mark.parametrize(
    "write", ["authorization", "adjustment", "payment reversal", "claim sent", "cost share"]
)
def test_a_full_disk_refuses_the_write_whole(clinic: Clinic, write: str) -> None:
    services = clinic.services
    visit = _finalized(clinic)
    payments = [
        services.records.record_payment(clinic.patient_id, "1.00", "check").id for _ in range(300)
    ]
    call = _writes(clinic, visit, payments)[write]
    conn = services.db.conn
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")
    # The same write again and again until the file has no page left for it.
    refused = None
    for n in range(300):
        before = dump(services)
        try:
            call(n)
        except WriteFailedError as exc:
            refused = exc
            break
    assert refused is not None, "the page limit was never reached"
    assert "the disk is full, so this change was NOT saved" in str(refused)
    assert isinstance(refused.__cause__, sqlite3.OperationalError)
    assert not conn.in_transaction
    assert dump(services) == before  # neither the row nor its audit entry
    conn.execute(f"PRAGMA max_page_count = {pages * 4}")
    call(n)
    assert dump(services) != before

"""The benchmarks' decade (tests/perf/decade.py) built small: three years from the demo year.
Every table of the schema is named here as the clinic's own, the demo's today alone, empty in
a file as the demo writes it, or history; each copied year holds all of the demo year's history
before today, ``verify-audit`` accepts the copy, and a copied frozen claim reads back as its
copied visit's bill."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from chargeclock.cli import main
from chargeclock.clock import FakeClock
from chargeclock.services import frozen_claims, superbill
from chargeclock.services.demo import DemoSummary
from chargeclock.services.session import Services
from chargeclock.storage import audit_anchor
from tests.perf.decade import build_decade
from tests.perf.identity import copy_clinic
from tests.services.conftest import DEMO_TODAY as TODAY

pytestmark = pytest.mark.slow
YEARS = 3

# The clinic's own rows, not a year's: the copy leaves them as they are (a patient gains the
# diagnoses of earlier episodes).
CLINIC = frozenset({
    "_sqlite_migrations", "audit_keys", "practice", "providers", "users", "referring_providers",
    "payers", "payer_limits", "patients", "diagnoses", "fee_list", "favourite_codes",
    "allowed_amounts",
})  # fmt: skip
# The demo's today alone: the prior provider's spend entered for today's year, which puts one
# patient just under the KX threshold (the copied years' bills were frozen without it).
TODAY_ONLY = frozenset({"prior_spend"})
# Empty in a file as the demo writes it: imported rule data (pfs_fees, rule_years), the
# window's settings and the heartbeat of a running window.
EMPTY = frozenset({"pfs_fees", "rule_years", "app_settings", "heartbeat"})
_OF_VISIT = "JOIN visits v ON v.id = x.visit_id"
_OF_CODE = "JOIN visit_codes c ON c.id = x.visit_code_id JOIN visits v ON v.id = c.visit_id"
# Everything else is the clinic's history, each row dated by its day.
HISTORY = {
    "visits": "SELECT date_of_service FROM visits",
    "visit_codes": f"SELECT v.date_of_service FROM visit_codes x {_OF_VISIT}",
    "visit_code_modifiers": f"SELECT v.date_of_service FROM visit_code_modifiers x {_OF_CODE}",
    "timer_segments": "SELECT started_at FROM timer_segments",
    "untimed_services": f"SELECT v.date_of_service FROM untimed_services x {_OF_CODE}",
    "visit_bills": "SELECT computed_at FROM visit_bills",
    "claim_lines": f"SELECT v.date_of_service FROM claim_lines x {_OF_VISIT}",
    "claim_snapshots": "SELECT date_of_service FROM claim_snapshots",
    "claim_submissions": "SELECT sent_on FROM claim_submissions",
    "payments": "SELECT paid_on FROM payments",
    "ledger_entries": "SELECT entry_date FROM ledger_entries",
    "plans_of_care": "SELECT start_date FROM plans_of_care",
    "progress_reports": "SELECT report_date FROM progress_reports",
    "authorizations": "SELECT valid_from FROM authorizations",
    "cost_shares": "SELECT effective_from FROM cost_shares",
    "kx_confirmations": "SELECT confirmed_at FROM kx_confirmations",
    "abns": "SELECT signed_on FROM abns",
    "audit_log": "SELECT at FROM audit_log",
}


@pytest.fixture(scope="module")
def decade(demo: tuple[DemoSummary, float], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("decade") / "decade.sqlite3"
    build_decade(path, demo[0].path, copy_clinic, years=YEARS)
    return path


def _days(conn: sqlite3.Connection, table: str) -> list[str]:
    return [str(day)[:10] for (day,) in conn.execute(HISTORY[table])]


def _back(day: str, years: int) -> str:
    return f"{int(day[:4]) - years:04d}{day[4:]}"


def _counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        tables = [
            t for (t,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%'"
            )
        ]  # fmt: skip
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def test_each_copied_year_holds_every_table_the_demo_year_fills(
    demo: tuple[DemoSummary, float], decade: Path
) -> None:
    year, copied = _counts(demo[0].path), _counts(decade)
    assert set(copied) == set(year) == CLINIC | TODAY_ONLY | EMPTY | set(HISTORY)
    for table in EMPTY:
        assert copied[table] == year[table] == 0, table
    for table in CLINIC | TODAY_ONLY:
        assert year[table] > 0, table
        assert copied[table] == year[table] or table == "diagnoses", table
    today = TODAY.isoformat()
    source = sqlite3.connect(f"file:{demo[0].path}?mode=ro", uri=True)
    target = sqlite3.connect(f"file:{decade}?mode=ro", uri=True)
    try:
        for table in HISTORY:
            own = _days(source, table)
            history = sum(day < today for day in own)
            assert history > 0, f"the demo year writes no {table} before today"
            days = _days(target, table)
            for back in range(1, YEARS):
                first, last = _back(min(own), back), _back(max(own), back)
                held = sum(first <= day <= last for day in days)
                assert held >= history, f"{table}: {held} rows {back} years back, not {history}"
    finally:
        source.close()
        target.close()


def test_verify_audit_accepts_the_small_decade(
    decade: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify-audit", "--db", str(decade)]) == 0
    out = capsys.readouterr().out
    assert "audit log ok" in out
    frozen = _counts(decade)["claim_snapshots"]
    assert f"{frozen:,} frozen superbills" in out


@pytest.fixture
def decade_services(decade: Path) -> Iterator[Services]:
    clock = FakeClock(datetime.combine(TODAY, datetime.min.time(), UTC) + timedelta(hours=16))
    services = Services.open(decade, clock, zone=UTC)
    yield services
    services.close()


def test_a_copied_frozen_claim_is_its_copied_visits_bill(decade_services: Services) -> None:
    services = decade_services
    db = services.db
    snapshots = db.execute("SELECT count(*) FROM claim_snapshots").fetchone()[0]
    earliest = TODAY.replace(year=TODAY.year - YEARS + 1) - timedelta(days=364)
    rows = db.execute(
        "SELECT visit_id FROM claim_snapshots WHERE date_of_service < ? ORDER BY id",
        (TODAY.replace(year=TODAY.year - 1).isoformat(),),
    ).fetchall()
    assert rows
    paid = 0
    for (visit_id,) in rows[::101]:
        visit = services.visits.visit(visit_id)
        assert earliest <= visit.date_of_service
        claim = frozen_claims.frozen_day(services, visit)  # the copy, read as it stands
        assert claim.claim_lines == tuple(services.visits.claim_lines(visit_id))
        assert claim.bill == services.visits.bill(visit_id)
        bill = claim.superbill
        assert bill.period_from == bill.generated_on == visit.date_of_service
        assert {v.date_of_service for v in bill.visits} == {visit.date_of_service}
        assert bill.audit_anchor == audit_anchor.printed(db, visit_id)
        printed = superbill.superbill_for_visit(services, visit_id)
        paid += len(printed.payments)
    assert paid > 0  # the day's payments found by the frozen bill's (copied) visit ids
    assert db.execute("SELECT count(*) FROM claim_snapshots").fetchone()[0] == snapshots


def test_copied_authorizations_cover_their_years_visits(decade_services: Services) -> None:
    services = decade_services
    payer = next(
        p.id for p in services.records.payers()
        if services.authorizations.payer_limits(p.id).requires_authorization
    )  # fmt: skip
    for patient in services.records.search_patients(""):
        if patient.payer_id != payer:
            continue
        usage = services.authorizations.usage(patient.id)
        days = services.db.execute(
            "SELECT count(DISTINCT date_of_service) FROM visits WHERE patient_id = ? "
            "AND payer_id = ? AND status = 'finalized'",
            (patient.id, payer),
        ).fetchone()[0]
        assert sum(u.visits_used for u in usage) == days
        assert all(u.visits_used <= (u.authorization.visits or 0) for u in usage)
        assert {u.authorization.valid_from.year for u in usage} >= {
            TODAY.year - back for back in range(1, YEARS)
        }

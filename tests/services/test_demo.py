"""``chargeclock demo-db``: realistic, deterministic contents, built through the engine."""

from __future__ import annotations

import hashlib
import sqlite3
import time
from decimal import Decimal
from pathlib import Path

import pytest

from chargeclock.cli import main
from chargeclock.services.demo import SAMPLE_LABEL, DemoSummary, build_demo
from chargeclock.services.session import Services
from tests.services.conftest import DEMO_TODAY as TODAY

pytestmark = pytest.mark.slow


@pytest.fixture
def services(demo_services: Services) -> Services:
    return demo_services


def _count(services: Services, sql: str) -> int:
    return int(services.db.execute(sql).fetchone()[0])


def test_demo_has_the_described_contents(
    services: Services, demo: tuple[DemoSummary, float]
) -> None:
    summary = demo[0]
    assert summary.patients == 40 and 2500 <= summary.visits <= 3600
    roles = sorted(p.role for p in services.records.providers())
    assert roles == ["PT", "PTA"]
    payers = services.records.payers()
    assert {p.medicare for p in payers} == {True, False}
    assert _count(services, "SELECT count(*) FROM visits WHERE status = 'finalized'") > 2400
    assert _count(services, "SELECT count(*) FROM timer_segments") == summary.segments
    assert _count(services, "SELECT count(*) FROM claim_lines") == summary.claim_lines
    assert _count(services, "SELECT count(*) FROM payments") > 500
    assert _count(services, "SELECT count(*) FROM claim_lines WHERE modifiers LIKE '%CQ%'") > 0
    assert _count(services, "SELECT count(*) FROM claim_lines WHERE modifiers LIKE '%KX%'") > 0
    assert _count(services, "SELECT count(*) FROM timer_segments WHERE stopped_at IS NULL") == 0
    days = services.db.execute("SELECT min(date_of_service), max(date_of_service) FROM visits")
    first, last = days.fetchone()
    assert "2025-11-28" <= first <= "2025-12-31" and last == TODAY.isoformat()  # a year to today
    assert services.visits.visits_of_day(TODAY)  # today's visits are waiting, open
    assert services.verify_audit().ok
    assert services.db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_the_demo_is_audited_like_any_database(
    services: Services, demo: tuple[DemoSummary, float], capsys: pytest.CaptureFixture[str]
) -> None:
    summary = demo[0]
    report = services.verify_audit()
    assert report.ok, report.problems
    rows = dict(report.rows)
    assert (rows["visit"], rows["segment"], rows["line"]) == (
        summary.visits,
        summary.segments,
        summary.claim_lines,
    )
    assert rows["bill"] > 2400 and rows["payment"] > 500 and rows["untimed"] > 0
    assert report.plain_entries == 0 and report.keyed_entries == report.entries
    finalized = _count(services, "SELECT count(*) FROM visits WHERE status = 'finalized'")
    entries = _count(services, "SELECT count(*) FROM audit_log WHERE action = 'visit_finalized'")
    assert entries == finalized
    capsys.readouterr()
    started = time.perf_counter()
    assert main(["verify-audit", "--db", str(summary.path)]) == 0
    seconds = time.perf_counter() - started
    assert "audit log ok" in capsys.readouterr().out
    with capsys.disabled():
        print(f"\nverify-audit on the demo: {report.entries} entries, {sum(rows.values())} rows "
              f"in {seconds:.2f} s")  # fmt: skip


def test_sample_amounts_are_labelled_and_published_ones_kept(services: Services) -> None:
    sources = {r[0] for r in services.db.execute("SELECT DISTINCT source FROM allowed_amounts")}
    assert sources == {SAMPLE_LABEL}
    fees = services.book.year(2026).fees
    assert fees["97110"].has_rvu_parts  # published figure untouched
    assert fees["97116"].source == SAMPLE_LABEL


def test_one_patient_is_just_under_kx_and_one_plan_is_lapsing(
    services: Services, demo: tuple[DemoSummary, float]
) -> None:
    summary = demo[0]
    ytd = services.ytd_allowed(summary.kx_patient_id, 2026)
    threshold = services.book.year(2026).kx_threshold["pt_slp"]
    assert Decimal("0") < threshold - ytd.total <= Decimal("150")
    plan = services.plan_of_care_status(summary.lapsing_patient_id)
    assert plan.state == "lapsing" and plan.days_left is not None and plan.days_left <= 7


def test_ytd_timing_on_the_demo(services: Services, demo: tuple[DemoSummary, float]) -> None:
    runs = []
    for _ in range(50):
        started = time.perf_counter()
        services.ytd_allowed(demo[0].kx_patient_id + 2, 2026)
        runs.append(time.perf_counter() - started)
    runs.sort()
    print(f"\nYTD query on the demo: median {runs[25] * 1000:.2f} ms")


# What a seed decides, table by table (a frozen claim's content prints the audit anchor, a hash
# under the database's own random key: its other columns).
_WHOLE_ROWS = (
    "patients", "visits", "timer_segments", "claim_lines", "payments", "authorizations",
    "cost_shares", "claim_submissions", "kx_confirmations", "abns", "visit_code_modifiers",
)  # fmt: skip
_DECIDED = {
    **dict.fromkeys(_WHOLE_ROWS, "*"),
    "claim_snapshots": "id, visit_id, patient_id, date_of_service, version, reason, made_at",
}


def _content_hash(path: Path) -> str:
    conn = sqlite3.connect(path)
    digest = hashlib.sha256()
    for table, columns in _DECIDED.items():
        for row in conn.execute(f"SELECT {columns} FROM {table} ORDER BY rowid"):
            digest.update(repr(row).encode())
    conn.close()
    return digest.hexdigest()


def test_same_seed_same_database_and_the_command(
    tmp_path: Path, demo: tuple[DemoSummary, float], capsys: pytest.CaptureFixture[str]
) -> None:
    again = tmp_path / "again.sqlite3"
    assert main(["demo-db", str(again), "--today", TODAY.isoformat()]) == 0
    assert "40 patients" in capsys.readouterr().out
    assert _content_hash(again) == _content_hash(demo[0].path)
    other = build_demo(tmp_path / "other.sqlite3", today=TODAY, seed=7)
    assert _content_hash(other.path) != _content_hash(demo[0].path)
    assert main(["demo-db", str(again)]) == 2  # never overwrites
    assert "already exists" in capsys.readouterr().err

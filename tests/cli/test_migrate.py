"""``chargeclock migrate --from FILE --to postgresql://…`` and ``verify-audit`` on a server."""

from __future__ import annotations

import hashlib
from datetime import UTC, date
from pathlib import Path

import pytest

from chargeclock.cli import main
from chargeclock.clock import FakeClock
from chargeclock.services.session import Services
from tests.pg_server import Cluster
from tests.services.conftest import START, VALID_NPI


def _clinic_file(path: Path) -> tuple[int, int]:
    """A small clinic: a PT and the PTA she supervises, a finalized visit, a payment, a
    running timer the next day; the patient's and the finalized visit's ids."""
    clock = FakeClock(START)
    services = Services.open(path, clock, zone=UTC)
    try:
        records = services.records
        pt = records.add_provider("Dana Reyes", "PT", VALID_NPI)
        records.add_provider("Sam Lee", "PTA", supervising_provider_id=pt.id)
        payer = records.add_payer("Medicare", medicare=True)
        records.save_fees(START.year, charges={"97110": "50.00", "97140": "55.00"})
        patient, _ = records.add_patient("O'Neil", "Jane", date(1950, 1, 2), payer_id=payer.id,
                                         diagnoses=["M17.11", "M54.50"])  # fmt: skip
        visit = services.visits.open_visit(patient.id, codes=["97110", "97140"]).visit_id
        services.visits.start_timer(visit, "97110", "PT")
        clock.advance(minutes=20)
        services.visits.start_timer(visit, "97140", "PTA")
        clock.advance(minutes=9)
        services.visits.stop_all(visit)
        services.visits.finalize(visit)
        records.record_payment(patient.id, "20.00", "card", visit_id=visit)
        clock.advance(days=1)
        running = services.visits.open_visit(patient.id, codes=["97110"]).visit_id
        services.visits.start_timer(running, "97110", "PT")
    finally:
        services.close()
    return patient.id, visit


def _digest(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


def test_a_clinic_moves_to_the_server_checked_and_the_file_untouched(
    tmp_path: Path, pg_cluster: Cluster, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "clinic.db"
    patient, visit = _clinic_file(path)
    before = _digest(path)
    url = pg_cluster.new_database()
    assert main(["migrate", "--from", str(path), "--to", url]) == 0
    out = capsys.readouterr().out
    assert "timer_segments: 3 rows" in out and "checked on the server" in out
    assert _digest(path) == before and not path.with_name("clinic.db-wal").exists()
    assert main(["verify-audit", "--db", url]) == 0
    verified = capsys.readouterr().out
    assert "postgresql://chargeclock@/" in verified and "audit log ok:" in verified
    services = Services.open(url, FakeClock(START), zone=UTC)
    try:
        file = Services.open_existing(path, write=False)
        try:
            assert services.visits.visit_state(visit) == file.visits.visit_state(visit)
            assert services.records.providers() == file.records.providers()
        finally:
            file.close(clean=False)
        # New rows on the server take ids after the copied ones.
        again = services.visits.open_visit(patient, codes=["97110"]).visit_id
        assert again == visit + 2
        assert services.verify_audit().ok
    finally:
        services.close()


def test_a_server_database_with_a_clinic_already_is_refused_and_left_as_it_is(
    tmp_path: Path, pg_cluster: Cluster, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "clinic.db"
    _clinic_file(path)
    url = pg_cluster.new_database()
    assert main(["migrate", "--from", str(path), "--to", url]) == 0
    capsys.readouterr()
    assert main(["migrate", "--from", str(path), "--to", url]) == 2
    assert "already holds rows" in capsys.readouterr().err
    assert main(["verify-audit", "--db", url]) == 0


def test_migrate_wants_a_server_url_and_an_existing_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["migrate", "--from", str(tmp_path / "none.db"), "--to", "other.db"]) == 2
    assert "give the clinic server's URL" in capsys.readouterr().err
    url = "postgresql://nobody@/nothing?host=/nonexistent"
    assert main(["migrate", "--from", str(tmp_path / "none.db"), "--to", url]) == 2
    assert "none.db: no such file" in capsys.readouterr().err


def test_a_server_url_is_taken_from_db_or_the_environment_and_backups_point_to_pg_dump(
    monkeypatch: pytest.MonkeyPatch, pg_cluster: Cluster, capsys: pytest.CaptureFixture[str]
) -> None:
    from chargeclock.paths import database_target

    url = pg_cluster.new_database()
    assert database_target(url) == url
    monkeypatch.setenv("CHARGECLOCK_DB", url)
    assert database_target(None) == url
    Services.open(url, FakeClock(START)).close()  # the clinic's schema, made on first open
    assert main(["verify-audit"]) == 0
    assert url.split("?")[0] in capsys.readouterr().out
    assert main(["backup"]) == 2
    assert "back it up with pg_dump" in capsys.readouterr().err

"""``chargeclock timer`` on a database it cannot write: a read-only file, a full disk. One line
naming the file and what to do; nothing of the tap is saved."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from chargeclock.cli import main
from chargeclock.clock import FakeClock
from chargeclock.services.session import Services
from tests.faults.conftest import SmallDisk, read_only
from tests.services.conftest import START


def _clinic(path: Path) -> int:
    """A database with one open visit (closed again); the visit's id."""
    services = Services.open(path, FakeClock(START))
    try:
        services.records.add_provider("Dana Reyes", "PT", "1234567893")
        payer = services.records.add_payer("Medicare", medicare=True)
        from datetime import date

        patient, _ = services.records.add_patient(
            "Doe", "Jane", date(1950, 1, 2), payer_id=payer.id
        )
        return services.visits.open_visit(patient.id).visit_id
    finally:
        services.close()


def _segments(path: Path) -> int:
    services = Services.open_existing(path, write=False)
    try:
        return len(services.recovery.running_timers())
    finally:
        services.close(clean=False)


def test_a_read_only_database_refuses_the_tap_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "clinic.sqlite3"
    visit = _clinic(db)
    with read_only(db):
        status = main(["timer", "start", "97110", "--role", "PT", "--visit", str(visit),
                       "--db", str(db)])  # fmt: skip
    err = capsys.readouterr().err
    assert status == 2, err
    assert err.startswith(f"chargeclock: database {db}") and "read-only" in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert _segments(db) == 0


def test_a_full_disk_refuses_the_tap_and_saves_none_of_it(
    small_disk: SmallDisk, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    made = tmp_path / "clinic.sqlite3"
    visit = _clinic(made)
    db = small_disk.folder / "clinic.sqlite3"
    shutil.copyfile(made, db)
    small_disk.fill()
    status = main(["timer", "start", "97110", "--role", "PT", "--visit", str(visit),
                   "--db", str(db)])  # fmt: skip
    err = capsys.readouterr().err
    small_disk.free()
    assert status == 2, err
    assert "the disk is full" in err and "Traceback" not in err
    assert _segments(db) == 0

"""The benchmark databases are copies of one another (the decade of the demo year, the
crowded decade of the decade): each copy is a database of its own, so that their audit
checkpoints, named by the database id, do not replace each other's in the shared keys folder
(they did: each packet benchmark found the other's checkpoint and checked in full)."""

from __future__ import annotations

from pathlib import Path

import pytest

from chargeclock.clock import FakeClock
from chargeclock.services.session import Services
from chargeclock.storage import audit_checkpoint, audit_keys
from tests.perf.identity import copy_clinic
from tests.services.conftest import Clinic

pytestmark = pytest.mark.sqlite_file  # a copy of the database file


def test_a_copied_benchmark_database_keeps_a_checkpoint_of_its_own(
    clinic: Clinic, tmp_path: Path
) -> None:
    services = clinic.services
    assert services.verify_audit(keep_checkpoint=True).ok
    original = audit_keys.database_id(services.db)
    assert original is not None and audit_checkpoint.read(services.db) is not None
    services.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    copy = tmp_path / "copy.sqlite3"
    copied_id = copy_clinic(services.db.path, copy)
    assert copied_id != original
    other = Services.open(copy, FakeClock(clinic.clock.now()))
    try:
        assert audit_keys.database_id(other.db) == copied_id
        assert audit_checkpoint.read(other.db) is None  # not the original's
        other.records.add_patient("Roe", "Ann", clinic.clock.now().date(), payer_id=None)
        report = other.verify_audit(keep_checkpoint=True)
        assert report.ok and not report.unchecked_entries  # every entry checks with its key
        assert audit_checkpoint.read(other.db) is not None
    finally:
        other.close()
    # The original's checkpoint is still there and still its own; its log still checks.
    assert audit_checkpoint.path_for(original) != audit_checkpoint.path_for(copied_id)
    assert audit_checkpoint.read(services.db) is not None
    report = services.verify_audit()
    assert report.ok and not report.unchecked_entries

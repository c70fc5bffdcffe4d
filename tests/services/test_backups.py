"""Backups: daily once, the last 14 kept, owner-only; restore, refused while the app runs."""

from __future__ import annotations

import stat
from datetime import date
from pathlib import Path

import pytest

from chargeclock.cli import main
from chargeclock.services.backups import list_backups, restore
from chargeclock.services.session import Services
from chargeclock.storage.errors import DatabaseInUseError, StorageError
from tests.services.conftest import Clinic


def test_daily_backup_once_a_day_keeping_fourteen(clinic: Clinic) -> None:
    services, clock = clinic.services, clinic.clock
    first = services.daily_backup()
    assert first is not None and services.daily_backup() is None
    assert stat.S_IMODE(first.stat().st_mode) == 0o600
    for _ in range(20):
        clock.advance(days=1)
        assert services.daily_backup() is not None
    assert services.db.path is not None
    kept = list_backups(services.db.path)
    assert len(kept) == 14 and kept[-1].name.startswith("chargeclock-20260322")


def test_restore_brings_back_the_backup_and_refuses_while_open(clinic: Clinic) -> None:
    services = clinic.services
    path = services.db.path
    assert path is not None
    saved = services.backup_now()
    services.records.add_patient("Later", "Added", date(1970, 1, 1))
    with pytest.raises(DatabaseInUseError, match="already open"):
        restore(saved, path, clinic.clock)
    services.close()
    assert main(["restore", str(saved), "--db", str(path)]) == 0
    from chargeclock.services.session import Services

    again = Services.open(path, clinic.clock)
    try:
        assert [p.last_name for p in again.records.search_patients("")] == ["Doe"]
    finally:
        again.close()


def test_restore_refuses_what_is_not_a_backup(tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(StorageError, match="not a database"):
        restore(junk, tmp_path / "c.sqlite3", None)  # type: ignore[arg-type]


def test_backup_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "c.sqlite3"
    assert main(["backup", "--db", str(db)]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["import-fees", "/dev/null", "--db", str(db)]) == 2  # nor does this create it
    assert not db.exists()
    Services.open(db).close()  # the window creates it
    assert main(["--db", str(db), "backup"]) == 0
    assert len(list_backups(db)) == 1

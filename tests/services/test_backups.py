"""Backups: daily once, the last 14 kept, owner-only; restore, refused while the app runs."""

from __future__ import annotations

import shutil
import stat
from datetime import date
from pathlib import Path

import pytest

from chargeclock.cli import main
from chargeclock.clock import FakeClock
from chargeclock.domain.errors import InputError
from chargeclock.paths import backups_dir
from chargeclock.services.backups import backup_now, list_backups, prune, restore
from chargeclock.services.session import Services
from chargeclock.storage import backup as store_backup
from chargeclock.storage.errors import DatabaseInUseError, StorageError
from chargeclock.storage.lock import ProcessLock
from tests.faults.dbfiles import (
    BREAKS,
    MOMENT,
    add_patients,
    committed_wal,
    content,
    is_sound_chargeclock_file,
    make_clinic,
    patient_count,
    place,
)
from tests.services.conftest import Clinic

pytestmark = pytest.mark.sqlite_file


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
    assert len(kept) == 14 and kept[-1].name == "clinic-20260322-140000-001.sqlite3"


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
    with pytest.raises(StorageError, match="it is not an SQLite database file"):
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


def test_keep_must_be_at_least_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "c.sqlite3"
    make_clinic(db)
    assert main(["backup", "--db", str(db)]) == 0
    before = list_backups(db)
    capsys.readouterr()
    for keep in ("0", "-1", "two"):
        with pytest.raises(SystemExit) as exit_status:
            main(["backup", "--db", str(db), "--keep", keep])
        assert exit_status.value.code == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "--keep" in err and "at least 1" in err
        assert list_backups(db) == before and before[0].is_file()
    with pytest.raises(InputError, match="keep: must be at least 1"):
        prune(db, 0)
    with pytest.raises(InputError, match="keep: must be at least 1"):
        backup_now(db, FakeClock(MOMENT), keep=-1)
    assert list_backups(db) == before


def test_two_databases_in_one_folder_each_get_their_daily_backup(tmp_path: Path) -> None:
    paths = [tmp_path / "a.sqlite3", tmp_path / "b.sqlite3", tmp_path / "a.db"]
    clock = FakeClock(MOMENT)
    for n, path in enumerate(paths):
        make_clinic(path, patients=n + 1)
        services = Services.open(path, clock)
        try:
            assert services.daily_backup() is not None
            assert services.daily_backup() is None
        finally:
            services.close()
    for n, path in enumerate(paths):
        (kept,) = list_backups(path)
        assert kept.name == f"{path.stem}-20260302-140000-001{path.suffix}"
        assert patient_count(kept) == n + 1
    assert len([p for p in backups_dir(paths[0]).glob("*-001.*") if p.suffix != ".anchor"]) == 3


def test_every_backup_of_one_second_is_listed_in_order_and_pruned(tmp_path: Path) -> None:
    db = tmp_path / "c.sqlite3"
    make_clinic(db, patients=0)
    clock = FakeClock(MOMENT)  # every backup in the same second
    services = Services.open(db, clock)
    try:
        for n in range(12):
            add_patients(services, 1, first=n)
            backup_now(db, clock, services.db, keep=100)
    finally:
        services.close()
    listed = list_backups(db)
    assert [patient_count(p) for p in listed] == list(range(1, 13))
    assert listed[-1].name == "c-20260302-140000-012.sqlite3"
    assert sorted(p.name for p in listed) == [p.name for p in listed]
    assert [p.name for p in prune(db, 3)] == [p.name for p in listed[:9]]
    assert [patient_count(p) for p in list_backups(db)] == [10, 11, 12]


def test_names_of_earlier_versions_still_count(tmp_path: Path) -> None:
    db = tmp_path / "chargeclock.sqlite3"
    make_clinic(db)
    folder = backups_dir(db)
    folder.mkdir()
    old = ["chargeclock-20260301-100000.sqlite3", "chargeclock-20260301-100000-2.sqlite3"]
    for name in old:
        shutil.copyfile(db, folder / name)
    services = Services.open(db, FakeClock(MOMENT))
    try:
        assert services.daily_backup() is not None
    finally:
        services.close()
    assert [p.name for p in list_backups(db)] == [*old, "chargeclock-20260302-140000-001.sqlite3"]
    prune(db, 1)
    assert [p.name for p in list_backups(db)] == ["chargeclock-20260302-140000-001.sqlite3"]


@pytest.mark.parametrize("kind", ["damaged", "truncated", "zero-byte", "foreign", "junk"])
def test_restore_refuses_a_bad_backup_in_one_line_changing_nothing(
    tmp_path: Path, kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "c.sqlite3"
    make_clinic(db, patients=30)
    bad = tmp_path / "bad.sqlite3"
    shutil.copyfile(db, bad)
    BREAKS[kind](bad)
    files = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert main(["restore", str(bad), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(bad) in err and "internal error" not in err
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == files


# Another program's SQLite file in the database's place is refused instead, left as it is
# (tests/faults/test_hostile_input.py): the path is more likely mistyped than the file broken.
@pytest.mark.parametrize("state", ["damaged", "truncated", "zero-byte", "missing", "junk"])
def test_restore_works_over_a_broken_database_and_keeps_it_aside(
    tmp_path: Path, state: str, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "c.sqlite3"
    make_clinic(db, patients=40)
    good = backup_now(db, FakeClock(MOMENT))
    wanted = content(good)
    BREAKS[state](db)
    broken = db.read_bytes() if db.exists() else None
    assert main(["restore", str(good), "--db", str(db)]) == 0
    assert "internal error" not in capsys.readouterr().err
    assert content(db) == wanted and is_sound_chargeclock_file(db)
    aside = [p for p in backups_dir(db).iterdir() if "-damaged" in p.name]
    if broken is None:
        assert aside == []
    else:
        assert [p.read_bytes() for p in aside] == [broken]
    assert list_backups(db) == [good]  # what is kept aside is never listed as a backup


@pytest.mark.parametrize("state", ["foreign wal", "foreign wal, no database", "own wal"])
def test_restore_over_stale_or_pending_side_files(tmp_path: Path, state: str) -> None:
    db = tmp_path / "c.sqlite3"
    make_clinic(db, patients=5)
    good = backup_now(db, FakeClock(MOMENT))
    other = tmp_path / "other.sqlite3"
    make_clinic(other, patients=60)
    if state == "own wal":  # a writer killed after committing 7 more patients
        main_bytes, wal = committed_wal(db, 7)
        place(db, main_bytes, wal, b"\x00" * 100)
        assert patient_count(db) == 12
    else:  # another database's WAL, with valid frames, and a garbage SHM
        _, wal = committed_wal(other, 7)
        main_bytes = None if "no database" in state else db.read_bytes()
        place(db, main_bytes, wal, b"\xff" * 32768)
    assert main(["restore", str(good), "--db", str(db)]) == 0
    assert content(db) == content(good) and is_sound_chargeclock_file(db)
    assert patient_count(db) == 5
    aside = sorted(p.name for p in backups_dir(db).iterdir() if "-damaged" in p.name)
    if state == "own wal":  # what the WAL held was kept aside, as a checked backup
        assert [patient_count(p) for p in list_backups(db)] == [5, 12]
    elif main_bytes is not None:  # what SQLite read, as a backup, or the files untouched
        if aside:
            assert [(backups_dir(db) / name).read_bytes() for name in aside] == [main_bytes, wal]
            assert aside[1] == aside[0] + "-wal"
        else:
            assert len(list_backups(db)) == 2
    else:
        assert aside == []


def test_daily_backup_made_while_another_backup_of_it_is_written_waits_then_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "c.sqlite3"
    make_clinic(db)
    folder = backups_dir(db)
    folder.mkdir()
    other = ProcessLock(folder / ".c.sqlite3.backup")
    other.acquire()
    monkeypatch.setattr(store_backup, "LOCK_WAIT", 0.2)
    try:
        with pytest.raises(StorageError, match="another backup of it is being written"):
            backup_now(db, FakeClock(MOMENT))
    finally:
        other.release()
    assert list_backups(db) == []
    assert backup_now(db, FakeClock(MOMENT)).is_file()

"""Backups and restores cut short: a full disk, a leftover of a killed copy, a damaged database,
and SIGKILL — of a real ``chargeclock backup``/``restore`` process at random instants, and of a
forked one just before each of its file operations in turn. After each, every listed backup
passes ``integrity_check`` and opens as a ChargeClock database, the live database is whole (the
old one or the new one), the next backup or restore cleans up, and nothing is lost."""

from __future__ import annotations

import errno
import os
import random
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import pytest

from chargeclock.cli import main
from chargeclock.clock import FakeClock, SystemClock
from chargeclock.export import write_private
from chargeclock.paths import backups_dir
from chargeclock.services.backups import backup_now, daily_backup, list_backups, restore
from chargeclock.storage import backup as store_backup
from chargeclock.storage.database import open_database
from chargeclock.storage.errors import StorageError
from tests.faults.dbfiles import (
    MOMENT,
    committed_wal,
    content,
    damage,
    is_sound_chargeclock_file,
    make_clinic,
    place,
)

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")

KILLS = 40
KEEP = 4
LOCK_FILE = ".clinic.sqlite3.backup.lock"


# -- syncing ---------------------------------------------------------------------------------


def anchor(backup_name: str) -> str:
    """The audit anchor written beside a backup."""
    return backup_name + ".anchor"


def _record_syncs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Record each fsync (file or folder, inode) and each rename (destination inode after)."""
    events: list[tuple[str, int]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        info = os.fstat(fd)
        events.append(("sync folder" if stat.S_ISDIR(info.st_mode) else "sync file", info.st_ino))
        real_fsync(fd)

    def replace(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
        real_replace(source, target)
        events.append(("rename", os.stat(target).st_ino))

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    return events


def _synced_then_named(events: list[tuple[str, int]], target: Path) -> None:
    """The file was synced before it took its name, and its folder after."""
    named = events.index(("rename", target.stat().st_ino))
    assert ("sync file", target.stat().st_ino) in events[:named]
    assert ("sync folder", target.parent.stat().st_ino) in events[named:]


def test_a_backup_is_synced_before_it_takes_its_name_and_its_folder_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "clinic.sqlite3"
    make_clinic(db)
    events = _record_syncs(monkeypatch)
    _synced_then_named(events, backup_now(db, FakeClock(MOMENT)))


def test_a_pdf_is_synced_before_it_takes_its_name_and_its_folder_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events = _record_syncs(monkeypatch)
    target = tmp_path / "bill.pdf"
    write_private(target, b"%PDF-1.4 a superbill")
    assert target.read_bytes() == b"%PDF-1.4 a superbill"
    _synced_then_named(events, target)


# -- one fault at a time ----------------------------------------------------------------------


def test_a_full_disk_leaves_no_backup_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "clinic.sqlite3"
    make_clinic(db)

    def full(path: Path) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(store_backup, "fsync_file", full)
    with pytest.raises(StorageError, match="No space left on device") as refused:
        backup_now(db, FakeClock(MOMENT))
    assert "\n" not in str(refused.value)
    assert list_backups(db) == []
    assert [p.name for p in backups_dir(db).iterdir()] == [LOCK_FILE]
    monkeypatch.undo()
    assert is_sound_chargeclock_file(backup_now(db, FakeClock(MOMENT)))


def test_a_leftover_of_a_killed_backup_is_never_listed_and_goes_at_the_next_backup(
    tmp_path: Path,
) -> None:
    db = tmp_path / "clinic.sqlite3"
    make_clinic(db)
    folder = backups_dir(db)
    folder.mkdir()
    leftovers = [folder / ".clinic.sqlite3.partial", folder / ".clinic.sqlite3.partial-journal"]
    leftovers[0].write_bytes(b"")
    leftovers[1].write_bytes(b"\xd9\xd5\x05\xf9\x20\xa1\x63\xd7" + b"\x00" * 504)
    assert list_backups(db) == []
    with open_database(db) as opened:
        made = daily_backup(opened, FakeClock(MOMENT))
    assert made is not None and is_sound_chargeclock_file(made)
    assert sorted(p.name for p in folder.iterdir()) == [LOCK_FILE, made.name, anchor(made.name)]


def test_a_damaged_database_gets_no_backup(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "clinic.sqlite3"
    make_clinic(db, patients=40)
    damage(db)
    assert main(["backup", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    # Refused when it is opened, or (damage past the schema) when it is copied.
    assert err.count("\n") == 1 and str(db) in err
    assert "cannot be read as a ChargeClock database" in err or "cannot be copied whole" in err
    assert list_backups(db) == []
    folder = backups_dir(db)
    assert not folder.exists() or [p.name for p in folder.iterdir()] == [LOCK_FILE]


def test_a_full_disk_during_a_restore_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "clinic.sqlite3"
    make_clinic(db, patients=3)
    good = backup_now(db, FakeClock(MOMENT))
    make_clinic(db, patients=2)  # two more since the backup
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}

    def full(path: Path) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(store_backup, "fsync_file", full)
    with pytest.raises(StorageError, match="No space left on device"):
        restore(good, db, FakeClock(MOMENT))
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


# -- SIGKILL ---------------------------------------------------------------------------------


@dataclass
class Tally:
    kills: int = 0
    checked: int = 0
    unusable: int = 0
    old: int = 0  # restores that left the old database
    new: int = 0  # … and the new one
    cut: int = 0  # backups that left their temporary file
    finished: int = 0  # … that had named their copy

    def check(self, path: Path) -> None:
        self.checked += 1
        self.unusable += not is_sound_chargeclock_file(path)


@dataclass
class BackupCase:
    big: Path
    small: Path
    wanted: str


@pytest.fixture
def backup_case(tmp_path: Path) -> BackupCase:
    big, small = tmp_path / "big.sqlite3", tmp_path / "small.sqlite3"
    make_clinic(big, patients=30, padding=512 << 10)
    make_clinic(small, patients=2)
    return BackupCase(big, small, content(big))


def _backup_round(case: BackupCase, db: Path) -> list[Path]:
    """A database and the last KEEP backups of earlier days; return those backups."""
    folder = backups_dir(db)
    folder.mkdir(parents=True)
    shutil.copyfile(case.big, db)
    older = [folder / f"clinic-202601{day:02d}-090000-001.sqlite3" for day in range(1, KEEP + 1)]
    for path in older:
        shutil.copyfile(case.small, path)
    return older


def _after_killed_backup(case: BackupCase, tally: Tally, db: Path, older: object) -> None:
    """Every listed backup is whole and checked, nothing is lost (``older``: the backups there
    before), and the next backup of the day is made (unless the killed one had finished) and
    leaves no leftover."""
    assert isinstance(older, list)
    listed = list_backups(db)
    for path in listed:
        tally.check(path)
    assert content(db) == case.wanted  # the live database is untouched
    assert set(older[1:]) <= set(listed)  # the oldest goes only once a new one is there
    ours = [p for p in listed if p not in older]
    assert older[0] in listed or ours
    tally.finished += bool(ours)
    tally.cut += any(
        p.name.startswith(".clinic.sqlite3.partial") for p in backups_dir(db).iterdir()
    )
    for path in ours:
        assert content(path) == case.wanted
    with open_database(db) as opened:
        made = daily_backup(opened, FakeClock(datetime.now(UTC)), keep=KEEP)
    assert (made is None) == bool(ours)
    if made is not None:
        assert list_backups(db) == [*older[1:], made]
        tally.check(made)
        assert content(made) == case.wanted
    names = {p.name for p in list_backups(db)}
    # No leftover but a half-written anchor of a backup killed after its copy was named: it is
    # never read (anchors are *.anchor) and the next backup removes it.
    left = {p.name for p in backups_dir(db).iterdir() if not p.name.endswith(".anchor.partial")} - {
        anchor(n) for n in names
    }
    assert left == {LOCK_FILE, *names}


@dataclass
class RestoreCase:
    main: bytes  # the old database: some patients in the file…
    wal: bytes  # … and seven more committed in its WAL only
    old: str
    backup: Path
    new: str


@pytest.fixture
def restore_case(tmp_path: Path) -> RestoreCase:
    scratch = tmp_path / "scratch" / "clinic.sqlite3"
    scratch.parent.mkdir()
    make_clinic(scratch, patients=20, padding=512 << 10)
    main, wal = committed_wal(scratch, 7)
    place(scratch, main, wal)
    old = content(scratch)
    source = tmp_path / "source" / "clinic.sqlite3"
    source.parent.mkdir()
    make_clinic(source, patients=4, padding=512 << 10)
    backup = backup_now(source, FakeClock(MOMENT))
    new = content(backup)
    assert old != new
    return RestoreCase(main, wal, old, backup, new)


def _fresh_old_database(case: RestoreCase, db: Path) -> None:
    db.parent.mkdir()
    place(db, case.main, case.wal)


def _after_killed_restore(case: RestoreCase, tally: Tally, db: Path, _: object = None) -> None:
    """The database is the old one or the new one, whole; replaced only once the old one was
    kept aside; the next restore cleans up after the killed one and loses nothing."""
    tally.check(db)
    now = content(db)
    assert now in (case.old, case.new)  # never a mix
    tally.old += now == case.old
    tally.new += now == case.new
    listed = list_backups(db)
    for path in listed:
        tally.check(path)
    if now == case.new:
        assert case.old in {content(p) for p in listed}
    restore(case.backup, db, FakeClock(MOMENT))
    assert content(db) == case.new
    assert case.old in {content(p) for p in list_backups(db)}
    assert [p.name for p in db.parent.iterdir() if p.name.startswith(".")] == []
    names = {p.name for p in list_backups(db)}
    kept = {LOCK_FILE, *names, *(anchor(n) for n in names)}
    # The restored log's own anchor (until the next backup anchors again).
    restored = {p.name for p in backups_dir(db).glob("*-restored.sqlite3.anchor")}
    assert len(restored) == 1
    assert {p.name for p in backups_dir(db).iterdir()} - restored <= kept


# A command's interpreter starts (and imports) before it is told to go, while the previous
# round is checked: the instants of a kill all fall in the command's own work.
_READY = (
    "import sys; import chargeclock.services.backups; from chargeclock.cli import main; "
    "sys.stdin.readline(); sys.exit(main(sys.argv[1:]))"
)


class Command:
    """``chargeclock ARGS`` in its own interpreter, started ahead and run on :meth:`run`."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", _READY, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def run(self, kill_after: float = 60.0) -> float | None:
        """Run; SIGKILL it after ``kill_after`` seconds. ``None`` if it was killed, else how
        long it took."""
        assert self.process.stdin is not None
        start = time.monotonic()
        self.process.stdin.write(b"go\n")
        self.process.stdin.flush()
        try:
            status = self.process.wait(timeout=kill_after)
        except subprocess.TimeoutExpired:
            self.process.kill()
            status = self.process.wait()
        finally:
            self.process.stdin.close()
        if status == -signal.SIGKILL:
            return None
        assert status == 0
        return time.monotonic() - start

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self.process.stdin is not None and not self.process.stdin.closed:
            self.process.stdin.close()


def _kill_at_random_instants(
    tmp_path: Path,
    arguments: Callable[[Path], list[str]],
    prepare: Callable[[Path], object],
    check: Callable[[Path, object], None],
    seed: int,
) -> int:
    """Run the command on fresh copies until it was SIGKILLed KILLS times (at most 2 × KILLS
    rounds), calling ``check`` after each round; return the kills.

    The k-th kill falls at random in the k-th of KILLS equal slices of the time the command
    takes when left alone: the shorter of two runs, or of any round that ended before its kill.
    """
    rng = random.Random(seed)
    timing = tmp_path / "timing" / "clinic.sqlite3"
    prepare(timing)
    span = min(Command(*arguments(timing)).run() or 0.0 for _ in range(2))
    paths = [tmp_path / f"round{n}" / "clinic.sqlite3" for n in range(2 * KILLS + 1)]
    kills = 0
    upcoming = Command(*arguments(paths[0]))
    try:
        for n in range(2 * KILLS):
            command, upcoming = upcoming, Command(*arguments(paths[n + 1]))
            prepared = prepare(paths[n])
            took = command.run(kill_after=span * (kills + rng.random()) / KILLS)
            if took is None:
                kills += 1
            else:
                span = min(span, took)
            check(paths[n], prepared)
            if kills == KILLS:
                break
    finally:
        upcoming.stop()  # not left waiting
    return kills


@posix_only
def test_backup_killed_at_random_instants(tmp_path: Path, backup_case: BackupCase) -> None:
    tally = Tally()

    tally.kills = _kill_at_random_instants(
        tmp_path,
        lambda db: ["backup", "--db", str(db), "--keep", str(KEEP)],
        partial(_backup_round, backup_case),
        partial(_after_killed_backup, backup_case, tally),
        seed=20260302,
    )
    assert tally.kills == KILLS
    assert tally.unusable == 0


@posix_only
def test_restore_killed_at_random_instants(tmp_path: Path, restore_case: RestoreCase) -> None:
    case, tally = restore_case, Tally()
    tally.kills = _kill_at_random_instants(
        tmp_path,
        lambda db: ["restore", str(case.backup), "--db", str(db)],
        partial(_fresh_old_database, case),
        partial(_after_killed_restore, case, tally),
        seed=20260303,
    )
    assert tally.kills == KILLS
    assert tally.old  # (the systematic test below covers the new one too)
    assert tally.unusable == 0


def _killed_at_step(step: int, work: Callable[[], object]) -> bool:
    """Run ``work`` in a forked child that SIGKILLs itself just before its ``step``-th file
    operation (open, sync, rename, remove); True if it got there, False if ``work`` ended first."""
    pid = os.fork()
    if pid == 0:  # the child
        try:
            count = 0

            def counted(real: Callable[..., object]) -> Callable[..., object]:
                def operation(*args: object, **kwargs: object) -> object:
                    nonlocal count
                    count += 1
                    if count == step:
                        os.kill(os.getpid(), signal.SIGKILL)
                    return real(*args, **kwargs)

                return operation

            for name in ("open", "fsync", "replace", "rename", "unlink"):
                setattr(os, name, counted(getattr(os, name)))
            work()
        finally:
            os._exit(0 if count < step else 3)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        assert os.WTERMSIG(status) == signal.SIGKILL
        return True
    assert os.WEXITSTATUS(status) == 0, "the work failed in the child"
    return False


def _kill_at_each_step(
    tmp_path: Path,
    work: Callable[[Path], object],
    prepare: Callable[[Path], object],
    check: Callable[[Path, object], None],
) -> int:
    """Run ``work`` on fresh copies, killed before its 1st, 2nd, … file operation, until it ends
    on its own; call ``check`` after each round; return the kills."""
    for step in range(1, 200):
        db = tmp_path / f"step{step}" / "clinic.sqlite3"
        prepared = prepare(db)
        killed = _killed_at_step(step, partial(work, db))
        check(db, prepared)
        if not killed:
            return step - 1
    raise AssertionError("the work never ended")


@posix_only
def test_backup_killed_before_each_of_its_file_operations(
    tmp_path: Path, backup_case: BackupCase
) -> None:
    tally = Tally()

    tally.kills = _kill_at_each_step(
        tmp_path,
        lambda db: backup_now(db, SystemClock(), keep=KEEP),
        partial(_backup_round, backup_case),
        partial(_after_killed_backup, backup_case, tally),
    )
    assert tally.kills >= 5
    assert tally.cut and tally.finished
    assert tally.unusable == 0


@posix_only
def test_restore_killed_before_each_of_its_file_operations(
    tmp_path: Path, restore_case: RestoreCase
) -> None:
    case, tally = restore_case, Tally()
    tally.kills = _kill_at_each_step(
        tmp_path,
        lambda db: restore(case.backup, db, FakeClock(MOMENT)),
        partial(_fresh_old_database, case),
        partial(_after_killed_restore, case, tally),
    )
    assert tally.kills >= 5
    assert tally.old and tally.new
    assert tally.unusable == 0

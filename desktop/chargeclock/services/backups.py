"""Backups: on demand, a daily automatic copy, keeping the last 14; restore.

Each database has its own backups, named after its file, in ``backups/`` beside it:
``clinic.sqlite3`` is backed up as ``backups/clinic-YYYYMMDD-HHMMSS-NNN.sqlite3`` (UTC; NNN
numbers the backups made in that second, from 001). The backup keeps the database's extension,
so ``clinic.sqlite3`` and ``clinic.db`` in one folder never share a backup, a day or a place
among the kept. Names of earlier versions (``…-HHMMSS.sqlite3``, ``…-HHMMSS-2.sqlite3``) still
count. A file gets a backup's name only once it is whole, checked and synced (see
:mod:`chargeclock.storage.backup`); only such files are listed, taken as today's and pruned.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from chargeclock.clock import Clock
from chargeclock.domain.errors import InputError
from chargeclock.paths import backups_dir
from chargeclock.storage import audit_anchor
from chargeclock.storage import backup as store_backup
from chargeclock.storage.database import Database
from chargeclock.storage.database_file import check_database_file, check_restore_target
from chargeclock.storage.errors import StorageError
from chargeclock.storage.lock import ProcessLock

KEEP = 14


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%d-%H%M%S")


def backup_name(database: Path, moment: datetime, number: int = 1) -> str:
    """The name of the ``number``-th backup of ``database`` made in ``moment``'s second."""
    return f"{database.stem}-{_stamp(moment)}-{number:03d}{database.suffix}"


def _pattern(database: Path) -> re.Pattern[str]:
    stem, suffix = re.escape(database.stem), re.escape(database.suffix)
    return re.compile(rf"^{stem}-(\d{{8}})-(\d{{6}})(?:-(\d+))?{suffix}$")


def _listed(database: Path) -> list[tuple[tuple[str, str, int], Path]]:
    """(date, time, number) and path of each backup of ``database``, oldest first."""
    folder = backups_dir(database)
    if not folder.is_dir():
        return []
    pattern = _pattern(database)
    found = [
        ((m.group(1), m.group(2), int(m.group(3) or 1)), p)
        for p in folder.iterdir()
        if (m := pattern.match(p.name)) and p.is_file()
    ]
    return sorted(found)


def list_backups(database: Path) -> list[Path]:
    """Backups of ``database``, oldest first (by the time in the name, then its number)."""
    return [path for _, path in _listed(database)]


def _names(database: Path, moment: datetime) -> Iterator[Path]:
    """Free names for a backup made at ``moment``: numbered after that second's last one."""
    day, second = _stamp(moment).split("-")
    taken = [key[2] for key, _ in _listed(database) if key[:2] == (day, second)]
    number = max(taken, default=0) + 1
    folder = backups_dir(database)
    while True:
        yield folder / backup_name(database, moment, number)
        number += 1


def _check_keep(keep: int) -> None:
    if keep < 1:
        raise InputError(
            "keep", f"must be at least 1 (the newest backup is always kept), got {keep}"
        )


def prune(database: Path, keep: int = KEEP) -> list[Path]:
    """Delete all but the newest ``keep`` (at least 1) backups; return those deleted."""
    _check_keep(keep)
    old = list_backups(database)[:-keep]
    for path in old:
        path.unlink(missing_ok=True)
    return old


def _copy(database: Path, moment: datetime, db: Database | None) -> Path:
    """One checked backup, named; the caller holds the copy lock."""
    temp = backups_dir(database) / f".{database.name}.partial"  # removed first if left over
    if db is not None:
        store_backup.write_copy(db.conn, temp, database)
    else:
        store_backup.backup_file(database, temp)
    return store_backup.publish(temp, _names(database, moment))


def backup_now(database: Path, clock: Clock, db: Database | None = None, keep: int = KEEP) -> Path:
    """Copy the database now (through the open connection if given) and prune old copies."""
    _check_keep(keep)
    with store_backup.copy_lock(backups_dir(database), database):
        target = _copy(database, clock.now(), db)
        prune(database, keep)
        # The log's head, kept outside the database (under the lock: a killed backup's
        # half-written anchor is cleared by the next one).
        audit_anchor.write_beside(target, clock.now())
    return target


def daily_backup(db: Database, clock: Clock, keep: int = KEEP) -> Path | None:
    """The app calls this at start: if no backup of this database was made today (UTC), make
    one."""
    if db.path is None:
        return None
    today = _stamp(clock.now())[:8]
    if any(key[0] == today for key, _ in _listed(db.path)):
        return None
    return backup_now(db.path, clock, db, keep)


def restore(backup: Path, database: Path, clock: Clock) -> Path | None:
    """Replace the database with ``backup`` (refused while the app has it open) and return where
    the database as it was is kept (``None`` if there was none).

    The backup is checked first (a damaged or foreign file is refused, nothing changed). The
    current database is kept aside in backups/ as a backup, or, when it is damaged, truncated or
    empty, byte for byte as ``…-damaged`` (never listed): so a restore can itself be undone.
    """
    if not backup.is_file():
        raise InputError("FILE", f"no backup at {backup}")
    # Never another program's file read as a backup, nor put in its place.
    check_database_file(backup, new_ok=False, what="backup")
    check_restore_target(database)
    store_backup.check_backup(backup)
    lock = ProcessLock(database)
    try:
        database.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        lock.acquire()  # DatabaseInUseError names the process that has it open
    except OSError as exc:
        raise StorageError(f"database {database}: cannot be written: {exc.strerror}") from None
    try:
        staged = store_backup.stage_restore(backup, database)
        try:
            saved = _keep_aside(database, clock)
            store_backup.swap_in(staged, database)
        finally:
            store_backup.remove_with_side_files(staged)
        _anchor_restored(database, clock)
    finally:
        lock.release()
    return saved


def _anchor_restored(database: Path, clock: Clock) -> None:
    """A restore legitimately takes the audit log back to the backup's: the restored log's head
    becomes the newest anchor (until the next backup anchors again), not the head of the log it
    replaced, which its own backup's anchor keeps."""
    folder, moment = backups_dir(database), clock.now()
    with store_backup.copy_lock(folder, database):
        anchor = folder / f"{database.stem}-{_stamp(moment)}-restored{database.suffix}"
        audit_anchor.write_beside(anchor, moment, source=database)


def _keep_aside(database: Path, clock: Clock) -> Path | None:
    if not database.exists():
        return None  # a side file without its database holds nothing to keep
    folder, moment = backups_dir(database), clock.now()
    with store_backup.copy_lock(folder, database):
        try:
            return _copy(database, moment, None)
        except store_backup.DamagedDatabaseError:
            base = f"{database.stem}-{_stamp(moment)}-damaged"
            target, number = folder / f"{base}{database.suffix}", 1
            while target.exists():
                number += 1
                target = folder / f"{base}-{number}{database.suffix}"
            store_backup.copy_damaged(database, folder / f".{database.name}.partial", target)
            return target

"""Backups: on demand, a daily automatic copy, keeping the last 14; restore.

Files are ``backups/chargeclock-YYYYMMDD-HHMMSS.sqlite3`` (UTC) beside the database, written
through SQLite's backup API (a consistent copy while the app runs), owner-only.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from chargeclock.clock import Clock
from chargeclock.domain.errors import InputError
from chargeclock.paths import backups_dir
from chargeclock.storage import audit_anchor
from chargeclock.storage import backup as store_backup
from chargeclock.storage.database import Database

KEEP = 14
_NAME = re.compile(r"^chargeclock-(\d{8})-(\d{6})(?:-(\d+))?\.sqlite3$")


def backup_name(moment: datetime) -> str:
    return f"chargeclock-{moment.strftime('%Y%m%d-%H%M%S')}.sqlite3"


def list_backups(database: Path) -> list[Path]:
    """Backups of ``database``, oldest first."""
    folder = backups_dir(database)
    if not folder.is_dir():
        return []
    found = [(m, p) for p in folder.iterdir() if (m := _NAME.match(p.name))]
    found.sort(key=lambda mp: (mp[0].group(1), mp[0].group(2), int(mp[0].group(3) or 1)))
    return [p for _, p in found]


def _target(database: Path, moment: datetime) -> Path:
    folder = backups_dir(database)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = folder / backup_name(moment)
    n = 1
    while target.exists():
        n += 1
        target = folder / target.name.replace(".sqlite3", f"-{n}.sqlite3")
    return target


def prune(database: Path, keep: int = KEEP) -> list[Path]:
    """Delete all but the newest ``keep`` backups; return those deleted."""
    old = list_backups(database)[:-keep] if keep else list_backups(database)
    for path in old:
        path.unlink()
    return old


def backup_now(database: Path, clock: Clock, db: Database | None = None, keep: int = KEEP) -> Path:
    """Copy the database now (through the open connection if given) and prune old copies."""
    target = _target(database, clock.now())
    if db is not None:
        store_backup.backup_open(db, target)
    else:
        store_backup.backup_file(database, target)
    prune(database, keep)
    audit_anchor.write_beside(target, clock.now())  # the log's head, kept outside the database
    return target


def daily_backup(db: Database, clock: Clock, keep: int = KEEP) -> Path | None:
    """The app calls this at start: if no backup was made today (UTC), make one."""
    if db.path is None:
        return None
    today = clock.now().strftime("%Y%m%d")
    for path in list_backups(db.path):
        match = _NAME.match(path.name)
        if match and match.group(1) == today:
            return None
    return backup_now(db.path, clock, db, keep)


def restore(backup: Path, database: Path, clock: Clock) -> Path | None:
    """Replace the database with ``backup`` (refused while the app has it open). The current
    database is first copied aside into backups/, so a restore can itself be undone."""
    if not backup.is_file():
        raise InputError("FILE", f"no backup at {backup}")
    store_backup.check_backup(backup)
    saved = None
    if database.exists():
        from chargeclock.storage.lock import ProcessLock

        probe = ProcessLock(database)
        probe.acquire()  # refuse early, before copying anything, if the app is running
        probe.release()
        saved = backup_now(database, clock, keep=KEEP + 1)
    store_backup.restore_file(backup, database)
    return saved

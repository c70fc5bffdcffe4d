"""Backups through SQLite's online backup API, restore, and the integrity check.

A backup is a complete, consistent database file even while the app writes (the API copies a
snapshot), created owner-only. Restore copies a backup over the live database with the same API,
holding the one-process lock, after checking the backup is sound and not from a newer build.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from chargeclock.storage.database import Database, connect, create_owner_only
from chargeclock.storage.errors import DatabaseMissingError, StorageError
from chargeclock.storage.lock import ProcessLock
from chargeclock.storage.migrations import check_not_too_new, migration_files


def integrity_problems(conn: sqlite3.Connection) -> list[str]:
    """``[]`` when ``PRAGMA integrity_check`` says ok, else its complaints."""
    rows = [str(r[0]) for r in conn.execute("PRAGMA integrity_check").fetchall()]
    return [] if rows == ["ok"] else rows


def copy_database(source: sqlite3.Connection, target: Path) -> None:
    """Write a consistent copy of ``source`` to the new file ``target`` (0600)."""
    if target.exists():
        raise StorageError(f"backup {target}: a file of that name already exists")
    create_owner_only(target)
    dest = sqlite3.connect(str(target))
    try:
        source.backup(dest)
        dest.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
    finally:
        dest.close()


def backup_file(database: Path, target: Path) -> None:
    """Back up the database at ``database`` (it may be open in the app) to ``target``."""
    if not database.exists():
        raise DatabaseMissingError(f"database {database}: no such file")
    conn = sqlite3.connect(_read_only_uri(database), uri=True)
    try:
        copy_database(conn, target)
    finally:
        conn.close()


def check_backup(backup: Path, migrations: Path | None = None) -> None:
    """Refuse a file that is not a sound ChargeClock database this build can open."""
    if not backup.is_file():
        raise StorageError(f"backup {backup}: no such file")
    try:
        conn = sqlite3.connect(_read_only_uri(backup), uri=True)
        try:
            problems = integrity_problems(conn)
            if problems:
                raise StorageError(f"backup {backup}: damaged ({problems[0]})")
            check_not_too_new(conn, backup, migration_files(migrations))
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            if "visits" not in tables:
                raise StorageError(f"backup {backup}: not a ChargeClock database")
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise StorageError(f"backup {backup}: not a database ({exc})") from None


def restore_file(backup: Path, database: Path, migrations: Path | None = None) -> None:
    """Replace the database's contents with the backup's. Refuses while the app has it open."""
    check_backup(backup, migrations)
    lock = ProcessLock(database)
    lock.acquire()  # DatabaseInUseError names the process that has it open
    try:
        if not database.exists():
            create_owner_only(database)
        source = sqlite3.connect(_read_only_uri(backup), uri=True)
        target = connect(database)
        try:
            source.backup(target)
            target.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            problems = integrity_problems(target)
            if problems:
                raise StorageError(f"database {database}: restore failed ({problems[0]})")
        finally:
            source.close()
            target.close()
    finally:
        lock.release()


def backup_open(db: Database, target: Path) -> None:
    """Back up an open database through its own connection."""
    copy_database(db.conn, target)


def _read_only_uri(path: Path) -> str:
    return path.resolve().as_uri() + "?mode=ro"

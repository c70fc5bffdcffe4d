"""Copies of a database through SQLite's online backup API, restore, and the checks guarding both.

Every copy (a backup; a backup on its way back into place) is written under a temporary name in the
folder it ends in, owner-only, as one self-contained file; then checked (``PRAGMA integrity_check``
and that it is a ChargeClock database), synced to the disk, and only then renamed to its real name,
and the folder synced. So a file under a real name is always a whole, checked copy, even after a
kill or a power loss at any instant; a copy cut short leaves only its temporary file, which the
next copy to the same place removes before it starts.

Restore renames the checked copy of the backup over the database, after taking the old database's
WAL, SHM and journal files away (SQLite would read a leftover one as part of the new file) once
its WAL is folded into it: killed at any instant, the database is the old one or the new one, whole.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from chargeclock.files import fsync_dir, fsync_file
from chargeclock.storage.database_file import create_owner_only
from chargeclock.storage.errors import DatabaseInUseError, DatabaseMissingError, StorageError
from chargeclock.storage.lock import ProcessLock
from chargeclock.storage.migrations import applied_names, check_not_too_new, migration_files

#: the files SQLite keeps beside a database, read as part of it
SIDE_FILES = ("-wal", "-shm", "-journal")
#: seconds a backup waits for another process's backup of the same database to end
LOCK_WAIT = 30.0
#: SQLite's result codes for a file that cannot be read whole as it is: broken, or left with a
#: journal to roll back first (a read-only copy must not change the file)
_BROKEN = ("SQLITE_CORRUPT", "SQLITE_NOTADB", "SQLITE_READONLY_ROLLBACK")


class DamagedDatabaseError(StorageError):
    """The database being copied cannot be copied whole: damaged, truncated, empty, or not
    ChargeClock's. Nothing was written."""


def integrity_problems(conn: sqlite3.Connection) -> list[str]:
    """``[]`` when ``PRAGMA integrity_check`` says ok, else its complaints."""
    rows = [str(r[0]) for r in conn.execute("PRAGMA integrity_check").fetchall()]
    return [] if rows == ["ok"] else rows


def side_file(path: Path, side: str) -> Path:
    """``path``'s SQLite side file (``side`` one of :data:`SIDE_FILES`, or ``""`` for itself)."""
    return path.with_name(path.name + side)


def remove_with_side_files(path: Path) -> None:
    """Remove ``path`` and any side file of it (a leftover of a copy that was cut short)."""
    for side in ("", *SIDE_FILES):
        side_file(path, side).unlink(missing_ok=True)


def _problem(conn: sqlite3.Connection, migrations: Path | None) -> str | None:
    """What makes an open file unusable as a ChargeClock database, or ``None``."""
    problems = integrity_problems(conn)
    if problems:
        return f"damaged ({problems[0]})"
    applied = applied_names(conn)
    tables = {str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master")}
    if not applied or applied[0] != migration_files(migrations)[0].stem or "visits" not in tables:
        return "not a ChargeClock database"
    return None


def _read_only(path: Path, *, at_rest: bool = False) -> sqlite3.Connection:
    """A read-only connection. ``at_rest``: a file no one writes (a backup); without a WAL beside
    it, it is read as it is, leaving no side file behind."""
    at_rest = at_rest and not side_file(path, "-wal").exists()
    return sqlite3.connect(
        path.resolve().as_uri() + ("?mode=ro&immutable=1" if at_rest else "?mode=ro"), uri=True
    )


def check_backup(backup: Path, migrations: Path | None = None) -> None:
    """Refuse, in one line naming the file, what is not a sound ChargeClock database this build
    can open: damaged, truncated, empty, another program's SQLite file, or from a newer build."""
    if not backup.is_file():
        raise StorageError(f"backup {backup}: no such file")
    try:
        conn = _read_only(backup, at_rest=True)
        try:
            found = _problem(conn, migrations)
            if found:
                raise StorageError(f"backup {backup}: {found}; choose another backup")
            check_not_too_new(conn, backup, migration_files(migrations))
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise StorageError(
            f"backup {backup}: cannot be read as a database ({exc}); choose another backup"
        ) from None


@contextmanager
def copy_lock(folder: Path, database: Path) -> Iterator[None]:
    """Be the one process writing copies of ``database`` into ``folder`` (created owner-only if
    missing): while it is held, a temporary file there is a leftover of a killed copy."""
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        lock = ProcessLock(folder / f".{database.name}.backup")
        deadline = time.monotonic() + LOCK_WAIT
        while True:
            try:
                lock.acquire()
                break
            except DatabaseInUseError:
                if time.monotonic() >= deadline:
                    raise StorageError(
                        f"backups of {database}: another backup of it is being written; "
                        "try again when it has finished"
                    ) from None
                time.sleep(0.05)
    except OSError as exc:
        raise StorageError(
            f"backups of {database}: cannot write in {folder}: {_why(exc)}"
        ) from None
    try:
        yield
    finally:
        lock.release()


def write_copy(source: sqlite3.Connection, temp: Path, database: Path) -> None:
    """Copy ``source`` (the database at ``database``) into the new file ``temp``, check the copy
    and sync it. A leftover at ``temp`` is removed first; on any failure nothing is left there.

    Raises :class:`DamagedDatabaseError` when the source cannot be copied whole, and
    :class:`StorageError` when the copy cannot be written (disk full, read-only folder…).
    """
    remove_with_side_files(temp)
    try:
        create_owner_only(temp)
        dest = sqlite3.connect(str(temp))
        try:
            source.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        finally:
            dest.close()
        found = _problem_of_file(temp)
        if found:
            raise DamagedDatabaseError(_damaged(database, found))
        fsync_file(temp)
    except BaseException as exc:
        remove_with_side_files(temp)
        if isinstance(exc, sqlite3.DatabaseError) and _broken(exc):  # the source's pages
            raise DamagedDatabaseError(_damaged(database, str(exc))) from None
        if isinstance(exc, OSError | sqlite3.DatabaseError):
            why = _why(exc)
            raise StorageError(f"{database}: cannot write a copy in {temp.parent}: {why}") from None
        raise


def _problem_of_file(path: Path) -> str | None:
    try:
        conn = _read_only(path, at_rest=True)
        try:
            return _problem(conn, None)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return f"unreadable ({exc})"


def backup_file(database: Path, temp: Path) -> None:
    """:func:`write_copy` of the database file at ``database`` (it may be open in the app),
    read without changing it."""
    if not database.exists():
        raise DatabaseMissingError(f"database {database}: no such file")
    conn = _read_only(database)
    try:
        write_copy(conn, temp, database)
    finally:
        conn.close()


def publish(temp: Path, names: Iterable[Path]) -> Path:
    """Rename the checked copy ``temp`` to the first of ``names`` that no file has, sync the
    folder and return that name. The caller holds :func:`copy_lock`: no one else names files."""
    for target in names:
        if not target.exists():
            try:
                os.replace(temp, target)
                fsync_dir(target.parent)
            except OSError as exc:
                raise StorageError(f"backup {target}: cannot be written: {_why(exc)}") from None
            return target
    raise StorageError(f"backup {temp}: no free name")  # ``names`` is endless in practice


def copy_damaged(database: Path, temp: Path, target: Path) -> None:
    """Copy the database and its WAL and journal, byte for byte, to ``target`` (and
    ``target-wal``…), each written at ``temp`` first and synced: a damaged database kept aside."""
    remove_with_side_files(temp)
    try:
        for side in ("-wal", "-journal", ""):  # the main file last: it names the set
            source = side_file(database, side)
            if not source.is_file() or (side and not source.stat().st_size):
                continue  # an empty WAL or journal holds nothing
            partial = side_file(temp, side)
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with open(source, "rb") as reader, os.fdopen(fd, "wb") as writer:
                while chunk := reader.read(1 << 20):
                    writer.write(chunk)
                writer.flush()
                os.fsync(writer.fileno())
            os.replace(partial, side_file(target, side))
        fsync_dir(target.parent)
    except OSError as exc:
        remove_with_side_files(temp)
        raise StorageError(f"database {database}: cannot be kept aside: {_why(exc)}") from None


def stage_restore(backup: Path, database: Path) -> Path:
    """Copy ``backup`` beside ``database`` under a temporary name (checked and synced) and
    return that name. Hold the database's lock: a leftover of a killed restore is removed."""
    staged = database.with_name(f".{database.name}.restoring")
    try:
        source = _read_only(backup, at_rest=True)
    except sqlite3.DatabaseError as exc:
        raise StorageError(f"backup {backup}: cannot be read ({exc})") from None
    try:
        write_copy(source, staged, backup)
    finally:
        source.close()
    return staged


def swap_in(staged: Path, database: Path) -> None:
    """Rename the checked copy ``staged`` over ``database`` (held locked, already kept aside).

    The old database's WAL is first folded into it (and a journal left by a killed writer rolled
    back), then its side files are removed: left there, SQLite would read them as part of the
    new file. So at every instant the database is the old one or the new one, whole.
    """
    _fold_side_files(database)
    try:
        for side in SIDE_FILES:
            side_file(database, side).unlink(missing_ok=True)
        fsync_dir(database.parent)  # the side files are gone for good before the new file comes
        os.replace(staged, database)
        fsync_dir(database.parent)
    except OSError as exc:
        raise StorageError(f"database {database}: cannot be replaced: {_why(exc)}") from None


def _fold_side_files(database: Path) -> None:
    """Checkpoint the WAL into the database (a damaged one: as far as SQLite can)."""
    if not database.exists():
        return
    try:
        conn = sqlite3.connect(str(database), timeout=10.0)
    except sqlite3.DatabaseError:
        return
    busy = 0
    try:
        for statement in ("SELECT count(*) FROM sqlite_master", "PRAGMA wal_checkpoint(TRUNCATE)"):
            try:
                rows = conn.execute(statement).fetchall()
            except sqlite3.DatabaseError:
                continue  # damaged: SQLite cannot use its side files either; kept aside
            if statement.startswith("PRAGMA") and rows:
                busy = int(rows[0][0])
    finally:
        conn.close()
    if busy:
        raise StorageError(
            f"database {database}: another program is reading it; close it and try again"
        )


def _broken(exc: sqlite3.DatabaseError) -> bool:
    return str(getattr(exc, "sqlite_errorname", "") or "").startswith(_BROKEN)


def _damaged(database: Path, detail: str) -> str:
    return f"database {database}: cannot be copied whole ({detail}); restore a backup"


def _why(exc: BaseException) -> str:
    return (exc.strerror if isinstance(exc, OSError) else None) or str(exc)

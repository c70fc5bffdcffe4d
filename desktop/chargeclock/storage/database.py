"""The database connection: one SQLite file, WAL, ``synchronous=FULL``, foreign keys on.

:func:`open_database` creates the file owner-only (0600), takes the one-process lock, refuses a
database from a newer ChargeClock and applies pending migrations. Every write goes through
:meth:`Database.transaction` (``BEGIN IMMEDIATE`` … ``COMMIT``): when it returns, the change is on
disk — WAL with ``synchronous=FULL`` syncs the log at each commit — so a timer start or stop
survives kill -9 and power loss the moment the call returns.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from chargeclock.storage.errors import DatabaseMissingError, StorageError
from chargeclock.storage.lock import ProcessLock
from chargeclock.storage.migrations import check_not_too_new, migrate, migration_files

MEMORY = ":memory:"


def create_owner_only(path: Path) -> None:
    """Create an empty file readable by the owner only (its directory too, if new)."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)


def connect(path: Path | str) -> sqlite3.Connection:
    """A connection with our settings; transactions are explicit (``isolation_level=None``)."""
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=10.0)
    conn.execute("PRAGMA foreign_keys = ON")
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(path) != MEMORY and str(mode).lower() != "wal":
        conn.close()
        raise StorageError(f"database {path}: cannot switch to WAL mode (got {mode})")
    conn.execute("PRAGMA synchronous = FULL")
    return conn


class Database:
    """An open ChargeClock database: the connection, the lock and the transaction helper."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None, lock: ProcessLock | None):
        self.conn = conn
        self.path = path
        self._lock = lock
        self._savepoints = 0
        self.closed = False

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All or nothing; committed (and synced) when the outermost block ends.

        A nested block is a savepoint: if it fails, its own changes are undone and the error goes
        on to the enclosing block. A ``COMMIT`` that fails (disk full, a deferred constraint)
        rolls the whole transaction back before the error goes on, so the connection is never
        left inside a transaction that a later write would silently join."""
        if self.conn.in_transaction:
            self._savepoints += 1
            name = f"cc_{self._savepoints}"
            self.conn.execute(f"SAVEPOINT {name}")
            try:
                yield self.conn
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute(f"ROLLBACK TO {name}")
                    self.conn.execute(f"RELEASE {name}")
                raise
            else:
                self.conn.execute(f"RELEASE {name}")
            finally:
                self._savepoints -= 1
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        try:
            self.conn.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        try:
            self.conn.close()
        finally:
            if self._lock is not None:
                self._lock.release()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


#: SQLite's result codes for a file that is fine but cannot be used at the moment
_PASSING = (
    "SQLITE_BUSY",
    "SQLITE_LOCKED",
    "SQLITE_READONLY",
    "SQLITE_FULL",
    "SQLITE_CANTOPEN",
    "SQLITE_IOERR",
    "SQLITE_PERM",
)


def _passing(exc: sqlite3.DatabaseError) -> bool:
    """Locked by another program, read-only, disk full, unreadable: not the file's content."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    return name.startswith(_PASSING)


def _refuse_older(conn: sqlite3.Connection, path: Path, migrations: Path | None) -> None:
    """A reader does not migrate: refuse a schema older (or newer) than this build's."""
    if check_not_too_new(conn, path, migration_files(migrations)):
        raise StorageError(
            f"database {path}: its schema is older than this ChargeClock "
            "(open it in the app once to upgrade it)"
        )


def open_database(
    path: Path | str,
    *,
    create: bool = True,
    lock: bool = True,
    migrations: Path | None = None,
) -> Database:
    """Open (creating if allowed) and migrate the database at ``path`` (``":memory:"`` works).

    ``lock=False`` is for read-only tools (verify-audit, backup) that may run beside the app.
    """
    if str(path) == MEMORY:
        conn = connect(MEMORY)
        migrate(conn, MEMORY, directory=migrations)
        return Database(conn, None, None)
    path = Path(path)
    if not path.exists():
        if not create:
            raise DatabaseMissingError(f"database {path}: no such file")
        create_owner_only(path)
    elif os.name == "posix" and path.stat().st_mode & 0o077:
        path.chmod(0o600)
    process_lock = ProcessLock(path) if lock else None
    if process_lock is not None:
        process_lock.acquire()
    try:
        conn = connect(path)
        try:
            if lock:
                migrate(conn, path, directory=migrations)
            else:
                _refuse_older(conn, path, migrations)
        except BaseException:
            conn.close()
            raise
    except sqlite3.DatabaseError as exc:
        if process_lock is not None:
            process_lock.release()
        if _passing(exc):
            raise StorageError(f"database {path}: cannot be opened now ({exc})") from None
        # Not SQLite, damaged, or another program's SQLite file (its tables clash with ours).
        raise StorageError(
            f"database {path}: cannot be read as a ChargeClock database ({exc}); "
            "open another file or restore a backup"
        ) from None
    except BaseException:
        if process_lock is not None:
            process_lock.release()
        raise
    return Database(conn, path, process_lock)


def open_read_only(path: Path | str, *, migrations: Path | None = None) -> Database:
    """Open the database at ``path`` for reading, changing no file (``verify-audit``).

    With a ``-wal`` file beside it the database may be open in the app, or was left so by a
    crash: it is read through that log. Without one the file is the whole database and is read
    as immutable, so SQLite creates no ``-wal`` or ``-shm`` file beside it."""
    path = Path(path)
    if not path.exists():
        raise DatabaseMissingError(f"database {path}: no such file")
    wal = path.with_name(path.name + "-wal")
    uri = path.resolve().as_uri() + ("?mode=ro" if wal.exists() else "?mode=ro&immutable=1")
    try:
        conn = sqlite3.connect(uri, uri=True)
        try:
            _refuse_older(conn, path, migrations)
        except BaseException:
            conn.close()
            raise
    except sqlite3.DatabaseError as exc:
        raise StorageError(
            f"database {path}: cannot be read as a ChargeClock database ({exc})"
        ) from None
    return Database(conn, path, None)

"""The database connection: one SQLite file, WAL, ``synchronous=FULL``, foreign keys on.

:func:`open_database` creates the file owner-only (0600), takes the one-process lock, refuses a
database from a newer ChargeClock and applies pending migrations. :func:`open_existing` opens a
database that must already be ChargeClock's, for reading (``mode=ro``: the file is never changed)
or for writing. Both look at the path first (:mod:`~chargeclock.storage.database_file`) and
refuse, touching nothing, a folder, a file that is not SQLite and another program's SQLite
database.

Every write goes through :meth:`Database.transaction` (``BEGIN IMMEDIATE`` … ``COMMIT``): when it
returns, the change is on disk — WAL with ``synchronous=FULL`` syncs the log at each commit — so a
timer start or stop survives kill -9 and power loss the moment the call returns. When the disk
refuses the write (full, read-only, failing, busy) the whole change is rolled back and
:class:`WriteFailedError` says so and what to do.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from chargeclock.storage.database_file import (
    MEMORY,
    _cannot_write,
    _unusable,
    check_database_file,
    connect,
    create_owner_only,
    read_only_uri,
    trouble,
)
from chargeclock.storage.errors import (
    StorageError,
    WriteFailedError,
)
from chargeclock.storage.lock import ProcessLock, lock_path
from chargeclock.storage.migrations import (
    check_not_too_new,
    migrate,
    migration_files,
)
from chargeclock.storage.store import Params


class Database:
    """An open ChargeClock database: the connection, the lock and the transaction helper.

    ``read_only``: opened with ``mode=ro`` (no lock; nothing can be written)."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path | None,
        lock: ProcessLock | None,
        *,
        read_only: bool = False,
    ):
        self.conn = conn
        self.path = path
        self.read_only = read_only
        self._lock = lock
        self._savepoints = 0
        self.closed = False
        #: opened read-only as ``immutable`` (no ``-wal`` file was there): SQLite reads the file
        #: alone, without locks
        self.immutable = False

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All or nothing; committed (and synced) when the outermost block ends.

        A nested block is a savepoint: if it fails, its own changes are undone and the error goes
        on to the enclosing block. A write the disk refuses (full, read-only, failing, busy) — in
        the block or at the commit — rolls the whole transaction back and raises
        :class:`WriteFailedError`; a ``COMMIT`` that fails for any reason rolls back too, so the
        connection is never left inside a transaction that a later write would join."""
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
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self._rollback()
                raise
            try:
                self.conn.execute("COMMIT")
            except BaseException:
                # A commit that failed (a full disk while writing the log) leaves the
                # transaction open: without this, the next change would join it.
                self._rollback()
                raise
        except sqlite3.Error as exc:
            found = trouble(exc, self.path or MEMORY)
            if found is None:
                raise
            raise WriteFailedError(self.path or MEMORY, *found) from exc

    def _rollback(self) -> None:
        if self.conn.in_transaction:
            # SQLite may have rolled back already (it does, after some I/O errors).
            with suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")

    # --- the storage seam (:class:`~chargeclock.storage.store.Store`) ----------------------

    dialect = "sqlite"

    def execute(self, sql: str, params: Params = (), /) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Params], /) -> sqlite3.Cursor:
        return self.conn.executemany(sql, rows)

    @property
    def in_transaction(self) -> bool:
        return self.conn.in_transaction

    @property
    def target(self) -> Path | str:
        """What opens this database again (:func:`open_database`)."""
        return self.path or MEMORY

    @property
    def reader_uri(self) -> str | None:
        """What another connection opens to read this database as this one does (read-only;
        ``immutable`` as it is); ``None`` in memory."""
        if self.path is None:
            return None
        return read_only_uri(self.path, immutable=self.immutable)

    @property
    def location(self) -> str:
        """The database as messages name it: its file, or ``:memory:``."""
        return str(self.path or MEMORY)

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


# --- is it a ChargeClock database? ------------------------------------------------------------


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

    ``lock=False`` opens read-only (``mode=ro``, see :func:`open_existing`): for the tools that
    only read (verify-audit, backup, superbill) and may run beside the app.
    """
    if str(path) == MEMORY:
        conn = connect(MEMORY)
        migrate(conn, MEMORY, directory=migrations)
        return Database(conn, None, None)
    return _open(Path(path), create=create, write=lock, migrations=migrations)


def open_existing(path: Path | str, *, write: bool, migrations: Path | None = None) -> Database:
    """Open an existing ChargeClock database — the one way the commands open theirs.

    Refused with a message naming the path, and left exactly as it was (bytes, mode, times, no
    file created beside it): a missing path, a folder, a file that is not SQLite, another
    program's SQLite database. ``write=False``: ``mode=ro``, no lock, the file is never changed;
    a schema older than this build is refused. ``write=True``: the one-process lock, pending
    migrations applied."""
    return _open(Path(path), create=False, write=write, migrations=migrations)


def _open(path: Path, *, create: bool, write: bool, migrations: Path | None) -> Database:
    check_database_file(path, new_ok=create and write)
    if not write:
        return _open_read_only(path, migrations)
    try:
        if not path.exists():
            create_owner_only(path)
        elif os.name == "posix" and path.stat().st_mode & 0o077:
            path.chmod(0o600)  # ours (checked above), or the empty file it now makes its own
    except OSError as exc:
        raise _cannot_write(exc, path, "cannot create or secure the file") from None
    process_lock = ProcessLock(path)
    try:
        process_lock.acquire()
    except OSError as exc:
        raise _cannot_write(exc, path, f"cannot create its lock file {lock_path(path)}") from None
    try:
        conn = connect(path)
        try:
            migrate(conn, path, directory=migrations)
        except BaseException:
            conn.close()
            raise
    except sqlite3.DatabaseError as exc:
        process_lock.release()
        raise _unusable(exc, path) from None
    except BaseException:
        process_lock.release()
        raise
    return Database(conn, path, process_lock)


def open_beside(path: Path | str, *, migrations: Path | None = None) -> Database:
    """Open an existing ChargeClock database to write a few changes beside the window that may
    have it open (``chargeclock timer``): no process lock (the window keeps its own, and a
    window can still start while this runs), no migration (a schema older or newer than this
    build is refused: the window upgrades it). Writers take turns through SQLite's own lock
    (``BEGIN IMMEDIATE``, waiting up to the connection's timeout), so every change is whole."""
    path = Path(path)
    check_database_file(path, new_ok=False)
    return Database(_current_schema(lambda: connect(path), path, migrations), path, None)


def _current_schema(
    make: Callable[[], sqlite3.Connection], path: Path, migrations: Path | None
) -> sqlite3.Connection:
    """A connection from ``make`` to a database whose schema is this build's; otherwise it is
    closed and the database refused, with what to do."""
    try:
        conn = make()
        try:
            _refuse_older(conn, path, migrations)
        except BaseException:
            conn.close()
            raise
    except sqlite3.DatabaseError as exc:
        raise _unusable(exc, path) from None
    return conn


def open_read_only(path: Path | str, *, migrations: Path | None = None) -> Database:
    """Open an existing ChargeClock database for reading, changing no file (``verify-audit``):
    :func:`open_existing` with ``write=False``."""
    return open_existing(path, write=False, migrations=migrations)


def _open_read_only(path: Path, migrations: Path | None) -> Database:
    """``mode=ro``. With a ``-wal`` file beside it the database may be open in the app, or was
    left so by a crash: it is read through that log. Without one the file is the whole database
    and is read as immutable, so SQLite creates no ``-wal`` or ``-shm`` file beside it."""
    immutable = not path.with_name(path.name + "-wal").exists()

    def make() -> sqlite3.Connection:
        conn = sqlite3.connect(
            read_only_uri(path, immutable=immutable), uri=True, isolation_level=None, timeout=10.0
        )
        conn.execute("PRAGMA foreign_keys = ON")
        return conn

    db = Database(_current_schema(make, path, migrations), path, None, read_only=True)
    db.immutable = immutable
    return db

"""The database connection: one SQLite file, WAL, ``synchronous=FULL``, foreign keys on.

:func:`open_database` creates the file owner-only (0600), takes the one-process lock, refuses a
database from a newer ChargeClock and applies pending migrations. :func:`open_existing` opens a
database that must already be ChargeClock's, for reading (``mode=ro``: the file is never changed)
or for writing. Both look at the path first (:func:`check_database_file`) and refuse, touching
nothing, a folder, a file that is not SQLite and another program's SQLite database.

Every write goes through :meth:`Database.transaction` (``BEGIN IMMEDIATE`` … ``COMMIT``): when it
returns, the change is on disk — WAL with ``synchronous=FULL`` syncs the log at each commit — so a
timer start or stop survives kill -9 and power loss the moment the call returns. When the disk
refuses the write (full, read-only, failing, busy) the whole change is rolled back and
:class:`WriteFailedError` says so and what to do.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import stat
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from chargeclock.storage.errors import (
    DatabaseMissingError,
    ForeignDatabaseError,
    NotSqliteError,
    StorageError,
    WriteFailedError,
)
from chargeclock.storage.lock import ProcessLock, lock_path
from chargeclock.storage.migrations import (
    applied_names,
    check_not_too_new,
    migrate,
    migration_files,
)
from chargeclock.storage.store import Params

MEMORY = ":memory:"
#: the first 16 bytes of every SQLite 3 database file
SQLITE_MAGIC = b"SQLite format 3\x00"


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


def read_only_uri(path: Path, *, immutable: bool = False) -> str:
    """The ``file:`` URI that opens ``path`` read-only (``immutable``: without even a lock)."""
    return path.resolve().as_uri() + "?mode=ro" + ("&immutable=1" if immutable else "")


# --- what went wrong with the file, and what to do --------------------------------------------


def trouble(exc: BaseException, path: Path | str) -> tuple[str, str] | None:
    """``(reason, remedy)`` when ``exc`` says the file cannot be used now — disk full, read-only,
    no permission, disk error, busy — rather than that its content is wrong; else ``None``."""
    folder = Path(path).parent
    if isinstance(exc, OSError):
        code = exc.errno
        name = ""
    elif isinstance(exc, sqlite3.Error):
        code = None
        name = getattr(exc, "sqlite_errorname", "") or ""
    else:
        return None
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)) or name.startswith(
        "SQLITE_FULL"
    ):
        return _disk_full(folder)
    if code == errno.EROFS or name.startswith("SQLITE_READONLY"):
        return (
            "the file or its folder is read-only",
            f"make {path} and its folder {folder} writable for you, "
            "or open another database (--db PATH)",
        )
    if code in (errno.EACCES, errno.EPERM) or name.startswith(("SQLITE_PERM", "SQLITE_CANTOPEN")):
        return (
            "it cannot be opened here (no permission, or its folder is missing or read-only)",
            f"check that you may read and write {path} and its folder {folder}",
        )
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return "another program is using it", "close that program, then try again"
    if name.startswith("SQLITE_IOERR") and _no_space_left(folder):
        # SQLite reports some writes a full disk refuses (growing the -shm) as I/O errors.
        return _disk_full(folder)
    if name.startswith("SQLITE_IOERR") or isinstance(exc, OSError):
        what = name or (exc.strerror if isinstance(exc, OSError) else "") or "an error"
        return f"the disk reported a problem ({what})", "check the disk, then try again"
    return None


def _disk_full(folder: Path) -> tuple[str, str]:
    return "the disk is full", f"free space on the disk that holds {folder}, then try again"


def _no_space_left(folder: Path) -> bool:
    try:
        return shutil.disk_usage(folder).free == 0
    except OSError:
        return False


def _unusable(exc: sqlite3.DatabaseError, path: Path, what: str = "database") -> StorageError:
    """The error for a database that could not be opened: now (with what to do), or at all."""
    found = trouble(exc, path)
    if found is not None:
        reason, remedy = found
        return StorageError(f"{what} {path}: cannot be opened now ({exc}): {reason}; {remedy}")
    # Not SQLite, or damaged.
    return StorageError(
        f"{what} {path}: cannot be read as a ChargeClock database ({exc}); "
        "open another file or restore a backup"
    )


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


def _schema_names(path: Path, what: str) -> tuple[list[str], bool]:
    """The names in the file's schema, and whether ChargeClock's migration record is among
    them. Read without writing anything: with no ``-wal`` beside it the file is the whole
    database and is read ``immutable`` (no ``-wal``/``-shm`` is created); otherwise plain
    ``mode=ro``, reading the log another program is writing."""
    immutable = not path.with_name(path.name + "-wal").exists()
    try:
        conn = sqlite3.connect(read_only_uri(path, immutable=immutable), uri=True, timeout=10.0)
        try:
            names = [
                str(r[0])
                for r in conn.execute(
                    "SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
                )
            ]
            ours = "_sqlite_migrations" in names and bool(applied_names(conn))
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise _unusable(exc, path, what) from None
    return names, ours


def check_database_file(path: Path, *, new_ok: bool, what: str = "database") -> bool:
    """Look at ``path`` without changing it: ``False`` when it holds a ChargeClock database;
    ``True`` when it is new — nothing there, an empty file, an SQLite file without a single
    table — and ``new_ok``. Anything else raises, naming the path and what to do: a missing
    path (unless ``new_ok``), a folder, a device, a file that is not SQLite, a damaged file,
    another program's SQLite database (tables of its own, no ChargeClock migration record).
    ``what`` names the file in the messages ("database", "backup")."""
    try:
        info = path.stat()
    except FileNotFoundError:
        if new_ok:
            return True
        raise DatabaseMissingError(
            f"{what} {path}: no such file; give the path of an existing ChargeClock database "
            "(--db PATH or CHARGECLOCK_DB)"
        ) from None
    except OSError as exc:
        raise StorageError(
            f"{what} {path}: cannot be read ({exc.strerror}); check that you may read it"
        ) from None
    if stat.S_ISDIR(info.st_mode):
        raise ForeignDatabaseError(
            f"{what} {path}: is a folder, not a database file; give the path of the "
            "database file itself"
        )
    if not stat.S_ISREG(info.st_mode):
        raise ForeignDatabaseError(
            f"{what} {path}: is not a regular file; give the path of a ChargeClock database"
        )
    if info.st_size == 0:
        if new_ok:
            return True
        raise ForeignDatabaseError(
            f"{what} {path}: the file is empty, no ChargeClock database yet; open it in the "
            "ChargeClock window first, or give the path of an existing database"
        )
    try:
        with path.open("rb") as file:
            head = file.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise StorageError(
            f"{what} {path}: cannot be read ({exc.strerror}); check that you may read it"
        ) from None
    if head != SQLITE_MAGIC:
        raise NotSqliteError(
            f"{what} {path}: cannot be read as a ChargeClock database (it is not an SQLite "
            "database file); open another file or restore a backup"
        )
    names, ours = _schema_names(path, what)
    if ours:
        return False
    if not names:
        if new_ok:
            return True
        raise ForeignDatabaseError(
            f"{what} {path}: an SQLite file without ChargeClock's tables; open it in the "
            "ChargeClock window first, or give the path of an existing database"
        )
    shown = ", ".join(sorted(names)[:3]) + (", …" if len(names) > 3 else "")
    raise ForeignDatabaseError(
        f"{what} {path}: cannot be read as a ChargeClock database: it is another program's "
        f"SQLite database (it holds {shown} and no ChargeClock schema), left as it is; give "
        "the path of a ChargeClock database, or of a new file"
    )


def check_restore_target(path: Path) -> None:
    """The database a restore replaces: missing, empty, damaged or not SQLite any more is what a
    restore is for (it is kept aside); a folder, a device or another program's SQLite database
    is refused, left as it is."""
    try:
        check_database_file(path, new_ok=True)
    except NotSqliteError:
        return
    except ForeignDatabaseError:
        raise
    except StorageError:  # damaged past its header
        return


# --- opening -----------------------------------------------------------------------------------


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


def _cannot_write(exc: OSError, path: Path, what: str) -> StorageError:
    reason, remedy = trouble(exc, path) or ("", "")
    return StorageError(f"database {path}: {what} ({exc.strerror}): {reason}; {remedy}")


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

    return Database(_current_schema(make, path, migrations), path, None, read_only=True)

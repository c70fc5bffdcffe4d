"""The SQLite file before it is opened and what its faults mean: is this path a ChargeClock
database (:func:`check_database_file`: not a folder, SQLite, and ours), may a restore write
here (:func:`check_restore_target`), the connection's settings (:func:`connect`), and an
operating-system or SQLite failure said in words (:func:`trouble`: a full disk, a read-only
folder, a damaged file), each naming the file and what to do.
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import stat
from pathlib import Path

from chargeclock.storage.errors import (
    DatabaseMissingError,
    ForeignDatabaseError,
    NotSqliteError,
    StorageError,
)
from chargeclock.storage.migrations import applied_names

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


def _cannot_write(exc: OSError, path: Path, what: str) -> StorageError:
    reason, remedy = trouble(exc, path) or ("", "")
    return StorageError(f"database {path}: {what} ({exc.strerror}): {reason}; {remedy}")

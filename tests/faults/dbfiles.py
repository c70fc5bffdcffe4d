"""Database files for the backup and restore tests: real ChargeClock databases, their content,
and the ways a file gets damaged."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from chargeclock.clock import FakeClock
from chargeclock.services.session import Services
from chargeclock.storage.errors import StorageError

MOMENT = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


def make_clinic(path: Path, patients: int = 1, padding: int = 0) -> None:
    """A closed ChargeClock database with ``patients`` patients; ``padding`` bytes in an extra
    table make the file big enough for a copy to take a while."""
    services = Services.open(path, FakeClock(MOMENT), zone=UTC)
    try:
        add_patients(services, patients)
        if padding:
            with services.db.transaction() as conn:
                conn.execute("CREATE TABLE padding (blob BLOB) STRICT")
                chunk = 64 * 1024
                for n in range(padding // chunk):
                    conn.execute(
                        "INSERT INTO padding VALUES (?)",
                        (hashlib.sha512(b"%d" % n).digest() * (chunk // 64),),
                    )
    finally:
        services.close()


def add_patients(services: Services, count: int, first: int = 0) -> None:
    for n in range(first, first + count):
        services.records.add_patient(f"Last{n}", f"First{n}", date(1950, 1, 1))


def content(path: Path) -> str:
    """A digest of every row of every table (WAL included), read without changing the files."""
    conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        digest = hashlib.sha256()
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        for table in tables:
            for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY rowid'):
                digest.update(repr((table, row)).encode())
        return digest.hexdigest()
    finally:
        conn.close()


def patient_count(path: Path) -> int:
    conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        return int(conn.execute("SELECT count(*) FROM patients").fetchone()[0])
    finally:
        conn.close()


def is_sound_chargeclock_file(path: Path) -> bool:
    """Passes ``PRAGMA integrity_check`` and opens as a ChargeClock database."""
    from chargeclock.storage.backup import check_backup
    from chargeclock.storage.database import open_database

    try:
        check_backup(path)
        with tempfile.TemporaryDirectory() as scratch:  # opening sets WAL mode: not on `path`
            copy = Path(scratch) / path.name
            copy_files(path, copy)
            open_database(copy, create=False, lock=False).close()
    except StorageError:
        return False
    return True


def damage(path: Path) -> None:
    """Scribble over the b-tree pages after the first: the file still opens as SQLite, its
    ``integrity_check`` fails."""
    data = bytearray(path.read_bytes())
    page = 4096
    for start in range(page, len(data), page):
        if data[start] in (0x02, 0x05, 0x0A, 0x0D):  # an index or table page
            data[start + 8 : start + page - 8] = b"\xa5" * (page - 16)
    path.write_bytes(bytes(data))


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2 + 100])


def foreign_sqlite(path: Path) -> None:
    """Another program's SQLite file, with a table of the same name as ours."""
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE visits (id INTEGER PRIMARY KEY, note TEXT)")
    conn.execute("INSERT INTO visits (note) VALUES ('not ours')")
    conn.commit()
    conn.close()


def committed_wal(path: Path, rows: int) -> tuple[bytes, bytes]:
    """The (main, WAL) bytes of ``path`` with ``rows`` more patients committed in its WAL and
    not yet checkpointed: what a writer killed after its commits leaves."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA wal_autocheckpoint = 0")
        for n in range(rows):
            conn.execute(
                "INSERT INTO patients (last_name, first_name, date_of_birth) "
                "VALUES (?, 'Wal', '1960-01-01')",
                (f"Wal{n}",),
            )
        main = path.read_bytes()
        wal = path.with_name(path.name + "-wal").read_bytes()
    finally:
        conn.close()
    return main, wal


def place(
    path: Path, main: bytes | None, wal: bytes | None = None, shm: bytes | None = None
) -> None:
    """Write a database's files as given (``None``: the file is absent)."""
    for suffix, data in (("", main), ("-wal", wal), ("-shm", shm)):
        target = path.with_name(path.name + suffix)
        target.unlink(missing_ok=True)
        if data is not None:
            target.write_bytes(data)


def copy_files(source: Path, target: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        origin = source.with_name(source.name + suffix)
        if origin.exists():
            shutil.copyfile(origin, target.with_name(target.name + suffix))


#: the ways a database or backup file is found broken
BREAKS: dict[str, Callable[[Path], object]] = {
    "damaged": damage,
    "truncated": truncate,
    "zero-byte": lambda p: p.write_bytes(b""),
    "missing": lambda p: p.unlink(),
    "foreign": lambda p: (p.unlink(), foreign_sqlite(p)),
    "junk": lambda p: p.write_bytes(b"not a database at all" * 100),
}

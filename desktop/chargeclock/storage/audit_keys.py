"""The audit log's HMAC keys: files kept outside the database, one per key.

A database's entries from ``keyed_from`` on are signed with the key named in its ``audit_keys``
table; the key itself is only in ``<keys folder>/<key_id>.key`` (owner-only, see
:func:`chargeclock.paths.audit_keys_dir`), so someone who rewrites the database and recomputes
its hashes cannot sign the result. The first change to a database makes its first key. If that
key file is gone later (a new computer, a deleted file), the next change starts a new key from
that entry on rather than refuse the change: ``verify-audit`` then says which entries it cannot
check without the missing file.
"""

from __future__ import annotations

import os
from pathlib import Path

from msgspec import Struct

from chargeclock.storage.errors import StorageError
from chargeclock.storage.store import Store

SUFFIX = ".key"
_FIELDS = ("key-id", "database", "keyed-from", "key")


class AuditKeyError(StorageError):
    """A key file that is missing, unreadable or not a ChargeClock audit key."""


class Epoch(Struct, frozen=True):
    """One row of ``audit_keys``: entries from ``keyed_from`` on are signed with ``key_id``."""

    keyed_from: int
    key_id: str
    database_id: str


class KeyFile(Struct, frozen=True):
    """A key file's contents."""

    path: Path
    key_id: str
    database_id: str
    keyed_from: int
    key: bytes


# Key files never change once written: a process reads each at most once.
_KEYS: dict[str, bytes] = {}


def keys_dir() -> Path:
    from chargeclock.paths import audit_keys_dir

    return audit_keys_dir()


def key_path(key_id: str, folder: Path | None = None) -> Path:
    return (folder or keys_dir()) / f"{key_id}{SUFFIX}"


def epochs(conn: Store) -> list[Epoch]:
    """The database's keys in entry order (empty: nothing was signed yet)."""
    rows = conn.execute(
        "SELECT keyed_from, key_id, database_id FROM audit_keys ORDER BY keyed_from"
    ).fetchall()
    return [Epoch(*r) for r in rows]


def database_id(conn: Store) -> str | None:
    """The random id the database got with its first key (anchors name it)."""
    row = conn.execute("SELECT database_id FROM audit_keys ORDER BY keyed_from LIMIT 1").fetchone()
    return str(row[0]) if row else None


def read_key_file(path: Path) -> KeyFile:
    """Read and check a key file; :class:`AuditKeyError` says what is wrong with it."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AuditKeyError(f"the audit key file {path} is missing") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AuditKeyError(f"the audit key file {path} cannot be read ({exc})") from None
    fields: dict[str, str] = {}
    for line in text.splitlines():
        name, sep, value = line.partition(":")
        if sep and not line.startswith("#"):
            fields[name.strip()] = value.strip()
    try:
        key = bytes.fromhex(fields["key"])
        keyed_from = int(fields["keyed-from"])
        key_id, db_id = fields["key-id"], fields["database"]
    except (KeyError, ValueError):
        raise AuditKeyError(
            f"the audit key file {path} is damaged or not a ChargeClock audit key"
        ) from None
    if len(key) != 32 or len(key_id) != 32 or len(db_id) != 32:
        raise AuditKeyError(f"the audit key file {path} is damaged or not a ChargeClock audit key")
    return KeyFile(path, key_id, db_id, keyed_from, key)


def write_key_file(path: Path, epoch: Epoch, key: bytes) -> None:
    text = (
        "# ChargeClock audit key: it signs one database's audit log from entry "
        f"{epoch.keyed_from} on.\n"
        "# Keep it private, keep a copy, and keep it apart from the database and its backups:\n"
        "# without it `chargeclock verify-audit` cannot check those entries.\n"
        f"key-id: {epoch.key_id}\n"
        f"database: {epoch.database_id}\n"
        f"keyed-from: {epoch.keyed_from}\n"
        f"key: {key.hex()}\n"
    )
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, text.encode("ascii"))
            os.fsync(fd)  # a key lost in a power cut would leave its entries uncheckable
        finally:
            os.close(fd)
    except OSError as exc:
        raise AuditKeyError(
            f"cannot create the audit key file {path} ({exc.strerror or exc}): make its folder "
            "writable, or name another folder with CHARGECLOCK_AUDIT_KEYS"
        ) from None


def _new_epoch(conn: Store, db_id: str | None) -> tuple[Epoch, bytes]:
    """A new key for the entries from the next one on: its file first, then its row (a file
    left by a rolled-back change names no entry and does no harm)."""
    next_id = int(conn.execute("SELECT coalesce(max(id), 0) + 1 FROM audit_log").fetchone()[0])
    epoch = Epoch(next_id, os.urandom(16).hex(), db_id or os.urandom(16).hex())
    key = os.urandom(32)
    write_key_file(key_path(epoch.key_id), epoch, key)
    conn.execute(
        "INSERT INTO audit_keys (keyed_from, key_id, database_id) VALUES (?, ?, ?)",
        (epoch.keyed_from, epoch.key_id, epoch.database_id),
    )
    _KEYS[epoch.key_id] = key
    return epoch, key


def signing_key(conn: Store) -> tuple[Epoch, bytes, bool]:
    """The key that signs the next entry, and whether it is the database's first (so its rows
    are still to be sealed). Call inside the transaction that appends the entry."""
    row = conn.execute(
        "SELECT keyed_from, key_id, database_id FROM audit_keys ORDER BY keyed_from DESC LIMIT 1"
    ).fetchone()
    if row is None:
        epoch, key = _new_epoch(conn, None)
        return epoch, key, True
    epoch = Epoch(*row)
    cached = _KEYS.get(epoch.key_id)
    if cached is not None:
        return epoch, cached, False
    try:
        found = read_key_file(key_path(epoch.key_id))
    except AuditKeyError:
        found = None
    if found is None or found.key_id != epoch.key_id or found.keyed_from != epoch.keyed_from:
        epoch, key = _new_epoch(conn, epoch.database_id)
        return epoch, key, False
    _KEYS[epoch.key_id] = found.key
    return epoch, found.key, False


def find_keys(
    wanted: list[Epoch], given: list[Path], folder: Path | None = None
) -> dict[str, KeyFile | AuditKeyError]:
    """Each epoch's key file: among ``given`` files (``verify-audit --key``) by its key id,
    else in the keys folder; a problem in place of a file that is missing or wrong."""
    from_given: dict[str, KeyFile | AuditKeyError] = {}
    for path in given:
        try:
            found = read_key_file(path)
        except AuditKeyError as exc:
            from_given[str(path)] = exc
            continue
        from_given[found.key_id] = found
    out: dict[str, KeyFile | AuditKeyError] = {}
    for epoch in wanted:
        got = from_given.get(epoch.key_id)
        if got is None:
            try:
                got = read_key_file(key_path(epoch.key_id, folder))
            except AuditKeyError as exc:
                got = exc
        if isinstance(got, KeyFile) and (
            got.database_id != epoch.database_id or got.keyed_from != epoch.keyed_from
        ):
            got = AuditKeyError(
                f"the audit key file {got.path} signs database {got.database_id} from entry "
                f"{got.keyed_from}, but the database's record of it says database "
                f"{epoch.database_id} from entry {epoch.keyed_from}: the record was changed"
            )
        out[epoch.key_id] = got
    return out

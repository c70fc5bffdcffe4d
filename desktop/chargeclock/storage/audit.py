"""The audit log: append-only, chained, keyed, and covering the billing rows.

Each entry's ``hash`` is computed over ``prev_hash`` (the previous entry's hash; 64 zeros for the
first) and the entry's canonical JSON (:func:`entry_text`: id, time, actor, action, entity,
entity id, reason, details and, for keyed entries, ``rows``):

* **keyed** entries (from the database's first key on, see :mod:`~chargeclock.storage.audit_keys`)
  use HMAC-SHA256 with a key kept outside the database, and list in ``rows`` the billing rows the
  change created, changed or deleted, with their content (:mod:`~chargeclock.storage.audit_rows`);
* entries written before the database had a key keep the old rule, plain SHA-256, and no rows.

Triggers refuse UPDATE and DELETE, so changing history means bypassing the database's own rules;
:mod:`~chargeclock.storage.audit_verify` then names the first entry or row that no longer matches.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from json.encoder import encode_basestring
from typing import Any

import msgspec
from msgspec import Struct

from chargeclock.storage import audit_keys, audit_rows
from chargeclock.storage.store import Store
from chargeclock.storage.timefmt import from_db_time, to_db_time

GENESIS = "0" * 64
SEALED = "audit_rows_sealed"  # the entry that covers the rows a database held when first keyed


def canonical_json(value: Any) -> str:
    """One spelling per value: sorted keys, no spaces, UTF-8 kept, Decimals as strings."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def entry_text(
    entry_id: int,
    at: str,
    actor: str,
    action: str,
    entity: str,
    entity_id: int | None,
    reason: str,
    details: str,
    rows: str | None,
) -> str:
    """The entry's canonical JSON, built by hand: exactly what :func:`canonical_json` gives for
    the same fields (a test holds them equal), at a fraction of the cost — ``verify-audit``
    builds one per entry. ``rows`` is ``None`` for an entry of the old, unkeyed rule."""
    text = (
        '{"action":' + encode_basestring(action)
        + ',"actor":' + encode_basestring(actor)
        + ',"at":' + encode_basestring(at)
        + ',"details":' + encode_basestring(details)
        + ',"entity":' + encode_basestring(entity)
        + ',"entity_id":' + ("null" if entity_id is None else str(entity_id))
        + ',"id":' + str(entry_id)
        + ',"reason":' + encode_basestring(reason)
    )  # fmt: skip
    if rows is not None:
        text += ',"rows":' + encode_basestring(rows)
    return text + "}"


def plain_hash(prev_hash: str, text: str) -> str:
    """The old rule: SHA-256 of the previous hash and the entry's text."""
    import hashlib  # OpenSSL loads at the first change, not at start-up

    return hashlib.sha256((prev_hash + text).encode("utf-8")).hexdigest()


def keyed_hash(key: bytes, prev_hash: str, text: str) -> str:
    """The keyed rule: HMAC-SHA256 of the previous hash and the entry's text."""
    import hmac

    return hmac.digest(key, (prev_hash + text).encode("utf-8"), "sha256").hex()


class AuditEntry(Struct, frozen=True):
    """One entry of the audit log, as read back."""

    id: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: int | None
    reason: str
    details: Mapping[str, Any]
    prev_hash: str
    hash: str


def append(
    conn: Store,
    *,
    at: datetime,
    actor: str,
    action: str,
    entity: str,
    entity_id: int | None,
    reason: str,
    details: Mapping[str, Any],
    covers: Iterable[audit_rows.RowRef] = (),
) -> int:
    """Add one keyed entry covering the rows ``covers`` names (as they stand now: call it inside
    the transaction, after the change); return its id."""
    key = _signing_key(conn, at, actor)
    return _insert(conn, key, at, actor, action, entity, entity_id, reason,
                   canonical_json(details), covers, visit_of(details))  # fmt: skip


def visit_of(details: Mapping[str, Any]) -> int | None:
    """The visit an entry's details name (``visit_id``), kept beside the entry for a lookup
    per visit (not hashed: the details that name it are, so ``verify-audit`` holds the column
    to :func:`visit_named`)."""
    value = details.get("visit_id")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class _VisitField(Struct):
    """The one field of an entry's details :func:`visit_named` reads (the rest are skipped)."""

    visit_id: Any = None


_VISIT_FIELD = msgspec.json.Decoder(_VisitField)


def visit_named(details: str) -> int | None:
    """:func:`visit_of` the details as stored (the entry's JSON text): what its ``visit_id``
    column must say. ``verify-audit`` asks it of every entry, so details that cannot name a
    visit (no ``"visit_id"`` in the text: JSON never escapes those letters) are not parsed,
    and the rest are read for that one field alone."""
    if '"visit_id"' not in details:
        return None
    try:
        value = _VISIT_FIELD.decode(details).visit_id
    except msgspec.DecodeError:  # not an object, or JSON only the standard reader takes (NaN)
        try:
            parsed = json.loads(details)
        except ValueError:
            return None
        return visit_of(parsed) if isinstance(parsed, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def is_keyed(conn: Store) -> bool:
    """Whether the database has its audit key (its entries from then on are keyed)."""
    return conn.execute("SELECT 1 FROM audit_keys LIMIT 1").fetchone() is not None


def start_keyed(conn: Store, *, at: datetime, actor: str) -> None:
    """Give the database its first key now, if it has none (call inside a transaction): the
    app does it when it opens a database, so that no timer tap waits for it."""
    if not is_keyed(conn):
        _signing_key(conn, at, actor)


def _signing_key(conn: Store, at: datetime, actor: str) -> bytes:
    """The key for the next entry. With a database's first key comes an entry that seals every
    billing row the database already holds, so rows from before the key are covered too."""
    _, key, first = audit_keys.signing_key(conn)
    if first:
        sealed = audit_rows.all_refs(conn)
        if sealed:
            _insert(conn, key, at, actor, SEALED, "database", None, "", "{}", sealed)
    return key


def _insert(
    conn: Store,
    key: bytes,
    at: datetime,
    actor: str,
    action: str,
    entity: str,
    entity_id: int | None,
    reason: str,
    details: str,
    covers: Iterable[audit_rows.RowRef],
    visit_id: int | None = None,
) -> int:
    last = conn.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    entry_id = (last[0] + 1) if last else 1
    prev = last[1] if last else GENESIS
    at_text = to_db_time(at)
    rows = audit_rows.rows_field(conn, covers)
    text = entry_text(entry_id, at_text, actor, action, entity, entity_id, reason, details, rows)
    conn.execute(
        "INSERT INTO audit_log (id, at, actor, action, entity, entity_id, reason, details, "
        "prev_hash, hash, rows, visit_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (entry_id, at_text, actor, action, entity, entity_id, reason, details, prev,
         keyed_hash(key, prev, text), rows, visit_id),
    )  # fmt: skip
    return entry_id


_COLUMNS = "id, at, actor, action, entity, entity_id, reason, details, prev_hash, hash"


def _entry(row: tuple[Any, ...]) -> AuditEntry:
    return AuditEntry(
        id=row[0],
        at=from_db_time(row[1]),
        actor=row[2],
        action=row[3],
        entity=row[4],
        entity_id=row[5],
        reason=row[6],
        details=json.loads(row[7]),
        prev_hash=row[8],
        hash=row[9],
    )


def entries(
    conn: Store, *, entity: str | None = None, entity_id: int | None = None
) -> list[AuditEntry]:
    """Entries in order, all or those of one entity."""
    if entity is None:
        rows = conn.execute(f"SELECT {_COLUMNS} FROM audit_log ORDER BY id").fetchall()
    else:
        rows = conn.execute(
            f"SELECT {_COLUMNS} FROM audit_log WHERE entity = ? "
            "AND entity_id IS NOT DISTINCT FROM ? ORDER BY id",
            (entity, entity_id),
        ).fetchall()
    return [_entry(r) for r in rows]


def entries_after(conn: Store, after_id: int) -> list[AuditEntry]:
    """The entries newer than ``after_id``, in order."""
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM audit_log WHERE id > ? ORDER BY id", (after_id,)
    ).fetchall()
    return [_entry(r) for r in rows]


def entries_about_visit(conn: Store, visit_id: int) -> list[AuditEntry]:
    """Every entry about a visit, in order: the visit's own, every entry whose details name it
    (its timer segments, its claim's filing), and those of the payments and ledger entries made
    against it (which name their own row). What a reviewer of the visit reads; each part is an
    index lookup."""
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM audit_log WHERE entity = 'visit' AND entity_id = ? "
        f"UNION SELECT {_COLUMNS} FROM audit_log WHERE visit_id = ? "
        f"UNION SELECT {_COLUMNS} FROM audit_log WHERE entity = 'payment' AND entity_id IN "
        "(SELECT id FROM payments WHERE visit_id = ?) "
        f"UNION SELECT {_COLUMNS} FROM audit_log WHERE entity = 'ledger_entry' AND entity_id IN "
        "(SELECT id FROM ledger_entries WHERE visit_id = ?) ORDER BY 1",
        (visit_id, visit_id, visit_id, visit_id),
    ).fetchall()
    return [_entry(r) for r in rows]


def entries_of_visit(conn: Store, visit_id: int) -> list[AuditEntry]:
    """A visit's entries and those of its timer segments (which name the visit), in order:
    two index lookups (the entity's, and the ``visit_id`` each entry keeps from its details)."""
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM audit_log WHERE entity = 'visit' AND entity_id = ? "
        f"UNION ALL SELECT {_COLUMNS} FROM audit_log "
        "WHERE visit_id = ? AND entity = 'timer_segment' ORDER BY 1",
        (visit_id, visit_id),
    ).fetchall()
    return [_entry(r) for r in rows]

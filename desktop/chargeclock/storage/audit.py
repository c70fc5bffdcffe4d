"""The audit log: append-only and hash-chained.

Each entry's ``hash`` is ``sha256(prev_hash + canonical JSON of the entry)``, where the entry is
its id, time, actor, action, entity, entity id, reason and details; ``prev_hash`` is the previous
entry's hash (64 zeros for the first). Triggers refuse UPDATE and DELETE, so changing history
means bypassing the database's own rules — and then :func:`verify_chain` names the first entry
that no longer matches.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from msgspec import Struct

from chargeclock.storage.timefmt import from_db_time, to_db_time

GENESIS = "0" * 64


def canonical_json(value: Any) -> str:
    """One spelling per value: sorted keys, no spaces, UTF-8 kept, Decimals as strings."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def entry_hash(prev_hash: str, entry: Mapping[str, Any]) -> str:
    import hashlib  # OpenSSL loads at the first change, not at start-up

    return hashlib.sha256((prev_hash + canonical_json(entry)).encode("utf-8")).hexdigest()


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


def _hashed_fields(
    entry_id: int,
    at: str,
    actor: str,
    action: str,
    entity: str,
    entity_id: int | None,
    reason: str,
    details: str,
) -> dict[str, Any]:
    return {
        "id": entry_id,
        "at": at,
        "actor": actor,
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "reason": reason,
        "details": details,
    }


def append(
    conn: sqlite3.Connection,
    *,
    at: datetime,
    actor: str,
    action: str,
    entity: str,
    entity_id: int | None,
    reason: str,
    details: Mapping[str, Any],
) -> int:
    """Add one entry (call inside the transaction that makes the change); return its id."""
    last = conn.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    entry_id = (last[0] + 1) if last else 1
    prev = last[1] if last else GENESIS
    at_text = to_db_time(at)
    details_text = canonical_json(details)
    fields = _hashed_fields(
        entry_id, at_text, actor, action, entity, entity_id, reason, details_text
    )
    digest = entry_hash(prev, fields)
    conn.execute(
        "INSERT INTO audit_log (id, at, actor, action, entity, entity_id, reason, details, "
        "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (entry_id, at_text, actor, action, entity, entity_id, reason, details_text, prev, digest),
    )
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
    conn: sqlite3.Connection, *, entity: str | None = None, entity_id: int | None = None
) -> list[AuditEntry]:
    """Entries in order, all or those of one entity."""
    if entity is None:
        rows = conn.execute(f"SELECT {_COLUMNS} FROM audit_log ORDER BY id").fetchall()
    else:
        rows = conn.execute(
            f"SELECT {_COLUMNS} FROM audit_log WHERE entity = ? AND entity_id IS ? ORDER BY id",
            (entity, entity_id),
        ).fetchall()
    return [_entry(r) for r in rows]


def entries_of_visit(conn: sqlite3.Connection, visit_id: int) -> list[AuditEntry]:
    """A visit's entries and those of its timer segments (which name the visit), in order."""
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM audit_log WHERE (entity = 'visit' AND entity_id = ?) OR "
        "(entity = 'timer_segment' AND json_extract(details, '$.visit_id') = ?) ORDER BY id",
        (visit_id, visit_id),
    ).fetchall()
    return [_entry(r) for r in rows]


class ChainCheck(Struct, frozen=True):
    """The result of walking the chain: ``broken_id`` is the first entry that fails, if any."""

    entries: int
    broken_id: int | None
    problem: str

    @property
    def ok(self) -> bool:
        return self.broken_id is None


def verify_chain(conn: sqlite3.Connection) -> ChainCheck:
    """Recompute every hash in order; stop at the first entry that does not match."""
    prev = GENESIS
    expected_id = 1
    count = 0
    cursor = conn.execute(f"SELECT {_COLUMNS} FROM audit_log ORDER BY id")
    for row in cursor:
        count += 1
        entry_id, at, actor, action, entity, entity_id, reason, details, prev_hash, digest = row
        if entry_id != expected_id:
            return ChainCheck(
                count, entry_id, f"entry {expected_id} is missing (next is {entry_id})"
            )
        if prev_hash != prev:
            return ChainCheck(count, entry_id, "its previous-hash does not match the entry before")
        fields = _hashed_fields(entry_id, at, actor, action, entity, entity_id, reason, details)
        if entry_hash(prev, fields) != digest:
            return ChainCheck(count, entry_id, "its contents do not match its hash")
        prev = digest
        expected_id += 1
    return ChainCheck(count, None, "")

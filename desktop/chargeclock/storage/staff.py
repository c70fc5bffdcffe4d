"""The clinic's providers (PT, PTA) and the users who sign in, with who supervises whom."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from chargeclock.storage.records import (
    ProviderRow,
    UserRow,
)
from chargeclock.storage.store import Store, insert_id

_PROVIDER = "id, name, credentials, role, npi, licence, supervising_provider_id, active"


def _provider(row: Sequence[Any]) -> ProviderRow:
    return ProviderRow(row[0], row[1], row[2], row[3], row[4], row[5], row[6], bool(row[7]))


def insert_provider(
    conn: Store,
    *,
    name: str,
    credentials: str,
    role: str,
    npi: str | None,
    licence: str,
    supervising_provider_id: int | None,
) -> int:
    return insert_id(
        conn,
        "INSERT INTO providers (name, credentials, role, npi, licence, "
        "supervising_provider_id) VALUES (?, ?, ?, ?, ?, ?)",
        (name, credentials, role, npi, licence, supervising_provider_id),
    )


def get_provider(conn: Store, provider_id: int) -> ProviderRow | None:
    row = conn.execute(f"SELECT {_PROVIDER} FROM providers WHERE id = ?", (provider_id,)).fetchone()
    return _provider(row) if row else None


def list_providers(conn: Store) -> list[ProviderRow]:
    rows = conn.execute(f"SELECT {_PROVIDER} FROM providers ORDER BY id").fetchall()
    return [_provider(r) for r in rows]


def update_provider(
    conn: Store,
    provider_id: int,
    *,
    name: str,
    credentials: str,
    role: str,
    npi: str | None,
    licence: str,
    supervising_provider_id: int | None,
    active: bool,
) -> None:
    conn.execute(
        "UPDATE providers SET name = ?, credentials = ?, role = ?, npi = ?, licence = ?, "
        "supervising_provider_id = ?, active = ? WHERE id = ?",
        (name, credentials, role, npi, licence, supervising_provider_id, int(active), provider_id),
    )


def supervised_by(conn: Store, provider_id: int) -> list[int]:
    """Ids of the providers whose supervising PT is ``provider_id``."""
    rows = conn.execute(
        "SELECT id FROM providers WHERE supervising_provider_id = ? ORDER BY id", (provider_id,)
    ).fetchall()
    return [int(r[0]) for r in rows]


def insert_user(
    conn: Store, *, name: str, role: str, provider_id: int | None, pin_hash: str
) -> int:
    return insert_id(
        conn,
        "INSERT INTO users (name, role, provider_id, pin_hash) VALUES (?, ?, ?, ?)",
        (name, role, provider_id, pin_hash),
    )


def get_user(conn: Store, user_id: int) -> UserRow | None:
    row = conn.execute(
        "SELECT id, name, role, provider_id, pin_hash, active FROM users WHERE id = ?", (user_id,)
    ).fetchone()
    return UserRow(row[0], row[1], row[2], row[3], row[4], bool(row[5])) if row else None


def list_users(conn: Store) -> list[UserRow]:
    rows = conn.execute(
        "SELECT id, name, role, provider_id, pin_hash, active FROM users ORDER BY id"
    ).fetchall()
    return [UserRow(r[0], r[1], r[2], r[3], r[4], bool(r[5])) for r in rows]


def update_user(
    conn: Store,
    user_id: int,
    *,
    name: str,
    role: str,
    provider_id: int | None,
    pin_hash: str | None,
    active: bool,
) -> None:
    """``pin_hash`` None keeps the user's PIN."""
    conn.execute(
        "UPDATE users SET name = ?, role = ?, provider_id = ?, "
        "pin_hash = coalesce(?, pin_hash), active = ? WHERE id = ?",
        (name, role, provider_id, pin_hash, int(active), user_id),
    )

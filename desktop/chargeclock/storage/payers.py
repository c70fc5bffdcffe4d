"""Payers and referring providers."""

from __future__ import annotations

from chargeclock.domain.payer_kinds import PayerModifiers
from chargeclock.storage.records import (
    PayerRow,
    ReferringProviderRow,
)
from chargeclock.storage.store import Store, insert_id


def insert_payer(
    conn: Store,
    *,
    name: str,
    unit_method: str,
    assistant_modifiers: bool,
    kx: bool,
    medicare: bool,
    extra: PayerModifiers | None = None,
) -> int:
    """``extra`` left out: a Medicare payer is Part B, any other commercial."""
    extra = extra or PayerModifiers("medicare_b" if medicare else "commercial")
    return insert_id(
        conn,
        "INSERT INTO payers (name, unit_method, assistant_modifiers, kx, medicare, kind, "
        "therapy_modifiers, habilitative_modifiers, telehealth_modifier) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (name, unit_method, int(assistant_modifiers), int(kx), int(medicare), *extra.values()),
    )


def get_payer(conn: Store, payer_id: int) -> PayerRow | None:
    row = conn.execute(
        "SELECT id, name, unit_method, assistant_modifiers, kx, medicare, kind, "
        "therapy_modifiers, habilitative_modifiers, telehealth_modifier FROM payers WHERE id = ?",
        (payer_id,),
    ).fetchone()
    if row is None:
        return None
    return PayerRow(
        row[0],
        row[1],
        row[2],
        bool(row[3]),
        bool(row[4]),
        bool(row[5]),
        row[6],
        bool(row[7]),
        bool(row[8]),
        row[9],
    )


def list_payers(conn: Store) -> list[PayerRow]:
    rows = conn.execute("SELECT id FROM payers ORDER BY id").fetchall()
    return [p for (pid,) in rows if (p := get_payer(conn, pid)) is not None]


def update_payer(
    conn: Store,
    payer_id: int,
    *,
    name: str,
    unit_method: str,
    assistant_modifiers: bool,
    kx: bool,
    medicare: bool,
    extra: PayerModifiers | None = None,
) -> None:
    """``extra`` left out: the kind and modifiers stay as they are."""
    conn.execute(
        "UPDATE payers SET name = ?, unit_method = ?, assistant_modifiers = ?, kx = ?, "
        "medicare = ? WHERE id = ?",
        (name, unit_method, int(assistant_modifiers), int(kx), int(medicare), payer_id),
    )
    if extra is not None:
        conn.execute(
            "UPDATE payers SET kind = ?, therapy_modifiers = ?, habilitative_modifiers = ?, "
            "telehealth_modifier = ? WHERE id = ?",
            (*extra.values(), payer_id),
        )


def payer_named(conn: Store, name: str) -> int | None:
    """The id of the payer with this name (any case), if one exists."""
    row = conn.execute(
        "SELECT id FROM payers WHERE lower(name) = lower(?)", (name.strip(),)
    ).fetchone()
    return int(row[0]) if row else None


def insert_referring_provider(conn: Store, name: str, npi: str | None) -> int:
    return insert_id(conn, "INSERT INTO referring_providers (name, npi) VALUES (?, ?)", (name, npi))


def get_referring_provider(conn: Store, ref_id: int) -> ReferringProviderRow | None:
    row = conn.execute(
        "SELECT id, name, npi FROM referring_providers WHERE id = ?", (ref_id,)
    ).fetchone()
    return ReferringProviderRow(*row) if row else None


def list_referring_providers(conn: Store) -> list[ReferringProviderRow]:
    rows = conn.execute("SELECT id, name, npi FROM referring_providers ORDER BY name, id")
    return [ReferringProviderRow(*r) for r in rows.fetchall()]


def find_referring_provider(conn: Store, name: str, npi: str | None) -> int | None:
    row = conn.execute(
        "SELECT id FROM referring_providers WHERE name = ? AND npi IS NOT DISTINCT FROM ? "
        "ORDER BY id LIMIT 1",
        (name, npi),
    ).fetchone()
    return int(row[0]) if row else None

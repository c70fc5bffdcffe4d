"""The practice's own details, its favourite codes and its key/value settings."""

from __future__ import annotations

from collections.abc import Sequence

from chargeclock.storage.records import (
    PracticeRow,
)
from chargeclock.storage.store import Store


def save_practice(conn: Store, practice: PracticeRow) -> None:
    conn.execute(
        "INSERT INTO practice (id, name, address, phone, npi, tax_id) VALUES (1, ?, ?, ?, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET name = excluded.name, address = excluded.address, "
        "phone = excluded.phone, npi = excluded.npi, tax_id = excluded.tax_id",
        (practice.name, practice.address, practice.phone, practice.npi, practice.tax_id),
    )


def get_practice(conn: Store) -> PracticeRow | None:
    row = conn.execute("SELECT name, address, phone, npi, tax_id FROM practice").fetchone()
    return PracticeRow(*row) if row else None


def favourite_codes(conn: Store) -> list[str]:
    return [r[0] for r in conn.execute("SELECT code FROM favourite_codes ORDER BY position")]


def set_favourite_codes(conn: Store, codes: Sequence[str]) -> None:
    conn.execute("DELETE FROM favourite_codes")
    conn.executemany(
        "INSERT INTO favourite_codes (position, code) VALUES (?, ?)",
        [(n + 1, c) for n, c in enumerate(codes)],
    )


def get_setting(conn: Store, key: str) -> str | None:
    row = conn.execute("SELECT value FROM app_settings WHERE key = ?", (key,)).fetchone()
    return str(row[0]) if row else None


def set_setting(conn: Store, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO app_settings (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )

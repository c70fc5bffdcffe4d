"""The clinic's fee list (its charges) and the allowed amounts it imported, by year."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from chargeclock.storage.store import Store
from chargeclock.storage.timefmt import from_cents, to_cents


def set_charges(conn: Store, charges: Iterable[tuple[str, Decimal]]) -> None:
    conn.executemany(
        "INSERT INTO fee_list (code, charge_cents) VALUES (?, ?) "
        "ON CONFLICT (code) DO UPDATE SET charge_cents = excluded.charge_cents",
        [(code, to_cents(amount)) for code, amount in charges],
    )


def charges(conn: Store) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for code, cents in conn.execute("SELECT code, charge_cents FROM fee_list"):
        value = from_cents(cents)
        assert value is not None
        out[code] = value
    return out


def set_allowed_amounts(
    conn: Store, year: int, amounts: Iterable[tuple[str, Decimal]], source: str
) -> None:
    conn.executemany(
        "INSERT INTO allowed_amounts (year, code, amount_cents, source) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (year, code) DO UPDATE SET amount_cents = excluded.amount_cents, "
        "source = excluded.source",
        [(year, code, to_cents(amount), source) for code, amount in amounts],
    )


def allowed_amounts(conn: Store, year: int) -> dict[str, tuple[Decimal, str]]:
    """``code -> (amount, source)`` for one year; a missing code is unknown."""
    out: dict[str, tuple[Decimal, str]] = {}
    for code, cents, source in conn.execute(
        "SELECT code, amount_cents, source FROM allowed_amounts WHERE year = ?", (year,)
    ):
        value = from_cents(cents)
        assert value is not None
        out[code] = (value, source)
    return out


def delete_charges(conn: Store, codes: Iterable[str]) -> None:
    """Forget the clinic's charge for ``codes`` (the superbill then shows no charge)."""
    conn.executemany("DELETE FROM fee_list WHERE code = ?", [(c,) for c in codes])


def delete_allowed_amounts(conn: Store, year: int, codes: Iterable[str]) -> None:
    """Forget imported or entered allowed amounts (the shipped figure applies again)."""
    conn.executemany(
        "DELETE FROM allowed_amounts WHERE year = ? AND code = ?", [(year, c) for c in codes]
    )

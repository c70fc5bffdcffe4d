"""Rule data a clinic imported: a year's Medicare figures and the CMS fee schedule (migration
0006). Values are kept as the exact decimal text that was imported."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from msgspec import Struct

from chargeclock.domain.wording import day_text
from chargeclock.domain.year_figures import YearFigures
from chargeclock.storage.store import Store
from chargeclock.storage.timefmt import from_cents, from_db_time, to_cents, to_db_time


class ImportedYear(Struct, frozen=True):
    """A year's figures as imported, with the file and the moment."""

    figures: YearFigures
    file_name: str
    imported_at: datetime


class PfsFeeRow(Struct, frozen=True):
    """One code of the imported physician fee schedule for one year and locality."""

    year: int
    code: str
    locality: str
    status: str
    mult_proc: str
    work_rvu: Decimal | None
    pe_rvu: Decimal | None
    mp_rvu: Decimal | None
    work_gpci: Decimal
    pe_gpci: Decimal
    mp_gpci: Decimal
    conversion_factor: Decimal | None
    amount: Decimal | None
    source: str


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def save_years(conn: Store, years: Iterable[YearFigures], file_name: str, at: datetime) -> None:
    """Insert or replace each year's figures (a year imported again replaces the last import)."""
    conn.executemany(
        "INSERT INTO rule_years (year, kx_pt_slp, kx_ot, review_threshold, conversion_factor, "
        "conversion_factor_qp, assistant_modifiers, assistant_payment_percent, mppr_pe_percent, "
        "source, file_name, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (year) DO UPDATE SET kx_pt_slp = excluded.kx_pt_slp, "
        "kx_ot = excluded.kx_ot, review_threshold = excluded.review_threshold, "
        "conversion_factor = excluded.conversion_factor, "
        "conversion_factor_qp = excluded.conversion_factor_qp, "
        "assistant_modifiers = excluded.assistant_modifiers, "
        "assistant_payment_percent = excluded.assistant_payment_percent, "
        "mppr_pe_percent = excluded.mppr_pe_percent, source = excluded.source, "
        "file_name = excluded.file_name, imported_at = excluded.imported_at",
        [
            (
                f.year,
                str(f.kx_pt_slp),
                str(f.kx_ot),
                str(f.review_threshold),
                str(f.conversion_factor),
                _text(f.conversion_factor_qp),
                int(f.assistant_modifiers),
                str(f.assistant_payment_percent),
                str(f.mppr_pe_percent),
                f.source,
                file_name,
                to_db_time(at),
            )
            for f in years
        ],
    )


def imported_years(conn: Store) -> list[ImportedYear]:
    """Every imported year, oldest first."""
    out = []
    for row in conn.execute(
        "SELECT year, kx_pt_slp, kx_ot, review_threshold, conversion_factor, "
        "conversion_factor_qp, assistant_modifiers, assistant_payment_percent, mppr_pe_percent, "
        "source, file_name, imported_at FROM rule_years ORDER BY year"
    ):
        at = from_db_time(row[11])
        figures = YearFigures(
            year=row[0],
            kx_pt_slp=Decimal(row[1]),
            kx_ot=Decimal(row[2]),
            review_threshold=Decimal(row[3]),
            conversion_factor=Decimal(row[4]),
            conversion_factor_qp=Decimal(row[5]) if row[5] is not None else None,
            assistant_modifiers=bool(row[6]),
            assistant_payment_percent=Decimal(row[7]),
            mppr_pe_percent=Decimal(row[8]),
            source=row[9],
            origin=f"imported from {row[10]} on {day_text(at.date())}",
        )
        out.append(ImportedYear(figures, row[10], at))
    return out


def replace_pfs_year(conn: Store, year: int, rows: Iterable[PfsFeeRow], at: datetime) -> None:
    """The year's fee schedule becomes exactly ``rows`` (an import replaces the last one)."""
    conn.execute("DELETE FROM pfs_fees WHERE year = ?", (year,))
    conn.executemany(
        "INSERT INTO pfs_fees (year, code, locality, status, mult_proc, work_rvu, pe_rvu, "
        "mp_rvu, work_gpci, pe_gpci, mp_gpci, conversion_factor, amount_cents, source, "
        "imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                year,
                r.code,
                r.locality,
                r.status,
                r.mult_proc,
                _text(r.work_rvu),
                _text(r.pe_rvu),
                _text(r.mp_rvu),
                str(r.work_gpci),
                str(r.pe_gpci),
                str(r.mp_gpci),
                _text(r.conversion_factor),
                to_cents(r.amount) if r.amount is not None else None,
                r.source,
                to_db_time(at),
            )
            for r in rows
        ],
    )


def pfs_years(conn: Store) -> list[tuple[int, str, int, datetime]]:
    """``(year, locality, codes, imported_at)`` of each imported fee schedule."""
    return [
        (row[0], row[1], row[2], from_db_time(row[3]))
        for row in conn.execute(
            "SELECT year, MIN(locality), COUNT(*), MAX(imported_at) FROM pfs_fees "
            "GROUP BY year ORDER BY year"
        )
    ]


def pfs_fees(conn: Store, year: int) -> list[PfsFeeRow]:
    return [
        PfsFeeRow(
            year=row[0],
            code=row[1],
            locality=row[2],
            status=row[3],
            mult_proc=row[4],
            work_rvu=_decimal(row[5]),
            pe_rvu=_decimal(row[6]),
            mp_rvu=_decimal(row[7]),
            work_gpci=Decimal(row[8]),
            pe_gpci=Decimal(row[9]),
            mp_gpci=Decimal(row[10]),
            conversion_factor=_decimal(row[11]),
            amount=from_cents(row[12]),
            source=row[13],
        )
        for row in conn.execute(
            "SELECT year, code, locality, status, mult_proc, work_rvu, pe_rvu, mp_rvu, "
            "work_gpci, pe_gpci, mp_gpci, conversion_factor, amount_cents, source "
            "FROM pfs_fees WHERE year = ? ORDER BY code",
            (year,),
        )
    ]

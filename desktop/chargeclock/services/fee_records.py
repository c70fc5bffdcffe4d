"""Codes and fees: the favourite codes, the clinic's fee list (charges) and allowed amounts by
year, typed in by hand or imported from CSV. Everything is checked before anything is saved.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path

from msgspec import Struct

from chargeclock.domain.errors import InputError
from chargeclock.services.context import Context
from chargeclock.services.fee_file import read_fee_csv
from chargeclock.services.validation import (
    catalogue_code,
    parse_fee,
    quoted,
)
from chargeclock.storage import amounts, practice


class FeeImport(Struct, frozen=True):
    """What a fee import loaded and what it left unknown."""

    year: int | None  # None for the clinic's charges
    loaded: int
    skipped_blank: int  # rows with no amount: those codes stay unknown
    note: str = ""  # how the file was read, when that was a guess (not UTF-8: Windows-1252)


class FeeRow(Struct, frozen=True):
    """One code of a year's list with the clinic's charge and the allowed amount in force."""

    code: str
    label: str
    timed: bool
    charge: Decimal | None  # the clinic's fee list; None: no charge set
    allowed: Decimal | None  # entered/imported, else shipped; None: unknown
    allowed_source: str


class FeeRecords:
    """Mixed into :class:`~chargeclock.services.records.RecordService`."""

    ctx: Context

    def favourite_codes(self) -> list[str]:
        return practice.favourite_codes(self.ctx.db)

    def set_favourite_codes(self, codes: Sequence[str]) -> list[str]:
        year = self.ctx.today().year
        checked = [
            catalogue_code(self.ctx.book, year, c, f"codes[{i}]").code for i, c in enumerate(codes)
        ]
        with self.ctx.db.transaction():
            practice.set_favourite_codes(self.ctx.db, list(dict.fromkeys(checked)))
        return self.favourite_codes()

    def charges(self) -> dict[str, Decimal]:
        return amounts.charges(self.ctx.db)

    def fee_schedule(self, year: int) -> list[FeeRow]:
        """The year's codes with the clinic's charge and the allowed amount in force."""
        rules = self.ctx.book.year(year)
        charges = amounts.charges(self.ctx.db)
        rows = []
        for code in sorted(rules.codes.values(), key=lambda c: c.code):
            fee = rules.fee(code.code)
            rows.append(
                FeeRow(
                    code.code,
                    code.label,
                    code.timed,
                    charges.get(code.code),
                    fee.amount if fee else None,
                    fee.source if fee else "",
                )
            )
        return rows

    def save_fees(
        self,
        year: int,
        *,
        charges: Mapping[str, Decimal | str | None] | None = None,
        allowed: Mapping[str, Decimal | str | None] | None = None,
        source: str = "entered in settings",
    ) -> int:
        """Set (or, with None or blank, remove) charges and ``year``'s allowed amounts per code;
        every code and amount is checked before anything is saved. Returns how many changed."""
        charges, allowed = charges or {}, allowed or {}

        def checked(
            values: Mapping[str, Decimal | str | None], what: str
        ) -> tuple[list[tuple[str, Decimal]], list[str]]:
            put, drop = [], []
            for raw_code, value in values.items():
                code = catalogue_code(self.ctx.book, year, raw_code, f"{raw_code} {what}").code
                if value is None or (isinstance(value, str) and not value.strip()):
                    drop.append(code)
                else:
                    put.append((code, parse_fee(value, f"{code} {what}")))
            return put, drop

        put_charges, drop_charges = checked(charges, "charge")
        put_allowed, drop_allowed = checked(allowed, "allowed")
        conn = self.ctx.db
        with self.ctx.db.transaction():
            amounts.set_charges(conn, put_charges)
            amounts.delete_charges(conn, drop_charges)
            amounts.set_allowed_amounts(conn, year, put_allowed, source)
            amounts.delete_allowed_amounts(conn, year, drop_allowed)
            self.ctx.audit(
                "fees_saved",
                "fee_list",
                None,
                "",
                year=year,
                charges=dict[str, Decimal | None](put_charges) | dict.fromkeys(drop_charges),
                allowed=dict[str, Decimal | None](put_allowed) | dict.fromkeys(drop_allowed),
            )
        self.ctx.book.invalidate()
        return len(charges) + len(allowed)

    def import_fees(
        self,
        source: Path | str,
        *,
        year: int | None = None,
        charges: bool = False,
        label: str | None = None,
    ) -> FeeImport:
        """Load a CSV with columns ``code`` and ``amount`` (``year`` optional per row, else
        ``year``, else this year). Allowed amounts by default; ``charges=True`` loads the
        clinic's fee list. A row with no amount is skipped: that code stays unknown. All rows
        are checked before any is saved."""
        path = Path(source)
        sheet = read_fee_csv(path)
        default_year = year or self.ctx.today().year
        by_year: dict[int, list[tuple[str, Decimal]]] = {}
        blank = 0
        for row in sheet.rows:
            if not row["amount"].text:
                blank += 1
                continue
            row_year = default_year
            cell = row.get("year")
            if cell is not None and cell.text:
                if not re.fullmatch(r"[0-9]{4}", cell.text):
                    raise InputError(cell.where, f"{quoted(cell.text)} is not a year (YYYY)")
                row_year = int(cell.text)
            code = catalogue_code(self.ctx.book, row_year, row["code"].text, row["code"].where)
            amount = parse_fee(row["amount"].text, row["amount"].where)
            by_year.setdefault(row_year, []).append((code.code, amount))
        label = label or path.name
        loaded = sum(len(v) for v in by_year.values())
        with self.ctx.db.transaction():
            for row_year, rows in by_year.items():
                if charges:
                    amounts.set_charges(self.ctx.db, rows)
                else:
                    amounts.set_allowed_amounts(self.ctx.db, row_year, rows, label)
            self.ctx.audit(
                "fees_imported",
                "fee_list" if charges else "allowed_amounts",
                None,
                "",
                file=path.name,
                years=sorted(by_year),
                loaded=loaded,
            )
        self.ctx.book.invalidate()
        return FeeImport(None if charges else default_year, loaded, blank, sheet.note)


def fee_records(ctx: Context) -> FeeRecords:
    """The fee list's service on ``ctx`` alone (finalize saves a charge entered there)."""
    records = FeeRecords()
    records.ctx = ctx
    return records

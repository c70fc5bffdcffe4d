"""A clinic's own rule data: a year's Medicare figures (``import-rules``) and the CMS physician
fee schedule for its MAC locality (``import-pfs``), and what is loaded for each year.

Each import is checked whole before anything is saved, saved in one transaction with its audit
entry, and then laid over the shipped data by :class:`~chargeclock.services.context.ClinicRuleBook`.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

from msgspec import Struct

from chargeclock.domain.errors import InputError
from chargeclock.domain.warnings import provisional_message
from chargeclock.domain.wording import day_text
from chargeclock.domain.year_figures import COLUMNS, YearFigures, parse_year_row
from chargeclock.services.context import Context
from chargeclock.services.text_files import decode, read_bytes
from chargeclock.storage import practice, rule_data

LOCALITY_KEY = "mac_locality"
MAX_FILE_BYTES = 64 * 1024 * 1024  # a PPRRVU file is ~3 MB; anything far larger is not one


class RuleImport(Struct, frozen=True):
    """What an ``import-rules`` loaded."""

    file_name: str
    years: tuple[int, ...]


class PfsImport(Struct, frozen=True):
    """What an ``import-pfs`` loaded."""

    year: int
    locality: str
    locality_name: str
    codes: int
    missing: tuple[str, ...]  # codes of the code list the RVU file does not have
    conversion_factor: str


class LoadedYear(Struct, frozen=True):
    """One year as Settings lists it: where its figures and its fee schedule come from."""

    year: int
    figures: str  # "shipped", "imported from FILE on DATE", or "provisional: YYYY's"
    fee_schedule: str  # "shipped", "CMS PFS, locality L (N codes, imported DATE)", "none", …
    kx_pt_slp: str
    conversion_factor: str


class RuleImports:
    """Import and list the clinic's rule data."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    # --- a year's figures ----------------------------------------------------------------------

    def parse_rules_file(self, source: Path | str) -> list[YearFigures]:
        """Every row of a ``years.csv``-shaped file, checked; one error names the row and
        column of the first problem."""
        path = Path(source)
        text, _ = decode(read_bytes(path, "FILE", MAX_FILE_BYTES, "rule-data CSV"), path.name)
        reader = csv.DictReader(io.StringIO(text))
        header = [h.strip().lower() for h in reader.fieldnames or []]
        missing = [c for c in COLUMNS if c not in header]
        if missing:
            raise InputError(
                "FILE",
                f"{path.name}: not a rule-data file: missing column(s) {', '.join(missing)} "
                f"(the columns are those of years.csv: {', '.join(COLUMNS)})",
            )
        years: list[YearFigures] = []
        seen: dict[int, int] = {}
        for n, raw in enumerate(reader, start=2):
            row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if k}
            if not any(row.values()):
                continue
            where = f"{path.name} line {n}"
            figures = parse_year_row(row, where, imported=True)
            if figures.year in seen:
                raise InputError(
                    f"{where}, column year", f"{figures.year} is also on line {seen[figures.year]}"
                )
            seen[figures.year] = n
            years.append(figures)
        if not years:
            raise InputError("FILE", f"{path.name}: no year to import (the file has no rows)")
        return years

    def import_rules(self, source: Path | str) -> RuleImport:
        """Load one or more years' figures; all or nothing, audited."""
        path = Path(source)
        years = self.parse_rules_file(path)
        with self.ctx.db.transaction():
            rule_data.save_years(self.ctx.db, years, path.name, self.ctx.now())
            self.ctx.audit(
                "rules_imported",
                "rule_years",
                None,
                "",
                file=path.name,
                years={
                    str(f.year): {
                        "kx_pt_slp": f.kx_pt_slp,
                        "kx_ot": f.kx_ot,
                        "review_threshold": f.review_threshold,
                        "conversion_factor": f.conversion_factor,
                        "assistant_payment_percent": f.assistant_payment_percent,
                        "mppr_pe_percent": f.mppr_pe_percent,
                        "source": f.source,
                    }
                    for f in years
                },
            )
        self.ctx.book.invalidate()
        return RuleImport(path.name, tuple(f.year for f in years))

    # --- the physician fee schedule -----------------------------------------------------------

    def import_pfs(
        self,
        *,
        year: int,
        locality: str | None,
        rvu_file: Path | str,
        gpci_file: Path | str,
    ) -> PfsImport:
        """Load the year's CMS fee schedule for a MAC locality (the typed one, else the saved
        one) for every code of the code list; all or nothing, audited. The locality is saved
        as the clinic's when none was."""
        from chargeclock.domain import pfs  # the CMS file parser: only for this import

        rvu_path, gpci_path = Path(rvu_file), Path(gpci_file)
        first = self.ctx.book.years[0]
        if not first <= year <= 2100:
            raise InputError("--year", f"must be a year from {first}, got {year}")
        typed = (locality or "").strip() or (self.locality() or "")
        if not typed:
            raise InputError("--locality", "give the MAC locality, e.g. 01112-05")
        rvu = pfs.parse_rvu_file(
            read_bytes(rvu_path, "RVU_FILE", MAX_FILE_BYTES, "PPRRVU file"), name=rvu_path.name
        )
        if rvu.year is not None and rvu.year != year:
            raise InputError(
                "--year", f"{rvu_path.name} is the {rvu.year} fee schedule, not {year}'s"
            )
        gpcis = pfs.parse_gpci_file(
            read_bytes(gpci_path, "GPCI_FILE", MAX_FILE_BYTES, "GPCI file"), name=gpci_path.name
        )
        gpci = pfs.find_locality(gpcis, typed, field="--locality")
        key = pfs.gpci_key(gpci.mac, gpci.locality)
        codes = [c.code for c in self.ctx.book.all_codes() if c.valid_in(year)]
        fees = pfs.locality_fees(rvu, gpci, codes)
        if not fees:
            raise InputError("RVU_FILE", f"{rvu_path.name} holds none of the code list's codes")
        source = f"{rvu_path.name} + {gpci_path.name}"
        rows = [
            rule_data.PfsFeeRow(
                year=year,
                code=f.code,
                locality=key,
                status=f.status,
                mult_proc=f.mult_proc,
                work_rvu=f.work_rvu,
                pe_rvu=f.pe_rvu,
                mp_rvu=f.mp_rvu,
                work_gpci=f.work_gpci,
                pe_gpci=f.pe_gpci,
                mp_gpci=f.mp_gpci,
                conversion_factor=f.conversion_factor,
                amount=f.amount,
                source=source + (f" ({f.note})" if f.note else ""),
            )
            for f in fees
        ]
        found = {f.code for f in fees}
        missing = tuple(c for c in codes if c not in found)
        factor = next((f.conversion_factor for f in fees if f.conversion_factor), None)
        with self.ctx.db.transaction():
            rule_data.replace_pfs_year(self.ctx.db, year, rows, self.ctx.now())
            if self.locality() is None:
                practice.set_setting(self.ctx.db, LOCALITY_KEY, key)
            self.ctx.audit(
                "pfs_imported",
                "pfs_fees",
                None,
                "",
                year=year,
                locality=key,
                files=source,
                conversion_factor=factor,
                amounts={f.code: f.amount for f in fees},
            )
        self.ctx.book.invalidate()
        return PfsImport(year, key, gpci.name, len(rows), missing, str(factor or "—"))

    # --- the locality --------------------------------------------------------------------------

    def locality(self) -> str | None:
        """The clinic's MAC locality (``MAC-locality``, e.g. ``01112-05``), if set."""
        return practice.get_setting(self.ctx.db, LOCALITY_KEY)

    def set_locality(self, value: str) -> str:
        text = value.strip()
        if not text:
            raise InputError("locality", "enter the MAC locality, e.g. 01112-05")
        with self.ctx.db.transaction():
            practice.set_setting(self.ctx.db, LOCALITY_KEY, text)
            self.ctx.audit("setting_changed", "settings", None, "", mac_locality=text)
        return text

    # --- what is loaded ------------------------------------------------------------------------

    def banner(self, year: int) -> str | None:
        """What the visit screen says above a visit of ``year`` billed with an earlier year's
        figures or fee schedule; None when the year's own are loaded."""
        rules = self.ctx.book.year(year)
        if rules.provisional:
            return provisional_message(year, rules.figures_year)
        if rules.borrowed_fees and rules.fees_year is not None:
            return (
                f"The {year} Medicare fee schedule is not loaded — allowed amounts are "
                f"{rules.fees_year}'s estimates; import it (chargeclock import-pfs)"
            )
        return None

    def loaded_years(self, through: int | None = None) -> list[LoadedYear]:
        """Every year from the first with figures through ``through`` (default: next year),
        newest first, with where each figure comes from."""
        book = self.ctx.book
        last = through or self.ctx.today().year + 1
        shipped_fees = book.shipped_fee_years()
        pfs = {y: (loc, n, at) for y, loc, n, at in rule_data.pfs_years(self.ctx.db)}
        out = []
        for year in range(last, book.years[0] - 1, -1):
            rules = book.year(year)
            figures = (
                f"provisional: {rules.figures_year}'s (import {year}'s)"
                if rules.provisional
                else rules.figures_origin
            )
            if year in pfs:
                loc, n, at = pfs[year]
                fees = f"CMS PFS, locality {loc} ({n} codes, imported {_day(at)})"
            elif year in shipped_fees:
                fees = f"shipped ({len(rules.fees)} codes)"
            elif rules.fees_year is not None:
                fees = f"provisional: {rules.fees_year}'s"
            else:
                fees = "none (amounts unknown unless entered)"
            factor = rules.conversion_factor
            out.append(
                LoadedYear(
                    year,
                    figures,
                    fees,
                    f"${rules.kx_threshold['pt_slp']:,.2f}",
                    f"${factor}" if factor is not None else "—",
                )
            )
        return out


def _day(at: datetime) -> str:
    """An import's day, as its figures' origin says it (:mod:`chargeclock.storage.rule_data`)."""
    return day_text(at.date())

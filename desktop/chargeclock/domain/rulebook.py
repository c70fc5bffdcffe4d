"""Rule data by year: the code catalogue, thresholds, fees and edit pairs.

The data lives in CSV files under ``resources/rules`` (see its README); this module parses them
into immutable values. It reads files with the standard library only and is told where they are
(``chargeclock.resources`` finds the directory), so the domain imports nothing of ours.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import cached_property
from pathlib import Path

from msgspec import Struct

from chargeclock.domain.errors import RuleDataError


class Discipline(StrEnum):
    PT = "PT"
    OT = "OT"
    SLP = "SLP"

    @property
    def therapy_modifier(self) -> str:
        """GP / GO / GN: the plan-of-care modifier on every therapy line."""
        return {"PT": "GP", "OT": "GO", "SLP": "GN"}[self.value]

    @property
    def assistant_modifier(self) -> str | None:
        """CQ for a PTA, CO for an OTA; SLP has no assistant modifier (rules.md §4)."""
        return {"PT": "CQ", "OT": "CO", "SLP": None}[self.value]

    @property
    def kx_bucket(self) -> str:
        """PT and SLP share one KX amount; OT has its own (rules.md §5)."""
        return "ot" if self is Discipline.OT else "pt_slp"


class Code(Struct, frozen=True):
    """One billable code with our own short label (never the AMA descriptor)."""

    code: str
    timed: bool
    unit_minutes: int  # 15 or 30 for timed codes, 0 for untimed
    label: str
    disciplines: frozenset[Discipline]
    family: str  # "evaluation", "group" or ""
    medicare_status: str  # "" (payable), "B" (bundled) or "I" (invalid for Medicare)
    medicare_replacement: str
    first_year: int
    last_year: int | None

    @property
    def is_evaluation(self) -> bool:
        return self.family == "evaluation"

    def valid_in(self, year: int) -> bool:
        return self.first_year <= year and (self.last_year is None or year <= self.last_year)


class Fee(Struct, frozen=True):
    """A year's Medicare amount for a code: RVU parts when known, else a total amount."""

    code: str
    work_rvu: Decimal | None
    pe_rvu: Decimal | None
    mp_rvu: Decimal | None
    amount: Decimal | None
    source: str

    @property
    def has_rvu_parts(self) -> bool:
        return None not in (self.work_rvu, self.pe_rvu, self.mp_rvu)

    @property
    def total_rvu(self) -> Decimal | None:
        if self.work_rvu is None or self.pe_rvu is None or self.mp_rvu is None:
            return None
        return self.work_rvu + self.pe_rvu + self.mp_rvu

    def at_amount(self, amount: Decimal, conversion_factor: Decimal | None, source: str) -> Fee:
        """This code at another full amount (a clinic's or MAC's locality figure). When the RVU
        parts are known they keep their shares, scaled so one full unit is ``amount``: the
        multiple-procedure reduction still applies to the imported figure."""
        total = self.total_rvu
        if total is None or not total or conversion_factor is None:
            return Fee(self.code, None, None, None, amount, source)
        assert self.work_rvu is not None and self.pe_rvu is not None and self.mp_rvu is not None
        factor = amount / (total * conversion_factor)
        return Fee(
            self.code,
            self.work_rvu * factor,
            self.pe_rvu * factor,
            self.mp_rvu * factor,
            amount,
            source,
        )


class CodePair(Struct, frozen=True):
    """An NCCI procedure-to-procedure pair; the distinct-service modifier goes on column 2."""

    column1: str
    column2: str
    modifier_indicator: str
    source: str


class RuleYear(Struct, frozen=True):
    """Everything the engine needs for one calendar year of dates of service."""

    year: int
    kx_threshold: Mapping[str, Decimal]  # bucket -> amount
    review_threshold: Decimal
    conversion_factor: Decimal | None
    assistant_modifiers_exist: bool
    assistant_payment_rate: Decimal  # 0.85 from 2022
    mppr_pe_rate: Decimal  # the fraction of PE paid on reduced units (0.50)
    codes: Mapping[str, Code]
    fees: Mapping[str, Fee]
    pairs: tuple[CodePair, ...]

    def code(self, code: str) -> Code | None:
        return self.codes.get(code)

    def fee(self, code: str) -> Fee | None:
        return self.fees.get(code)


def _dec(text: str, where: str) -> Decimal | None:
    text = text.strip()
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise RuleDataError(f"{where}: not a number: {text!r}") from None


def _req_dec(text: str, where: str) -> Decimal:
    value = _dec(text, where)
    if value is None:
        raise RuleDataError(f"{where}: required value is empty")
    return value


def _rows(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))
    except OSError as exc:
        raise RuleDataError(f"rule data file {path} cannot be read: {exc.strerror}") from None


def _parse_code(row: Mapping[str, str], where: str) -> Code:
    try:
        disciplines = frozenset(Discipline(d) for d in row["disciplines"].split())
        last = row["last_year"].strip()
        return Code(
            code=row["code"].strip(),
            timed=row["timed"].strip() == "yes",
            unit_minutes=int(row["unit_minutes"]),
            label=row["label"].strip(),
            disciplines=disciplines,
            family=row["family"].strip(),
            medicare_status=row["medicare_status"].strip(),
            medicare_replacement=row["medicare_replacement"].strip(),
            first_year=int(row["first_year"]),
            last_year=int(last) if last else None,
        )
    except (KeyError, ValueError) as exc:
        raise RuleDataError(f"{where}: malformed code row ({exc})") from None


@dataclass
class RuleBook:
    """All years of rule data under one directory; ``year(n)`` gives one year or a clear error."""

    directory: Path
    _years: dict[int, RuleYear] = field(default_factory=dict, repr=False)

    @cached_property
    def _year_rows(self) -> dict[int, dict[str, str]]:
        rows: dict[int, dict[str, str]] = {}
        for row in _rows(self.directory / "years.csv"):
            rows[int(row["year"])] = row
        return rows

    @cached_property
    def _all_codes(self) -> tuple[Code, ...]:
        path = self.directory / "codes.csv"
        return tuple(
            _parse_code(row, f"{path.name} line {n + 2}") for n, row in enumerate(_rows(path))
        )

    @cached_property
    def _all_pairs(self) -> tuple[tuple[CodePair, int, int | None], ...]:
        out = []
        for row in _rows(self.directory / "ncci_pairs.csv"):
            last = row["last_year"].strip()
            pair = CodePair(
                row["column1"].strip(),
                row["column2"].strip(),
                row["modifier_indicator"].strip(),
                row["source"],
            )
            out.append((pair, int(row["first_year"]), int(last) if last else None))
        return tuple(out)

    @property
    def years(self) -> tuple[int, ...]:
        """The calendar years the rule data covers."""
        return tuple(sorted(self._year_rows))

    def all_codes(self) -> Iterable[Code]:
        return self._all_codes

    def year(self, year: int) -> RuleYear:
        """The rule data for ``year``; a year with no data is a :class:`RuleDataError`."""
        cached = self._years.get(year)
        if cached is not None:
            return cached
        row = self._year_rows.get(year)
        if row is None:
            covered = self.years
            span = f"{covered[0]}-{covered[-1]}" if covered else "none"
            raise RuleDataError(f"no rule data for {year}; the rule data covers {span}")
        where = f"years.csv {year}"
        fees = self._load_fees(year)
        codes = {c.code: c for c in self._all_codes if c.valid_in(year)}
        pairs = tuple(
            p
            for p, first, last in self._all_pairs
            if first <= year and (last is None or year <= last)
        )
        rule_year = RuleYear(
            year=year,
            kx_threshold={
                "pt_slp": _req_dec(row["kx_pt_slp"], where),
                "ot": _req_dec(row["kx_ot"], where),
            },
            review_threshold=_req_dec(row["review_threshold"], where),
            conversion_factor=_dec(row["conversion_factor"], where),
            assistant_modifiers_exist=row["assistant_modifiers"].strip() == "yes",
            assistant_payment_rate=_req_dec(row["assistant_payment_percent"], where) / 100,
            mppr_pe_rate=_req_dec(row["mppr_pe_percent"], where) / 100,
            codes=codes,
            fees=fees,
            pairs=pairs,
        )
        self._years[year] = rule_year
        return rule_year

    def _load_fees(self, year: int) -> dict[str, Fee]:
        path = self.directory / "fees" / f"{year}.csv"
        if not path.exists():
            return {}
        fees: dict[str, Fee] = {}
        for n, row in enumerate(_rows(path)):
            where = f"fees/{year}.csv line {n + 2}"
            fee = Fee(
                code=row["code"].strip(),
                work_rvu=_dec(row["work_rvu"], where),
                pe_rvu=_dec(row["pe_rvu"], where),
                mp_rvu=_dec(row["mp_rvu"], where),
                amount=_dec(row["amount"], where),
                source=row["source"],
            )
            if fee.has_rvu_parts or fee.amount is not None:
                fees[fee.code] = fee
        return fees

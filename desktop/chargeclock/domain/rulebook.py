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

from chargeclock.domain.errors import InputError, RuleDataError
from chargeclock.domain.year_figures import YearFigures, parse_year_row

#: Why no visit is SLP (claims.md §7): said by the window, the services and ``calc`` alike. The
#: engine keeps SLP (GN, the PT+SLP KX bucket) for the day SLP is done properly.
SLP_NOT_OFFERED = (
    "SLP is not offered: speech-language pathology visits need the SLP codes (92507 …), 97129 "
    "once a day with 97130 after it, and the rule that an assistant's speech services are not "
    "billed as the pathologist's, which are not in place yet; bill PT or OT"
)


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
    """Everything the engine needs for one calendar year of dates of service.

    ``year`` is the year of the dates of service. Its figures may come from an earlier year when
    the year's own are not loaded yet (``data_year``, ``fees_year``, ``borrowed_fees``): the
    engine then bills with them and says so (``provisional``)."""

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
    data_year: int = 0  # the year whose thresholds, factor and rates these are (0: ``year``)
    figures_origin: str = "shipped"  # "shipped", or "imported from FILE on DATE"
    fees_year: int | None = None  # the year of the fee schedule the amounts come from
    borrowed_fees: frozenset[str] = frozenset()  # codes whose amount is ``fees_year``'s

    def code(self, code: str) -> Code | None:
        return self.codes.get(code)

    def fee(self, code: str) -> Fee | None:
        return self.fees.get(code)

    @property
    def figures_year(self) -> int:
        return self.data_year or self.year

    @property
    def provisional(self) -> bool:
        """True when the year's own Medicare figures are not loaded and an earlier year's are
        used in their place."""
        return self.figures_year != self.year

    def provenance(self) -> list[str]:
        """Which figure came from which year, in plain words (the trace's rule-data lines)."""
        figures = (
            f"KX thresholds, review level, conversion factor, CQ/CO rate and MPPR: "
            f"{self.figures_year} ({self.figures_origin})"
        )
        if self.provisional:
            figures += f"; {self.year} figures are not loaded, so these are provisional"
        lines = [figures]
        if self.borrowed_fees and self.fees_year is not None:
            lines.append(
                f"allowed amounts: the {self.fees_year} fee schedule ({self.year}'s is not "
                "loaded; provisional)"
            )
        return lines


def _dec(text: str, where: str) -> Decimal | None:
    text = text.strip()
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise RuleDataError(f"{where}: not a number: {text!r}") from None


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
    """All years of rule data under one directory; ``year(n)`` gives one year or a clear error.

    A year after the last one with figures is billed with the latest figures, marked provisional
    (Medicare publishes a year's figures in November, often late, and a clinic offline cannot
    wait for a release). A year before the first is an error. Subclasses lay a clinic's own
    imports over the shipped data through :meth:`figures`, :meth:`fee_table` and
    :meth:`fee_overrides`."""

    directory: Path
    _years: dict[int, RuleYear] = field(default_factory=dict, repr=False)

    @cached_property
    def _shipped_figures(self) -> dict[int, YearFigures]:
        figures: dict[int, YearFigures] = {}
        for n, row in enumerate(_rows(self.directory / "years.csv")):
            try:
                parsed = parse_year_row(row, f"years.csv line {n + 2}")
            except InputError as exc:
                raise RuleDataError(str(exc)) from None
            figures[parsed.year] = parsed
        return figures

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

    @cached_property
    def _shipped_fee_years(self) -> frozenset[int]:
        folder = self.directory / "fees"
        if not folder.is_dir():
            return frozenset()
        return frozenset(
            int(p.stem) for p in folder.glob("*.csv") if p.stem.isdigit() and len(p.stem) == 4
        )

    # --- what subclasses lay over the shipped data -----------------------------------------

    def figures(self) -> Mapping[int, YearFigures]:
        """Each year's figures (the shipped ``years.csv``)."""
        return self._shipped_figures

    def fee_years(self) -> frozenset[int]:
        """The years that have a fee schedule of their own."""
        return self._shipped_fee_years

    def shipped_fee_years(self) -> frozenset[int]:
        """The years whose fee schedule ships with the program."""
        return self._shipped_fee_years

    def fee_table(self, year: int) -> dict[str, Fee]:
        """The fee schedule of a year in :meth:`fee_years` (shipped file)."""
        return self._load_fees(year)

    def fee_overrides(
        self, year: int, base: Mapping[str, Fee], figures: YearFigures
    ) -> dict[str, Fee]:
        """Amounts that replace ``base`` entries for ``year`` (none in the shipped data)."""
        return {}

    def forget(self) -> None:
        """Drop the parsed years (after the data under them changed)."""
        self._years.clear()

    # --- the years ---------------------------------------------------------------------------

    @property
    def years(self) -> tuple[int, ...]:
        """The calendar years that have figures of their own."""
        return tuple(sorted(self.figures()))

    @property
    def shipped_years(self) -> tuple[int, ...]:
        return tuple(sorted(self._shipped_figures))

    def all_codes(self) -> Iterable[Code]:
        return self._all_codes

    def year(self, year: int) -> RuleYear:
        """The rule data for ``year``: its own figures, or the latest earlier year's marked
        provisional; a year before the first is a :class:`RuleDataError`."""
        cached = self._years.get(year)
        if cached is not None:
            return cached
        figures_by_year = self.figures()
        covered = sorted(figures_by_year)
        if not covered or year < covered[0]:
            span = str(covered[0]) if covered else "no year (years.csv is empty)"
            raise RuleDataError(f"no rule data for {year}: the rule data starts with {span}")
        figures = figures_by_year[max(y for y in covered if y <= year)]
        fees, fees_year, borrowed = self._fees_for(year, figures)
        codes = {c.code: c for c in self._all_codes if c.valid_in(year)}
        pairs = tuple(
            p
            for p, first, last in self._all_pairs
            if first <= year and (last is None or year <= last)
        )
        rule_year = RuleYear(
            year=year,
            kx_threshold=figures.kx_threshold,
            review_threshold=figures.review_threshold,
            conversion_factor=figures.conversion_factor,
            assistant_modifiers_exist=figures.assistant_modifiers,
            assistant_payment_rate=figures.assistant_payment_percent / 100,
            mppr_pe_rate=figures.mppr_pe_percent / 100,
            codes=codes,
            fees=fees,
            pairs=pairs,
            data_year=figures.year,
            figures_origin=figures.origin,
            fees_year=fees_year,
            borrowed_fees=borrowed,
        )
        self._years[year] = rule_year
        return rule_year

    def _fees_for(
        self, year: int, figures: YearFigures
    ) -> tuple[dict[str, Fee], int | None, frozenset[str]]:
        """The year's fee schedule; after the latest schedule, the latest stands in (its codes
        are ``borrowed``). An earlier year without a schedule of its own stays unknown."""
        have = self.fee_years()
        fees_year: int | None = year if year in have else None
        if fees_year is None and have and year > max(have):
            fees_year = max(have)
        base = self.fee_table(fees_year) if fees_year is not None else {}
        borrowed = set(base) if fees_year is not None and fees_year != year else set()
        overrides = self.fee_overrides(year, base, figures)
        fees = {**base, **overrides}
        borrowed -= set(overrides)
        return fees, fees_year, frozenset(borrowed)

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

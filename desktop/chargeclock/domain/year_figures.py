"""One calendar year's Medicare figures: the columns of ``resources/rules/years.csv``.

The shipped file and a clinic's ``chargeclock import-rules`` file have the same columns and go
through the same parser. The shipped file is trusted as it is (older years have no conversion
factor); an imported row is also held to sane ranges, and its source is required, because it is
what a clinic types or downloads in the year the program does not yet know.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from msgspec import Struct

from chargeclock.domain.errors import InputError

FIRST_YEAR = 2018  # the first year of rule data; CQ/CO, KX and MPPR are all known from here
LAST_YEAR = 2100

COLUMNS = (
    "year",
    "kx_pt_slp",
    "kx_ot",
    "review_threshold",
    "conversion_factor",
    "conversion_factor_qp",
    "assistant_modifiers",
    "assistant_payment_percent",
    "mppr_pe_percent",
    "source",
)

# Sane ranges for an imported year (inclusive). Wide enough for decades of inflation, narrow
# enough to catch a misplaced decimal point or a column typed into its neighbour.
_RANGES: dict[str, tuple[Decimal, Decimal]] = {
    "kx_pt_slp": (Decimal(500), Decimal(20000)),
    "kx_ot": (Decimal(500), Decimal(20000)),
    "review_threshold": (Decimal(1000), Decimal(50000)),
    "conversion_factor": (Decimal(10), Decimal(200)),
    "conversion_factor_qp": (Decimal(10), Decimal(200)),
    "assistant_payment_percent": (Decimal(50), Decimal(100)),
    "mppr_pe_percent": (Decimal(0), Decimal(100)),
}


class YearFigures(Struct, frozen=True):
    """A year's thresholds, conversion factors and rates, with where they came from."""

    year: int
    kx_pt_slp: Decimal
    kx_ot: Decimal
    review_threshold: Decimal
    conversion_factor: Decimal | None
    conversion_factor_qp: Decimal | None
    assistant_modifiers: bool
    assistant_payment_percent: Decimal
    mppr_pe_percent: Decimal
    source: str
    origin: str = "shipped"  # "shipped", or "imported from FILE on DATE"

    @property
    def kx_threshold(self) -> dict[str, Decimal]:
        return {"pt_slp": self.kx_pt_slp, "ot": self.kx_ot}


def _number(row: Mapping[str, str], column: str, where: str, *, checked: bool) -> Decimal | None:
    text = (row.get(column) or "").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise InputError(f"{where}, column {column}", f"not a number: {text[:40]!r}") from None
    if not value.is_finite():
        raise InputError(f"{where}, column {column}", f"not a number: {text[:40]!r}")
    if checked and column in _RANGES:
        low, high = _RANGES[column]
        if not low <= value <= high:
            raise InputError(
                f"{where}, column {column}", f"{text[:40]} is outside the sane range {low}-{high}"
            )
        if value.as_tuple().exponent < -4:  # type: ignore[operator]
            raise InputError(f"{where}, column {column}", f"{text[:40]} has more than 4 decimals")
    return value


def _required(row: Mapping[str, str], column: str, where: str, *, checked: bool) -> Decimal:
    value = _number(row, column, where, checked=checked)
    if value is None:
        raise InputError(f"{where}, column {column}", "is required")
    return value


def parse_year_row(
    row: Mapping[str, str], where: str, *, imported: bool = False, origin: str = "shipped"
) -> YearFigures:
    """One row of ``years.csv`` columns. ``imported`` adds the checks of a clinic's file:
    sane ranges, a conversion factor and a source are required."""
    year_text = (row.get("year") or "").strip()
    if not year_text.isascii() or not year_text.isdigit():
        raise InputError(f"{where}, column year", f"not a year: {year_text[:40]!r}")
    year = int(year_text)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InputError(f"{where}, column year", f"{year} is outside {FIRST_YEAR}-{LAST_YEAR}")
    flag = (row.get("assistant_modifiers") or "").strip().lower()
    if flag not in ("yes", "no"):
        raise InputError(f"{where}, column assistant_modifiers", f"must be yes or no, got {flag!r}")
    source = " ".join((row.get("source") or "").split())
    if imported and not source:
        raise InputError(f"{where}, column source", "is required: say where the figures come from")
    if imported and flag == "yes" and year < 2020:
        raise InputError(
            f"{where}, column assistant_modifiers", "CQ/CO exist only for 2020 and later"
        )
    figures = YearFigures(
        year=year,
        kx_pt_slp=_required(row, "kx_pt_slp", where, checked=imported),
        kx_ot=_required(row, "kx_ot", where, checked=imported),
        review_threshold=_required(row, "review_threshold", where, checked=imported),
        conversion_factor=(
            _required(row, "conversion_factor", where, checked=True)
            if imported
            else _number(row, "conversion_factor", where, checked=False)
        ),
        conversion_factor_qp=_number(row, "conversion_factor_qp", where, checked=imported),
        assistant_modifiers=flag == "yes",
        assistant_payment_percent=_required(
            row, "assistant_payment_percent", where, checked=imported
        ),
        mppr_pe_percent=_required(row, "mppr_pe_percent", where, checked=imported),
        source=source,
        origin=origin,
    )
    return figures

"""The year turns: a date after the last year of rule data is billed with the latest figures,
marked provisional; a date before the first is an error (rules.md: data by year)."""

from __future__ import annotations

import csv
import shutil
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from chargeclock.domain.calculation import calculate
from chargeclock.domain.errors import InputError
from chargeclock.domain.rulebook import RuleBook
from chargeclock.domain.visit_types import ServiceMinutes, VisitInput


def last_year(book: RuleBook) -> int:
    return max(book.years)


def visit_on(day: date, *services: ServiceMinutes) -> VisitInput:
    return VisitInput(day, services=services or (ServiceMinutes("97110", 20),))


def test_every_shipped_year_and_the_next_bill_a_visit_on_4_january(book: RuleBook) -> None:
    for year in [*book.years, last_year(book) + 1, last_year(book) + 5]:
        result = calculate(visit_on(date(year, 1, 4)), book)
        assert result.rule_year == year
        assert result.timed_units == 1
        assert result.kx.threshold > 0


def test_a_year_after_the_data_uses_the_latest_figures_and_says_so(book: RuleBook) -> None:
    latest = last_year(book)
    later = latest + 1
    now = calculate(visit_on(date(latest, 6, 1)), book)
    provisional = calculate(visit_on(date(later, 1, 4)), book)
    assert (provisional.rule_year, provisional.rule_data_year) == (later, latest)
    assert provisional.kx.threshold == now.kx.threshold
    assert [line.allowed for line in provisional.claim_lines] == [
        line.allowed for line in now.claim_lines
    ]
    kinds = {w.kind: w for w in provisional.warnings}
    assert f"{later} Medicare figures are not loaded — using {latest}'s" in (
        kinds["rules_provisional"].message
    )
    assert kinds["fees_provisional"].codes == ("97110",)
    assert not {"rules_provisional", "fees_provisional"} & {w.kind for w in now.warnings}
    assert provisional.provisional and not now.provisional
    assert provisional.borrowed_data_year == latest and now.borrowed_data_year is None


def test_the_trace_says_which_figure_came_from_which_year(book: RuleBook) -> None:
    latest = last_year(book)
    trace = calculate(visit_on(date(latest + 1, 1, 4)), book).trace
    figures, fees = trace[1], trace[2]
    assert figures.startswith("rule data: KX thresholds, review level, conversion factor")
    assert f": {latest} (shipped); {latest + 1} figures are not loaded" in figures
    assert fees == (
        f"rule data: allowed amounts: the {latest} fee schedule ({latest + 1}'s is not loaded; "
        "provisional)"
    )
    own = calculate(visit_on(date(latest, 1, 4)), book).trace
    assert own[1].endswith(f": {latest} (shipped)") and not own[2].startswith("rule data")


def test_a_year_before_the_first_is_still_an_error(book: RuleBook) -> None:
    first = min(book.years)
    with pytest.raises(InputError) as err:
        calculate(visit_on(date(first - 1, 12, 31)), book)
    assert err.value.field == "date_of_service"
    assert f"the rule data starts with {first}" in err.value.problem


def test_a_shipped_year_without_a_fee_schedule_stays_unknown(book: RuleBook) -> None:
    # 2024 has figures but no fee file: its amounts are unknown, never borrowed or zero.
    assert 2024 in book.years and 2024 not in book.fee_years()
    result = calculate(visit_on(date(2024, 5, 6)), book)
    assert [line.allowed for line in result.claim_lines] == [None]
    assert "fee_unknown" in {w.kind for w in result.warnings}
    assert "fees_provisional" not in {w.kind for w in result.warnings}


def _copy_rules(tmp_path: Path, book: RuleBook) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(book.directory, target)
    return target


def test_a_year_added_to_the_data_is_no_longer_provisional(book: RuleBook, tmp_path: Path) -> None:
    rules = _copy_rules(tmp_path, book)
    latest = last_year(book)
    with (rules / "years.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    new = dict(rows[-1], year=str(latest + 1), kx_pt_slp="2600", conversion_factor="34.0000")
    with (rules / "years.csv").open("a", newline="") as handle:
        csv.DictWriter(handle, fieldnames=list(rows[0])).writerow(new)
    result = calculate(visit_on(date(latest + 1, 1, 4)), RuleBook(rules))
    assert result.rule_data_year == latest + 1
    assert result.kx.threshold == Decimal("2600")
    assert "rules_provisional" not in {w.kind for w in result.warnings}
    # The fee schedule is still the latest year's, priced with the new conversion factor.
    fee = book.year(latest).fee("97110")
    assert fee is not None and fee.total_rvu is not None
    expected = (fee.total_rvu * Decimal("34.0000")).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert result.claim_lines[0].allowed == expected
    assert "fees_provisional" in {w.kind for w in result.warnings}

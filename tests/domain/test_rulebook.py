"""The rule data: every year 2018-2026, values as the reference sources give them."""

from __future__ import annotations

import csv
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from chargeclock.domain.errors import RuleDataError
from chargeclock.domain.rulebook import RuleBook

DATA = Path(__file__).resolve().parents[1] / "data"
SHARED = Path(__file__).resolve().parents[3] / "shared"
CENT = Decimal("0.01")


def test_every_year_from_2018_to_2026(book: RuleBook) -> None:
    assert set(range(2018, 2027)) <= set(book.years)


def test_thresholds_match_the_reference(book: RuleBook) -> None:
    with (DATA / "reference" / "kx_thresholds.csv").open() as handle:
        for row in csv.DictReader(handle):
            year = book.year(int(row["year"]))
            assert year.kx_threshold["pt_slp"] == Decimal(row["pt_slp"])
            assert year.kx_threshold["ot"] == Decimal(row["ot"])
            assert year.review_threshold == Decimal(row["targeted_review"])


def test_codes_match_the_reference_list(book: RuleBook) -> None:
    codes = book.year(2026).codes
    with (DATA / "reference" / "pt_codes.csv").open() as handle:
        for row in csv.DictReader(handle):
            assert codes[row["code"]].timed == (row["timed"] == "yes")
            assert codes[row["code"]].label == row["own_short_label"]


def test_known_2026_fees_and_unknown_ones(book: RuleBook) -> None:
    year = book.year(2026)
    with (DATA / "reference" / "fee_schedule_2026.csv").open() as handle:
        for row in csv.DictReader(handle):
            if row["national_nonfac_amount"]:
                fee = year.fee(row["code"])
                assert fee is not None and fee.amount == Decimal(row["national_nonfac_amount"])
    with (book.directory / "fees" / "2026.csv").open() as handle:
        shipped = list(csv.DictReader(handle))
    for row in shipped:
        fee = year.fee(row["code"])
        if not (row["amount"] or row["work_rvu"]):
            assert fee is None, row["code"]  # an empty row is unknown, never 0
            continue
        assert fee is not None and fee.amount is not None, row["code"]
        if fee.total_rvu is not None:  # the shipped amount is its RVU parts x the 2026 CF, half-up
            expected = fee.total_rvu * Decimal("33.4009")
            assert fee.amount == expected.quantize(CENT, ROUND_HALF_UP), row["code"]
    assert {row["code"] for row in shipped} == set(year.codes)  # every code's state is recorded
    assert year.conversion_factor == Decimal("33.4009")
    assert book.year(2025).conversion_factor == Decimal("32.3465")
    assert book.year(2024).fees == {}


def test_every_rule_data_row_names_its_source(book: RuleBook) -> None:
    rules = book.directory
    for path in [
        rules / "years.csv",
        rules / "codes.csv",
        rules / "ncci_pairs.csv",
        *sorted((rules / "fees").glob("*.csv")),
    ]:
        with path.open() as handle:
            for row in csv.DictReader(handle):
                if path.parent.name == "fees" and not (row["amount"] or row["work_rvu"]):
                    continue
                assert row["source"].strip(), f"{path.name}: {row}"


def test_a_year_without_data_is_a_clear_error(book: RuleBook) -> None:
    with pytest.raises(
        RuleDataError, match="no rule data for 2017: the rule data starts with 2018"
    ):
        book.year(2017)


def test_missing_rule_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(RuleDataError, match="cannot be read"):
        RuleBook(tmp_path).year(2026)


@pytest.mark.skipif(not SHARED.is_dir(), reason="the shared spec folder is not beside the project")
def test_project_copies_are_in_step_with_the_shared_folder() -> None:
    golden = json.loads((SHARED / "golden" / "cases.json").read_text())
    assert golden == json.loads((DATA / "golden_cases.json").read_text())
    for source in (SHARED / "reference").glob("*.csv"):
        assert source.read_text() == (DATA / "reference" / source.name).read_text(), source.name

"""import-rules: a year's Medicare figures, checked whole, audited, laid over the shipped data."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from chargeclock.clock import FakeClock
from chargeclock.domain.errors import InputError
from chargeclock.services.session import Services
from tests.services.conftest import Clinic, dump

HEADER = (
    "year,kx_pt_slp,kx_ot,review_threshold,conversion_factor,conversion_factor_qp,"
    "assistant_modifiers,assistant_payment_percent,mppr_pe_percent,source\n"
)


def next_year(services: Services) -> int:
    return max(services.book.shipped_years) + 1


def row(year_: int, **changes: str) -> str:
    values = {
        "year": str(year_),
        "kx_pt_slp": "2550",
        "kx_ot": "2550",
        "review_threshold": "3000",
        "conversion_factor": "33.9000",
        "conversion_factor_qp": "",
        "assistant_modifiers": "yes",
        "assistant_payment_percent": "85",
        "mppr_pe_percent": "50",
        "source": '"CMS CY final rule, as published"',
    } | changes
    return ",".join(values.values()) + "\n"


def write(tmp_path: Path, text: str, name: str = "figures.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_an_imported_year_replaces_the_provisional_figures(clinic: Clinic, tmp_path: Path) -> None:
    services = clinic.services
    year = next_year(services)
    before = services.book.year(year)
    assert before.provisional and services.rules.banner(year) is not None

    result = services.rules.import_rules(write(tmp_path, HEADER + row(year)))

    assert result.years == (year,)
    after = services.book.year(year)
    assert not after.provisional
    assert after.kx_threshold == {"pt_slp": Decimal("2550"), "ot": Decimal("2550")}
    assert after.conversion_factor == Decimal("33.9000")
    assert after.figures_origin == "imported from figures.csv on 03/02/2026"
    # The fee schedule is still the latest one's, so the banner now speaks of the fees alone.
    banner = services.rules.banner(year)
    assert banner is not None and banner.startswith(f"The {year} Medicare fee schedule")
    entry = services.audit_entries("rule_years")[-1]
    assert entry.action == "rules_imported" and entry.details["file"] == "figures.csv"
    assert entry.details["years"][str(year)]["kx_pt_slp"] == "2550"
    assert services.verify_audit().ok


def test_several_years_in_one_file_and_a_reimport_replaces(clinic: Clinic, tmp_path: Path) -> None:
    services = clinic.services
    year = next_year(services)
    services.rules.import_rules(write(tmp_path, HEADER + row(year) + row(year + 1, kx_ot="2700")))
    assert services.book.year(year + 1).kx_threshold["ot"] == Decimal("2700")
    assert services.book.year(year + 2).figures_year == year + 1  # the newest stands in
    services.rules.import_rules(write(tmp_path, HEADER + row(year, kx_pt_slp="2560"), "fix.csv"))
    assert services.book.year(year).kx_threshold["pt_slp"] == Decimal("2560")
    listed = {y.year: y for y in services.rules.loaded_years(through=year + 2)}
    assert listed[year].figures.startswith("imported from fix.csv")
    assert listed[year + 2].figures == f"provisional: {year + 1}'s (import {year + 2}'s)"
    assert listed[2026].figures == "shipped" and listed[2026].fee_schedule.startswith("shipped")
    assert listed[2024].fee_schedule.startswith("none")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (row(2027, kx_pt_slp="25.50"), "line 2, column kx_pt_slp: 25.50 is outside the sane range"),
        (row(2027, kx_ot="abc"), "line 2, column kx_ot: not a number: 'abc'"),
        (row(2027, kx_ot="NaN"), "line 2, column kx_ot: not a number"),
        (row(2027, conversion_factor=""), "line 2, column conversion_factor: is required"),
        (row(2027, conversion_factor="3.39"), "column conversion_factor: 3.39 is outside"),
        (row(2027, source=""), "line 2, column source: is required"),
        (row(2027, assistant_modifiers="maybe"), "column assistant_modifiers: must be yes or no"),
        (row(2027, assistant_payment_percent="185"), "column assistant_payment_percent: 185"),
        (row(2027, year="20x7"), "line 2, column year: not a year: '20x7'"),
        (row(2027, year="1999"), "line 2, column year: 1999 is outside 2018-2100"),
        (row(2027) + row(2027), "line 3, column year: 2027 is also on line 2"),
    ],
)
def test_a_bad_row_is_refused_whole_naming_row_and_column(
    clinic: Clinic, tmp_path: Path, line: str, message: str
) -> None:
    services = clinic.services
    before = dump(services)
    good = row(2028)  # a good row first: nothing of the file may be saved
    path = write(tmp_path, HEADER + line + good)
    with pytest.raises(InputError) as err:
        services.rules.import_rules(path)
    assert message in str(err.value)
    assert str(err.value).startswith("figures.csv line ")
    assert "\n" not in str(err.value) and len(str(err.value)) < 200
    assert dump(services) == before
    assert services.book.year(2028).provisional


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("code,amount\n97110,30\n", "not a rule-data file: missing column(s) year, kx_pt_slp"),
        (HEADER, "no year to import"),
        ("", "not a rule-data file"),
    ],
)
def test_a_file_that_is_not_rule_data_is_refused(
    clinic: Clinic, tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(InputError) as err:
        clinic.services.rules.import_rules(write(tmp_path, text))
    assert err.value.field == "FILE" and message in err.value.problem


def test_a_folder_or_a_missing_file_is_named(clinic: Clinic, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a folder, not a file"):
        clinic.services.rules.import_rules(tmp_path)
    with pytest.raises(InputError, match=r"cannot read .*nothing\.csv"):
        clinic.services.rules.import_rules(tmp_path / "nothing.csv")


def test_windows_and_utf16_files_are_read(clinic: Clinic, tmp_path: Path) -> None:
    text = HEADER + row(2027, source='"CMS – CY2027 final rule"')
    path = tmp_path / "cp1252.csv"
    path.write_bytes(text.encode("cp1252"))
    clinic.services.rules.import_rules(path)
    assert clinic.services.book.year(2027).figures_origin.startswith("imported from cp1252.csv")
    path = tmp_path / "utf16.csv"
    path.write_bytes(text.replace("2027", "2028").encode("utf-16"))
    clinic.services.rules.import_rules(path)
    assert not clinic.services.book.year(2028).provisional


def test_imports_survive_a_reopen(tmp_path: Path) -> None:
    clock = FakeClock(datetime(2027, 1, 4, 15, tzinfo=UTC))
    services = Services.open(tmp_path / "c.db", clock, zone=UTC)
    services.rules.import_rules(write(tmp_path, HEADER + row(2027)))
    services.close()
    again = Services.open(tmp_path / "c.db", clock, zone=UTC)
    try:
        assert again.book.year(2027).kx_threshold["pt_slp"] == Decimal("2550")
        assert again.rules.banner(date(2027, 1, 4).year) is not None  # fees still 2026's
    finally:
        again.close()

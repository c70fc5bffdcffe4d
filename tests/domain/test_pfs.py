"""The CMS fee schedule files (PPRRVU, GPCI) as published, and the locality amounts from them.

Fixtures and their sources: tests/data/pfs/README.md. Every expected amount below is worked out
by hand in the comment above it: (work x GPCIw + PE x GPCIpe + MP x GPCImp) x CF, rounded
half-up to cents.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chargeclock.domain.errors import InputError
from chargeclock.domain.pfs import (
    Gpci,
    find_locality,
    gpci_key,
    locality_fees,
    parse_rvu_file,
)
from tests.domain.pfs_samples import DATA, DATA_ROWS, RVU_LINES, RVU_TEXT, gpcis, replace_cell, rvu

# --- the published files -----------------------------------------------------------------------


def test_the_rvu_file_gives_the_global_row_of_each_code_with_exact_decimals() -> None:
    parsed = rvu()
    assert set(parsed.rows) == {
        "00100",
        "27447",
        "71046",
        "97010",
        "97110",
        "97112",
        "97140",
        "97530",
        "99213",
    }
    row = parsed.rows["97110"]
    assert (row.code, row.status, row.mult_proc) == ("97110", "A", "5")
    assert [str(v) for v in (row.work_rvu, row.pe_rvu, row.mp_rvu)] == ["0.45", "0.41", "0.01"]
    assert str(row.conversion_factor) == "33.4009"
    assert str(parsed.conversion_factor) == "33.4009"
    assert parsed.qualifying_apm is False  # PRIC IND 9: the non-QPP file
    assert parsed.year == 2026
    assert parsed.rows["97010"].status == "B"
    assert parsed.rows["27447"].nonfacility_na is True
    assert parsed.rows["99213"].nonfacility_na is False


def test_modifier_rows_are_ignored_and_never_replace_the_global_row() -> None:
    row = rvu().rows["71046"]
    # global 0.21 / 0.76 / 0.02; the -26 row is 0.21 / 0.08 / 0.01, -TC 0.00 / 0.68 / 0.01
    assert (row.work_rvu, row.pe_rvu, row.mp_rvu) == (
        Decimal("0.21"),
        Decimal("0.76"),
        Decimal("0.02"),
    )
    only_components = "\n".join(line for line in RVU_LINES if not line.startswith("71046,,"))
    assert "71046" not in rvu(only_components).rows


def test_the_gpci_file_keys_localities_by_mac_and_number_and_uses_the_floored_work_gpci() -> None:
    localities = gpcis()
    assert sorted(localities) == ["01182-18", "10112-00", "13202-01"]
    alabama = localities["10112-00"]
    assert (alabama.mac, alabama.state, alabama.locality, alabama.name) == (
        "10112",
        "AL",
        "00",
        "ALABAMA",
    )
    # "2026 PW GPCI (without 1.0 Floor)" 0.958, "(with 1.0 Floor)" 1.000: payment uses 1.000
    assert (str(alabama.work), str(alabama.work_without_floor)) == ("1.000", "0.958")
    assert (str(alabama.pe), str(alabama.mp)) == ("0.875", "0.566")
    assert str(localities["13202-01"].mp) == "1.586"


@pytest.mark.parametrize("typed", ["01182-18", "01182 18", "0118218", "1182-18", " 01182/18 "])
def test_a_locality_is_found_as_the_user_types_it(typed: str) -> None:
    assert find_locality(gpcis(), typed).name.startswith("LOS ANGELES")


def test_the_key_is_built_from_its_two_parts() -> None:
    assert gpci_key("1182", "18") == "01182-18"
    assert gpcis()[gpci_key("13202", "1")].name == "MANHATTAN"


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("01182-19", "01182-19 is not a locality of the GPCI file"),
        ("CA18", 'must be MAC-locality like 01182-18, got "CA18"'),
    ],
)
def test_an_unknown_locality_is_one_clear_error(typed: str, problem: str) -> None:
    with pytest.raises(InputError) as caught:
        find_locality(gpcis(), typed, field="--locality")
    assert str(caught.value) == f"--locality: {problem}"


# --- amounts -----------------------------------------------------------------------------------

# CF 33.4009 (the file's CONV FACTOR) throughout.
BY_HAND = [
    # Los Angeles 01182-18: GPCI work 1.041, PE 1.183, MP 0.664
    # 97110: 0.45x1.041 + 0.41x1.183 + 0.01x0.664 = 0.46845 + 0.48503 + 0.00664 = 0.96012
    #        0.96012 x 33.4009 = 32.0688721... -> 32.07
    ("01182-18", "97110", "32.07"),
    # 97112: 0.52050 + 0.55601 + 0.00664 = 1.08315; x 33.4009 = 36.1781848... -> 36.18
    ("01182-18", "97112", "36.18"),
    # 97140: 0.43x1.041 + 0.39x1.183 + 0.01x0.664 = 0.44763 + 0.46137 + 0.00664 = 0.91564
    #        x 33.4009 = 30.5832000... -> 30.58
    ("01182-18", "97140", "30.58"),
    # 97530: 0.45804 + 0.70980 + 0.00664 = 1.17448; x 33.4009 = 39.2286890... -> 39.23
    ("01182-18", "97530", "39.23"),
    # 99213 (real RVU26A row): 1.35330 + 1.72718 + 0.05976 = 3.14024; x 33.4009 = 104.8868422
    ("01182-18", "99213", "104.89"),
    # 71046 global row, never the -26/-TC rows: 0.21x1.041 + 0.76x1.183 + 0.02x0.664
    #        = 0.21861 + 0.89908 + 0.01328 = 1.13097; x 33.4009 = 37.7754158... -> 37.78
    ("01182-18", "71046", "37.78"),
    # Alabama 10112-00: work 1.000 (floored; 0.958 without), PE 0.875, MP 0.566
    # 97110: 0.45000 + 0.35875 + 0.00566 = 0.81441; x 33.4009 = 27.2020269... -> 27.20
    ("10112-00", "97110", "27.20"),
    # 97530: 0.44000 + 0.52500 + 0.00566 = 0.97066; x 33.4009 = 32.4209175... -> 32.42
    ("10112-00", "97530", "32.42"),
    # Manhattan 13202-01: work 1.064, PE 1.162, MP 1.586
    # 97110: 0.47880 + 0.47642 + 0.01586 = 0.97108; x 33.4009 = 32.4349459... -> 32.43
    ("13202-01", "97110", "32.43"),
    # 97140: 0.45752 + 0.45318 + 0.01586 = 0.92656; x 33.4009 = 30.9479379... -> 30.95
    ("13202-01", "97140", "30.95"),
]


@pytest.mark.parametrize(("locality", "code", "amount"), BY_HAND)
def test_locality_amounts_match_the_cms_formula_worked_by_hand(
    locality: str, code: str, amount: str
) -> None:
    (fee,) = locality_fees(rvu(), gpcis()[locality], [code])
    assert fee.amount == Decimal(amount)
    assert str(fee.amount) == amount  # exactly cents
    assert fee.conversion_factor == Decimal("33.4009")


def test_the_fee_carries_the_parts_it_was_made_of() -> None:
    (fee,) = locality_fees(rvu(), gpcis()["13202-01"], ["97112"])
    assert (fee.code, fee.status, fee.mult_proc, fee.note) == ("97112", "A", "5", "")
    assert (fee.work_rvu, fee.pe_rvu, fee.mp_rvu) == (
        Decimal("0.50"),
        Decimal("0.47"),
        Decimal("0.01"),
    )
    assert (fee.work_gpci, fee.pe_gpci, fee.mp_gpci) == (
        Decimal("1.064"),
        Decimal("1.162"),
        Decimal("1.586"),
    )


def test_the_unfloored_work_gpci_is_not_what_payment_uses() -> None:
    (fee,) = locality_fees(rvu(), gpcis()["10112-00"], ["97112"])
    # floored:   0.50x1.000 + 0.47x0.875 + 0.01x0.566 = 0.91691; x 33.4009 = 30.6256... -> 30.63
    # unfloored: 0.50x0.958 + ...                     = 0.89591 -> 29.92 (not used)
    assert fee.amount == Decimal("30.63")
    assert fee.work_gpci == Decimal("1.000")


def test_codes_come_back_in_the_order_asked_once_and_absent_codes_are_left_out() -> None:
    fees = locality_fees(rvu(), gpcis()["01182-18"], ["97530", "12345", " 97110", "97530"])
    assert [f.code for f in fees] == ["97530", "97110"]


@pytest.mark.parametrize(
    ("code", "status", "why"),
    [
        ("97010", "B", "status B: bundled into other services, never paid separately"),
        ("00100", "J", "status J: anesthesia service, paid by another formula"),
        ("27447", "A", "NA: no non-facility (office) amount for this code"),
    ],
)
def test_codes_medicare_does_not_pay_separately_have_no_amount(
    code: str, status: str, why: str
) -> None:
    (fee,) = locality_fees(rvu(), gpcis()["01182-18"], [code])
    assert (fee.status, fee.amount, fee.note) == (status, None, why)


@pytest.mark.parametrize(
    ("status", "paid"),
    [
        ("A", True),
        ("R", True),
        ("T", True),
        *((s, False) for s in "BCDEFGHIJMNPX"),
        ("Z", False),  # not a status the documentation defines: no amount, never a guess
    ],
)
def test_only_status_a_r_and_t_are_priced(status: str, paid: bool) -> None:
    text = replace_cell(RVU_TEXT, "97110", 3, status)
    (fee,) = locality_fees(rvu(text), gpcis()["01182-18"], ["97110"])
    assert (fee.amount == Decimal("32.07")) is paid
    assert (fee.amount is None) is not paid
    assert (fee.note == "") is paid


def test_the_conversion_factor_given_wins_over_the_file() -> None:
    # 97110 in Los Angeles: 0.96012 x 33.5675 (the qualifying-APM CF) = 32.2289289... -> 32.23
    (fee,) = locality_fees(rvu(), gpcis()["01182-18"], ["97110"], Decimal("33.5675"))
    assert (fee.amount, fee.conversion_factor) == (Decimal("32.23"), Decimal("33.5675"))


def test_a_conversion_factor_of_zero_or_less_is_refused_not_used() -> None:
    with pytest.raises(InputError) as caught:
        locality_fees(rvu(), gpcis()["01182-18"], ["97110"], Decimal("0"))
    assert str(caught.value) == "conversion factor: must be more than 0, got 0"


def test_rounding_is_half_up_to_cents() -> None:
    # work 1.00, PE 0, MP 0 at GPCIs 1.000: 1.00 x 10.005 = 10.005 exactly -> 10.01 (not 10.00)
    text = replace_cell(replace_cell(RVU_TEXT, "97110", 6, "0.00"), "97110", 10, "0.00")
    text = replace_cell(replace_cell(text, "97110", 5, "1.00"), "97110", 11, "1.00")
    one = Gpci("00000", "XX", "00", "TEST", Decimal("1.000"), Decimal("1.000"), Decimal("1.000"))
    (fee,) = locality_fees(rvu(text), one, ["97110"], Decimal("10.005"))
    assert fee.amount == Decimal("10.01")


def test_without_any_conversion_factor_the_amount_is_unknown_not_zero() -> None:
    text = RVU_TEXT
    for line in DATA_ROWS:
        cells = line.split(",")
        text = replace_cell(text, cells[0], 25, "", cells[1])
    parsed = rvu(text)
    assert parsed.conversion_factor is None
    (fee,) = locality_fees(parsed, gpcis()["01182-18"], ["97110"])
    assert (fee.amount, fee.note) == (None, "no conversion factor in the file or given")
    (given,) = locality_fees(parsed, gpcis()["01182-18"], ["97110"], Decimal("33.4009"))
    assert given.amount == Decimal("32.07")


def test_a_missing_rvu_makes_the_amount_unknown() -> None:
    text = replace_cell(replace_cell(RVU_TEXT, "97110", 10, ""), "97110", 11, "")
    assert rvu(text).rows["97110"].mp_rvu is None
    (fee,) = locality_fees(rvu(text), gpcis()["01182-18"], ["97110"])
    assert (fee.amount, fee.note) == (None, "an RVU is missing in the file")


NATIONAL = Gpci("00000", "US", "00", "ALL GPCIS 1", Decimal("1"), Decimal("1"), Decimal("1"))


@pytest.mark.parametrize(
    ("code", "amount"),
    [
        ("97110", "29.29"),  # total 0.88 x 33.2875 = 29.2930    -> 29.29
        ("97112", "33.62"),  # total 1.01 x 33.2875 = 33.620375  -> 33.62
        ("97140", "26.96"),  # total 0.81 x 33.2875 = 26.962875  -> 26.96
        ("97530", "36.62"),  # total 1.10 x 33.2875 = 36.61625   -> 36.62
        ("95860", "112.18"),  # global 3.37 x 33.2875 = 112.178875 -> 112.18 (not TC 1.88, 26 1.49)
        ("97010", None),  # status B
        ("97014", None),  # status I: Medicare uses G0283
    ],
)
def test_a_real_2024_file_without_the_pricing_column_reads_too(
    code: str, amount: str | None
) -> None:
    """PPRRVU24_JUL rows as published (31 columns: no PRIC IND), at GPCIs of 1: the national
    amount is the total RVU x CF."""
    parsed = parse_rvu_file((DATA / "PPRRVU24_JUL_sample.csv").read_bytes(), name="RVU_FILE")
    assert (parsed.year, parsed.qualifying_apm) == (2024, None)
    assert parsed.conversion_factor == Decimal("33.2875")
    assert set(parsed.rows) == {"95860", "97010", "97014", "97110", "97112", "97140", "97530"}
    (fee,) = locality_fees(parsed, NATIONAL, [code])
    assert fee.amount == (None if amount is None else Decimal(amount))


# --- property: the amount is the published formula, for any RVUs and GPCIs ---------------------

rvus = st.decimals(min_value=0, max_value=60, places=2)
indices = st.decimals(min_value=Decimal("0.300"), max_value=Decimal("2.500"), places=3)
factors = st.decimals(min_value=Decimal("10"), max_value=Decimal("60"), places=4)


def half_up_cents(exact: Fraction) -> Decimal:
    cents = (exact * 100 + Fraction(1, 2)).__floor__()
    return Decimal(cents) / 100


@settings(max_examples=200, deadline=None)
@given(rvus, rvus, rvus, indices, indices, indices, factors)
def test_the_amount_is_the_cms_formula_for_any_figures(
    work: Decimal,
    pe: Decimal,
    mp: Decimal,
    work_gpci: Decimal,
    pe_gpci: Decimal,
    mp_gpci: Decimal,
    factor: Decimal,
) -> None:
    """Written into the file as text, parsed, priced; checked against exact fractions."""
    text = RVU_TEXT
    for column, value in ((5, work), (6, pe), (10, mp), (11, work + pe + mp), (25, factor)):
        text = replace_cell(text, "97110", column, str(value))
    locality = Gpci("01182", "CA", "18", "TEST", work_gpci, pe_gpci, mp_gpci)
    (fee,) = locality_fees(rvu(text), locality, ["97110"])
    exact = (
        Fraction(work) * Fraction(work_gpci)
        + Fraction(pe) * Fraction(pe_gpci)
        + Fraction(mp) * Fraction(mp_gpci)
    ) * Fraction(factor)
    assert fee.amount == half_up_cents(exact)
    assert fee.amount is not None and fee.amount.as_tuple().exponent == -2
    assert abs(Fraction(fee.amount) - exact) <= Fraction(1, 200)

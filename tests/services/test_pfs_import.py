"""import-pfs: CMS's PPRRVU and GPCI files (fixtures in the published layout) give each code of
the code list its RVUs, status and locality amount, which the engine then prices with."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from chargeclock.domain.calculation import calculate
from chargeclock.domain.errors import InputError
from chargeclock.domain.visit_types import ServiceMinutes, VisitInput
from chargeclock.services.session import Services
from chargeclock.storage import rule_data
from tests.helpers import DATA, run_cli
from tests.services.conftest import Clinic, dump

RVU = DATA / "pfs" / "PPRRVU2026_Jan_nonQPP_sample.csv"
GPCI = DATA / "pfs" / "GPCI2026_sample.csv"
LOS_ANGELES = "01182-18"  # GPCIs work 1.041, PE 1.183, MP 0.664
ALABAMA = "10112-00"  # work 1.000 (with the 1.0 floor), PE 0.875, MP 0.566

# [(work x GPCIw) + (PE x GPCIpe) + (MP x GPCImp)] x 33.4009, half-up to cents:
# 97110 0.45/0.41/0.01: LA 0.46845 + 0.48503 + 0.00664 = 0.96012 -> 32.0689 -> 32.07
#                       AL 0.45 + 0.35875 + 0.00566 = 0.81441 -> 27.2020 -> 27.20
# 97112 0.50/0.47/0.01: LA 0.5205 + 0.55601 + 0.00664 = 1.08315 -> 36.1782 -> 36.18
# 97140 0.43/0.39/0.01: LA 0.44763 + 0.46137 + 0.00664 = 0.91564 -> 30.5832 -> 30.58
# 97530 0.44/0.60/0.01: LA 0.45804 + 0.7098 + 0.00664 = 1.17448 -> 39.2286 -> 39.23
LA_AMOUNTS = {"97110": "32.07", "97112": "36.18", "97140": "30.58", "97530": "39.23"}


def load(clinic: Clinic, locality: str | None = LOS_ANGELES, year: int = 2026) -> object:
    return clinic.services.rules.import_pfs(
        year=year, locality=locality, rvu_file=RVU, gpci_file=GPCI
    )


def test_locality_amounts_replace_the_shipped_figures(clinic: Clinic) -> None:
    services = clinic.services
    result = load(clinic)
    rules = services.book.year(2026)
    for code, amount in LA_AMOUNTS.items():
        fee = rules.fee(code)
        assert fee is not None and fee.amount == Decimal(amount), code
        assert fee.source.startswith("CMS PFS 2026, locality 01182-18")
    stored = {r.code: r for r in rule_data.pfs_fees(services.db, 2026)}
    assert stored["97010"].status == "B" and stored["97010"].amount is None
    assert stored["97110"].mult_proc == "5" and stored["97110"].pe_rvu == Decimal("0.41")
    assert (stored["97110"].work_gpci, stored["97110"].pe_gpci) == (
        Decimal("1.041"),
        Decimal("1.183"),
    )
    assert "97116" in result.missing  # type: ignore[attr-defined]
    # Codes the file does not hold keep the shipped figure (97164 has one).
    shipped = services.book.shipped_fee_years()
    assert 2026 in shipped and rules.fee("97164") is not None
    assert services.rules.locality() == LOS_ANGELES  # the first import saves the locality


def test_mppr_works_on_the_locality_practice_expense(clinic: Clinic) -> None:
    load(clinic)
    visit = VisitInput(
        clinic.clock.now().date(),
        services=(ServiceMinutes("97110", 30), ServiceMinutes("97530", 15)),
    )
    result = calculate(visit, clinic.services.book)
    # 97530 has the highest PE (0.60 x 1.183): its unit in full, 39.23. Both 97110 units are
    # reduced to work + MP + 50 % of PE: 0.46845 + 0.00664 + 0.242515 = 0.717605 each;
    # x2 x 33.4009 = 47.9390 -> 47.94.
    assert [(ln.code, ln.allowed) for ln in result.claim_lines] == [
        ("97110", Decimal("47.94")),
        ("97530", Decimal("39.23")),
    ]


def test_another_locality_and_a_reimport_replaces(clinic: Clinic) -> None:
    load(clinic)
    load(clinic, ALABAMA)
    fee = clinic.services.book.year(2026).fee("97110")
    assert fee is not None and fee.amount == Decimal("27.20")
    assert {r.locality for r in rule_data.pfs_fees(clinic.services.db, 2026)} == {ALABAMA}
    assert clinic.services.rules.locality() == LOS_ANGELES  # the saved one stays the clinic's
    entries = clinic.services.audit_entries("pfs_fees")
    assert [e.details["locality"] for e in entries] == [LOS_ANGELES, ALABAMA]
    assert entries[-1].details["amounts"]["97110"] == "27.20"
    assert clinic.services.verify_audit().ok


def test_the_saved_locality_is_used_when_none_is_typed(clinic: Clinic) -> None:
    clinic.services.rules.set_locality(ALABAMA)
    load(clinic, None)
    fee = clinic.services.book.year(2026).fee("97110")
    assert fee is not None and fee.amount == Decimal("27.20")


def test_a_next_year_schedule_ends_the_borrowed_fees(clinic: Clinic, tmp_path: Path) -> None:
    later = tmp_path / "PPRRVU2027_Jan_nonQPP.csv"
    later.write_text(RVU.read_text().replace("2026 National Physician", "2027 National Physician"))
    services = clinic.services
    services.rules.import_pfs(year=2027, locality=LOS_ANGELES, rvu_file=later, gpci_file=GPCI)
    rules = services.book.year(2027)
    assert rules.fees_year == 2027 and not rules.borrowed_fees
    assert rules.provisional  # the 2027 thresholds are still not loaded
    listed = {y.year: y for y in services.rules.loaded_years(through=2027)}
    assert listed[2027].fee_schedule.startswith("CMS PFS, locality 01182-18 (5 codes")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"locality": None}, "--locality", "give the MAC locality"),
        ({"locality": "99999-99"}, "--locality", "99999-99 is not a locality of the GPCI file"),
        ({"year": 2027}, "--year", "is the 2026 fee schedule, not 2027's"),
        ({"rvu_file": GPCI}, GPCI.name, "is not a PPRRVU file"),
        ({"gpci_file": RVU}, RVU.name, "is not a GPCI file"),
        ({"rvu_file": DATA / "none.csv"}, "RVU_FILE", "cannot read"),
        ({"rvu_file": DATA}, "RVU_FILE", "is a folder, not a file"),
    ],
)
def test_a_bad_import_names_the_field_and_saves_nothing(
    clinic: Clinic, changes: dict[str, object], field: str, message: str
) -> None:
    services = clinic.services
    before = dump(services)
    arguments: dict[str, object] = {
        "year": 2026,
        "locality": LOS_ANGELES,
        "rvu_file": RVU,
        "gpci_file": GPCI,
    } | changes
    with pytest.raises(InputError) as err:
        services.rules.import_pfs(**arguments)  # type: ignore[arg-type]
    assert err.value.field.startswith(field) and message in str(err.value)
    assert dump(services) == before


def test_the_command_line(tmp_path: Path) -> None:
    database = tmp_path / "clinic.db"
    Services.open(database).close()
    args = ["import-pfs", "--db", str(database), "--year", "2026", "--locality", LOS_ANGELES]
    run = run_cli(*args, str(RVU), str(GPCI))
    assert run.status == 0, run.stderr
    assert run.stdout.splitlines()[0] == (
        "2026 fee schedule loaded for locality 01182-18 (LOS ANGELES-LONG BEACH-ANAHEIM "
        "(LOS ANGELES/ORANGE CNTY)): 5 codes, conversion factor $33.4009"
    )
    calc = run_cli(
        "calc",
        "--db",
        str(database),
        stdin='{"date_of_service": "2026-03-02", "services": [{"code": "97140", "pt_minutes": 8}]}',
    )
    assert calc.document["claim_lines"][0]["allowed"] == 30.58
    bad = run_cli(*args[:-1], "nowhere", str(RVU), str(GPCI))
    assert bad.status == 2 and bad.stderr.startswith("chargeclock: --locality: ")

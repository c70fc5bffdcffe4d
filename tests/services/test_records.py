"""Records: NPI check digits, ICD-10-CM codes, PINs, money, fee imports. Bad input names its
field and saves nothing."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from chargeclock.cli import main
from chargeclock.domain.errors import InputError
from chargeclock.services.session import Services
from chargeclock.services.validation import check_icd10, npi_check_digit_ok
from tests.services.conftest import Clinic, dump


@pytest.mark.parametrize(
    ("npi", "ok"),
    [("1234567893", True), ("1234567890", False), ("1245319599", True), ("123456789", False)],
)
def test_npi_check_digit(npi: str, ok: bool) -> None:
    assert npi_check_digit_ok(npi) is ok


def test_invalid_npi_is_refused_and_nothing_saved(clinic: Clinic) -> None:
    before = dump(clinic.services)
    with pytest.raises(InputError, match=r"^npi: 1234567890 is not a valid NPI"):
        clinic.services.records.add_provider("Pat Kim", "PT", "1234567890")
    with pytest.raises(InputError, match=r"^npi: an NPI is 10 digits"):
        clinic.services.records.add_provider("Pat Kim", "PT", "12345")
    with pytest.raises(InputError, match=r"^supervising_provider_id: a PTA needs a supervising"):
        clinic.services.records.add_provider("Al Gore", "PTA")
    assert dump(clinic.services) == before


def test_icd10_codes_are_checked_and_categories_flagged() -> None:
    assert check_icd10("m5450", "d").code == "M54.50"
    flagged = check_icd10("M54.5", "d")
    assert not flagged.billable and "M54.50" in flagged.message and "M54.59" in flagged.message
    with pytest.raises(InputError, match=r"^diagnoses\[0\]: M54.9X is not an ICD-10-CM code"):
        check_icd10("M54.9X", "diagnoses[0]")
    with pytest.raises(InputError, match="not shaped like"):
        check_icd10("back pain", "d")


def test_invalid_diagnosis_saves_no_patient(clinic: Clinic) -> None:
    before = dump(clinic.services)
    with pytest.raises(InputError, match=r"^diagnoses\[1\]: Q99.99 is not an ICD-10-CM code"):
        clinic.services.records.add_patient(
            "Roe", "Ann", date(1960, 5, 5), diagnoses=["M17.11", "Q99.99"]
        )
    assert dump(clinic.services) == before


def test_non_billable_diagnosis_is_kept_but_flagged(clinic: Clinic) -> None:
    patient, checks = clinic.services.records.add_patient(
        "Roe", "Ann", date(1960, 5, 5), diagnoses=["M54.5", "M17.11"]
    )
    assert [c.billable for c in checks] == [False, True]
    rows = clinic.services.records.diagnoses(patient.id)
    assert [(d.pointer, d.code, d.billable) for d in rows] == [
        ("A", "M54.5", False),
        ("B", "M17.11", True),
    ]


def test_pin_is_stored_salted_and_checked(clinic: Clinic) -> None:
    records = clinic.services.records
    a = records.add_user("Dana", "PT", "2468", provider_id=clinic.pt_id)
    b = records.add_user("Sam", "PTA", "2468")
    # Stored as scrypt of the PIN under its own salt, never the PIN itself. (Whether the
    # digits "2468" happen to occur inside the random hex is chance, ~1 in 700: not checked.)
    kind, n, r, p, salt, digest = a.pin_hash.split("$")
    assert kind == "scrypt" and "2468" not in (n, r, p, salt, digest)
    expected = hashlib.scrypt(
        b"2468", salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=32
    )
    assert digest == expected.hex()
    assert salt != b.pin_hash.split("$")[4] and a.pin_hash != b.pin_hash  # salted
    assert records.check_pin(a.id, "2468") and not records.check_pin(a.id, "2469")
    with pytest.raises(InputError, match=r"^pin: a PIN is 4 to 8 digits"):
        records.add_user("Eve", "PT", "12ab")


def test_money_is_exact(clinic: Clinic) -> None:
    records = clinic.services.records
    with pytest.raises(InputError, match=r"^amount: 1.005 has fractions of a cent"):
        records.record_payment(clinic.patient_id, "1.005", "cash")
    with pytest.raises(InputError, match=r"^amount: must be more than \$0"):
        records.record_payment(clinic.patient_id, "0", "cash")
    paid = records.record_payment(clinic.patient_id, "$40.10", "card")
    assert paid.amount == Decimal("40.10")


def test_import_fees_sets_amounts_and_leaves_blanks_unknown(clinic: Clinic, tmp_path: Path) -> None:
    sheet = tmp_path / "mac.csv"
    sheet.write_text("code,amount\n97116,30.12\n97535,\n97162,101.00\n")
    result = clinic.services.records.import_fees(sheet, year=2026)
    assert (result.loaded, result.skipped_blank) == (2, 1)
    fees = clinic.services.book.year(2026).fees
    assert fees["97116"].amount == Decimal("30.12") and "97535" not in fees
    assert fees["97110"].has_rvu_parts  # shipped figures stay


def test_import_fees_is_all_or_nothing(clinic: Clinic, tmp_path: Path) -> None:
    sheet = tmp_path / "bad.csv"
    sheet.write_text("code,amount\n97116,30.12\n99999,1.00\n")
    before = dump(clinic.services)
    with pytest.raises(
        InputError, match=r"^bad.csv line 3, column 1 \(code\): '99999' is not a code"
    ):
        clinic.services.records.import_fees(sheet, year=2026)
    sheet.write_text("code,amount\n97116,-3\n")
    with pytest.raises(
        InputError, match=r"^bad.csv line 2, column 2 \(amount\): must be \$0 or more"
    ):
        clinic.services.records.import_fees(sheet, year=2026)
    assert dump(clinic.services) == before


def test_import_fees_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sheet = tmp_path / "fees.csv"
    sheet.write_text("code,amount,year\n97116,30.12,2026\n97116,29.00,2025\n")
    db = tmp_path / "c.sqlite3"
    Services.open(db).close()  # the window creates the database; import-fees only fills it
    assert main(["import-fees", str(sheet), "--db", str(db)]) == 0
    assert "2 allowed amounts" in capsys.readouterr().out
    sheet.write_text("code,price\n97116,30.12\n")
    assert main(["import-fees", str(sheet), "--db", str(db)]) == 2
    assert "needs a header with code and amount" in capsys.readouterr().err


def test_an_imported_amount_keeps_the_multiple_procedure_reduction(
    clinic: Clinic, tmp_path: Path
) -> None:
    from datetime import date as day

    from chargeclock.domain.calculation import calculate
    from chargeclock.domain.visit_types import ServiceMinutes, VisitInput

    sheet = tmp_path / "mac.csv"
    sheet.write_text("code,amount\n97110,31.00\n97140,30.00\n")
    clinic.services.records.import_fees(sheet, year=2026)
    book = clinic.services.book
    visit = VisitInput(day(2026, 3, 2), services=(ServiceMinutes("97110", 30),))
    [line] = calculate(visit, book).claim_lines
    # One full unit at the imported $31.00, the second reduced by the national RVU shares:
    # 31.00 x (0.45 + 0.01 + 50 % of 0.41) / 0.87 = 23.6954 -> 54.70 for the line.
    assert line.allowed == Decimal("54.70")
    # A code known only as a total stays a total: 97140 x1 at the imported $30.00.
    visit = VisitInput(day(2026, 3, 2), services=(ServiceMinutes("97140", 15),))
    assert calculate(visit, book).claim_lines[0].allowed == Decimal("30.00")

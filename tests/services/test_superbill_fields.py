"""What a superbill carries (claims.md §6): the referring practitioner and NPI, the patient's sex
and phone, the provider's licence, group number and subscriber, the onset and injury dates, the
workers' comp and auto claim fields, up to 12 diagnoses with four pointers a line, the place of
service per line, and a Medicare-bundled line marked and kept out of the balance. Superbills of
a Medicare, a commercial, a workers' comp and a self-pay visit are rendered to PNG."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from chargeclock.domain.errors import InputError
from chargeclock.services.claim_details import ClaimDetailsRow
from chargeclock.services.patient_records import PatientDetails
from chargeclock.services.superbill import pdf_bytes, superbill_for_visit
from tests.services.conftest import Clinic

REFERRING_NPI = "1245319599"
TWELVE = [
    "M17.11", "M25.561", "M54.50", "M62.81", "M79.604", "R26.89",
    "M25.661", "M75.101", "M54.2", "M25.511", "G89.29", "Z96.651",
]  # fmt: skip


def _practice(clinic: Clinic, tmp_path: Path) -> None:
    records = clinic.services.records
    records.save_practice(
        "Harbor PT", "9 Quay Street\nSpringfield, IL 62701", "(217) 555-0100", "1234567893",
        "12-3456789",
    )  # fmt: skip
    csv = tmp_path / "fees.csv"
    csv.write_text("code,amount\n97110,45.00\n97140,50.00\n97010,15.00\n", encoding="utf-8")
    records.import_fees(csv, charges=True)
    records.update_provider(
        clinic.pt_id, "Dana Reyes", "PT", "1234567893", credentials="PT, DPT", licence="070.012345"
    )
    clinic.services.claims.set_licence_state(clinic.pt_id, "il")


def _patient(
    clinic: Clinic, payer_id: int | None, claim: ClaimDetailsRow, diagnoses: list[str]
) -> int:
    saved = clinic.services.records.save_patient(
        PatientDetails(
            last_name="Okafor",
            first_name="Marisol",
            date_of_birth=date(1958, 6, 14),
            sex="F",
            address="88 Alder Street, Beaverton, OR 97005",
            phone="(503) 555-0142",
            payer_id=payer_id,
            member_id="1EG4TE5MK72" if payer_id else "",
            referring_name="Ana Ruiz, MD",
            referring_npi=REFERRING_NPI,
            diagnoses=diagnoses,
            claim=claim,
        )
    )
    clinic.patient_id = saved.patient.id
    return saved.patient.id


def _visit(clinic: Clinic, codes: list[str], untimed: tuple[str, ...] = ()) -> int:
    visits = clinic.services.visits
    visit = visits.open_visit(clinic.patient_id, codes=[*untimed]).visit_id
    for code in untimed:
        visits.set_untimed(visit, code, "PT")
    for code in codes:
        visits.start_timer(visit, code, "PT")
        clinic.clock.advance(minutes=15)
    visits.stop_all(visit)
    visits.finalize(visit)
    return visit


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages).split())


def test_a_medicare_superbill_carries_the_claim_fields_and_a_bundled_line(
    clinic: Clinic, tmp_path: Path
) -> None:
    _practice(clinic, tmp_path)
    claim = ClaimDetailsRow(
        group_number="GRP-77",
        subscriber="Ade Okafor",
        subscriber_relationship="spouse",
        onset_date=date(2026, 1, 20),
    )
    patient = _patient(clinic, clinic.medicare_id, claim, TWELVE)
    referring = clinic.services.records.patient_record(patient).referring
    assert referring is not None
    clinic.services.claims.set_qualification(referring.id, "NP")
    visit = _visit(clinic, ["97110", "97140"], untimed=("97010",))
    bill = superbill_for_visit(clinic.services, visit)

    assert bill.referring is not None
    assert (bill.referring.name, bill.referring.npi) == ("Ana Ruiz, MD", REFERRING_NPI)
    assert bill.referring.qualification == "NP"
    assert (bill.patient.sex, bill.patient.phone) == ("F", "(503) 555-0142")
    assert (bill.patient.group_number, bill.patient.subscriber) == ("GRP-77", "Ade Okafor")
    assert bill.patient.subscriber_relationship == "spouse"
    assert bill.onset_date == date(2026, 1, 20)
    assert bill.providers[0].licence == "070.012345 (IL)"
    assert [d.code for d in bill.diagnoses] == TWELVE
    assert all(len(line.diagnosis_pointers) <= 4 for line in bill.lines)
    assert all(line.place_of_service == "11" for line in bill.lines)
    bundled = [line for line in bill.lines if line.code == "97010"]
    assert len(bundled) == 1 and bundled[0].bundled and bundled[0].charge == Decimal("15.00")
    assert bill.total_charges == sum(
        (line.charge for line in bill.lines if line.code != "97010"), Decimal(0)
    )
    assert bill.balance == bill.total_charges
    text = _text(pdf_bytes(bill))
    for shown in (
        "Ana Ruiz, MD (NP)",
        REFERRING_NPI,
        "(503) 555-0142",
        "GRP-77",
        "Ade Okafor (spouse)",
        "070.012345 (IL)",
        "not billed separately",
        "ONSET DATE 01/20/2026",
    ):
        assert shown in text, shown


def test_a_commercial_visit_does_not_bundle_97010(clinic: Clinic, tmp_path: Path) -> None:
    _practice(clinic, tmp_path)
    _patient(clinic, clinic.commercial_id, ClaimDetailsRow(), ["M54.50"])
    bill = superbill_for_visit(clinic.services, _visit(clinic, ["97110"], untimed=("97010",)))
    assert not any(line.bundled for line in bill.lines)
    assert bill.total_charges == Decimal("60.00")


def test_workers_comp_and_auto_claim_fields(clinic: Clinic, tmp_path: Path) -> None:
    _practice(clinic, tmp_path)
    wc = clinic.services.records.add_payer("State Fund Workers' Comp", medicare=False)
    claim = ClaimDetailsRow(
        claim_number="WC-2026-00417", injury_date=date(2026, 2, 11), employer="Cascade Freight"
    )
    _patient(clinic, wc.id, claim, ["S83.511A"])
    bill = superbill_for_visit(clinic.services, _visit(clinic, ["97110"]))
    assert (bill.patient.claim_number, bill.patient.injury_date, bill.patient.employer) == (
        "WC-2026-00417",
        date(2026, 2, 11),
        "Cascade Freight",
    )
    text = _text(pdf_bytes(bill))
    assert "WC-2026-00417" in text and "INJURY DATE 02/11/2026" in text
    assert "Cascade Freight" in text


def test_claim_fields_are_checked_naming_the_field(clinic: Clinic) -> None:
    claims = clinic.services.claims
    with pytest.raises(InputError, match=r"^subscriber_relationship: "):
        claims.save(clinic.patient_id, ClaimDetailsRow(subscriber="Ade Okafor"))
    with pytest.raises(InputError, match=r"^accident_state: 'OREGON' is not a two-letter"):
        claims.save(clinic.patient_id, ClaimDetailsRow(accident_state="Oregon"))
    with pytest.raises(InputError, match=r"^injury_date: 01/01/2027 is in the future"):
        claims.save(clinic.patient_id, ClaimDetailsRow(injury_date=date(2027, 1, 1)))
    saved = claims.save(clinic.patient_id, ClaimDetailsRow(accident_state=" or "))
    assert saved.accident_state == "OR" == claims.of_patient(clinic.patient_id).accident_state


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) missing")
def test_four_kinds_of_visit_render_to_png(clinic: Clinic, tmp_path: Path) -> None:
    """A Medicare, a commercial, a workers' comp and a self-pay superbill, page 1 as PNG."""
    _practice(clinic, tmp_path)
    wc = clinic.services.records.add_payer("State Fund Workers' Comp", medicare=False)
    cases = {
        "medicare": (clinic.medicare_id, ClaimDetailsRow(onset_date=date(2026, 1, 20))),
        "commercial": (clinic.commercial_id, ClaimDetailsRow(group_number="GRP-77")),
        "workers-comp": (
            wc.id,
            ClaimDetailsRow(claim_number="WC-1", injury_date=date(2026, 2, 11), employer="Acme"),
        ),
        "self-pay": (None, ClaimDetailsRow()),
    }
    for name, (payer, claim) in cases.items():
        _patient(clinic, payer, claim, ["M17.11", "M25.561"])
        pdf = pdf_bytes(superbill_for_visit(clinic.services, _visit(clinic, ["97110", "97140"])))
        (tmp_path / f"{name}.pdf").write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile",
             str(tmp_path / f"{name}.pdf"), str(tmp_path / name)],
            check=True,
        )  # fmt: skip
        png = (tmp_path / f"{name}.png").read_bytes()
        assert png.startswith(b"\x89PNG") and len(png) > 10_000
        clinic.clock.advance(days=1)

"""The frozen claim (claims.md §6): what a superbill prints is frozen at finalize; a reprint is
the same bytes whatever changed since; the superbill, History and the statement agree; a
correction makes version 2 and version 1 stays printable; the issue date is the finalize date;
a bill finalized before snapshots were kept is frozen once, at its first read."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from chargeclock.domain.errors import InputError
from chargeclock.services import frozen_claims, visit_finalize
from chargeclock.services.patient_records import PatientDetails
from chargeclock.services.superbill import (
    SuperbillRequest,
    build,
    pdf_bytes,
    statement_for_patient,
    superbill_for_visit,
)
from tests.services.conftest import Clinic
from tests.services.test_superbill_service import _patient, _set_up_practice

OTHER_NPI = "1245319599"


def _fees(clinic: Clinic, tmp_path: Path, rows: str) -> None:
    csv = tmp_path / f"fees-{abs(hash(rows))}.csv"
    csv.write_text(f"code,amount\n{rows}", encoding="utf-8")
    clinic.services.records.import_fees(csv, charges=True)


def _set_up(clinic: Clinic, tmp_path: Path, fees: str = "97110,45.00\n97140,60.00\n") -> None:
    _set_up_practice(clinic)
    _fees(clinic, tmp_path, fees)
    _patient(clinic)


def _visit(clinic: Clinic, *codes_minutes: tuple[str, int]) -> int:
    visits = clinic.services.visits
    visit = visits.open_visit(clinic.patient_id).visit_id
    for code, minutes in codes_minutes:
        visits.start_timer(visit, code, "PT")
        clinic.clock.advance(minutes=minutes)
    visits.stop_timer(visit, "PT")
    return visit


def _snapshots(clinic: Clinic) -> int:
    return int(
        clinic.services.db.conn.execute("SELECT count(*) FROM claim_snapshots").fetchone()[0]
    )


def test_a_reprint_is_the_same_pdf_whatever_changed_since(clinic: Clinic, tmp_path: Path) -> None:
    _set_up(clinic, tmp_path)
    services = clinic.services
    visit = _visit(clinic, ("97110", 23))
    services.visits.finalize(visit)
    first = pdf_bytes(superbill_for_visit(services, visit))
    printed = superbill_for_visit(services, visit)

    # Everything the superbill prints changes: patient, diagnoses, payer, fees, providers.
    records = services.records
    services.clock.advance(days=40)
    records.save_patient(
        PatientDetails(
            last_name="Okafor-Baptiste",
            first_name="Mari",
            date_of_birth=printed.patient.date_of_birth - timedelta(days=3),
            sex="F",
            address="1 New Road, Salem, OR 97301",
            phone="(503) 555-0199",
            payer_id=clinic.commercial_id,
            member_id="XJ-0042",
            referring_name="Ana Ruiz",
            referring_npi=OTHER_NPI,
            diagnoses=["M54.50"],
        ),
        clinic.patient_id,
    )
    records.update_payer(
        clinic.medicare_id,
        "Medicare Part B (Noridian)",
        medicare=True,
        unit_method="cms",
        assistant_modifiers=True,
        kx=True,
    )
    _fees(clinic, tmp_path, "97110,99.00\n97140,99.00\n")
    records.update_provider(
        clinic.pt_id, "Dana Reyes-Moss", "PT", OTHER_NPI, credentials="DPT", licence="PT 1234"
    )

    again = superbill_for_visit(services, visit)
    assert again == printed
    assert pdf_bytes(again) == first
    # Issued on the finalize date, not the day it is reprinted.
    assert again.generated_on == again.period_from
    # A new visit bills with the records as they are now.
    later = _visit(clinic, ("97110", 10))
    services.visits.finalize(later)
    fresh = superbill_for_visit(services, later)
    assert fresh.patient.name == "Mari Okafor-Baptiste"
    assert [d.code for d in fresh.diagnoses] == ["M54.50"]
    assert fresh.lines[0].charge == Decimal("99.00")


def test_history_the_superbill_and_the_statement_agree_on_a_line_frozen_without_a_charge(
    clinic: Clinic, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The History once said $45.00 for a visit whose superbill said $60.00: a line frozen
    without a clinic charge was left out of one and priced at today's fee in the other. Both
    now read the frozen bill, and that line blocks neither. (Finalize refuses such a line
    now; a database finalized before it did still holds them.)"""
    _set_up(clinic, tmp_path, fees="97110,45.00\n")
    clinic.services.records.save_fees(2026, charges={"97140": None})  # no fee for 97140 yet
    services = clinic.services
    visit = _visit(clinic, ("97110", 15), ("97140", 15))
    monkeypatch.setattr(visit_finalize, "check_settled", lambda items, overrides: {})
    services.visits.finalize(visit)
    monkeypatch.undo()
    _fees(clinic, tmp_path, "97110,45.00\n97140,15.00\n")  # entered after the finalize

    superbill = superbill_for_visit(services, visit)
    assert [(x.code, x.charge, x.no_charge) for x in superbill.lines] == [
        ("97110", Decimal("45.00"), False),
        ("97140", Decimal("0.00"), True),
    ]
    assert superbill.total_charges == Decimal("45.00")
    assert any("No clinic charge was set for 97140" in note for note in superbill.notes)
    row = services.visits.visit(visit)
    assert frozen_claims.billed_total(services, row) == Decimal("45.00")
    day = row.date_of_service
    statement = statement_for_patient(services, clinic.patient_id, day, day)
    assert statement.total_charges == Decimal("45.00")


def test_a_correction_is_version_2_and_version_1_stays_printable(
    clinic: Clinic, tmp_path: Path
) -> None:
    _set_up(clinic, tmp_path)
    services = clinic.services
    visit = _visit(clinic, ("97110", 23))
    services.visits.finalize(visit)
    first = pdf_bytes(superbill_for_visit(services, visit))
    finalized_on = services.visits.visit(visit).date_of_service

    clinic.clock.advance(days=2)
    services.visits.reopen_for_correction(visit, "97140 was done and not recorded")
    services.visits.add_segment(
        visit,
        "97140",
        "PT",
        started_at=clinic.clock.now() - timedelta(days=2),
        stopped_at=clinic.clock.now() - timedelta(days=2) + timedelta(minutes=12),
        reason="entered from the treatment notes",
    )
    # While reopened the current bill is not printable; version 1 still is.
    with pytest.raises(InputError, match="still open"):
        superbill_for_visit(services, visit)
    assert pdf_bytes(superbill_for_visit(services, visit, version=1)) == first
    services.visits.finalize(visit)

    corrected = superbill_for_visit(services, visit)
    assert (corrected.version, corrected.correction_reason) == (
        2,
        "97140 was done and not recorded",
    )
    assert [x.code for x in corrected.lines] == ["97110", "97140"]
    assert corrected.generated_on == finalized_on + timedelta(days=2)
    assert pdf_bytes(superbill_for_visit(services, visit, version=1)) == first
    from io import BytesIO

    from pypdf import PdfReader

    page = PdfReader(BytesIO(pdf_bytes(corrected))).pages[0].extract_text()
    assert "CORRECTED" in page and "97140 was done and not recorded" in " ".join(page.split())
    request = SuperbillRequest("visit", visit_id=visit, version=3)
    with pytest.raises(InputError, match=r"^version: the bill of visit \d+ has no version 3$"):
        build(services, request)
    assert [
        row.version for row in frozen_claims.versions_of(services, services.visits.visit(visit))
    ] == [1, 2]


def test_a_same_day_visit_makes_the_days_next_version(clinic: Clinic, tmp_path: Path) -> None:
    _set_up(clinic, tmp_path)
    services = clinic.services
    morning = _visit(clinic, ("97110", 10))
    services.visits.finalize(morning)
    clinic.clock.advance(hours=3)
    afternoon = _visit(clinic, ("97110", 13))
    services.visits.finalize(afternoon)
    for visit in (morning, afternoon):
        superbill = superbill_for_visit(services, visit)
        assert superbill.version == 2
        assert superbill.correction_reason.startswith(f"same-day visit #{afternoon}")
        assert [(x.code, x.units) for x in superbill.lines] == [("97110", 2)]
    assert superbill_for_visit(services, morning, version=1).lines[0].units == 1


@pytest.mark.sqlite_file  # SQLite's own SQL and errors (the server's guards: tests/storage)
def test_a_bill_finalized_before_snapshots_is_frozen_once_at_its_first_read(
    clinic: Clinic, tmp_path: Path
) -> None:
    _set_up(clinic, tmp_path)
    services = clinic.services
    services.visits.claim_freezer = None  # as a build before snapshots were kept
    visit = _visit(clinic, ("97110", 23))
    services.visits.finalize(visit)
    assert _snapshots(clinic) == 0
    services.visits.claim_freezer = services._freeze_claim
    # A command reading the database beside the window builds it and stores nothing.
    from chargeclock.cli import main

    out = tmp_path / "read-only.pdf"
    db = str(services.db.path)
    assert main(["superbill", "--db", db, "--visit", str(visit), "-o", str(out)]) == 0
    assert _snapshots(clinic) == 0

    first = pdf_bytes(superbill_for_visit(services, visit))
    assert out.read_bytes() == first
    assert _snapshots(clinic) == 1
    entry = services.audit_entries()[-1]
    assert (entry.action, entry.reason) == (
        "claim_frozen",
        "bill finalized before it was frozen: frozen at first read",
    )
    services.records.set_diagnoses(clinic.patient_id, ["M54.50"])
    _fees(clinic, tmp_path, "97110,99.00\n")
    assert pdf_bytes(superbill_for_visit(services, visit)) == first
    assert _snapshots(clinic) == 1


def test_a_superbill_that_cannot_be_built_at_finalize_is_frozen_at_its_first_print(
    clinic: Clinic, tmp_path: Path
) -> None:
    _set_up(clinic, tmp_path)
    services = clinic.services
    services.records.update_provider(clinic.pt_id, "Dana Reyes", "PT", None)  # NPI not entered
    visit = _visit(clinic, ("97110", 23))
    finalized = services.visits.finalize(visit)
    assert finalized.superbill_problem.startswith("provider.npi: Dana Reyes has no NPI")
    assert _snapshots(clinic) == 0
    with pytest.raises(InputError, match=r"^provider\.npi"):
        superbill_for_visit(services, visit)
    services.records.update_provider(clinic.pt_id, "Dana Reyes", "PT", OTHER_NPI)
    assert superbill_for_visit(services, visit).providers[0].npi == OTHER_NPI
    assert _snapshots(clinic) == 1


@pytest.mark.sqlite_file  # SQLite's own SQL and errors (the server's guards: tests/storage)
def test_a_frozen_bill_cannot_be_changed_in_the_database(clinic: Clinic, tmp_path: Path) -> None:
    import sqlite3

    _set_up(clinic, tmp_path)
    visit = _visit(clinic, ("97110", 23))
    clinic.services.visits.finalize(visit)
    conn = clinic.services.db.conn
    for sql in ("UPDATE claim_snapshots SET content = '{}'", "DELETE FROM claim_snapshots"):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            conn.execute(sql)


@pytest.mark.sqlite_file  # SQLite's own SQL and errors (the server's guards: tests/storage)
def test_the_command_prints_an_earlier_version(
    clinic: Clinic, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from chargeclock.cli import main

    _set_up(clinic, tmp_path)
    services = clinic.services
    visit = _visit(clinic, ("97110", 23))
    services.visits.finalize(visit)
    first = pdf_bytes(superbill_for_visit(services, visit))
    services.visits.reopen_for_correction(visit, "units")
    services.visits.finalize(visit)
    out = tmp_path / "v1.pdf"
    db = str(services.db.path)
    assert (
        main(["superbill", "--db", db, "--visit", str(visit), "--version", "1", "-o", str(out)])
        == 0
    )
    assert out.read_bytes() == first
    capsys.readouterr()
    day = services.visits.visit(visit).date_of_service.isoformat()
    args = ["--patient", str(clinic.patient_id), "--from", day, "--to", day, "--version", "1"]
    assert main(["superbill", "--db", db, *args, "-o", str(out)]) == 2
    assert "--version: only with --visit" in capsys.readouterr().err

"""``chargeclock superbill``: a demo visit and a three-month statement as PDFs whose text holds
every frozen claim line and whose totals equal the lines' charges; bad input is one line naming
the field, exit status 2, never a traceback; no Qt is loaded."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from chargeclock.clock import FakeClock
from chargeclock.resources import rule_book
from chargeclock.services.demo import build_demo
from chargeclock.services.session import Services
from chargeclock.storage.records import ClaimLineRow, VisitRow
from tests.helpers import CalcRun, run_cli

TODAY = date(2026, 6, 30)
START, END = date(2026, 4, 1), date(2026, 6, 30)


@dataclass(frozen=True)
class Demo:
    path: Path
    patient_id: int  # the busiest patient of the quarter
    visits: tuple[VisitRow, ...]  # their finalized visits in the quarter
    lines: dict[int, tuple[ClaimLineRow, ...]]  # frozen claim lines per visit
    payments_in_quarter: Decimal
    adjusted_in_quarter: Decimal  # what the ledger's adjustments took off the balance
    open_visit_id: int
    practice_npi: str


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    path = tmp_path_factory.mktemp("superbill-cli") / "demo.sqlite3"
    build_demo(path, today=TODAY)
    services = Services.open(path, FakeClock(datetime(2026, 6, 30, 22, tzinfo=UTC)), zone=UTC)
    try:
        quarter: dict[int, list[VisitRow]] = {}
        for patient in services.records.search_patients(""):
            quarter[patient.id] = [
                v
                for v in services.visits.visits_of_patient(patient.id)
                if v.status == "finalized" and START <= v.date_of_service <= END
            ]
        patient_id = max(quarter, key=lambda p: (len(quarter[p]), -p))
        visits = tuple(quarter[patient_id])
        lines = {v.id: tuple(services.visits.claim_lines(v.id)) for v in visits}
        paid = sum(
            (p.amount for p in services.records.payments(patient_id) if START <= p.paid_on <= END),
            Decimal(0),
        )
        adjusted = -sum(
            (
                e.amount
                for e in services.ledger.entries(patient_id)
                if e.category == "adjustment" and START <= e.day <= END
            ),
            Decimal(0),
        )
        open_id = next(v.id for v in services.visits.visits_of_day(TODAY) if v.status == "open")
        practice = services.records.practice()
        assert practice is not None and practice.npi
        return Demo(path, patient_id, visits, lines, paid, adjusted, open_id, practice.npi)
    finally:
        services.close(clean=False)


@pytest.fixture(scope="module")
def no_npi_db(demo: Demo, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo clinic whose practice NPI was taken out, and today's open visit finalized after
    that: its bill could not be frozen at finalize (the bills finalized before keep theirs)."""
    path = tmp_path_factory.mktemp("superbill-cli-no-npi") / "no-npi.sqlite3"
    shutil.copyfile(demo.path, path)
    services = Services.open(path, FakeClock(datetime(2026, 6, 30, 23, 30, tzinfo=UTC)), zone=UTC)
    practice = services.records.practice()
    assert practice is not None
    services.records.save_practice(
        practice.name, practice.address, practice.phone, "", practice.tax_id
    )
    assert "practice.npi" in services.visits.finalize(demo.open_visit_id).superbill_problem
    services.close()
    return path


LABELS = {code.code: code.label for code in rule_book().all_codes()}


def _text(pdf: Path) -> str:
    reader = PdfReader(io.BytesIO(pdf.read_bytes()))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def _row(day: date, line: ClaimLineRow) -> str:
    assert line.charge is not None
    return " ".join(
        [
            day.strftime("%m/%d/%Y"),
            "11",
            line.code,
            LABELS[line.code],
            " ".join(line.modifiers),
            ", ".join(line.diagnosis_pointers),
            str(line.units),
            f"${line.charge:,.2f}",
        ]
    )


def _amount_after(label: str, text: str) -> Decimal:
    match = re.search(re.escape(label) + r" (-?)\$([\d,]+\.\d\d)", text)
    assert match, f"{label!r} not found"
    return Decimal(match.group(1) + match.group(2).replace(",", ""))


def _one_line_error(run: CalcRun, *needles: str) -> None:
    assert run.status == 2, run
    assert run.stdout == ""
    assert run.stderr.endswith("\n") and run.stderr.count("\n") == 1, run.stderr
    assert "Traceback" not in run.stderr
    for needle in needles:
        assert needle in run.stderr, run.stderr


def test_a_demo_visit_superbill(demo: Demo, tmp_path: Path) -> None:
    visit = demo.visits[-1]
    out = tmp_path / "visit.pdf"
    run = run_cli("superbill", "--db", str(demo.path), "--visit", str(visit.id), "-o", str(out))
    assert run.status == 0, run.stderr
    assert run.stdout.startswith(f"superbill written: {out}") and run.stderr == ""
    text = _text(out)
    lines = demo.lines[visit.id]
    for line in lines:
        assert _row(visit.date_of_service, line) in text
    total = sum((line.charge or Decimal(0) for line in lines), Decimal(0))
    assert _amount_after("Total charges", text) == total
    assert "SUPERBILL" in text and demo.practice_npi in text
    assert f"Date of service: {visit.date_of_service:%m/%d/%Y}" in text
    assert "Appendix: calculation trace" not in text
    assert PdfReader(out).pages[0].mediabox.upper_right == (612, 792)  # Letter by default


def test_a_three_month_statement(demo: Demo, tmp_path: Path) -> None:
    out = tmp_path / "statement.pdf"
    run = run_cli(
        "--db",
        str(demo.path),
        "superbill",
        "--patient",
        str(demo.patient_id),
        "--from",
        START.isoformat(),
        "--to",
        END.isoformat(),
        "-o",
        str(out),
    )
    assert run.status == 0, run.stderr
    assert run.stdout.startswith(f"statement written: {out} ({len(demo.visits)} visits")
    text = _text(out)
    assert len(demo.visits) >= 30
    for visit in demo.visits:
        for line in demo.lines[visit.id]:
            assert _row(visit.date_of_service, line) in text
    all_lines = [line for lines in demo.lines.values() for line in lines]
    total = sum((line.charge or Decimal(0) for line in all_lines), Decimal(0))
    assert _amount_after("Total charges", text) == total
    assert _amount_after("Payments received", text) == -demo.payments_in_quarter  # a credit
    # the payer's contractual adjustments, posted with its payments, a credit too
    assert demo.adjusted_in_quarter > 0
    assert _amount_after("Adjustments", text) == -demo.adjusted_in_quarter
    owed = total - demo.payments_in_quarter - demo.adjusted_in_quarter
    assert _amount_after("Balance due", text) == owed
    assert "Period: 04/01/2026 – 06/30/2026" in text
    assert f"{len(demo.visits)} visits" in text


def test_paper_trace_and_the_database_from_the_environment(demo: Demo, tmp_path: Path) -> None:
    out = tmp_path / "a4.pdf"
    env = {**os.environ, "CHARGECLOCK_DB": str(demo.path)}
    visit = demo.visits[0]
    run = run_cli(
        "superbill", "--visit", str(visit.id), "-o", str(out), "--paper", "a4", "--trace", env=env
    )
    assert run.status == 0, run.stderr
    box = PdfReader(out).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    text = _text(out)
    assert "Appendix: calculation trace" in text
    assert "total timed minutes" in text and "rule year 2026" in text


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (("--patient", "{patient}", "--from", "2026-04-01"), ("--to", "required")),
        (("--patient", "{patient}", "--to", "2026-06-30"), ("--from", "required")),
        (("--patient", "{patient}", "--from", "2026-06-30", "--to", "2026-04-01"), ("--from",)),
        (("--patient", "{patient}", "--from", "2026-04-31", "--to", "2026-06-30"), ("--from",)),
        (("--visit", "999999"), ("--visit: there is no visit 999999",)),
        (("--visit", "{open}"), ("--visit: visit", "still open", "finalize")),
        (("--patient", "9999", "--from", "2026-04-01", "--to", "2026-06-30"), ("--patient",)),
        (("--visit", "1", "--from", "2026-04-01"), ("--from/--to",)),
        (("--visit", "1", "--patient", "1"), ("not allowed with argument",)),
        ((), ("one of the arguments --visit --patient is required",)),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    demo: Demo, tmp_path: Path, args: tuple[str, ...], needles: tuple[str, ...]
) -> None:
    out = tmp_path / "x.pdf"
    filled = [a.format(patient=demo.patient_id, open=demo.open_visit_id) for a in args]
    run = run_cli("superbill", "--db", str(demo.path), *filled, "-o", str(out))
    _one_line_error(run, *needles)
    assert not out.exists()


def test_missing_output_or_database_is_one_line(demo: Demo, tmp_path: Path) -> None:
    _one_line_error(run_cli("superbill", "--db", str(demo.path), "--visit", "1"), "-o/--output")
    missing = tmp_path / "nowhere.sqlite3"
    run = run_cli("superbill", "--db", str(missing), "--visit", "1", "-o", str(tmp_path / "x.pdf"))
    _one_line_error(run, "no such file")
    assert not missing.exists()  # a read-only command never creates a database
    run = run_cli(
        "superbill", "--db", str(demo.path), "--visit", "1", "-o", str(tmp_path / "no" / "x.pdf")
    )
    _one_line_error(run, "-o: no such folder")


def test_a_practice_without_npi_is_named(no_npi_db: Path, demo: Demo, tmp_path: Path) -> None:
    run = run_cli(
        "superbill", "--db", str(no_npi_db), "--visit", str(demo.open_visit_id), "-o",
        str(tmp_path / "x.pdf"),
    )  # fmt: skip
    _one_line_error(run, "practice.npi: required for the superbill")


def test_the_command_loads_no_qt(demo: Demo, tmp_path: Path) -> None:
    out = tmp_path / "noqt.pdf"
    script = (
        "import sys\n"
        "from chargeclock.cli import main\n"
        f"status = main(['superbill', '--db', {str(demo.path)!r}, '--visit', "
        f"'{demo.visits[-1].id}', '-o', {str(out)!r}])\n"
        "assert status == 0, status\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6'))\n"
        "assert not heavy, heavy\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert out.exists()


def test_diagnoses_saved_without_a_description_print_the_code_sets_text(
    demo: Demo, tmp_path: Path
) -> None:
    """A database from before descriptions were kept (migration 0005)."""
    import sqlite3

    from chargeclock.services.validation import check_icd10

    path = tmp_path / "older.sqlite3"
    shutil.copyfile(demo.path, path)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE diagnoses SET description = ''")
        code = conn.execute(
            "SELECT code FROM diagnoses WHERE patient_id = ? ORDER BY position", (demo.patient_id,)
        ).fetchone()[0]
    conn.close()
    out = tmp_path / "visit.pdf"
    visit = demo.visits[-1]
    run = run_cli("superbill", "--db", str(path), "--visit", str(visit.id), "-o", str(out))
    assert run.status == 0, run.stderr
    description = check_icd10(code, "code").description
    assert f"{code} {description.split(',')[0]}" in _text(out)

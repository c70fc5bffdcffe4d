"""``chargeclock export`` (and the other practice commands) on the command line: files written,
one summary line, bad input one line naming the option with exit status 2, no Qt loaded."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader

from chargeclock.clock import FakeClock
from chargeclock.services.session import Services
from tests.helpers import run_cli
from tests.services.conftest import START, set_up_clinic
from tests.services.practice_data import DAY, Practice, small_practice


@dataclass
class SmallDb:
    path: Path
    practice: Practice


@pytest.fixture(scope="module")
def small_db(tmp_path_factory: pytest.TempPathFactory) -> SmallDb:
    path = tmp_path_factory.mktemp("report-cli") / "clinic.sqlite3"
    clock = FakeClock(START)
    services = Services.open(path, clock)
    clinic = set_up_clinic(services, clock)
    practice = small_practice(clinic)
    services.close()
    return SmallDb(path, practice)


def test_export_writes_the_files_and_says_what(small_db: SmallDb, tmp_path: Path) -> None:
    out = tmp_path / "export"
    run = run_cli(
        "export",
        "--db",
        str(small_db.path),
        "--from",
        "2026-03-02",
        "--to",
        "2026-03-04",
        "--format",
        "json",
        "-o",
        str(out),
    )
    assert run.status == 0, run.stderr
    assert run.stdout.startswith("exported 03/02/2026 to 03/04/2026 as json into")
    manifest = json.loads((out / "manifest.json").read_text())
    assert {f["table"]: f["rows"] for f in manifest["files"]}["visits"] == 5
    assert (out / "claim_lines.json").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-13-01", "--to", "2026-03-04"], "--from: not a date"),
        (
            ["--from", "2026-03-05", "--to", "2026-03-04"],
            "--from: 03/05/2026 is after --to 03/04/2026",
        ),
        (["--from", "2026-03-01", "--to", "2026-03-04", "--format", "xls"], "invalid choice"),
    ],
)
def test_export_bad_input_is_one_line(
    small_db: SmallDb, tmp_path: Path, args: list[str], message: str
) -> None:
    run = run_cli("export", "--db", str(small_db.path), *args, "-o", str(tmp_path / "x"))
    assert run.status == 2
    assert message in run.stderr and len(run.stderr.splitlines()) == 1, run.stderr
    assert not (tmp_path / "x").exists()


def test_export_of_a_missing_database_changes_nothing(tmp_path: Path) -> None:
    run = run_cli(
        "export",
        "--db",
        str(tmp_path / "none.sqlite3"),
        "--from",
        str(DAY),
        "--to",
        str(DAY),
        "-o",
        str(tmp_path / "x"),
    )
    assert run.status == 2 and "none.sqlite3" in run.stderr
    assert not (tmp_path / "none.sqlite3").exists()


def test_export_of_a_database_the_window_has_not_upgraded_changes_nothing(
    tmp_path: Path,
) -> None:
    """A clinic file one schema step behind this build (a workstation not yet opened since the
    update): the export, which only reads, refuses it in one line saying what to do, and
    leaves the file as it was."""
    from chargeclock.storage.database import connect
    from chargeclock.storage.migrations import migrate, migration_files

    path = tmp_path / "older.sqlite3"
    conn = connect(path)
    migrate(conn, path, stop_before=migration_files()[-1].stem)
    conn.close()
    before = path.read_bytes()
    run = run_cli(
        "export", "--db", str(path), "--from", str(DAY), "--to", str(DAY), "-o", str(tmp_path / "x")
    )
    assert run.status == 2
    assert len(run.stderr.splitlines()) == 1, run.stderr
    assert "older than this ChargeClock (open it in the app once to upgrade it)" in run.stderr
    assert path.read_bytes() == before
    assert not (tmp_path / "x").exists()


def test_packet_writes_the_pdf(small_db: SmallDb, tmp_path: Path) -> None:
    out = tmp_path / "packet.pdf"
    patient = str(small_db.practice.patient_id)
    run = run_cli(
        "packet",
        "--db",
        str(small_db.path),
        "--patient",
        patient,
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-31",
        "-o",
        str(out),
    )
    assert run.status == 0, run.stderr
    assert run.stdout.startswith(f"audit packet written: {out} (4 visits, 3 billed days")
    assert run.stdout.rstrip().endswith("audit log intact)")
    assert out.read_bytes().startswith(b"%PDF") and out.stat().st_mode & 0o077 == 0
    full = tmp_path / "full.pdf"
    run = run_cli(
        "packet",
        "--db",
        str(small_db.path),
        "--patient",
        patient,
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-31",
        "--full-superbills",
        "-o",
        str(full),
    )
    assert run.status == 0, run.stderr
    text = "".join(p.extract_text() for p in PdfReader(full).pages)
    assert text.count("SUPERBILL") == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--patient", "999", "-o", "P.pdf"], "--patient: there is no patient 999"),
        (["--patient", "1", "-o", "P.txt"], "-o: the file must end in .pdf"),
        (["--patient", "1", "-o", "missing/P.pdf"], "-o: no such folder"),
        (["--patient", "x", "-o", "P.pdf"], "invalid int value"),
    ],
)
def test_packet_bad_input_is_one_line(
    small_db: SmallDb, tmp_path: Path, args: list[str], message: str
) -> None:
    args = [str(tmp_path / a) if a.endswith((".pdf", ".txt")) else a for a in args]
    run = run_cli(
        "packet", "--db", str(small_db.path), "--from", "2026-03-01", "--to", "2026-03-31", *args
    )
    assert run.status == 2
    assert message in run.stderr and len(run.stderr.splitlines()) == 1, run.stderr
    assert list(tmp_path.iterdir()) == []


def test_day_sheet_writes_the_pdf(small_db: SmallDb, tmp_path: Path) -> None:
    out = tmp_path / "day.pdf"
    run = run_cli("day-sheet", "--db", str(small_db.path), "--date", "2026-03-04", "-o", str(out))
    assert run.status == 0, run.stderr
    assert run.stdout.startswith(f"day sheet written: {out} (2 visits")
    assert run.stdout.rstrip().endswith("1 open visit, 1 timer running)")
    bad = run_cli("day-sheet", "--db", str(small_db.path), "--date", "04/03/2026", "-o", str(out))
    assert bad.status == 2 and "--date: not a date" in bad.stderr

"""Hostile input: a command pointed at a folder, a non-database, a missing path or another
program's SQLite file; fee sheets in other encodings, with exotic amounts, or huge; calc input
that never ends or writes a key twice. Each is refused in one line naming what and where, and
nothing is created or changed."""

from __future__ import annotations

import io
import sqlite3
import stat
import subprocess
import sys
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from chargeclock import app
from chargeclock.cli import main, run_calc
from chargeclock.clock import FakeClock
from chargeclock.services.session import Services
from chargeclock.storage.database import open_database
from chargeclock.ui.fees_tab import CHARGE, FeesTab
from tests.faults.conftest import snapshot
from tests.services.conftest import dump

START = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _log_in_tmp(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


def foreign_database(path: Path) -> Path:
    """Another program's SQLite file: WAL, tables of its own, readable by all."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE recipes (name TEXT, minutes INTEGER)")
    conn.execute("INSERT INTO recipes VALUES ('bread', 240)")
    conn.commit()
    conn.close()
    path.chmod(0o644)
    return path


def chargeclock_database(path: Path) -> Path:
    Services.open(path, FakeClock(START)).close()
    return path


def make_target(kind: str, folder: Path) -> Path:
    """A path of the given kind inside ``folder``, for ``--db``."""
    if kind == "a folder":
        (folder / "clinic.sqlite3").mkdir()
        return folder / "clinic.sqlite3"
    if kind == "not a database":
        (folder / "notes.txt").write_text("not SQLite\n")
        return folder / "notes.txt"
    if kind == "an empty file":
        (folder / "empty.sqlite3").touch()
        return folder / "empty.sqlite3"
    if kind == "a missing path":
        return folder / "no" / "such" / "clinic.sqlite3"
    return foreign_database(folder / "recipes.db")


EXPECTED = {
    "a folder": "is a folder, not a database file",
    "not a database": "it is not an SQLite database file",
    "an empty file": "the file is empty",
    "a missing path": "no such file",
    "another program's database": "it is another program's SQLite database",
}


def commands(outside: Path) -> dict[str, list[str]]:
    """Each database command, its other files kept outside the folder under test."""
    sheet = outside / "fees.csv"
    sheet.write_text("code,amount\n97110,31.00\n")
    backup = outside / "backup.sqlite3"
    if not backup.exists():
        chargeclock_database(backup)
    return {
        "backup": ["backup"],
        "verify-audit": ["verify-audit"],
        "import-fees": ["import-fees", str(sheet)],
        "superbill": ["superbill", "--visit", "1", "-o", str(outside / "bill.pdf")],
        "restore": ["restore", str(backup)],
    }


CASES = [
    (command, target)
    for command in ("backup", "verify-audit", "import-fees", "superbill", "restore")
    for target in EXPECTED
    # A backup may be restored to a new path, and over a database broken past reading (kept
    # aside byte for byte: tests/services/test_backups.py).
    if not (
        command == "restore" and target in ("a missing path", "an empty file", "not a database")
    )
]


@pytest.mark.parametrize(("command", "target"), CASES)
def test_a_command_on_a_path_that_is_not_a_chargeclock_database_refuses_and_touches_nothing(
    tmp_path: Path, capsys: Any, command: str, target: str
) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    path = make_target(target, folder)
    arguments = commands(outside)[command]
    before, outside_before = snapshot(folder), snapshot(outside)
    assert main([*arguments, "--db", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith(f"chargeclock: database {path}: ")
    assert EXPECTED[target] in err
    assert snapshot(folder) == before  # no byte, mode or time changed, no -wal, -shm, .lock
    assert snapshot(outside) == outside_before  # no 0-byte backup, no PDF


def test_restore_of_another_programs_file_refuses_and_touches_it_not(
    tmp_path: Path, capsys: Any
) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    foreign = foreign_database(folder / "recipes.db")
    before = snapshot(folder)
    assert main(["restore", str(foreign), "--db", str(tmp_path / "clinic.sqlite3")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"chargeclock: backup {foreign}: cannot be read as a ChargeClock")
    assert snapshot(folder) == before
    assert not (tmp_path / "clinic.sqlite3").exists()


@pytest.mark.parametrize(
    "arguments",
    [["verify-audit"], ["superbill", "--visit", "1", "-o", "{out}"], ["backup"]],
    ids=["verify-audit", "superbill", "backup"],
)
def test_read_only_commands_never_change_the_database_file(
    tmp_path: Path, arguments: list[str]
) -> None:
    """Not its mode (it was chmod-ed to 0600), not its bytes, not its time."""
    path = chargeclock_database(tmp_path / "clinic.sqlite3")
    path.chmod(0o644)
    before = path.stat()
    content = path.read_bytes()
    out = str(tmp_path / "bill.pdf")
    main([*(a.format(out=out) for a in arguments), "--db", str(path)])
    after = path.stat()
    assert stat.S_IMODE(after.st_mode) == 0o644
    assert after.st_mtime_ns == before.st_mtime_ns
    assert path.read_bytes() == content


def test_the_window_refuses_another_programs_database_untouched(
    qapp: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    (tmp_path / "other").mkdir()
    foreign = foreign_database(tmp_path / "other" / "recipes.db")
    before = snapshot(foreign.parent)
    dialogs: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, _t, text, *a: dialogs.append(text))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    assert app.run(foreign, clock=FakeClock(START)) == 2
    assert len(dialogs) == 1
    assert dialogs[0].startswith(f"ChargeClock cannot start: database {foreign}: ")
    assert "another program's SQLite database (it holds recipes" in dialogs[0]
    assert capsys.readouterr().err.count("\n") == 1
    assert snapshot(foreign.parent) == before


def test_the_window_still_makes_a_new_database_from_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    path.touch()
    db = open_database(path)
    try:
        assert db.conn.execute("SELECT count(*) FROM visits").fetchone() == (0,)
    finally:
        db.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


# --- fee sheets ----------------------------------------------------------------------------


@pytest.fixture
def clinic_db(tmp_path: Path) -> Path:
    return chargeclock_database(tmp_path / "clinic.sqlite3")


def every_row(path: Path) -> list[tuple[object, ...]]:
    services = Services.open(path, FakeClock(START), zone=UTC)
    try:
        return dump(services)
    finally:
        services.close()


def allowed(path: Path) -> dict[str, Decimal]:
    services = Services.open(path, FakeClock(START), zone=UTC)
    try:
        return {
            row.code: row.allowed
            for row in services.records.fee_schedule(2026)
            if row.allowed is not None and row.allowed_source.endswith(".csv")
        }
    finally:
        services.close()


@pytest.mark.parametrize(
    ("encoding", "note"),
    [
        ("utf-8", ""),
        ("utf-8-sig", ""),
        ("utf-16", ""),  # Python writes the byte-order mark
        ("cp1252", "fees.csv is not UTF-8: it was read as Windows-1252"),
    ],
)
def test_fee_sheets_in_the_encodings_people_save_them_in(
    tmp_path: Path, clinic_db: Path, capsys: Any, encoding: str, note: str
) -> None:
    sheet = tmp_path / "fees.csv"
    sheet.write_bytes("code,amount,note\n97110,31.25,Médicare café\n".encode(encoding))
    assert main(["import-fees", str(sheet), "--db", str(clinic_db)]) == 0
    out = capsys.readouterr().out
    assert ("note: " + note in out) == bool(note)
    assert allowed(clinic_db) == {"97110": Decimal("31.25")}


@pytest.mark.parametrize(
    ("amount", "problem"),
    [
        ("1E+20", "'1E+20' is not an amount"),
        ("1_000", "'1_000' is not an amount"),
        ("١٢٣", "'١٢٣' is not an amount"),
        ('"1,00"', "'1,00' is not an amount"),
        ('"1,0000"', "'1,0000' is not an amount"),
        ("12.345", "12.345 has fractions of a cent"),
        ('"$1,000,000,000"', "'$1,000,000,000' is more than a unit's fee can be ($99,999.99)"),
        ("100000.00", "'100000.00' is more than a unit's fee can be ($99,999.99)"),
        ("9" * 40, "is more than a unit's fee can be"),
        ("-5", "must be $0 or more"),
        ("NaN", "'NaN' is not an amount"),
    ],
)
def test_an_amount_that_is_not_plain_dollars_is_refused_naming_the_row(
    tmp_path: Path, clinic_db: Path, capsys: Any, amount: str, problem: str
) -> None:
    sheet = tmp_path / "fees.csv"
    sheet.write_text(f"code,amount\n97140,30.00\n97110,{amount}\n")
    before = every_row(clinic_db)
    assert main(["import-fees", str(sheet), "--db", str(clinic_db)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("chargeclock: fees.csv line 3, column 2 (amount): ")
    assert problem in err and err.count("\n") == 1
    assert every_row(clinic_db) == before  # nothing saved (not even 97140 of line 2)


def test_an_amount_with_commas_but_no_quotes_is_not_read_as_its_first_group(
    tmp_path: Path, clinic_db: Path, capsys: Any
) -> None:
    sheet = tmp_path / "fees.csv"
    sheet.write_text("code,amount\n97110,1,000.00\n")
    assert main(["import-fees", str(sheet), "--db", str(clinic_db)]) == 2
    assert capsys.readouterr().err == (
        "chargeclock: fees.csv line 2, column 3: more cells than the header's 2 columns: put an "
        'amount with commas in quotes ("1,000.00")\n'
    )
    assert allowed(clinic_db) == {}


def test_plain_dollar_amounts_load_exactly(tmp_path: Path, clinic_db: Path) -> None:
    sheet = tmp_path / "fees.csv"
    sheet.write_text('code,amount\n97110,"$1,234.50"\n97140,99999.99\n97112,12\n97116,$0.5\n')
    assert main(["import-fees", str(sheet), "--db", str(clinic_db)]) == 0
    assert allowed(clinic_db) == {
        "97110": Decimal("1234.50"),
        "97140": Decimal("99999.99"),
        "97112": Decimal("12.00"),
        "97116": Decimal("0.50"),
    }


@pytest.mark.parametrize(
    ("content", "where"),
    [
        (b'code,amount\n97110,"' + b"9" * 1_200_000 + b"\n", "fees.csv line 2"),
        (b"code,amount\n97110," + b"9" * 1_200_000 + b"\n", "fees.csv line 2"),
        (b"code,amount\n97110," + b"9" * 100_000 + b"\n", "fees.csv line 2, column 2"),
        (b"code,amount\n97110,12\n" + b"\x81\x8d\x8f" * 400_000, "fees.csv line 3, column 1"),
        (b"code,amount\n9\x0071\x000,12\n", "fees.csv line 2"),
    ],
    ids=["unclosed quote", "huge cell", "long amount", "not text", "NUL bytes"],
)
def test_a_huge_or_broken_sheet_is_one_short_line(
    tmp_path: Path, clinic_db: Path, capsys: Any, content: bytes, where: str
) -> None:
    sheet = tmp_path / "fees.csv"
    sheet.write_bytes(content)
    assert main(["import-fees", str(sheet), "--db", str(clinic_db)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"chargeclock: {where}")
    assert err.count("\n") == 1 and len(err) < 300, err[:400]


@pytest.mark.gui
def test_the_settings_fee_import_refuses_them_too_without_a_traceback(
    qtbot: QtBot, tmp_path: Path, clinic_db: Path
) -> None:
    services = Services.open(clinic_db, FakeClock(START), zone=UTC)
    try:
        tab = FeesTab(services)
        qtbot.addWidget(tab)
        before = dump(services)
        for content in (
            b"code,amount\n97110,1E+20\n",
            b"code,amount\n97110,1_000\n",
            b'code,amount\n97110,"' + b"9" * 1_200_000,
        ):
            sheet = tmp_path / "bad.csv"
            sheet.write_bytes(content)
            assert not tab.import_csv(sheet, charges=True)
            text = tab.form.general.text()
            assert text.startswith("Nothing was imported: bad.csv line 2")
            assert len(text) < 300
        assert dump(services) == before
        sheet = tmp_path / "excel.csv"
        sheet.write_bytes("code,amount,note\n97110,48.00,café\n".encode("cp1252"))
        assert tab.import_csv(sheet, charges=True)
        assert "(excel.csv is not UTF-8: it was read as Windows-1252)" in tab.note.text()
        assert services.records.charges() == {"97110": Decimal("48.00")}
        row = next(n for n in range(tab.table.rowCount()) if tab.table.item(n, 0).text() == "97140")
        tab.table.item(row, CHARGE).setText("1E+20")
        assert "97140 charge: '1E+20' is not an amount" in tab.errors()["fees"]
    finally:
        services.close()


# --- calc ----------------------------------------------------------------------------------


def calc_error(payload: str | bytes) -> str:
    out, err = io.StringIO(), io.StringIO()
    assert run_calc(payload, out, err) == 2
    assert out.getvalue() == ""
    return err.getvalue()


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (
            '{"date_of_service": "2026-03-02", "date_of_service": "2026-03-03", "services": []}',
            "date_of_service: appears twice in the same object (write each key once)\n",
        ),
        (
            '{"date_of_service": "2026-03-02", "services": [{"code": "97110", "pt_minutes": 8},'
            ' {"code": "97140", "pt_minutes": 20, "pt_minutes": 5}]}',
            "services[1].pt_minutes: appears twice in the same object (write each key once)\n",
        ),
        (
            '{"date_of_service": "2026-03-02", "payer": {"kx": true, "kx": false}, "services": []}',
            "payer.kx: appears twice in the same object (write each key once)\n",
        ),
    ],
    ids=["top level", "in a service", "in the payer"],
)
def test_calc_refuses_a_key_written_twice(payload: str, expected: str) -> None:
    assert calc_error(payload) == expected


def test_calc_refuses_input_over_a_mebibyte() -> None:
    padded = '{"date_of_service": "2026-03-02", "services": []}' + " " * (1024 * 1024)
    assert calc_error(padded) == (
        "input: larger than 1 MiB (1,048,576 bytes); a visit's JSON is a few KB\n"
    )


@pytest.mark.parametrize("how", ["FILE", "stdin"])
def test_calc_reads_no_more_than_the_cap_from_an_endless_source(how: str) -> None:
    """/dev/zero never ends: the calc stops a byte past 1 MiB and says so (before, it read until
    memory ran out). The address-space limit makes a regression fail instead of swapping."""
    command = [sys.executable, "-m", "chargeclock.cli", "calc"]
    with open("/dev/zero", "rb") as zero:
        done = subprocess.run(
            command + (["/dev/zero"] if how == "FILE" else []),
            stdin=zero if how == "stdin" else subprocess.DEVNULL,
            capture_output=True,
            timeout=120,
            check=False,
            preexec_fn=_limit_memory,
        )
    assert done.returncode == 2
    assert done.stdout == b""
    assert (
        done.stderr == b"input: larger than 1 MiB (1,048,576 bytes); a visit's JSON is a few KB\n"
    )


def _limit_memory() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (1024 * 1024 * 1024, 1024 * 1024 * 1024))

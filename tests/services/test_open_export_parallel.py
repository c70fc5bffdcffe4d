"""The CSV open export in two processes (:mod:`chargeclock.services.open_parallel`): the same
bytes as the serial export, one snapshot of the database even when a change is committed
between the two processes' reads, and every failure of the second process (it cannot start, it
dies or is killed, it cannot write) an error naming the file, with no file of the export left
and an earlier export as it was."""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from chargeclock.services import open_parallel
from chargeclock.services.open_export import ExportError, export_period
from chargeclock.services.open_worker import FLAG
from chargeclock.storage import open_tables
from chargeclock.storage.database import Database, open_beside
from chargeclock.storage.open_reader import ChangeWatch
from chargeclock.storage.open_tables import TABLES
from tests.faults.conftest import SmallDisk, read_only, small_disk  # noqa: F401
from tests.services.conftest import Clinic
from tests.services.practice_data import DAY, Practice, small_practice

PERIOD = (DAY, DAY + timedelta(days=2))

sqlite_only = pytest.mark.sqlite_file  # the second process reads a SQLite file

#: what a CSV cell can hold that its quoting must get right, and a spreadsheet's formula starts
ALPHABET = ['"', ",", "\r", "\n", "'", "=", "+", "-", "@", "\t", " ", "é", "王", "ا", "a", "Z", "0"]


def _text(rng: random.Random, empty_ok: bool = True) -> str:
    text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0 if empty_ok else 1, 9)))
    return text if text.strip() or empty_ok else "x" + text


def _seed(services: Any, rng: random.Random) -> None:
    """Many patients with odd text and their payments in the period, and ledger adjustments
    (the second process writes them), all made up from ``rng``: seeded, so the same every run.
    Written with SQL (not audited): the test closes its services itself."""
    db = services.db
    first, last = PERIOD
    with db.transaction():
        visits = db.execute("SELECT id, patient_id FROM visits").fetchall()
        for _ in range(300):
            patient = db.execute(
                "INSERT INTO patients (last_name, first_name, date_of_birth, sex, address, "
                "phone, member_id) VALUES (?, ?, '1950-01-01', ?, ?, ?, ?) RETURNING id",
                (
                    _text(rng, empty_ok=False),
                    _text(rng, empty_ok=False),
                    rng.choice(["", "F", "M"]),
                    _text(rng),
                    _text(rng),
                    _text(rng),
                ),
            ).fetchone()[0]
            db.execute(
                "INSERT INTO payments (patient_id, paid_on, amount_cents, method) "
                "VALUES (?, ?, ?, ?)",
                (patient, rng.choice([first, last]).isoformat(), rng.randint(1, 10**7), "cash"),
            )
            visit, owner = rng.choice(visits)
            db.execute(
                "INSERT INTO ledger_entries (patient_id, visit_id, entry_date, kind, "
                "adjustment_type, amount_cents, note, recorded_at) "
                "VALUES (?, ?, ?, 'adjustment', ?, ?, ?, '2026-03-02T15:00:00.000000Z')",
                (
                    owner,
                    rng.choice([None, visit]),
                    rng.choice([first, last]).isoformat(),
                    rng.choice(["contractual", "write_off", "refund"]),
                    rng.choice([-1, 1]) * rng.randint(1, 10**6),
                    _text(rng),
                ),
            )


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture
def practice(clinic: Clinic) -> Iterator[Practice]:
    yield small_practice(clinic)
    clinic.services.close()  # the tests change rows with SQL: no audit to check at the end


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[subprocess.Popen[bytes]]:
    """The second processes the exports start."""
    workers: list[subprocess.Popen[bytes]] = []

    class Seen(open_parallel._Worker):
        def __init__(self, *args: Any) -> None:
            super().__init__(*args)
            workers.append(self.process)

    monkeypatch.setattr(open_parallel, "_Worker", Seen)
    return workers


@sqlite_only
@pytest.mark.parametrize("seed", [1, 2])
def test_two_processes_write_the_serial_bytes(
    practice: Practice, tmp_path: Path, started: list[subprocess.Popen[bytes]], seed: int
) -> None:
    services = practice.clinic.services
    _seed(services, random.Random(seed))
    serial = export_period(services, *PERIOD, tmp_path / "serial", parallel=False)
    assert not started
    parallel = export_period(services, *PERIOD, tmp_path / "parallel", parallel=True)
    assert len(started) == 1 and started[0].returncode == 0
    assert [(f.table, f.rows) for f in parallel.files] == [(f.table, f.rows) for f in serial.files]
    assert _files(tmp_path / "parallel") == _files(tmp_path / "serial")
    assert [(f.table, f.rows) for f in parallel.files][-1] == ("adjustments", 300)
    assert {p.stat().st_mode & 0o777 for p in (tmp_path / "parallel").iterdir()} == {0o600}


def test_a_server_clinic_is_exported_by_one_process(
    practice: Practice, tmp_path: Path, started: list[subprocess.Popen[bytes]]
) -> None:
    services = practice.clinic.services
    export_period(services, *PERIOD, tmp_path / "serial", parallel=False)
    export_period(services, *PERIOD, tmp_path / "asked", parallel=True)
    assert _files(tmp_path / "asked") == _files(tmp_path / "serial")
    assert len(started) == (1 if services.db.dialect == "sqlite" else 0)


def _change(db: Any) -> None:
    """A change committed by another connection: a claim line's units (the second process's
    table) and a patient's name (this one's)."""
    if db.dialect == "postgresql":
        from chargeclock.storage.pg_schema import open_server

        other: Any = open_server(db.target, write=True, create=False)
    else:
        other = open_beside(db.path)
    try:
        with other.transaction():
            other.execute("UPDATE claim_lines SET units = units + 1")
            other.execute("UPDATE patients SET last_name = last_name || 'x'")
    finally:
        other.close()


@sqlite_only
def test_a_change_between_the_two_snapshots_is_never_half_exported(
    practice: Practice,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    started: list[subprocess.Popen[bytes]],
) -> None:
    """This process has begun reading when the change is committed; the second begins after
    it. The export is the database as it was before (what this process reads), every file."""
    services = practice.clinic.services
    assert isinstance(services.db, Database) and services.db.path is not None
    before = tmp_path / "before"
    export_period(services, *PERIOD, before, parallel=False)
    spied = open_parallel._Worker  # the fixture's spy

    class Late(spied):  # type: ignore[misc, valid-type]
        def send(self, *args: Any) -> None:
            _change(services.db)  # before it is given its work, and so its snapshot
            super().send(*args)

    monkeypatch.setattr(open_parallel, "_Worker", Late)
    export_period(services, *PERIOD, tmp_path / "during", parallel=True)
    assert len(started) == 1  # started, then stopped: it read the changed database
    assert _files(tmp_path / "during") == _files(before)
    # the change was there to see: an export now has it in both files
    after = _files(Path(export_period(services, *PERIOD, tmp_path / "after").folder))
    assert after["claim_lines.csv"] != _files(before)["claim_lines.csv"]
    assert after["patients.csv"] != _files(before)["patients.csv"]


def test_one_process_reads_one_snapshot(
    practice: Practice, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A change committed once the first table is read is in no file of the export (on a
    server as in a file): every table is read in one transaction."""
    services = practice.clinic.services
    before = tmp_path / "before"
    export_period(services, *PERIOD, before, parallel=False)
    real = open_tables.rows
    read: list[str] = []

    def rows(conn: Any, spec: Any, *args: Any, **kwargs: Any) -> Any:
        found = real(conn, spec, *args, **kwargs)
        if not read:
            _change(services.db)
        read.append(spec.name)
        return found

    monkeypatch.setattr(open_tables, "rows", rows)
    export_period(services, *PERIOD, tmp_path / "during", parallel=False)
    assert read[0] == "patients" and "claim_lines" in read
    assert _files(tmp_path / "during") == _files(before)
    after = _files(Path(export_period(services, *PERIOD, tmp_path / "after").folder))
    assert after["claim_lines.csv"] != _files(before)["claim_lines.csv"]


@sqlite_only
def test_no_change_keeps_the_second_process(
    practice: Practice, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check is not always "changed": without a change, the second process's file is kept
    (this process never writes it)."""
    written: list[str] = []
    real = open_parallel.write_tables

    def spy(db: Any, first: Any, last: Any, folder: Any, staged: Any, write: Any) -> Any:
        def here(spec: Any, temp: Path) -> int:
            written.append(spec.name)
            return int(write(spec, temp))

        return real(db, first, last, folder, staged, here)

    monkeypatch.setattr(open_parallel, "write_tables", spy)
    export_period(practice.clinic.services, *PERIOD, tmp_path, parallel=True)
    assert "claim_lines" not in written and "visits" in written


@sqlite_only
def test_inside_a_transaction_what_it_has_not_committed_is_exported(
    practice: Practice, tmp_path: Path, started: list[subprocess.Popen[bytes]]
) -> None:
    """The second process would not see it: one process writes every file."""
    services = practice.clinic.services
    db = services.db
    with db.transaction():
        db.execute("UPDATE claim_lines SET units = units + 1")
        db.execute("UPDATE patients SET last_name = last_name || 'x'")
        export_period(services, *PERIOD, tmp_path / "inside", parallel=True)
        export_period(services, *PERIOD, tmp_path / "serial", parallel=False)
    assert not started
    assert _files(tmp_path / "inside") == _files(tmp_path / "serial")


def test_a_watch_of_an_immutable_file_sees_it_written(tmp_path: Path) -> None:
    path = tmp_path / "w.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    watch = ChangeWatch(str(path), path.as_uri() + "?mode=ro&immutable=1")
    assert not watch.changed()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO t VALUES (1)")
    conn.commit()
    conn.close()  # the last connection copies its log into the file
    assert watch.changed()
    watch.close()


# --- failures -----------------------------------------------------------------------------

#: second processes that fail, as a command: each prints what the real one would, up to a point
DIES_AT_ONCE = "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"
DIES_WRITING = (
    "import json, os, signal, sys\n"
    "job = json.loads(sys.stdin.read())\n"
    "print('ready', flush=True)\n"
    "open(job['files'][0]['path'], 'w').write('id,visit_id\\r\\n1,')\n"
    "os.kill(os.getpid(), signal.SIGKILL)\n"
)
QUITS = "import sys; sys.stdin.read(); print('ready', flush=True); sys.exit(3)"


@sqlite_only
@pytest.mark.parametrize(
    ("command", "said"),
    [
        ([sys.executable, "-c", DIES_AT_ONCE], f"stopped: killed by signal {signal.SIGKILL:d}"),
        ([sys.executable, "-c", DIES_WRITING], f"stopped: killed by signal {signal.SIGKILL:d}"),
        ([sys.executable, "-c", QUITS], "stopped: status 3"),
        (["/nonexistent/python3"], "/nonexistent/python3, cannot start: No such file"),
    ],
    ids=["killed-at-start", "killed-writing", "quits", "cannot-start"],
)
def test_a_second_process_that_fails_leaves_the_earlier_export(
    practice: Practice,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    command: list[str],
    said: str,
) -> None:
    services = practice.clinic.services
    export_period(services, *PERIOD, tmp_path, parallel=False)
    before = _files(tmp_path)
    monkeypatch.setattr(open_parallel, "worker_command", lambda: command)
    with pytest.raises(ExportError, match=r"claim_lines\.csv.*cannot write the export") as error:
        export_period(services, *PERIOD, tmp_path, parallel=True)
    assert said in str(error.value) and "export again" in str(error.value)
    assert _files(tmp_path) == before  # no temporary file left, no file replaced


@sqlite_only
def test_the_real_second_process_killed(
    practice: Practice, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second process itself, killed as soon as it is started (where it is then: loading,
    reading its work, taking its snapshot)."""
    killed: list[subprocess.Popen[bytes]] = []

    class Killed(open_parallel._Worker):
        def __init__(self, *args: Any) -> None:
            super().__init__(*args)
            self.process.kill()
            self.process.wait()
            killed.append(self.process)

    monkeypatch.setattr(open_parallel, "_Worker", Killed)
    with pytest.raises(ExportError, match=r"claim_lines\.csv.*killed by signal 9"):
        export_period(practice.clinic.services, *PERIOD, tmp_path / "out", parallel=True)
    assert list((tmp_path / "out").iterdir()) == []
    assert killed[0].returncode == -signal.SIGKILL


@sqlite_only
@pytest.mark.parametrize("second", ["split", "all"])
def test_a_full_disk_stops_both_processes_and_leaves_the_earlier_export(
    practice: Practice,
    small_disk: SmallDisk,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    started: list[subprocess.Popen[bytes]],
    second: str,
) -> None:
    """The disk fills while the files are written: with the tables split as always (whichever
    process meets it first), and with every table written by the second process."""
    if second == "all":
        monkeypatch.setattr(open_parallel, "SECOND", tuple(t.name for t in TABLES))
    services = practice.clinic.services
    _seed(services, random.Random(3))
    target = small_disk.folder / "export"
    target.mkdir()
    export_period(services, *PERIOD, target, parallel=False)
    before = _files(target)
    small_disk.fill()
    with pytest.raises(ExportError, match=r"export.*No space left on device.*free some space"):
        export_period(services, *PERIOD, target, parallel=True)
    assert _files(target) == before
    assert started and all(w.returncode is not None for w in started)


@sqlite_only
def test_a_read_only_folder_is_refused_whole(
    practice: Practice, tmp_path: Path, started: list[subprocess.Popen[bytes]]
) -> None:
    target = tmp_path / "ro"
    target.mkdir()
    with read_only(target), pytest.raises(ExportError, match=r"ro.*cannot write the export"):
        export_period(practice.clinic.services, *PERIOD, target, parallel=True)
    assert list(target.iterdir()) == []
    assert all(w.returncode is not None for w in started)  # stopped, not left running


ENTRY = Path(__file__).resolve().parents[2] / "packaging" / "chargeclock_main.py"


@pytest.mark.parametrize(
    "command",
    [open_parallel.worker_command(), [sys.executable, str(ENTRY), FLAG]],
    ids=["module", "bundle-entry"],
)
def test_the_second_process_reports_a_file_it_cannot_write(
    tmp_path: Path, command: list[str]
) -> None:
    """The worker itself, as this interpreter runs it and as the bundle's entry script does
    (the bundled executable runs that script): it writes its files, and one it cannot open
    is said with the system's error and which it is."""
    path = tmp_path / "db.sqlite3"
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE t (x)")
    job = {
        "database": path.as_uri() + "?mode=ro",
        "files": [
            {"sql": "SELECT 1", "params": [], "names": ["a"], "path": str(tmp_path / "a")},
            {"sql": "SELECT 1", "params": [], "names": ["a"], "path": str(tmp_path / "no" / "b")},
        ],
    }
    done = subprocess.run(
        command,
        input=json.dumps(job).encode(),
        capture_output=True,
        check=False,
        env={"PYTHONPATH": str(Path(open_parallel.__file__).parents[2])},
    )
    lines = done.stdout.decode().splitlines()
    assert done.returncode == 1 and lines[0] == "ready", done.stderr
    report = json.loads(lines[-1])
    assert report["failed"] == 1 and report["errno"] == 2 and "No such file" in report["reason"]
    assert (tmp_path / "a").read_bytes() == b"a\r\n1\r\n"

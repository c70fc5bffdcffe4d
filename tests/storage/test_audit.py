"""The audit log refuses changes, and a change made behind its back is found and named."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from chargeclock.cli import main
from chargeclock.storage import audit
from chargeclock.storage.database import open_database

AT = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


def _log(path: Path, entries: int = 5) -> None:
    db = open_database(path)
    try:
        with db.transaction():
            for n in range(entries):
                audit.append(
                    db.conn, at=AT, actor="dana", action="segment_edited", entity="timer_segment",
                    entity_id=n, reason=f"reason {n}", details={"minutes": n, "note": "ü"},
                )  # fmt: skip
    finally:
        db.close()


def test_update_and_delete_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite3"
    _log(path)
    db = open_database(path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.conn.execute("UPDATE audit_log SET reason = 'x' WHERE id = 2")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.conn.execute("DELETE FROM audit_log WHERE id = 2")
        check = audit.verify_chain(db.conn)
        assert check.ok and check.entries == 5
    finally:
        db.close()


def _tamper(path: Path, sql: str) -> None:
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("DROP TRIGGER audit_log_no_delete")
    conn.execute(sql)
    conn.commit()
    conn.close()


@pytest.mark.parametrize(
    ("sql", "broken", "problem"),
    [
        ("UPDATE audit_log SET reason = 'nothing to see' WHERE id = 3", 3, "contents"),
        ("UPDATE audit_log SET details = '{\"minutes\":9}' WHERE id = 4", 4, "contents"),
        ("DELETE FROM audit_log WHERE id = 2", 3, "entry 2 is missing"),
    ],
)
def test_tampering_is_found_and_named(tmp_path: Path, sql: str, broken: int, problem: str) -> None:
    path = tmp_path / "a.sqlite3"
    _log(path)
    _tamper(path, sql)
    db = open_database(path, lock=False)
    try:
        check = audit.verify_chain(db.conn)
    finally:
        db.close()
    assert check.broken_id == broken and problem in check.problem


def test_verify_audit_command_exit_status_and_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a.sqlite3"
    _log(path)
    assert main(["verify-audit", "--db", str(path)]) == 0
    assert "5 entries, chain intact" in capsys.readouterr().out
    _tamper(path, "UPDATE audit_log SET actor = 'someone else' WHERE id = 2")
    assert main(["--db", str(path), "verify-audit"]) == 1
    assert "BROKEN at entry 2" in capsys.readouterr().out


def test_verify_audit_reads_chargeclock_db_from_the_environment(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite3"
    _log(path, 2)
    out = subprocess.run(
        [sys.executable, "-m", "chargeclock.cli", "verify-audit"],
        capture_output=True,
        text=True,
        env={"CHARGECLOCK_DB": str(path), "PATH": "/usr/bin:/bin"},
    )
    assert out.returncode == 0, out.stderr
    assert "2 entries" in out.stdout

"""What every engine must do the same: the SQLite file and a PostgreSQL server, one parameter.

Transactions and savepoints, placeholders beside a literal ``%``, new ids, the audit log's
append-only rule, tampering found and named, and the errors the server's failures become.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from chargeclock.services.session import open_engine
from chargeclock.storage import audit, audit_verify, patients
from chargeclock.storage.errors import (
    ConflictError,
    DatabaseMissingError,
    SchemaTooNewError,
    StorageError,
    WriteFailedError,
)
from chargeclock.storage.store import Engine, insert_id
from tests.conftest import STORES
from tests.helpers import tamper_store
from tests.pg_server import Cluster

AT = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


@pytest.fixture(params=STORES)
def target(request: pytest.FixtureRequest, tmp_path: Path) -> str | Path:
    """Where a fresh clinic database is: a new file, or a new database on the test server."""
    if request.param == "postgresql":
        cluster: Cluster = request.getfixturevalue("pg_cluster")
        return cluster.new_database()
    return tmp_path / "clinic.sqlite3"


@pytest.fixture
def engine(target: str | Path) -> Iterator[Engine]:
    db = open_engine(target)
    yield db
    db.close()


def _patient(db: Engine, last: str) -> int:
    return insert_id(
        db,
        "INSERT INTO patients (last_name, first_name, date_of_birth) VALUES (?, ?, ?)",
        (last, "Jane", "1950-01-02"),
    )


def _count(db: Engine, table: str) -> int:
    return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_ids_come_back_and_a_literal_percent_stays_beside_placeholders(engine: Engine) -> None:
    with engine.transaction():
        first, second = _patient(engine, "Doe"), _patient(engine, "100% Smith")
    assert second == first + 1
    row = engine.execute(
        "SELECT id FROM patients WHERE last_name LIKE '100%' AND first_name = ?", ("Jane",)
    ).fetchone()
    assert row == (second,)
    # The search is case-blind on both engines (SQLite's LIKE is, PostgreSQL's is not).
    assert [p.last_name for p in patients.search_patients(engine, "smi")] == ["100% Smith"]


def _failing_block(db: Engine, last_name: str) -> None:
    """A block that adds a patient, then fails."""
    with db.transaction():
        _patient(db, last_name)
        raise RuntimeError("refused")


def test_a_failed_block_keeps_nothing_and_a_nested_block_is_a_savepoint(engine: Engine) -> None:
    with pytest.raises(RuntimeError):
        _failing_block(engine, "Gone")
    assert _count(engine, "patients") == 0 and not engine.in_transaction
    with engine.transaction():
        _patient(engine, "Kept")
        with pytest.raises(RuntimeError):
            _failing_block(engine, "Undone")
        _patient(engine, "After")
    names = [r[0] for r in engine.execute("SELECT last_name FROM patients ORDER BY id")]
    assert names == ["Kept", "After"]


def test_the_audit_log_is_append_only(engine: Engine) -> None:
    with engine.transaction():
        for n in range(3):
            audit.append(engine, at=AT, actor="dana", action="segment_edited",
                         entity="timer_segment", entity_id=n, reason=f"r{n}",
                         details={"n": n})  # fmt: skip
    refused = (sqlite3.IntegrityError, ConflictError)
    for sql in ("UPDATE audit_log SET reason = 'x' WHERE id = 2", "DELETE FROM audit_log"):
        with pytest.raises(refused, match="append-only"), engine.transaction():
            engine.execute(sql)
    with pytest.raises(refused, match="append-only"), engine.transaction():
        engine.execute("DELETE FROM audit_keys")
    report = audit_verify.verify(engine)
    assert report.ok and report.entries == 3


@pytest.mark.parametrize(
    ("sql", "broken", "problem"),
    [
        ("UPDATE audit_log SET reason = 'nothing to see' WHERE id = 3", 3, "keyed hash"),
        ("DELETE FROM audit_log WHERE id = 2", 3, "entry 2 is missing"),
    ],
)
def test_tampering_is_found_and_named(engine: Engine, sql: str, broken: int, problem: str) -> None:
    with engine.transaction():
        for n in range(5):
            audit.append(engine, at=AT, actor="dana", action="segment_edited",
                         entity="timer_segment", entity_id=n, reason=f"r{n}",
                         details={"minutes": n, "note": "ü'%"})  # fmt: skip
    assert audit_verify.verify(engine).ok
    tamper_store(engine, sql)
    report = audit_verify.verify(engine)
    assert report.broken_id == broken and problem in report.problems[0]


def test_a_billing_row_changed_behind_the_log_is_named_the_same_on_both(engine: Engine) -> None:
    from chargeclock.storage import audit_rows

    with engine.transaction():
        patient = _patient(engine, "O'Neil")
        visit = insert_id(
            engine,
            "INSERT INTO visits (patient_id, date_of_service, opened_at) VALUES (?, ?, ?)",
            (patient, "2026-03-02", "2026-03-02T14:00:00Z"),
        )
        audit.append(engine, at=AT, actor="dana", action="visit_opened", entity="visit",
                     entity_id=visit, reason="", details={},
                     covers=[("visit", visit)])  # fmt: skip
    text = audit_rows.row_text(engine, "visit", visit)
    assert text == f"({patient},'2026-03-02','PT','11',NULL,NULL,NULL,'open',NULL)"
    engine.execute("UPDATE visits SET place_of_service = 'x''y' WHERE id = ?", (visit,))
    report = audit_verify.verify(engine)
    assert not report.ok
    assert (
        f"visit {visit} of patient {patient}: place of service x'y, audited 11"
        in (report.problems[0])
    )


# --- the server's own failures ---------------------------------------------------------------


@pytest.fixture
def server(pg_cluster: Cluster) -> Iterator[Engine]:
    db = open_engine(pg_cluster.new_database())
    yield db
    db.close()


def test_a_server_that_cannot_be_reached_is_named_without_its_password(tmp_path: Path) -> None:
    url = f"postgresql://clinic:s3cret@/nowhere?host={tmp_path}"
    with pytest.raises(StorageError) as caught:
        open_engine(url)
    message = str(caught.value)
    assert "postgresql://clinic@/nowhere" in message and "s3cret" not in message
    assert "cannot connect to the clinic server" in message


def test_a_lost_connection_saves_nothing_and_the_next_call_connects_again(
    server: Engine,
) -> None:
    from chargeclock.storage.pg import ServerDatabase

    assert isinstance(server, ServerDatabase)

    def cut_off_midway() -> None:
        with server.transaction():
            _patient(server, "Lost")
            # The server ends this connection (a restart, a dropped network) mid-change.
            with ServerDatabase(server.url) as admin:
                admin.execute("SELECT pg_terminate_backend(?)", (server.conn.info.backend_pid,))
            _patient(server, "Lost too")

    with pytest.raises(WriteFailedError, match="NOT saved"):
        cut_off_midway()
    assert not server.in_transaction
    assert _count(server, "patients") == 0  # a new connection, and nothing of the change
    with server.transaction():
        _patient(server, "Next")
    assert _count(server, "patients") == 1


def test_a_second_running_timer_for_a_role_is_a_conflict_on_the_server(server: Engine) -> None:
    with server.transaction():
        patient = _patient(server, "Doe")
        visit = insert_id(server, "INSERT INTO visits (patient_id, date_of_service, opened_at) "
                          "VALUES (?, '2026-03-02', 'x')", (patient,))  # fmt: skip
        add = "INSERT INTO visit_codes (visit_id, code, position) VALUES (?, ?, ?)"
        codes = [insert_id(server, add, (visit, c, n)) for n, c in enumerate(("97110", "97140"))]
    start = (
        "INSERT INTO timer_segments (visit_id, visit_code_id, role, started_at) "
        "VALUES (?, ?, 'PT', 'x')"
    )
    with server.transaction():
        server.execute(start, (visit, codes[0]))
    with pytest.raises(ConflictError, match="NOT saved"), server.transaction():
        server.execute(start, (visit, codes[1]))
    assert _count(server, "timer_segments") == 1


def test_a_server_schema_from_a_newer_build_is_refused(server: Engine, tmp_path: Path) -> None:
    server.execute("INSERT INTO chargeclock_migrations (name) VALUES ('9999_from_the_future')")
    with pytest.raises(SchemaTooNewError, match="9999_from_the_future"):
        open_engine(server.target)


def test_a_reader_refuses_an_empty_server_database(pg_cluster: Cluster) -> None:
    url = pg_cluster.url("postgres")
    with pytest.raises(DatabaseMissingError, match="holds no ChargeClock clinic"):
        open_engine(url, write=False, create=False)


def test_the_sqlite_schema_is_translated_for_the_server() -> None:
    from chargeclock.storage.pg_schema import to_postgresql

    sql = to_postgresql(
        "CREATE TABLE t (\n    id INTEGER PRIMARY KEY,\n    v TEXT NOT NULL\n) STRICT;\n"
        "CREATE TRIGGER t_no_update BEFORE UPDATE ON t\nBEGIN\n"
        "    SELECT RAISE(ABORT, 't is append-only: it''s so');\nEND;\n"
    )
    assert "STRICT" not in sql and "RAISE(ABORT" not in sql
    assert "id INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY" in sql
    assert "RAISE EXCEPTION 't is append-only: it''s so' USING ERRCODE = '23000'" in sql
    assert "CREATE TRIGGER t_no_update BEFORE UPDATE ON t" in sql


def test_a_reader_of_a_server_clinic_cannot_change_it(server: Engine) -> None:
    reader = open_engine(server.target, write=False, create=False)
    try:
        with pytest.raises(WriteFailedError, match="refused the change"), reader.transaction():
            _patient(reader, "Never")
    finally:
        reader.close()
    assert _count(server, "patients") == 0

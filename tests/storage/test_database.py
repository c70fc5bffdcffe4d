"""The database file: settings, migrations, owner-only files, one process at a time."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from chargeclock.storage.database import connect, open_database
from chargeclock.storage.errors import DatabaseInUseError, SchemaTooNewError, StorageError
from chargeclock.storage.migrations import applied_names, migrate, migration_files, statements

LATEST = [p.stem for p in migration_files()]


def test_fresh_database_has_every_step_and_our_settings(tmp_path: Path) -> None:
    db = open_database(tmp_path / "new.sqlite3")
    try:
        conn = db.conn
        assert applied_names(conn) == LATEST
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert conn.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL
        assert conn.execute("PRAGMA foreign_keys").fetchone() == (1,)
        tables = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' "
            "ESCAPE '\\' AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
        names = {n for n, _ in tables}
        assert {"visits", "timer_segments", "audit_log", "heartbeat", "claim_lines"} <= names
        assert all(sql.rstrip().endswith("STRICT") for _, sql in tables), "every table is STRICT"
        with pytest.raises(sqlite3.IntegrityError):  # foreign keys are enforced
            conn.execute(
                "INSERT INTO visits (patient_id, date_of_service, opened_at) "
                "VALUES (999, '2026-01-01', 'x')"
            )
    finally:
        db.close()


def test_database_and_backups_are_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "data" / "c.sqlite3"
    db = open_database(path)
    try:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        from chargeclock.storage.backup import write_copy

        write_copy(db.conn, tmp_path / "b.sqlite3", path)
        assert stat.S_IMODE((tmp_path / "b.sqlite3").stat().st_mode) == 0o600
        for extra in ("-wal", "-shm"):
            side = path.with_name(path.name + extra)
            if side.exists():
                assert stat.S_IMODE(side.stat().st_mode) & 0o077 == 0
    finally:
        db.close()


def test_upgrade_from_the_first_step_keeps_the_data(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    conn = connect(path)
    migrate(conn, path, stop_before=LATEST[1])
    assert applied_names(conn) == LATEST[:1]
    conn.execute(
        "INSERT INTO patients (last_name, first_name, date_of_birth) VALUES ('Doe', 'Jo', "
        "'1950-01-01')"
    )
    conn.close()
    db = open_database(path)
    try:
        assert applied_names(db.conn) == LATEST
        assert db.conn.execute("SELECT last_name FROM patients").fetchall() == [("Doe",)]
        assert db.conn.execute("SELECT count(*) FROM favourite_codes").fetchone() == (0,)
    finally:
        db.close()


def test_a_database_from_a_newer_build_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    open_database(path).close()
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('chargeclock', '0099_from_the_future', '2030-01-01')"
    )
    conn.commit()
    conn.close()
    with pytest.raises(SchemaTooNewError, match=r"newer ChargeClock .*0099_from_the_future"):
        open_database(path)
    with pytest.raises(SchemaTooNewError):
        open_database(path, lock=False)


def test_a_current_schema_opens_without_sqlite_utils(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    open_database(path).close()
    code = (
        "import sys\n"
        "from chargeclock.storage.database import open_database\n"
        f"open_database({str(path)!r}).close()\n"
        "print('sqlite_utils' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_second_process_is_told_the_first_is_running(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    code = (
        "import sys\n"
        "from chargeclock.storage.database import open_database\n"
        f"db = open_database({str(path)!r})\n"
        "print('open', flush=True)\n"
        "sys.stdin.read()\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        with pytest.raises(DatabaseInUseError, match=rf"already open in .*process {holder.pid}"):
            open_database(path)
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)
        if holder.stdout is not None:
            holder.stdout.close()
    open_database(path).close()  # once the first has gone, the lock is free again


def test_the_lock_is_per_open_even_in_one_process(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    first = open_database(path)
    try:
        with pytest.raises(DatabaseInUseError):
            open_database(path)
    finally:
        first.close()


def test_statements_keep_trigger_bodies_whole() -> None:
    sql = (
        "-- c\nCREATE TABLE t (a INTEGER) STRICT;\n"
        "CREATE TRIGGER x BEFORE DELETE ON t\nBEGIN\n    SELECT RAISE(ABORT, 'no');\nEND;\n"
    )
    assert [s.split()[1] for s in statements(sql)] == ["TABLE", "TRIGGER"]


def test_missing_database_is_not_created_by_readers(tmp_path: Path) -> None:
    from chargeclock.storage.errors import DatabaseMissingError

    with pytest.raises(DatabaseMissingError, match="no such file"):
        open_database(tmp_path / "nope.sqlite3", create=False, lock=False)
    assert not (tmp_path / "nope.sqlite3").exists()
    assert os.listdir(tmp_path) == []


def test_a_file_that_is_not_sqlite_is_refused_with_its_name_and_unlocked(tmp_path: Path) -> None:
    path = tmp_path / "clinic.sqlite3"
    path.write_bytes(b"not a database at all " * 200)
    for _ in range(2):  # the lock was released: the second try says the same, not "in use"
        with pytest.raises(StorageError, match="cannot be read as a ChargeClock database") as info:
            open_database(path)
        assert str(path) in str(info.value)
    assert path.read_bytes().startswith(b"not a database")  # left as it was


def test_a_database_locked_by_another_program_is_not_called_damaged(tmp_path: Path) -> None:
    path = tmp_path / "clinic.sqlite3"
    conn = connect(path)
    migrate(conn, path, stop_before=LATEST[-1])  # an upgrade to apply: opening must write
    conn.close()
    other = sqlite3.connect(path, timeout=0)
    other.execute("BEGIN EXCLUSIVE")  # another program holds the file
    try:
        with pytest.raises(StorageError, match="cannot be opened now") as info:
            _open_impatiently(path)
        assert "database is locked" in str(info.value)
        assert "restore a backup" not in str(info.value)
    finally:
        other.rollback()
        other.close()
    open_database(path).close()  # and it opens once the other program lets go


def _open_impatiently(path: Path) -> None:
    """open_database with the busy timeout cut short, so the test does not wait ten seconds."""
    import chargeclock.storage.database as database

    real = database.connect

    def impatient(target: Path | str) -> sqlite3.Connection:
        conn = real(target)
        conn.execute("PRAGMA busy_timeout = 50")
        return conn

    database.connect = impatient  # type: ignore[assignment]
    try:
        open_database(path)
    finally:
        database.connect = real


def test_another_programs_sqlite_file_is_not_taken_for_ours(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE providers (anything TEXT)")  # clashes with our schema
    conn.close()
    with pytest.raises(StorageError, match="cannot be read as a ChargeClock database"):
        open_database(path)


def test_a_failed_commit_rolls_back_and_leaves_no_open_transaction(tmp_path: Path) -> None:
    db = open_database(tmp_path / "c.sqlite3")
    try:
        db.conn.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
        db.conn.execute("CREATE TABLE child (parent_id INTEGER REFERENCES parent (id))")

        def orphan() -> None:
            # A deferred foreign key is only checked at COMMIT, which then fails.
            with db.transaction() as conn:
                conn.execute("PRAGMA defer_foreign_keys = ON")
                conn.execute("INSERT INTO child VALUES (42)")

        with pytest.raises(sqlite3.IntegrityError):
            orphan()
        assert not db.conn.in_transaction
        assert db.conn.execute("SELECT COUNT(*) FROM child").fetchone()[0] == 0
        with db.transaction() as conn:  # the next transaction starts clean and commits
            conn.execute("INSERT INTO parent VALUES (1)")
        assert db.conn.execute("SELECT COUNT(*) FROM parent").fetchone()[0] == 1
    finally:
        db.close()


def test_a_nested_block_is_a_savepoint(tmp_path: Path) -> None:
    db = open_database(tmp_path / "c.sqlite3")
    try:
        db.conn.execute("CREATE TABLE t (v INTEGER)")

        def insert(value: int, *, fail: bool = False) -> None:
            with db.transaction() as conn:
                conn.execute("INSERT INTO t VALUES (?)", (value,))
                if fail:
                    raise ValueError(f"the step inserting {value} fails")

        with db.transaction():
            insert(1)
            with pytest.raises(ValueError):
                insert(2, fail=True)
            insert(3)
        rows = [r[0] for r in db.conn.execute("SELECT v FROM t ORDER BY v")]
        assert rows == [1, 3]

        def outer_fails_after_inner() -> None:
            with db.transaction():
                insert(4)
                insert(5)
                raise ValueError("the outer block fails after the inner ones succeeded")

        with pytest.raises(ValueError):
            outer_fails_after_inner()
        assert [r[0] for r in db.conn.execute("SELECT v FROM t ORDER BY v")] == [1, 3]
    finally:
        db.close()


def _migrations_with(tmp_path: Path, name: str, text: str) -> Path:
    """The shipped migrations plus one more step, in a folder of their own."""
    folder = tmp_path / "migrations"
    folder.mkdir()
    for path in migration_files():
        (folder / path.name).write_text(path.read_text())
    # After the last number (numbers are reserved per change, so there may be gaps).
    (folder / name.format(int(migration_files()[-1].name[:4]) + 1)).write_text(text)
    return folder


def test_migration_numbers_have_no_gap_and_no_repeat(tmp_path: Path) -> None:
    folder = _migrations_with(tmp_path, "{:04d}_later.sql", "SELECT 1;")
    last = len(migration_files())
    assert migration_files(folder)[-1].name == f"{last + 1:04d}_later.sql"
    (folder / f"{last + 3:04d}_after_a_gap.sql").write_text("SELECT 1;")
    with pytest.raises(StorageError, match="not numbered"):
        migration_files(folder)
    (folder / f"{last + 3:04d}_after_a_gap.sql").unlink()
    (folder / f"{last + 1:04d}_again.sql").write_text("SELECT 1;")
    with pytest.raises(StorageError, match="not numbered"):
        migration_files(folder)


def test_a_python_step_runs_in_order_and_is_recorded(tmp_path: Path) -> None:
    folder = _migrations_with(
        tmp_path,
        "{:04d}_fill_settings.py",
        "def migrate(conn):\n"
        "    count = conn.execute('SELECT COUNT(*) FROM _sqlite_migrations').fetchone()[0]\n"
        "    conn.execute(\"INSERT INTO app_settings VALUES ('steps_before', ?)\",\n"
        "                 (str(count),))\n",
    )
    db = open_database(tmp_path / "c.sqlite3", migrations=folder)
    try:
        names = applied_names(db.conn)
        assert names[-1].endswith("_fill_settings") and len(names) == len(migration_files()) + 1
        value = db.conn.execute("SELECT value FROM app_settings WHERE key = 'steps_before'")
        assert value.fetchone()[0] == str(len(migration_files()))
    finally:
        db.close()


def test_a_failing_python_step_leaves_the_schema_where_it_was(tmp_path: Path) -> None:
    folder = _migrations_with(
        tmp_path,
        "{:04d}_broken.py",
        "def migrate(conn):\n"
        "    conn.execute(\"INSERT INTO app_settings VALUES ('half', 'done')\")\n"
        "    raise RuntimeError('the step fails halfway')\n",
    )
    path = tmp_path / "c.sqlite3"
    open_database(path).close()  # the shipped schema
    with pytest.raises(RuntimeError, match="halfway"):
        open_database(path, migrations=folder)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM app_settings").fetchone()[0] == 0
        assert len(applied_names(conn)) == len(migration_files())


def test_a_python_step_without_migrate_is_refused(tmp_path: Path) -> None:
    folder = _migrations_with(tmp_path, "{:04d}_empty.py", "VALUE = 1\n")
    with pytest.raises(StorageError, match="defines no migrate"):
        open_database(tmp_path / "c.sqlite3", migrations=folder)


def test_a_timer_tap_reads_a_visits_segments_by_index(tmp_path: Path) -> None:
    """Each tap reads the visit's segments back: by an index, never a scan of every segment of
    every year (migration 0008)."""
    with open_database(tmp_path / "c.sqlite3") as db:
        plan = " / ".join(
            str(row[3])
            for row in db.conn.execute(
                "EXPLAIN QUERY PLAN SELECT id FROM timer_segments WHERE visit_id = ? "
                "ORDER BY started_at",
                (1,),
            )
        )
    assert "USING INDEX timer_segments_visit" in plan or "USING COVERING INDEX" in plan, plan
    assert "SCAN timer_segments" not in plan

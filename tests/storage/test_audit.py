"""The audit log: append-only, keyed, covering the billing rows, checked read-only.

The attacks on a whole clinic's database are in ``tests/faults/test_audit_tamper.py``; here the
log's own rules: the canonical text, the two hash rules, the key files, anchors, and the command.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chargeclock.cli import main
from chargeclock.clock import FakeClock
from chargeclock.paths import audit_keys_dir
from chargeclock.services.backups import restore
from chargeclock.services.session import Services
from chargeclock.storage import audit, audit_anchor, audit_keys, audit_rows, audit_verify
from chargeclock.storage.database import open_database, open_read_only
from chargeclock.storage.errors import StorageError
from chargeclock.storage.migrations import migrate, migration_files
from tests.helpers import tamper

AT = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
KEYED_STEP = next(p.stem for p in migration_files() if p.name.startswith("0007"))


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


def _verify(path: Path, **options: object) -> audit_verify.AuditReport:
    with open_read_only(path) as db:
        return audit_verify.verify(db.conn, **options)  # type: ignore[arg-type]


@given(
    st.text(),
    st.text(),
    st.text(),
    st.text(),
    st.one_of(st.none(), st.integers(-(2**62), 2**62)),
    st.integers(1, 2**40),
)
def test_the_entry_text_is_the_canonical_json_of_its_fields(
    actor: str, action: str, reason: str, details: str, entity_id: int | None, entry_id: int
) -> None:
    at = "2026-03-02T14:00:00.000000Z"
    fields: dict[str, object] = {
        "id": entry_id, "at": at, "actor": actor, "action": action,
        "entity": "visit", "entity_id": entity_id, "reason": reason, "details": details,
    }  # fmt: skip
    for rows in (None, "rows\n'x'"):
        text = audit.entry_text(entry_id, at, actor, action, "visit", entity_id, reason, details,
                                rows)  # fmt: skip
        assert text == audit.canonical_json(fields if rows is None else {**fields, "rows": rows})


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=9), inner, max_size=3)
    ),
    max_leaves=8,
)


@given(
    st.dictionaries(st.sampled_from(["visit_id", "visit", "a", "zz", 'x"visit_id"']), _JSON),
    st.one_of(st.just({}), st.dictionaries(st.just("visit_id"), _JSON)),
)
def test_the_visit_named_in_an_entrys_text_is_the_visit_of_its_details(
    details: dict[str, object], nested: dict[str, object]
) -> None:
    """verify-audit's fast reading of the stored text agrees with how the column was filled,
    whatever the details hold (a visit_id of any type, one nested deeper, NaN)."""
    details = {**details, "before": nested}
    assert audit.visit_named(audit.canonical_json(details)) == audit.visit_of(details)


@given(
    st.lists(
        st.one_of(
            st.none(),
            st.integers(-(2**63), 2**63 - 1),
            st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",))),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_a_rows_text_keeps_its_values_and_stays_on_one_line(values: list[object]) -> None:
    conn = sqlite3.connect(":memory:")
    quoted = " || ',' || ".join("quote(?)" for _ in values)
    text = conn.execute(f"SELECT '(' || {quoted} || ')'", values).fetchone()[0]
    conn.close()
    line = audit_rows._one_line(text)
    assert "\n" not in line
    assert audit_rows.values(line) == values


def test_update_and_delete_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite3"
    _log(path)
    db = open_database(path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.conn.execute("UPDATE audit_log SET reason = 'x' WHERE id = 2")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.conn.execute("DELETE FROM audit_log WHERE id = 2")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.conn.execute("DELETE FROM audit_keys")
    finally:
        db.close()
    report = _verify(path)
    assert report.ok and report.entries == 5 and report.keyed_entries == 5


@pytest.mark.parametrize(
    ("sql", "broken", "problem"),
    [
        ("UPDATE audit_log SET reason = 'nothing to see' WHERE id = 3", 3, "keyed hash"),
        ("UPDATE audit_log SET details = '{\"minutes\":9}' WHERE id = 4", 4, "keyed hash"),
        ("DELETE FROM audit_log WHERE id = 2", 3, "entry 2 is missing"),
    ],
)
def test_tampering_is_found_and_named(tmp_path: Path, sql: str, broken: int, problem: str) -> None:
    path = tmp_path / "a.sqlite3"
    _log(path)
    tamper(path, sql)
    report = _verify(path)
    assert report.broken_id == broken and problem in report.problems[0]


def test_key_files_are_owner_only_outside_the_database_and_named_by_it(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite3"
    _log(path, 1)
    db = open_database(path)
    try:
        (epoch,) = audit_keys.epochs(db.conn)
    finally:
        db.close()
    key_file = audit_keys_dir() / f"{epoch.key_id}.key"
    assert not key_file.is_relative_to(tmp_path)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(key_file.parent.stat().st_mode) & 0o077 == 0
    found = audit_keys.read_key_file(key_file)
    assert (found.database_id, found.keyed_from, len(found.key)) == (epoch.database_id, 1, 32)
    assert found.key.hex() not in path.read_bytes().hex()  # the key is not in the database


def test_entries_from_before_the_key_keep_the_plain_rule(tmp_path: Path) -> None:
    """A database from before the keyed log: its entries were plain SHA-256 over the entry's
    canonical JSON, without rows. They still verify; the rows it held are sealed by the first
    keyed entry; a plain entry rewritten keeps failing by the old rule."""
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    migrate(conn, path, stop_before=KEYED_STEP)
    prev = audit.GENESIS
    for n in (1, 2):
        fields = {
            "id": n, "at": "2025-01-02T10:00:00.000000Z", "actor": "dana", "action": "payer_added",
            "entity": "payer", "entity_id": n, "reason": "", "details": '{"name":"ü"}',
        }  # fmt: skip
        digest = audit.plain_hash(prev, audit.canonical_json(fields))
        conn.execute(
            "INSERT INTO audit_log (id, at, actor, action, entity, entity_id, reason, details, "
            "prev_hash, hash) VALUES (:id, :at, :actor, :action, :entity, :entity_id, :reason, "
            ":details, :prev, :hash)",
            {**fields, "prev": prev, "hash": digest},
        )
        prev = digest
    conn.execute(
        "INSERT INTO patients (last_name, first_name, date_of_birth) "
        "VALUES ('A', 'B', '1950-01-01')"
    )
    conn.execute(
        "INSERT INTO payments (patient_id, paid_on, amount_cents, method) "
        "VALUES (1, '2025-01-02', 2500, 'cash')"
    )
    conn.commit()
    conn.close()

    services = Services.open(path, FakeClock(AT))  # upgrades, keys, seals the old rows
    services.records.record_payment(1, "10.00", "card", paid_on=date(2026, 3, 2))
    services.close()
    report = _verify(path)
    assert report.ok, report.problems
    assert (report.plain_entries, report.keyed_entries) == (2, 2)  # the seal, the payment
    assert dict(report.rows)["payment"] == 2

    tamper(path, 'UPDATE audit_log SET details = \'{"name":"x"}\' WHERE id = 1')
    assert _verify(path).problems[0] == "entry 1: its contents do not match its hash"


def test_a_plain_entry_cannot_carry_rows(tmp_path: Path) -> None:
    """Turning keyed entries into 'old' ones (deleting the key record, recomputing plain
    hashes) leaves entries with rows that no plain entry may have."""
    path = tmp_path / "a.sqlite3"
    _log(path, 1)
    services = Services.open(path, FakeClock(AT))
    patient, _ = services.records.add_patient("Doe", "Jane", date(1950, 1, 2))
    services.records.record_payment(patient.id, "10.00", "card")
    services.close()
    tamper(path, "DROP TRIGGER audit_keys_no_delete", "DELETE FROM audit_keys")
    conn = sqlite3.connect(path)
    rows = conn.execute(
        "SELECT id, at, actor, action, entity, entity_id, reason, details, rows "
        "FROM audit_log ORDER BY id"
    ).fetchall()
    conn.close()
    prev = audit.GENESIS
    statements = []
    for r in rows:
        digest = audit.plain_hash(prev, audit.entry_text(*r[:8], None))
        statements.append(
            f"UPDATE audit_log SET prev_hash = '{prev}', hash = '{digest}' WHERE id = {r[0]}"
        )
        prev = digest
    tamper(path, *statements)
    problems = _verify(path).problems
    assert "lists billing rows but is not keyed" in problems[0]


def test_a_missing_key_file_is_named_and_a_copy_given_with_key_checks_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a.sqlite3"
    _log(path, 3)
    db = open_database(path)
    key_id = audit_keys.epochs(db.conn)[0].key_id
    db.close()
    key_file = audit_keys_dir() / f"{key_id}.key"
    kept = tmp_path / "kept-elsewhere.key"
    key_file.rename(kept)
    assert main(["verify-audit", "--db", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"the audit key file {key_file} is missing: keyed entries 1 on cannot be checked" in out
    assert "Traceback" not in out and "internal" not in out
    assert main(["verify-audit", "--db", str(path), "--key", str(kept)]) == 0
    assert "audit log ok" in capsys.readouterr().out
    kept.write_text("not a key\n")
    assert main(["verify-audit", "--db", str(path), "--key", str(kept)]) == 1
    assert "is damaged or not a ChargeClock audit key" in capsys.readouterr().out


def test_after_losing_its_key_the_app_goes_on_with_a_new_one(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite3"
    _log(path, 2)
    db = open_database(path)
    first = audit_keys.epochs(db.conn)[0]
    db.close()
    (audit_keys_dir() / f"{first.key_id}.key").unlink()
    audit_keys._KEYS.clear()  # as a new process would start
    _log(path, 2)  # the change is not refused
    db = open_database(path)
    first_now, second = audit_keys.epochs(db.conn)
    db.close()
    assert first_now == first and second.keyed_from == 3
    assert second.database_id == first.database_id
    report = _verify(path)
    assert report.unchecked_entries == 2
    assert report.problems == (
        f"the audit key file {audit_keys_dir() / (first.key_id + '.key')} is missing: "
        "keyed entries 1–2 cannot be checked",
    )


def test_a_key_folder_that_cannot_be_written_refuses_the_change_and_saves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("CHARGECLOCK_AUDIT_KEYS", str(blocker / "keys"))  # its parent is a file
    db = open_database(tmp_path / "a.sqlite3")

    def add_patient() -> None:
        with db.transaction():
            db.conn.execute(
                "INSERT INTO patients (last_name, first_name, date_of_birth) "
                "VALUES ('A', 'B', '1950-01-01')"
            )
            audit.append(db.conn, at=AT, actor="x", action="patient_added", entity="patient",
                         entity_id=1, reason="", details={})  # fmt: skip

    try:
        with pytest.raises(audit_keys.AuditKeyError, match="cannot create the audit key file"):
            add_patient()
        assert db.conn.execute("SELECT count(*) FROM patients").fetchone() == (0,)
        assert db.conn.execute("SELECT count(*) FROM audit_keys").fetchone() == (0,)
    finally:
        db.close()


def test_the_app_says_so_at_start_when_it_cannot_create_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    keys = os.environ["CHARGECLOCK_AUDIT_KEYS"]
    monkeypatch.setenv("CHARGECLOCK_AUDIT_KEYS", str(blocker / "keys"))
    path = tmp_path / "c.sqlite3"
    with pytest.raises(audit_keys.AuditKeyError) as caught:
        Services.open(path, FakeClock(AT))
    assert str(caught.value).startswith(f"cannot create the audit key file {blocker / 'keys'}")
    assert str(caught.value).endswith("or name another folder with CHARGECLOCK_AUDIT_KEYS")
    monkeypatch.setenv("CHARGECLOCK_AUDIT_KEYS", keys)
    Services.open(path, FakeClock(AT)).close()  # not left locked; opens once the folder is fine


def _visit_of_two_codes(tmp_path: Path, clock: FakeClock) -> tuple[Services, int]:
    """A clinic with a provider and a patient, and the patient's visit with 97110 and 97140."""
    services = Services.open(tmp_path / "c.sqlite3", clock)
    services.records.add_provider("Dana Reyes", "PT", "1234567893")
    patient, _ = services.records.add_patient("Doe", "Jane", date(1950, 1, 2))
    return services, services.visits.open_visit(patient.id, codes=["97110", "97140"]).visit_id


def test_timer_taps_are_entries_with_their_segments(tmp_path: Path) -> None:
    clock = FakeClock(AT)
    services, visit = _visit_of_two_codes(tmp_path, clock)
    try:
        started = services.visits.start_timer(visit, "97110", "PT").started
        clock.advance(minutes=9)
        switched = services.visits.start_timer(visit, "97140", "PT")  # stops 97110
        clock.advance(minutes=6)
        services.visits.stop_timer(visit, "PT")
        conn = services.db.conn
        taps = conn.execute(
            "SELECT action, rows FROM audit_log WHERE action LIKE 'timer_%' ORDER BY id"
        ).fetchall()
    finally:
        services.close()
    assert started is not None and switched.started is not None
    assert [a for a, _ in taps] == ["timer_started", "timer_started", "timer_stopped"]
    one, two = started.segment_id, switched.started.segment_id
    at, nine = "'2026-03-02T14:00:00.000000Z'", "'2026-03-02T14:09:00.000000Z'"
    assert taps[0][1] == f"segment {one} ({visit},'97110','PT',{at},NULL)"
    assert taps[1][1].splitlines() == [
        f"segment {one} ({visit},'97110','PT',{at},{nine})",
        f"segment {two} ({visit},'97140','PT',{nine},NULL)",
    ]
    assert taps[2][1].endswith("'2026-03-02T14:15:00.000000Z')")


def test_a_backup_gets_an_anchor_and_old_anchors_go_with_their_backups(tmp_path: Path) -> None:
    clock = FakeClock(AT)
    path = tmp_path / "data" / "c.sqlite3"
    services = Services.open(path, clock)
    pt = services.records.add_provider("Dana Reyes", "PT", "1234567893")
    first = services.backup_now()
    anchor_file = first.with_name(first.name + ".anchor")
    assert stat.S_IMODE(anchor_file.stat().st_mode) == 0o600
    anchor = audit_anchor.read(anchor_file)
    head = services.db.conn.execute("SELECT id, hash FROM audit_log ORDER BY id DESC").fetchone()
    assert (anchor.entry, anchor.entries, anchor.hash) == (head[0], head[0], head[1])
    assert anchor.database_id == audit_keys.database_id(services.db.conn)
    services.records.add_provider("Sam Lee", "PTA", supervising_provider_id=pt.id)
    clock.advance(minutes=1)
    second = services.backup_now()
    assert services.verify_audit().anchors[0].startswith(f"{second}.anchor (entry {head[0] + 1}")
    first.unlink()
    clock.advance(minutes=1)
    services.backup_now()
    services.close()
    assert not anchor_file.exists()  # pruned with its backup
    assert len(list(first.parent.glob("*.anchor"))) == 2


def test_two_databases_in_one_folder_are_each_checked_against_their_own_anchor(
    tmp_path: Path,
) -> None:
    clock = FakeClock(AT)
    for name in ("a.sqlite3", "b.sqlite3"):
        services = Services.open(tmp_path / name, clock)
        services.records.add_provider("Dana Reyes", "PT", "1234567893")
        services.backup_now()
        services.close()
        clock.advance(minutes=1)  # b's anchor is the folder's newest
    services = Services.open(tmp_path / "a.sqlite3", clock)
    try:
        report = services.verify_audit()
        assert report.ok, report.problems
        assert report.anchors and report.anchors[0].startswith(str(tmp_path / "backups" / "a-"))
    finally:
        services.close()


def test_an_anchor_that_cannot_be_written_is_said_plainly(tmp_path: Path) -> None:
    path = tmp_path / "data" / "c.sqlite3"
    clock = FakeClock(AT)
    services = Services.open(path, clock)
    try:
        services.records.add_provider("Dana Reyes", "PT", "1234567893")
        name = "c-20260302-140000-001.sqlite3"
        (path.parent / "backups" / f"{name}.anchor.partial").mkdir(parents=True)  # in the way
        with pytest.raises(StorageError) as caught:
            services.backup_now()
    finally:
        services.close()
    backup = path.parent / "backups" / name
    assert str(caught.value).startswith(
        f"backup {backup} is written, but its anchor {backup}.anchor"
    )
    assert str(caught.value).endswith("then back up again")
    assert backup.is_file()


def test_after_a_restore_from_an_older_backup_the_next_backup_anchors_the_restored_log(
    tmp_path: Path,
) -> None:
    """A restore takes the log back to the backup's: the restored database is backed up and
    anchored at once, so the newest anchor is the restored log's head, whatever backups were
    anchored after the one restored."""
    clock = FakeClock(AT)
    path = tmp_path / "data" / "c.sqlite3"
    services = Services.open(path, clock)
    services.records.add_provider("Dana Reyes", "PT", "1234567893")
    older = services.backup_now()
    services.records.add_payer("Medicare", medicare=True)
    services.close()
    clock.advance(minutes=1)
    services = Services.open(path, clock)
    services.backup_now()  # a newer backup, anchoring the payer's entry
    services.close()
    clock.advance(minutes=1)
    restore(older, path, clock)
    services = Services.open(path, clock)
    try:
        report = services.verify_audit()
        assert report.ok, report.problems
        assert f"entry {audit_anchor.head_of(services.db.conn).entry}" in report.anchors[0]  # type: ignore[union-attr]
    finally:
        services.close()


def test_an_anchor_of_another_database_or_unreadable_is_a_problem(tmp_path: Path) -> None:
    one, other = tmp_path / "one.sqlite3", tmp_path / "other.sqlite3"
    _log(one, 2)
    _log(other, 2)
    db = open_database(other)
    head = audit_anchor.head_of(db.conn)
    db.close()
    assert head is not None
    foreign = tmp_path / "foreign.anchor"
    foreign.write_text(
        audit_anchor.anchor_line(head.entry, head.entries, head.hash)
        + f"\ndatabase: {head.database_id}\n"
    )
    assert _verify(one, anchors=[foreign]).problems == (
        f"anchor {foreign} is of another database ({head.database_id})",
    )
    garbage = tmp_path / "garbage.anchor"
    garbage.write_text("hello\n")
    assert "holds no line 'audit anchor" in _verify(one, anchors=[garbage]).problems[0]


def test_verify_audit_lists_what_it_checked_and_exits_1_on_a_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a.sqlite3"
    _log(path)
    assert main(["verify-audit", "--db", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"audit log of {path}",
        "entries: 5 checked (0 by the old plain rule, 5 keyed)",
        "rows: 0 visits, 0 timer segments, 0 untimed services, 0 bills, 0 claim lines, "
        "0 frozen superbills, 0 payments, 0 ledger entries",
        "anchor: none found",
        "audit log ok: 5 entries, chain intact, rows as audited",
    ]
    tamper(path, "UPDATE audit_log SET actor = 'someone else' WHERE id = 2")
    assert main(["--db", str(path), "verify-audit"]) == 1
    assert "audit log BROKEN: entry 2: its contents do not match its keyed hash" in (
        capsys.readouterr().out
    )


def _files(folder: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every file with its time, mode and bytes; SQLite's shared-memory index (``-shm``) only
    by name: a reader of a database open in the app marks in it where it reads, as any reader
    must to read the write-ahead log consistently."""
    return {
        p.name: (0, 0, b"")
        if p.name.endswith("-shm")
        else (p.stat().st_mtime_ns, p.stat().st_mode, p.read_bytes())
        for p in sorted(folder.iterdir())
    }


@pytest.mark.parametrize("open_in_the_app", [False, True])
def test_verify_audit_changes_no_file(tmp_path: Path, open_in_the_app: bool) -> None:
    path = tmp_path / "a.sqlite3"
    _log(path)
    services = Services.open(path, FakeClock(AT)) if open_in_the_app else None
    try:
        if services is not None:
            services.records.add_provider("Dana Reyes", "PT", "1234567893")  # in the -wal file
        before, keys_before = _files(tmp_path), _files(audit_keys_dir())
        out = subprocess.run(
            [sys.executable, "-m", "chargeclock.cli", "verify-audit", "--db", str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert out.returncode == 0, out.stdout + out.stderr
        assert f"entries: {6 if services else 5} checked" in out.stdout
        assert _files(tmp_path) == before and _files(audit_keys_dir()) == keys_before
    finally:
        if services is not None:
            services.close()


def test_verify_audit_keeps_a_checkpoint_only_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite3"
    _log(path)
    keys_before = _files(audit_keys_dir())
    out = subprocess.run(
        [sys.executable, "-m", "chargeclock.cli", "verify-audit", "--keep-checkpoint"],
        capture_output=True,
        text=True,
        env={**os.environ, "CHARGECLOCK_DB": str(path)},
        check=False,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    kept = set(_files(audit_keys_dir())) - set(keys_before)
    assert len(kept) == 1 and next(iter(kept)).endswith(".checked")


def test_verify_audit_reads_chargeclock_db_from_the_environment(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite3"
    _log(path, 2)
    out = subprocess.run(
        [sys.executable, "-m", "chargeclock.cli", "verify-audit"],
        capture_output=True,
        text=True,
        env={
            "CHARGECLOCK_DB": str(path),
            "CHARGECLOCK_AUDIT_KEYS": os.environ["CHARGECLOCK_AUDIT_KEYS"],
            "PATH": "/usr/bin:/bin",
        },
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert "entries: 2 checked" in out.stdout


def test_the_keys_folder_is_the_configuration_folders_unless_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CHARGECLOCK_AUDIT_KEYS")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    if sys.platform.startswith("linux"):
        assert audit_keys_dir() == tmp_path / "config" / "chargeclock" / "audit-keys"
    monkeypatch.setenv("CHARGECLOCK_AUDIT_KEYS", str(tmp_path / "usb"))
    assert audit_keys_dir() == tmp_path / "usb"


@pytest.mark.sqlite_file  # SQLite's statement trace
def test_an_entrys_rows_are_read_a_query_per_table_in_the_order_given(tmp_path: Path) -> None:
    """A finalize covers a visit's segments, lines and bill: its ``rows`` field reads them a
    table at a time (it read each row alone), listing them in the order given, each once, and
    a row that is gone as deleted."""
    clock = FakeClock(AT)
    services, visit = _visit_of_two_codes(tmp_path, clock)
    try:
        segments = []
        for code in ("97110", "97140", "97110"):
            tap = services.visits.start_timer(visit, code, "PT").started
            assert tap is not None
            segments.append(tap.segment_id)
            clock.advance(minutes=4)
        services.visits.stop_timer(visit, "PT")
        conn = services.db.conn
        gone = segments[-1] + 1000
        refs = [
            ("segment", segments[2]),
            ("visit", visit),
            ("segment", segments[0]),
            ("segment", gone),
            ("segment", segments[2]),  # listed once
            ("segment", segments[1]),
        ]
        traced: list[str] = []
        conn.set_trace_callback(traced.append)
        try:
            field = audit_rows.rows_field(services.db, refs)
        finally:
            conn.set_trace_callback(None)
        one_by_one = [
            f"{tag} {key} {audit_rows.row_text(services.db, tag, key) or audit_rows.DELETED}"
            for tag, key in dict.fromkeys(refs)
        ]
    finally:
        services.close()
    assert field.split("\n") == one_by_one
    assert f"segment {gone} {audit_rows.DELETED}" in one_by_one
    assert sum(1 for s in traced if s.lstrip().upper().startswith("SELECT")) == 2  # two tables

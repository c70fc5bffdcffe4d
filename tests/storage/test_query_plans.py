"""Every statement the store runs through a clinic's days, explained against the migrated schema:
none may read the whole of a table that grows with the clinic's years.

The statements are the real ones: every statement the SQLite connection runs is traced while a
small demo clinic is written (through the visit service, as ``demo-db`` does) and a day is
worked on it through the services — the Today list, a search, a visit timed, edited,
finalized, reopened and finalized again, a payment, History's reads, the KX figures, both
superbills, the recovery at start. Each distinct statement (its literals made placeholders) is
then run under ``EXPLAIN QUERY PLAN`` on an empty database with every migration; a ``SCAN`` of a
growing table fails the test unless the statement is one of the few that read one row from the
end of a rowid order. ``verify-audit`` and backups read everything by design and are not
exercised here.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from chargeclock.clock import FakeClock
from chargeclock.services import superbill
from chargeclock.services.demo import build_demo
from chargeclock.services.session import Services
from chargeclock.storage import database
from chargeclock.storage.audit_rows import TABLES

TODAY = date(2018, 1, 26)  # the rule data's first month: a demo of a few weeks, built quickly

#: tables whose rows grow with visits, payments and the audit log (the rest hold a clinic's
#: settings: payers, providers, fees, codes, years)
GROWING = frozenset(
    {
        "visits",
        "visit_codes",
        "timer_segments",
        "untimed_services",
        "visit_bills",
        "claim_lines",
        "claim_snapshots",
        "payments",
        "ledger_entries",
        "audit_log",
        "diagnoses",
        "plans_of_care",
        "progress_reports",
        "prior_spend",
    }
)

#: the next audit entry's id and hash: a SCAN in rowid order that stops at its first row
ONE_ROW_FROM_THE_END = re.compile(r"ORDER BY (\w+\.)?id DESC LIMIT (1|\?)$")
#: the entry that seals every billing row when a database gets its first audit key reads each
#: table whole, once in the database's life (audit_rows.all_refs)
SEAL = frozenset(f"SELECT {t.key} {t.source} ORDER BY {t.key}" for t in TABLES)
#: schema steps that read a table whole once, when the database takes them (the audit
#: entries' visit ids from their details: db/migrations/*_audit_visit_ids.py)
ONCE = frozenset({"SELECT id, details FROM audit_log WHERE details LIKE ?"})

_LITERAL = re.compile(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b")
#: what is no query of the store's: transaction control, schema steps, and the sub-statements
#: SQLite itself traces as comments (``-- TRIGGER …``, ``-- PRAGMA … quick_check``)
_SKIP = re.compile(
    r"^\s*(?:--|(?:PRAGMA|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|CREATE|DROP|ALTER)\b)", re.I
)
_TABLE = re.compile(r"\b(?:FROM|JOIN|UPDATE|INTO)\s+(\w+)(?:\s+(?:AS\s+)?(\w+))?", re.I)
_NOT_ALIAS = frozenset(
    {"where", "on", "join", "left", "inner", "order", "group", "limit", "set", "values", "using",
     "select", "returning", "union", "default", "cross", "natural", "as"}
)  # fmt: skip


def _shape(sql: str) -> str:
    """The statement with its literals made placeholders (one entry per shape)."""
    return _LITERAL.sub("?", " ".join(sql.split()))


def _tables(sql: str) -> dict[str, str]:
    """Name or alias as a plan prints it → the table."""
    names: dict[str, str] = {}
    for table, alias in _TABLE.findall(sql):
        names[table] = table
        if alias and alias.lower() not in _NOT_ALIAS:
            names[alias] = table
    return names


@pytest.fixture(scope="module")
def traced_statements(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The expanded text of every statement the store ran through the scenario."""
    seen: list[str] = []
    real_connect = database.connect

    def traced(path: Path | str) -> sqlite3.Connection:
        conn = real_connect(path)
        conn.set_trace_callback(seen.append)
        return conn

    patch = pytest.MonkeyPatch()
    patch.setattr(database, "connect", traced)
    try:
        path = tmp_path_factory.mktemp("plans") / "clinic.sqlite3"
        clock = FakeClock(datetime.combine(TODAY, datetime.min.time(), UTC) + timedelta(hours=14))
        summary = build_demo(path, today=TODAY, clock=clock)
        services = Services.open(path, clock, zone=UTC)
        try:
            _work_a_day(services, clock, summary.kx_patient_id)
        finally:
            services.close()
    finally:
        patch.undo()
    return seen


def _work_a_day(services: Services, clock: FakeClock, patient_id: int) -> None:
    visits, records = services.visits, services.records
    services.recovery.begin_session()
    services.recovery.beat()
    visits.visits_of_day(TODAY)
    records.search_patients("re")
    records.patient_record(patient_id)
    services.ytd_allowed(patient_id, TODAY.year)
    services.progress_report_status(patient_id)
    services.plan_of_care_status(patient_id)
    visit_id = visits.open_visit(patient_id, codes=["97110", "97140", "97010"]).visit_id
    visits.start_timer(visit_id, "97110", "PT")
    clock.advance(600)
    visits.start_timer(visit_id, "97140", "PTA")
    clock.advance(500)
    visits.toggle_timer(visit_id, "97110", "PT")
    clock.advance(120)
    visits.stop_all(visit_id)
    visits.start_timer(visit_id, "97140", "PT")
    visits.undo_last_tap(visit_id)  # Ctrl+Z reads the visit's and its segments' entries
    visits.set_untimed(visit_id, "97010", "PT")
    segment = visits.visit_state(visit_id).codes[0].spans[0]
    visits.edit_segment(
        segment.segment_id,
        started_at=segment.started_at,
        stopped_at=segment.started_at + timedelta(minutes=9),
        reason="tapped late",
    )
    visits.finalize(visit_id)
    visits.reopen_for_correction(visit_id, "wrong code")
    visits.finalize(visit_id)
    records.record_payment(patient_id, "20.00", "card", TODAY, visit_id)
    services.ledger.add_adjustment(patient_id, "write_off", "5.00", on=TODAY, visit_id=visit_id)
    visits.history(patient_id)  # what History reads
    for visit in visits.visits_of_patient(patient_id):
        visits.claim_lines(visit.id)
        visits.bill(visit.id)
        records.visit_audit(visit.id)
    records.payments(patient_id)
    records.some_diagnosis_lacks_a_description()
    superbill.superbill_for_visit(services, visit_id)
    superbill.statement_for_patient(services, patient_id, TODAY - timedelta(days=30), TODAY)
    # what the visit screen, the ledger and the filing list read
    services.authorizations.add_authorization(
        patient_id, "A-1", TODAY - timedelta(days=10), TODAY + timedelta(days=80), visits=12
    )
    services.authorizations.usage(patient_id)
    services.authorizations.check_visit(visit_id)
    services.ledger.ledger(patient_id)
    services.filing.claims_to_file()
    services.recovery.end_session()


@pytest.fixture(scope="module")
def schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sqlite3.Connection]:
    """An empty database with every migration."""
    path = tmp_path_factory.mktemp("schema") / "empty.sqlite3"
    database.open_database(path).close()
    conn = sqlite3.connect(path)
    yield conn
    conn.close()


def _plan(conn: sqlite3.Connection, sql: str) -> list[str]:
    return [str(row[-1]) for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}")]


def _partial_indexes(conn: sqlite3.Connection) -> frozenset[str]:
    """Indexes with a WHERE: they hold only the rows it names (the running timers, the
    diagnoses without a description), so reading one whole reads no history."""
    rows = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    )
    return frozenset(name for name, sql in rows if " WHERE " in " ".join(sql.upper().split()))


def full_scans(conn: sqlite3.Connection, sql: str) -> list[str]:
    """The growing tables this statement reads whole, with the plan's line for each."""
    names = _tables(sql)
    partial = _partial_indexes(conn)
    found = []
    for line in _plan(conn, sql):
        scanned = re.match(r"SCAN (\w+)(?: USING (?:COVERING )?INDEX (\w+))?", line)
        if (
            scanned
            and names.get(scanned.group(1), scanned.group(1)) in GROWING
            and scanned.group(2) not in partial
        ):
            found.append(line)
    return found


def test_the_scenario_reaches_every_growing_table(traced_statements: list[str]) -> None:
    touched = {
        table for sql in traced_statements for table in _tables(sql).values() if table in GROWING
    }
    assert touched == GROWING - {"prior_spend"} or touched == GROWING, GROWING - touched
    assert len({_shape(s) for s in traced_statements}) > 60


def test_no_statement_reads_a_growing_table_whole(
    traced_statements: list[str], schema: sqlite3.Connection
) -> None:
    problems = {}
    for sql in dict.fromkeys(traced_statements):
        shape = _shape(sql)
        if _SKIP.match(sql) or ONE_ROW_FROM_THE_END.search(shape) or shape in SEAL | ONCE:
            continue
        if shape in problems:
            continue
        scans = full_scans(schema, sql)
        if scans:
            problems[shape] = scans
    assert not problems, "\n\n".join(f"{sql}\n  → {scans}" for sql, scans in problems.items())


def test_the_check_sees_a_scan(schema: sqlite3.Connection) -> None:
    """The check itself: a query by an unindexed column is reported; by an index, not."""
    assert full_scans(schema, "SELECT id FROM payments WHERE amount_cents = 5")
    assert not full_scans(schema, "SELECT id FROM payments WHERE patient_id = 5")
    assert not full_scans(schema, "SELECT id FROM timer_segments WHERE stopped_at IS NULL")
    assert full_scans(schema, "SELECT s.id FROM timer_segments s WHERE s.role = 'PT'") == ["SCAN s"]


def test_without_the_segment_index_a_tap_scans_every_segment(
    traced_statements: list[str], tmp_path: Path
) -> None:
    """What the check is for: with migration 0008's index gone, reading a visit's segments back
    after a tap reads the timer segments of every year."""
    path = tmp_path / "older.sqlite3"
    database.open_database(path).close()
    conn = sqlite3.connect(path)
    try:
        conn.execute("DROP INDEX timer_segments_visit")
        taps = [s for s in traced_statements if "WHERE s.visit_id = " in s]
        assert taps
        assert full_scans(conn, taps[0])
    finally:
        conn.close()


#: statements of a visit's reads and the indexes they must use: the undo of a tap's look at the
#: visit's entries, History's list of a visit's changes (and the packet's) with its payments'
#: and ledger entries', a visit superbill's payments, a statement's period
BY_INDEX = {
    "FROM audit_log WHERE visit_id = ? AND entity = ?": "audit_log_visit",
    "FROM audit_log WHERE visit_id = ? UNION": "audit_log_visit",
    "FROM ledger_entries WHERE visit_id = ?": "ledger_entries_visit",
    "FROM payments WHERE visit_id IN": "payments_visit",
    "FROM claim_snapshots s WHERE patient_id = ?": "sqlite_autoindex_claim_snapshots_1",
    "FROM payments WHERE patient_id = ? AND paid_on BETWEEN": "payments_patient",
}


def test_a_visits_reads_use_their_indexes(
    traced_statements: list[str], schema: sqlite3.Connection
) -> None:
    found = {}
    for sql in dict.fromkeys(traced_statements):
        shape = _shape(sql)
        for part, index in BY_INDEX.items():
            if part in shape:
                found[part] = " / ".join(_plan(schema, sql))
                assert f"INDEX {index}" in found[part], f"{shape}\n  → {found[part]}"
    assert found.keys() == BY_INDEX.keys()


def test_a_packets_check_reads_the_patients_entries_by_their_index(
    schema: sqlite3.Connection,
) -> None:
    """The check from a checkpoint digests the entries on the patient's visits (by the visit
    column) and checks the links of the patient's rows: index lookups, whatever the log's
    length."""
    from chargeclock.storage.audit_checkpoint import PATIENT_ENTRIES
    from chargeclock.storage.audit_links import PATIENT_QUERIES

    sql = PATIENT_ENTRIES.replace("?", "1")  # as the traced statements are explained
    assert "INDEX audit_log_visit" in " / ".join(_plan(schema, sql))
    for sql in (PATIENT_ENTRIES, *PATIENT_QUERIES):
        sql = sql.replace("?", "1")
        assert not full_scans(schema, sql), f"{sql}\n  → {_plan(schema, sql)}"
        assert not [line for line in _plan(schema, sql) if line.startswith("SCAN")], sql

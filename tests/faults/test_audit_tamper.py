"""Attacks on a clinic's database with sqlite3 in hand, each found and named by verify-audit.

The clinic: two finalized visits with timer segments and claim lines, a payment, and a backup
with its anchor at the log's head. Each test copies it, changes it the way someone bypassing
the app would (dropping the triggers that guard the log), and runs ``chargeclock verify-audit``.
"""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from chargeclock.cli import main
from chargeclock.clock import FakeClock
from chargeclock.services.session import Services
from chargeclock.storage import audit, audit_keys, audit_rows
from tests.helpers import tamper

START = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


class Clinic:
    """Ids in the template database."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / "clinic.sqlite3"
        conn = sqlite3.connect(self.path)
        try:
            self.visit = conn.execute("SELECT min(id) FROM visits").fetchone()[0]
            self.line, self.line_visit = conn.execute(
                "SELECT id, visit_id FROM claim_lines WHERE units = 1 ORDER BY id LIMIT 1"
            ).fetchone()
            self.lines_of_visit = [
                r[0]
                for r in conn.execute(
                    "SELECT id FROM claim_lines WHERE visit_id = ? ORDER BY id", (self.line_visit,)
                )
            ]
            self.segment, self.segment_visit, self.stopped_at = conn.execute(
                "SELECT id, visit_id, stopped_at FROM timer_segments ORDER BY id LIMIT 1"
            ).fetchone()
            self.payment, self.payer = conn.execute(
                "SELECT id, patient_id FROM payments ORDER BY id LIMIT 1"
            ).fetchone()
            self.head = conn.execute("SELECT max(id) FROM audit_log").fetchone()[0]
        finally:
            conn.close()


def _build(folder: Path) -> None:
    clock = FakeClock(START)
    services = Services.open(folder / "clinic.sqlite3", clock, zone=UTC)
    try:
        records, visits = services.records, services.visits
        records.save_practice(
            "Riverside PT", "1 River Road, Springfield, IL 62701", "(217) 555-0142",
            "1234567893", "37-1234567",
        )  # fmt: skip
        pt = records.add_provider("Dana Reyes", "PT", "1234567893", credentials="PT, DPT")
        records.add_provider("Sam Lee", "PTA", supervising_provider_id=pt.id)
        fees = folder / "fees.csv"
        fees.write_text("code,amount\n97110,65.00\n97140,60.00\n97161,150.00\n")
        records.import_fees(fees, charges=True)
        fees.unlink()
        medicare = records.add_payer("Medicare", medicare=True)
        patient, _ = records.add_patient(
            "Doe",
            "Jane",
            date(1950, 1, 2),
            payer_id=medicare.id,
            member_id="1EG4",
            diagnoses=["M17.11"],
        )
        for day in (2, 4):
            clock.set(datetime(2026, 3, day, 14, 0, tzinfo=UTC))
            visit = visits.open_visit(patient.id, codes=["97110", "97140", "97161"]).visit_id
            visits.set_untimed(visit, "97161", "PT", pt_minutes=15)
            visits.start_timer(visit, "97110", "PT")
            clock.advance(minutes=23)
            visits.start_timer(visit, "97140", "PTA")
            clock.advance(minutes=9)
            visits.stop_all(visit)
            visits.finalize(visit)
        records.record_payment(patient.id, "42.10", "insurance", visit_id=visit)
        clock.advance(minutes=5)
        services.backup_now()  # its anchor names the head
    finally:
        services.close()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Clinic:
    folder = tmp_path_factory.mktemp("clinic")
    _build(folder)
    return Clinic(folder)


@pytest.fixture
def clinic(template: Clinic, tmp_path: Path) -> Clinic:
    folder = tmp_path / "data"
    shutil.copytree(template.folder, folder)
    return Clinic(folder)


def _attack(clinic: Clinic, *sql: str) -> None:
    tamper(clinic.path, *sql)


def _verify(clinic: Clinic, capsys: pytest.CaptureFixture[str], *options: str) -> list[str]:
    """``verify-audit``'s exit status must be 1; its lines after the header."""
    capsys.readouterr()
    status = main(["verify-audit", "--db", str(clinic.path), *options])
    out = capsys.readouterr().out.splitlines()
    assert status == 1, out
    return out[1:]


def _problems(lines: list[str]) -> list[str]:
    return [
        line.split(": ", 1)[1]
        for line in lines
        if line.startswith(("audit log BROKEN: ", "also: "))
    ]


def test_the_untouched_clinic_verifies_with_its_anchor(
    clinic: Clinic, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify-audit", "--db", str(clinic.path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert (
        out[1] == f"entries: {clinic.head} checked (0 by the old plain rule, {clinic.head} keyed)"
    )
    assert out[2] == (
        "rows: 2 visits, 4 timer segments, 2 untimed services, 2 bills, 6 claim lines, "
        "2 frozen superbills, 1 payment, 0 ledger entries"
    )
    assert out[3].startswith("anchor: ") and out[3].endswith(
        f".anchor (entry {clinic.head}, written 2026-03-04T14:37:00.000000Z): contained in the log"
    )
    assert out[4] == f"audit log ok: {clinic.head} entries, chain intact, rows as audited"


def test_editing_a_claim_lines_units_is_named(
    clinic: Clinic, capsys: pytest.CaptureFixture[str]
) -> None:
    _attack(clinic, f"UPDATE claim_lines SET units = 4 WHERE id = {clinic.line}")
    problem = _problems(_verify(clinic, capsys))[0]
    assert problem.startswith(
        f"claim line {clinic.line} of visit {clinic.line_visit}: units 4, audited 1 (entry "
    )


def test_rewriting_a_frozen_superbill_is_named(
    clinic: Clinic, capsys: pytest.CaptureFixture[str]
) -> None:
    """The table refuses changes; one who drops that guard to change a bill is still caught."""
    _attack(
        clinic,
        "DROP TRIGGER claim_snapshots_no_update",
        "UPDATE claim_snapshots SET content = replace(content, '\"units\":1', '\"units\":4')",
    )
    problems = _problems(_verify(clinic, capsys))
    assert any(p.startswith("frozen superbill ") and "content" in p for p in problems), problems


def test_editing_a_segments_times_is_named(
    clinic: Clinic, capsys: pytest.CaptureFixture[str]
) -> None:
    _attack(
        clinic,
        "UPDATE timer_segments SET stopped_at = '2026-03-02T14:53:00.000000Z' "
        f"WHERE id = {clinic.segment}",
    )
    assert _problems(_verify(clinic, capsys))[0].startswith(
        f"timer segment {clinic.segment} of visit {clinic.segment_visit}: "
        f"stop 2026-03-02T14:53:00.000000Z, audited {clinic.stopped_at} (entry "
    )


def test_deleting_a_finalized_visits_lines_is_named(
    clinic: Clinic, capsys: pytest.CaptureFixture[str]
) -> None:
    _attack(clinic, f"DELETE FROM claim_lines WHERE visit_id = {clinic.line_visit}")
    problem = _problems(_verify(clinic, capsys))[0]
    first = clinic.lines_of_visit[0]
    assert problem.startswith(
        f"claim line {first} of visit {clinic.line_visit} was deleted: entry "
    )
    assert problem.endswith(
        f"audited it, none its deletion ({len(clinic.lines_of_visit)} rows differ from the "
        "audit log in all)"
    )


def test_deleting_the_last_entries_is_caught_by_the_anchor(
    clinic: Clinic, capsys: pytest.CaptureFixture[str]
) -> None:
    _attack(clinic, f"DELETE FROM audit_log WHERE id > {clinic.head - 3}")
    problems = _problems(_verify(clinic, capsys))
    assert any(
        p.startswith(f"the audit log ends at entry {clinic.head - 3}, but anchor ")
        and f"names entry {clinic.head}: entries {clinic.head - 2}–{clinic.head} were removed" in p
        for p in problems
    ), problems


def test_deleting_every_entry_is_caught(clinic: Clinic, capsys: pytest.CaptureFixture[str]) -> None:
    _attack(clinic, "DELETE FROM audit_log")
    lines = _verify(clinic, capsys)
    problems = _problems(lines)
    assert lines[0] == "entries: 0 checked (0 by the old plain rule, 0 keyed)"
    assert problems[0] == (
        f"visit {clinic.visit} of patient 1 has no audit entry "
        "(19 rows differ from the audit log in all)"  # with the 2 frozen superbills
    )
    assert any(f"entries 1–{clinic.head} were removed" in p for p in problems)


def _rewrite_from(clinic: Clinic, first: int, key: bytes | None) -> None:
    """Recompute the chain from entry ``first`` on: plain SHA-256 (the rule anyone can redo),
    or with ``key``."""
    conn = sqlite3.connect(clinic.path)
    prev = conn.execute("SELECT hash FROM audit_log WHERE id = ?", (first - 1,)).fetchone()
    prev = prev[0] if prev else audit.GENESIS
    entries = conn.execute(
        "SELECT id, at, actor, action, entity, entity_id, reason, details, rows FROM audit_log "
        "WHERE id >= ? ORDER BY id",
        (first,),
    ).fetchall()
    conn.close()
    statements = []
    for entry in entries:
        text = audit.entry_text(*entry)
        digest = audit.plain_hash(prev, text) if key is None else audit.keyed_hash(key, prev, text)
        statements.append(
            f"UPDATE audit_log SET prev_hash = '{prev}', hash = '{digest}' WHERE id = {entry[0]}"
        )
        prev = digest
    _attack(clinic, *statements)


def _consistent_units_change(clinic: Clinic) -> int:
    """Change the line's units and the entry that audited it to match; the entry's id."""
    conn = sqlite3.connect(clinic.path)
    before = audit_rows.row_text(conn, "line", clinic.line)
    entry = conn.execute(
        "SELECT max(id) FROM audit_log WHERE instr(rows, ?) > 0", (f"line {clinic.line} (",)
    ).fetchone()[0]
    conn.close()
    _attack(clinic, f"UPDATE claim_lines SET units = 4 WHERE id = {clinic.line}")
    conn = sqlite3.connect(clinic.path)
    after = audit_rows.row_text(conn, "line", clinic.line)
    conn.close()
    assert before and after and before != after
    _attack(
        clinic,
        f"UPDATE audit_log SET rows = replace(rows, '{before.replace(chr(39), chr(39) * 2)}', "
        f"'{after.replace(chr(39), chr(39) * 2)}') WHERE id = {entry}",
    )
    return int(entry)


def test_a_consistent_rewrite_with_recomputed_sha256_fails_without_the_key(
    clinic: Clinic, capsys: pytest.CaptureFixture[str]
) -> None:
    entry = _consistent_units_change(clinic)
    _rewrite_from(clinic, entry, key=None)
    problems = _problems(_verify(clinic, capsys))
    assert problems[0] == f"entry {entry}: its contents do not match its keyed hash"


def test_a_rewrite_signed_with_the_stolen_key_still_fails_the_anchor(
    clinic: Clinic, capsys: pytest.CaptureFixture[str]
) -> None:
    entry = _consistent_units_change(clinic)
    conn = sqlite3.connect(clinic.path)
    (epoch,) = audit_keys.epochs(conn)
    conn.close()
    key = audit_keys.read_key_file(audit_keys.key_path(epoch.key_id)).key
    _rewrite_from(clinic, entry, key=key)
    problems = _problems(_verify(clinic, capsys))
    assert problems == [
        f"entry {clinic.head} differs from anchor "
        f"{next(clinic.folder.glob('backups/*.anchor'))}: the log up to it was rewritten or "
        "replaced"
    ]


def test_deleting_a_payment_is_named(clinic: Clinic, capsys: pytest.CaptureFixture[str]) -> None:
    _attack(clinic, f"DELETE FROM payments WHERE id = {clinic.payment}")
    problem = _problems(_verify(clinic, capsys))[0]
    assert problem.startswith(
        f"payment {clinic.payment} of patient {clinic.payer} was deleted: entry "
    )


def test_a_row_added_behind_the_apps_back_is_named(
    clinic: Clinic, capsys: pytest.CaptureFixture[str]
) -> None:
    _attack(
        clinic,
        "INSERT INTO payments (id, patient_id, paid_on, amount_cents, method) "
        f"VALUES (99, {clinic.payer}, '2026-03-05', 100000, 'cash')",
    )
    assert _problems(_verify(clinic, capsys)) == [
        f"payment 99 of patient {clinic.payer} has no audit entry"
    ]


def test_a_superbill_anchor_typed_into_a_file_is_checked(
    clinic: Clinic, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    services = Services.open(clinic.path, FakeClock(START), zone=UTC)
    try:
        from chargeclock.services.superbill import superbill_for_visit

        printed = superbill_for_visit(services, clinic.line_visit).audit_anchor
    finally:
        services.close()
    assert printed.startswith("Audit anchor: entry ")
    typed = tmp_path / "from-the-paper.txt"
    typed.write_text(printed.upper().replace("AUDIT ANCHOR", "audit anchor") + "\n")
    capsys.readouterr()
    assert main(["verify-audit", "--db", str(clinic.path), "--anchor", str(typed)]) == 0
    assert f"anchor: {typed} (entry " in capsys.readouterr().out
    _attack(clinic, "DELETE FROM audit_log")
    assert any(str(typed) in p for p in _problems(_verify(clinic, capsys, "--anchor", str(typed))))


@pytest.mark.parametrize("column", ["NULL", "visit"])
def test_an_entrys_visit_column_changed_is_named(
    clinic: Clinic, capsys: pytest.CaptureFixture[str], column: str
) -> None:
    """The column a visit's packet finds its segments' entries by is no part of the hash: a
    segment's entry blanked or re-pointed there, to leave the visit's packet, is named."""
    services = Services.open(clinic.path, FakeClock(datetime(2026, 3, 5, 15, 0, tzinfo=UTC)))
    try:
        visit = services.visits.open_visit(clinic.payer, codes=["97110"]).visit_id
        started = datetime(2026, 3, 5, 14, 0, tzinfo=UTC)
        stopped = started.replace(minute=12)
        services.visits.add_segment(
            visit, "97110", "PT", started_at=started, stopped_at=stopped, reason="forgot"
        )
        entry = services.db.execute("SELECT max(id) FROM audit_log").fetchone()[0]
    finally:
        services.close()
    assert main(["verify-audit", "--db", str(clinic.path)]) == 0
    value = str(clinic.visit) if column == "visit" else "NULL"
    _attack(clinic, f"UPDATE audit_log SET visit_id = {value} WHERE id = {entry}")
    lines = _verify(clinic, capsys)
    says = f"visit {clinic.visit}" if column == "visit" else "no visit"
    assert lines[-1] == (
        f"audit log BROKEN: entry {entry}: its visit column says {says}, but its details "
        f"(which its hash covers) name visit {visit} — a visit's audit packet and History find "
        "its entries by that column"
    )


def test_links_no_audited_text_holds_are_named(
    clinic: Clinic, capsys: pytest.CaptureFixture[str]
) -> None:
    """A segment hung on the other visit's row of its code, a frozen superbill moved to another
    day: each row's text is as audited, the link to the row it points to is not."""
    conn = sqlite3.connect(clinic.path)
    try:
        first, second = (r[0] for r in conn.execute("SELECT id FROM visits ORDER BY id"))
        segment, code = conn.execute(
            "SELECT s.id, c.code FROM timer_segments s JOIN visit_codes c "
            "ON c.id = s.visit_code_id WHERE s.visit_id = ? ORDER BY s.id LIMIT 1",
            (first,),
        ).fetchone()
        (other_row,) = conn.execute(
            "SELECT id FROM visit_codes WHERE visit_id = ? AND code = ?", (second, code)
        ).fetchone()
        snapshot, day = conn.execute(
            "SELECT s.id, v.date_of_service FROM claim_snapshots s JOIN visits v "
            "ON v.id = s.visit_id WHERE s.visit_id = ?",
            (second,),
        ).fetchone()
    finally:
        conn.close()
    _attack(clinic, f"UPDATE timer_segments SET visit_code_id = {other_row} WHERE id = {segment}")
    assert _problems(_verify(clinic, capsys)) == [
        f"timer segment {segment} of visit {first}: its code row {other_row} ({code}) is visit "
        f"{second}'s, not its own (the segment's text names only the code)"
    ]
    _attack(
        clinic,
        "DROP TRIGGER claim_snapshots_no_update",
        f"UPDATE claim_snapshots SET date_of_service = '2026-03-09' WHERE id = {snapshot}",
    )
    assert _problems(_verify(clinic, capsys)) == [
        f"timer segment {segment} of visit {first}: its code row {other_row} ({code}) is visit "
        f"{second}'s, not its own (the segment's text names only the code) (2 rows' links "
        "differ in all)"
    ]
    own_row = f"(SELECT id FROM visit_codes WHERE visit_id = {first} AND code = '{code}')"
    _attack(clinic, f"UPDATE timer_segments SET visit_code_id = {own_row} WHERE id = {segment}")
    assert _problems(_verify(clinic, capsys)) == [
        f"frozen superbill {snapshot} of visit {second}: date of service 2026-03-09, its "
        f"visit's {day}"
    ]

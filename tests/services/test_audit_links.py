"""Links between billing rows that no audited text holds — a timer segment's code row, a frozen
superbill's patient, date and discipline — held by verify-audit to the rows they point to, in the
full check and in the audit packet's check from the checkpoint. On both engines."""

from __future__ import annotations

from chargeclock.services.session import Services
from chargeclock.storage import audit_checkpoint
from chargeclock.storage.audit_checkpoint import Checkpoint
from tests.helpers import tamper_store
from tests.services.practice_data import Practice


def _checkpoint(services: Services) -> Checkpoint:
    assert services.verify_audit(keep_checkpoint=True).ok
    checkpoint = audit_checkpoint.read(services.db)
    assert checkpoint is not None
    return checkpoint


def _behind_the_guard(services: Services, table: str, sql: str) -> None:
    """``sql`` on an append-only ``table``, its guard lifted as an attacker would."""
    with services.db.transaction():
        tamper_store(services.db, sql, table=table)


def _one(services: Services, sql: str, *params: object) -> tuple[object, ...]:
    row = services.db.execute(sql, params).fetchone()
    assert row is not None, sql
    return tuple(row)


def test_a_segment_hung_on_another_visits_code_row_is_named(practice: Practice) -> None:
    services = practice.clinic.services
    first, second = practice.finalized[1:3]  # two of the patient's days, both with 97110
    segment, own_row = _one(
        services,
        "SELECT s.id, c.id FROM timer_segments s JOIN visit_codes c ON c.id = s.visit_code_id "
        "WHERE s.visit_id = ? AND c.code = '97110' ORDER BY s.id",
        first,
    )
    (other_row,) = _one(
        services, "SELECT id FROM visit_codes WHERE visit_id = ? AND code = '97110'", second
    )
    checkpoint = _checkpoint(services)
    assert audit_checkpoint.check_patient(services.db, checkpoint, practice.patient_id)
    with services.db.transaction():
        services.db.execute(
            "UPDATE timer_segments SET visit_code_id = ? WHERE id = ?", (other_row, segment)
        )
    # its text (visit, code, role, times) is as audited: only the link tells
    assert audit_checkpoint.check_patient(services.db, checkpoint, practice.patient_id) is None
    assert services.verify_audit().problems == (
        f"timer segment {segment} of visit {first}: its code row {other_row} (97110) is visit "
        f"{second}'s, not its own (the segment's text names only the code)",
    )
    with services.db.transaction():
        services.db.execute(
            "UPDATE timer_segments SET visit_code_id = ? WHERE id = ?", (own_row, segment)
        )
    assert services.verify_audit().ok


def test_a_frozen_superbill_moved_to_another_patient_is_named(practice: Practice) -> None:
    services = practice.clinic.services
    visit = practice.finalized[2]  # a day of the patient's the other patient has no bill on
    snapshot, patient = _one(
        services, "SELECT id, patient_id FROM claim_snapshots WHERE visit_id = ?", visit
    )
    checkpoint = _checkpoint(services)
    hostile = practice.hostile_id

    def move(to: object) -> None:
        sql = f"UPDATE claim_snapshots SET patient_id = {to} WHERE id = {snapshot}"
        _behind_the_guard(services, "claim_snapshots", sql)

    move(hostile)
    for whose in (practice.patient_id, hostile):  # gone from one, found on the other
        assert audit_checkpoint.check_patient(services.db, checkpoint, whose) is None
    problems = services.verify_audit().problems
    assert problems == (
        f"frozen superbill {snapshot} of visit {visit}: patient {hostile}, its visit's {patient}",
    )
    move(patient)
    assert services.verify_audit().ok


def test_a_ledger_notes_change_is_named(practice: Practice) -> None:
    """The note shown beside a ledger entry is its audit entry's reason, as written."""
    services = practice.clinic.services
    entry = services.ledger.add_adjustment(
        practice.patient_id, "write_off", "5.00", note="small balance"
    )
    (audited,) = _one(
        services, "SELECT id FROM audit_log WHERE entity = 'ledger_entry' AND entity_id = ?", entry
    )
    checkpoint = _checkpoint(services)

    def note(text: str) -> None:
        sql = f"UPDATE ledger_entries SET note = '{text}' WHERE id = {entry}"
        _behind_the_guard(services, "ledger_entries", sql)

    note("agreed with the patient")
    assert audit_checkpoint.check_patient(services.db, checkpoint, practice.patient_id) is None
    assert services.verify_audit().problems == (
        f"ledger entry {entry} of patient {practice.patient_id}: note 'agreed with the "
        f"patient', audited 'small balance' (entry {audited})",
    )
    note("small balance")
    assert services.verify_audit().ok

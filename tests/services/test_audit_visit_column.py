"""An entry's ``visit_id`` column is an index (a visit's audit packet and History find its
entries by it), not part of the entry's hash: verify-audit holds it to the visit the entry's
hashed details name, so an entry re-pointed or blanked to leave a visit's packet is named, in
the full check and in the packet's check from the checkpoint. On both engines."""

from __future__ import annotations

from datetime import timedelta

from chargeclock.services.packet import build_packet
from chargeclock.services.session import Services
from chargeclock.storage import audit_checkpoint
from tests.helpers import tamper_store
from tests.services.practice_data import (
    DAY,
    FROM_CHECKPOINT,
    FULL_NOW,
    LAST,
    Practice,
)


def _forgotten_segment(
    practice: Practice, patient_id: int | None = None, *, back: int = 40
) -> tuple[int, int]:
    """A segment added by hand to an open visit, begun ``back`` minutes ago (its entry names the
    visit in its details only: it is the timer segment's): the entry's id and the visit's."""
    visits, clock = practice.clinic.services.visits, practice.clinic.clock
    if patient_id is None:
        visit = practice.open_visit
    else:
        visit = visits.open_visit(patient_id, codes=["97110"]).visit_id
    start = clock.now() - timedelta(minutes=back)
    stop = start + timedelta(minutes=12)
    visits.add_segment(visit, "97110", "PTA", started_at=start, stopped_at=stop, reason="forgot")
    row = practice.clinic.services.db.execute(
        "SELECT max(id) FROM audit_log WHERE entity = 'timer_segment'"
    ).fetchone()
    return int(row[0]), visit


def _listed(services: Services, visit: int) -> list[int]:
    return [e.id for e in services.records.visit_audit(visit)]


def _set_visit_column(services: Services, entry: int, visit: int | None) -> None:
    with services.db.transaction():
        value = "NULL" if visit is None else str(visit)
        tamper_store(services.db, f"UPDATE audit_log SET visit_id = {value} WHERE id = {entry}")


def _packet(practice: Practice) -> tuple[bool, tuple[str, ...]]:
    packet = build_packet(practice.clinic.services, practice.patient_id, DAY, LAST)
    return packet.audit_ok, packet.audit_report


def _named(entry: int, column: str, details: str) -> str:
    return (
        f"entry {entry}: its visit column says {column}, but its details (which its hash "
        f"covers) name {details} — a visit's audit packet and History find its entries by "
        "that column"
    )


def test_a_blanked_visit_column_is_named_and_the_packet_is_not_intact(
    practice: Practice,
) -> None:
    services = practice.clinic.services
    entry, visit = _forgotten_segment(practice)
    assert entry in _listed(services, visit)
    assert services.verify_audit(keep_checkpoint=True).ok  # the clean log verifies
    ok, lines = _packet(practice)
    assert ok and lines[0].startswith(FROM_CHECKPOINT)
    _set_visit_column(services, entry, None)
    assert entry not in _listed(services, visit)  # what the change was for
    report = services.verify_audit()
    assert not report.ok
    assert report.problems == (_named(entry, "no visit", f"visit {visit}"),)
    assert report.lines()[-1] == f"audit log BROKEN: {report.problems[0]}"
    ok, lines = _packet(practice)  # the checkpoint no longer holds for the patient
    assert not ok and lines[0] == FULL_NOW
    assert f"audit log BROKEN: {report.problems[0]}" in lines
    _set_visit_column(services, entry, visit)  # as it was: intact again
    assert services.verify_audit().ok


def test_an_entry_re_pointed_to_another_visit_is_named(practice: Practice) -> None:
    services = practice.clinic.services
    entry, visit = _forgotten_segment(practice)
    other = practice.finalized[0]  # the other patient's visit
    services.verify_audit(keep_checkpoint=True)
    checkpoint = audit_checkpoint.read(services.db)
    assert checkpoint is not None
    for patient in (practice.patient_id, practice.hostile_id):
        assert audit_checkpoint.check_patient(services.db, checkpoint, patient)
    _set_visit_column(services, entry, other)
    assert entry in _listed(services, other) and entry not in _listed(services, visit)
    report = services.verify_audit()
    assert report.problems == (_named(entry, f"visit {other}", f"visit {visit}"),)
    # neither patient's packet vouches for its visits' entries from the checkpoint now
    for patient in (practice.patient_id, practice.hostile_id):
        assert audit_checkpoint.check_patient(services.db, checkpoint, patient) is None
    # a second entry changed too: the first is named, with how many
    second, _ = _forgotten_segment(practice, back=80)
    _set_visit_column(services, second, None)
    assert services.verify_audit().problems == (
        _named(entry, f"visit {other}", f"visit {visit}") + " (2 entries in all)",
    )
    for changed in (entry, second):
        _set_visit_column(services, changed, visit)


def test_an_entry_since_the_checkpoint_is_held_to_its_details_too(practice: Practice) -> None:
    """Another patient's entry after the checkpoint, blanked: the packet's check from the
    checkpoint walks it and finds it, though this patient's rows and entries are unchanged."""
    services = practice.clinic.services
    services.verify_audit(keep_checkpoint=True)
    checkpoint = audit_checkpoint.read(services.db)
    assert checkpoint is not None
    entry, visit = _forgotten_segment(practice, practice.hostile_id)
    assert audit_checkpoint.check_patient(services.db, checkpoint, practice.patient_id)
    _set_visit_column(services, entry, None)
    assert audit_checkpoint.check_patient(services.db, checkpoint, practice.patient_id) is None
    ok, lines = _packet(practice)
    assert not ok and lines[0] == FULL_NOW
    assert f"audit log BROKEN: {_named(entry, 'no visit', f'visit {visit}')}" in lines
    _set_visit_column(services, entry, visit)

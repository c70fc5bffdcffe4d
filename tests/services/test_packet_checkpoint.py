"""The audit packet's verification from the last full check's checkpoint: a full check keeps a
signed checkpoint; a later packet checks the entries since, the rows they list and the
patient's rows against it, and says what it checked; whatever it cannot vouch for from the
checkpoint (the patient's rows changed, a row changed behind the log, a forged or unwritable
checkpoint) is checked in full again."""

from __future__ import annotations

import hashlib
import hmac
import io
import os
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from chargeclock.services.packet import build_packet, packet_pdf
from chargeclock.services.session import Services
from chargeclock.storage import audit_checkpoint, audit_keys, audit_rows, audit_verify
from tests.services.practice_data import (
    DAY,
    FROM_CHECKPOINT,
    FULL_NOW,
    LAST,
    Practice,
    treat,
)


def _checkpoint_file(services: Services) -> Path:
    database_id = audit_keys.database_id(services.db)
    assert database_id is not None
    return audit_checkpoint.path_for(database_id)


def _packet_lines(practice: Practice) -> tuple[bool, tuple[str, ...]]:
    packet = build_packet(practice.clinic.services, practice.patient_id, DAY, LAST)
    return packet.audit_ok, packet.audit_report


def _flat(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", "\n".join(page.extract_text() for page in reader.pages))


def test_a_later_packet_checks_from_the_full_checks_checkpoint(practice: Practice) -> None:
    services = practice.clinic.services
    _checkpoint_file(services).unlink(missing_ok=True)
    ok, lines = _packet_lines(practice)
    assert ok and lines[0] == FULL_NOW
    assert _checkpoint_file(services).exists()
    head = int(services.db.execute("SELECT max(id) FROM audit_log").fetchone()[0])
    rows = sum(1 for t in audit_rows.TABLES for _ in audit_rows.scan(services.db, t))
    packet = build_packet(services, practice.patient_id, DAY, LAST)
    assert packet.audit_ok
    assert packet.audit_report[0].startswith(FROM_CHECKPOINT)
    assert f"entries 1–{head:,} and {rows:,} billing rows intact" in packet.audit_report[0]
    assert (
        packet.audit_report[1] == f"since then: no new entries; entry {head:,}'s hash is unchanged"
    )
    _, mine = audit_checkpoint.patient_digest(services.db, practice.patient_id, head)
    assert f"patient {practice.patient_id}'s {mine:,} billing rows" in packet.audit_report[2]
    text = _flat(packet_pdf(packet))
    assert "verify-audit: intact" in text
    for line in packet.audit_report:
        assert re.sub(r"\s+", " ", line) in text
    # another patient's visit since: its entries are checked on top of the checkpoint
    treat(practice.clinic, practice.hostile_id, LAST + timedelta(days=1), [("97110", "PT", 10)])
    now = int(services.db.execute("SELECT max(id) FROM audit_log").fetchone()[0])
    ok, lines = _packet_lines(practice)
    assert ok and lines[0].startswith(FROM_CHECKPOINT)
    assert lines[1].startswith(f"since then: entries {head + 1:,}–{now:,} checked")


def test_the_patients_own_change_since_is_checked_in_full(practice: Practice) -> None:
    services = practice.clinic.services
    _packet_lines(practice)
    treat(practice.clinic, practice.patient_id, LAST, [("97140", "PT", 9)])
    ok, lines = _packet_lines(practice)
    assert ok and lines[0] == FULL_NOW
    ok, lines = _packet_lines(practice)  # that full check is the new checkpoint
    assert ok and lines[0].startswith(FROM_CHECKPOINT)
    assert _checkpoint_file(services).exists()


def test_the_patients_row_changed_behind_the_log_after_the_checkpoint(practice: Practice) -> None:
    services = practice.clinic.services
    _packet_lines(practice)
    line = services.visits.claim_lines(practice.finalized[1])[0]
    with services.db.transaction():
        services.db.execute("UPDATE claim_lines SET units = units + 3 WHERE id = ?", (line.id,))
    ok, lines = _packet_lines(practice)
    assert not ok and lines[0] == FULL_NOW
    assert any(f"claim line {line.id} of visit {line.visit_id}" in x for x in lines)
    with services.db.transaction():
        services.db.execute("UPDATE claim_lines SET units = units - 3 WHERE id = ?", (line.id,))


def test_a_row_audited_since_and_changed_behind_the_log_is_found(practice: Practice) -> None:
    clinic = practice.clinic
    services = clinic.services
    _packet_lines(practice)
    other = treat(clinic, practice.hostile_id, LAST + timedelta(days=1), [("97110", "PT", 10)])
    line = services.visits.claim_lines(other)[0]
    with services.db.transaction():
        services.db.execute("UPDATE claim_lines SET units = units + 1 WHERE id = ?", (line.id,))
    ok, lines = _packet_lines(practice)  # another patient's row, but the entries since list it
    assert not ok and lines[0] == FULL_NOW
    assert any(f"claim line {line.id} of visit {other}" in x for x in lines)
    with services.db.transaction():
        services.db.execute("UPDATE claim_lines SET units = units - 1 WHERE id = ?", (line.id,))


def _resign(services: Services, path: Path, edit: tuple[str, str]) -> None:
    """Rewrite the checkpoint with ``edit`` made and signed again with the database's key."""
    body = path.read_text().rpartition("signature: ")[0].replace(*edit)
    epoch = audit_keys.epochs(services.db)[-1]
    key = audit_keys.read_key_file(audit_keys.key_path(epoch.key_id)).key
    digest = hmac.digest(key, body.encode(), "sha256").hex()
    path.write_text(f"{body}signature: {digest}\n")


def test_a_forged_or_stale_checkpoint_is_not_used(practice: Practice) -> None:
    services = practice.clinic.services
    _packet_lines(practice)
    path = _checkpoint_file(services)
    kept = path.read_text()
    patient_line = next(
        x for x in kept.splitlines() if x.startswith(f"patient {practice.patient_id} ")
    )
    forged = patient_line[:-4] + "0000"
    path.write_text(kept.replace(patient_line, forged))  # not signed by the key
    assert audit_checkpoint.read(services.db) is None
    assert _packet_lines(practice)[1][0] == FULL_NOW
    head_hash = services.db.execute("SELECT hash FROM audit_log ORDER BY id DESC").fetchone()[0]
    _resign(services, path, (f"hash: {head_hash}", f"hash: {'0' * 64}"))
    assert audit_checkpoint.read(services.db) is None  # signed, but not this log's entry
    _resign(services, path, (f"hash: {'0' * 64}", f"hash: {head_hash}"))
    assert audit_checkpoint.read(services.db) is not None
    path.write_text("not a checkpoint at all\n")
    assert audit_checkpoint.read(services.db) is None


def test_a_checkpoint_that_cannot_be_written_costs_only_a_full_check(
    practice: Practice, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = practice.clinic.services
    path = _checkpoint_file(services)
    path.unlink(missing_ok=True)

    def disk_full(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(audit_checkpoint.os, "replace", disk_full)
    for _ in range(2):
        ok, lines = _packet_lines(practice)
        assert ok and lines[0] == FULL_NOW
    assert not path.exists()
    assert not list(path.parent.glob(f"{path.name}*"))  # no partial file left
    assert os.access(path.parent, os.W_OK)


def test_a_full_checks_digests_are_each_patients_rows(practice: Practice) -> None:
    services = practice.clinic.services
    treat(practice.clinic, practice.hostile_id, date(2026, 3, 9), [("97110", "PTA", 12)])
    services.records.record_payment(practice.patient_id, "12.00", "insurance")
    digests = audit_checkpoint.Digests()
    report = audit_verify.verify(services.db, seen=digests, indexed=digests.indexed)
    assert report.ok
    kept = digests.result()
    patients = [int(r[0]) for r in services.db.execute("SELECT id FROM patients")]
    assert {practice.patient_id, practice.hostile_id} <= set(patients)
    for patient in patients:
        digest, _ = audit_checkpoint.patient_digest(services.db, patient, report.entries)
        empty = hashlib.sha256().hexdigest()[:32]
        assert kept.get(str(patient), empty) == digest, patient
    assert set(audit_checkpoint.PATIENT_ROWS) == set(audit_rows.BY_TAG)


def test_a_long_run_of_entries_since_is_checked_in_full(
    practice: Practice, monkeypatch: pytest.MonkeyPatch
) -> None:
    _packet_lines(practice)
    monkeypatch.setattr(audit_checkpoint, "LONGEST_TAIL", 1)
    assert _packet_lines(practice)[1][0].startswith(FROM_CHECKPOINT)  # none since
    treat(practice.clinic, practice.hostile_id, LAST + timedelta(days=1), [("97110", "PT", 10)])
    ok, lines = _packet_lines(practice)
    assert ok and lines[0] == FULL_NOW


def test_verify_audit_keeps_the_checkpoint_a_packet_checks_from(practice: Practice) -> None:
    """``verify-audit --keep-checkpoint`` (by hand, or each night) leaves the checkpoint too, so
    the next packet does not check the whole log again; a plain check writes no file."""
    services = practice.clinic.services
    _checkpoint_file(services).unlink(missing_ok=True)
    assert services.verify_audit().ok
    assert not _checkpoint_file(services).exists()
    report = services.verify_audit(keep_checkpoint=True)
    assert report.ok
    assert _checkpoint_file(services).exists()
    ok, lines = _packet_lines(practice)
    assert ok and lines[0].startswith(FROM_CHECKPOINT)


def test_a_failed_verify_audit_keeps_no_checkpoint(practice: Practice) -> None:
    services = practice.clinic.services
    _checkpoint_file(services).unlink(missing_ok=True)
    # a row changed behind the log: the check fails and vouches for nothing
    line = services.visits.claim_lines(practice.finalized[1])[0]
    with services.db.transaction():
        services.db.execute("UPDATE claim_lines SET units = units + 1 WHERE id = ?", (line.id,))
    assert not services.verify_audit(keep_checkpoint=True).ok
    assert not _checkpoint_file(services).exists()
    with services.db.transaction():
        services.db.execute("UPDATE claim_lines SET units = units - 1 WHERE id = ?", (line.id,))


@pytest.mark.sqlite_file  # SQLite's statement trace
def test_the_rows_listed_since_the_checkpoint_are_read_a_query_per_table(
    practice: Practice,
) -> None:
    """The entries since the checkpoint list rows (another patient's visits): they are read a
    table at a time, as many queries for three visits' rows as for one visit's."""
    services = practice.clinic.services
    services.verify_audit(keep_checkpoint=True)
    day = LAST + timedelta(days=1)
    reads, listed = [], []
    for visits in (1, 3):
        for _ in range(visits):
            treat(practice.clinic, practice.hostile_id, day, [("97110", "PT", 10)])
            day += timedelta(days=1)
        checkpoint = audit_checkpoint.read(services.db)
        assert checkpoint is not None
        traced: list[str] = []
        services.db.conn.set_trace_callback(traced.append)
        try:
            lines = audit_checkpoint.check_patient(services.db, checkpoint, practice.patient_id)
        finally:
            services.db.conn.set_trace_callback(None)
        assert lines is not None and "billing rows they list are as audited" in lines[1]
        listed.append(int(re.search(r"the ([\d,]+) billing rows", lines[1])[1].replace(",", "")))  # type: ignore[index]
        reads.append(sum(1 for s in traced if s.lstrip().upper().startswith("SELECT")))
    assert listed[1] > listed[0]  # more rows listed since the checkpoint...
    assert reads[1] == reads[0]  # ...read in as many queries

"""The audit packet: its PDF's text checked against the database (every frozen claim line, every
timer run's start and stop, every audit entry with its reason, the plan of care and progress
report dates, the verification and the anchor); a pooled same-day visit points to its bill; a
tampered row shows as BROKEN; the requests it refuses."""

from __future__ import annotations

import io
import json
import re
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from chargeclock.domain.errors import InputError
from chargeclock.services.packet import build_packet, packet_pdf
from chargeclock.services.session import Services
from chargeclock.storage import visits as visit_rows
from tests.services.conftest import Clinic
from tests.services.practice_data import DAY, Practice, small_practice, treat

LAST = DAY + timedelta(days=2)
REASON = "PTA minutes on 97110 were stopped late; corrected from the schedule"
WRITE_OFF = "balance under the small-balance limit"


@pytest.fixture
def practice(clinic: Clinic) -> Practice:
    practice = small_practice(clinic)
    services = clinic.services
    corrected = practice.finalized[2]
    services.visits.reopen_for_correction(corrected, "timer left running at the break")
    segment = next(
        s for s in visit_rows.segments_of_visit(services.db, corrected) if s.role == "PTA"
    )
    assert segment.stopped_at is not None
    services.visits.edit_segment(
        segment.id,
        started_at=segment.started_at,
        stopped_at=segment.stopped_at - timedelta(minutes=2),
        reason=REASON,
    )
    services.visits.finalize(corrected)
    # what else is done to a visit after it is billed: its claim printed, a write-off
    services.filing.mark_sent(corrected, "printed", on=LAST)
    services.ledger.add_adjustment(
        practice.patient_id, "write_off", "4.00", on=LAST, visit_id=corrected, note=WRITE_OFF
    )
    return practice


def _raw_entries_about(services: Services, visit_ids: set[int]) -> dict[int, list[int]]:
    """Each visit's audit entries, picked from the whole log as stored: the visit's own,
    those whose details name the visit, and those of the payments and ledger entries whose rows
    name it (read from their tables, not through the store's queries)."""
    db = services.db
    payments = dict(db.execute("SELECT id, visit_id FROM payments").fetchall())
    ledger = dict(db.execute("SELECT id, visit_id FROM ledger_entries").fetchall())
    out: dict[int, list[int]] = {v: [] for v in visit_ids}
    rows = db.execute("SELECT id, entity, entity_id, details FROM audit_log ORDER BY id")
    for entry_id, entity, entity_id, details in rows.fetchall():
        named = json.loads(details).get("visit_id")
        about = {
            entity_id if entity == "visit" else None,
            named,
            payments.get(entity_id) if entity == "payment" else None,
            ledger.get(entity_id) if entity == "ledger_entry" else None,
        }
        for visit in about & visit_ids:
            out[visit].append(entry_id)
    return out


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_the_packet_text_holds_what_the_database_holds(practice: Practice) -> None:
    services = practice.clinic.services
    patient_id = practice.patient_id
    packet = build_packet(services, patient_id, DAY, LAST)
    text = _flat(_text(packet_pdf(packet)))
    zone = services.ctx.zone
    period = [
        v for v in services.visits.visits_of_patient(patient_id) if DAY <= v.date_of_service <= LAST
    ]
    assert [v.visit_id for v in packet.visits] == [v.id for v in period]
    assert "AUDIT PACKET" in text and "Jane Roe" in text
    # the plan of care and the progress report, as the database holds them
    plans = services.db.execute(
        "SELECT c.start_date, c.certified_through, c.signed_date, p.name FROM plans_of_care c "
        "JOIN providers p ON p.id = c.certifying_provider_id WHERE c.patient_id = ?",
        (patient_id,),
    ).fetchall()
    assert plans
    for *dates, provider in plans:
        shown = " ".join(f"{date.fromisoformat(d):%m/%d/%Y}" for d in dates)
        assert f"{shown} {provider}" in text
    reports = services.db.execute(
        "SELECT report_date FROM progress_reports WHERE patient_id = ? ORDER BY report_date",
        (patient_id,),
    ).fetchall()
    assert reports
    shown = ", ".join(f"{date.fromisoformat(r[0]):%m/%d/%Y}" for r in reports)
    assert f"Progress reports {shown}" in text
    for visit in period:
        lines = services.visits.claim_lines(visit.id)
        if visit.status == "finalized":
            assert lines, visit.id
            assert f"Visit {visit.id} · {visit.date_of_service:%m/%d/%Y} · as billed" in text
            for line in lines:  # each frozen line as the superbill sets it
                row = f"{line.code} "
                assert row in text
                assert f"{line.units} × {' '.join(line.modifiers)}" in text
            total = sum(line.charge or 0 for line in lines)
            assert f"${total:,.2f}" in text
            bill = services.visits.bill(visit.id)
            assert bill is not None
            for step in bill.trace:
                assert _flat(step)[:60] in text, step
        for segment in visit_rows.segments_of_visit(services.db, visit.id):
            start = segment.started_at.astimezone(zone)
            stop = segment.stopped_at.astimezone(zone) if segment.stopped_at else None
            shown = f"{segment.code} {segment.role} {start:%H:%M:%S} "
            shown += f"{stop:%H:%M:%S}" if stop else "running"
            assert shown in text, shown
    # every entry about the packet's visits, found in the log as stored, with its reason
    raw = _raw_entries_about(services, {v.id for v in period})
    assert [[e.id for e in v.audit] for v in packet.visits] == [raw[v.id] for v in period]
    by_id = {e.id: e for e in services.audit_entries()}
    for visit in period:
        for entry_id in raw[visit.id]:
            entry = by_id[entry_id]
            assert f"{entry.id} {entry.at.astimezone(zone):%m/%d/%Y %H:%M:%S}" in text
            assert entry.action in text
            if entry.reason:
                assert f"Reason: {_flat(entry.reason)}" in text
    actions = {by_id[i].action for ids in raw.values() for i in ids}
    # the packet reaches past the visit's own rows: a payment, a claim's filing, a write-off
    assert {"payment_recorded", "claim_printed", "ledger_adjustment"} <= actions
    assert f"Reason: {REASON}" in text and f"Reason: {WRITE_OFF}" in text
    report = services.verify_audit()
    assert report.ok and "verify-audit: intact" in text
    for line in report.lines():
        assert _flat(line) in text
    anchor = services.audit_anchor(None)
    assert anchor and _flat(anchor) in text
    assert packet.anchor == anchor


def test_a_plan_certified_by_the_referring_physician_names_them(practice: Practice) -> None:
    """The physician signs the plan of care (claims.md §5): the packet names them, not a blank
    or the clinic's own PT."""
    services = practice.clinic.services
    physician = services.records.add_referring_provider("Dr. Omar Haddad, MD", "1234567893")
    (plan,) = services.db.execute(
        "SELECT id FROM plans_of_care WHERE patient_id = ?", (practice.patient_id,)
    ).fetchall()
    services.plans.certify(plan[0], physician, DAY - timedelta(days=4))
    text = _flat(_text(packet_pdf(build_packet(services, practice.patient_id, DAY, LAST))))
    assert "02/23/2026 05/01/2026 02/26/2026 Dr. Omar Haddad, MD" in text


def test_a_pooled_visit_points_to_the_day_bill(practice: Practice) -> None:
    clinic = practice.clinic
    services = clinic.services
    day = LAST + timedelta(days=1)
    first = treat(clinic, practice.patient_id, day, [("97110", "PT", 10)])
    second = treat(clinic, practice.patient_id, day, [("97140", "PT", 9)])
    packet = build_packet(services, practice.patient_id, day, day)
    by_id = {v.visit_id: v for v in packet.visits}
    holder = [v for v in packet.visits if v.superbill is not None]
    assert len(holder) == 1 and set(by_id) == {first, second}
    pooled = next(v for v in packet.visits if v.superbill is None)
    assert pooled.billed_with == holder[0].visit_id
    assert holder[0].pooled == (pooled.visit_id,)
    text = _flat(_text(packet_pdf(packet)))
    assert f"Visit {pooled.visit_id} · {day:%m/%d/%Y} · pooled into visit" in text
    assert f"see visit {holder[0].visit_id}" in text


def test_the_open_visit_is_listed_unbilled_with_its_running_timer(practice: Practice) -> None:
    services = practice.clinic.services
    packet = build_packet(services, practice.patient_id, DAY, LAST)
    (open_visit,) = [v for v in packet.visits if v.status == "open"]
    assert open_visit.superbill is None and open_visit.runs[-1].stopped is None
    text = _flat(_text(packet_pdf(packet)))
    assert f"Visit {open_visit.visit_id} · {LAST:%m/%d/%Y} · open: not billed" in text


def test_a_row_changed_behind_the_log_shows_the_packet_broken(practice: Practice) -> None:
    services = practice.clinic.services
    line = services.visits.claim_lines(practice.finalized[1])[0]
    with services.db.transaction():
        services.db.execute("UPDATE claim_lines SET units = units + 3 WHERE id = ?", (line.id,))
    packet = build_packet(services, practice.patient_id, DAY, LAST)
    assert not packet.audit_ok
    text = _flat(_text(packet_pdf(packet)))
    assert "verify-audit: BROKEN" in text
    assert f"claim line {line.id} of visit {line.visit_id}" in text
    with services.db.transaction():  # as it was, for the fixture's own check at the end
        services.db.execute("UPDATE claim_lines SET units = units - 3 WHERE id = ?", (line.id,))


def test_the_full_superbill_pages_when_asked(practice: Practice) -> None:
    services = practice.clinic.services
    packet = build_packet(services, practice.patient_id, DAY, LAST, full_superbills=True)
    text = _text(packet_pdf(packet))
    assert text.count("SUPERBILL") == len(packet.billed) == 3


def test_requests_it_refuses(practice: Practice, clinic: Clinic) -> None:
    services: Services = clinic.services
    with pytest.raises(InputError, match="patient_id: there is no patient 999"):
        build_packet(services, 999, DAY, LAST)
    with pytest.raises(InputError, match=r"period: .* no finalized visits"):
        build_packet(services, practice.patient_id, date(2025, 1, 1), date(2025, 12, 31))
    with pytest.raises(InputError, match=r"from: .* is after"):
        build_packet(services, practice.patient_id, LAST, DAY)

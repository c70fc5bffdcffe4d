"""Timers, segment edits, codes, finalize and corrections on a real database file."""

from __future__ import annotations

from datetime import timedelta, timezone

import pytest

from chargeclock.domain.errors import InputError
from chargeclock.services.minutes import service_minutes
from chargeclock.services.session import open_engine
from tests.services.conftest import Clinic, dump


def _open(clinic: Clinic, *codes: str) -> int:
    return clinic.services.visits.open_visit(clinic.patient_id, codes=codes).visit_id


def test_start_is_on_disk_when_the_call_returns(clinic: Clinic) -> None:
    visit = _open(clinic, "97110")
    change = clinic.services.visits.start_timer(visit, "97110", "PT")
    assert change.started is not None
    # A second, independent connection sees it: it was committed before the call returned.
    other = open_engine(clinic.services.db.target, write=False, create=False)
    row = other.execute(
        "SELECT role, stopped_at FROM timer_segments WHERE id = ?", (change.started.segment_id,)
    ).fetchone()
    other.close()
    assert row == ("PT", None)


def test_starting_another_code_stops_the_first_for_that_role_only(clinic: Clinic) -> None:
    visits, clock = clinic.services.visits, clinic.clock
    visit = _open(clinic, "97110", "97140")
    first = visits.start_timer(visit, "97110", "PT").started
    pta = visits.start_timer(visit, "97110", "PTA").started
    clock.advance(minutes=9)
    change = visits.start_timer(visit, "97140", "PT")
    assert [s.segment_id for s in change.stopped] == [first.segment_id]  # type: ignore[union-attr]
    assert change.stopped[0].stopped_at == clock.now()
    assert sorted(change.state.running) == [("97110", "PTA"), ("97140", "PT")]
    assert pta is not None


def test_starting_a_running_timer_again_changes_nothing(clinic: Clinic) -> None:
    visits = clinic.services.visits
    visit = _open(clinic, "97110")
    visits.start_timer(visit, "97110", "PT")
    before = dump(clinic.services)
    change = visits.start_timer(visit, "97110", "PT")
    assert change.started is None and change.stopped == ()
    assert dump(clinic.services) == before


def test_toggle_and_live_minutes_follow_the_clock(clinic: Clinic) -> None:
    visits, clock = clinic.services.visits, clinic.clock
    visit = _open(clinic, "97110")
    state = visits.toggle_timer(visit, "97110", "PT").state
    clock.advance(minutes=7, seconds=59)
    assert service_minutes(state, clock.now())[0].pt_minutes == 7  # 7:59 is 7 minutes
    assert state.codes[0].role_seconds("PT", clock.now()) == 479
    clock.advance(seconds=1)
    assert service_minutes(state, clock.now())[0].pt_minutes == 8
    state = visits.toggle_timer(visit, "97110", "PT").state
    assert state.running == ()
    clock.advance(hours=1)  # stopped: nothing more accrues
    assert service_minutes(state, clock.now())[0].pt_minutes == 8


def test_unknown_code_and_untimed_start_are_refused(clinic: Clinic) -> None:
    visits = clinic.services.visits
    visit = _open(clinic)
    before = dump(clinic.services)
    with pytest.raises(InputError, match=r"^code: '99999' is not a code in the 2026 code list"):
        visits.start_timer(visit, "99999", "PT")
    with pytest.raises(InputError, match=r"^code: '12345' is not a code"):
        visits.add_code(visit, "12345")
    with pytest.raises(InputError, match="97161 is untimed"):
        visits.start_timer(visit, "97161", "PT")
    with pytest.raises(InputError, match=r"^role: must be PT or PTA"):
        visits.start_timer(visit, "97110", "OTA")
    assert dump(clinic.services) == before


def _segment(clinic: Clinic, visit: int, code: str, role: str, minutes: int) -> int:
    started = clinic.services.visits.start_timer(visit, code, role).started
    assert started is not None
    clinic.clock.advance(minutes=minutes)
    clinic.services.visits.stop_timer(visit, role)
    return started.segment_id


@pytest.mark.parametrize(
    ("start_shift", "stop_shift", "field", "message"),
    [
        (0, -20, "stopped_at", "the stop must come after the start"),  # stop before start
        (0, 0, "stopped_at", "the stop must come after the start"),  # zero length
        (0, 60, "stopped_at", "in the future"),
        (70, 80, "started_at", "in the future"),
        (0, 15, "stopped_at", "overlaps the PT's segment"),  # runs into the next PT segment
    ],
)
def test_bad_segment_edits_change_nothing(
    clinic: Clinic, start_shift: int, stop_shift: int, field: str, message: str
) -> None:
    visits, clock = clinic.services.visits, clinic.clock
    visit = _open(clinic, "97110", "97140")
    first = _segment(clinic, visit, "97110", "PT", 10)
    clock.advance(minutes=2)
    _segment(clinic, visit, "97140", "PT", 10)
    start = visits.visit_state(visit).codes[0].spans[0].started_at
    before = dump(clinic.services)
    with pytest.raises(InputError, match=rf"^{field}: .*{message}"):
        visits.edit_segment(
            first,
            started_at=start + timedelta(minutes=start_shift),
            stopped_at=start + timedelta(minutes=stop_shift),
            reason="forgot to stop",
        )
    assert dump(clinic.services) == before


def test_edit_needs_a_reason_and_an_aware_time(clinic: Clinic) -> None:
    visits = clinic.services.visits
    visit = _open(clinic, "97110")
    segment = _segment(clinic, visit, "97110", "PT", 10)
    span = visits.visit_state(visit).codes[0].spans[0]
    before = dump(clinic.services)
    with pytest.raises(InputError, match=r"^reason: "):
        visits.edit_segment(
            segment, started_at=span.started_at, stopped_at=span.stopped_at, reason=" "
        )
    with pytest.raises(InputError, match=r"^started_at: must carry a time zone"):
        visits.edit_segment(
            segment,
            started_at=span.started_at.replace(tzinfo=None),
            stopped_at=span.stopped_at,
            reason="typo",
        )
    assert dump(clinic.services) == before


def test_good_edit_is_saved_and_audited(clinic: Clinic) -> None:
    visits = clinic.services.visits
    visit = _open(clinic, "97110")
    segment = _segment(clinic, visit, "97110", "PT", 10)
    span = visits.visit_state(visit).codes[0].spans[0]
    assert span.stopped_at is not None
    state = visits.edit_segment(
        segment,
        started_at=span.started_at,
        stopped_at=span.stopped_at - timedelta(minutes=3),
        reason="stopped late",
    )
    assert service_minutes(state, clinic.clock.now())[0].pt_minutes == 7
    entry = clinic.services.audit_entries("timer_segment", segment)[-1]
    assert entry.action == "segment_edited" and entry.reason == "stopped late"
    assert entry.details["before"]["stopped_at"] == span.stopped_at.isoformat()


def test_same_role_overlap_on_another_code_is_refused_but_cross_role_is_kept(
    clinic: Clinic,
) -> None:
    visits, clock = clinic.services.visits, clinic.clock
    visit = _open(clinic, "97110", "97140")
    start = clock.now()
    _segment(clinic, visit, "97110", "PT", 10)
    clock.advance(minutes=30)
    with pytest.raises(InputError, match="overlaps"):
        visits.add_segment(
            visit, "97140", "PT", started_at=start + timedelta(minutes=5),
            stopped_at=start + timedelta(minutes=12), reason="entered late",
        )  # fmt: skip
    state = visits.add_segment(
        visit, "97140", "PTA", started_at=start + timedelta(minutes=5),
        stopped_at=start + timedelta(minutes=12), reason="entered late",
    )  # fmt: skip
    minutes = {m.code: m for m in service_minutes(state, clock.now())}
    assert minutes["97110"].overlap_minutes == 5 and minutes["97140"].overlap_minutes == 5


def test_remove_code_with_time_needs_a_reason_and_is_audited(clinic: Clinic) -> None:
    visits = clinic.services.visits
    visit = _open(clinic, "97110", "97140")
    _segment(clinic, visit, "97140", "PT", 4)
    with pytest.raises(InputError, match=r"^reason"):
        visits.remove_code(visit, "97140")
    state = visits.remove_code(visit, "97140", reason="wrong code")
    assert [c.code for c in state.codes] == ["97110"]
    assert clinic.services.audit_entries("visit", visit)[-1].details["code"] == "97140"
    assert visits.remove_code(visit, "97110").codes == ()  # no time recorded: no reason needed


def test_finalize_refuses_running_timers_then_freezes_lines(clinic: Clinic) -> None:
    visits, clock = clinic.services.visits, clinic.clock
    visit = _open(clinic, "97110", "97140")
    visits.start_timer(visit, "97110", "PT")
    clock.advance(minutes=25)
    before = dump(clinic.services)
    with pytest.raises(InputError, match=r"^timers: stop the running timers first: 97110 \(PT\)"):
        visits.finalize(visit)
    assert dump(clinic.services) == before
    visits.start_timer(visit, "97140", "PT")
    clock.advance(minutes=13, seconds=30)
    visits.stop_all(visit)
    done = visits.finalize(visit)
    assert [(line.code, line.units, line.modifiers) for line in done.claim_lines] == [
        ("97110", 2, ("GP",)),
        ("97140", 1, ("GP",)),
    ]
    assert done.claim_lines[0].diagnosis_pointers == "AB"
    assert done.claim_lines[0].trace and done.state.status == "finalized"
    bill = visits.bill(visit)
    assert bill is not None and bill.total_timed_minutes == 38 and bill.trace == done.result.trace
    with pytest.raises(InputError, match=r"^visit: visit .* is finalized: correct it first"):
        visits.start_timer(visit, "97110", "PT")


def test_correction_needs_a_reason_and_keeps_the_old_lines_in_the_audit(clinic: Clinic) -> None:
    visits = clinic.services.visits
    visit = _open(clinic, "97110")
    _segment(clinic, visit, "97110", "PT", 20)
    visits.finalize(visit)
    with pytest.raises(InputError, match=r"^reason"):
        visits.reopen_for_correction(visit, "")
    state = visits.reopen_for_correction(visit, "wrong patient code")
    assert state.status == "open" and visits.claim_lines(visit) == []
    entry = clinic.services.audit_entries("visit", visit)[-1]
    assert entry.action == "visit_reopened" and entry.reason == "wrong patient code"
    assert entry.details["removed_lines"][0]["code"] == "97110"
    clinic.clock.advance(minutes=1)
    assert visits.finalize(visit).claim_lines[0].units == 1
    assert clinic.services.verify_audit().ok


def test_untimed_service_records_who_furnished_it(clinic: Clinic) -> None:
    visits = clinic.services.visits
    visit = _open(clinic, "G0283")
    with pytest.raises(InputError, match=r"^furnished_by"):
        visits.set_untimed(visit, "G0283", "OT")
    with pytest.raises(InputError, match=r"^pta_minutes"):
        visits.set_untimed(visit, "G0283", "PTA", pta_minutes=-1)
    state = visits.set_untimed(visit, "G0283", "PTA", pta_minutes=12)
    minutes = service_minutes(state, clinic.clock.now())[0]
    assert minutes.assistant_furnished and minutes.pta_minutes == 12
    done = visits.finalize(visit)
    assert done.claim_lines[0].modifiers == ("GP", "CQ")


def test_future_date_of_service_is_refused(clinic: Clinic) -> None:
    with pytest.raises(InputError, match=r"^date_of_service: .* is in the future"):
        clinic.services.visits.open_visit(
            clinic.patient_id, date_of_service=clinic.clock.now().date() + timedelta(days=1)
        )


def test_a_refused_time_is_told_on_the_clinic_wall_clock(clinic: Clinic) -> None:
    """The times in a refusal are the clinic's (14:00 UTC is 09:00 in New York on 03/02/2026),
    written as every other time on screen, not the stored UTC instant in ISO."""
    visits, clock = clinic.services.visits, clinic.clock
    clinic.services.ctx.zone = timezone(timedelta(hours=-5))  # New York in March (EST)
    visit = _open(clinic, "97110", "97140")
    start = clock.now()
    _segment(clinic, visit, "97110", "PT", 10)
    clock.advance(minutes=30)
    with pytest.raises(InputError) as overlap:
        visits.add_segment(
            visit, "97140", "PT", started_at=start + timedelta(minutes=5),
            stopped_at=start + timedelta(minutes=12), reason="entered late",
        )  # fmt: skip
    assert "(03/02/2026 09:00 to 03/02/2026 09:10)" in str(overlap.value)
    with pytest.raises(InputError) as future:
        visits.add_segment(
            visit, "97140", "PT", started_at=start + timedelta(minutes=20),
            stopped_at=clock.now() + timedelta(hours=1), reason="entered late",
        )  # fmt: skip
    assert str(future.value) == "stopped_at: 03/02/2026 10:40 is in the future"

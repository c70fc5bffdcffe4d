"""A timer left running past a day: shown with its time and what to do, never an engine error;
finalize refuses it with a message that says what to do; a real stop time makes it billable."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chargeclock.domain.errors import InputError
from chargeclock.services.minutes import long_spans
from tests.services.conftest import Clinic, dump


def _running(clinic: Clinic, hours: float) -> int:
    visits = clinic.services.visits
    visit_id = visits.open_visit(clinic.patient_id, codes=["97110"]).visit_id
    visits.start_timer(visit_id, "97110", "PT")
    clinic.clock.advance(hours=hours)
    return visit_id


def test_a_timer_past_a_day_is_reported_with_its_hours(clinic: Clinic) -> None:
    visit_id = _running(clinic, 33 + 40 / 60)
    state = clinic.services.visits.visit_state(visit_id)
    [span] = long_spans(state, clinic.clock.now())
    assert (span.code, span.role, span.hours, span.running) == ("97110", "PT", 33, True)
    assert span.message == "97110 PT timer running for 33 h: stop it at the right time"
    with pytest.raises(InputError):  # the engine's contract is unchanged: at most a day
        clinic.services.live_result(state)


def test_a_day_exactly_is_still_billable(clinic: Clinic) -> None:
    visit_id = _running(clinic, 24)
    state = clinic.services.visits.visit_state(visit_id)
    assert long_spans(state, clinic.clock.now()) == ()
    assert clinic.services.live_result(state).services[0].minutes == 1440
    clinic.clock.advance(minutes=1)
    assert len(long_spans(state, clinic.clock.now())) == 1


def test_finalize_refuses_a_day_long_timer_and_says_what_to_do(clinic: Clinic) -> None:
    visits = clinic.services.visits
    visit_id = _running(clinic, 33)
    visits.stop_all(visit_id)
    before = dump(clinic.services)
    with pytest.raises(InputError) as refused:
        visits.finalize(visit_id)
    assert refused.value.field == "timers"
    assert "97110 PT (33 h)" in str(refused.value)
    assert "set the time each really stopped" in str(refused.value)
    assert dump(clinic.services) == before  # nothing half-saved

    [span] = long_spans(visits.visit_state(visit_id), clinic.clock.now())
    assert not span.running and "ran 33 h, more than a day" in span.message
    visits.edit_segment(
        span.segment_id,
        started_at=span.started_at,
        stopped_at=span.started_at + timedelta(minutes=38),
        reason="left running overnight",
    )
    finalized = visits.finalize(visit_id)
    assert [(ln.code, ln.units) for ln in finalized.claim_lines] == [("97110", 3)]

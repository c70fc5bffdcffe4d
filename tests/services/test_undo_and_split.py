"""Ctrl+Z's service: the visit's last timer tap taken back, audited as an undo; and a segment
split in two, which changes no minute."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chargeclock.domain.errors import InputError
from chargeclock.services.minutes import service_minutes
from tests.services.conftest import Clinic, dump


def _visit(clinic: Clinic) -> int:
    return clinic.services.visits.open_visit(clinic.patient_id, codes=["97110", "97140"]).visit_id


def test_undoing_a_start_removes_its_segment_and_runs_again_what_it_stopped(
    clinic: Clinic,
) -> None:
    visits, clock = clinic.services.visits, clinic.clock
    visit = _visit(clinic)
    first = visits.start_timer(visit, "97110", "PT").started
    clock.advance(minutes=10)
    mistaken = visits.start_timer(visit, "97140", "PT").started  # the wrong row
    clock.advance(seconds=20)
    state = visits.undo_last_tap(visit)
    assert state.running == (("97110", "PT"),)
    assert state.code("97140").spans == ()  # type: ignore[union-attr]
    spans = state.code("97110").spans  # type: ignore[union-attr]
    assert [(s.segment_id, s.stopped_at) for s in spans] == [(first.segment_id, None)]  # type: ignore[union-attr]
    # The 20 s between count for 97110: the therapist never stopped it.
    assert service_minutes(state, clock.now())[0].pt_minutes == 10
    entry = clinic.services.audit_entries("visit", visit)[-1]
    assert entry.action == "timer_tap_undone" and entry.reason == "undo of the last timer tap"
    assert entry.details["removed"] == mistaken.segment_id  # type: ignore[union-attr]
    assert entry.details["running_again"] == [first.segment_id]  # type: ignore[union-attr]


def test_undoing_a_stop_runs_the_timer_again_as_if_never_stopped(clinic: Clinic) -> None:
    visits, clock = clinic.services.visits, clinic.clock
    visit = _visit(clinic)
    visits.start_timer(visit, "97110", "PTA")
    clock.advance(minutes=4)
    visits.stop_timer(visit, "PTA")
    clock.advance(minutes=5)
    state = visits.undo_last_tap(visit)
    assert state.running == (("97110", "PTA"),)
    assert state.code("97110").role_seconds("PTA", clock.now()) == 9 * 60  # type: ignore[union-attr]


def test_only_the_last_change_and_only_a_tap_is_undone(clinic: Clinic) -> None:
    visits, clock = clinic.services.visits, clinic.clock
    visit = _visit(clinic)
    with pytest.raises(InputError, match=r"^undo: nothing to undo on visit"):
        visits.undo_last_tap(visit)
    visits.start_timer(visit, "97110", "PT")
    clock.advance(minutes=3)
    visits.undo_last_tap(visit)
    before = dump(clinic.services)
    with pytest.raises(InputError, match="its last change was not a timer tap"):
        visits.undo_last_tap(visit)  # an undo is not undone by a second Ctrl+Z
    assert dump(clinic.services) == before
    started = visits.start_timer(visit, "97110", "PT").started
    clock.advance(minutes=3)
    visits.stop_timer(visit, "PT")
    visits.edit_segment(
        started.segment_id,  # type: ignore[union-attr]
        started_at=started.started_at,  # type: ignore[union-attr]
        stopped_at=clock.now() - timedelta(minutes=1),
        reason="stopped late",
    )
    before = dump(clinic.services)
    with pytest.raises(InputError, match="not a timer tap"):
        visits.undo_last_tap(visit)
    assert dump(clinic.services) == before


def test_a_split_keeps_every_minute_and_a_running_timer_running(clinic: Clinic) -> None:
    visits, clock = clinic.services.visits, clinic.clock
    visit = _visit(clinic)
    started = visits.start_timer(visit, "97110", "PT").started
    assert started is not None
    clock.advance(minutes=20)
    before = service_minutes(visits.visit_state(visit), clock.now())
    at = started.started_at + timedelta(minutes=12)
    state = visits.split_segment(started.segment_id, at, reason="two exercises")
    assert service_minutes(state, clock.now()) == before
    spans = state.code("97110").spans  # type: ignore[union-attr]
    assert [(s.started_at, s.stopped_at) for s in spans] == [
        (started.started_at, at),
        (at, None),
    ]
    entry = clinic.services.audit_entries("timer_segment", started.segment_id)[-1]
    assert entry.action == "segment_split" and entry.reason == "two exercises"
    snapshot = dump(clinic.services)
    for bad in (started.started_at, clock.now(), clock.now() + timedelta(minutes=1)):
        with pytest.raises(InputError, match=r"^at: the split must fall between"):
            visits.split_segment(started.segment_id, bad, reason="x")
    with pytest.raises(InputError, match=r"^reason"):
        visits.split_segment(started.segment_id, at + timedelta(minutes=1), reason=" ")
    assert dump(clinic.services) == snapshot

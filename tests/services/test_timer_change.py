"""A timer tap returns what it wrote; the visit's state after it comes from the state a screen
holds (no read) or, when asked for, from the store — and both are the state the store holds."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from chargeclock.services.changes import Changes
from chargeclock.services.minutes import VisitState
from chargeclock.services.timer_change import TimerChange
from chargeclock.services.visits import VisitService
from tests.services.conftest import Clinic


def _open(clinic: Clinic, *codes: str) -> int:
    return clinic.services.visits.open_visit(clinic.patient_id, codes=codes).visit_id


@contextmanager
def _no_visit_read(visits: VisitService, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Reading a visit's state fails inside the block."""

    def refused(*_: object) -> VisitState:
        raise AssertionError("the visit was read")

    with monkeypatch.context() as patch:
        patch.setattr(visits, "_state", refused)
        yield


def test_each_tap_applied_to_the_held_state_is_what_the_store_holds(
    clinic: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    visits, clock = clinic.services.visits, clinic.clock
    visit = _open(clinic, "97110", "97140")
    held = visits.visit_state(visit)
    taps = [
        lambda: visits.toggle_timer(visit, "97110", "PT"),
        lambda: visits.toggle_timer(visit, "97110", "PTA"),
        lambda: visits.start_timer(visit, "97140", "PT"),  # stops the PT's 97110
        lambda: visits.toggle_timer(visit, "97112", "PT"),  # a code the visit lacks: added
        lambda: visits.start_timer(visit, "97112", "PT"),  # already running: nothing
        lambda: visits.stop_timer(visit, "PTA"),
        lambda: visits.stop_timer(visit, "PTA"),  # nothing running: nothing
        lambda: visits.toggle_timer(visit, "97140", "PTA"),
        lambda: visits.stop_all(visit),
    ]
    for tap in taps:
        clock.advance(minutes=3, seconds=17)
        change = tap()
        with _no_visit_read(visits, monkeypatch):
            after = change.applied_to(held)
        assert after == visits.visit_state(visit)
        held = after
    assert [c.code for c in held.codes] == ["97110", "97140", "97112"]
    assert sum(len(c.spans) for c in held.codes) == 5 and held.running == ()


def test_a_state_the_tap_did_not_change_is_read_again(clinic: Clinic) -> None:
    visits, clock = clinic.services.visits, clinic.clock
    visit, other = _open(clinic, "97110"), _open(clinic, "97110")
    stale = visits.visit_state(visit)
    visits.toggle_timer(visit, "97110", "PT")  # the screen missed this tap
    clock.advance(minutes=5)
    change = visits.toggle_timer(visit, "97110", "PT")
    fresh = visits.visit_state(visit)
    assert change.applied_to(stale) == fresh  # its running segments were not the tap's
    assert change.applied_to(visits.visit_state(other)) == fresh  # another visit
    assert change.applied_to(None) == fresh
    assert change.state == fresh


def test_the_tap_names_its_visit_and_codes_without_reading_the_visit(
    clinic: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    visits = clinic.services.visits
    visit = _open(clinic, "97110")
    visits.start_timer(visit, "97110", "PT")
    with _no_visit_read(visits, monkeypatch):
        change = visits.toggle_timer(visit, "97140", "PT")
        assert Changes.of_result(change) == Changes(visits=frozenset({visit}))
    assert change.started is not None and [s.role for s in change.stopped] == ["PT"]
    assert change.codes == {
        change.started.segment_id: "97140",
        change.stopped[0].segment_id: "97110",
    }
    assert change.state.running == (("97140", "PT"),)  # read now, when asked for


_TABLE = re.compile(r"\b(?:FROM|JOIN|INTO|UPDATE)\s+(\w+)", re.IGNORECASE)


@pytest.mark.sqlite_file  # SQLite's statement trace
def test_a_tap_reads_only_what_it_decides_from(clinic: Clinic) -> None:
    """A tap's statements: the visit row, its running segments and code rows, the segment
    write (a start's with its workstation's room), the audit entry, the heartbeat and the
    commit — the same however long the visit's and the patient's history, and none of the
    reads the visit's state needs."""
    visits, clock = clinic.services.visits, clinic.clock
    earlier = _open(clinic, "97110")
    for _ in range(10):
        visits.toggle_timer(earlier, "97110", "PT")
        clock.advance(minutes=2)
    visits.finalize(earlier)
    visit = _open(clinic, "97110", "97140")
    traced: list[str] = []
    conn = clinic.services.db.conn
    conn.set_trace_callback(traced.append)
    counts = []
    try:
        for n in range(24):
            clock.advance(minutes=1)
            traced.clear()
            change = visits.toggle_timer(visit, ("97110", "97140")[n // 2 % 2], "PT")
            assert (change.started is None) == bool(n % 2)
            counts.append(len(traced))
            tables = {t.lower() for s in traced for t in _TABLE.findall(s)}
            # app_settings: a start's segment takes the workstation's room within its INSERT
            assert tables <= {
                "visits", "timer_segments", "visit_codes", "audit_keys", "audit_log", "heartbeat",
                "app_settings",
            }  # fmt: skip
    finally:
        conn.set_trace_callback(None)
    assert counts[:2] * 12 == counts  # a start, a stop: no more with each segment
    assert isinstance(change, TimerChange)

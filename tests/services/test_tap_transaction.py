"""A timer tap reads the visit row inside its own transaction: a visit finalized on another
workstation between the read and the write cannot take a tap."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from chargeclock.domain.errors import InputError
from chargeclock.services.timer_change import TimerChange
from tests.services.conftest import Clinic
from tests.services.test_timer_change import _open


def _taps(clinic: Clinic, visit: int) -> list[Callable[[], TimerChange]]:
    visits = clinic.services.visits
    return [
        lambda: visits.start_timer(visit, "97110", "PT"),
        lambda: visits.toggle_timer(visit, "97110", "PTA"),
        lambda: visits.stop_timer(visit, "PT"),
        lambda: visits.stop_all(visit),
    ]


@pytest.mark.sqlite_file  # SQLite's statement trace
def test_the_visit_row_is_read_inside_the_tap(clinic: Clinic) -> None:
    visit = _open(clinic, "97110")
    conn = clinic.services.db.conn
    for tap in _taps(clinic, visit):
        clinic.clock.advance(minutes=1)
        traced: list[str] = []
        conn.set_trace_callback(traced.append)
        try:
            tap()
        finally:
            conn.set_trace_callback(None)
        begin = traced.index("BEGIN IMMEDIATE")
        reads = [n for n, s in enumerate(traced) if s.startswith("SELECT") and "FROM visits" in s]
        assert reads and all(n > begin for n in reads), traced


def test_a_tap_on_a_visit_no_longer_open_is_refused_and_leaves_nothing(clinic: Clinic) -> None:
    visits = clinic.services.visits
    visit = _open(clinic, "97110")
    visits.toggle_timer(visit, "97110", "PT")
    clinic.clock.advance(minutes=9)
    visits.stop_all(visit)
    visits.finalize(visit)
    before = visits.visit_state(visit)
    for tap in _taps(clinic, visit):
        with pytest.raises(InputError, match="finalized"):
            tap()
    assert visits.visit_state(visit) == before
    # nothing left half-open: the next visit's tap commits on its own
    other = _open(clinic, "97110")
    visits.start_timer(other, "97110", "PT")
    assert visits.visit_state(other).running == (("97110", "PT"),)

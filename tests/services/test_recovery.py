"""After an unclean exit: running timers with the last-seen moment; keep, stop there, or edit."""

from __future__ import annotations

from datetime import UTC, timedelta
from pathlib import Path

import pytest

from chargeclock.clock import FakeClock
from chargeclock.domain.errors import InputError
from chargeclock.services.session import Services
from tests.services.conftest import Clinic


def _crash_with_timers(clinic: Clinic) -> tuple[Path | str, int, list[int]]:
    services, clock = clinic.services, clinic.clock
    visit = services.visits.open_visit(clinic.patient_id).visit_id
    a = services.visits.start_timer(visit, "97110", "PT").started
    b = services.visits.start_timer(visit, "97140", "PTA").started
    clock.advance(minutes=6)
    services.recovery.beat()  # last seen alive 6 minutes in
    clock.advance(minutes=1, seconds=30)
    path = services.db.target
    assert path is not None and a is not None and b is not None
    services.db.close()  # the process dies: no end_session
    return path, visit, [a.segment_id, b.segment_id]


def _reopen(path: Path | str, clinic: Clinic, minutes: float) -> Services:
    clock = FakeClock(clinic.clock.now() + timedelta(minutes=minutes))
    return Services.open(path, clock, zone=UTC)


def test_report_lists_running_timers_and_last_seen(clinic: Clinic) -> None:
    path, visit, segments = _crash_with_timers(clinic)
    services = _reopen(path, clinic, 20)
    try:
        report = services.recovery.begin_session()
        assert report.needs_attention and not report.clean_exit
        assert [t.segment_id for t in report.timers] == segments
        assert report.last_seen == clinic.clock.now() - timedelta(minutes=1, seconds=30)
        assert {(t.code, t.role, t.visit_id) for t in report.timers} == {
            ("97110", "PT", visit),
            ("97140", "PTA", visit),
        }
    finally:
        services.close()


def test_stop_at_last_seen_and_keep_running(clinic: Clinic) -> None:
    path, visit, (pt_segment, pta_segment) = _crash_with_timers(clinic)
    services = _reopen(path, clinic, 20)
    try:
        report = services.recovery.begin_session()
        services.recovery.stop_at_last_seen([pt_segment])
        services.recovery.keep_running([pta_segment])
        state = services.visits.visit_state(visit)
        pt = state.code("97110")
        assert pt is not None and pt.spans[0].stopped_at == report.last_seen
        assert state.running == (("97140", "PTA"),)
        actions = [e.action for e in services.audit_entries()]
        assert "recovery_stopped_at_last_seen" in actions and "recovery_kept_running" in actions
        assert services.recovery.report().timers == (report.timers[1],)
    finally:
        services.close()
    again = _reopen(path, clinic, 30)
    try:
        assert again.recovery.begin_session().clean_exit  # closed cleanly this time
    finally:
        again.close()


def test_stop_at_an_edited_time_is_checked(clinic: Clinic) -> None:
    path, visit, (pt_segment, _) = _crash_with_timers(clinic)
    services = _reopen(path, clinic, 20)
    try:
        report = services.recovery.begin_session()
        started = report.timers[0].started_at
        with pytest.raises(InputError, match=r"^stopped_at: the stop must come after the start"):
            services.recovery.stop_at(pt_segment, started - timedelta(minutes=1), "forgot")
        with pytest.raises(InputError, match=r"^stopped_at: .* is in the future"):
            services.recovery.stop_at(pt_segment, services.clock.now() + timedelta(1), "x")
        with pytest.raises(InputError, match=r"^reason"):
            services.recovery.stop_at(pt_segment, started + timedelta(minutes=9), " ")
        services.recovery.stop_at(pt_segment, started + timedelta(minutes=9), "ended at 9 min")
        pt = services.visits.visit_state(visit).code("97110")
        assert pt is not None and pt.spans[0].stopped_at == started + timedelta(minutes=9)
        with pytest.raises(InputError, match="is not running"):
            services.recovery.stop_at_last_seen([pt_segment])
    finally:
        services.close()

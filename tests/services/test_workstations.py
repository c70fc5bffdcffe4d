"""Several workstations on one clinic server: live changes, who shows a visit, and crash
recovery that is each workstation's own."""

from __future__ import annotations

import queue
from collections.abc import Callable, Iterator
from datetime import date, timedelta

import pytest

from chargeclock.clock import FakeClock
from chargeclock.services.changes import Changes
from chargeclock.services.session import Services
from tests.pg_server import Cluster
from tests.services.conftest import START, VALID_NPI, open_as_workstation

OpenAt = Callable[[str], Services]


@pytest.fixture
def workstation(
    pg_cluster: Cluster, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[OpenAt, FakeClock]]:
    """``open_at(name)``: services on one fresh clinic server database as workstation
    ``name``; all closed at the end."""
    url = pg_cluster.new_database()
    clock = FakeClock(START)
    opened: list[Services] = []

    def open_at(name: str) -> Services:
        opened.append(open_as_workstation(url, name, clock, monkeypatch))
        return opened[-1]

    yield open_at, clock
    for services in opened:
        services.close()


def _visit(services: Services) -> int:
    records = services.records
    if not records.providers():
        records.add_provider("Dana Reyes", "PT", VALID_NPI)
        records.add_payer("Medicare", medicare=True)
        records.save_fees(2026, charges={"97110": "50.00"})  # no line is frozen without one
    payer = records.payers()[0]
    patient, _ = records.add_patient("Doe", "Jane", date(1950, 1, 2), payer_id=payer.id,
                                     diagnoses=["M17.11"])  # fmt: skip
    return services.visits.open_visit(patient.id, codes=["97110"]).visit_id


def _next(heard: queue.Queue[Changes]) -> Changes:
    return heard.get(timeout=10)  # a generous bound: the figure is in tests/perf


def test_a_change_on_one_workstation_reaches_the_others_and_not_itself(
    workstation: tuple[OpenAt, FakeClock],
) -> None:
    open_at, clock = workstation
    room, gym = open_at("room-1"), open_at("gym")
    visit = _visit(room)
    heard_in_gym: queue.Queue[Changes] = queue.Queue()
    heard_in_room: queue.Queue[Changes] = queue.Queue()
    gym.listen(heard_in_gym.put)
    room.listen(heard_in_room.put)
    room.visits.start_timer(visit, "97110", "PT")
    assert _next(heard_in_gym).visit(visit)
    clock.advance(minutes=20)
    room.visits.stop_timer(visit, "PT")
    assert _next(heard_in_gym).visit(visit)
    # What the gym hears it reads: the room's timer, from the store.
    assert gym.visits.visit_state(visit).code("97110") is not None
    gym.visits.finalize(visit)
    assert _next(heard_in_room).visit(visit)
    assert heard_in_gym.empty()  # not its own finalize
    patient = room.visits.visit(visit).patient_id
    gym.records.record_payment(patient, "10.00", "cash")
    assert _next(heard_in_room).payments


def _gym_listening(open_at: OpenAt) -> tuple[Services, Services, int, queue.Queue[Changes]]:
    """The room and the gym, a visit opened in the room, and what the gym hears."""
    room, gym = open_at("room-1"), open_at("gym")
    visit = _visit(room)
    heard: queue.Queue[Changes] = queue.Queue()
    gym.listen(heard.put)
    return room, gym, visit, heard


def test_a_change_rolled_back_is_not_announced(workstation: tuple[OpenAt, FakeClock]) -> None:
    room, gym, visit, heard = _gym_listening(workstation[0])

    def fails_after_its_audit_entry() -> None:
        with room.db.transaction():
            room.visits.start_timer(visit, "97110", "PT")
            raise RuntimeError("the change fails after its audit entry")

    with pytest.raises(RuntimeError):
        fails_after_its_audit_entry()
    room.visits.start_timer(visit, "97110", "PTA")
    first = _next(heard)
    assert first.visit(visit)
    assert [s.role for s in gym.visits.visit_state(visit).code("97110").spans] == ["PTA"]  # type: ignore[union-attr]


def test_a_visit_open_elsewhere_is_said_not_refused(workstation: tuple[OpenAt, FakeClock]) -> None:
    open_at, _ = workstation
    room, gym, desk = open_at("room-1"), open_at("gym"), open_at("front desk")
    visit = _visit(room)
    assert room.workstations.show(visit) == []
    assert gym.workstations.show(visit) == ["room-1"]
    assert desk.workstations.show(visit) == ["gym", "room-1"]
    assert room.workstations.notice(visit) == "This visit is open on workstation front desk and gym"
    gym.visits.start_timer(visit, "97110", "PTA")  # both work on it
    room.visits.start_timer(visit, "97110", "PT")
    gym.workstations.show(None)
    desk.close()  # a workstation that goes (or crashes) holds nothing
    assert room.workstations.notice(visit) is None


def test_crash_recovery_is_each_workstations_own(workstation: tuple[OpenAt, FakeClock]) -> None:
    open_at, clock = workstation
    room = open_at("room-1")
    room.recovery.begin_session()
    visit = _visit(room)
    room.workstations.show(visit)
    segment = room.visits.start_timer(visit, "97110", "PT").started
    assert segment is not None
    clock.advance(minutes=5)
    room.recovery.beat()
    # The gym starts while the room runs: the room's timer is not a crash's.
    gym = open_at("gym")
    report = gym.recovery.begin_session()
    assert not report.needs_attention and report.clean_exit
    assert [t.segment_id for t in report.kept] == []
    gym.recovery.beat()
    # The room's process dies: its heartbeat stays as last written, its hold goes with it.
    last_seen = clock.now()
    clock.advance(minutes=3)
    room.db.close()
    again = open_at("room-1")
    report = again.recovery.begin_session()
    assert report.needs_attention and not report.clean_exit
    assert [(t.segment_id, t.last_seen) for t in report.timers] == [(segment.segment_id, last_seen)]
    # ... and it is the room's alone: the gym, restarting cleanly, is asked nothing.
    gym.close()
    assert not open_at("gym").recovery.begin_session().needs_attention
    assert clock.now() - last_seen == timedelta(minutes=3)


def test_live_changes_come_back_after_the_server_drops_the_listening_connection(
    workstation: tuple[OpenAt, FakeClock],
) -> None:
    room, _, visit, heard = _gym_listening(workstation[0])
    room.db.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ?",
        ("chargeclock:gym (live)",),
    )
    # Whatever happened while it was away may have changed anything: it says so first.
    assert _next(heard) == Changes.everything()
    room.visits.start_timer(visit, "97110", "PT")
    assert _next(heard).visit(visit)

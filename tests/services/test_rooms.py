"""A workstation's treatment room: a setting of its own, recorded on every timer started there
(on both stores: ``clinic`` runs on a SQLite file and on a clinic server)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chargeclock.domain.errors import InputError
from chargeclock.services.session import Services
from chargeclock.storage import visits
from tests.services.conftest import Clinic, dump
from tests.services.test_workstations import OpenAt, workstation

__all__ = ["workstation"]


def _visit(clinic: Clinic) -> int:
    return clinic.services.visits.open_visit(clinic.patient_id, codes=["97110"]).visit_id


def _rooms(services: Services, visit_id: int) -> list[str]:
    return [s.room for s in visits.segments_of_visit(services.db, visit_id)]


def test_a_timer_records_the_room_of_the_workstation_it_started_on(clinic: Clinic) -> None:
    services = clinic.services
    visit_id = _visit(clinic)
    services.visits.toggle_timer(visit_id, "97110", "PT")  # no room named yet
    services.visits.toggle_timer(visit_id, "97110", "PT")
    assert services.workstations.set_room("  Room   2 ") == "Room 2"
    assert services.workstations.room() == "Room 2"
    services.visits.toggle_timer(visit_id, "97110", "PT")
    assert _rooms(services, visit_id) == ["", "Room 2"]
    [clock] = services.running_clocks()
    assert (clock.room, clock.where()) == ("Room 2", "JD · Room 2")
    changed = [e for e in services.audit_entries("settings") if e.action == "setting_changed"]
    assert changed[-1].details == {"room": "Room 2"}


def test_a_split_segment_keeps_the_room_it_ran_in(clinic: Clinic) -> None:
    services = clinic.services
    visit_id = _visit(clinic)
    services.workstations.set_room("Gym")
    services.visits.toggle_timer(visit_id, "97110", "PT")
    clinic.clock.advance(minutes=10)
    services.visits.toggle_timer(visit_id, "97110", "PT")
    services.workstations.set_room("Room 3")  # renamed after: the time ran in the gym
    [segment] = visits.segments_of_visit(services.db, visit_id)
    services.visits.split_segment(
        segment.id, segment.started_at + timedelta(minutes=4), reason="two exercises"
    )
    assert _rooms(services, visit_id) == ["Gym", "Gym"]


def test_a_room_name_too_long_is_refused_and_nothing_is_saved(clinic: Clinic) -> None:
    services = clinic.services
    services.workstations.set_room("Room 1")
    before = dump(services)
    with pytest.raises(InputError) as refused:
        services.workstations.set_room("The big treatment room at the back")
    assert refused.value.field == "room"
    assert dump(services) == before


def test_each_workstation_on_a_server_keeps_its_own_room(
    workstation: tuple[OpenAt, object],
) -> None:
    open_at, _clock = workstation
    first = open_at("front")
    first.workstations.set_room("Room 1")
    second = open_at("back")
    assert second.workstations.room() == ""
    second.workstations.set_room("Gym")
    assert (first.workstations.room(), second.workstations.room()) == ("Room 1", "Gym")

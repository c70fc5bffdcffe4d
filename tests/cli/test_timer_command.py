"""``chargeclock timer``: start, stop, toggle and status from another process, beside the
window's open database; which visit a command acts on; refusals in one line."""

from __future__ import annotations

from datetime import date

import pytest

from chargeclock.cli import main
from chargeclock.services.session import Services
from chargeclock.services.timer_control import ACTOR, TimerControl
from tests.conftest import open_services
from tests.services.conftest import Clinic, clinic, clock

#: the command's --db is a file here; the server's failures: tests/storage/test_engines.py
pytestmark = pytest.mark.sqlite_file

__all__ = ["clinic", "clock", "open_services"]


def _db(clinic: Clinic) -> str:
    assert clinic.services.db.path is not None
    return str(clinic.services.db.path)


def _control(clinic: Clinic) -> TimerControl:
    """The command's services on the window's database, on the test's clock."""
    assert clinic.services.db.path is not None
    beside = Services.open_beside(clinic.services.db.path, actor=ACTOR, clock=clinic.clock)
    return TimerControl(beside)


def test_start_toggle_and_status_beside_an_open_window(
    clinic: Clinic, capsys: pytest.CaptureFixture[str]
) -> None:
    visits = clinic.services.visits
    visit = visits.open_visit(clinic.patient_id, codes=["97110", "97140"]).visit_id
    assert main(["timer", "start", "97110", "--role", "pt", "--visit", str(visit),
                 "--db", _db(clinic)]) == 0  # fmt: skip
    assert capsys.readouterr().out == f"visit {visit}: started 97110 PT\n"
    assert main(["timer", "toggle", "97140", "--role", "PT", "--visit", str(visit),
                 "--db", _db(clinic)]) == 0  # fmt: skip
    assert capsys.readouterr().out == f"visit {visit}: started 97140 PT, stopped 97110 PT\n"
    assert visits.visit_state(visit).running == (("97140", "PT"),)
    assert main(["timer", "status", "--db", _db(clinic)]) == 0
    assert capsys.readouterr().out.startswith(f"visit {visit} (JD) 97140 PT ")
    entries = clinic.services.audit_entries("visit", visit)
    assert [(e.action, e.actor) for e in entries[-2:]] == [
        ("timer_started", ACTOR),
        ("timer_started", ACTOR),
    ]


def test_a_tap_from_outside_does_not_speak_for_the_windows_heartbeat(clinic: Clinic) -> None:
    from chargeclock.storage import heartbeat

    visit = clinic.services.visits.open_visit(clinic.patient_id).visit_id
    before = heartbeat.get(clinic.services.db)
    clinic.clock.advance(minutes=5)
    _control(clinic).start("97110", "PT", visit_id=visit)
    assert heartbeat.get(clinic.services.db) == before
    clinic.services.visits.stop_timer(visit, "PT")  # the window's own tap beats
    after = heartbeat.get(clinic.services.db)
    assert after is not None and after.last_seen_at == clinic.clock.now()


def test_which_visit_by_patient_and_by_the_room(clinic: Clinic) -> None:
    records, visits = clinic.services.records, clinic.services.visits
    other, _ = records.add_patient("Roe", "Ann", date(1960, 5, 6), payer_id=clinic.medicare_id)
    first = visits.open_visit(clinic.patient_id).visit_id
    second = visits.open_visit(other.id).visit_id
    control = _control(clinic)
    assert control.which_visit(patient_id=clinic.patient_id) == first
    assert control.which_visit(patient_id=other.id) == second
    assert control.which_visit() == second  # none tapped yet: the last opened
    clinic.clock.advance(minutes=1)
    visits.start_timer(first, "97110", "PT")
    assert control.which_visit() == first  # the one whose timers were tapped last
    tap = control.start("97112", "PTA")
    assert tap.visit_id == first and tap.started == ("97112 PTA",)
    tap = control.start("97530", "PT", patient_id=other.id)
    # Another patient's clocks are said, not stopped.
    assert [(c.visit_id, c.initials, c.code, c.role) for c in tap.elsewhere] == [
        (first, "JD", "97110", "PT"),
        (first, "JD", "97112", "PTA"),
    ]


def test_refusals_name_the_option_and_change_nothing(
    clinic: Clinic, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _db(clinic)
    assert main(["timer", "start", "97110", "--role", "PT", "--db", db]) == 2
    assert capsys.readouterr().err == (
        "chargeclock: --visit: no visit is open today: start one in the window, or give "
        "--visit ID\n"
    )
    assert main(["timer", "stop", "--role", "PT", "--patient", "99", "--db", db]) == 2
    assert "--patient: patient 99 has no open visit today" in capsys.readouterr().err
    visit = clinic.services.visits.open_visit(clinic.patient_id).visit_id
    assert main(["timer", "start", "97161", "--role", "PT", "--visit", str(visit),
                 "--db", db]) == 2  # fmt: skip
    assert "97161 is untimed" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exited:
        main(["timer", "start", "97110", "--role", "OT", "--db", db])
    assert exited.value.code == 2
    assert "--role" in capsys.readouterr().err
    assert clinic.services.visits.visit_state(visit).running == ()


def test_a_database_that_is_not_there_is_refused_and_not_created(
    tmp_path,
    capsys: pytest.CaptureFixture[str],  # type: ignore[no-untyped-def]
) -> None:
    missing = tmp_path / "none.sqlite3"
    assert main(["timer", "status", "--db", str(missing)]) == 2
    assert "no such file" in capsys.readouterr().err
    assert not missing.exists()


def test_a_foot_switch_timer_records_the_workstations_room(
    clinic: Clinic, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command beside the window finds this workstation's room: the lock screen and the
    status line say where the timer runs."""
    clinic.services.workstations.set_room("Room 2")
    visit = clinic.services.visits.open_visit(clinic.patient_id, codes=["97110"]).visit_id
    assert main(["timer", "start", "97110", "--role", "PT", "--visit", str(visit),
                 "--db", _db(clinic)]) == 0  # fmt: skip
    capsys.readouterr()
    assert main(["timer", "status", "--db", _db(clinic)]) == 0
    assert capsys.readouterr().out.startswith(f"visit {visit} (JD · Room 2) 97110 PT ")
    [clock] = clinic.services.running_clocks()
    assert clock.room == "Room 2"

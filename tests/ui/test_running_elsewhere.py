"""Every running clock in sight: the Today list marks the visits whose timers run (role and
time); starting a timer while another patient's of that role runs asks (stop it, keep both);
the lock screen lists every patient's running timers by initials."""

from __future__ import annotations

from datetime import date

import pytest

from chargeclock.ui import running_elsewhere
from chargeclock.ui.main_window import MainWindow
from chargeclock.ui.privacy_lock import PrivacyLock
from tests.ui.records_fixtures import PIN, Clinic, clinic, icd10_loaded
from tests.ui.test_lock import window

__all__ = ["clinic", "icd10_loaded", "window"]

pytestmark = pytest.mark.gui


def _today(window: MainWindow) -> list[str]:
    model = window.today_model
    return [model.entry(i).text for i in range(model.rowCount())]


@pytest.fixture
def two_visits(window: MainWindow, clinic: Clinic) -> tuple[int, int]:
    """Quintero's visit with PT running on 97110 for 4:00, then Roe's visit opened."""
    other, _ = clinic.services.records.add_patient(
        "Roe", "Ann", date(1960, 5, 6), payer_id=clinic.payer_id
    )
    window.start_visit(clinic.patient_id)
    first = window.visit_id
    window.visits.toggle_timer("97110", "PT")
    clinic.clock.advance(minutes=4)
    window.start_visit(other.id)
    return first, window.visit_id


def test_the_today_list_marks_running_visits_with_role_and_time(
    window: MainWindow, clinic: Clinic, two_visits: tuple[int, int]
) -> None:
    assert _today(window) == [
        "Quintero, Marisol · ● PT 04:00",
        "Roe, Ann · open",
    ]
    window.patients.today_list.setCurrentIndex(window.today_model.index(1))
    clinic.clock.advance(seconds=5)
    window.tick()
    assert _today(window)[0] == "Quintero, Marisol · ● PT 04:05"
    assert window.patients.today_list.currentIndex().row() == 1  # the tick kept the selection
    window.visits.toggle_timer("97112", "PTA")
    assert _today(window)[1] == "Roe, Ann · ● PTA 00:00"


@pytest.mark.parametrize(
    ("answer", "first_runs", "second_runs"),
    [
        (running_elsewhere.STOP, False, True),
        (running_elsewhere.KEEP, True, True),
        (running_elsewhere.CANCEL, True, False),
    ],
)
def test_starting_pt_while_another_patients_pt_runs_asks(
    monkeypatch: pytest.MonkeyPatch,
    window: MainWindow,
    clinic: Clinic,
    two_visits: tuple[int, int],
    answer: str,
    first_runs: bool,
    second_runs: bool,
) -> None:
    first, second = two_visits
    asked: list[list[str]] = []

    def ask(_parent: object, others: list[tuple[str, object]], _now: object) -> str:
        asked.append([name for name, _clock in others])
        return answer

    monkeypatch.setattr(running_elsewhere, "ask", ask)
    window.visits.toggle_timer("97140", "PT")
    assert asked == [["Quintero, Marisol"]]
    visits = clinic.services.visits
    assert (visits.visit_state(first).running == (("97110", "PT"),)) is first_runs
    assert (visits.visit_state(second).running == (("97140", "PT"),)) is second_runs
    assert _today(window)[0].endswith("● PT 04:00") is first_runs
    if answer == running_elsewhere.STOP:  # stopped at the moment of the question, audited
        entry = clinic.services.audit_entries("visit", first)[-1]
        assert entry.action == "timer_stopped"


def test_an_assistant_on_another_patient_is_not_asked_about(
    monkeypatch: pytest.MonkeyPatch, window: MainWindow, two_visits: tuple[int, int]
) -> None:
    def ask(*_args: object) -> str:
        raise AssertionError("asked")

    monkeypatch.setattr(running_elsewhere, "ask", ask)
    window.visits.toggle_timer("97112", "PTA")
    assert window.state is not None and window.state.running == (("97112", "PTA"),)


def test_the_lock_screen_lists_every_patients_timers_by_initials(
    window: MainWindow, clinic: Clinic, two_visits: tuple[int, int]
) -> None:
    window.visits.toggle_timer("97112", "PTA")
    lock = PrivacyLock(window, clinic.services)
    lock.lock()
    assert lock.screen.clock_texts() == ["MQ · 97110 · PT 04:00", "AR · 97112 · PTA 00:00"]
    assert lock.unlock(clinic.user_id, PIN)


def test_a_late_idle_timeout_after_the_database_closed_does_nothing(
    window: MainWindow, clinic: Clinic
) -> None:
    """A window's idle lock can fire after its database closed (the window going away): it
    covers nothing, reads nothing and hides no other window."""
    from PySide6.QtWidgets import QWidget

    lock = PrivacyLock(window, clinic.services)
    other = QWidget()
    other.show()
    clinic.services.close()
    lock.idle_timer.timeout.emit()
    assert not lock.locked and other.isVisible()
    other.close()

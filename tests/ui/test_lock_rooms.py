"""The lock screen lists every running timer of every patient by initials and treatment room:
two workstations with their own rooms, a patient's timer started at each."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from chargeclock.ui import running_elsewhere
from chargeclock.ui.main_window import MainWindow
from chargeclock.ui.privacy_lock import PrivacyLock
from chargeclock.ui.settings_dialog import SettingsDialog
from tests.ui.records_fixtures import Clinic, clinic, icd10_loaded
from tests.ui.test_lock import window
from tests.ui.test_two_workstations import Opened, two_windows

__all__ = ["clinic", "icd10_loaded", "two_windows", "window"]

pytestmark = pytest.mark.gui


def test_the_lock_screen_shows_both_patients_timers_with_their_rooms_and_no_names(
    qtbot: QtBot, two_windows: Opened
) -> None:
    room, gym, patient = two_windows
    # Each workstation names its room in Settings, as a therapist would.
    for station, name in ((room, "Room 2"), (gym, "Gym")):
        settings = SettingsDialog(station.services, station)
        qtbot.addWidget(settings)
        settings.room.room.setText(f"  {name} ")
        settings.room.save_button.click()
        assert settings.room.room.text() == name
        assert station.services.workstations.room() == name
    other, _ = gym.services.records.add_patient(
        "Roe", "Ann", date(1960, 5, 6), payer_id=gym.services.records.patient(patient).payer_id
    )
    room.start_visit(patient)
    room.visits.toggle_timer("97110", "PT")
    gym.start_visit(other.id)
    gym.visits.toggle_timer("97112", "PTA")
    room.clock.advance(minutes=3)

    room.resize(1024, 600)  # the smallest screen: a clock with its room is wide
    qtbot.waitUntil(lambda: room.width() == 1024)
    lock = PrivacyLock(room, room.services)
    lock.lock()
    assert lock.screen.clock_texts() == [
        "MQ · Room 2 · 97110 · PT 03:00",
        "AR · Gym · 97112 · PTA 03:00",
    ]
    screen = lock.screen
    for label in screen.clock_labels:  # each clock whole on the screen, none cut
        corner = label.mapTo(screen, label.rect().topLeft())
        assert screen.rect().contains(QRect(corner, label.size())), label.text()
    shown = " ".join(label.text() for label in screen.findChildren(QLabel))
    for name in ("Quintero", "Maria", "Roe", "Ann"):
        assert name not in shown
    # The gym's Today list: each running visit's clocks with code and room in its tooltip.
    qtbot.waitUntil(lambda: gym.patients.today_model.rowCount() == 2, timeout=5000)
    gym.patients.refresh_lists()
    tips = sorted(gym.today_model.entry(i).tooltip for i in range(2))
    assert tips == ["PT 97110 03:00 in Room 2", "PTA 97112 03:00 in Gym"]


def test_six_running_clocks_are_whole_on_a_1024_by_600_screen(
    qtbot: QtBot, window: MainWindow, clinic: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three patients in the gym, a therapist and an assistant on each: every clock whole on
    the screen and above the PIN card (the type gets smaller rather than the clocks cut)."""
    monkeypatch.setattr(running_elsewhere, "ask", lambda *_args: running_elsewhere.KEEP)
    window.services.workstations.set_room("Treatment 4")
    records = clinic.services.records
    patients = [clinic.patient_id] + [
        records.add_patient(last, first, date(1955, 3, 4), payer_id=clinic.payer_id)[0].id
        for last, first in (("Roe", "Ann"), ("Poe", "Edgar"))
    ]
    for patient in patients:
        window.start_visit(patient)
        window.visits.toggle_timer("97110", "PT")
        window.visits.toggle_timer("97112", "PTA")
    window.resize(1024, 600)
    qtbot.waitUntil(lambda: window.width() == 1024)
    lock = PrivacyLock(window, clinic.services)
    lock.lock()
    qtbot.wait(50)
    screen = lock.screen
    texts = screen.clock_texts()
    assert len(texts) == 6 and all(" · Treatment 4 · " in t for t in texts)
    card_top = screen.card.mapTo(screen, screen.card.rect().topLeft()).y()
    for label in screen.clock_labels:
        corner = label.mapTo(screen, label.rect().topLeft())
        assert screen.rect().contains(QRect(corner, label.size())), label.text()
        assert corner.y() + label.height() <= card_top, label.text()
        hint = label.sizeHint()  # no text cut, across or down
        assert label.width() >= hint.width() and label.height() >= hint.height(), label.text()
    assert screen.card.height() >= screen.card.sizeHint().height()

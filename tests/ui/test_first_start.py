"""First start and small things: the guide through practice, provider, payer and first patient
(skippable, not shown again); Quit with Ctrl+Q; the demo's PINs in its title and its
throwaway copy gone at exit."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from pytestqt.qtbot import QtBot

from chargeclock.clock import FakeClock
from chargeclock.services.first_run import FirstRun
from chargeclock.services.session import Services
from chargeclock.ui.first_run_guide import FirstRunGuide, open_if_needed
from chargeclock.ui.main_window import MainWindow
from tests.ui.records_fixtures import NPI, START

pytestmark = pytest.mark.gui


@pytest.fixture
def empty(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    services = Services.open(tmp_path / "new.sqlite3", FakeClock(START))
    window = MainWindow(services, services.clock)
    qtbot.addWidget(window)
    window.show()
    yield window
    window.ticker.stop()
    services.close()


def test_the_guide_leads_from_an_empty_database_to_a_first_patient(
    qtbot: QtBot, empty: MainWindow
) -> None:
    guide = open_if_needed(empty.runner, empty)
    assert guide is not None and guide.isVisible()
    qtbot.addWidget(guide)
    assert guide.step == "practice" and guide.title.text() == "1 of 4 · Your practice"
    guide.practice_name.setText("Riverside Physical Therapy")
    assert guide.save_page()
    assert empty.windowTitle() == "ChargeClock — Riverside Physical Therapy"

    assert guide.step == "provider"
    guide.provider_name.setText("Dana Reyes")
    guide.provider_npi.setText("1234567890")  # a wrong check digit
    room = guide.problem.height()
    assert not guide.save_page()
    assert guide.step == "provider" and "npi" in guide.problem.text().lower()
    assert guide.problem.height() == room  # the message had its room: nothing moved
    guide.provider_npi.setText(NPI)
    assert guide.save_page()

    assert guide.step == "payer" and guide.payer_name.text() == "Medicare Part B"
    assert guide.save_page()

    assert guide.step == "patient" and guide.next_button.text() == "Finish"
    assert guide.patient_payer.currentText() == "Medicare Part B"
    guide.patient_last.setText("Quintero")
    guide.patient_first.setText("Marisol")
    assert guide.save_page()
    assert not guide.isVisible()
    assert [e.text for e in empty.patient_model._entries] == ["Quintero, Marisol"]
    services = empty.services
    assert [p.name for p in services.records.providers()] == ["Dana Reyes"]
    assert open_if_needed(empty.runner, empty) is None  # set up: not again


def test_the_guide_can_be_skipped_and_is_not_shown_again(qtbot: QtBot, empty: MainWindow) -> None:
    guide = open_if_needed(empty.runner, empty)
    assert isinstance(guide, FirstRunGuide)
    guide.skip_button.click()
    assert not guide.isVisible()
    assert FirstRun(empty.services.ctx).status().skipped
    assert open_if_needed(empty.runner, empty) is None


def test_ctrl_q_quits(qtbot: QtBot, empty: MainWindow) -> None:
    empty.activateWindow()
    qtbot.waitUntil(empty.isActiveWindow)
    qtbot.keyClick(empty, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not empty.isVisible())


def test_the_demo_says_its_pins_in_the_title_and_leaves_no_copy_behind(
    qapp: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chargeclock import app

    made: list[Path] = []
    windows: list[MainWindow] = []

    def demo_copy(_today: str) -> Path:
        folder = tmp_path / "chargeclock-demo-x"
        folder.mkdir()
        made.append(folder / "demo.sqlite3")
        return made[-1]

    build = app.build_window

    def build_window(services: Services, clock: object, **options: bool) -> object:
        window, lock = build(services, clock, **options)  # type: ignore[arg-type]
        windows.append(window)
        QTimer.singleShot(300, lambda: app.QApplication.instance().exit(0))  # type: ignore[union-attr]
        return window, lock

    monkeypatch.setattr(app, "demo_copy", demo_copy)
    monkeypatch.setattr(app, "build_window", build_window)
    assert app.run(None, demo=True, clock=FakeClock(START)) == 0
    (window,) = windows
    assert "PINs: Dana Reyes 2468, Sam Lee 1357, Front Desk 0000" in window.windowTitle()
    assert made and not made[0].parent.exists()
    window.close()

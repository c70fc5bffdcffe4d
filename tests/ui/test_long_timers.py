"""A timer left running past a day on the visit screen: its time shows and the panel says what to
do (no error box); finalize asks when it really stopped; recovery offers only a stop time."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from PySide6.QtWidgets import QDialog, QMessageBox
from pytestqt.qtbot import QtBot

from chargeclock.clock import FakeClock
from chargeclock.services.minutes import LongSpan
from chargeclock.ui.main_window import MainWindow
from chargeclock.ui.rows_model import CodeRowsModel
from chargeclock.ui.stop_time_dialog import StopTimeDialog
from tests.ui.test_visit_screen import (
    START,
    clock,
    db_path,
    services,
    start_visit_by_clicks,
    window,
)

__all__ = ["clock", "db_path", "services", "window"]

pytestmark = pytest.mark.gui


@pytest.fixture
def no_error_boxes(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"an error box was shown: {args[2:]}")

    monkeypatch.setattr(QMessageBox, "warning", refuse)
    monkeypatch.setattr(QMessageBox, "critical", refuse)


def _left_running(qtbot: QtBot, window: MainWindow, clock: FakeClock) -> int:
    start_visit_by_clicks(qtbot, window)
    window.visits.toggle_timer("97110", "PT")
    clock.advance(hours=33, minutes=20)
    window.tick()
    return window.visit_id


@pytest.mark.usefixtures("no_error_boxes")
def test_the_time_shows_and_the_panel_says_what_to_do(
    window: MainWindow, qtbot: QtBot, clock: FakeClock
) -> None:
    _left_running(qtbot, window, clock)
    row = window.rows.row_of("97110")
    assert window.rows.index(row, CodeRowsModel.PT).data() == "PT ■  33:20:00"
    assert window.panel.headline.text() == "Timer running over a day"
    assert "97110 PT timer running for 33 h: stop it at the right time" in (
        window.panel.warnings.text()
    )
    clock.advance(hours=1)
    window.tick()  # an hour on, still no error
    assert "running for 34 h" in window.panel.warnings.text()


@pytest.mark.usefixtures("no_error_boxes")
def test_the_same_problem_is_not_shown_again_each_minute(
    window: MainWindow, qtbot: QtBot, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The message changes by the hour: the minutes between leave the panel as it is (it was
    cleared and filled again with the same lines each minute)."""
    _left_running(qtbot, window, clock)
    cleared: list[str] = []
    clear = type(window.panel).clear

    def counted(panel: object, message: str = "No visit open") -> None:
        cleared.append(message)
        clear(panel, message)  # type: ignore[arg-type]

    monkeypatch.setattr(type(window.panel), "clear", counted)
    for _ in range(3):
        clock.advance(minutes=1)
        window.tick()
    assert cleared == []
    assert "running for 33 h" in window.panel.warnings.text()
    clock.advance(minutes=40)
    window.tick()
    assert cleared == ["Timer running over a day"]
    assert "running for 34 h" in window.panel.warnings.text()


@pytest.mark.usefixtures("no_error_boxes")
def test_finalize_asks_when_it_really_stopped(
    window: MainWindow, qtbot: QtBot, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    visit_id = _left_running(qtbot, window, clock)
    asked: list[LongSpan] = []

    def answer(spans: list[LongSpan]) -> list[tuple[LongSpan, datetime]]:
        asked.extend(spans)
        return [(span, span.started_at + timedelta(minutes=38)) for span in spans]

    monkeypatch.setattr(window.visits, "stop_times", answer)
    window.finalize()
    assert [(s.code, s.role, s.running) for s in asked] == [("97110", "PT", True)]
    assert window.state is not None and window.state.status == "finalized"
    lines = window.services.visits.claim_lines(visit_id)
    assert [(ln.code, ln.units) for ln in lines] == [("97110", 3)]
    edit = window.services.audit_entries("timer_segment", asked[0].segment_id)[-1]
    assert edit.action == "segment_edited" and "33 h" in edit.reason


def test_finalize_cancelled_changes_nothing(
    window: MainWindow, qtbot: QtBot, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    visit_id = _left_running(qtbot, window, clock)
    monkeypatch.setattr(window.visits, "stop_times", lambda spans: None)
    window.finalize()
    state = window.services.visits.visit_state(visit_id)
    assert state.status == "open" and state.running == (("97110", "PT"),)


def test_the_stop_time_dialog_refuses_a_stop_not_after_the_start(qtbot: QtBot) -> None:
    span = LongSpan("97110", "PT", 7, START, None, 33)
    now = START + timedelta(hours=33)
    dialog = StopTimeDialog([span], now)
    qtbot.addWidget(dialog)
    dialog.accept()  # each entry starts at the timer's own start: nothing is guessed
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "after the start" in dialog.problem.text()
    dialog.set_stop(0, START + timedelta(minutes=41))
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.stop_times() == [(span, START + timedelta(minutes=41))]

"""The visit screen driven as a therapist drives it: clicks, shortcuts and a fake clock."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from chargeclock.app import apply_recovery
from chargeclock.clock import FakeClock
from chargeclock.services.session import Services
from chargeclock.ui.main_window import MainWindow
from chargeclock.ui.recovery_dialog import (
    KEEP,
    STOP_AT,
    STOP_AT_LAST_SEEN,
    RecoveryDialog,
    RunningTimer,
)
from chargeclock.ui.rows_model import CodeRowsModel
from chargeclock.ui.timer_delegate import TimerCellDelegate

pytestmark = pytest.mark.gui

START = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
NPI = "1234567893"


def setup_clinic(services: Services) -> int:
    records = services.records
    records.save_practice("Riverside Physical Therapy", "1 Main St", "555-0100", NPI, "12-3456789")
    pt = records.add_provider("Dana Reyes", "PT", NPI, credentials="PT, DPT")
    records.add_provider("Sam Lee", "PTA", supervising_provider_id=pt.id)
    medicare = records.add_payer("Medicare Part B", medicare=True)
    patient, _ = records.add_patient(
        "Doe", "Jane", datetime(1950, 1, 2).date(), payer_id=medicare.id, diagnoses=["M17.11"]
    )
    records.set_favourite_codes(["97110", "97140", "97112", "G0283"])
    # The clinic's charges: finalize freezes no line without one.
    charges = {"97110": "80.00", "97140": "85.00", "97112": "82.00", "G0283": "40.00"}
    records.save_fees(2026, charges=charges)
    return patient.id


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "clinic.sqlite3"


@pytest.fixture
def services(db_path: Path, clock: FakeClock) -> Iterator[Services]:
    services = Services.open(db_path, clock, zone=UTC)
    services.recovery.begin_session()
    yield services
    services.close()


@pytest.fixture
def window(qtbot: QtBot, services: Services, clock: FakeClock) -> MainWindow:
    setup_clinic(services)
    window = MainWindow(services, clock)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    window.ticker.stop()  # the test moves the clock and ticks by hand
    return window


def click_cell(qtbot: QtBot, window: MainWindow, code: str, column: int) -> None:
    row = window.rows.row_of(code)
    assert row >= 0, f"{code} is not a row"
    rect = window.table.visualRect(window.rows.index(row, column))
    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def start_visit_by_clicks(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.keyClicks(window.search, "Doe")
    window.patient_list.setCurrentIndex(window.patient_model.index(0))
    qtbot.mouseClick(window.start_button, Qt.MouseButton.LeftButton)
    assert window.state is not None


def running_in_db(db_path: Path) -> list[tuple[str, str]]:
    """What another connection sees: the timers are committed, not just shown."""
    with sqlite3.connect(db_path) as conn:
        return [
            (str(code), str(role))
            for code, role in conn.execute(
                "SELECT vc.code, s.role FROM timer_segments s "
                "JOIN visit_codes vc ON vc.id = s.visit_code_id WHERE s.stopped_at IS NULL "
                "ORDER BY vc.code, s.role"
            )
        ]


def test_title_names_the_practice_not_a_patient(window: MainWindow, qtbot: QtBot) -> None:
    assert window.windowTitle() == "ChargeClock — Riverside Physical Therapy"
    start_visit_by_clicks(qtbot, window)
    assert "Doe" not in window.windowTitle()


def test_with_no_visit_open_no_visit_action_is_offered(window: MainWindow) -> None:
    """Nothing to act on: every button about a visit is greyed out, Modifiers… too (it was
    left on, and clicking it did nothing)."""
    window.visits.show_nothing()
    panel = window.visits
    buttons = (
        panel.finalize_button,
        panel.superbill_button,
        panel.remove_button,
        panel.modifiers_button,
        panel.segments_button,
    )
    assert [b.text() for b in buttons if b.isEnabled()] == []


def test_models_pass_the_model_tester(  # type: ignore[no-untyped-def]
    window: MainWindow, qtbot: QtBot, qtmodeltester, monkeypatch: pytest.MonkeyPatch
) -> None:
    start_visit_by_clicks(qtbot, window)
    click_cell(qtbot, window, "97110", CodeRowsModel.PT)
    qtmodeltester.check(window.rows)
    qtmodeltester.check(window.today_model)
    qtmodeltester.check(window.patient_model)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    window.finalize_button.click()
    assert window.state is not None and window.state.status == "finalized"
    qtmodeltester.check(window.lines)
    qtmodeltester.check(window.rows)


def test_a_whole_visit_by_clicks(
    window: MainWindow,
    qtbot: QtBot,
    clock: FakeClock,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    start_visit_by_clicks(qtbot, window)
    assert [r.code for r in window.rows.rows()][:3] == ["97110", "97140", "97112"]

    click_cell(qtbot, window, "97110", CodeRowsModel.PT)
    assert running_in_db(db_path) == [("97110", "PT")]
    clock.advance(minutes=20)
    click_cell(qtbot, window, "97140", CodeRowsModel.PT)  # switches the therapist's code
    assert running_in_db(db_path) == [("97140", "PT")]
    click_cell(qtbot, window, "97110", CodeRowsModel.PTA)
    assert running_in_db(db_path) == [("97110", "PTA"), ("97140", "PT")]
    clock.advance(minutes=13, seconds=30)
    window.tick()

    row = window.rows.row_of("97110")
    assert window.rows.index(row, CodeRowsModel.PTA).data() == "PTA ■  13:30"
    assert window.rows.index(row, CodeRowsModel.PT).data() == "PT ▶  20:00"

    # The panel shows what the engine gives for these minutes: 97110 PT 20 + PTA 13,
    # 97140 PT 13 -> 46 min, 3 units: 97110 2 (the last one CQ), 97140 1; overlap flagged.
    assert window.state is not None
    result = window.services.live_result(window.state)
    assert result.timed_units == 3
    units = {s.code: (s.units, s.assistant_units) for s in result.services}
    assert units["97110"] == (2, 1) and units["97140"] == (1, 0)
    assert window.panel.headline.text() == "3 units · 46 timed min"
    assert window.rows.index(row, CodeRowsModel.UNITS).data() == "2 (1 CQ)"
    assert "overlap" in window.panel.warnings.text()
    assert "1 of 2 with CQ" in window.panel.assistant.text()

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(window.finalize_button, Qt.MouseButton.LeftButton)
    assert running_in_db(db_path) == []
    assert window.state is not None and window.state.status == "finalized"
    stored = window.services.visits.claim_lines(window.state.visit_id)
    assert [(ln.code, ln.modifiers, ln.units) for ln in stored] == [
        ("97110", ("GP",), 1),
        ("97110", ("GP", "CQ"), 1),
        ("97140", ("GP",), 1),
    ]
    assert window.lines.rowCount() == 3 and window.lines_view.isVisible()
    assert window.lines.index(1, 2).data() == "GP CQ"
    assert not window.finalize_button.isEnabled()


def test_the_ticker_only_repaints(window: MainWindow, qtbot: QtBot, clock: FakeClock) -> None:
    start_visit_by_clicks(qtbot, window)
    click_cell(qtbot, window, "97110", CodeRowsModel.PT)
    state = window.state
    changed: list[QModelIndex] = []
    window.rows.dataChanged.connect(lambda top, _bottom, *_: changed.append(top))
    for _ in range(90):
        clock.advance(seconds=1)
        window.tick()
    assert window.state is state  # no new snapshot: nothing was read back from the database
    assert window.rows.index(0, CodeRowsModel.PT).data() == "PT ■  01:30"
    assert {(i.row(), i.column()) for i in changed} <= {
        (0, CodeRowsModel.PT),
        (0, CodeRowsModel.UNITS),
    }


def test_a_day_of_ticks_does_not_drift(window: MainWindow, qtbot: QtBot, clock: FakeClock) -> None:
    start_visit_by_clicks(qtbot, window)
    click_cell(qtbot, window, "97110", CodeRowsModel.PT)
    for _ in range(8 * 60):
        clock.advance(seconds=60)
        window.tick()
    assert window.rows.index(0, CodeRowsModel.PT).data() == "PT ■  8:00:00"


def test_the_heartbeat_never_lands_in_the_tick_that_recomputes(
    window: MainWindow, qtbot: QtBot, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The heartbeat's commit waits a second when the tick turned a minute over (the busiest
    tick of the minute); it still comes every 15 to 16 seconds."""
    start_visit_by_clicks(qtbot, window)
    click_cell(qtbot, window, "97110", CodeRowsModel.PT)  # on the tick's phase: 15 divides 60
    beats: list[int] = []
    recomputes: list[int] = []
    now = [0]  # the second being ticked
    beat, live_result = window.services.recovery.beat, window.services.live_result

    def counted_beat() -> None:
        beats.append(now[0])
        beat()

    def counted_live_result(*args: Any, **kwargs: Any) -> Any:
        recomputes.append(now[0])
        return live_result(*args, **kwargs)

    monkeypatch.setattr(window.services.recovery, "beat", counted_beat)
    monkeypatch.setattr(window.services, "live_result", counted_live_result)
    for second in range(1, 10 * 60 + 1):
        now[0] = second
        clock.advance(seconds=1)
        window.tick()
    assert len(recomputes) >= 10 and len(beats) >= 10 * 60 // 16
    assert not set(beats) & set(recomputes)
    assert all(1 <= b - a <= 16 for a, b in zip([0, *beats], beats, strict=False))


def test_shortcuts_start_stop_and_move(window: MainWindow, qtbot: QtBot, db_path: Path) -> None:
    start_visit_by_clicks(qtbot, window)
    window.table.setFocus()
    window.table.selectRow(0)
    qtbot.keyClick(window.table, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert window.table.currentIndex().row() == 1
    qtbot.keyClick(window.table, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert running_in_db(db_path) == [("97140", "PT")]
    qtbot.keyClick(window.table, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert running_in_db(db_path) == [("97140", "PT"), ("97140", "PTA")]
    qtbot.keyClick(window.table, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert running_in_db(db_path) == [("97140", "PTA")]
    qtbot.keyClick(window.table, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert window.table.currentIndex().row() == 0


def test_add_a_code_by_a_word_of_its_label(window: MainWindow, qtbot: QtBot) -> None:
    start_visit_by_clicks(qtbot, window)
    qtbot.keyClicks(window.add_code, "Gait")
    qtbot.keyClick(window.add_code, Qt.Key.Key_Return)
    assert window.state is not None and window.state.code("97116") is not None
    qtbot.keyClicks(window.add_code, "97530")
    qtbot.keyClick(window.add_code, Qt.Key.Key_Return)
    assert window.state.code("97530") is not None


def test_the_code_completer_and_timer_cells_come_with_the_first_visit(
    window: MainWindow, qtbot: QtBot
) -> None:
    assert window.add_code.completer() is None  # nothing to add to yet: not built
    start_visit_by_clicks(qtbot, window)
    assert isinstance(window.table.itemDelegate(), TimerCellDelegate)
    completer = window.add_code.completer()
    assert completer is not None
    completer.setCompletionPrefix("gait")
    assert completer.currentCompletion().startswith("97116")
    window.open_visit(window.visit_id)  # shown again: the same ones, not new ones
    assert window.add_code.completer() is completer


def test_untimed_code_is_a_tick_box_with_minutes(window: MainWindow, qtbot: QtBot) -> None:
    start_visit_by_clicks(qtbot, window)
    row = window.rows.row_of("G0283")
    assert window.state is not None and window.state.code("G0283") is None
    window.rows.setData(
        window.rows.index(row, CodeRowsModel.CODE),
        Qt.CheckState.Checked.value,
        Qt.ItemDataRole.CheckStateRole,
    )
    assert window.state.code("G0283") is not None
    window.rows.setData(window.rows.index(row, CodeRowsModel.PTA), 12, Qt.ItemDataRole.EditRole)
    state = window.state
    untimed = state.code("G0283").untimed  # type: ignore[union-attr]
    assert untimed is not None and untimed.pta_minutes == 12 and untimed.furnished_by == "PTA"
    result = window.services.live_result(state)
    assert [ln.modifiers for ln in result.claim_lines if ln.code == "G0283"] == [("GP", "CQ")]


def test_same_day_second_visit_bills_the_day(
    window: MainWindow, qtbot: QtBot, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    start_visit_by_clicks(qtbot, window)
    first = window.visit_id
    click_cell(qtbot, window, "97110", CodeRowsModel.PT)
    clock.advance(minutes=5)
    window.finalize()  # 5 minutes alone: no unit
    assert window.services.visits.claim_lines(first) == []
    clock.advance(hours=4)
    window.start_visit(window.services.visits.visit(first).patient_id)
    second = window.visit_id
    assert second != first
    assert f"#{first}" in window.panel.warnings.text()  # the day note
    click_cell(qtbot, window, "97110", CodeRowsModel.PT)
    clock.advance(minutes=5)
    window.tick()
    assert window.panel.headline.text() == "1 unit · 10 timed min"  # the day's 5 + 5 minutes
    window.finalize()
    lines = window.services.visits.claim_lines(second)
    assert [(ln.code, ln.units) for ln in lines] == [("97110", 1)]
    assert window.services.visits.claim_lines(first) == []


def test_same_day_visit_at_another_place_bills_each_line_at_its_place(
    window: MainWindow, qtbot: QtBot, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The morning's telehealth visit (POS 10, finalized at another workstation) and the
    afternoon's office visit in the window: 97110 10 + 20 minutes, 2 units for the day, one at
    each place by the minutes (0.67 and 1.33: the larger remainder is the telehealth one's), 95
    on the telehealth line only."""
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    services = window.services
    patient = services.records.search_patients("Doe")[0]
    morning = services.visits.open_visit(patient.id, place_of_service="10").visit_id
    services.visits.start_timer(morning, "97110", "PT")
    clock.advance(minutes=10)
    services.visits.stop_timer(morning, "PT")
    services.visits.finalize(morning)
    clock.advance(hours=4)
    start_visit_by_clicks(qtbot, window)
    afternoon = window.visit_id
    assert services.visits.visit(afternoon).place_of_service == "11"
    click_cell(qtbot, window, "97110", CodeRowsModel.PT)
    clock.advance(minutes=20)
    window.tick()
    assert window.panel.headline.text() == "2 units · 30 timed min"
    assert "97110 GP 95 ×1 (POS 10), 97110 GP ×1 (POS 11)" in window.panel.claim_lines.text()
    click_cell(qtbot, window, "97110", CodeRowsModel.PT)  # stop
    window.finalize()
    lines = services.visits.claim_lines(afternoon)
    assert [(ln.code, ln.modifiers, ln.units, ln.place_of_service) for ln in lines] == [
        ("97110", ("GP", "95"), 1, "10"),
        ("97110", ("GP",), 1, "11"),
    ]
    assert services.visits.visit(afternoon).status == "finalized"


def test_crash_recovery_choices(db_path: Path, clock: FakeClock, qtbot: QtBot) -> None:
    services = Services.open(db_path, clock, zone=UTC)
    services.recovery.begin_session()
    patient_id = setup_clinic(services)
    state = services.visits.open_visit(patient_id)
    services.visits.start_timer(state.visit_id, "97110", "PT")
    services.visits.start_timer(state.visit_id, "97140", "PTA")
    clock.advance(minutes=10)
    services.recovery.beat()
    last_seen = clock.now()
    services.close(clean=False)  # the process died

    clock.advance(minutes=30)
    again = Services.open(db_path, clock, zone=UTC)
    try:
        report = again.recovery.begin_session()
        assert report.needs_attention and len(report.timers) == 2
        timers = [
            RunningTimer(t.segment_id, f"{t.code} {t.role}", t.started_at, report.last_seen)
            for t in report.timers
        ]
        dialog = RecoveryDialog(timers)
        qtbot.addWidget(dialog)
        by_code = {t.code: i for i, t in enumerate(report.timers)}
        dialog.choose(by_code["97110"], STOP_AT_LAST_SEEN)
        dialog.choose(by_code["97140"], KEEP)
        choices = {c.segment_id: c for c in dialog.choices()}
        assert {c.action for c in choices.values()} == {STOP_AT_LAST_SEEN, KEEP}
        apply_recovery(again, dialog)
        after = again.visits.visit_state(state.visit_id)
        pt = after.code("97110")
        assert pt is not None and not pt.is_running("PT")
        assert pt.role_seconds("PT", clock.now()) == 600  # stopped when last seen alive
        assert after.code("97140").is_running("PTA")  # type: ignore[union-attr]
        assert report.last_seen == last_seen
    finally:
        again.close()


def test_recovery_dialog_stop_at_an_entered_time(qtbot: QtBot) -> None:
    started = START
    dialog = RecoveryDialog([RunningTimer(7, "97110 PT", started, started + timedelta(minutes=9))])
    qtbot.addWidget(dialog)
    dialog.choose(0, STOP_AT, started + timedelta(minutes=12))
    [choice] = dialog.choices()
    assert choice.action == STOP_AT and choice.stop_at == started + timedelta(minutes=12)


def test_a_tie_is_switched_with_one_click_and_billed_so(
    window: MainWindow, qtbot: QtBot, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:

    start_visit_by_clicks(qtbot, window)
    click_cell(qtbot, window, "97110", CodeRowsModel.PT)
    clock.advance(minutes=20)
    click_cell(qtbot, window, "97112", CodeRowsModel.PT)
    clock.advance(minutes=20)
    click_cell(qtbot, window, "97112", CodeRowsModel.PT)  # stop

    def units() -> dict[str, str]:
        return {
            r.code: window.rows.index(i, CodeRowsModel.UNITS).data()
            for i, r in enumerate(window.rows.rows())
        }

    assert units()["97112"] == "2" and units()["97110"] == "1"  # default: the larger amount
    [switch] = window.panel.visible_tie_buttons()
    assert "97110 ×2" in switch.text()
    qtbot.mouseClick(switch, Qt.MouseButton.LeftButton)
    assert units()["97110"] == "2" and units()["97112"] == "1"
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    window.finalize()
    assert window.state is not None
    lines = window.services.visits.claim_lines(window.state.visit_id)
    assert sorted((ln.code, ln.units) for ln in lines) == [("97110", 2), ("97112", 1)]


def test_demo_copy_is_generated_once_and_copied(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chargeclock import app

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    first = app.demo_copy("2026-03-02")
    cached = next((tmp_path / "cache" / "chargeclock").glob("demo-*-2026-03-02.sqlite3"))
    stamp = cached.stat().st_mtime_ns
    second = app.demo_copy("2026-03-02")
    assert first != second and first.read_bytes() == second.read_bytes()
    assert cached.stat().st_mtime_ns == stamp  # not rebuilt
    assert oct(second.stat().st_mode & 0o777) == "0o600"


def test_a_demo_cached_by_an_older_demo_build_is_made_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same version on the same day, but a demo that writes more (a new ``DEMO_BUILD``):
    the cached demo of the older build is not opened again."""
    from chargeclock import app
    from chargeclock.services import demo

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    built: list[int] = []

    def build(path: Path, *, today: object, **_: object) -> None:
        built.append(demo.DEMO_BUILD)
        Path(path).write_bytes(b"the demo of build %d" % demo.DEMO_BUILD)

    monkeypatch.setattr(demo, "build_demo", build)
    first = app.demo_copy("2026-03-02")
    assert app.demo_copy("2026-03-02").read_bytes() == first.read_bytes()  # cached
    monkeypatch.setattr(demo, "DEMO_BUILD", demo.DEMO_BUILD + 1)
    second = app.demo_copy("2026-03-02")
    assert built == [demo.DEMO_BUILD - 1, demo.DEMO_BUILD]
    assert second.read_bytes() != first.read_bytes()


@pytest.mark.parametrize(("choice", "still_running"), [("stop", []), ("keep", [("97110", "PT")])])
def test_closing_with_running_timers_asks(
    window: MainWindow,
    qtbot: QtBot,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    choice: str,
    still_running: list[tuple[str, str]],
) -> None:
    start_visit_by_clicks(qtbot, window)
    click_cell(qtbot, window, "97110", CodeRowsModel.PT)
    asked: list[int] = []
    monkeypatch.setattr(window, "close_choice", lambda n: asked.append(n) or "cancel")
    assert not window.close() and window.isVisible()  # cancel: nothing changes
    assert running_in_db(db_path) == [("97110", "PT")]
    monkeypatch.setattr(window, "close_choice", lambda n: asked.append(n) or choice)
    assert window.close()
    assert asked == [1, 1]
    assert running_in_db(db_path) == still_running
    # A timer kept running through a clean exit goes on: the next start asks nothing.
    window.services.recovery.end_session()  # what the app does once the window has closed
    report = window.services.recovery.begin_session()
    assert report.clean_exit and not report.needs_attention
    assert [(t.code, t.role) for t in report.kept] == still_running


def test_finalizing_a_correction_warns_of_later_bills_whose_kx_would_change(
    window: MainWindow, services: Services, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: shown.append(text))
    patient = services.records.search_patients("Doe")[0].id
    services.records.set_prior_spend(patient, clock.now().year, "2400.00")
    visits = services.visits
    ids = []
    for days_ago in (10, 5):
        visit = visits.open_visit(
            patient, date_of_service=(clock.now() - timedelta(days=days_ago)).date()
        ).visit_id
        visits.add_code(visit, "97110")
        visits.start_timer(visit, "97110", "PT")
        clock.advance(minutes=8)
        visits.stop_timer(visit, "PT")
        visits.finalize(visit)
        ids.append(visit)
    early, late = ids
    visits.reopen_for_correction(early, "timer stopped too soon")
    visits.start_timer(early, "97110", "PT")
    clock.advance(minutes=30)
    visits.stop_timer(early, "PT")
    window.open_visit(early)
    window.finalize()
    assert window.state is not None and window.state.status == "finalized"
    day = visits.visit(late).date_of_service.strftime("%m/%d/%Y")
    assert len(shown) == 1 and f"visit #{late} of {day}" in shown[0]
    assert "KX" in shown[0]


def test_recovery_asks_without_blocking_and_applies_only_on_ok(
    db_path: Path, clock: FakeClock, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Escape does not dismiss it; the idle lock hides it and shows it again; a stop time it
    cannot take keeps it open with nothing applied; OK applies every choice."""
    from chargeclock.app import recover
    from chargeclock.ui import records_ui

    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: warned.append(text))
    services = Services.open(db_path, clock, zone=UTC)
    services.recovery.begin_session()
    patient_id = setup_clinic(services)
    visit = services.visits.open_visit(patient_id).visit_id
    services.visits.start_timer(visit, "97110", "PT")
    services.visits.start_timer(visit, "97140", "PTA")
    clock.advance(minutes=10)
    services.recovery.beat()
    services.close(clean=False)  # the process died
    clock.advance(minutes=30)
    again = Services.open(db_path, clock, zone=UTC)

    def running(code: str, role: str) -> bool:
        row = again.visits.visit_state(visit).code(code)
        assert row is not None
        return row.is_running(role)

    try:
        window = MainWindow(again, clock)
        qtbot.addWidget(window)
        ui = records_ui.install(window, again)
        window.show()
        qtbot.waitUntil(lambda: window.has_painted)
        dialog = recover(again, window)
        assert dialog is not None and dialog.isVisible() and dialog.isModal()
        assert running("97110", "PT") and running("97140", "PTA")  # nothing applied yet
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        assert dialog.isVisible()
        ui.lock.lock()
        assert not dialog.isVisible()
        ui.lock.unlock(0, "")  # no users yet: no PIN
        assert dialog.isVisible()
        order = {t.who.split(" · ")[1]: i for i, t in enumerate(dialog.timers)}
        dialog.choose(order["97110"], STOP_AT_LAST_SEEN)
        dialog.choose(order["97140"], STOP_AT, clock.now() + timedelta(hours=1))
        dialog.accept()
        assert dialog.isVisible() and len(warned) == 1 and "in the future" in warned[0]
        assert running("97110", "PT") and running("97140", "PTA")  # not half applied
        dialog.choose(order["97140"], KEEP)
        dialog.accept()
        assert not dialog.isVisible()
        assert not running("97110", "PT") and running("97140", "PTA")
        stopped = again.visits.visit_state(visit).code("97110")
        assert stopped is not None and stopped.role_seconds("PT", clock.now()) == 600
        window.ticker.stop()
    finally:
        again.close()

"""What one tap on a timer reads between the click and the repaint: the visit once (the tap's
own read after its commit), no patient, no patient search; and of the code rows only the timer
cells of the tapped row repaint."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from chargeclock.services.patient_records import PatientDetails
from chargeclock.ui.main_window import MainWindow
from chargeclock.ui.rows_model import CodeRowsModel
from tests.ui.records_fixtures import Clinic, clinic, icd10_loaded
from tests.ui.test_lock import window
from tests.ui.test_long_timers import no_error_boxes

__all__ = ["clinic", "icd10_loaded", "no_error_boxes", "window"]

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("no_error_boxes")]


class _Calls:
    """Counts the calls of chosen methods of objects (wrapped on the instance)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch
        self.count: dict[str, int] = {}

    def watch(self, owner: object, name: str) -> None:
        method: Callable[..., Any] = getattr(owner, name)
        self.count[name] = 0

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.count[name] += 1
            return method(*args, **kwargs)

        self.monkeypatch.setattr(owner, name, counted)


def test_a_tap_reads_the_visit_once_and_no_patient(
    window: MainWindow, clinic: Clinic, monkeypatch: pytest.MonkeyPatch, qtbot: QtBot
) -> None:
    window.search_patients("Quin")
    window.start_visit(clinic.patient_id)
    window.visits.toggle_timer("97110", "PT")
    window.visits.toggle_timer("97112", "PTA")  # both codes on the visit now
    clinic.clock.advance(minutes=9)
    calls = _Calls(monkeypatch)
    calls.watch(clinic.services.visits, "visit_state")
    calls.watch(clinic.services.records, "patient")
    calls.watch(clinic.services.records, "search_patients")
    changed: list[tuple[int, int]] = []
    window.rows.dataChanged.connect(
        lambda first, last, _roles=(): changed.append((first.column(), last.column()))
    )

    window.visits.toggle_timer("97112", "PTA")  # a stop

    assert calls.count == {"visit_state": 0, "patient": 0, "search_patients": 0}
    state = window.state
    assert state is not None
    assert state.code("97112").is_running("PTA") is False  # type: ignore[union-attr]
    assert window.rows.row_at(window.rows.row_of("97112")).running("PTA") is False
    assert window.today_model.entry(0).text.endswith(" · ● PT 09:00")  # the Today clock too
    # of the code rows, the tapped row's timer cells repaint (and a units cell that moved)
    timer_cells = (CodeRowsModel.PT, CodeRowsModel.PTA)
    assert timer_cells in changed
    assert set(changed) <= {timer_cells, (CodeRowsModel.UNITS, CodeRowsModel.UNITS)}


def test_a_patient_change_still_reads_the_search_and_the_names_again(
    window: MainWindow, clinic: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.search_patients("Quin")
    window.start_visit(clinic.patient_id)
    records = clinic.services.records
    patient = records.patient(clinic.patient_id)
    calls = _Calls(monkeypatch)
    calls.watch(records, "search_patients")
    renamed = PatientDetails(
        patient.last_name,
        "Marisela",
        patient.date_of_birth,
        payer_id=patient.payer_id,
        member_id="1EG4TE5MK73",
        diagnoses=["M17.11"],
    )
    window.runner.run(lambda: records.save_patient(renamed, patient.id))
    assert calls.count["search_patients"] == 1
    assert window.today_model.entry(0).text.startswith("Quintero, Marisela")
    assert window.patient_model.entry(0).text == "Quintero, Marisela"

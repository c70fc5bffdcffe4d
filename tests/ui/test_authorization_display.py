"""The visit screen's authorization line, its warnings in the panel, and what finalize names."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from chargeclock.clock import FakeClock
from chargeclock.services.session import Services
from chargeclock.ui.authorizations_dialog import AuthorizationsDialog
from chargeclock.ui.main_window import MainWindow
from tests.ui.test_visit_screen import clock, db_path, services, window

__all__ = ["clock", "db_path", "services", "window"]

pytestmark = pytest.mark.gui


def _patient(services: Services) -> int:
    return services.records.search_patients("Doe")[0].id


def _billed_visit(services: Services, clock: FakeClock, days_ago: int) -> None:
    day = clock.now().date() - timedelta(days=days_ago)
    visit = services.visits.open_visit(_patient(services), date_of_service=day).visit_id
    services.visits.start_timer(visit, "97110", "PT")
    clock.advance(minutes=20)
    services.visits.stop_all(visit)
    services.visits.finalize(visit)


def test_the_visit_screen_shows_which_visit_of_the_authorization(
    window: MainWindow, services: Services, clock: FakeClock, qtbot: QtBot
) -> None:
    today = clock.now().date()
    patient = _patient(services)
    services.authorizations.add_authorization(
        patient, "A-100", today - timedelta(days=20), today + timedelta(days=29), visits=12
    )
    for days_ago in range(18, 0, -3):  # six visits before today
        _billed_visit(services, clock, days_ago)
    window.patients.search.setText("Doe")
    window.patients.patient_list.setCurrentIndex(window.patients.patient_model.index(0))
    window.patients.start_for_selected()
    until = (today + timedelta(days=29)).strftime("%m/%d")
    qtbot.waitUntil(lambda: window.visits.auth_line.text() != "")
    assert window.visits.auth_line.text() == f"Auth A-100: visit 7 of 12 · until {until}"
    assert "CO-" not in window.panel.warnings.text()


def test_warnings_reach_the_panel_and_finalize_names_them(
    window: MainWindow,
    services: Services,
    clock: FakeClock,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    today = clock.now().date()
    patient = _patient(services)
    payer = services.records.patient(patient).payer_id
    assert payer is not None
    services.authorizations.set_payer_limits(
        payer, requires_authorization=True, visits_per_year=None, timely_filing_days=None
    )
    window.visits.start_visit(patient)
    assert "CO-197" in window.visits.auth_line.text()
    assert "CO-197: the payer requires an authorization" in window.panel.warnings.text()
    # Adding one (anywhere) is published: the line follows without reopening the visit.
    dialog = AuthorizationsDialog(services, patient, window)
    qtbot.addWidget(dialog)
    dialog.number.setText("B-7")
    dialog.valid_from.set_value(today - timedelta(days=1))
    dialog.valid_to.set_value(today + timedelta(days=9))
    dialog.visits.setText("1")
    assert dialog.save(renew=False) is not None
    window.runner.publish()
    assert window.visits.auth_line.text().startswith("Auth B-7: visit 1 of 1")
    assert "0 visits left on authorization B-7" in window.panel.warnings.text()
    assert dialog.table.item(0, 4).text() == "0 of 1"
    window.visits.toggle_timer("97110", "PT")
    clock.advance(minutes=16)
    window.visits.toggle_timer("97110", "PT")
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: shown.append(text))
    window.finalize()
    assert len(shown) == 1 and "0 visits left on authorization B-7 after this one" in shown[0]
    dialog.refresh()
    assert dialog.table.item(0, 4).text() == "1 of 1"


def test_the_dialog_refuses_a_bad_authorization_and_saves_nothing(
    window: MainWindow, services: Services, qtbot: QtBot
) -> None:
    patient = _patient(services)
    dialog = AuthorizationsDialog(services, patient, window)
    qtbot.addWidget(dialog)
    dialog.number.setText("C-1")
    dialog.valid_from.set_value(window.clock.now().date())
    dialog.valid_to.set_value(window.clock.now().date())
    dialog.visits.setText("twelve")
    assert dialog.save(renew=False) is None
    assert "visits: 'twelve' is not a whole number" in dialog.error.text()
    assert services.authorizations.authorizations(patient) == []
    assert dialog.save(renew=True) is None
    assert "Select the authorization this one renews" in dialog.error.text()


def test_the_toolbar_opens_the_account_dialogs_for_the_open_visits_patient(
    window: MainWindow, services: Services, qtbot: QtBot
) -> None:
    from chargeclock.ui import records_ui

    ui = records_ui.install(window, services)
    ui.lock.set_idle_minutes(
        0
    )  # no idle lock left to fire in a later test, after this store closes
    assert {"authorizations", "ledger", "filing"} <= set(ui.actions)
    window.visits.start_visit(_patient(services))
    for open_dialog in (ui.authorizations, ui.ledger, ui.filing):
        dialog = open_dialog()
        assert dialog is not None and dialog.isVisible()
        if hasattr(dialog, "patient_id"):
            assert dialog.patient_id == _patient(services)
        dialog.close()

"""Payer limits and claims to file: saved from the dialog, listed, marked sent; a visit's
superbill saved as PDF takes the visit off the list."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtPdf import QPdfDocument
from pytestqt.qtbot import QtBot

from chargeclock.clock import FakeClock
from chargeclock.services.session import Services
from chargeclock.ui import superbill_ui
from chargeclock.ui.filing_dialog import FilingDialog
from chargeclock.ui.main_window import MainWindow
from chargeclock.ui.superbill_ui import SuperbillLauncher
from tests.ui.test_visit_screen import clock, db_path, services, window

__all__ = ["clock", "db_path", "services", "window"]

pytestmark = pytest.mark.gui


def _finalized(services: Services, clock: FakeClock, days_ago: int, last_name: str = "Doe") -> int:
    patient = services.records.search_patients(last_name)[0].id
    day = clock.now().date() - timedelta(days=days_ago)
    visit = services.visits.open_visit(patient, date_of_service=day).visit_id
    services.visits.start_timer(visit, "97110", "PT")
    clock.advance(minutes=20)
    services.visits.stop_all(visit)
    services.visits.finalize(visit)
    return visit


def test_limits_saved_and_claims_marked_sent(
    window: MainWindow, services: Services, clock: FakeClock, qtbot: QtBot
) -> None:
    old = _finalized(services, clock, 80)
    _finalized(services, clock, 10)
    dialog = FilingDialog(services, window)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 0 and "No claim" in dialog.title.text()
    dialog.filing_days.setText("ninety")
    assert not dialog.save_limits()
    assert "timely_filing_days: 'ninety' is not a whole number" in dialog.limits_error.text()
    dialog.filing_days.setText("90")
    dialog.per_year.setText("20")
    dialog.requires.setChecked(True)
    assert dialog.save_limits()
    payer = dialog.payer.currentData()
    limits = services.authorizations.payer_limits(payer)
    assert (limits.requires_authorization, limits.visits_per_year, limits.timely_filing_days) == (
        True,
        20,
        90,
    )
    assert dialog.table.rowCount() == 1 and dialog.due[0].visit_id == old
    assert dialog.table.item(0, 4).text() == "10"
    dialog.mark_sent()
    assert "Select the claim" in dialog.error.text()
    dialog.table.selectRow(0)
    dialog.mark_sent()
    assert dialog.table.rowCount() == 0 and services.filing.sent_on(old) is not None


def test_a_saved_visit_superbill_counts_as_printed(
    window: MainWindow, services: Services, clock: FakeClock, qtbot: QtBot, tmp_path: Path
) -> None:
    superbill_ui.install(window, services)
    services.records.save_fees(2026, charges={"97110": "45.00"})
    payer = services.records.add_payer("Blue Harbor", medicare=False)
    services.records.add_patient(
        "Roe", "Ann", date(1980, 5, 6), payer_id=payer.id, member_id="BH-1", diagnoses=["M54.50"]
    )
    visit = _finalized(services, clock, 3, "Roe")
    launcher = window.findChild(SuperbillLauncher)
    assert launcher is not None
    dialog = launcher.show_superbill(visit)
    assert dialog is not None
    qtbot.waitUntil(
        lambda: (
            dialog.document.status() == QPdfDocument.Status.Ready or dialog.error_label.isVisible()
        )
    )
    assert not dialog.error_label.isVisible(), dialog.error_label.text()
    assert services.filing.sent_on(visit) is None
    today = clock.now().date()
    dialog.set_statement(today - timedelta(days=30), today)
    assert dialog.superbill is not None and dialog.superbill.kind == "statement"
    assert dialog.save_to(tmp_path / "statement.pdf")
    assert services.filing.sent_on(visit) is None  # a statement is not the visit's claim
    dialog.visit_choice.setChecked(True)
    dialog.refresh()
    assert dialog.superbill is not None and dialog.superbill.kind == "visit"
    assert dialog.save_to(tmp_path / "claim.pdf")
    assert services.filing.sent_on(visit) == today

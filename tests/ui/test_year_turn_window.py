"""The yearly check: on 4 January of every shipped year and of the year after the last, the
engine bills, the demo builder builds, and the window opens, times, finalizes and prints a
visit. The year after the last is provisional, and the banner and the superbill say so."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from chargeclock.clock import FakeClock
from chargeclock.resources import rule_book
from chargeclock.services.demo import build_demo
from chargeclock.services.patient_records import PatientDetails
from chargeclock.services.session import Services
from chargeclock.services.superbill import SuperbillRequest, build, pdf_bytes
from chargeclock.ui.main_window import MainWindow
from chargeclock.ui.rows_model import CodeRowsModel
from tests.ui.test_visit_screen import click_cell, setup_clinic, start_visit_by_clicks

pytestmark = pytest.mark.gui

YEARS = [*rule_book().years, max(rule_book().years) + 1]


@pytest.mark.parametrize("year", YEARS)
def test_the_demo_builds_on_4_january(tmp_path: Path, year: int) -> None:
    summary = build_demo(tmp_path / "demo.db", today=date(year, 1, 4))
    assert summary.visits > 0
    clock = FakeClock(datetime(year, 1, 4, 23, tzinfo=UTC))
    services = Services.open(tmp_path / "demo.db", clock, zone=UTC)
    try:
        today = services.visits.visits_of_day(date(year, 1, 4))
        if date(year, 1, 4).weekday() < 5:
            assert today, "the demo clinic treats on weekdays"
        for row in today:
            result = services.live_result(services.visits.visit_state(row.id))
            assert result.rule_year == year
    finally:
        services.close()


def _charges(tmp_path: Path) -> Path:
    path = tmp_path / "charges.csv"
    path.write_text("code,amount\n97110,60.00\n97140,65.00\n97112,70.00\n")
    return path


@pytest.mark.parametrize("year", YEARS)
def test_the_window_bills_a_visit_on_4_january(
    qtbot: QtBot, tmp_path: Path, year: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock(datetime(year, 1, 4, 15, tzinfo=UTC))
    services = Services.open(tmp_path / "clinic.db", clock, zone=UTC)
    services.recovery.begin_session()
    patient_id = setup_clinic(services)
    payer_id = services.records.patient(patient_id).payer_id
    services.records.save_patient(
        PatientDetails(
            "Doe",
            "Jane",
            date(1950, 1, 2),
            payer_id=payer_id,
            member_id="1EG4TE5MK73",
            diagnoses=["M17.11"],
        ),
        patient_id,
    )
    services.records.import_fees(_charges(tmp_path), charges=True)
    window = MainWindow(services, clock)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    window.ticker.stop()
    try:
        start_visit_by_clicks(qtbot, window)
        provisional = year > max(services.book.shipped_years)
        assert window.rules_banner.isVisible() == provisional
        if provisional:
            assert window.rules_banner.text().startswith(
                f"{year} Medicare figures are not loaded — using {year - 1}'s; import them"
            )

        click_cell(qtbot, window, "97110", CodeRowsModel.PT)
        clock.advance(minutes=23)
        click_cell(qtbot, window, "97110", CodeRowsModel.PT)
        monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
        qtbot.mouseClick(window.finalize_button, Qt.MouseButton.LeftButton)
        assert window.state is not None and window.state.status == "finalized"
        visit_id = window.state.visit_id
        lines = services.visits.claim_lines(visit_id)
        assert [(ln.code, ln.units) for ln in lines] == [("97110", 2)]
        bill = services.visits.bill(visit_id)
        assert bill is not None and bill.rule_year == year
        assert bill.rule_data_year == (year - 1 if provisional else None)

        superbill = build(services, SuperbillRequest("visit", visit_id=visit_id))
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_bytes(superbill))).pages)
        assert f"01/04/{year}" in text
        assert ("Provisional figures" in " ".join(text.split())) == provisional
    finally:
        window.close()
        services.close()

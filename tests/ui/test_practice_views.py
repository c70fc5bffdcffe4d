"""The practice views from the window: the Practice menu on the toolbar, the export dialog
writing the same files as the command, and its problems said in the dialog."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCharts import QChartView
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from chargeclock.services.kx_watch import kx_watch
from chargeclock.services.session import Services
from chargeclock.ui import practice_ui, records_ui, theme
from chargeclock.ui.charts_dialog import ChartsDialog
from chargeclock.ui.day_sheet_dialog import DaySheetDialog
from chargeclock.ui.export_dialog import ExportDialog
from chargeclock.ui.kx_watch_dialog import KxWatchDialog
from chargeclock.ui.main_window import MainWindow
from chargeclock.ui.packet_dialog import PacketDialog
from chargeclock.ui.qt_charts import LABELS_SCALE
from tests.services.conftest import Clinic, clinic, clock  # noqa: F401
from tests.services.practice_data import DAY, Practice, small_practice

pytestmark = pytest.mark.gui


@pytest.fixture
def practice(clinic: Clinic) -> Practice:  # noqa: F811
    return small_practice(clinic)


@pytest.fixture
def window(qtbot: QtBot, practice: Practice) -> Iterator[MainWindow]:
    services = practice.clinic.services
    window = MainWindow(services, practice.clinic.clock)
    qtbot.addWidget(window)
    yield window
    window.ticker.stop()  # nothing of this window runs once its database is closed


def _menu(window: MainWindow, services: Services) -> practice_ui.PracticeUi:
    """The Practice menu over the toolbar's dialogs, as the app installs them (the idle lock
    off: a test's window must not lock itself later, over a closed database)."""
    records = records_ui.install(window, services)
    records.lock.set_idle_minutes(0)
    return practice_ui.install(window, services, records)


def test_the_practice_menu_exports_the_period(
    qtbot: QtBot, window: MainWindow, practice: Practice, tmp_path: Path
) -> None:
    ui = _menu(window, practice.clinic.services)
    assert "Export data…" in [a.text() for a in ui.menu.actions()]
    ui.actions["export"].trigger()
    dialog = ui.dialog
    assert isinstance(dialog, ExportDialog)
    dialog.first.setDate(QDate(DAY.year, DAY.month, DAY.day))
    dialog.last.setDate(QDate(DAY.year, DAY.month, DAY.day))
    dialog.format.setCurrentText("json")
    dialog.export_button.click()
    assert "Choose a folder" in dialog.message.text()
    dialog.folder.setText(str(tmp_path / "out"))
    dialog.export_button.click()
    assert dialog.summary is not None
    assert dialog.message.text().startswith("Exported 03/02/2026 to 03/02/2026 as json")
    visits = json.loads((tmp_path / "out" / "visits.json").read_text())["rows"]
    assert {v["date_of_service"] for v in visits} == {DAY.isoformat()}
    assert len(visits) == 2


def test_the_period_dialogs_write_their_dates_as_every_other_date(
    qtbot: QtBot, window: MainWindow, practice: Practice
) -> None:
    """Export, packet, day sheet and charts show 03/02/2026, as History, the patient's record,
    the superbill dialog and the papers do (they showed 2026-03-02)."""
    services = practice.clinic.services
    ui = _menu(window, services)
    window.visits.open_visit(practice.finalized[1])
    packet = ui.packet()
    assert isinstance(packet, PacketDialog)
    dialogs = [
        ExportDialog(services, window),
        packet,
        DaySheetDialog(services, window),
        ChartsDialog(services, window),
    ]
    fields = []
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        fields += [
            getattr(dialog, name) for name in ("first", "last", "day") if hasattr(dialog, name)
        ]
    assert len(fields) == 7
    for field in fields:
        field.setDate(QDate(2026, 3, 2))
        assert field.text() == "03/02/2026", type(field.window()).__name__


def test_an_export_problem_is_said_in_the_dialog(
    qtbot: QtBot, window: MainWindow, practice: Practice, tmp_path: Path
) -> None:
    dialog = ExportDialog(practice.clinic.services, window)
    qtbot.addWidget(dialog)
    (tmp_path / "file").write_text("x")
    dialog.folder.setText(str(tmp_path / "file"))
    assert dialog.export() is None
    # the dialog's own words: its fields, not the command's options (-o, --from, --to)
    assert dialog.message.text() == f"folder: {tmp_path / 'file'} is a file: name a folder"
    dialog.first.setDate(QDate(2026, 5, 1))
    dialog.last.setDate(QDate(2026, 4, 1))
    dialog.folder.setText(str(tmp_path))
    assert dialog.export() is None
    assert dialog.message.text() == "from: 05/01/2026 is after the last date 04/01/2026"


def test_the_packet_of_the_open_visit_patient(
    qtbot: QtBot, window: MainWindow, practice: Practice, tmp_path: Path
) -> None:
    ui = _menu(window, practice.clinic.services)
    window.visits.open_visit(practice.finalized[1])
    dialog = ui.packet()
    assert isinstance(dialog, PacketDialog) and dialog.patient_id == practice.patient_id
    dialog.first.setDate(QDate(2026, 3, 1))
    dialog.last.setDate(QDate(2026, 3, 31))
    saved = dialog.save(tmp_path / "packet")
    assert saved == tmp_path / "packet.pdf" and saved.read_bytes().startswith(b"%PDF")
    assert dialog.message.text().startswith("Saved packet.pdf: 4 visits, 3 billed days")
    assert dialog.message.text().endswith("audit log intact.")
    dialog.first.setDate(QDate(2025, 1, 1))
    dialog.last.setDate(QDate(2025, 2, 1))
    assert dialog.save(tmp_path / "none.pdf") is None
    assert "no finalized visits from 01/01/2025 to 02/01/2025" in dialog.message.text()
    assert not (tmp_path / "none.pdf").exists()


def test_the_packet_asks_for_a_patient_first(
    qtbot: QtBot, window: MainWindow, practice: Practice, monkeypatch: pytest.MonkeyPatch
) -> None:
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: said.append(a[2]))
    ui = _menu(window, practice.clinic.services)
    assert ui.packet() is None
    assert said == ["Pick a patient in the list, or open a visit, first."]
    assert ui.dialog is None


def test_the_day_sheet_flags_the_open_visit_and_totals_the_day(
    qtbot: QtBot, window: MainWindow, practice: Practice, tmp_path: Path
) -> None:
    ui = _menu(window, practice.clinic.services)
    ui.actions["day_sheet"].trigger()
    dialog = ui.dialog
    assert isinstance(dialog, DaySheetDialog)
    last = DAY + timedelta(days=2)
    dialog.day.setDate(QDate(last.year, last.month, last.day))  # refreshes
    sheet = dialog.sheet
    assert sheet is not None and sheet.day == last
    assert "Not ready to close: 1 open visit, 1 timer running." in dialog.summary.text()
    statuses = [dialog.visits.item(r, 4).text() for r in range(dialog.visits.rowCount())]  # type: ignore[union-attr]
    assert statuses == ["finalized", "OPEN; TIMER RUNNING: 97112 PT"]
    flagged = dialog.visits.item(1, 4)
    assert flagged is not None and flagged.font().bold()
    # its column holds the flag in bold, not cut: as wide as the view sizes it for its cells
    assert dialog.visits.columnWidth(4) >= dialog.visits.sizeHintForColumn(4)
    codes = {
        dialog.codes.item(r, 0).text(): dialog.codes.item(r, 1).text()  # type: ignore[union-attr]
        for r in range(dialog.codes.rowCount())
    }
    assert codes == {c.code: str(c.units) for c in sheet.by_code} and codes
    chart = dialog.chart_view.chart()
    assert [s.label() for s in chart.series()[0].barSets()] == ["PT units", "CQ/CO units"]  # type: ignore[attr-defined]
    saved = dialog.save(tmp_path / "day")
    assert saved is not None and saved.read_bytes().startswith(b"%PDF")


def test_the_day_sheet_totals_show_whole_in_large_type(
    qtbot: QtBot, window: MainWindow, practice: Practice
) -> None:
    """The codes' and the payers' totals share their row by what each needs: in large type, on
    the narrowest screen (1024 px), the payers' payments were cut behind a sideways scroll bar
    while the codes' half stood partly empty. Large type switched on while the sheet is open
    sizes its columns again."""
    dialog = DaySheetDialog(practice.clinic.services, window)
    qtbot.addWidget(dialog)
    dialog.day.setDate(QDate(DAY.year, DAY.month, DAY.day))
    dialog.resize(980, 600)
    dialog.show()
    qtbot.waitExposed(dialog)
    window.display.large_type_action.setChecked(True)
    tables = (dialog.visits, dialog.codes, dialog.payers)
    qtbot.waitUntil(lambda: dialog.payers.font().pointSizeF() == theme.point_size(True))
    assert dialog.payers.rowCount() and dialog.codes.rowCount()
    for table in tables:  # every column as wide as its cells in large type
        for column in range(table.columnCount()):
            assert table.columnWidth(column) >= table.sizeHintForColumn(column), column
    for table in (dialog.codes, dialog.payers):
        assert table.viewport().width() >= table.horizontalHeader().length()  # every column whole
        assert table.horizontalScrollBar().maximum() == 0


def test_the_kx_watch_lists_medicare_patients_and_draws_the_picked_one(
    qtbot: QtBot, window: MainWindow, practice: Practice
) -> None:
    services = practice.clinic.services
    ui = _menu(window, services)
    window.visits.open_visit(practice.finalized[1])
    ui.actions["kx_watch"].trigger()
    dialog = ui.dialog
    assert isinstance(dialog, KxWatchDialog)
    rows = kx_watch(services, 2026)
    assert dialog.table.rowCount() == len(rows) == 3
    assert dialog.shown_patient == practice.patient_id  # the open visit's patient
    names = [s.name() for s in dialog.chart_view.chart().series()]
    assert names == ["year to date", "KX threshold $2,480", "review level $3,000"]
    curve = dialog.chart_view.chart().series()[0]
    last = curve.at(curve.count() - 1)  # type: ignore[attr-defined]
    assert last.y() == pytest.approx(float(services.ytd_allowed(practice.patient_id, 2026).total))
    other = next(i for i, r in enumerate(rows) if r.patient_id == practice.hostile_id)
    dialog.table.selectRow(other)
    assert dialog.shown_patient == practice.hostile_id


def test_the_kx_watch_on_a_patient_medicare_does_not_pay_draws_no_one_else(
    qtbot: QtBot, window: MainWindow, practice: Practice
) -> None:
    """Opened on a commercial patient, no row is picked and no one's curve drawn: the chart's
    place says the threshold is Medicare's (it picked the top row and drew that patient)."""
    services = practice.clinic.services
    patient, _ = services.records.add_patient(
        "Sato", "Ken", date(1980, 4, 5), payer_id=practice.clinic.commercial_id, member_id="B77"
    )
    dialog = KxWatchDialog(services, patient.id, window)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 3
    assert dialog.table.selectionModel().selectedRows() == []
    assert dialog.shown_patient is None
    assert dialog.chart_view.chart().series() == []
    assert dialog.year_view.message.text() == (
        "Sato, Ken is not on Medicare: the KX threshold and the review level apply to "
        "Medicare patients only."
    )
    dialog.table.selectRow(0)  # a patient picked in the list is drawn as before
    assert dialog.shown_patient == kx_watch(services, 2026)[0].patient_id
    assert dialog.year_view.message.isHidden() and len(dialog.chart_view.chart().series()) == 3


def test_the_kx_watch_keeps_the_picked_patient_in_another_year(
    qtbot: QtBot, window: MainWindow, practice: Practice
) -> None:
    services = practice.clinic.services
    dialog = KxWatchDialog(services, None, window)
    qtbot.addWidget(dialog)
    rows = kx_watch(services, 2026)
    assert dialog.shown_patient == rows[0].patient_id  # no one asked for: the top row
    last = len(rows) - 1
    dialog.table.selectRow(last)
    dialog.year.setValue(2025)
    assert dialog.shown_patient == rows[last].patient_id
    assert "2025 year to date" in dialog.chart_view.chart().title()
    (selected,) = dialog.table.selectionModel().selectedRows()
    assert dialog.rows[selected.row()].patient_id == rows[last].patient_id


def test_the_charts_draw_the_period(
    qtbot: QtBot, window: MainWindow, practice: Practice, tmp_path: Path
) -> None:
    ui = _menu(window, practice.clinic.services)
    ui.actions["charts"].trigger()
    dialog = ui.dialog
    assert isinstance(dialog, ChartsDialog)
    dialog.first.setDate(QDate(DAY.year, DAY.month, DAY.day))
    assert dialog.figures is not None and dialog.figures.first == DAY
    chart = dialog.views["Units per code"].chart()
    (series,) = chart.series()
    sets = {s.label(): [s.at(i) for i in range(s.count())] for s in series.barSets()}  # type: ignore[attr-defined]
    codes = dialog.figures.codes
    assert sets["CQ/CO units"] == [c.assistant_units for c in codes]
    assert sets["PT units"] == [c.units - c.assistant_units for c in codes]
    (visits,) = dialog.views["Visits per code"].chart().series()
    (per_code,) = visits.barSets()  # type: ignore[attr-defined]
    assert per_code.label() == "visits"
    assert [per_code.at(i) for i in range(per_code.count())] == [c.visits for c in codes]
    labels = visits.attachedAxes()[0].categories()
    assert labels == [c.code for c in codes] and any(c.visits > 1 for c in codes)
    assert [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())] == [
        "Visits and units",
        "PT and CQ/CO units",
        "Visits per code",
        "Units per code",
    ]
    assert "the assistant's share (CQ/CO)" in dialog.summary.text()
    saved = dialog.save(tmp_path / "charts.pdf")
    assert saved is not None and saved.read_bytes().startswith(b"%PDF")


def _chart_points(view: QChartView) -> tuple[float, float, set[float]]:
    chart = view.chart()
    assert chart is not None
    return (
        chart.titleFont().pointSizeF(),
        chart.legend().font().pointSizeF(),
        {axis.labelsFont().pointSizeF() for axis in chart.axes()},
    )


def test_a_chart_speaks_in_its_dialog_s_type(
    qtbot: QtBot, window: MainWindow, practice: Practice
) -> None:
    """The charts' title, legend and axes are in the dialog's type and follow large type
    (QtCharts drew them in the application's 9 pt, the axes in 7.5 pt, whatever the setting)."""
    dialog = DaySheetDialog(practice.clinic.services, window)
    qtbot.addWidget(dialog)
    dialog.day.setDate(QDate(DAY.year, DAY.month, DAY.day))
    dialog.show()
    qtbot.waitExposed(dialog)
    usual = theme.point_size(False)
    assert _chart_points(dialog.chart_view) == (usual, usual, {usual * LABELS_SCALE})
    window.display.large_type_action.setChecked(True)  # the open dialog follows
    large = theme.point_size(True)
    qtbot.waitUntil(lambda: _chart_points(dialog.chart_view)[0] == large)
    assert _chart_points(dialog.chart_view) == (large, large, {large * LABELS_SCALE})
    dialog.day.setDate(QDate(DAY.year, DAY.month, DAY.day + 2))  # a new chart, in large type
    assert _chart_points(dialog.chart_view) == (large, large, {large * LABELS_SCALE})

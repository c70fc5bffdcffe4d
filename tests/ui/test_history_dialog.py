"""History: a patient's visits with units, modifiers, charges and payments; a correction needs a
reason and leaves an audit entry shown beside the visit; payments are checked and recorded."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from chargeclock.ui import theme
from chargeclock.ui.history_dialog import HistoryDialog
from tests.services.conftest import dump
from tests.ui.records_fixtures import Clinic, clinic, icd10_loaded

__all__ = ["clinic", "icd10_loaded"]

pytestmark = pytest.mark.gui


def finalized_visit(clinic: Clinic) -> int:
    services = clinic.services
    services.records.save_fees(2026, charges={"97110": "45.00"})
    visits = services.visits
    state = visits.open_visit(clinic.patient_id, codes=["97110"])
    visits.start_timer(state.visit_id, "97110", "PT")
    clinic.clock.advance(minutes=23)
    visits.stop_all(state.visit_id)
    visits.finalize(state.visit_id)
    return state.visit_id


@pytest.fixture
def dialog(qtbot: QtBot, clinic: Clinic) -> HistoryDialog:
    finalized_visit(clinic)
    dialog = HistoryDialog(clinic.services, clinic.patient_id)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_visits_show_units_modifiers_charges(dialog: HistoryDialog) -> None:
    row = [dialog.visit_model.text(0, c) for c in range(dialog.visit_model.columnCount())]
    assert row[2] == "finalized"
    assert "97110 GP ×2" in row[3]
    assert row[4] == "2" and row[5] == "$90.00"
    assert "visit finalized" in dialog.audit.item(dialog.audit.count() - 1).text()


def test_correction_needs_a_reason(dialog: HistoryDialog, clinic: Clinic) -> None:
    visit = dialog.selected_visit()
    assert visit is not None and dialog.reopen_button.isEnabled()
    before = dump(clinic.services)
    dialog.reopen()
    assert dialog.correction.boxes["reason"].reason == "A reason is required"
    dialog.reason.setText("   ")
    dialog.reopen()
    assert dump(clinic.services) == before
    assert clinic.services.visits.visit(visit.id).status == "finalized"


def test_a_correction_leaves_an_audit_entry_shown_in_history(
    qtbot: QtBot, dialog: HistoryDialog, clinic: Clinic
) -> None:
    visit = dialog.selected_visit()
    assert visit is not None
    dialog.reason.setText("97110 minutes were entered for the wrong patient")
    with qtbot.waitSignal(dialog.reopened) as reopened:
        qtbot.mouseClick(dialog.reopen_button, Qt.MouseButton.LeftButton)
    assert reopened.args == [visit.id]
    assert clinic.services.visits.visit(visit.id).status == "open"
    entry = clinic.services.audit_entries("visit", visit.id)[-1]
    assert entry.action == "visit_reopened"
    assert entry.reason == "97110 minutes were entered for the wrong patient"
    shown = [dialog.audit.item(i).text() for i in range(dialog.audit.count())]
    assert any("visit reopened" in t and "wrong patient" in t and "97110 ×2" in t for t in shown), (
        shown
    )
    assert dialog.visit_model.text(0, 2) == "open"
    assert not dialog.reopen_button.isEnabled()


def test_payment_is_checked_and_recorded(dialog: HistoryDialog, clinic: Clinic) -> None:
    before = dump(clinic.services)
    dialog.amount.setText("0")
    dialog.record_payment()
    assert "more than $0" in dialog.payment_form.boxes["amount"].reason
    dialog.amount.setText("20.00")
    dialog.pay_date.edit.setText("03/09/2026")
    dialog.record_payment()
    assert dialog.payment_form.boxes["paid_on"].reason == "03/09/2026 is in the future"
    assert dump(clinic.services) == before
    dialog.pay_date.edit.setText("03/02/2026")
    dialog.method.setCurrentIndex(dialog.method.findData("card"))
    dialog.record_payment()
    [payment] = clinic.services.records.payments(clinic.patient_id)
    assert (payment.amount, payment.method) == (Decimal("20.00"), "card")
    assert payment.visit_id == clinic.services.visits.visits_of_patient(clinic.patient_id)[0].id
    assert dialog.payment_model.rowCount() == 1
    assert dialog.visit_model.text(0, 6) == "$20.00"
    assert "balance $70.00" in dialog.balance.text()


def test_the_balance_is_the_ledgers_with_its_adjustments_and_reversals(
    dialog: HistoryDialog, clinic: Clinic
) -> None:
    """A write-off, a refund and a payment reversed (entered from the ledger, elsewhere) show
    in History's sums at once: its balance is the ledger's."""
    services = clinic.services
    visit = services.visits.visits_of_patient(clinic.patient_id)[0].id
    first = services.records.record_payment(clinic.patient_id, "30.00", "card", visit_id=visit)
    services.records.record_payment(clinic.patient_id, "10.00", "cash", visit_id=visit)
    services.ledger.add_adjustment(clinic.patient_id, "write_off", "5.00", visit_id=visit)
    services.ledger.add_adjustment(clinic.patient_id, "refund", "2.50")
    services.ledger.reverse_payment(first.id, "card declined")
    dialog.refresh()
    ledger = services.ledger.ledger(clinic.patient_id)
    assert (ledger.charges, ledger.payments, ledger.adjustments) == (
        Decimal("90.00"),
        Decimal("10.00"),
        Decimal("2.50"),
    )
    assert dialog.balance.text() == (
        "Charges $90.00 · paid $10.00 · adjustments $2.50 · balance $77.50"
    )
    assert ledger.balance == Decimal("77.50")
    # the visit's Paid column agrees with the sum; the reversed payment is listed, marked
    assert dialog.visit_model.text(0, 6) == "$10.00"
    methods = [dialog.payment_model.text(r, 2) for r in range(dialog.payment_model.rowCount())]
    assert sorted(methods) == ["card (reversed)", "cash"]


def test_a_credit_reads_as_one(dialog: HistoryDialog, clinic: Clinic) -> None:
    """An account paid beyond its charges (a credit) and a refund: the minus before the dollar
    sign, as a biller writes it ($-2.50 read as a typing slip)."""
    services = clinic.services
    services.records.record_payment(clinic.patient_id, "100.00", "card")
    services.ledger.add_adjustment(clinic.patient_id, "refund", "2.50")
    dialog.refresh()
    assert dialog.balance.text() == (
        "Charges $90.00 · paid $100.00 · adjustments -$2.50 · balance -$7.50"
    )


def test_the_tables_are_sound_models(qtmodeltester: ModelTester, dialog: HistoryDialog) -> None:
    qtmodeltester.check(dialog.visit_model)
    qtmodeltester.check(dialog.payment_model)
    dialog.amount.setText("12.50")
    dialog.record_payment()
    qtmodeltester.check(dialog.visit_model)
    qtmodeltester.check(dialog.payment_model)
    assert dialog.payment_model.data(dialog.payment_model.index(0, 1)) == "$12.50"


def test_rows_are_the_visits_newest_first_as_each_reads_alone(
    dialog: HistoryDialog, clinic: Clinic
) -> None:
    """The one read gives each visit what its own reads give: status, lines, units, charges."""
    services = clinic.services
    clinic.clock.advance(days=1)
    second = finalized_visit(clinic)
    clinic.clock.advance(days=1)
    still_open = services.visits.open_visit(clinic.patient_id, codes=["97140"]).visit_id
    dialog.refresh()
    model = dialog.visit_model
    expected = sorted(
        services.visits.visits_of_patient(clinic.patient_id),
        key=lambda v: (v.date_of_service, v.id),
        reverse=True,
    )
    assert [model.summary(r).visit_id for r in range(model.rowCount())] == [v.id for v in expected]
    assert model.summary(0).visit_id == still_open and model.summary(1).visit_id == second
    for row, visit in enumerate(expected):
        lines = services.visits.claim_lines(visit.id)
        assert model.text(row, 2) == visit.status
        assert model.text(row, 4) == (str(sum(ln.units for ln in lines)) if lines else "")
        charges = [ln.charge for ln in lines if ln.charge is not None]
        assert model.text(row, 5) == (f"${sum(charges):,.2f}" if charges else "—")
    assert model.text(0, 3) == "open — not billed yet"
    assert "balance $180.00" in dialog.balance.text()


def test_payments_are_listed_newest_first_a_new_one_at_the_top(
    dialog: HistoryDialog, clinic: Clinic
) -> None:
    """As the visits are: a payment just recorded shows at the top (it went to the bottom,
    past a decade's payments, out of sight)."""
    for day, amount in (("03/02/2026", "5.00"), ("02/27/2026", "7.00"), ("03/01/2026", "9.00")):
        dialog.pay_date.edit.setText(day)
        dialog.amount.setText(amount)
        dialog.record_payment()
    model = dialog.payment_model
    listed = [(model.text(r, 0), model.text(r, 1)) for r in range(model.rowCount())]
    assert listed == [("03/02/2026", "$5.00"), ("03/01/2026", "$9.00"), ("02/27/2026", "$7.00")]
    dialog.pay_date.edit.setText("03/02/2026")
    dialog.amount.setText("11.00")
    dialog.record_payment()
    assert (model.text(0, 0), model.text(0, 1)) == ("03/02/2026", "$11.00")


def test_opening_history_shows_the_selected_visit_once(
    qtbot: QtBot, clinic: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first visit is selected as History opens: its audit log is read and shown once
    (the selection's change showed it, then the refresh showed it again)."""
    finalized_visit(clinic)
    shown: list[int | None] = []
    show = HistoryDialog._visit_selected

    def counted(self: HistoryDialog) -> None:
        show(self)
        visit = self.selected_visit()
        shown.append(visit.id if visit else None)

    monkeypatch.setattr(HistoryDialog, "_visit_selected", counted)
    dialog = HistoryDialog(clinic.services, clinic.patient_id)
    qtbot.addWidget(dialog)
    first = dialog.visit_model.summary(0).visit_id
    assert shown == [first]
    assert dialog.audit.count() > 0 and dialog.audit_title.text().endswith(f"#{first}")
    dialog.refresh()  # a change elsewhere: the same visit stays selected, shown once more
    assert shown == [first, first]
    assert dialog.audit.count() > 0


def test_kx_year_to_date_draws_the_patients_year_when_asked(
    dialog: HistoryDialog, clinic: Clinic
) -> None:
    """History opens without the KX chart (its open budget); "KX year to date…" draws the
    patient's year with both lines, and the chart follows what changes."""
    assert dialog.kx_dialog is None
    dialog.kx_button.click()
    shown = dialog.kx_dialog
    assert shown is not None and shown.isVisible()
    view = shown.view
    assert view.shown_patient == clinic.patient_id
    chart = view.chart_view.chart()
    assert chart.title() == "Quintero, Marisol: 2026 year to date (allowed, PT and SLP)"
    names = [s.name() for s in chart.series()]
    assert names == ["year to date", "KX threshold $2,480", "review level $3,000"]
    assert view.message.isHidden()
    services = clinic.services

    def last_point() -> float:
        curve = view.chart_view.chart().series()[0]
        return float(curve.at(curve.count() - 1).y())  # type: ignore[attr-defined]

    assert last_point() == pytest.approx(float(services.ytd_allowed(clinic.patient_id, 2026).total))
    before = last_point()
    shown.resize(700, 430)  # the user's size stays as the chart is redrawn
    clinic.clock.advance(days=1)
    finalized_visit(clinic)
    dialog.refresh()  # as a change published elsewhere does
    assert (shown.width(), shown.height()) == (700, 430)
    assert last_point() > before
    assert last_point() == pytest.approx(float(services.ytd_allowed(clinic.patient_id, 2026).total))
    shown.close()
    dialog.kx_button.click()  # asked again: the same window, shown again
    assert dialog.kx_dialog is shown and shown.isVisible()


def test_kx_year_to_date_of_another_year(dialog: HistoryDialog, clinic: Clinic) -> None:
    """The KX chart's year goes back to the first year of rule data, not past this one: last
    year draws last year's spend against last year's threshold, and keeps to it as History
    changes."""
    dialog.kx_button.click()
    shown = dialog.kx_dialog
    assert shown is not None
    assert (shown.year.value(), shown.year.maximum()) == (2026, 2026)
    assert shown.year.minimum() == clinic.services.book.years[0]
    shown.year.setValue(2025)
    chart = shown.view.chart_view.chart()
    assert chart.title() == "Quintero, Marisol: 2025 year to date (allowed, PT and SLP)"
    figures = clinic.services.book.year(2025)
    names = [s.name() for s in chart.series()]
    assert names[1] == f"KX threshold ${figures.kx_threshold['pt_slp']:,.0f}"
    curve = chart.series()[0]
    last = float(curve.at(curve.count() - 1).y())  # type: ignore[attr-defined]
    assert last == pytest.approx(float(clinic.services.ytd_allowed(clinic.patient_id, 2025).total))
    dialog.refresh()  # a change elsewhere: the year chosen stays
    assert "2025 year to date" in shown.view.chart_view.chart().title()


def test_kx_year_to_date_of_a_patient_not_on_medicare_says_so(qtbot: QtBot, clinic: Clinic) -> None:
    patient, _ = clinic.services.records.add_patient("Vale", "Ines", date(1990, 6, 7))
    dialog = HistoryDialog(clinic.services, patient.id)
    qtbot.addWidget(dialog)
    dialog.kx_button.click()
    assert dialog.kx_dialog is not None
    view = dialog.kx_dialog.view
    assert view.shown_patient is None
    assert view.message.text() == (
        "Vale, Ines is not on Medicare: the KX threshold and the review level apply to "
        "Medicare patients only."
    )
    assert view.chart_view.isHidden() and view.chart_view.chart().series() == []


@pytest.mark.parametrize("large", [False, True])
def test_dates_and_amounts_show_whole_and_claim_lines_in_full_on_hover(
    qtbot: QtBot, clinic: Clinic, large: bool
) -> None:
    """Under the window's theme, large type too, each table's date and amount columns are as
    wide as their text (the payments' four columns shared alike cut the date at large type);
    a visit's claim lines, cut where the column is narrow, are its cell's tooltip in full."""
    visit_id = finalized_visit(clinic)
    clinic.services.records.record_payment(
        clinic.patient_id, "1234.56", "check", date(2026, 3, 3), visit_id
    )
    window = QWidget()
    qtbot.addWidget(window)
    window.setStyleSheet(
        theme.stylesheet(theme.LARGE_POINT_SIZE if large else theme.BASE_POINT_SIZE)
    )
    dialog = HistoryDialog(clinic.services, clinic.patient_id, window)  # closed with it
    dialog.show()
    qtbot.waitExposed(dialog)
    for table, model, wide in (
        (dialog.visits, dialog.visit_model, {0: "00/00/0000", 5: "$99,999.99"}),
        (dialog.payments, dialog.payment_model, {0: "00/00/0000", 1: "$99,999.99"}),
    ):
        metrics = table.fontMetrics()
        for column, text in wide.items():
            assert table.columnWidth(column) > metrics.horizontalAdvance(text), (table, column)
        assert model.rowCount() == 1
    assert dialog.payment_model.text(0, 1) == "$1,234.56"
    lines = dialog.visit_model.index(0, 3)
    assert lines.data(Qt.ItemDataRole.ToolTipRole) == lines.data() and "97110" in lines.data()
    assert dialog.visit_model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) is None


def test_kx_year_to_date_past_the_last_year_of_rule_data(
    dialog: HistoryDialog, clinic: Clinic
) -> None:
    """In a year the rule data does not reach yet, the chart is that year's, drawn against the
    latest figures (provisional), and the year box reaches it."""
    last = clinic.services.book.years[-1]
    clinic.clock.advance(days=(date(last + 2, 3, 2) - clinic.clock.now().date()).days)
    dialog.kx_dialog = None  # made again today
    dialog.kx_button.click()
    shown = dialog.kx_dialog
    assert shown is not None
    assert shown.year.value() == shown.year.maximum() == last + 2
    chart = shown.view.chart_view.chart()
    assert f"{last + 2} year to date" in chart.title()
    figures = clinic.services.book.year(last)
    assert chart.series()[1].name() == f"KX threshold ${figures.kx_threshold['pt_slp']:,.0f}"

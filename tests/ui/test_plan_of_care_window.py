"""The plan of care's certification through the window (claims.md §5): the 2025 referral
exception, the delayed-certification reason and the discharge on the patient dialog's plan tab,
the payer's recertification interval on the payers tab; each checked with its field named,
saved through the services, read back, and nothing saved when refused."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QScrollArea
from pytestqt.qtbot import QtBot

from chargeclock.ui.main_window import MainWindow
from chargeclock.ui.patient_dialog import PatientDialog
from chargeclock.ui.settings_dialog import SettingsDialog
from tests.services.conftest import dump
from tests.ui.records_fixtures import OTHER_NPI, Clinic, clinic, icd10_loaded, shown_errors

__all__ = ["clinic", "icd10_loaded"]

pytestmark = pytest.mark.gui


def _dialog(qtbot: QtBot, clinic: Clinic) -> PatientDialog:
    dialog = PatientDialog(clinic.services, clinic.patient_id)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _plan(dialog: PatientDialog, start: str, through: str, signed: str = "") -> None:
    """A plan certified by the patient's referring physician (with an NPI)."""
    dialog.referring_name.setText("Dr. Ruth Okoye")
    dialog.referring_npi.setText(OTHER_NPI)
    dialog.plan.setChecked(True)
    dialog.plan_start.edit.setText(start)
    dialog.plan_through.edit.setText(through)
    dialog.plan_signed.edit.setText(signed)
    dialog.certifying.setCurrentIndex(dialog.certifying.findData("referring"))


def _save(qtbot: QtBot, dialog: PatientDialog) -> None:
    with qtbot.waitSignal(dialog.saved):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)


def _refused(qtbot: QtBot, dialog: PatientDialog, clinic: Clinic) -> list[str]:
    """Press Save, expect a refusal that saved nothing, said on the form's message line; the
    reasons the fields are marked with."""
    before = dump(clinic.services)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dump(clinic.services) == before
    assert dialog.isVisible()
    assert any(line.startswith("Nothing was saved.") for line in shown_errors(dialog))
    return [box.reason for box in dialog.form.boxes.values() if box.reason]


def _treated_on(clinic: Clinic, day: date) -> None:
    clinic.services.visits.open_visit(clinic.patient_id, date_of_service=day)


def test_the_referral_exception_entered_on_the_plan_tab_counts_as_certified(
    qtbot: QtBot, clinic: Clinic
) -> None:
    _treated_on(clinic, date(2026, 1, 26))  # the evaluation; today is 03/02/2026
    dialog = _dialog(qtbot, clinic)
    _plan(dialog, "01/26/2026", "04/20/2026")
    _save(qtbot, dialog)
    assert clinic.services.plan_of_care_status(clinic.patient_id).state == "certification_overdue"

    dialog = _dialog(qtbot, clinic)
    fields = dialog.plan_fields
    fields.plan_sent.edit.setText("02/03/2026")
    errors = _refused(qtbot, dialog, clinic)
    assert "Enter the date the referral was signed, with the plan's" in errors
    assert dialog.tabs.currentIndex() == 1  # the refusal turns to the plan's tab
    fields.referral_signed.edit.setText("01/20/2026")
    fields.plan_sent.edit.setText("03/01/2026")  # 34 days after the evaluation
    errors = _refused(qtbot, dialog, clinic)
    assert any(e.startswith("sent 34 days after the evaluation") for e in errors)
    assert fields.plan_sent.isVisible()  # under the field it names
    fields.plan_sent.edit.setText("02/03/2026")
    _save(qtbot, dialog)

    plan = clinic.services.records.patient_record(clinic.patient_id).plan_of_care
    assert plan is not None and plan.signed_date is None
    cert = clinic.services.plans.certification(plan.id)
    assert (cert.referral_signed_on, cert.plan_sent_on) == (date(2026, 1, 20), date(2026, 2, 3))
    assert clinic.services.plan_of_care_status(clinic.patient_id).state == "ok"
    actions = [e.action for e in clinic.services.audit_entries("patient", clinic.patient_id)]
    assert "plan_of_care_referral_recorded" in actions

    again = _dialog(qtbot, clinic)  # read back
    assert again.plan_fields.referral_signed.edit.text() == "01/20/2026"
    assert again.plan_fields.plan_sent.edit.text() == "02/03/2026"
    assert "valid through" in again.plan_fields.status.text()


def test_a_late_signature_needs_the_delay_reason(qtbot: QtBot, clinic: Clinic) -> None:
    _treated_on(clinic, date(2026, 1, 5))
    dialog = _dialog(qtbot, clinic)
    _plan(dialog, "01/05/2026", "03/31/2026", signed="02/27/2026")  # due by 02/04
    errors = _refused(qtbot, dialog, clinic)
    assert (
        "signed after 02/04/2026 (30 days from the first treatment): give the reason for the "
        "delayed certification" in errors
    )
    assert dialog.tabs.currentIndex() == 1
    dialog.plan_fields.delay_reason.setText("Physician on leave until 02/26")
    _save(qtbot, dialog)
    plan = clinic.services.records.patient_record(clinic.patient_id).plan_of_care
    assert plan is not None and plan.signed_date == date(2026, 2, 27)
    cert = clinic.services.plans.certification(plan.id)
    assert cert.delay_reason == "Physician on leave until 02/26"
    assert clinic.services.plan_of_care_status(clinic.patient_id).state == "ok"

    again = _dialog(qtbot, clinic)
    assert again.plan_fields.delay_reason.text() == "Physician on leave until 02/26"
    again.plan_fields.delay_reason.clear()  # removing the reason is refused too
    assert "give the reason for the delayed certification" in " ".join(
        _refused(qtbot, again, clinic)
    )


def test_a_discharge_on_the_plan_tab_makes_a_later_visit_warn(qtbot: QtBot, clinic: Clinic) -> None:
    _treated_on(clinic, date(2026, 2, 2))
    dialog = _dialog(qtbot, clinic)
    _plan(dialog, "02/02/2026", "04/30/2026", signed="02/05/2026")
    dialog.tabs.setCurrentIndex(1)
    fields = dialog.plan_fields
    fields.discharged.edit.setText("01/30/2026")
    assert "Discharged: Discharged before the plan's start date" in shown_errors(dialog)
    fields.discharged.edit.setText("03/05/2026")
    assert fields.discharged.edit.text() == "03/05/2026"
    assert "03/05/2026 is in the future" in dialog.form.boxes["discharged"].reason
    _refused(qtbot, dialog, clinic)
    fields.discharged.edit.setText("02/27/2026")
    _save(qtbot, dialog)
    plan = clinic.services.records.patient_record(clinic.patient_id).plan_of_care
    assert plan is not None
    assert clinic.services.plans.certification(plan.id).discharged_on == date(2026, 2, 27)

    window = MainWindow(clinic.services, clinic.clock)
    qtbot.addWidget(window)
    window.show()
    window.ticker.stop()
    window.start_visit(clinic.patient_id)  # today, 03/02: after the discharge
    warnings = window.visits.panel.warnings.text()
    assert "plan of care discharged on 02/27/2026: a visit after it needs a new plan" in warnings

    again = _dialog(qtbot, clinic)
    assert again.plan_fields.discharged.edit.text() == "02/27/2026"
    again.plan_fields.discharged.edit.clear()  # a mistaken discharge is undone
    _save(qtbot, again)
    assert clinic.services.plans.certification(plan.id).discharged_on is None
    assert clinic.services.plan_of_care_status(clinic.patient_id).state == "ok"


def test_the_plan_tab_fits_a_1366_by_768_screen_with_every_reason_shown(
    qtbot: QtBot, clinic: Clinic
) -> None:
    dialog = _dialog(qtbot, clinic)
    dialog.resize(1220, 700)  # its size on a 1366×768 screen (the test's screen is smaller)
    dialog.tabs.setCurrentIndex(1)
    _plan(dialog, "01/05/2026", "12/31/2026", signed="13/01/2026")
    fields = dialog.plan_fields
    fields.referral_signed.edit.setText("1/1")
    fields.plan_sent.edit.setText("12/31/2030")
    fields.discharged.edit.setText("12/31/2025")
    fields.delay_reason.setText("x")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.wait(100)  # the layout settles
    assert len([box for box in dialog.form.boxes.values() if box.reason]) >= 5
    assert shown_errors(dialog)[0].startswith("Nothing was saved.")
    assert dialog.height() <= 768 - 68
    body = dialog.findChild(QScrollArea)
    assert body is not None and body.verticalScrollBar().maximum() == 0


def test_the_payer_recertification_interval_on_the_payers_tab(qtbot: QtBot, clinic: Clinic) -> None:
    today = clinic.clock.now().date()
    _treated_on(clinic, date(2026, 2, 5))
    plan = clinic.services.records.add_plan_of_care(
        clinic.patient_id, date(2026, 2, 5), date(2026, 5, 5), signed_date=date(2026, 2, 6)
    )
    assert clinic.services.plan_of_care_status(clinic.patient_id).state == "ok"
    assert plan.id and today == date(2026, 3, 2)
    settings = SettingsDialog(clinic.services)
    qtbot.addWidget(settings)
    settings.show()
    tab = settings.payers
    tab.list.setCurrentRow(0)
    assert tab.current_id == clinic.payer_id and tab.recertify.text() == ""
    before = dump(clinic.services)
    tab.recertify.setText("120")
    tab.save()
    assert tab.form.boxes["recertification_days"].reason == (
        "A number of days from 1 to 90, or blank"
    )
    assert dump(clinic.services) == before
    tab.recertify.setText("30")
    tab.save()
    assert clinic.services.plans.recertification_days(clinic.payer_id) == 30
    status = clinic.services.plan_of_care_status(clinic.patient_id)
    assert status.state == "lapsing" and "the payer asks every 30 days" in status.message
    tab.new()
    tab.list.setCurrentRow(0)
    assert tab.recertify.text() == "30"  # read back
    tab.recertify.clear()
    tab.save()
    assert clinic.services.plans.recertification_days(clinic.payer_id) is None
    assert clinic.services.plan_of_care_status(clinic.patient_id).state == "ok"


def test_a_new_start_date_starts_a_new_plan_without_the_old_ones_certification(
    qtbot: QtBot, clinic: Clinic
) -> None:
    _treated_on(clinic, date(2026, 1, 5))
    dialog = _dialog(qtbot, clinic)
    _plan(dialog, "01/05/2026", "02/20/2026", signed="01/08/2026")
    dialog.plan_fields.discharged.edit.setText("02/20/2026")
    _save(qtbot, dialog)

    again = _dialog(qtbot, clinic)
    fields = again.plan_fields
    assert fields.discharged.edit.text() == "02/20/2026"
    fields.start.edit.setText("02/23/2026")  # the next episode
    assert fields.discharged.is_blank() and fields.referral_signed.is_blank()
    fields.through.edit.setText("05/20/2026")
    fields.signed.edit.setText("02/24/2026")
    _save(qtbot, again)
    plans = clinic.services.records.patient_record(clinic.patient_id).plan_of_care
    assert plans is not None and plans.start_date == date(2026, 2, 23)
    assert clinic.services.plans.certification(plans.id).discharged_on is None
    assert clinic.services.plan_of_care_status(clinic.patient_id).state == "ok"

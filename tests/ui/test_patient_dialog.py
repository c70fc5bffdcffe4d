"""The patient dialog: each bad field marked and its reason on the message line, nothing saved
until all are valid, and a valid patient stored whole."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QBoxLayout, QDialog, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from chargeclock.services.diagnosis_codes import load_index
from chargeclock.ui import theme
from chargeclock.ui.patient_dialog import PatientDialog
from tests.services.conftest import dump
from tests.ui.records_fixtures import BAD_NPI, OTHER_NPI, Clinic, clinic, icd10_loaded, shown_errors

__all__ = ["clinic", "icd10_loaded"]

pytestmark = pytest.mark.gui


def open_dialog(qtbot: QtBot, clinic: Clinic, patient_id: int | None = None) -> PatientDialog:
    dialog = PatientDialog(clinic.services, patient_id)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def fill_valid(dialog: PatientDialog) -> None:
    dialog.last_name.setText("Okafor")
    dialog.first_name.setText("Grace")
    dialog.date_of_birth.edit.setText("04/12/1948")
    dialog.sex.setCurrentIndex(dialog.sex.findData("F"))
    dialog.phone.setText("(217) 555-0199")
    dialog.address.setText("12 Elm St, Springfield, IL 62704")
    dialog.payer.setCurrentIndex(1)
    dialog.member_id.setText("2AB3CD4EF56")
    dialog.referring_name.setText("Dr. Ruth Okoye")
    dialog.referring_npi.setText(OTHER_NPI)
    dialog.prior_spend.setText("250.00")
    dialog.progress_report.edit.setText("02/27/2026")


def test_empty_required_fields_show_their_reason_and_save_nothing(
    qtbot: QtBot, clinic: Clinic
) -> None:
    dialog = open_dialog(qtbot, clinic)
    before = dump(clinic.services)
    assert shown_errors(dialog) == []  # nothing shouted before anyone typed
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    boxes = dialog.form.boxes
    assert boxes["last_name"].reason == "The last name is required"
    assert boxes["first_name"].reason == "The first name is required"
    assert boxes["date_of_birth"].reason == "The date of birth is required"
    assert dialog.form.general.text().startswith("Nothing was saved. ")
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert dump(clinic.services) == before


def test_future_date_of_birth_and_bad_dates_are_refused(qtbot: QtBot, clinic: Clinic) -> None:
    dialog = open_dialog(qtbot, clinic)
    fill_valid(dialog)
    before = dump(clinic.services)
    dialog.date_of_birth.edit.setText("01/01/2027")
    assert dialog.form.boxes["date_of_birth"].reason == "01/01/2027 is in the future"
    assert dialog.form.boxes["date_of_birth"].marked
    dialog.date_of_birth.edit.setText("02/30/1950")
    assert "not a date on the calendar" in dialog.form.boxes["date_of_birth"].reason
    dialog.date_of_birth.edit.setText("1950")
    assert "MM/DD/YYYY" in dialog.form.boxes["date_of_birth"].reason
    dialog.save()
    assert dump(clinic.services) == before


def test_bad_referrer_npi_and_missing_member_id(qtbot: QtBot, clinic: Clinic) -> None:
    dialog = open_dialog(qtbot, clinic)
    fill_valid(dialog)
    before = dump(clinic.services)
    dialog.referring_npi.setText(BAD_NPI)
    dialog.member_id.setText("")
    assert "check digit is wrong" in dialog.form.boxes["referring_npi"].reason
    assert "member id" in dialog.form.boxes["member_id"].reason
    dialog.save()
    assert dump(clinic.services) == before


def test_non_billable_diagnosis_is_flagged_beside_the_list_and_refused(
    qtbot: QtBot, clinic: Clinic
) -> None:
    dialog = open_dialog(qtbot, clinic)
    fill_valid(dialog)
    before = dump(clinic.services)
    dialog.picker.search.setText("M54.5")
    dialog.picker.add_typed()
    assert dialog.picker.codes() == ["M54.5"]
    box = dialog.form.boxes["diagnoses"]
    assert box.marked
    assert "M54.5 is a category, not billable" in box.reason
    assert "M54.50" in box.reason and "M54.59" in box.reason
    assert box.reason in dialog.form.general.text()  # on the message line, named
    assert "not billable" in dialog.picker.diagnoses.item(0).text()
    dialog.save()
    assert dump(clinic.services) == before
    # picking the specific code from the search fixes it
    dialog.picker.diagnoses.setCurrentRow(0)
    dialog.picker.remove_selected()
    dialog.picker.search.setText("low back pain")
    dialog.picker.run_search()
    codes = [
        dialog.picker.results.item(i).data(Qt.ItemDataRole.UserRole + 1)
        for i in range(dialog.picker.results.count())
    ]
    assert "M54.50" in codes
    dialog.picker.results.setCurrentRow(codes.index("M54.50"))
    dialog.picker.add_selected_result()
    assert dialog.picker.codes() == ["M54.50"]
    assert not dialog.form.boxes["diagnoses"].marked


def test_unknown_code_is_named(qtbot: QtBot, clinic: Clinic) -> None:
    dialog = open_dialog(qtbot, clinic)
    dialog.picker.add_code("Q99.99")
    assert "Q99.99 is not an ICD-10-CM code" in dialog.form.boxes["diagnoses"].reason


def test_plan_of_care_dates_are_checked(qtbot: QtBot, clinic: Clinic) -> None:
    dialog = open_dialog(qtbot, clinic)
    fill_valid(dialog)
    dialog.plan.setChecked(True)
    dialog.plan_start.edit.setText("03/01/2026")
    dialog.plan_through.edit.setText("02/01/2026")
    dialog.plan_signed.edit.setText("03/05/2026")
    assert dialog.form.boxes["plan_through"].reason == "Must be on or after the start date"
    assert dialog.form.boxes["plan_signed"].reason == "03/05/2026 is in the future"
    dialog.plan_through.edit.setText("06/30/2026")
    assert "up to 90 days" in dialog.form.boxes["plan_through"].reason
    before = dump(clinic.services)
    dialog.save()
    assert dump(clinic.services) == before


def test_a_valid_patient_is_saved_whole(qtbot: QtBot, clinic: Clinic) -> None:
    dialog = open_dialog(qtbot, clinic)
    fill_valid(dialog)
    dialog.picker.add_code("m17.11")
    dialog.picker.add_code("M54.50")
    dialog.plan.setChecked(True)
    dialog.plan_start.edit.setText("02/23/2026")
    dialog.plan_through.edit.setText("05/20/2026")
    dialog.plan_signed.edit.setText("02/24/2026")
    dialog.certifying.setCurrentIndex(dialog.certifying.findData("referring"))
    with qtbot.waitSignal(dialog.saved) as saved:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    record = clinic.services.records.patient_record(saved.args[0])
    assert (record.patient.last_name, record.patient.first_name) == ("Okafor", "Grace")
    assert record.patient.date_of_birth == date(1948, 4, 12)
    assert record.patient.member_id == "2AB3CD4EF56"
    assert [d.code for d in record.diagnoses] == ["M17.11", "M54.50"]
    assert record.referring is not None and record.referring.npi == OTHER_NPI
    assert record.prior_spend == Decimal("250.00")
    assert record.last_progress_report == date(2026, 2, 27)
    assert record.plan_of_care is not None
    assert record.plan_of_care.certifying_provider_id is None  # no clinic therapist certifies
    certification = clinic.services.plans.certification(record.plan_of_care.id)
    assert certification.certifying_practitioner_id == record.referring.id


def test_editing_loads_the_patient_and_saves_changes(qtbot: QtBot, clinic: Clinic) -> None:
    dialog = open_dialog(qtbot, clinic, clinic.patient_id)
    assert dialog.last_name.text() == "Quintero"
    assert dialog.date_of_birth.edit.text() == "01/02/1950"
    assert dialog.picker.codes() == ["M17.11"]
    assert "✓" in dialog.picker.diagnoses.item(0).text()
    dialog.phone.setText("217-555-0123")
    dialog.picker.add_code("M25.561")
    dialog.picker.diagnoses.setCurrentRow(1)
    dialog.picker.move_selected(-1)
    assert dialog.picker.codes() == ["M25.561", "M17.11"]
    dialog.save()
    record = clinic.services.records.patient_record(clinic.patient_id)
    assert record.patient.phone == "217-555-0123"
    assert [d.code for d in record.diagnoses] == ["M25.561", "M17.11"]
    actions = [e.action for e in clinic.services.audit_entries("patient", clinic.patient_id)]
    assert actions[-1] == "patient_changed"


def test_the_code_set_comes_from_a_worker(qtbot: QtBot, clinic: Clinic) -> None:
    """The dialog asks the loader and fills the search when the index arrives."""
    dialog = open_dialog(qtbot, clinic)
    with qtbot.waitSignal(dialog.loader.loaded, timeout=30_000):
        dialog.loader.start()
    assert dialog.picker.index is load_index()
    assert "Find a diagnosis" in dialog.picker.search.placeholderText()


def test_the_whole_dialog_fits_a_1366_by_768_screen_without_scrolling(
    qtbot: QtBot, clinic: Clinic
) -> None:
    """The busiest state: two diagnoses, a wrapped "not billable" reason, search results."""
    from PySide6.QtWidgets import QScrollArea

    dialog = open_dialog(qtbot, clinic, clinic.patient_id)
    dialog.resize(1220, 700)  # its size on a 1366×768 screen (the test's screen is smaller)
    dialog.picker.search.setText("M54.5")
    dialog.picker.add_typed()
    dialog.picker.search.setText("low back pain")
    dialog.picker.run_search()
    qtbot.waitUntil(lambda: dialog.picker.results.count() > 3)
    qtbot.wait(100)  # the layout settles
    assert dialog.form.boxes["diagnoses"].marked
    assert dialog.height() <= 768 - 68  # a title bar and a task bar
    body = dialog.findChild(QScrollArea)
    assert body is not None
    assert body.verticalScrollBar().maximum() == 0


def test_claim_details_are_folded_until_wanted_then_saved_and_loaded(
    qtbot: QtBot, clinic: Clinic
) -> None:
    dialog = open_dialog(qtbot, clinic, clinic.patient_id)
    claim = dialog.claim
    assert not claim.toggle.isChecked() and not claim.fields.isVisible()
    claim.toggle.setChecked(True)
    assert claim.fields.isVisible()
    claim.subscriber.setText("Ade Quintero")
    claim.group_number.setText("GRP-77")
    claim.injury.edit.setText("02/11/2026")
    claim.claim_number.setText("WC-2026-00417")
    claim.employer.setText("Cascade Freight")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "Relation: How is the patient related to the subscriber?" in " ".join(
        shown_errors(dialog)
    )
    assert clinic.services.claims.of_patient(clinic.patient_id).group_number == ""
    claim.relationship.setCurrentIndex(claim.relationship.findData("spouse"))
    with qtbot.waitSignal(dialog.saved):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    saved = clinic.services.claims.of_patient(clinic.patient_id)
    assert (saved.group_number, saved.subscriber, saved.subscriber_relationship) == (
        "GRP-77",
        "Ade Quintero",
        "spouse",
    )
    assert (saved.injury_date, saved.claim_number, saved.employer) == (
        date(2026, 2, 11),
        "WC-2026-00417",
        "Cascade Freight",
    )
    again = open_dialog(qtbot, clinic, clinic.patient_id)
    assert again.claim.fields.isVisible() and again.claim.group_number.text() == "GRP-77"


def test_the_plan_is_certified_by_the_referring_practitioner_not_a_clinic_pt(
    qtbot: QtBot, clinic: Clinic
) -> None:
    dialog = open_dialog(qtbot, clinic, clinic.patient_id)
    offered = [dialog.certifying.itemText(i) for i in range(dialog.certifying.count())]
    assert "The referring practitioner" in offered
    assert not any("Dana Reyes" in text for text in offered)  # the clinic's PT
    dialog.plan.setChecked(True)
    dialog.plan_start.edit.setText("02/23/2026")
    dialog.plan_through.edit.setText("05/20/2026")
    dialog.certifying.setCurrentIndex(dialog.certifying.findData("referring"))
    dialog.referring_name.clear()
    dialog.referring_npi.clear()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "Enter the referring practitioner under Payer and referral" in " ".join(
        shown_errors(dialog)
    )


@pytest.mark.parametrize("large", [False, True])
def test_its_halves_stand_side_by_side_only_where_they_fit_in_the_type_shown(
    qtbot: QtBot, clinic: Clinic, large: bool
) -> None:
    """At 1220 px the usual type holds the patient and the diagnoses side by side; large type
    does not, and stacks them (the form scrolls down): measured in the type the dialog is
    shown in, not the one it had when it was given its size, which cut the diagnoses' buttons
    off at the right with no way to reach them."""
    window = QWidget()
    qtbot.addWidget(window)
    window.setStyleSheet(
        theme.stylesheet(theme.LARGE_POINT_SIZE if large else theme.BASE_POINT_SIZE)
    )
    dialog = PatientDialog(clinic.services, clinic.patient_id, window)  # closed with it
    dialog.resize(1220, 700)
    dialog.show()
    qtbot.waitExposed(dialog)
    side_by_side = dialog.columns.direction() == QBoxLayout.Direction.LeftToRight
    assert side_by_side != large
    viewport = dialog._scroll.viewport()
    assert dialog.tabs.width() <= viewport.width()  # nothing past the right edge
    for button in dialog.picker.box.findChildren(QPushButton):
        right = button.mapTo(viewport, QPoint(button.width(), 0)).x()
        assert right <= viewport.width(), button.text()

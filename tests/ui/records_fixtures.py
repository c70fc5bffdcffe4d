"""A small clinic for the record dialogs and the lock: services on a tmp_path database with a
fake clock, a practice, a PT and a PTA, a payer, a user with a PIN and one patient."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QWidget,
)

from chargeclock.clock import FakeClock
from chargeclock.services.diagnosis_codes import load_index
from chargeclock.services.session import Services

START = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)  # a Monday
NPI = "1234567893"
OTHER_NPI = "1245319599"
BAD_NPI = "1234567890"  # the check digit is wrong
PIN = "2468"


@dataclass
class Clinic:
    services: Services
    clock: FakeClock
    pt_id: int
    pta_id: int
    payer_id: int
    user_id: int
    patient_id: int


@pytest.fixture(scope="session")
def icd10_loaded() -> None:
    """The ICD-10-CM index, built once for the session (the dialog then needs no thread)."""
    load_index()


@pytest.fixture
def clinic(tmp_path, icd10_loaded: None) -> Iterator[Clinic]:  # type: ignore[no-untyped-def]
    clock = FakeClock(START)
    services = Services.open(tmp_path / "t.sqlite3", clock, zone=UTC)
    services.recovery.begin_session()
    records = services.records
    records.save_practice("Riverside Physical Therapy", "1 Main St", "555-555-0100", NPI)
    pt = records.add_provider("Dana Reyes", "PT", NPI, credentials="PT, DPT")
    pta = records.add_provider("Sam Lee", "PTA", supervising_provider_id=pt.id)
    payer = records.add_payer("Medicare Part B", medicare=True)
    user = records.add_user("Dana Reyes", "PT", PIN, pt.id)
    patient, _ = records.add_patient(
        "Quintero",
        "Marisol",
        date(1950, 1, 2),
        payer_id=payer.id,
        member_id="1EG4TE5MK73",
        diagnoses=["M17.11"],
    )
    records.set_favourite_codes(["97110", "97140", "97112"])
    yield Clinic(services, clock, pt.id, pta.id, payer.id, user.id, patient.id)
    services.close()


def visible_texts() -> list[str]:
    """Every text a person could read on screen now: labels, fields, buttons, combo boxes,
    the rows of item views and the titles of visible windows."""
    texts: list[str] = []
    for widget in QApplication.allWidgets():
        if not widget.isVisible():
            continue
        if widget.isWindow():
            texts.append(widget.windowTitle())
        if isinstance(widget, QLabel | QLineEdit | QAbstractButton):
            texts.append(widget.text())
        elif isinstance(widget, QComboBox):
            texts.append(widget.currentText())
        elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            try:
                columns = model.columnCount(QModelIndex())
            except TypeError:  # a list model keeps columnCount to itself: one column
                columns = 1
            for row in range(model.rowCount(QModelIndex())):
                for column in range(columns):
                    value = model.data(model.index(row, column))
                    if value is not None:
                        texts.append(str(value))
    return texts


def shown_errors(widget: QWidget) -> list[str]:
    """The red reasons visible in ``widget`` (a form's message line is always there: what it
    says, if anything)."""
    return [
        label.text()
        for label in widget.findChildren(QLabel)
        if label.objectName() in ("FieldError", "FormError") and label.isVisible() and label.text()
    ]

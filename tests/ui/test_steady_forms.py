"""Messages reserve their space: a validation message marks its field and is written on the
form's one message line, always there, so no field and no button moves when it appears (a tap
aimed at the next field lands on it). The patient dialog fits a 1366×768 and a 1024×600 screen,
scrolling inside."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QAbstractButton, QDialog, QLineEdit, QScrollArea, QWidget
from pytestqt.qtbot import QtBot

from chargeclock.ui.forms import FieldBox, FormState, MessageLine
from chargeclock.ui.patient_dialog import PatientDialog
from chargeclock.ui.settings_dialog import SettingsDialog
from tests.ui.records_fixtures import BAD_NPI, Clinic, clinic, icd10_loaded
from tests.ui.test_patient_dialog import open_dialog

__all__ = ["clinic", "icd10_loaded"]

pytestmark = pytest.mark.gui

SCREENS = [(1366, 768), (1024, 600)]


def _places(root: QWidget) -> dict[str, QRect]:
    """Where every field and button of ``root`` is, in ``root``'s coordinates."""
    found: dict[str, QRect] = {}
    for n, widget in enumerate(root.findChildren(QWidget)):
        if isinstance(widget, FieldBox | QAbstractButton | QLineEdit | MessageLine):
            corner = widget.mapTo(root, widget.rect().topLeft())
            found[f"{n} {type(widget).__name__} {widget.objectName()}"] = QRect(
                corner, widget.size()
            )
    return found


def _settle(qtbot: QtBot) -> None:
    qtbot.wait(30)  # the layout runs on the event loop


@pytest.fixture
def patient_dialog(qtbot: QtBot, clinic: Clinic) -> PatientDialog:
    return open_dialog(qtbot, clinic)


@pytest.mark.parametrize(("width", "height"), SCREENS)
def test_no_field_of_the_patient_dialog_moves_when_its_messages_appear(
    qtbot: QtBot, patient_dialog: PatientDialog, width: int, height: int
) -> None:
    dialog = patient_dialog
    dialog.resize(width - 40, height - 60)  # as big as the screen lets it be
    _settle(qtbot)
    before = _places(dialog)
    dialog.date_of_birth.edit.setText("02/30/1950")  # edited: marked, the reason on the line
    _settle(qtbot)
    assert dialog.form.boxes["date_of_birth"].marked
    assert dialog.form.general.text() == "Born: 02/30/1950 is not a date on the calendar"
    assert _places(dialog) == before
    dialog.save_button.click()  # every required field marked at once
    _settle(qtbot)
    assert {"last_name", "first_name", "date_of_birth"} <= dialog.form.errors_shown().keys()
    assert dialog.form.general.text().startswith("Nothing was saved. ")
    assert _places(dialog) == before
    dialog.picker.add_code("M54.5")  # the longest reason there is: a code's billable children
    _settle(qtbot)
    assert dialog.form.boxes["diagnoses"].marked
    assert _places(dialog) == before
    dialog.date_of_birth.edit.setText("02/03/1950")  # fixed: the line names a field still marked
    _settle(qtbot)
    assert not dialog.form.boxes["date_of_birth"].marked
    assert dialog.form.general.text() == "Last name: The last name is required"
    assert _places(dialog) == before


@pytest.mark.parametrize(("width", "height"), SCREENS)
def test_the_patient_dialog_fits_the_screen_and_scrolls_inside(
    qtbot: QtBot, patient_dialog: PatientDialog, width: int, height: int
) -> None:
    dialog = patient_dialog
    hint = dialog.minimumSizeHint()
    assert hint.width() <= width - 40 and hint.height() <= height - 60
    dialog.resize(width - 40, height - 60)
    _settle(qtbot)
    assert dialog.width() <= width - 40 and dialog.height() <= height - 60
    inside = dialog.rect()
    for widget in (dialog.save_button, dialog.form.general):
        corner = widget.mapTo(dialog, widget.rect().topLeft())
        assert inside.contains(QRect(corner, widget.size())), widget
    scroll = dialog.findChild(QScrollArea)
    assert scroll is not None and scroll.horizontalScrollBar().maximum() == 0
    for box in dialog.form.boxes.values():  # every field wide enough to type in
        if box.isVisibleTo(dialog) and isinstance(box.widget, QLineEdit):
            assert box.width() >= 120, box.label


def _settings_forms(dialog: SettingsDialog) -> list[tuple[QWidget, FormState, QAbstractButton]]:
    return [
        (dialog.practice, dialog.practice.form, dialog.practice.save_button),
        (dialog.users, dialog.users.form, dialog.users.save_button),
        (dialog.providers, dialog.providers.form, dialog.providers.save_button),
        (dialog.payers, dialog.payers.form, dialog.payers.save_button),
        (dialog.room, dialog.room.form, dialog.room.save_button),
    ]


def test_no_field_of_a_settings_form_moves_when_its_messages_appear(
    qtbot: QtBot, clinic: Clinic
) -> None:
    dialog = SettingsDialog(clinic.services)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.resize(1024 - 40, 600 - 60)
    _settle(qtbot)
    assert (dialog.width(), dialog.height()) == (1024 - 40, 600 - 60)  # it fits, scrolling
    for tab, form, save in _settings_forms(dialog):
        dialog.tabs.setCurrentWidget(tab if tab.isWindow() else _page_of(dialog, tab))
        _settle(qtbot)
        before = _places(dialog)
        _settle(qtbot)
        assert _places(dialog) == before, "unsettled"
        for box in form.boxes.values():
            if isinstance(box.widget, QLineEdit):
                box.widget.setText(BAD_NPI if "npi" in box.label.lower() else "")
        if tab is dialog.room:
            dialog.room.room.setText("x" * 20)
            form.edited("room")
        save.click()
        _settle(qtbot)
        if tab is not dialog.room:
            assert form.errors_shown(), type(tab).__name__  # something was refused
            assert "nothing was saved" in form.general.text().lower()
        assert _places(dialog) == before, type(tab).__name__


def _page_of(dialog: SettingsDialog, tab: QWidget) -> QWidget:
    page = tab
    while page.parentWidget() is not None and dialog.tabs.indexOf(page) < 0:
        page = page.parentWidget()
    return page


def test_the_message_line_keeps_its_height_empty_or_not(qtbot: QtBot) -> None:
    dialog = QDialog()
    qtbot.addWidget(dialog)
    line = MessageLine(dialog)
    height = line.height()
    assert height >= 2 * line.fontMetrics().lineSpacing()
    line.say("A phone number has at least 10 digits")
    assert line.height() == height
    line.say("")
    assert line.height() == height and line.isVisibleTo(dialog)

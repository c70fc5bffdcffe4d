"""Settings: every tab marks its bad fields and says why, saves nothing while any is bad, and
stores a valid practice, user, provider, payer, fee list and favourites."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from chargeclock.ui import theme
from chargeclock.ui.fees_tab import ALLOWED, CHARGE
from chargeclock.ui.settings_dialog import SettingsDialog
from tests.services.conftest import dump
from tests.ui.records_fixtures import BAD_NPI, NPI, OTHER_NPI, Clinic, clinic, icd10_loaded

__all__ = ["clinic", "icd10_loaded"]

pytestmark = pytest.mark.gui


@pytest.fixture
def dialog(qtbot: QtBot, clinic: Clinic) -> SettingsDialog:
    dialog = SettingsDialog(clinic.services)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_practice_bad_npi_and_empty_name_save_nothing(
    qtbot: QtBot, dialog: SettingsDialog, clinic: Clinic
) -> None:
    tab = dialog.practice
    before = dump(clinic.services)
    tab.name.setText("")
    tab.npi.setText(BAD_NPI)
    tab.tax_id.setText("12-34")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert tab.form.boxes["name"].reason == "The practice name is required"
    assert "check digit is wrong" in tab.form.boxes["npi"].reason
    assert "EIN" in tab.form.boxes["tax_id"].reason
    assert tab.form.boxes["npi"].marked
    assert dump(clinic.services) == before


def test_practice_saves(qtbot: QtBot, dialog: SettingsDialog, clinic: Clinic) -> None:
    tab = dialog.practice
    tab.name.setText("Lakeside Physical Therapy")
    tab.npi.setText(OTHER_NPI)
    tab.tax_id.setText("12-3456789")
    with qtbot.waitSignal(dialog.settings_changed):
        tab.save()
    practice = clinic.services.records.practice()
    assert practice is not None
    assert (practice.name, practice.npi, practice.tax_id) == (
        "Lakeside Physical Therapy",
        OTHER_NPI,
        "12-3456789",
    )


def test_provider_bad_npi_and_pta_without_supervisor(
    dialog: SettingsDialog, clinic: Clinic
) -> None:
    tab = dialog.providers
    tab.new()
    before = dump(clinic.services)
    tab.name.setText("Pat Kim")
    tab.role.setCurrentIndex(tab.role.findData("PTA"))
    tab.npi.setText(BAD_NPI)
    tab.save()
    assert "check digit is wrong" in tab.form.boxes["npi"].reason
    assert tab.form.boxes["supervising_provider_id"].reason == "A PTA needs a supervising PT"
    assert dump(clinic.services) == before


def test_a_valid_provider_is_added_and_changed(dialog: SettingsDialog, clinic: Clinic) -> None:
    tab = dialog.providers
    tab.new()
    tab.name.setText("Pat Kim")
    tab.role.setCurrentIndex(tab.role.findData("PTA"))
    tab.credentials.setText("PTA")
    tab.npi.setText(OTHER_NPI)
    tab.licence.setText("IL 071-000123")
    tab.supervisor.setCurrentIndex(tab.supervisor.findData(clinic.pt_id))
    tab.save()
    added = clinic.services.records.providers()[-1]
    assert (added.name, added.role, added.npi, added.supervising_provider_id) == (
        "Pat Kim",
        "PTA",
        OTHER_NPI,
        clinic.pt_id,
    )
    assert tab.list.count() == 3 and tab.current_id == added.id
    tab.licence.setText("IL 071-000999")
    tab.save()
    assert clinic.services.records.providers()[-1].licence == "IL 071-000999"


def test_payer_name_required_unique_and_saved(dialog: SettingsDialog, clinic: Clinic) -> None:
    tab = dialog.payers
    tab.new()
    before = dump(clinic.services)
    tab.save()
    assert tab.form.boxes["name"].reason == "The payer's name is required"
    tab.name.setText("medicare part b")
    assert "already a payer" in tab.form.boxes["name"].reason
    tab.save()
    assert dump(clinic.services) == before
    tab.name.setText("Railroad Medicare")
    tab.medicare.setChecked(True)  # takes Medicare's defaults
    assert tab.unit_method.currentData() == "cms" and tab.kx.isChecked()
    tab.save()
    payer = clinic.services.records.payers()[-1]
    assert (payer.name, payer.medicare, payer.unit_method, payer.assistant_modifiers) == (
        "Railroad Medicare",
        True,
        "cms",
        True,
    )


def test_users_and_pins(dialog: SettingsDialog, clinic: Clinic) -> None:
    tab = dialog.users
    tab.new()
    before = dump(clinic.services)
    tab.name.setText("Sam Lee")
    tab.role.setCurrentIndex(tab.role.findData("PTA"))
    tab.pin.setText("12")
    tab.save()
    assert tab.form.boxes["pin"].reason == "A PIN is 4 to 8 digits"
    tab.pin.setText("135790")
    tab.pin_again.setText("135791")
    tab.save()
    assert tab.form.boxes["pin_again"].reason == "The two PINs differ"
    assert dump(clinic.services) == before
    tab.pin_again.setText("135790")
    tab.provider.setCurrentIndex(tab.provider.findData(clinic.pta_id))
    tab.save()
    user = clinic.services.records.users()[-1]
    assert (user.name, user.role, user.provider_id) == ("Sam Lee", "PTA", clinic.pta_id)
    assert clinic.services.records.check_pin(user.id, "135790")
    assert "135790" not in user.pin_hash.split("$")  # a salted hash, never the PIN itself


def test_lock_minutes_setting(dialog: SettingsDialog, clinic: Clinic) -> None:
    dialog.lock.minutes.setValue(12)
    dialog.lock.save()
    assert clinic.services.records.lock_minutes() == 12


def row_of(dialog: SettingsDialog, code: str) -> int:
    table = dialog.fees.table
    return next(n for n in range(table.rowCount()) if table.item(n, 0).text() == code)


def test_fees_bad_cell_is_refused_and_good_cells_saved(
    dialog: SettingsDialog, clinic: Clinic
) -> None:
    tab = dialog.fees
    table = tab.table
    before = dump(clinic.services)
    table.item(row_of(dialog, "97110"), CHARGE).setText("45.00")
    table.item(row_of(dialog, "97140"), CHARGE).setText("abc")
    assert "97140 charge: 'abc' is not an amount" in tab.form.boxes["fees"].reason
    tab.save()
    assert dump(clinic.services) == before
    table.item(row_of(dialog, "97140"), CHARGE).setText("50")
    table.item(row_of(dialog, "97110"), ALLOWED).setText("31.10")
    tab.save()
    assert clinic.services.records.charges() == {
        "97110": Decimal("45.00"),
        "97140": Decimal("50.00"),
    }
    assert table.item(row_of(dialog, "97110"), ALLOWED).text() == "31.10"
    fee = clinic.services.book.year(2026).fee("97110")
    assert fee is not None and fee.amount == Decimal("31.10")


def test_fees_csv_import(dialog: SettingsDialog, clinic: Clinic, tmp_path: Path) -> None:
    good = tmp_path / "charges.csv"
    good.write_text("code,amount\n97110,48.00\n97112,\n")
    assert dialog.fees.import_csv(good, charges=True)
    assert clinic.services.records.charges() == {"97110": Decimal("48.00")}
    assert "Imported 1 amount from" in dialog.fees.note.text()
    assert dialog.fees.table.item(row_of(dialog, "97110"), CHARGE).text() == "48.00"
    bad = tmp_path / "bad.csv"
    bad.write_text("code,amount\n97110,12.345\n")
    before = dump(clinic.services)
    assert not dialog.fees.import_csv(bad, charges=False)
    assert "Nothing was imported" in dialog.fees.form.general.text()
    assert dump(clinic.services) == before


def test_favourite_codes(dialog: SettingsDialog, clinic: Clinic) -> None:
    tab = dialog.favourites
    assert tab.ticked() == ["97110", "97140", "97112"]
    tab.list.setCurrentRow(2)
    tab.move_selected(-2)
    tab.list.item(1).setCheckState(Qt.CheckState.Unchecked)
    tab.save()
    assert clinic.services.records.favourite_codes() == ["97112", "97140"]


def test_a_new_practice_from_an_empty_database(qtbot: QtBot, tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from chargeclock.clock import FakeClock
    from chargeclock.services.session import Services

    services = Services.open(
        tmp_path / "empty.sqlite3", FakeClock(datetime(2026, 3, 2, tzinfo=UTC))
    )
    try:
        dialog = SettingsDialog(services)
        qtbot.addWidget(dialog)
        dialog.practice.name.setText("New Clinic")
        dialog.practice.save()
        dialog.providers.name.setText("Dana Reyes")
        dialog.providers.npi.setText(NPI)
        dialog.providers.save()
        dialog.payers.name.setText("Medicare")
        dialog.payers.medicare.setChecked(True)
        dialog.payers.save()
        dialog.users.name.setText("Dana Reyes")
        dialog.users.pin.setText("2468")
        dialog.users.pin_again.setText("2468")
        dialog.users.save()
        records = services.records
        assert records.practice() is not None
        assert [p.name for p in records.providers()] == ["Dana Reyes"]
        assert [p.name for p in records.payers()] == ["Medicare"]
        assert records.check_pin(records.users()[0].id, "2468")
    finally:
        services.close()


def test_payer_kind_sets_its_defaults_and_each_stays_editable(
    dialog: SettingsDialog, clinic: Clinic
) -> None:
    tab = dialog.payers
    tab.new()
    tab.name.setText("Cash patients")
    tab.kind.setCurrentIndex(tab.kind.findData("self_pay"))
    tab.kind.activated.emit(tab.kind.currentIndex())
    assert not tab.therapy.isChecked() and not tab.kx.isChecked()
    assert tab.unit_method.currentData() == "per_code" and tab.telehealth.currentData() == ""
    tab.kind.setCurrentIndex(tab.kind.findData("commercial"))
    tab.kind.activated.emit(tab.kind.currentIndex())
    assert tab.therapy.isChecked() and tab.telehealth.currentData() == "95"
    tab.habilitative.setChecked(True)  # this plan wants 96/97
    tab.telehealth.setCurrentIndex(tab.telehealth.findData("GT"))
    tab.save()
    payer = clinic.services.records.payers()[-1]
    assert (payer.kind, payer.habilitative_modifiers, payer.telehealth_modifier) == (
        "commercial",
        True,
        "GT",
    )
    assert tab.list.item(tab.list.count() - 1).text() == "Cash patients · Commercial"
    tab.kind.setCurrentIndex(tab.kind.findData("workers_comp"))
    tab.save()
    assert clinic.services.records.payers()[-1].kind == "workers_comp"
    assert clinic.services.records.payers()[-1].habilitative_modifiers  # kept as edited


def test_the_practice_says_whether_it_accepts_medicare_assignment(
    qtbot: QtBot, dialog: SettingsDialog, clinic: Clinic
) -> None:
    tab = dialog.practice
    assert not tab.assignment.isChecked() and not clinic.services.records.accepts_assignment()
    tab.assignment.setChecked(True)
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert clinic.services.records.accepts_assignment()
    again = SettingsDialog(clinic.services)
    qtbot.addWidget(again)
    assert again.practice.assignment.isChecked()  # read back


@pytest.mark.parametrize("large", [False, True])
def test_each_tab_s_boxes_and_buttons_read_whole_in_either_type_size(
    qtbot: QtBot, clinic: Clinic, large: bool
) -> None:
    """At its size on a 1366 × 768 screen, each tab's check boxes and buttons show their text
    whole, under large type too (the practice's form, 760 px at most whatever the type, cut
    "Accepts Medicare assignment (said on Medicare superbills)")."""
    window = QWidget()
    qtbot.addWidget(window)
    window.setStyleSheet(
        theme.stylesheet(theme.LARGE_POINT_SIZE if large else theme.BASE_POINT_SIZE)
    )
    dialog = SettingsDialog(clinic.services, window)  # closed with it
    dialog.resize(1180, 700)
    dialog.show()
    qtbot.waitExposed(dialog)
    for index in range(dialog.tabs.count()):
        dialog.tabs.setCurrentIndex(index)
        qtbot.wait(1)
        page = dialog.tabs.widget(index)
        for widget in page.findChildren(QCheckBox) + page.findChildren(QPushButton):
            if widget.isVisible():
                assert widget.width() >= widget.sizeHint().width(), (
                    dialog.tabs.tabText(index),
                    widget.text(),
                )

"""A change made in one view arrives as ONE ``store_changed`` and every other view shows it:
finalizing on the visit screen updates the Today list and an open history; reopening or paying
in the history updates the Today list and the visit screen."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from chargeclock.services.changes import Changes
from chargeclock.ui.main_window import MainWindow
from chargeclock.ui.records_ui import RecordsUi
from tests.ui.records_fixtures import Clinic, clinic, icd10_loaded
from tests.ui.test_lock import ui, window

__all__ = ["clinic", "icd10_loaded", "ui", "window"]

pytestmark = pytest.mark.gui


def _today(window: MainWindow) -> list[str]:
    """The Today list's statuses."""
    model = window.today_model
    return [model.entry(i).text.split(" · ")[-1] for i in range(model.rowCount())]


def _timed_visit(window: MainWindow, clinic: Clinic) -> int:
    clinic.services.records.save_fees(2026, charges={"97110": "80.00"})  # finalize needs one
    window.start_visit(clinic.patient_id)
    assert window.state is not None
    window.visits.toggle_timer("97110", "PT")
    clinic.clock.advance(minutes=23)
    window.visits.toggle_timer("97110", "PT")
    return window.state.visit_id


def test_finalizing_reaches_the_today_list_and_an_open_history(
    qtbot: QtBot, window: MainWindow, ui: RecordsUi, clinic: Clinic
) -> None:
    visit = _timed_visit(window, clinic)
    assert _today(window) == ["open"]
    history = ui.history()
    assert history is not None
    assert history.visit_model.text(0, 2) == "open"
    seen: list[Changes] = []
    window.runner.store_changed.connect(seen.append)
    window.finalize()
    assert len(seen) == 1 and seen[0].visit(visit)
    assert _today(window) == ["finalized ✓"]
    assert history.visit_model.text(0, 2) == "finalized"
    assert window.state is not None and window.state.status == "finalized"
    assert window.lines.rowCount() == 1


def test_reopening_and_paying_in_the_history_reach_the_visit_screen(
    qtbot: QtBot, window: MainWindow, ui: RecordsUi, clinic: Clinic
) -> None:
    visit = _timed_visit(window, clinic)
    window.finalize()
    history = ui.history()
    assert history is not None
    seen: list[Changes] = []
    window.runner.store_changed.connect(seen.append)
    history.reason.setText("the wrong code was timed")
    history.reopen()
    assert len(seen) == 1 and seen[0].visit(visit)
    assert _today(window) == ["open"]
    assert window.state is not None and window.state.status == "open"
    assert window.finalize_button.isEnabled()
    history.amount.setText("15.00")
    history.record_payment()
    assert len(seen) == 2 and seen[1] == Changes(payments=True)
    assert len(clinic.services.records.payments(clinic.patient_id)) == 1


def test_settings_tabs_follow_the_one_signal_and_keep_what_is_typed(
    qtbot: QtBot, window: MainWindow, ui: RecordsUi, clinic: Clinic
) -> None:
    dialog = ui.settings()
    providers, users, payers = dialog.providers, dialog.users, dialog.payers
    users.list.setCurrentRow(0)
    shown_user = users.current_id
    providers.new()
    providers.name.setText("Pat Kim")
    providers.role.setCurrentIndex(providers.role.findData("PTA"))
    providers.credentials.setText("PTA")
    providers.supervisor.setCurrentIndex(providers.supervisor.findData(clinic.pt_id))
    providers.save()
    added = clinic.services.records.providers()[-1]
    assert added.name == "Pat Kim"
    # the Users tab, untouched, offers the new provider for the user it shows
    assert users.current_id == shown_user and users.provider.findData(added.id) >= 0
    # what is being typed survives a change made elsewhere
    users.name.setText("Typed, not saved")
    before = payers.list.count()
    clinic.services.records.add_payer("Outside Health", medicare=False)
    window.runner.publish()  # a payer added outside the dialog (another window or workstation)
    assert payers.list.count() == before + 1
    assert users.name.text() == "Typed, not saved"

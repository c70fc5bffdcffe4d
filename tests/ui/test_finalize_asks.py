"""Finalize asks through the window: one dialog lists what is unresolved (a code pair's CO-236,
lines without a charge, ...), each settled by its action or overridden with a reason (audited);
a line is never frozen without a charge. And the service refuses the same without it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox
from pytestqt.qtbot import QtBot

from chargeclock.clock import FakeClock
from chargeclock.domain.errors import InputError
from chargeclock.services.finalize_asks import Unresolved
from chargeclock.ui.finalize_dialog import FinalizeAsks
from chargeclock.ui.main_window import MainWindow
from chargeclock.ui.rows_model import CodeRowsModel
from tests.services.conftest import dump
from tests.ui.test_claim_modifiers_window import two_codes
from tests.ui.test_visit_screen import click_cell as click
from tests.ui.test_visit_screen import (
    clock,
    db_path,
    services,
    start_visit_by_clicks,
    window,
)

__all__ = ["clock", "db_path", "services", "window"]

pytestmark = pytest.mark.gui


def _answer(
    monkeypatch: pytest.MonkeyPatch, qtbot: QtBot, how: Callable[[FinalizeAsks], bool]
) -> list[FinalizeAsks]:
    """The dialog answered by ``how`` (True: Finalize pressed) in place of a person."""
    seen: list[FinalizeAsks] = []

    def run(dialog: FinalizeAsks) -> int:
        seen.append(dialog)
        if not how(dialog):
            return QDialog.DialogCode.Rejected.value
        assert dialog.finalize_button.isEnabled()
        qtbot.mouseClick(dialog.finalize_button, Qt.MouseButton.LeftButton)
        return dialog.result()

    monkeypatch.setattr(FinalizeAsks, "exec", run)
    return seen


def test_the_pair_is_settled_and_the_charges_entered_in_the_dialog(
    window: MainWindow, qtbot: QtBot, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    two_codes(qtbot, window, clock)

    def settle(dialog: FinalizeAsks) -> bool:
        keys = [i.key for i in dialog.items]
        assert keys == ["ncci:97140 97530", "charge:97530"]  # 97140's charge is on the list
        assert dialog.items[0].carc == "CO-236"
        assert not dialog.finalize_button.isEnabled()
        qtbot.mouseClick(dialog.item_actions["ncci:97140 97530"][0], Qt.MouseButton.LeftButton)
        assert [i.key for i in dialog.items] == ["charge:97530"]
        assert not dialog.finalize_button.isEnabled()  # 97530 still has none
        dialog.charges["97530"].setText("abc")
        assert not dialog.finalize_button.isEnabled()
        dialog.charges["97530"].setText("95")
        return True

    seen = _answer(monkeypatch, qtbot, settle)
    window.finalize()
    assert seen and window.state is not None and window.state.status == "finalized"
    lines = window.services.visits.claim_lines(window.visit_id)
    assert [(x.code, x.modifiers, str(x.charge)) for x in lines] == [
        ("97140", ("GP",), "85.00"),
        ("97530", ("59", "GP"), "95.00"),
    ]


def test_a_charge_entered_in_the_dialog_is_saved_with_the_finalize_or_not_at_all(
    window: MainWindow, qtbot: QtBot, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The dialog's charge goes into the fee list in the finalize's own transaction: a finalize
    refused after the dialog (here another workstation started a timer on the visit
    meanwhile) leaves the fee list as it was."""
    two_codes(qtbot, window, clock)
    services = window.services
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: shown.append(text))
    before: list[object] = []

    def settle_then_a_timer_starts_elsewhere(dialog: FinalizeAsks) -> bool:
        qtbot.mouseClick(dialog.item_actions["ncci:97140 97530"][0], Qt.MouseButton.LeftButton)
        dialog.charges["97530"].setText("95")
        services.visits.toggle_timer(window.visit_id, "97140", "PT")
        before.append(dump(services))
        return True

    _answer(monkeypatch, qtbot, settle_then_a_timer_starts_elsewhere)
    window.finalize()
    assert any("stop the running timers first" in text for text in shown), shown
    assert dump(services) == before[0]  # no fee saved, nothing frozen
    assert "97530" not in services.records.charges()
    assert window.state is not None and window.state.status == "open"


def test_an_override_needs_a_reason_and_is_audited(
    window: MainWindow, qtbot: QtBot, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.services.records.save_fees(2026, charges={"97140": "85", "97530": "95"})
    two_codes(qtbot, window, clock)

    def override(dialog: FinalizeAsks) -> bool:
        assert [i.key for i in dialog.items] == ["ncci:97140 97530"]
        reason = dialog.reasons["ncci:97140 97530"]
        reason.setText("   ")
        assert not dialog.finalize_button.isEnabled()
        reason.setText("one service only: biller to split")
        return True

    _answer(monkeypatch, qtbot, override)
    window.finalize()
    [entry] = [e for e in window.services.audit_entries() if e.action == "visit_finalized"]
    assert entry.details["overrides"] == {"ncci:97140 97530": "one service only: biller to split"}


def test_cancel_leaves_the_visit_open(
    window: MainWindow, qtbot: QtBot, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    start_visit_by_clicks(qtbot, window)
    window.add_code.setText("97530")  # a code without a clinic charge
    qtbot.keyClick(window.add_code, Qt.Key.Key_Return)
    click(qtbot, window, "97530", CodeRowsModel.PT)
    clock.advance(minutes=15)
    click(qtbot, window, "97530", CodeRowsModel.PT)
    before = dump(window.services)
    seen = _answer(monkeypatch, qtbot, lambda dialog: False)
    window.finalize()
    assert [i.key for i in seen[0].items] == ["charge:97530"]
    assert window.state is not None and window.state.status == "open"
    assert dump(window.services) == before


def test_the_service_never_freezes_a_line_without_a_charge(
    window: MainWindow, qtbot: QtBot, clock: FakeClock
) -> None:
    two_codes(qtbot, window, clock)
    visits = window.services.visits
    before = dump(window.services)
    with pytest.raises(InputError, match=r"^charge: 97530 has no clinic charge"):
        visits.finalize(window.visit_id, {"ncci:97140 97530": "reason"})
    window.services.records.save_fees(2026, charges={"97530": "95"})
    after_fees = dump(window.services)
    with pytest.raises(InputError, match=r"^finalize: 97140 with 97530.*give a reason"):
        visits.finalize(window.visit_id, {})
    assert dump(window.services) == after_fees != before
    done = visits.finalize(window.visit_id, {"ncci:97140 97530": "reason"})
    assert len(done.claim_lines) == 2


def test_five_modifiers_block_finalize_whatever_the_reasons(
    window: MainWindow, qtbot: QtBot, clock: FakeClock
) -> None:
    start_visit_by_clicks(qtbot, window)
    items = [
        Unresolved("modifier_count:97530", "modifier_count", ("97530",), "5 modifiers", "CO-4"),
        Unresolved("review:97110", "review", ("97110",), "sources disagree"),
    ]
    dialog = FinalizeAsks(window.visits, items)
    qtbot.addWidget(dialog)
    dialog.reasons["review:97110"].setText("checked with the biller")
    assert "modifier_count:97530" not in dialog.reasons
    assert not dialog.finalize_button.isEnabled()


@pytest.mark.parametrize("large", [False, True])
def test_every_control_of_the_dialog_is_at_least_40_px(
    window: MainWindow,
    qtbot: QtBot,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
    large: bool,
) -> None:
    from tests.ui.test_fits_and_reads import _small_targets

    window.display.apply(large)
    two_codes(qtbot, window, clock)

    def look(dialog: FinalizeAsks) -> bool:
        dialog.show()
        qtbot.waitExposed(dialog)
        assert dialog.item_actions and dialog.charges
        assert _small_targets(dialog) == []
        dialog.close()
        return False

    seen = _answer(monkeypatch, qtbot, look)
    window.finalize()
    assert seen

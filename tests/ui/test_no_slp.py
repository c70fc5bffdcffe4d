"""Speech-language pathology is not offered (claims.md §7): its codes, 97129/97130 and the rule
that an assistant's speech services are never billed as the pathologist's are not in place, so
no visit can be opened for it, from the window or the services."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QComboBox
from pytestqt.qtbot import QtBot

from chargeclock.domain.errors import InputError
from chargeclock.ui.main_window import MainWindow
from tests.ui.test_visit_screen import (
    clock,
    db_path,
    services,
    start_visit_by_clicks,
    window,
)

__all__ = ["clock", "db_path", "services", "window"]

pytestmark = pytest.mark.gui


def test_no_speech_visit_is_offered(qtbot: QtBot, window: MainWindow) -> None:
    start_visit_by_clicks(qtbot, window)
    assert window.state is not None and window.state.discipline == "PT"
    offered = [
        combo.itemText(i) for combo in window.findChildren(QComboBox) for i in range(combo.count())
    ]
    shown = [w.text() for w in QApplication.allWidgets() if hasattr(w, "text") and w.isVisible()]
    for text in offered + [t for t in shown if isinstance(t, str)]:
        assert "SLP" not in text and "speech" not in text.lower(), text
    services = window.services
    patient = window.state.patient_id
    with pytest.raises(InputError, match=r"^discipline: SLP is not offered: speech-language"):
        services.visits.open_visit(patient, discipline="SLP")
    with pytest.raises(InputError, match=r"^discipline: must be PT or OT, got 'PTA'"):
        services.visits.open_visit(patient, discipline="PTA")
    assert [v.discipline for v in services.visits.visits_of_patient(patient)] == ["PT"]

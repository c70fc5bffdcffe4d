"""A long patient name in the visit's heading, from a 1024×600 panel up, normal and large
type: the window still fits the screen, every word of the name shows whole (it was cut to
"Hernánde" beside the place-of-service drop-down), and the drop-down stays whole and a
finger's size."""

from __future__ import annotations

import re
from datetime import date

import pytest
from pytestqt.qtbot import QtBot

from chargeclock.ui import theme
from chargeclock.ui.main_window import MainWindow
from tests.ui.records_fixtures import Clinic, clinic, icd10_loaded
from tests.ui.test_lock import window

__all__ = ["clinic", "icd10_loaded", "window"]

pytestmark = pytest.mark.gui

NAMES = [
    ("Maria Guadalupe", "Hernández-Villaseñor"),
    ("Bartholomew", "Featherstonehaugh-Worthington"),
    ("Ann", "Li"),
]


@pytest.mark.parametrize("large", [False, True])
@pytest.mark.parametrize(("width", "height"), [(1024, 600), (1366, 768)])
@pytest.mark.parametrize(("first", "last"), NAMES)
def test_a_long_name_shows_whole_beside_or_above_the_place_of_service(
    qtbot: QtBot,
    window: MainWindow,
    clinic: Clinic,
    first: str,
    last: str,
    width: int,
    height: int,
    large: bool,
) -> None:
    patient, _ = clinic.services.records.add_patient(
        last, first, date(1950, 2, 3), payer_id=clinic.payer_id
    )
    window.display.apply(large)
    window.start_visit(patient.id)
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() == width)  # the window is no wider than the screen
    qtbot.wait(50)
    assert window.minimumSizeHint().width() <= 1024
    title, place = window.visits.visit_title, window.visits.place_picker
    metrics = title.fontMetrics()
    words = [w for w in re.split(r"\s+|(?<=-)", title.text()) if w]
    assert title.text() == f"{first} {last}"
    widest = max(metrics.horizontalAdvance(w) for w in words)
    assert widest <= title.contentsRect().width(), (widest, title.contentsRect().width())
    # no line cut off below (once the heading's new arrangement is laid out)
    qtbot.waitUntil(lambda: title.height() >= title.heightForWidth(title.width()))
    assert place.isVisible() and place.height() >= theme.TOUCH
    assert place.fontMetrics().horizontalAdvance(place.shown_text()) + 48 <= place.width()
    right = window.visits.contentsRect().right()
    for widget in (title, place):  # inside the centre, not under the calculator
        assert widget.mapTo(window.visits, widget.rect().topRight()).x() <= right
    below = place.mapTo(window.visits, place.rect().topLeft()).y() >= title.geometry().bottom()
    lines = round(title.height() / metrics.lineSpacing())
    if (first, last) == ("Ann", "Li") or (width, large) == (1366, False):
        assert not below, "a short name, or room: the drop-down beside it"
    assert lines <= (3 if below else 2), lines  # beside it on more lines: below it
    table = window.table  # a timer row and a half in view at least (the rest scroll)
    assert table.viewport().height() >= 1.5 * table.verticalHeader().defaultSectionSize()

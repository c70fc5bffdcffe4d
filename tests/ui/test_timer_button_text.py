"""The PT and PTA timer buttons show their whole text at the type size of the setting, from a
1024×600 touch panel up, normal and large type: in large type at 1024×600 the text shrank
to fit a narrow column, and read small from across the room."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFont, QFontMetricsF, QPainter
from pytestqt.qtbot import QtBot

from chargeclock.ui import theme
from chargeclock.ui.main_window import MainWindow
from chargeclock.ui.rows_model import CodeRowsModel
from tests.ui.records_fixtures import Clinic, clinic, icd10_loaded
from tests.ui.test_lock import window

__all__ = ["clinic", "icd10_loaded", "window"]

pytestmark = pytest.mark.gui


def _painted_texts(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> list[tuple[QFont, QRectF, str]]:
    """What the table's cells draw as text into a rectangle (the font, the rectangle, the
    text), each row scrolled into view in turn."""
    drawn: list[tuple[QFont, QRectF, str]] = []
    draw = QPainter.drawText

    def recorded(painter: QPainter, *args: Any) -> Any:
        if len(args) == 3 and isinstance(args[0], QRectF) and isinstance(args[2], str):
            drawn.append((QFont(painter.font()), QRectF(args[0]), args[2]))
        return draw(painter, *args)

    with monkeypatch.context() as patch:
        patch.setattr(QPainter, "drawText", recorded)
        for row in range(window.rows.rowCount()):
            window.table.scrollTo(window.rows.index(row, 0))
            window.table.viewport().grab()
    return drawn


@pytest.mark.parametrize("large", [False, True])
@pytest.mark.parametrize(("width", "height"), [(1024, 600), (1366, 768), (1920, 1080)])
def test_the_timer_buttons_show_their_whole_text_at_the_type_size(
    qtbot: QtBot,
    window: MainWindow,
    clinic: Clinic,
    monkeypatch: pytest.MonkeyPatch,
    width: int,
    height: int,
    large: bool,
) -> None:
    clinic.services.records.set_favourite_codes(["97110", "97112", "G0283"])
    window.display.apply(large)
    window.start_visit(clinic.patient_id)
    untimed = window.rows.index(window.rows.row_of("G0283"), CodeRowsModel.PTA)
    window.rows.setData(untimed, 120)  # the longest minutes' text: "PTA  120 min"
    window.visits.toggle_timer("97110", "PT")
    clinic.clock.advance(minutes=33, seconds=26)
    window.visits.toggle_timer("97112", "PTA")
    clinic.clock.advance(hours=1, minutes=2, seconds=3)  # the longest clock: h:mm:ss
    window.tick()
    window.resize(width, height)
    qtbot.waitUntil(lambda: window.width() == width)
    qtbot.wait(50)
    assert window.table.verticalHeader().defaultSectionSize() >= theme.TOUCH
    cells = {
        str(window.rows.index(row, column).data())
        for row in range(window.rows.rowCount())
        for column in (CodeRowsModel.PT, CodeRowsModel.PTA)
    }
    assert any(t.count(":") == 2 for t in cells), cells  # an hour past
    assert "PTA  120 min" in cells
    # Never smaller than the type of the setting (a timer's is a little larger where it fits).
    points = theme.LARGE_POINT_SIZE if large else theme.BASE_POINT_SIZE
    drawn = [d for d in _painted_texts(window, monkeypatch) if d[2].replace("\n", "  ") in cells]
    assert {d[2].replace("\n", "  ") for d in drawn} == cells
    for font, rect, text in drawn:
        assert font.pointSizeF() >= points, text
        metrics = QFontMetricsF(font)
        lines = text.split("\n")
        for line in lines:
            assert metrics.horizontalAdvance(line) <= rect.width(), (line, rect.width())
        assert metrics.lineSpacing() * len(lines) <= rect.height(), (text, rect.height())


@pytest.mark.parametrize("width", [90.0, 200.0])
def test_a_clocks_next_second_is_fitted_as_measuring_would(qtbot: QtBot, width: float) -> None:
    """The fit found for a clock's text is kept for its next seconds (its digits change,
    its shape does not): what is kept is what measuring the new text gives."""
    from chargeclock.ui.timer_delegate import fit_text, fitted_text

    font = QFont()
    font.setBold(True)
    sizes = (font.pointSizeF() * 1.15, font.pointSizeF())
    rect = QRectF(0, 0, width, 40)
    for seconds in range(0, 600, 37):
        text = f"PT ■  {seconds // 60}:{seconds % 60:02d}"
        kept, shown = fitted_text(font, sizes, rect, text)
        measured, form = fit_text(font, sizes, rect, text)
        assert (kept.pointSizeF(), shown) == (measured.pointSizeF(), form)

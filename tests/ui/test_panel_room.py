"""The calculator panel when its text grows: the lines that did not change are not laid out
again (no label squeezed into the old height and stretched back), and a tie switch never makes
the panel wider than what shows of it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QLabel, QScrollArea, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from chargeclock.ui import theme
from chargeclock.ui.calculator_panel import CalculatorPanel, PanelContext
from chargeclock.ui.steady import SteadyBox, SteadyLines, keep_room
from tests.ui.test_panel_steady import _result, shown_at

pytestmark = pytest.mark.gui

WORDS = "the assistant's minutes and the therapist's minutes, with the reason for each unit"


class _Resizes(QObject):
    """Counts the resizes of the labels it watches."""

    def __init__(self, labels: list[QLabel]) -> None:
        super().__init__()
        self.count = 0
        for label in labels:
            label.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Resize:
            self.count += 1
        return False


def _settle(qapp: QApplication) -> None:
    """Every layout request handled (each level of a layout posts the next)."""
    for _ in range(4):
        qapp.processEvents()


def _rich(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setWordWrap(True)
    return label


def test_lines_that_grow_leave_the_other_lines_alone(qtbot: QtBot, qapp: QApplication) -> None:
    """A scrolled body holding a text above lines: three lines more below resize no label of
    the text above, nor the lines that were there."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    body = QWidget()
    layout = QVBoxLayout(body)
    scroll.setWidget(body)
    keep_room(body)
    above = [_rich(body) for _ in range(6)]
    for label in above:
        label.setText(WORDS)
        layout.addWidget(SteadyBox(label, body))
    lines = SteadyLines(_rich, body, pool=2)
    layout.addWidget(lines)
    layout.addStretch(1)
    shown_at(qtbot, scroll, 300, 250)
    lines.set_lines([WORDS, WORDS])
    _settle(qapp)
    unchanged = above + lines.labels()
    resizes = _Resizes(unchanged)

    lines.set_lines([WORDS, WORDS, WORDS, WORDS, WORDS])
    _settle(qapp)
    assert [label.height() > 0 for label in lines.labels()] == [True] * 5
    assert body.height() >= lines.geometry().bottom()  # the body grew to hold them
    assert resizes.count == 0


def test_a_tie_switch_keeps_the_panel_to_its_width(qtbot: QtBot, qapp: QApplication) -> None:
    """A switch's text wider than the panel does not widen what is inside it (the lines would
    wrap past the visible part), and its coming lays out no line above it again."""
    panel = CalculatorPanel()
    panel.setStyleSheet(theme.STYLESHEET)  # the window's, which sizes the headline
    panel = shown_at(qtbot, panel, 300, 400)
    scroll = panel.findChild(QScrollArea)
    assert scroll is not None
    tie = _result(("97110", 20), ("97112", 20), ("97140", 20), ("97530", 20))
    assert tie.alternatives
    panel.show_result(_result(("97110", 20), ("97112", 20), ("97140", 20), ("97530", 23)),
                      PanelContext())  # fmt: skip
    _settle(qapp)
    resizes = _Resizes([panel.headline, panel.next_unit])

    panel.show_result(tie, PanelContext())
    _settle(qapp)
    [switch] = panel.visible_tie_buttons()[:1]
    assert switch.sizeHint().width() > scroll.viewport().width()  # the text is the wider
    assert switch.toolTip() == switch.text()
    assert scroll.widget().width() == scroll.viewport().width()
    assert resizes.count == 0

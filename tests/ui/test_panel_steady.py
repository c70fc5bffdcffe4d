"""The calculator panel as the minutes go by: the tie switches are a fixed pool, shown and hidden,
never made again; a new text that needs no other height does not lay the panel out again."""

from __future__ import annotations

from datetime import date
from typing import TypeVar

import pytest
from PySide6.QtCore import QEvent, QObject, QPoint
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from chargeclock.domain.calculation import ServiceMinutes, VisitInput, VisitResult, calculate
from chargeclock.resources import rule_book
from chargeclock.ui import theme
from chargeclock.ui.calculator_panel import CalculatorPanel, PanelContext, Reminder

pytestmark = pytest.mark.gui

W = TypeVar("W", bound=QWidget)


def _result(*minutes: tuple[str, int]) -> VisitResult:
    services = tuple(ServiceMinutes(code, pt_minutes=m) for code, m in minutes)
    return calculate(VisitInput(date(2026, 3, 2), services=services), rule_book())


def _shared(code: str, pt: int, pta: int) -> VisitResult:
    """One code with the therapist's and the assistant's minutes."""
    services = (ServiceMinutes(code, pt_minutes=pt, pta_minutes=pta),)
    return calculate(VisitInput(date(2026, 3, 2), services=services), rule_book())


class _Layouts(QObject):
    """Counts the moves and resizes of the widgets inside the one it watches."""

    def __init__(self, root: QWidget) -> None:
        super().__init__()
        self.changes = 0
        for widget in root.findChildren(QWidget):
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() in (QEvent.Type.Move, QEvent.Type.Resize):
            self.changes += 1
        return False


def shown_at(qtbot: QtBot, widget: W, width: int, height: int) -> W:
    """``widget`` shown at ``width`` × ``height``, exposed, closed with the test."""
    qtbot.addWidget(widget)
    widget.resize(width, height)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def panel(qtbot: QtBot) -> CalculatorPanel:
    return shown_at(qtbot, CalculatorPanel(), 380, 700)


def test_tie_switches_are_a_pool(panel: CalculatorPanel, qtbot: QtBot) -> None:
    tie = _result(("97110", 20), ("97112", 20))
    assert tie.alternatives, "20 + 20 minutes leave a tie for the third unit"
    assert panel.tie_buttons == []  # none for the empty panel a window starts with
    panel.show_result(tie, PanelContext())  # the first result makes the pool
    buttons = panel.findChildren(QPushButton)
    [switch] = panel.visible_tie_buttons()
    assert switch.text().startswith("Switch to ")
    panel.show_result(_result(("97110", 23)), PanelContext())
    assert panel.visible_tie_buttons() == []
    panel.show_result(tie, PanelContext())
    assert panel.visible_tie_buttons() == [switch]
    assert panel.findChildren(QPushButton) == buttons  # none made, none deleted
    with qtbot.waitSignal(panel.alternative_chosen) as chosen:
        switch.click()
    assert chosen.args == [tie.alternatives[0].tie_choice]


def test_a_minute_that_keeps_the_heights_lays_nothing_out(
    panel: CalculatorPanel, qapp: QApplication
) -> None:
    panel.show_result(_result(("97110", 30), ("97140", 16)), PanelContext())
    qapp.processEvents()
    qapp.processEvents()  # laid out and settled
    body = panel.findChild(QWidget, "PanelBody")
    assert body is not None
    layouts = _Layouts(body)
    below = panel.kx_bar.y()
    panel.show_result(_result(("97110", 31), ("97140", 16)), PanelContext())
    qapp.processEvents()
    assert panel.headline.text() == "3 units · 47 timed min"  # and the minutes per code
    assert layouts.changes == 0  # nothing moved, nothing resized
    assert panel.kx_bar.y() == below
    before, below = panel.units.height(), panel.kx_bar.y()
    panel.show_result(_result(("97110", 31), ("97140", 16), ("97530", 12)), PanelContext())
    qapp.processEvents()  # one pass: the table grows, what is below moves down
    assert panel.units.height() > before and panel.kx_bar.y() > below


def test_the_panel_is_white_behind_its_texts(panel: CalculatorPanel, qapp: QApplication) -> None:
    """The panel's stack is filled white (a plain style sheet background is not drawn for it),
    below its last line too."""
    panel.setStyleSheet(theme.STYLESHEET)
    panel.show_result(_result(("97110", 30)), PanelContext())
    qapp.processEvents()
    body = panel.findChild(QWidget, "PanelBody")
    assert body is not None
    image = panel.grab().toImage()  # (as the window shows it: what is under the stack too)
    for x, y in ((2, 2), (body.width() // 2, body.height() - 3), (body.width() - 3, 40)):
        at = body.mapTo(panel, QPoint(x, y))
        assert image.pixelColor(at).name() == "#ffffff", (x, y)


def _plain(label: QLabel) -> str:
    doc = label.findChild(QTextDocument)
    assert doc is not None
    return doc.toPlainText()


def _column_starts(label: QLabel) -> list[float]:
    """Where the text after each tab starts on the label's first line."""
    doc = label.findChild(QTextDocument)
    assert doc is not None
    block = doc.begin()
    layout, text = block.layout(), block.text()
    line = layout.lineForTextPosition(0)
    return [line.cursorToX(i + 1)[0] for i, ch in enumerate(text) if ch == "\t"]


def test_a_minute_changes_its_codes_line_alone_in_columns(
    panel: CalculatorPanel, qapp: QApplication
) -> None:
    """A line per code: a running code's minute sets that line alone (a table of them was laid
    out whole at each minute), and the codes' minutes and units line up in columns."""
    panel.setStyleSheet(theme.STYLESHEET)
    panel.show_result(_result(("97110", 31), ("97140", 9), ("G0283", 0)), PanelContext())
    qapp.processEvents()
    labels = panel.units.labels()
    assert [_plain(label).split("\t")[0] for label in labels] == ["97110", "97140", "G0283"]
    starts = [_column_starts(label) for label in labels]
    assert len(starts[0]) == 2 and starts.count(starts[0]) == 3, starts
    before = [label.text() for label in labels]
    panel.show_result(_result(("97110", 32), ("97140", 9), ("G0283", 0)), PanelContext())
    qapp.processEvents()
    after = [label.text() for label in labels]
    assert after[0] != before[0] and after[1:] == before[1:]
    assert panel.units.labels() == labels  # the same labels, each on its code
    # Large type: the columns move out with the wider figures, still in line
    small = _column_starts(labels[0])
    panel.setStyleSheet(theme.stylesheet(theme.LARGE_POINT_SIZE))
    qapp.processEvents()
    starts = [_column_starts(label) for label in labels]
    assert starts.count(starts[0]) == 3 and starts[0][0] > small[0], (small, starts)


def test_a_minute_sets_the_step_of_the_cq_decision_it_changed(
    panel: CalculatorPanel, qapp: QApplication
) -> None:
    """The assistant's part: a line for the code, then a line per step of why; the assistant's
    next minute sets the steps it changed, not the code's whole explanation."""
    first = _shared("97110", 20, 13)
    [service] = first.services
    steps = service.assistant_reason.split("; ")
    assert len(steps) >= 3, service.assistant_reason
    panel.show_result(first, PanelContext())
    qapp.processEvents()
    labels = panel.assistant.labels()
    assert len(labels) == 1 + len(steps)
    assert _plain(labels[0]) == f"97110: {service.assistant_units} of {service.units} with CQ"
    assert [_plain(label) for label in labels[1:]] == [s.replace("->", "→") for s in steps]
    before = [label.text() for label in labels]
    panel.show_result(_shared("97110", 20, 14), PanelContext())
    qapp.processEvents()
    assert panel.assistant.labels() == labels  # the same labels, each on its step
    changed = [i for i, label in enumerate(labels) if label.text() != before[i]]
    assert changed and 0 not in changed and len(changed) < len(steps), changed
    assert all("14 min" in _plain(labels[i]) for i in changed)


def test_a_line_that_comes_and_goes_moves_nothing_under_it(
    panel: CalculatorPanel, qapp: QApplication
) -> None:
    """Within a visit the panel's line stacks keep the tallest height they had: a tie's
    warning that comes and goes with the minutes leaves what is under it where it was (nothing
    under it is painted again, nor moves from under a finger); another visit starts afresh."""
    tie = _result(("97110", 20), ("97112", 20))
    assert tie.alternatives
    context = PanelContext(reminders=(Reminder("warn", "Progress report due in 2 visits"),))
    panel.show_result(tie, context)
    qapp.processEvents()
    shown = len(panel.warnings.labels())
    under = panel.claim_actions.y()
    panel.show_result(_result(("97110", 23), ("97112", 20)), context)
    qapp.processEvents()
    assert len(panel.warnings.labels()) < shown  # the tie's line went
    assert panel.claim_actions.y() == under
    panel.release_height()  # (another visit)
    qapp.processEvents()
    assert panel.claim_actions.y() < under

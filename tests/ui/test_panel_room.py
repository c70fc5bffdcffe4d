"""The calculator panel when its text grows: the lines that did not change are not laid out
again (no label squeezed into the old height and stretched back), a new shape lays the panel
out once, and a tie switch never makes the panel wider than what shows of it."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication, QLabel, QScrollArea, QWidget
from pytestqt.qtbot import QtBot

from chargeclock.domain.calculation import calculate
from chargeclock.domain.visit_types import ServiceMinutes, VisitInput, VisitResult
from chargeclock.resources import rule_book
from chargeclock.ui import theme
from chargeclock.ui.calculator_panel import CalculatorPanel, PanelContext, Reminder
from chargeclock.ui.rich_label import RichLabel
from chargeclock.ui.steady import Stack, SteadyLines
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


def test_lines_that_grow_leave_the_other_lines_alone(qtbot: QtBot, qapp: QApplication) -> None:
    """A scrolled stack holding texts above lines: three lines more below resize no label of
    the texts above, nor the lines that were there."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)  # one width
    body = Stack(spacing=4)
    scroll.setWidget(body)
    above = [RichLabel(body) for _ in range(6)]
    for label in above:
        label.setText(WORDS)
        body.add(label)
    lines = SteadyLines(RichLabel, body, pool=2)
    body.add(lines)
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


class _Moves(QObject):
    """Counts the moves and resizes of every widget inside the one it watches."""

    def __init__(self, root: QWidget) -> None:
        super().__init__()
        self.seen: dict[str, int] = {}
        for widget in root.findChildren(QWidget):
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() in (QEvent.Type.Move, QEvent.Type.Resize):
            parent = type(watched.parentWidget()).__name__
            key = f"{type(watched).__name__} in {parent} {id(watched)} {event.type().name}"
            self.seen[key] = self.seen.get(key, 0) + 1
        return False


def test_a_new_shape_lays_the_panel_out_once(qtbot: QtBot, qapp: QApplication) -> None:
    """A minute that brings a tie (a warning line and a switch) and a line per code more moves
    each widget of the panel at most once: the panel is laid out in one pass, not once per
    line that changed (each pass moved every line below, and squeezed the lines it held)."""
    panel = CalculatorPanel()
    panel.setStyleSheet(theme.STYLESHEET)
    panel = shown_at(qtbot, panel, 300, 500)
    before = _result(("97110", 20), ("97112", 20), ("97140", 23))
    tie = _result(("97110", 20), ("97112", 20), ("97140", 20), ("97530", 20))
    assert tie.alternatives
    reminded = PanelContext(reminders=(Reminder("warn", WORDS),))
    # As in a day: each line and switch has been shown once (styled, its heights measured).
    for result, context in ((tie, reminded), (before, PanelContext())):
        panel.show_result(result, context)
        _settle(qapp)
    moves = _Moves(panel)
    panel.show_result(tie, reminded)
    _settle(qapp)
    assert panel.visible_tie_buttons()
    assert moves.seen  # the lines below the new ones did move
    assert max(moves.seen.values()) == 1, {k: v for k, v in moves.seen.items() if v > 1}


def _with_assistant(*minutes: tuple[str, int, int]) -> VisitResult:
    services = tuple(ServiceMinutes(c, pt_minutes=pt, pta_minutes=pta) for c, pt, pta in minutes)
    return calculate(VisitInput(date(2026, 3, 2), services=services), rule_book())


def test_new_lines_and_a_new_switch_move_what_is_below_once(
    qtbot: QtBot, qapp: QApplication
) -> None:
    """A minute that changes the claim's lines and brings a tie (its warning line and its
    switch) lays the panel out once, when all is set: laid out as the switch came, the panel
    moved what was under the lines for the switch, then again for the height the lines' own
    stacks took after it."""
    panel = CalculatorPanel()
    panel.setStyleSheet(theme.STYLESHEET)
    panel = shown_at(qtbot, panel, 300, 900)
    before = _with_assistant(("97110", 5, 0), ("97530", 6, 15))
    after = _with_assistant(("97110", 6, 0), ("97530", 6, 15))
    assert not before.alternatives and after.alternatives
    for result in (after, before):  # as in a day: each line and switch shown once
        panel.show_result(result, PanelContext())
        _settle(qapp)
    moves = _Moves(panel)
    panel.show_result(after, PanelContext())
    _settle(qapp)
    assert panel.visible_tie_buttons()
    assert moves.seen  # what is below the claim's lines did move
    assert max(moves.seen.values()) == 1, {k: v for k, v in moves.seen.items() if v > 1}


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


class _Paints(QObject):
    """Counts the paints of the widget it watches."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__()
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def test_the_kx_bar_is_painted_with_the_panel(qtbot: QtBot, qapp: QApplication) -> None:
    """A new share of the KX threshold is painted when the panel is, once: not at once, as
    QProgressBar.setValue paints, before the new texts are laid out."""
    panel = CalculatorPanel()
    panel.setStyleSheet(theme.STYLESHEET)
    panel = shown_at(qtbot, panel, 300, 900)
    first = _with_assistant(("97110", 8, 0))
    more = _with_assistant(("97110", 38, 0), ("97530", 38, 0), ("97140", 38, 0))
    panel.show_result(first, PanelContext())
    _settle(qapp)
    share = panel.kx_bar.value()
    paints = _Paints(panel.kx_bar)
    panel.show_result(more, PanelContext())
    assert panel.kx_bar.value() > share  # the visit's amount added to the year
    assert paints.count == 0  # nothing painted before the panel's paint
    _settle(qapp)
    assert paints.count == 1

"""A minute's new digits in a panel line keep its measured heights: the same lines, the same
height (interface fonts give every digit one width), so the long rich-text labels are not laid
out again to be measured; any other change is measured."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QLabel, QScrollArea, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from chargeclock.ui import theme
from chargeclock.ui.steady import SteadyBox, _tabular_digits, same_lines
from tests.ui.test_panel_room import _settle
from tests.ui.test_panel_steady import shown_at

LINE = (
    "<b>97110</b>: 1 of 2 with CQ — therapist 20 min → 1 whole unit without the modifier; "
    "assistant 13 min → 0 whole units with it; last unit: assistant leftover 13 min"
)


class _Measured(QLabel):
    """A label that counts how often its height for a width is asked."""

    asked = 0

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        _Measured.asked += 1
        return super().heightForWidth(width)


def test_which_changes_keep_the_lines(qtbot: QtBot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    label.setStyleSheet(theme.STYLESHEET)
    assert _tabular_digits(label)  # the font the tests draw with has tabular figures
    font = label.font().key()
    assert same_lines(("PT 20 min", font), ("PT 21 min", font), label)
    assert same_lines(("PT 20 min", font), ("PT 20 min", font), label)
    assert not same_lines(("PT 9 min", font), ("PT 10 min", font), label)  # one more digit
    assert not same_lines(("PT 20 min", font), ("PT 2O min", font), label)  # a letter
    assert not same_lines(("PT 20 min", font), ("PT 20 min", "other font"), label)
    assert not same_lines(("PT ٢٠ min", font), ("PT ٢١ min", font), label)  # not ASCII digits


def test_a_minute_lays_out_no_line_again(qtbot: QtBot, qapp: QApplication) -> None:
    body = QWidget()
    body.setStyleSheet(theme.STYLESHEET)
    layout = QVBoxLayout(body)
    label = _Measured()
    label.setWordWrap(True)
    label.setText(LINE)
    box = SteadyBox(label, body)
    layout.addWidget(box)
    layout.addStretch(1)
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setWidget(body)
    shown_at(qtbot, scroll, 300, 400)
    _settle(qapp)
    height = box.height()
    _Measured.asked = 0
    label.setText(LINE.replace("20 min", "21 min"))
    _settle(qapp)
    assert _Measured.asked == 0 and box.height() == height
    label.setText(LINE.replace("20 min", "a while"))  # other words: measured again
    _settle(qapp)
    assert _Measured.asked > 0


@pytest.mark.parametrize("large", [False, True])
def test_the_measured_height_is_the_height_after_a_minute(
    qtbot: QtBot, qapp: QApplication, large: bool
) -> None:
    """What the rule keeps is what measuring would give, in normal and large type."""
    label = QLabel()
    qtbot.addWidget(label)
    label.setStyleSheet(
        theme.stylesheet(theme.LARGE_POINT_SIZE if large else theme.BASE_POINT_SIZE)
    )
    label.setWordWrap(True)
    label.ensurePolished()
    for minutes in range(5, 100, 7):
        label.setText(LINE.replace("20 min", f"{minutes:02d} min"))
        heights = {label.heightForWidth(w) for w in (180, 260, 340)}
        label.setText(LINE.replace("20 min", f"{(minutes + 1) % 100:02d} min"))
        assert {label.heightForWidth(w) for w in (180, 260, 340)} == heights

"""A minute's new digits in a panel line keep its measured heights: the same lines, the same
height (interface fonts give every digit one width), so the long rich-text labels are not laid
out again to be measured; any other change is measured."""

from __future__ import annotations

from itertools import count, groupby

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtWidgets import QApplication, QLabel, QScrollArea
from pytestqt.qtbot import QtBot

from chargeclock.ui import theme
from chargeclock.ui.rich_label import RichLabel
from chargeclock.ui.steady import Stack, _tabular_digits, changed_figures, same_lines
from tests.ui.test_panel_room import _settle
from tests.ui.test_panel_steady import shown_at
from tests.ui.test_steady_lines import _CountingLabel

LINE = (
    "<b>97110</b>: 1 of 2 with CQ — therapist 20 min → 1 whole unit without the modifier; "
    "assistant 13 min → 0 whole units with it; last unit: assistant leftover 13 min"
)


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
    body = Stack()
    body.setStyleSheet(theme.STYLESHEET)
    label = _CountingLabel()
    label.setText(LINE)
    body.add(label)
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setWidget(body)
    shown_at(qtbot, scroll, 300, 400)
    _settle(qapp)
    height = label.height()
    narrow = {w: label.heightForWidth(w) for w in (label.width() - 60, label.width())}
    label.setText(LINE.replace("20 min", "21 min"))
    _settle(qapp)
    label.layouts = 0
    # The heights known for the old text hold for the new one: none is measured again.
    assert {w: label.heightForWidth(w) for w in narrow} == narrow
    assert label.layouts == 0 and label.height() == height
    label.setText(LINE.replace("20 min", "a while"))  # other words: measured again
    _settle(qapp)
    label.layouts = 0
    label.heightForWidth(label.width() - 60)
    assert label.layouts > 0


@pytest.mark.parametrize("large", [False, True])
def test_the_measured_height_is_the_height_after_a_minute(
    qtbot: QtBot, qapp: QApplication, large: bool
) -> None:
    """What the rule keeps is what measuring would give, in normal and large type."""
    sheet = theme.stylesheet(theme.LARGE_POINT_SIZE if large else theme.BASE_POINT_SIZE)
    kept, fresh = RichLabel(), RichLabel()  # one keeps its heights, one measures anew
    for label in (kept, fresh):
        qtbot.addWidget(label)
        label.setStyleSheet(sheet)
        label.ensurePolished()
    widths = (180, 260, 340)
    for minutes in range(5, 100, 7):
        text = LINE.replace("20 min", f"{minutes:02d} min")
        kept.setText(text)
        heights = [kept.heightForWidth(w) for w in widths]
        later = LINE.replace("20 min", f"{(minutes + 1) % 100:02d} min")
        kept.setText(later)
        fresh.setText(later)
        assert [kept.heightForWidth(w) for w in widths] == heights
        assert [fresh.heightForWidth(w) for w in widths] == heights
        fresh.setText("")


def _figures_by_hand(old: str, new: str) -> list[tuple[int, int]] | None:
    """changed_figures, a character at a time: the places that differ, grouped where they
    follow one another."""
    if len(old) != len(new):
        return None
    places = [i for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]
    if any(old[i] not in "0123456789" or new[i] not in "0123456789" for i in places):
        return None
    counter = count()
    groups = groupby(places, key=lambda i: i - next(counter))  # a run: place - rank the same
    return [(run[0], run[-1] + 1) for run in (list(g) for _, g in groups)]


@given(
    st.text(alphabet="0123456789 min·→<b>/٢😀", max_size=40),
    st.lists(st.tuples(st.integers(0, 39), st.sampled_from("0123456789a٢😀")), max_size=5),
)
def test_the_changed_figures_are_found_as_by_hand(old: str, changes: list[tuple[int, str]]) -> None:
    new = list(old)
    for position, character in changes:
        if position < len(new):
            new[position] = character
    assert changed_figures(old, "".join(new)) == _figures_by_hand(old, "".join(new))
    assert changed_figures(old, old + "1") is None

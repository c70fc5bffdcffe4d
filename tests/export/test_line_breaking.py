"""Breaking text into lines: a text in the base font, measured a word at a time, breaks exactly
where measuring each whole line again breaks it (the rule for every other text)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from chargeclock.export import text
from chargeclock.export.text import BOLD, REGULAR


def _by_whole_lines(words: str, room: float, size: float, base: str) -> list[str]:
    """The rule measured a whole line at each word (as for text in other scripts)."""
    lines: list[str] = []
    line = ""
    for word in text._words(words):
        if text.width((line + word).rstrip(), size, base) <= room:
            line += word
            continue
        if line:
            lines.append(line.rstrip())
            line = ""
        while text.width(word.rstrip(), size, base) > room:
            head, word = text._cut(word, room, size, base)
            lines.append(head)
        line = word
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines


_LETTERS = st.sampled_from(list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMWiIl.,:;()'0123456789-–é"))
_WORD = st.text(_LETTERS, min_size=1, max_size=14)
_GAP = st.sampled_from([" ", "  ", "\t", " \u00a0", "   "])
_TEXT = st.lists(st.tuples(_WORD, _GAP), max_size=40).map(lambda ws: "".join(w + g for w, g in ws))


@settings(max_examples=400, deadline=None)
@given(
    _TEXT,
    st.one_of(st.floats(min_value=2.0, max_value=600.0), st.sampled_from([20.0, 100.0, 333.5])),
    st.sampled_from([6.0, 7.0, 7.5, 8.0, 9.0, 10.5]),
    st.sampled_from([REGULAR, BOLD]),
    st.booleans(),
)
def test_a_base_font_text_breaks_where_measuring_whole_lines_breaks_it(
    words: str, room: float, size: float, base: str, lead: bool
) -> None:
    words = ("  " + words) if lead else words
    assert text.in_base_font(words)
    assert text.break_lines(words, room, size, base) == _by_whole_lines(words, room, size, base)


def test_a_line_exactly_as_wide_as_the_room_still_fits() -> None:
    for sample in ("Visit 12 · 97110 GP CQ 2 units", "min min min min", "a b"):
        room = text.width(sample, 7.5)
        lines = text.break_lines(sample + " next", room, 7.5)
        assert lines[0] == sample
        assert lines == _by_whole_lines(sample + " next", room, 7.5, REGULAR)
        narrower = text.break_lines(sample, room - 1e-9, 7.5)
        assert narrower != [sample]
        assert narrower == _by_whole_lines(sample, room - 1e-9, 7.5, REGULAR)

"""The calculator panel's texts as the minutes go by: a label keeps its heights until its text
changes; a text of many lines changes only the lines that moved, keeps each line in its label
and makes no widget; a list row whose clock moved repaints alone."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QObject, QRect
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from chargeclock.ui.lists import EntryListModel, ListEntry, RowsListView
from chargeclock.ui.rich_label import RichLabel
from chargeclock.ui.steady import Stack, SteadyLines
from tests.ui.test_panel_steady import shown_at

pytestmark = pytest.mark.gui

WORDS = "the assistant's minutes and the therapist's minutes, with the reason for each unit"


class _CountingLabel(RichLabel):
    """A rich-text label that counts the layouts of its text and the texts set on it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layouts = 0
        self.texts = 0
        self._doc.documentLayout().documentSizeChanged.connect(self._laid_out)

    def _laid_out(self) -> None:
        self.layouts += 1

    def setText(self, text: str) -> None:  # noqa: N802
        if text != self.text():
            self.texts += 1
        super().setText(text)


class _Events(QObject):
    """Counts the events of one type each watched object receives."""

    def __init__(self, kind: QEvent.Type) -> None:
        super().__init__()
        self.kind = kind
        self.seen: dict[int, int] = {}
        self.rects: list[QRect] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == self.kind:
            self.seen[id(watched)] = self.seen.get(id(watched), 0) + 1
            rect = getattr(event, "rect", None)
            if rect is not None:
                self.rects.append(rect())
        return False


@pytest.fixture
def host(qtbot: QtBot) -> Stack:
    return shown_at(qtbot, Stack(), 300, 600)


def test_a_label_is_laid_out_once_per_width_and_text(host: Stack, qapp: QApplication) -> None:
    label = _CountingLabel()
    host.add(label)
    label.setText(WORDS)
    qapp.processEvents()
    label.layouts = 0
    heights = {label.heightForWidth(120) for _ in range(5)} | {label.heightForWidth(240)}
    assert len(heights) == 2  # a narrower label is taller
    measured = label.layouts
    assert measured <= 2  # at most one per width: a layout pass asks again and again
    assert {label.heightForWidth(w) for w in (120, 240, 120, 240)} == heights
    assert label.layouts == measured  # known: not laid out again
    label.setText(WORDS + " " + WORDS)  # a new text: laid out again
    assert label.heightForWidth(120) > min(heights)
    assert label.layouts > measured


def test_a_new_line_changes_that_line_alone(host: Stack, qapp: QApplication) -> None:
    lines = SteadyLines(_CountingLabel, host, pool=4)
    host.add(lines)
    lines.set_lines(["<b>97110</b>: 12 min", WORDS, "<b>97140</b>: 3 min"])
    qapp.processEvents()
    assert lines.text() == f"<b>97110</b>: 12 min<br>{WORDS}<br><b>97140</b>: 3 min"
    labels = lines.labels()
    widgets = host.findChildren(QWidget)
    texts = [label.texts for label in labels]  # type: ignore[attr-defined]

    lines.set_lines(["<b>97110</b>: 13 min", WORDS, "<b>97140</b>: 3 min"])
    qapp.processEvents()
    assert lines.labels() == labels
    assert labels[0].text() == "<b>97110</b>: 13 min"
    assert [label.texts - t for label, t in zip(labels, texts, strict=True)] == [1, 0, 0]  # type: ignore[attr-defined]

    lines.set_lines(["Nothing to flag"])  # fewer lines: hidden, not deleted
    qapp.processEvents()
    assert lines.text() == "Nothing to flag"
    assert len(host.findChildren(QWidget)) == len(widgets)
    # (the new line took the label of the line in its place: no label shown for it)
    assert [label.isHidden() for label in labels] == [False, True, True]
    assert lines.labels() == labels[:1]
    lines.setText(f"a<br>b<br>c<br>d<br>{WORDS}")  # more than ever: one more is made
    qapp.processEvents()
    assert len(host.findChildren(QWidget)) == len(widgets) + 1
    assert all(label.height() > 0 and not label.isHidden() for label in lines.labels())


def test_each_line_keeps_its_label(host: Stack, qapp: QApplication) -> None:
    """A line added above the others moves their labels, and sets no text on them: their
    texts are not laid out again. A line whose figures changed keeps its label."""
    lines = SteadyLines(_CountingLabel, host, pool=4)
    host.add(lines)
    lines.set_lines(["<b>97110</b>: 12 min", WORDS])
    qapp.processEvents()
    first, second = lines.labels()
    texts = (first.texts, second.texts)  # type: ignore[attr-defined]
    top = second.y()

    lines.set_lines(["A tie: switch below", "<b>97110</b>: 13 min", WORDS])
    qapp.processEvents()
    assert lines.labels()[1:] == [first, second]
    assert lines.labels()[0] not in (first, second)
    assert (first.texts, second.texts) == (texts[0] + 1, texts[1])  # type: ignore[attr-defined]
    assert second.y() > top  # moved down, not re-texted
    assert [label.y() for label in lines.labels()] == sorted(label.y() for label in lines.labels())

    lines.set_lines([WORDS])  # the others go: the one left keeps its label
    qapp.processEvents()
    assert lines.labels() == [second]
    assert second.texts == texts[1]  # type: ignore[attr-defined]
    assert second.y() == 0


def test_a_line_reworded_keeps_the_label_of_its_place(host: Stack, qapp: QApplication) -> None:
    """A line whose words changed (not its figures alone: a tie moves a unit and its reason)
    takes the label that showed the line in its place: its text is set, and no label is shown
    or hidden (a label shown for it and the old one hidden, the lines placed again, cost a
    tie's minute twice what the new text did)."""
    lines = SteadyLines(_CountingLabel, host, pool=4)
    host.add(lines)
    lines.set_lines(["<b>97140</b>: 1 of 2 with CQ", "<b>97116</b>: 2 of 2 with CQ — midpoint"])
    qapp.processEvents()
    labels = lines.labels()
    shown_or_hidden = _Events(QEvent.Type.Show), _Events(QEvent.Type.Hide)
    for label in host.findChildren(QWidget):
        for events in shown_or_hidden:
            label.installEventFilter(events)
    lines.set_lines(["<b>97140</b>: 1 of 2 with CQ", "<b>97116</b>: 1 of 2 with CQ — leftover"])
    qapp.processEvents()
    assert lines.labels() == labels
    assert labels[1].text().endswith("leftover")
    assert [events.seen for events in shown_or_hidden] == [{}, {}]


def test_a_row_whose_clock_moved_repaints_alone(qtbot: QtBot, qapp: QApplication) -> None:
    model = EntryListModel()
    view = RowsListView()
    view.setModel(model)
    qtbot.addWidget(view)
    entries = [ListEntry(f"Patient {n} · open", n) for n in range(8)]
    model.set_entries(entries)
    view.resize(260, 400)
    view.show()
    qtbot.waitExposed(view)
    qapp.processEvents()
    paints = _Events(QEvent.Type.Paint)
    view.viewport().installEventFilter(paints)
    entries[2] = ListEntry("Patient 2 · ● PT 12:01", 2)
    model.set_entries(entries)
    qapp.processEvents()
    row = view.visualRect(model.index(2))
    assert paints.rects and all(row.contains(rect) for rect in paints.rects)
    assert view.visualRect(model.index(2)) == row  # nothing moved


def test_a_rich_label_keeps_one_document(host: Stack, qapp: QApplication) -> None:
    """QLabel takes a text with markup for rich text and would keep a laid-out document of
    its own beside the label's (and track the mouse for links): the label is its only one."""
    from PySide6.QtGui import QTextDocument

    label = RichLabel()
    host.add(label)
    label.setText(f"<b>97110</b>: {WORDS}")
    qapp.processEvents()
    assert len(label.findChildren(QTextDocument)) == 1
    assert not label.hasMouseTracking()
    assert label.text() == f"<b>97110</b>: {WORDS}"

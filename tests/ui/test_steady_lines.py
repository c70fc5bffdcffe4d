"""The calculator panel's texts as the minutes go by: a box keeps its label's heights until the
text changes; a text of many lines changes only the lines that moved, and keeps its widgets; a
list row whose clock moved repaints alone."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QObject, QRect
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from chargeclock.ui.lists import EntryListModel, ListEntry, RowsListView
from chargeclock.ui.steady import SteadyBox, SteadyLines
from tests.ui.test_panel_steady import shown_at

pytestmark = pytest.mark.gui

WORDS = "the assistant's minutes and the therapist's minutes, with the reason for each unit"


class _CountingLabel(QLabel):
    """A word-wrapped label that counts the heights asked of it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.asked = 0

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        self.asked += 1
        return super().heightForWidth(width)


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
def host(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    QVBoxLayout(widget)
    return shown_at(qtbot, widget, 300, 600)


def test_a_box_asks_its_label_once_per_width_and_text(host: QWidget, qapp: QApplication) -> None:
    label = _CountingLabel()
    label.setText(WORDS)
    box = SteadyBox(label, host)
    host.layout().addWidget(box)
    qapp.processEvents()
    label.asked = 0
    heights = {box.heightForWidth(120) for _ in range(5)} | {box.heightForWidth(240)}
    assert label.asked == 2  # one per width: a layout pass asks again and again
    assert len(heights) == 2  # a narrower box is taller
    label.setText(WORDS + " " + WORDS)
    qapp.processEvents()  # the new text: asked again
    before = label.asked
    assert box.heightForWidth(120) > min(heights)
    assert label.asked == before + 1


def test_a_new_line_changes_that_line_alone(host: QWidget, qapp: QApplication) -> None:
    lines = SteadyLines(_CountingLabel, host, pool=4)
    host.layout().addWidget(lines)
    lines.set_lines(["<b>97110</b>: 12 min", WORDS, "<b>97140</b>: 3 min"])
    qapp.processEvents()
    assert lines.text() == f"<b>97110</b>: 12 min<br>{WORDS}<br><b>97140</b>: 3 min"
    labels = lines.labels()
    widgets = host.findChildren(QWidget)
    requests = _Events(QEvent.Type.LayoutRequest)
    for label in labels:
        label.parentWidget().installEventFilter(requests)
    asked = [label.asked for label in labels]  # type: ignore[attr-defined]

    lines.set_lines(["<b>97110</b>: 13 min", WORDS, "<b>97140</b>: 3 min"])
    qapp.processEvents()
    assert lines.labels()[0].text() == "<b>97110</b>: 13 min"
    assert list(requests.seen) == [id(labels[0].parentWidget())]
    assert [label.asked - a for label, a in zip(labels, asked, strict=True)][1:] == [0, 0]

    lines.set_lines(["Nothing to flag"])  # fewer lines: emptied, not deleted
    qapp.processEvents()
    assert lines.text() == "Nothing to flag"
    assert lines.labels() == labels[:1]
    assert [label.height() for label in labels[1:]] == [0, 0]
    lines.setText(f"a<br>b<br>c<br>d<br>{WORDS}")  # more than ever: one more is made
    qapp.processEvents()
    assert len(host.findChildren(QWidget)) == len(widgets) + 2  # the box and its label
    assert all(label.height() > 0 for label in lines.labels())


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

"""Putting a mis-tap right from the visit screen: Ctrl+Z takes back the visit's last timer tap
(audited as an undo); Ctrl+T (or Segments…) opens the selected code's timeline of segments,
where a start or stop is moved, a segment split, deleted or added, each with a reason."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction

from chargeclock.ui.qt_ints import set_shortcut

if TYPE_CHECKING:
    from chargeclock.ui.main_window import MainWindow
    from chargeclock.ui.segment_timeline import SegmentTimeline

UNDO_SHORTCUT = "Ctrl+Z"
SEGMENTS_SHORTCUT = "Ctrl+T"


class VisitEdits(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.timeline: SegmentTimeline | None = None
        self.undo_action = self._action("Undo the last timer tap", UNDO_SHORTCUT, self.undo)
        self.segments_action = self._action(
            "Timer segments of the selected code", SEGMENTS_SHORTCUT, self.open_segments
        )
        window.visits.segments_button.clicked.connect(self.open_segments)

    def _action(self, text: str, keys: str, slot: object) -> QAction:
        action = QAction(text, parent=self.window)  # parent by keyword: ui.qt_ints
        set_shortcut(action, keys)  # in this window
        action.triggered.connect(slot)
        self.window.addAction(action)
        return action

    def undo(self) -> None:
        """Take back the open visit's last timer tap (refused, with why, if it was none)."""
        state = self.window.state
        if state is None or state.status != "open":
            return
        visit_id = state.visit_id
        done = self.window.runner.run(
            lambda: self.window.services.visits.undo_last_tap(visit_id),
            self.window,
            "Nothing was undone: ",
        )
        if done is not None:
            self.window.statusBar().showMessage("The last timer tap was undone.", 10_000)

    def open_segments(self) -> SegmentTimeline | None:
        """The timeline of the selected timed code (the first timed one if none is selected)."""
        window = self.window
        if window.state is None:
            return None
        index = window.table.currentIndex()
        rows = [window.rows.row_at(i) for i in range(window.rows.rowCount())]
        picked = rows[index.row()] if index.isValid() else None
        if picked is None or not picked.timed:
            picked = next((r for r in rows if r.timed and r.state is not None), None)
        if picked is None:
            return None
        from chargeclock.ui.segment_timeline import SegmentTimeline

        if self.timeline is not None:
            self.timeline.close()
        self.timeline = SegmentTimeline(
            window.runner, window.clock, window.state.visit_id, picked.code, window
        )
        self.timeline.show()
        return self.timeline

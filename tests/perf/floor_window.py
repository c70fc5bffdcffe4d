"""The startup floor: Python importing PySide6 and painting an empty QMainWindow offscreen.

Like ``chargeclock --smoke-test``: once its first frame is drawn it writes one line to standard
output (the benchmark's probe times its arrival) and exits.
"""

import sys

from PySide6.QtCore import QTimer
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QApplication, QMainWindow


class EmptyWindow(QMainWindow):
    painted = False

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        super().paintEvent(event)
        if not self.painted:
            self.painted = True
            # as the window's own: the line once the frame is drawn (this event is over)
            QTimer.singleShot(0, self.frame_drawn)

    def frame_drawn(self) -> None:
        sys.stdout.write("first paint\n")
        sys.stdout.flush()
        QApplication.quit()


if __name__ == "__main__":
    app = QApplication(sys.argv[:1])
    window = EmptyWindow()
    window.resize(1366, 768)
    window.show()
    sys.exit(app.exec())

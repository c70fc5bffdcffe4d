"""The window follows changes made by other processes (``chargeclock timer`` from a foot
switch or a hotkey): twice a second it asks the store whether anyone else committed (a cheap
``PRAGMA``, through :class:`~chargeclock.services.store_watch.StoreWatch`) and publishes what
changed through the one ``store_changed`` of the window's runner, so every view reads again
what it shows, as after a tap in the window itself."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer

from chargeclock.domain.errors import ChargeClockError
from chargeclock.services.store_watch import StoreWatch
from chargeclock.ui.runner import Runner

#: how often the window looks: a tap from outside shows within a second
POLL_MS = 400


class StoreWatcher(QObject):
    def __init__(self, runner: Runner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.watch = StoreWatch(runner.services.ctx)
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.poll)
        self.timer.start()

    def poll(self) -> None:
        try:
            changes = self.watch.poll()
        except ChargeClockError:  # the store cannot be read now: the next look tries again
            return
        if changes:
            self.runner.publish(changes)

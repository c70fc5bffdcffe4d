"""One way for the screens to change the store: run the service call, show a refusal in one
message box, then tell every view what changed with ONE application-wide ``store_changed``.

A view never refreshes another by hand: each connects to ``store_changed`` and reads again what
the :class:`~chargeclock.services.changes.Changes` says it shows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from chargeclock.domain.errors import ChargeClockError
from chargeclock.services.changes import Changes
from chargeclock.services.session import Services
from chargeclock.ui.qt_ints import QUEUED_CONNECTION

T = TypeVar("T")


class Runner(QObject):
    #: the store changed: what changed (a :class:`Changes`, never empty)
    store_changed = Signal(object)
    #: another workstation on the clinic server committed a change (emitted from the listening
    #: thread; delivered in the window's thread and published as :attr:`store_changed`)
    changed_elsewhere = Signal(object)

    def __init__(self, services: Services, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.services = services

    def run(self, op: Callable[[], T], parent: QWidget | None = None, failed: str = "") -> T | None:
        """Run a service call; a bad input or a refused write is shown with its message (after
        ``failed``, what did not happen), never a traceback. Whatever it changed is published
        either way."""
        result = self.read(op, parent, failed)
        self.publish(Changes.of_result(result))
        return result

    def read(
        self, op: Callable[[], T], parent: QWidget | None = None, failed: str = ""
    ) -> T | None:
        """Run a call that changes nothing, its refusal shown as :meth:`run` shows it."""
        try:
            return op()
        except ChargeClockError as exc:
            self.publish()  # what a refused call changed before it failed (rolled back: none)
            from PySide6.QtWidgets import QMessageBox  # built when a refusal is shown

            QMessageBox.warning(parent, "ChargeClock", f"{failed}{exc}")
            return None

    def publish(self, extra: Changes | None = None) -> Changes:
        """Emit what the calls since the last publish changed (with ``extra``), if anything.
        For calls made through a form (``FormState.submit``) and for changes from outside."""
        changes = self.services.ctx.take_changes() | (extra or Changes())
        if changes:
            self.store_changed.emit(changes)
        return changes

    def listen(self) -> bool:
        """On a clinic server, publish the other workstations' changes as they commit (within
        the moment the server takes to tell us: ``LISTEN``/``NOTIFY``, no polling). False on a
        SQLite file, which has no other workstation."""
        # an int for Qt::QueuedConnection (ui.qt_ints), which Qt takes as well
        self.changed_elsewhere.connect(self.publish, QUEUED_CONNECTION)  # type: ignore[arg-type]
        return self.services.listen(self.changed_elsewhere.emit) is not None

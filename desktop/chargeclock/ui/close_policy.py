"""What happens to running timers when the window closes: ask, then stop them or keep them."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import partial

from PySide6.QtWidgets import QWidget

from chargeclock.services.session import Services
from chargeclock.ui.runner import Runner


def ask_close_choice(parent: QWidget, running: int) -> str:
    """Asked when the window closes with timers running: "stop", "keep" or "cancel"."""
    from PySide6.QtWidgets import QMessageBox  # its type and enums: when asked, not at start

    box = QMessageBox(parent)
    box.setWindowTitle("ChargeClock")
    box.setIcon(QMessageBox.Icon.Question)
    box.setText(f"{running} timer{'s are' if running > 1 else ' is'} still running.")
    box.setInformativeText(
        "Stop them now, or keep them running while ChargeClock is closed? Timers kept "
        "running go on counting and are still running when ChargeClock starts again."
    )
    stop = box.addButton("Stop timers and quit", QMessageBox.ButtonRole.AcceptRole)
    keep = box.addButton("Keep running and quit", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    clicked = box.clickedButton()
    return "stop" if clicked is stop else "keep" if clicked is keep else "cancel"


def may_close(
    services: Services, runner: Runner, parent: QWidget, choose: Callable[[int], str]
) -> bool:
    """Whether the window may close now. With timers running ``choose`` decides: "stop" stops
    every one first (a refused stop keeps the window open), "keep" leaves them running,
    "cancel" keeps the window open."""
    try:
        running = services.recovery.running_timers()
    except Exception as exc:  # the database is already gone: nothing left to ask about
        print(f"chargeclock: closing without the timer check: {exc}", file=sys.stderr)
        running = ()
    if not running:
        return True
    choice = choose(len(running))
    if choice == "cancel":
        return False
    if choice == "stop":
        for visit_id in sorted({t.visit_id for t in running}):
            if runner.run(partial(services.visits.stop_all, visit_id), parent) is None:
                return False
    return True

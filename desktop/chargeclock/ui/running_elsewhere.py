"""Before a timer starts: is the same role's timer running for another patient? One person's
one-on-one time cannot be with two patients at once, so the window asks: stop the other one,
or keep both (two therapists sharing the workstation, say). A therapist's and an assistant's
timers on two patients are the usual day and are not asked about."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import partial

from PySide6.QtWidgets import QWidget

from chargeclock.services.minutes import VisitState
from chargeclock.services.running import RunningClock
from chargeclock.ui.runner import Runner

STOP, KEEP, CANCEL = "stop", "keep", "cancel"


def ask(parent: QWidget, others: Sequence[tuple[str, RunningClock]], now: datetime) -> str:
    """Stop the others, keep both, or cancel the start: :data:`STOP`, :data:`KEEP` or
    :data:`CANCEL`. ``others``: each running timer with its patient's name."""
    from PySide6.QtWidgets import QMessageBox  # its type and enums: when asked

    role = others[0][1].role
    lines = "\n".join(
        f"• {name} (visit #{c.visit_id}): {c.code} {c.role} {c.clock_text(now)}"
        for name, c in others
    )
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("ChargeClock — another patient's timer is running")
    box.setText(f"{role} time is running for another patient:\n{lines}\n\nStop it, or keep both?")
    stop = box.addButton("Stop it", QMessageBox.ButtonRole.AcceptRole)
    keep = box.addButton("Keep both", QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(stop)
    box.exec()
    clicked = box.clickedButton()
    return STOP if clicked is stop else KEEP if clicked is keep else CANCEL


def before_start(parent: QWidget, runner: Runner, state: VisitState, role: str) -> bool:
    """Ask, and stop the others if so chosen, before ``role`` starts on ``state``'s visit;
    False: the start is not to happen (cancelled, or a stop was refused)."""
    services = runner.services
    others = [
        c for c in services.running_clocks() if c.role == role and c.patient_id != state.patient_id
    ]
    if not others:
        return True
    named = []
    for clock in others:
        patient = services.records.patient(clock.patient_id)
        named.append((f"{patient.last_name}, {patient.first_name}", clock))
    answer = ask(parent, named, services.clock.now())
    if answer == CANCEL:
        return False
    if answer == STOP:
        for c in others:
            stopped = runner.run(
                partial(services.visits.stop_timer, c.visit_id, c.role, c.code),
                parent,
                f"The other patient's {c.role} timer was NOT stopped, so this one did not start: ",
            )
            if stopped is None:
                return False
    return True

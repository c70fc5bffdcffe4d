"""One workstation of a race: its own process and connection, racing another for each visit."""

from __future__ import annotations

import os
from datetime import UTC
from typing import Any

from chargeclock.clock import SystemClock
from chargeclock.domain.errors import ChargeClockError, InputError
from chargeclock.services.session import Services
from chargeclock.storage.errors import ConflictError


def race(url: str, workstation: str, kind: str, visits: list[int], barrier: Any, out: Any) -> None:
    """For each visit, wait for the other workstation at the barrier, then both start the PT's
    timer on 97110 (``kind="timer"``) or finalize the visit (``"finalize"``) at once. Puts the
    figures on ``out``: attempts, won (this call made the change), conflicts (told the other got
    there first: the timer already running, the visit no longer open, or refused by the
    database), and any other error."""
    os.environ["CHARGECLOCK_WORKSTATION"] = workstation
    services = Services.open(url, SystemClock(), zone=UTC)
    services.set_actor(workstation)
    figures: dict[str, Any] = {"attempts": 0, "won": 0, "conflicts": 0, "errors": []}
    try:
        for visit in visits:
            barrier.wait(timeout=60)
            figures["attempts"] += 1
            try:
                if kind == "timer":
                    change = services.visits.start_timer(visit, "97110", "PT")
                    figures["won" if change.started is not None else "conflicts"] += 1
                else:
                    services.visits.finalize(visit)
                    figures["won"] += 1
            except (InputError, ConflictError):
                figures["conflicts"] += 1
            except ChargeClockError as exc:
                figures["errors"].append(str(exc))
    finally:
        services.close()
        out.put(figures)

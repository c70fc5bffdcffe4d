"""Timers driven from outside the window: ``chargeclock timer start|stop|toggle|status``, for a
foot switch, a programmable keypad, a desktop hotkey or a script.

The same visit service the window uses does the work, so the running-timer rules hold (one code
per role; the other code of that role stops in the same transaction), every tap is committed
and audited (actor ``timer command``) before the command returns, and the window shows it
within a second (:mod:`chargeclock.services.store_watch`). The command runs beside the window:
it takes no window lock (:func:`chargeclock.storage.database.open_beside`) and never speaks for
the window's heartbeat.

Which visit, when none is named: today's open visit whose timers were tapped last (the one in
the room); with ``--patient``, that patient's open visit of today (the last opened).
"""

from __future__ import annotations

from msgspec import Struct

from chargeclock.domain.errors import InputError
from chargeclock.services.running import RunningClock, running_clocks
from chargeclock.services.session import Services
from chargeclock.services.visits import TimerChange
from chargeclock.storage import visits
from chargeclock.storage.records import VisitRow

#: who the audit log names for a tap from outside the window
ACTOR = "timer command"


class TimerTap(Struct, frozen=True):
    """What one command did: on which visit, what started and what stopped (``"97140 PT"``),
    and the timers still running on other visits (another patient's clock, say)."""

    visit_id: int
    started: tuple[str, ...]
    stopped: tuple[str, ...]
    elsewhere: tuple[RunningClock, ...]


class TimerControl:
    """Start, stop and toggle timers on a visit picked by id, by patient or by the room."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def which_visit(self, visit_id: int | None = None, patient_id: int | None = None) -> int:
        """The visit a command acts on (see the module's documentation)."""
        if visit_id is not None:
            return self.services.visits.visit(visit_id).id
        today = [v for v in self.services.visits.visits_of_day() if v.status == "open"]
        if patient_id is not None:
            theirs = [v for v in today if v.patient_id == patient_id]
            if not theirs:
                raise InputError(
                    "--patient",
                    f"patient {patient_id} has no open visit today: start one in the window, "
                    "or give --visit ID",
                )
            return max(theirs, key=lambda v: (v.opened_at, v.id)).id
        if not today:
            raise InputError(
                "--visit", "no visit is open today: start one in the window, or give --visit ID"
            )
        return self._last_tapped(today)

    def _last_tapped(self, open_today: list[VisitRow]) -> int:
        latest = {v.id: (v.opened_at, v.id) for v in open_today}
        conn = self.services.ctx.db
        for s in visits.segments_of_visits(conn, latest):
            moment = max(s.started_at, s.stopped_at or s.started_at)
            latest[s.visit_id] = max(latest[s.visit_id], (moment, s.visit_id))
        return max(latest.items(), key=lambda item: item[1])[0]

    def start(self, code: str, role: str, **which: int | None) -> TimerTap:
        visit_id = self.which_visit(**which)
        return self._tap(visit_id, self.services.visits.start_timer(visit_id, code, role))

    def stop(self, code: str | None, role: str, **which: int | None) -> TimerTap:
        visit_id = self.which_visit(**which)
        wanted = code.strip().upper() if code else None
        return self._tap(visit_id, self.services.visits.stop_timer(visit_id, role, wanted))

    def toggle(self, code: str, role: str, **which: int | None) -> TimerTap:
        visit_id = self.which_visit(**which)
        return self._tap(visit_id, self.services.visits.toggle_timer(visit_id, code, role))

    def _tap(self, visit_id: int, change: TimerChange) -> TimerTap:
        codes = change.codes
        started = (
            (f"{codes[change.started.segment_id]} {change.started.role}",) if change.started else ()
        )
        stopped = tuple(f"{codes[s.segment_id]} {s.role}" for s in change.stopped)
        elsewhere = tuple(c for c in self.running() if c.visit_id != visit_id)
        return TimerTap(visit_id, started, stopped, elsewhere)

    def running(self) -> list[RunningClock]:
        """Every timer running now, in any visit."""
        return running_clocks(self.services.ctx)

"""Every timer running now, in any visit of any patient: for the Today list, the question
before a second patient's timer starts, the lock screen and ``chargeclock timer status``.

A patient is named here by initials only (the lock screen and a terminal beside the treatment
table show no names).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from msgspec import Struct

from chargeclock.services.context import Context
from chargeclock.storage import patients, visits
from chargeclock.storage.records import SegmentRow

_SECOND = timedelta(seconds=1)


def clock_text(seconds: int) -> str:
    """``mm:ss`` (``h:mm:ss`` past an hour)."""
    minutes, secs = divmod(max(0, seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def initials(first_name: str, last_name: str) -> str:
    return "".join(part.strip()[:1].upper() for part in (first_name, last_name))


class RunningClock(Struct, frozen=True):
    """One running timer: whose visit (by initials), which code and role, since when, and
    in which room."""

    visit_id: int
    patient_id: int
    initials: str
    code: str
    role: str
    earlier: timedelta  # this role's stopped time on this code in the visit
    running_since: datetime
    room: str = ""  # the treatment room it was started in ('' not known)

    def seconds(self, now: datetime) -> int:
        """Whole seconds, the figure the timer's button shows in the window."""
        return (self.earlier + max(timedelta(0), now - self.running_since)) // _SECOND

    def clock_text(self, now: datetime) -> str:
        """As the timer's button shows it."""
        return clock_text(self.seconds(now))

    def where(self) -> str:
        """ "MQ · Room 2" (the room left out when not known): who and where, never a name."""
        return f"{self.initials} · {self.room}" if self.room else self.initials


def running_clocks(ctx: Context) -> list[RunningClock]:
    """Every timer running now, by visit, then role and code."""
    conn = ctx.db
    running = visits.running_segments(conn)
    shown = []
    for visit_id in sorted({s.visit_id for s in running}):
        visit = visits.get_visit(conn, visit_id)
        if visit is None:
            continue
        patient = patients.get_patient(conn, visit.patient_id)
        letters = initials(patient.first_name, patient.last_name) if patient else "?"
        segments = visits.segments_of_visit(conn, visit_id)
        for s in sorted((s for s in running if s.visit_id == visit_id), key=_by_role):
            same = [x for x in segments if (x.code, x.role) == (s.code, s.role)]
            earlier = _stopped(same)
            shown.append(
                RunningClock(
                    visit_id,
                    visit.patient_id,
                    letters,
                    s.code,
                    s.role,
                    earlier,
                    s.started_at,
                    s.room,
                )
            )
    return shown


def _by_role(segment: SegmentRow) -> tuple[str, str]:
    return segment.role, segment.code


def _stopped(segments: list[SegmentRow]) -> timedelta:
    return sum(
        (s.stopped_at - s.started_at for s in segments if s.stopped_at is not None), timedelta(0)
    )

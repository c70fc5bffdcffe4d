"""Heartbeat and crash recovery.

The app calls :meth:`RecoveryService.begin_session` at start (it returns what the previous run
left behind), :meth:`beat` every few seconds, and :meth:`end_session` on a clean exit. After an
unclean exit, timers that were running are listed with the moment the app was last seen alive;
the user keeps each running (time went on in the room), stops it at the last-seen moment, or
stops it at an edited time. Each choice is audited; no minute is lost or invented silently.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import datetime

from msgspec import Struct

from chargeclock.domain.errors import InputError
from chargeclock.services.context import Context
from chargeclock.storage import heartbeat, visits
from chargeclock.storage.records import SegmentRow


class InterruptedTimer(Struct, frozen=True):
    """A timer left running when the app last stopped."""

    segment_id: int
    visit_id: int
    patient_id: int
    code: str
    role: str
    started_at: datetime


class RecoveryReport(Struct, frozen=True):
    """What the previous run left: ``last_seen`` is None on a first run."""

    last_seen: datetime | None
    clean_exit: bool
    timers: tuple[InterruptedTimer, ...]

    @property
    def needs_attention(self) -> bool:
        """Timers were left running: after a crash, or when the app was closed with them
        running. Either way the user decides; no minute is added or dropped silently."""
        return bool(self.timers)


class RecoveryService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._report: RecoveryReport | None = None

    def begin_session(self) -> RecoveryReport:
        """Read what the last run left, then start this run's heartbeat."""
        conn = self.ctx.db.conn
        previous = heartbeat.get(conn)
        report = RecoveryReport(
            last_seen=previous.last_seen_at if previous else None,
            clean_exit=previous.clean_exit if previous else True,
            timers=self._running(),
        )
        with self.ctx.db.transaction():
            heartbeat.start_session(conn, os.getpid(), self.ctx.now())
        self._report = report
        return report

    def report(self) -> RecoveryReport:
        """The report of :meth:`begin_session` with the timers still undecided."""
        base = self._report or RecoveryReport(None, True, ())
        running = {t.segment_id for t in self._running()}
        return RecoveryReport(
            base.last_seen,
            base.clean_exit,
            tuple(t for t in base.timers if t.segment_id in running),
        )

    def running_timers(self) -> tuple[InterruptedTimer, ...]:
        """Every timer running now, in any visit (asked before the app closes)."""
        return self._running()

    def beat(self) -> None:
        with self.ctx.db.transaction():
            heartbeat.beat(self.ctx.db.conn, self.ctx.now())

    def end_session(self) -> None:
        with self.ctx.db.transaction():
            heartbeat.end_session(self.ctx.db.conn, self.ctx.now())

    def _running(self) -> tuple[InterruptedTimer, ...]:
        conn = self.ctx.db.conn
        out = []
        for segment in visits.running_segments(conn):
            visit = visits.get_visit(conn, segment.visit_id)
            assert visit is not None
            out.append(
                InterruptedTimer(
                    segment.id,
                    segment.visit_id,
                    visit.patient_id,
                    segment.code,
                    segment.role,
                    segment.started_at,
                )
            )
        return tuple(out)

    def _segment(self, segment_id: int) -> SegmentRow:
        segment = visits.get_segment(self.ctx.db.conn, segment_id)
        if segment is None:
            raise InputError("segment_id", f"there is no segment {segment_id}")
        if not segment.running:
            raise InputError("segment_id", f"segment {segment_id} is not running")
        return segment

    def keep_running(self, segment_ids: Iterable[int]) -> None:
        """The user says time went on: leave the timers running (audited)."""
        segments = [self._segment(i) for i in segment_ids]
        with self.ctx.db.transaction():
            for s in segments:
                self.ctx.audit(
                    "recovery_kept_running",
                    "timer_segment",
                    s.id,
                    "after an unclean exit the timer was kept running",
                    visit_id=s.visit_id,
                    last_seen=self._last_seen_or_none(),
                )

    def stop_at_last_seen(self, segment_ids: Iterable[int]) -> None:
        """Stop the timers at the moment the app was last seen alive (audited)."""
        last_seen = self._last_seen_or_none()
        if last_seen is None:
            raise InputError("last_seen", "there is no last-seen moment to stop at")
        segments = [self._segment(i) for i in segment_ids]
        with self.ctx.db.transaction():
            for s in segments:
                at = max(last_seen, s.started_at)
                visits.stop_segment(self.ctx.db.conn, s.id, at)
                self.ctx.audit(
                    "recovery_stopped_at_last_seen",
                    "timer_segment",
                    s.id,
                    "after an unclean exit the timer was stopped when the app was last seen",
                    visit_id=s.visit_id,
                    stopped_at=at,
                    covers=[("segment", s.id)],
                )

    def check_stop_at(self, segment_id: int, when: datetime) -> SegmentRow:
        """The timer ``stop_at`` would stop at ``when``, or an :class:`InputError` saying why it
        cannot (nothing is changed either way)."""
        if when.tzinfo is None:
            raise InputError("stopped_at", "must carry a time zone (times are stored in UTC)")
        s = self._segment(segment_id)
        if when <= s.started_at:
            raise InputError("stopped_at", "the stop must come after the start")
        if when > self.ctx.now():
            raise InputError("stopped_at", f"{when.isoformat()} is in the future")
        return s

    def stop_at(self, segment_id: int, when: datetime, reason: str) -> None:
        """Stop a timer at a time the user enters (after its start, not in the future)."""
        if not reason.strip():
            raise InputError("reason", "a reason is required for this change")
        s = self.check_stop_at(segment_id, when)
        with self.ctx.db.transaction():
            visits.stop_segment(self.ctx.db.conn, s.id, when)
            self.ctx.audit(
                "recovery_stopped_at_edited_time",
                "timer_segment",
                s.id,
                reason.strip(),
                visit_id=s.visit_id,
                stopped_at=when,
                covers=[("segment", s.id)],
            )

    def _last_seen_or_none(self) -> datetime | None:
        return self._report.last_seen if self._report else None

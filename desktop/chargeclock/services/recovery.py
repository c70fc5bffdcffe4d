"""Heartbeat and crash recovery.

The app calls :meth:`RecoveryService.begin_session` at start (it returns what the previous run
left behind), :meth:`beat` every few seconds, and :meth:`end_session` on a clean exit — which
includes quitting with timers kept running, and a close asked for by the system (SIGTERM, a
logout). After an unclean exit, timers that were running are listed, each with the moment the
run that had it was last seen alive; the user keeps each running (time went on in the room),
stops it at the last-seen moment, or stops it at an edited time. Each choice is audited; no
minute is lost or invented silently.

A timer's last-seen moment is its crashed run's own last heartbeat, kept until the user decides:
a start that shows the dialog and then dies (or is closed) without an answer offers the same
moment again at the next start, not the dead start's own heartbeat. Timers that were running
after a clean exit were kept running on purpose; they are reported, not put up for a decision.

On a clinic server each workstation's heartbeat is its own (:mod:`chargeclock.storage.heartbeat`),
and a timer on a visit another live workstation shows is that workstation's: it is neither
offered nor reported here.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import datetime

from msgspec import Struct
from msgspec.structs import replace

from chargeclock.domain.errors import InputError
from chargeclock.domain.wording import moment_text
from chargeclock.services.context import Context
from chargeclock.storage import heartbeat, presence, visits
from chargeclock.storage.records import SegmentRow


class InterruptedTimer(Struct, frozen=True):
    """A timer left running when the app last stopped."""

    segment_id: int
    visit_id: int
    patient_id: int
    code: str
    role: str
    started_at: datetime
    #: when the run that had it running was last seen alive (never before ``started_at``)
    last_seen: datetime | None = None


class RecoveryReport(Struct, frozen=True):
    """What the previous run left: ``last_seen`` (its last heartbeat) is None on a first run;
    ``timers`` wait for the user's decision; ``kept`` were running after a clean exit."""

    last_seen: datetime | None
    clean_exit: bool
    timers: tuple[InterruptedTimer, ...]
    kept: tuple[InterruptedTimer, ...] = ()

    @property
    def needs_attention(self) -> bool:
        """Timers were left running by a crash (this one or an earlier one not yet answered):
        the user decides; no minute is added or dropped silently."""
        return bool(self.timers)


class RecoveryService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._report: RecoveryReport | None = None

    def begin_session(self) -> RecoveryReport:
        """Read what the last run left, then start this run's heartbeat; the undecided timers'
        last-seen moments are saved with it, for a start after this one if this one dies."""
        conn = self.ctx.db
        previous = heartbeat.get(conn)
        crashed = previous is not None and not previous.clean_exit
        undecided = heartbeat.pending(conn)
        timers, kept, offered = [], [], {}
        for timer in self._running():
            if presence.open_elsewhere(conn, timer.visit_id):
                continue  # another workstation, alive, shows it: its timer, not a crash's
            seen = undecided.get(timer.segment_id)
            if seen is None and crashed:
                assert previous is not None
                seen = previous.last_seen_at
            if seen is None:
                kept.append(timer)
            else:
                offered[timer.segment_id] = max(seen, timer.started_at)
                timers.append(replace(timer, last_seen=offered[timer.segment_id]))
        report = RecoveryReport(
            last_seen=previous.last_seen_at if previous else None,
            clean_exit=not crashed,
            timers=tuple(timers),
            kept=tuple(kept),
        )
        with self.ctx.db.transaction():
            heartbeat.start_session(conn, os.getpid(), self.ctx.now())
            heartbeat.set_pending(conn, offered)
        self._report = report
        return report

    def report(self) -> RecoveryReport:
        """The report of :meth:`begin_session` with the timers still undecided."""
        base = self._report or RecoveryReport(None, True, ())
        running = {t.segment_id for t in self._running()}
        return replace(base, timers=tuple(t for t in base.timers if t.segment_id in running))

    def running_timers(self) -> tuple[InterruptedTimer, ...]:
        """Every timer running now, in any visit (asked before the app closes)."""
        return self._running()

    def beat(self) -> None:
        with self.ctx.db.transaction():
            heartbeat.beat(self.ctx.db, self.ctx.now())

    def end_session(self) -> None:
        with self.ctx.db.transaction():
            heartbeat.end_session(self.ctx.db, self.ctx.now())

    def _running(self) -> tuple[InterruptedTimer, ...]:
        conn = self.ctx.db
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
        segment = visits.get_segment(self.ctx.db, segment_id)
        if segment is None:
            raise InputError("segment_id", f"there is no segment {segment_id}")
        if not segment.running:
            raise InputError("segment_id", f"segment {segment_id} is not running")
        return segment

    def _last_seen(self, segment_id: int) -> datetime:
        """The last-seen moment this run's report offers for the timer."""
        for timer in self._report.timers if self._report else ():
            if timer.segment_id == segment_id and timer.last_seen is not None:
                return timer.last_seen
        raise InputError("last_seen", f"timer {segment_id} was not left running by a crash")

    def keep_running(self, segment_ids: Iterable[int]) -> None:
        """The user says time went on: leave the timers running (audited)."""
        segments = [self._segment(i) for i in segment_ids]
        with self.ctx.db.transaction():
            heartbeat.settle(self.ctx.db, [s.id for s in segments])
            for s in segments:
                self.ctx.audit(
                    "recovery_kept_running",
                    "timer_segment",
                    s.id,
                    "after an unclean exit the timer was kept running",
                    visit_id=s.visit_id,
                    last_seen=self._last_seen(s.id),
                )

    def stop_at_last_seen(self, segment_ids: Iterable[int]) -> None:
        """Stop each timer at the moment the run that had it was last seen alive (audited)."""
        segments = [self._segment(i) for i in segment_ids]
        stops = [(s, max(self._last_seen(s.id), s.started_at)) for s in segments]
        with self.ctx.db.transaction():
            heartbeat.settle(self.ctx.db, [s.id for s in segments])
            for s, at in stops:
                visits.stop_segment(self.ctx.db, s.id, at)
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
            raise InputError("stopped_at", f"{moment_text(when, self.ctx.zone)} is in the future")
        return s

    def stop_at(self, segment_id: int, when: datetime, reason: str) -> None:
        """Stop a timer at a time the user enters (after its start, not in the future)."""
        if not reason.strip():
            raise InputError("reason", "a reason is required for this change")
        s = self.check_stop_at(segment_id, when)
        with self.ctx.db.transaction():
            heartbeat.settle(self.ctx.db, [s.id])
            visits.stop_segment(self.ctx.db, s.id, when)
            self.ctx.audit(
                "recovery_stopped_at_edited_time",
                "timer_segment",
                s.id,
                reason.strip(),
                visit_id=s.visit_id,
                stopped_at=when,
                covers=[("segment", s.id)],
            )

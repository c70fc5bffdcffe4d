"""The visit service, part 3: a segment's times moved, a segment split, added or deleted, each
with a reason, and the last timer tap undone; all audited."""

from __future__ import annotations

from datetime import datetime

from chargeclock.domain.errors import InputError
from chargeclock.domain.wording import moment_text
from chargeclock.services.minutes import (
    VisitState,
)
from chargeclock.services.validation import catalogue_code
from chargeclock.services.visit_reads import (
    _aware,
    _reason,
    _role,
    _segment_details,
)
from chargeclock.services.visit_timers import VisitTimers
from chargeclock.storage import audit, visits

#: the audit actions of a timer tap (what Ctrl+Z takes back)
TAP_ACTIONS = ("timer_started", "timer_stopped")


class SegmentEdits(VisitTimers):
    """Editing timer segments."""

    # --- segment edits -------------------------------------------------------------------------

    def _check_times(
        self,
        visit_id: int,
        role: str,
        started_at: datetime,
        stopped_at: datetime | None,
        ignore_segment: int | None,
    ) -> None:
        _aware(started_at, "started_at")
        _aware(stopped_at, "stopped_at")
        now = self.ctx.now()
        zone = self.ctx.zone
        if started_at > now:
            raise InputError("started_at", f"{moment_text(started_at, zone)} is in the future")
        if stopped_at is not None:
            if stopped_at > now:
                raise InputError("stopped_at", f"{moment_text(stopped_at, zone)} is in the future")
            if stopped_at <= started_at:
                raise InputError("stopped_at", "the stop must come after the start")
        end = stopped_at or now
        for other in visits.segments_of_visit(self._conn, visit_id):
            if other.id == ignore_segment or other.role != role:
                continue
            other_end = other.stopped_at or now
            if other.started_at < end and started_at < other_end:
                raise InputError(
                    "started_at" if started_at >= other.started_at else "stopped_at",
                    f"overlaps the {role}'s segment {other.id} on {other.code} "
                    f"({moment_text(other.started_at, zone)} to "
                    f"{moment_text(other.stopped_at, zone) if other.stopped_at else 'running'}): "
                    "one person's one-on-one time cannot be on two segments at once",
                )

    def edit_segment(
        self,
        segment_id: int,
        *,
        started_at: datetime,
        stopped_at: datetime | None,
        reason: str,
    ) -> VisitState:
        """Change a segment's start and stop (``None`` keeps a running one running). Needs a
        reason; audited with the times before and after. A bad edit changes nothing."""
        reason = _reason(reason)
        segment = visits.get_segment(self._conn, segment_id)
        if segment is None:
            raise InputError("segment_id", f"there is no segment {segment_id}")
        visit = self._open_visit_row(segment.visit_id)
        if stopped_at is None and not segment.running:
            raise InputError("stopped_at", "a stopped segment needs a stop time")
        self._check_times(visit.id, segment.role, started_at, stopped_at, segment.id)
        with self.ctx.db.transaction():
            visits.set_segment_times(self._conn, segment.id, started_at, stopped_at)
            self.ctx.audit(
                "segment_edited",
                "timer_segment",
                segment.id,
                reason,
                visit_id=visit.id,
                before=_segment_details(segment),
                after={"started_at": started_at, "stopped_at": stopped_at},
                covers=[("segment", segment.id)],
            )
        return self._state(visit)

    def add_segment(
        self,
        visit_id: int,
        code: str,
        role: str,
        *,
        started_at: datetime,
        stopped_at: datetime,
        reason: str,
    ) -> VisitState:
        """Record time that was not timed live (forgot to press start). Audited."""
        reason = _reason(reason)
        _role(role)
        visit = self._open_visit_row(visit_id)
        entry = catalogue_code(self.ctx.book, visit.date_of_service.year, code)
        if not entry.timed:
            raise InputError("code", f"{entry.code} is untimed: tick it and enter its minutes")
        self._check_times(visit_id, role, started_at, stopped_at, None)
        with self.ctx.db.transaction():
            rows = {r.code: r for r in visits.codes_of_visit(self._conn, visit_id)}
            row = rows.get(entry.code) or visits.insert_code(self._conn, visit_id, entry.code)
            segment_id = visits.insert_segment(
                self._conn,
                visit_id=visit_id,
                visit_code_id=row.id,
                role=role,
                started_at=started_at,
                stopped_at=stopped_at,
            )
            self.ctx.audit(
                "segment_added",
                "timer_segment",
                segment_id,
                reason,
                visit_id=visit_id,
                code=entry.code,
                role=role,
                started_at=started_at,
                stopped_at=stopped_at,
                covers=[("segment", segment_id)],
            )
        return self._state(visit)

    def delete_segment(self, segment_id: int, reason: str) -> VisitState:
        reason = _reason(reason)
        segment = visits.get_segment(self._conn, segment_id)
        if segment is None:
            raise InputError("segment_id", f"there is no segment {segment_id}")
        visit = self._open_visit_row(segment.visit_id)
        with self.ctx.db.transaction():
            visits.delete_segment(self._conn, segment_id)
            self.ctx.audit(
                "segment_deleted",
                "timer_segment",
                segment_id,
                reason,
                visit_id=visit.id,
                before=_segment_details(segment),
                covers=[("segment", segment_id)],
            )
        return self._state(visit)

    def split_segment(self, segment_id: int, at: datetime, *, reason: str) -> VisitState:
        """Cut a segment in two at ``at`` (strictly inside it; a running one goes on running as
        its second part). The minutes stay the same; audited with both parts."""
        reason = _reason(reason)
        _aware(at, "at")
        segment = visits.get_segment(self._conn, segment_id)
        if segment is None:
            raise InputError("segment_id", f"there is no segment {segment_id}")
        visit = self._open_visit_row(segment.visit_id)
        end = segment.stopped_at or self.ctx.now()
        if not segment.started_at < at < end:
            raise InputError("at", "the split must fall between the segment's start and stop")
        with self.ctx.db.transaction():
            visits.set_segment_times(self._conn, segment.id, segment.started_at, at)
            second = visits.insert_segment(
                self._conn,
                visit_id=visit.id,
                visit_code_id=segment.visit_code_id,
                role=segment.role,
                started_at=at,
                stopped_at=segment.stopped_at,
                room=segment.room,  # the same timer, cut in two: where it ran stays
            )
            self.ctx.audit(
                "segment_split",
                "timer_segment",
                segment.id,
                reason,
                visit_id=visit.id,
                before=_segment_details(segment),
                at=at,
                second_segment=second,
                covers=[("segment", segment.id), ("segment", second)],
            )
        return self._state(visit)

    def undo_last_tap(self, visit_id: int) -> VisitState:
        """Take back the visit's last change when it was a timer tap (Ctrl+Z): a start's segment
        is removed and what it stopped runs again; a stop's timers run again, as if never
        stopped. Audited as an undo naming the tap. Anything else since (an edit, another
        undo) is not a tap: refused, nothing changed."""
        visit = self._open_visit_row(visit_id)
        entries = audit.entries_of_visit(self._conn, visit_id)
        last = entries[-1] if entries else None
        if last is None or last.action not in TAP_ACTIONS:
            raise InputError(
                "undo",
                f"nothing to undo on visit {visit_id}: its last change was not a timer tap "
                "(change a segment's times in Segments… instead)",
            )
        started = last.details.get("started")
        stopped = last.details.get("stopped")
        if not isinstance(stopped, list):
            raise InputError("undo", "that tap was recorded before taps could be undone")
        with self.ctx.db.transaction():
            covers = []
            if isinstance(started, int):
                segment = visits.get_segment(self._conn, started)
                if segment is None or not segment.running:
                    raise InputError("undo", "the timer that tap started has changed since")
                visits.delete_segment(self._conn, started)
                covers.append(("segment", started))
            for segment_id in stopped:
                segment = visits.get_segment(self._conn, segment_id)
                if segment is None or segment.running:
                    raise InputError("undo", "a timer that tap stopped has changed since")
                visits.set_segment_times(self._conn, segment_id, segment.started_at, None)
                covers.append(("segment", segment_id))
            self.ctx.audit(
                "timer_tap_undone",
                "visit",
                visit_id,
                "undo of the last timer tap",
                undone_entry=last.id,
                undone_action=last.action,
                removed=started if isinstance(started, int) else None,
                running_again=list(stopped),
                covers=covers,
            )
        return self._state(visit)

"""The visit service, part 2: opening a visit, its codes and untimed services, the tie choice,
and the timers (each start and stop committed, and audited, before it returns)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from functools import partial
from typing import Any

from chargeclock.domain.days import not_future
from chargeclock.domain.errors import InputError, RuleDataError
from chargeclock.domain.places import check_place
from chargeclock.domain.rulebook import SLP_NOT_OFFERED
from chargeclock.services.minutes import CodeState, Span, VisitState
from chargeclock.services.timer_change import TimerChange
from chargeclock.services.validation import catalogue_code
from chargeclock.services.visit_reads import (
    FURNISHED_BY,
    VisitReads,
    _code_state,
    _reason,
    _role,
    _segment_details,
)
from chargeclock.storage import clinic, visits
from chargeclock.storage.audit_rows import refs_of_visits
from chargeclock.storage.records import SegmentRow, VisitRow


class VisitTimers(VisitReads):
    """Opening visits, codes and timers."""

    # --- opening, codes ------------------------------------------------------------------------

    #: The disciplines a visit may be opened for. Speech-language pathology is not offered
    #: (claims.md §7): its codes, 97129/97130 and the SLPA rule are not implemented; the engine's
    #: shared PT+SLP KX bucket is kept for when they are.
    offered_disciplines: tuple[str, ...] = ("PT", "OT")

    def open_visit(
        self,
        patient_id: int,
        *,
        date_of_service: date | None = None,
        rendering_provider_id: int | None = None,
        supervising_provider_id: int | None = None,
        place_of_service: str = "11",
        discipline: str = "PT",
        codes: Sequence[str] = (),
    ) -> VisitState:
        """A new open visit for today (or ``date_of_service``), rendering provider the first
        active PT unless given; a PTA's supervising PT is filled in from the provider."""
        conn = self._conn
        patient = clinic.get_patient(conn, patient_id)
        if patient is None:
            raise InputError("patient_id", f"there is no patient {patient_id}")
        day = date_of_service or self.ctx.today()
        not_future("date_of_service", day, self.ctx.today())
        if discipline == "SLP" and "SLP" not in self.offered_disciplines:
            raise InputError("discipline", SLP_NOT_OFFERED)
        if discipline not in self.offered_disciplines:
            raise InputError("discipline", f"must be PT or OT, got {discipline!r}")
        place_of_service = check_place(place_of_service)  # the places the window offers
        providers = clinic.list_providers(conn)
        if rendering_provider_id is None:
            rendering_provider_id = next(
                (p.id for p in providers if p.role == "PT" and p.active), None
            )
        rendering = (
            clinic.get_provider(conn, rendering_provider_id) if rendering_provider_id else None
        )
        if rendering_provider_id is not None and rendering is None:
            raise InputError(
                "rendering_provider_id", f"there is no provider {rendering_provider_id}"
            )
        if supervising_provider_id is None and rendering is not None and rendering.role == "PTA":
            supervising_provider_id = rendering.supervising_provider_id
        if supervising_provider_id is not None and not clinic.get_provider(
            conn, supervising_provider_id
        ):
            raise InputError(
                "supervising_provider_id", f"there is no provider {supervising_provider_id}"
            )
        try:
            self.ctx.book.year(day.year)
        except RuleDataError as exc:
            raise InputError("date_of_service", str(exc)) from None
        checked = [
            catalogue_code(self.ctx.book, day.year, c, f"codes[{i}]").code
            for i, c in enumerate(codes)
        ]
        with self.ctx.db.transaction():
            visit_id = visits.insert_visit(
                conn,
                patient_id=patient_id,
                date_of_service=day,
                discipline=discipline,
                place_of_service=place_of_service,
                payer_id=patient.payer_id,
                rendering_provider_id=rendering_provider_id,
                supervising_provider_id=supervising_provider_id,
                opened_at=self.ctx.now(),
            )
            for code in dict.fromkeys(checked):
                self._insert_code(visit_id, code, day.year)
            self.ctx.audit(
                "visit_opened", "visit", visit_id, covers=refs_of_visits(conn, [visit_id])
            )
            # Read back inside the transaction: a visit that cannot be shown is not left behind.
            return self.visit_state(visit_id)

    def _insert_code(self, visit_id: int, code: str, year: int) -> list[tuple[str, int]]:
        """Add the code row (an untimed code with its untimed row); the audited rows it made."""
        row = visits.insert_code(self._conn, visit_id, code)
        entry = self.ctx.book.year(year).code(code)
        if entry is not None and not entry.timed:
            visits.upsert_untimed(self._conn, row.id, "PT", None, None)
            return [("untimed", row.id)]
        return []

    def add_code(self, visit_id: int, code: str) -> VisitState:
        """Add a code row (validated against the year's code list)."""
        visit = self._open_visit_row(visit_id)
        entry = catalogue_code(self.ctx.book, visit.date_of_service.year, code)
        if any(c.code == entry.code for c in visits.codes_of_visit(self._conn, visit_id)):
            raise InputError("code", f"{entry.code} is already on visit {visit_id}")
        with self.ctx.db.transaction():
            made = self._insert_code(visit_id, entry.code, visit.date_of_service.year)
            if made:
                self.ctx.audit("code_added", "visit", visit_id, code=entry.code, covers=made)
        return self.visit_state(visit_id)

    def remove_code(self, visit_id: int, code: str, reason: str = "") -> VisitState:
        """Remove a code row. One with recorded time needs a reason; it is audited with its
        segments. A running timer must be stopped first."""
        self._open_visit_row(visit_id)
        row = self._code_row(visit_id, code)
        segments = [s for s in visits.segments_of_visit(self._conn, visit_id) if s.code == row.code]
        if any(s.running for s in segments):
            raise InputError("code", f"{row.code} has a running timer: stop it first")
        untimed = [
            u for u in visits.untimed_of_visits(self._conn, [visit_id]) if u.visit_code_id == row.id
        ]
        covers = [("segment", s.id) for s in segments]
        covers += [("untimed", u.visit_code_id) for u in untimed]
        why = _reason(reason) if segments else reason.strip()
        with self.ctx.db.transaction():
            visits.delete_code(self._conn, row.id)
            if segments or untimed:
                self.ctx.audit(
                    "code_removed",
                    "visit",
                    visit_id,
                    why,
                    code=row.code,
                    segments=[_segment_details(s) for s in segments],
                    covers=covers,
                )
        return self.visit_state(visit_id)

    def _code_row(self, visit_id: int, code: str) -> Any:
        wanted = code.strip().upper()
        for row in visits.codes_of_visit(self._conn, visit_id):
            if row.code == wanted:
                return row
        raise InputError("code", f"{code!r} is not on visit {visit_id}")

    def set_untimed(
        self,
        visit_id: int,
        code: str,
        furnished_by: str,
        pt_minutes: int | None = None,
        pta_minutes: int | None = None,
    ) -> VisitState:
        """Who furnished an untimed service, with optional minutes per role."""
        self._open_visit_row(visit_id)
        row = self._code_row(visit_id, code)
        state = self.visit_state(visit_id).code(row.code)
        if state is not None and state.timed:
            raise InputError("code", f"{row.code} is timed: use its PT/PTA timers")
        if furnished_by not in FURNISHED_BY:
            raise InputError("furnished_by", f"must be PT, PTA or both, got {furnished_by!r}")
        for name, value in (("pt_minutes", pt_minutes), ("pta_minutes", pta_minutes)):
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1440
            ):
                raise InputError(name, f"whole minutes from 0 to 1440, got {value!r}")
        with self.ctx.db.transaction():
            visits.upsert_untimed(self._conn, row.id, furnished_by, pt_minutes, pta_minutes)
            self.ctx.audit(
                "untimed_set", "visit", visit_id, code=row.code, covers=[("untimed", row.id)]
            )
        return self.visit_state(visit_id)

    def set_tie_choice(self, visit_id: int, codes: Sequence[str] | None) -> VisitState:
        """Keep the clinician's pick in a tie (the codes that take the contested units; the
        ``tie_choice`` of one of the result's alternatives); ``None`` returns to the default.
        Finalize bills it; if the minutes change so the tie no longer exists, it is ignored."""
        visit = self._open_visit_row(visit_id)
        choice = None
        if codes is not None:
            on_visit = {c.code for c in visits.codes_of_visit(self._conn, visit_id)}
            choice = tuple(c.strip().upper() for c in codes)
            for index, code in enumerate(choice):
                if code not in on_visit:
                    raise InputError(f"tie_choice[{index}]", f"{code} is not on visit {visit_id}")
        with self.ctx.db.transaction():
            visits.set_tie_choice(self._conn, visit.id, choice)
        return self.visit_state(visit_id)

    # --- timers --------------------------------------------------------------------------------
    #
    # A tap, in one transaction: the visit row (still open: another workstation may have
    # finalized it a moment ago), the visit's running segments (what it decides from), its code
    # rows on a start, the segment rows it writes, the audit entry, the heartbeat, the commit.
    # It does not read the visit back (that grows with the visit and the patient's year): the
    # returned TimerChange reads it only when asked, or is applied to the state the screen
    # holds (``TimerChange.applied_to``).

    def start_timer(self, visit_id: int, code: str, role: str) -> TimerChange:
        """Start ``role``'s timer on ``code`` now, stopping that role's other running code in the
        same transaction. Adds the code row if missing. Already running: nothing changes."""
        _role(role)
        with self.ctx.db.transaction():
            visit = self._open_visit_row(visit_id)
            entry = catalogue_code(self.ctx.book, visit.date_of_service.year, code)
            if not entry.timed:
                raise InputError("code", f"{entry.code} is untimed: tick it and enter its minutes")
            return self._start(
                visit, entry.code, role, visits.running_segments(self._conn, visit_id)
            )

    def _start(
        self, visit: VisitRow, code: str, role: str, running: list[SegmentRow]
    ) -> TimerChange:
        """Inside the tap's transaction: start ``code`` for ``role`` (``running``: the visit's
        running segments, as read in it)."""
        conn = self._conn
        mine = [s for s in running if s.role == role]
        if mine and mine[0].code == code:
            return self._change(visit.id, running, None, [])
        row = next((r for r in visits.codes_of_visit(conn, visit.id) if r.code == code), None)
        added = None
        if row is None:
            row = visits.insert_code(conn, visit.id, code)
            added = _code_state(self.ctx.book.year(visit.date_of_service.year), row.id, code)
        now = self.ctx.now()
        stopped = self._stop_segments(mine, now)
        segment_id = visits.insert_segment(
            conn, visit_id=visit.id, visit_code_id=row.id, role=role, started_at=now
        )
        self.ctx.audit(
            "timer_started",
            "visit",
            visit.id,
            code=code,
            role=role,
            # What an undo of this tap takes back (``undo_last_tap``).
            started=segment_id,
            stopped=[s.segment_id for s in stopped],
            covers=[*(("segment", s.segment_id) for s in stopped), ("segment", segment_id)],
        )
        self.ctx.beat()
        started = Span(segment_id, role, now, None)
        return self._change(
            visit.id, running, started, stopped, code_id=row.id, code=code, added=added
        )

    def _stop_segments(self, segments: list[SegmentRow], now: datetime) -> list[Span]:
        """Stop each of ``segments`` at ``now`` (never before its start); the spans stopped."""
        stopped = []
        for segment in segments:
            at = max(now, segment.started_at)
            visits.stop_segment(self._conn, segment.id, at)
            stopped.append(Span(segment.id, segment.role, segment.started_at, at))
        return stopped

    def _change(
        self,
        visit_id: int,
        running: list[SegmentRow],
        started: Span | None,
        stopped: list[Span],
        *,
        code_id: int | None = None,
        code: str = "",
        added: CodeState | None = None,
    ) -> TimerChange:
        """What the tap did, from what its transaction read and wrote (its state read later)."""
        codes = {s.id: s.code for s in running}
        if started is not None:
            codes[started.segment_id] = code
        return TimerChange(
            visit_id,
            started,
            tuple(stopped),
            read=partial(self.visit_state, visit_id),
            codes={
                s.segment_id: codes[s.segment_id]
                for s in (*stopped, *([started] if started else []))
            },
            running_before=frozenset(s.id for s in running),
            started_code_id=code_id,
            added=added,
        )

    def stop_timer(self, visit_id: int, role: str, code: str | None = None) -> TimerChange:
        """Stop ``role``'s running timer (only if it runs on ``code``, when given). Nothing
        running: nothing changes."""
        _role(role)
        with self.ctx.db.transaction():
            visit = self._open_visit_row(visit_id)
            running = visits.running_segments(self._conn, visit_id)
            return self._stop(visit, running, role, code)

    def _stop(
        self, visit: VisitRow, running: list[SegmentRow], role: str, code: str | None
    ) -> TimerChange:
        """Inside the tap's transaction: stop ``role``'s running segments (on ``code``, if
        given)."""
        mine = [s for s in running if s.role == role and (code is None or s.code == code)]
        stopped = self._stop_segments(mine, self.ctx.now())
        self._audit_stops("timer_stopped", visit.id, stopped, role=role)
        self.ctx.beat()
        return self._change(visit.id, running, None, stopped)

    def _audit_stops(self, action: str, visit_id: int, stopped: list[Span], **details: Any) -> None:
        if stopped:
            covers = [("segment", s.segment_id) for s in stopped]
            ids = [s.segment_id for s in stopped]  # what an undo of this tap runs again
            self.ctx.audit(action, "visit", visit_id, covers=covers, stopped=ids, **details)

    def toggle_timer(self, visit_id: int, code: str, role: str) -> TimerChange:
        """The PT ▶ / PTA ▶ button: stop it if it runs on this code, else start it. Which it is
        comes from the running segments (an index of the few that run), read in the same
        transaction as the write, so another workstation's tap cannot come between."""
        _role(role)
        wanted = code.strip().upper()
        with self.ctx.db.transaction():
            visit = self._open_visit_row(visit_id)
            running = visits.running_segments(self._conn, visit_id)
            if any(s.role == role and s.code == wanted for s in running):
                return self._stop(visit, running, role, wanted)
            entry = catalogue_code(self.ctx.book, visit.date_of_service.year, code)
            if not entry.timed:
                raise InputError("code", f"{entry.code} is untimed: tick it and enter its minutes")
            return self._start(visit, entry.code, role, running)

    def stop_all(self, visit_id: int) -> TimerChange:
        """Stop every running timer of the visit now."""
        with self.ctx.db.transaction():
            visit = self._open_visit_row(visit_id)
            running = visits.running_segments(self._conn, visit_id)
            stopped = self._stop_segments(running, self.ctx.now())
            self._audit_stops("timers_stopped", visit.id, stopped)
        return self._change(visit.id, running, None, stopped)

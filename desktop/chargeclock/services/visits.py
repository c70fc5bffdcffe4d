"""The visit screen's use cases: open a visit, codes, timers, segment edits, finalize, correct.

Every mutation runs in one transaction, committed (and synced) before it returns, and returns
what changed: a fresh :class:`VisitState` and, for timers, the segments started and stopped.
A timer start or stop is written at the moment it happens; nothing is counted in memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from msgspec import Struct

from chargeclock.domain.calculation import ClaimLine, VisitResult, calculate
from chargeclock.domain.errors import ChargeClockError, InputError, RuleDataError
from chargeclock.services import billing
from chargeclock.services.context import Context
from chargeclock.services.minutes import (
    ROLES,
    CodeState,
    Span,
    UntimedState,
    VisitState,
    day_parts,
    long_spans,
    visit_input,
)
from chargeclock.services.validation import catalogue_code
from chargeclock.storage import amounts, clinic, heartbeat, visits
from chargeclock.storage.audit_rows import refs_of_visits
from chargeclock.storage.records import BillRow, ClaimLineRow, SegmentRow, VisitRow

FURNISHED_BY = ("PT", "PTA", "both")
MAX_DIAGNOSIS_POINTERS = 4  # a claim line points at up to four diagnoses


class TimerChange(Struct, frozen=True):
    """What a start/stop did: the segment started (if any) and those stopped, and the new state."""

    state: VisitState
    started: Span | None
    stopped: tuple[Span, ...]


class Finalized(Struct, frozen=True):
    """A finalized visit: the engine's result for its day and the claim lines now frozen on it.

    ``replaced_visit_ids``: same-day visits whose claim lines this visit's day bill replaced.
    ``kx_review_visit_ids``: visits billed after this one in its KX bucket and year whose frozen
    KX modifiers no longer match what the engine sets now (after a correction or a backdated
    visit, say): their claims need a look."""

    state: VisitState
    result: VisitResult
    claim_lines: tuple[ClaimLineRow, ...]
    pooled_visit_ids: tuple[int, ...]
    replaced_visit_ids: tuple[int, ...]
    kx_review_visit_ids: tuple[int, ...] = ()


def _kx_marks(lines: Sequence[ClaimLine | ClaimLineRow]) -> list[tuple[str, int, bool]]:
    """Each line's code, units and whether it carries KX, in claim order."""
    return [(line.code, line.units, "KX" in line.modifiers) for line in lines]


def _span(segment: SegmentRow) -> Span:
    return Span(segment.id, segment.role, segment.started_at, segment.stopped_at)


def _role(role: str) -> str:
    if role not in ROLES:
        raise InputError("role", f"must be PT or PTA, got {role!r}")
    return role


def _reason(reason: str) -> str:
    if not reason or not reason.strip():
        raise InputError("reason", "a reason is required for this change")
    return reason.strip()


def _aware(moment: datetime | None, field: str) -> None:
    if moment is not None and moment.tzinfo is None:
        raise InputError(field, "must carry a time zone (times are stored in UTC)")


class VisitService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    @property
    def _conn(self) -> Any:
        return self.ctx.db

    # --- reading -------------------------------------------------------------------------------

    def visit(self, visit_id: int) -> VisitRow:
        found = visits.get_visit(self._conn, visit_id)
        if found is None:
            raise InputError("visit_id", f"there is no visit {visit_id}")
        return found

    def visits_of_day(self, day: date | None = None) -> list[VisitRow]:
        return visits.visits_of_day(self._conn, day or self.ctx.today())

    def visits_of_patient(self, patient_id: int) -> list[VisitRow]:
        return visits.visits_of_patient(self._conn, patient_id)

    def claim_lines(self, visit_id: int) -> list[ClaimLineRow]:
        return visits.claim_lines_of_visits(self._conn, [visit_id])

    def bill(self, visit_id: int) -> BillRow | None:
        return visits.get_bill(self._conn, visit_id)

    def visit_state(self, visit_id: int) -> VisitState:
        """The read model of one visit (a few queries; call after a change, not per tick)."""
        return self._state(self.visit(visit_id))

    def _code_states(self, visit: VisitRow) -> tuple[CodeState, ...]:
        rules = self.ctx.book.year(visit.date_of_service.year)
        segments = visits.segments_of_visit(self._conn, visit.id)
        untimed = {u.visit_code_id: u for u in visits.untimed_of_visits(self._conn, [visit.id])}
        states = []
        for row in visits.codes_of_visit(self._conn, visit.id):
            code = rules.code(row.code)
            spans = tuple(_span(s) for s in segments if s.visit_code_id == row.id)
            u = untimed.get(row.id)
            states.append(
                CodeState(
                    visit_code_id=row.id,
                    code=row.code,
                    label=code.label if code else row.code,
                    timed=code.timed if code else True,
                    unit_minutes=code.unit_minutes if code else 15,
                    spans=spans,
                    untimed=UntimedState(u.furnished_by, u.pt_minutes, u.pta_minutes)
                    if u
                    else None,
                )
            )
        return tuple(states)

    def _same_day(self, visit: VisitRow) -> list[VisitRow]:
        """The patient's other finalized visits of this date of service and discipline."""
        return [
            v
            for v in visits.visits_of_patient(
                self._conn, visit.patient_id, day=visit.date_of_service
            )
            if v.id != visit.id and v.status == "finalized" and v.discipline == visit.discipline
        ]

    def _state(self, visit: VisitRow) -> VisitState:
        now = self.ctx.now()
        siblings = self._same_day(visit)
        parts = [p for s in siblings for p in day_parts(self._code_states(s), now)]
        return VisitState(
            visit_id=visit.id,
            patient_id=visit.patient_id,
            date_of_service=visit.date_of_service,
            discipline=visit.discipline,
            status=visit.status,
            rendering_provider_id=visit.rendering_provider_id,
            supervising_provider_id=visit.supervising_provider_id,
            payer=billing.visit_payer_rules(self.ctx, visit.payer_id),
            codes=self._code_states(visit),
            ytd_allowed=billing.ytd_before_day(
                self.ctx,
                visit.patient_id,
                visit.date_of_service,
                discipline=visit.discipline,
            ),
            same_day=tuple(parts),
            same_day_visit_ids=tuple(s.id for s in siblings),
            tie_choice=visit.tie_choice,
        )

    def _open_visit_row(self, visit_id: int) -> VisitRow:
        visit = self.visit(visit_id)
        if visit.status != "open":
            what = "correct it first (with a reason)" if visit.status == "finalized" else "void"
            raise InputError("visit", f"visit {visit_id} is {visit.status}: {what}")
        return visit

    # --- opening, codes ------------------------------------------------------------------------

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
        if day > self.ctx.today():
            raise InputError("date_of_service", f"{day} is in the future")
        if discipline not in ("PT", "OT", "SLP"):
            raise InputError("discipline", f"must be PT, OT or SLP, got {discipline!r}")
        if not (len(place_of_service) == 2 and place_of_service.isdigit()):
            raise InputError("place_of_service", f"a two-digit code, got {place_of_service!r}")
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

    def start_timer(self, visit_id: int, code: str, role: str) -> TimerChange:
        """Start ``role``'s timer on ``code`` now, stopping that role's other running code in the
        same transaction. Adds the code row if missing. Already running: nothing changes."""
        _role(role)
        conn = self._conn
        visit = self._open_visit_row(visit_id)
        entry = catalogue_code(self.ctx.book, visit.date_of_service.year, code)
        if not entry.timed:
            raise InputError("code", f"{entry.code} is untimed: tick it and enter its minutes")
        now = self.ctx.now()
        stopped: list[Span] = []
        started: Span | None = None
        with self.ctx.db.transaction():
            rows = {r.code: r for r in visits.codes_of_visit(conn, visit_id)}
            row = rows.get(entry.code) or visits.insert_code(conn, visit_id, entry.code)
            running = [s for s in visits.running_segments(conn, visit_id) if s.role == role]
            if running and running[0].visit_code_id == row.id:
                return TimerChange(self._state(visit), None, ())
            for segment in running:
                at = max(now, segment.started_at)
                visits.stop_segment(conn, segment.id, at)
                stopped.append(Span(segment.id, segment.role, segment.started_at, at))
            segment_id = visits.insert_segment(
                conn, visit_id=visit_id, visit_code_id=row.id, role=role, started_at=now
            )
            started = Span(segment_id, role, now, None)
            self.ctx.audit(
                "timer_started",
                "visit",
                visit_id,
                code=entry.code,
                role=role,
                covers=[*(("segment", s.segment_id) for s in stopped), ("segment", segment_id)],
            )
            heartbeat.beat(conn, now)
        return TimerChange(self._state(visit), started, tuple(stopped))

    def stop_timer(self, visit_id: int, role: str, code: str | None = None) -> TimerChange:
        """Stop ``role``'s running timer (only if it runs on ``code``, when given). Nothing
        running: nothing changes."""
        _role(role)
        conn = self._conn
        visit = self._open_visit_row(visit_id)
        now = self.ctx.now()
        stopped: list[Span] = []
        with self.ctx.db.transaction():
            for segment in visits.running_segments(conn, visit_id):
                if segment.role != role or (code is not None and segment.code != code):
                    continue
                at = max(now, segment.started_at)
                visits.stop_segment(conn, segment.id, at)
                stopped.append(Span(segment.id, segment.role, segment.started_at, at))
            self._audit_stops("timer_stopped", visit_id, stopped, role=role)
            heartbeat.beat(conn, now)
        return TimerChange(self._state(visit), None, tuple(stopped))

    def _audit_stops(self, action: str, visit_id: int, stopped: list[Span], **details: Any) -> None:
        if stopped:
            covers = [("segment", s.segment_id) for s in stopped]
            self.ctx.audit(action, "visit", visit_id, covers=covers, **details)

    def toggle_timer(self, visit_id: int, code: str, role: str) -> TimerChange:
        """The PT ▶ / PTA ▶ button: stop it if it runs on this code, else start it."""
        state = self.visit_state(visit_id)
        row = state.code(code.strip().upper())
        if row is not None and row.is_running(role):
            return self.stop_timer(visit_id, role, row.code)
        return self.start_timer(visit_id, code, role)

    def stop_all(self, visit_id: int) -> TimerChange:
        """Stop every running timer of the visit now."""
        conn = self._conn
        visit = self._open_visit_row(visit_id)
        now = self.ctx.now()
        stopped: list[Span] = []
        with self.ctx.db.transaction():
            for segment in visits.running_segments(conn, visit_id):
                at = max(now, segment.started_at)
                visits.stop_segment(conn, segment.id, at)
                stopped.append(Span(segment.id, segment.role, segment.started_at, at))
            self._audit_stops("timers_stopped", visit_id, stopped)
        return TimerChange(self._state(visit), None, tuple(stopped))

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
        if started_at > now:
            raise InputError("started_at", f"{started_at.isoformat()} is in the future")
        if stopped_at is not None:
            if stopped_at > now:
                raise InputError("stopped_at", f"{stopped_at.isoformat()} is in the future")
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
                    f"({other.started_at.isoformat()} to "
                    f"{other.stopped_at.isoformat() if other.stopped_at else 'running'}): "
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

    # --- finalize and correct ------------------------------------------------------------------

    def finalize(self, visit_id: int) -> Finalized:
        """Freeze the claim lines of the visit's day (this visit pooled with the patient's other
        finalized visits that date of service), with the engine's trace. Refuses while timers
        run. Same-day: the earlier visit's lines are replaced (audited, "same-day visit")."""
        conn = self._conn
        visit = self._open_visit_row(visit_id)
        running = visits.running_segments(conn, visit_id)
        if running:
            names = ", ".join(f"{s.code} ({s.role})" for s in running)
            raise InputError("timers", f"stop the running timers first: {names}")
        if not visits.codes_of_visit(conn, visit_id):
            raise InputError("codes", f"visit {visit_id} has no codes to bill")
        state = self._state(visit)
        too_long = long_spans(state, self.ctx.now())
        if too_long:
            names = ", ".join(f"{s.code} {s.role} ({s.hours} h)" for s in too_long)
            raise InputError(
                "timers",
                f"a timer ran more than a day: {names}; set the time each really stopped "
                "(the window asks when you finalize) and finalize again",
            )
        result = calculate(visit_input(state, self.ctx.now()), self.ctx.book)
        pointers = "".join(
            d.pointer for d in clinic.diagnoses_of(conn, visit.patient_id)[:MAX_DIAGNOSIS_POINTERS]
        )
        charges = amounts.charges(conn)
        lines = tuple(
            ClaimLineRow(
                id=0,
                visit_id=visit_id,
                line_number=n + 1,
                code=line.code,
                modifiers=line.modifiers,
                units=line.units,
                assistant=line.assistant,
                allowed=line.allowed,
                charge=charges[line.code] * line.units if line.code in charges else None,
                diagnosis_pointers=pointers,
                trace=tuple(t for t in result.trace if line.code in t),
            )
            for n, line in enumerate(result.claim_lines)
        )
        now = self.ctx.now()
        replaced: list[int] = []
        with self.ctx.db.transaction():
            for sibling in state.same_day_visit_ids:
                old = visits.claim_lines_of_visits(conn, [sibling])
                if visits.get_bill(conn, sibling) is None and not old:
                    continue
                gone = refs_of_visits(conn, [sibling])
                visits.delete_bill(conn, sibling)
                replaced.append(sibling)
                self.ctx.audit(
                    "claim_lines_replaced",
                    "visit",
                    sibling,
                    "same-day visit",
                    replaced_by_visit=visit_id,
                    lines=[_line_details(line) for line in old],
                    covers=gone,
                )
            earlier = refs_of_visits(conn, [visit_id])
            visits.delete_bill(conn, visit_id)
            visits.insert_claim_lines(conn, visit_id, lines)
            pooled = (*state.same_day_visit_ids, visit_id)
            visits.replace_bill(
                conn,
                BillRow(
                    visit_id=visit_id,
                    rule_year=result.rule_year,
                    unit_method=str(result.unit_method),
                    pooled_visit_ids=pooled,
                    total_timed_minutes=result.total_timed_minutes,
                    total_treatment_minutes=result.total_treatment_minutes,
                    timed_units=result.timed_units,
                    kx_applies=result.kx.applies,
                    warnings=tuple(w.message for w in result.warnings),
                    review=tuple(f"{r.code}: {r.reason}" for r in result.review),
                    trace=result.trace,
                    computed_at=now,
                    rule_data_year=result.borrowed_data_year,
                ),
            )
            visits.set_visit_status(conn, visit_id, "finalized", now)
            self.ctx.audit(
                "visit_finalized",
                "visit",
                visit_id,
                "",
                pooled_visit_ids=list(pooled),
                lines=[_line_details(line) for line in lines],
                covers=earlier + refs_of_visits(conn, [visit_id]),
            )
        saved = tuple(visits.claim_lines_of_visits(conn, [visit_id]))
        finalized = self.visit(visit_id)
        return Finalized(
            self._state(finalized),
            result,
            saved,
            pooled,
            tuple(replaced),
            self._kx_to_review_after(finalized, pooled),
        )

    def _kx_to_review_after(self, visit: VisitRow, pooled: Sequence[int]) -> tuple[int, ...]:
        """The bills after ``visit`` in its KX bucket and year whose frozen KX no longer matches
        the engine's. Only a correction (or a backdated visit) has any: visits are mostly
        finalized in date order. Not while a visit of the same day and discipline is still
        open (a day reopened for correction): the day's bill is not whole yet."""
        conn = self._conn
        if any(
            v.status == "open" and v.discipline == visit.discipline
            for v in visits.visits_of_patient(conn, visit.patient_id, day=visit.date_of_service)
        ):
            return ()
        bucket = billing.bucket_of(visit.discipline)
        later = [
            v
            for v in visits.finalized_visits_between(
                conn,
                visit.patient_id,
                visit.date_of_service,
                date(visit.date_of_service.year, 12, 31),
            )
            if v.id not in pooled
            and billing.bucket_of(v.discipline) == bucket
            and (
                v.date_of_service > visit.date_of_service
                or visit.discipline in billing.same_day_before(v.discipline)
            )
        ]
        changed = []
        for other in later:
            frozen = visits.claim_lines_of_visits(conn, [other.id])
            if not frozen:  # the day's lines sit on a same-day sibling, checked as that one
                continue
            try:
                now = calculate(visit_input(self._state(other), self.ctx.now()), self.ctx.book)
            except ChargeClockError:  # e.g. a year without rule data: nothing to compare with
                continue
            if _kx_marks(now.claim_lines) != _kx_marks(frozen):
                changed.append(other.id)
        return tuple(changed)

    def reopen_for_correction(self, visit_id: int, reason: str) -> VisitState:
        """Reopen a finalized visit to correct it (then edit and finalize again). Needs a reason;
        the frozen claim lines of its day are removed and kept in the audit entry."""
        reason = _reason(reason)
        conn = self._conn
        visit = self.visit(visit_id)
        if visit.status != "finalized":
            raise InputError("visit", f"visit {visit_id} is {visit.status}, not finalized")
        # The day is billed as a whole: its frozen lines may sit on a sibling visit, so every
        # finalized visit of the day reopens with this one (none is left finalized with no lines).
        siblings = self._same_day(visit)
        holders = [v.id for v in [visit, *siblings] if visits.get_bill(conn, v.id)]
        with self.ctx.db.transaction():
            removed = []
            gone = refs_of_visits(conn, holders)
            for holder in holders:
                removed += [_line_details(x) for x in visits.claim_lines_of_visits(conn, [holder])]
                visits.delete_bill(conn, holder)
            visits.set_visit_status(conn, visit_id, "open", None)
            self.ctx.audit(
                "visit_reopened",
                "visit",
                visit_id,
                reason,
                bill_visit_ids=holders,
                removed_lines=removed,
                same_day_visit_ids=[v.id for v in siblings],
                covers=[*gone, ("visit", visit_id)],
            )
            for sibling in siblings:
                visits.set_visit_status(conn, sibling.id, "open", None)
                self.ctx.audit(
                    "visit_reopened",
                    "visit",
                    sibling.id,
                    f"same-day visit reopened with visit {visit_id}: {reason}",
                    covers=[("visit", sibling.id)],
                )
        return self.visit_state(visit_id)

    def void_visit(self, visit_id: int, reason: str) -> VisitState:
        """Void an open visit (a finalized one is reopened first); running timers stop now."""
        reason = _reason(reason)
        conn = self._conn
        visit = self._open_visit_row(visit_id)
        now = self.ctx.now()
        with self.ctx.db.transaction():
            running = visits.running_segments(conn, visit_id)
            for segment in running:
                visits.stop_segment(conn, segment.id, max(now, segment.started_at))
            visits.set_visit_status(conn, visit_id, "void", None)
            covers = [*(("segment", s.id) for s in running), ("visit", visit_id)]
            self.ctx.audit("visit_voided", "visit", visit_id, reason, covers=covers)
        return self._state(self.visit(visit.id))


def _segment_details(segment: SegmentRow) -> dict[str, Any]:
    return {
        "segment_id": segment.id,
        "code": segment.code,
        "role": segment.role,
        "started_at": segment.started_at,
        "stopped_at": segment.stopped_at,
    }


def _line_details(line: ClaimLineRow) -> dict[str, Any]:
    return {
        "code": line.code,
        "modifiers": list(line.modifiers),
        "units": line.units,
        "allowed": line.allowed,
        "charge": line.charge,
    }

"""The visit service, part 1: the read model (visits, their codes, segments and bills as one
``VisitState``) and the shared pieces of the visit service."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from msgspec import Struct

from chargeclock.domain.calculation import ClaimLine, VisitResult
from chargeclock.domain.errors import InputError
from chargeclock.domain.rulebook import RuleYear
from chargeclock.services import billing
from chargeclock.services.claim_context import read_claim_context
from chargeclock.services.context import Context
from chargeclock.services.minutes import (
    ROLES,
    CodeState,
    Span,
    UntimedState,
    VisitState,
    day_parts,
)
from chargeclock.storage import bills, visits
from chargeclock.storage.records import BillRow, ClaimLineRow, SegmentRow, UntimedRow, VisitRow

FURNISHED_BY = ("PT", "PTA", "both")
MAX_DIAGNOSIS_POINTERS = 4  # a claim line points at up to four diagnoses


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
    # Why the day's superbill could not be frozen at finalize ("" when it was): it is frozen
    # at its first print instead, once the named field is set.
    superbill_problem: str = ""


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


class VisitReads:
    """Reading visits: the rows, the day's visits, the read model of one visit."""

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
        return bills.claim_lines_of_visits(self._conn, [visit_id])

    def bill(self, visit_id: int) -> BillRow | None:
        return bills.get_bill(self._conn, visit_id)

    def visit_state(self, visit_id: int) -> VisitState:
        """The read model of one visit (a few queries; call after a change, not per tick)."""
        return self._state(self.visit(visit_id))

    def _code_states(self, visit: VisitRow) -> tuple[CodeState, ...]:
        rules = self.ctx.book.year(visit.date_of_service.year)
        segments = visits.segments_of_visit(self._conn, visit.id)
        untimed = {u.visit_code_id: u for u in visits.untimed_of_visits(self._conn, [visit.id])}
        return tuple(
            _code_state(
                rules,
                row.id,
                row.code,
                tuple(_span(s) for s in segments if s.visit_code_id == row.id),
                untimed.get(row.id),
            )
            for row in visits.codes_of_visit(self._conn, visit.id)
        )

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
        parts = [
            p for s in siblings for p in day_parts(self._code_states(s), now, s.place_of_service)
        ]
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
            claim=read_claim_context(self.ctx, visit, [s.id for s in siblings]),
        )

    def _open_visit_row(self, visit_id: int) -> VisitRow:
        visit = self.visit(visit_id)
        if visit.status != "open":
            what = "correct it first (with a reason)" if visit.status == "finalized" else "void"
            raise InputError("visit", f"visit {visit_id} is {visit.status}: {what}")
        return visit


def _code_state(
    rules: RuleYear,
    visit_code_id: int,
    code: str,
    spans: tuple[Span, ...] = (),
    untimed: UntimedRow | None = None,
) -> CodeState:
    """One code row as the read model shows it (a code the year's list lacks: timed, 15)."""
    entry = rules.code(code)
    return CodeState(
        visit_code_id=visit_code_id,
        code=code,
        label=entry.label if entry else code,
        timed=entry.timed if entry else True,
        unit_minutes=entry.unit_minutes if entry else 15,
        spans=spans,
        untimed=UntimedState(untimed.furnished_by, untimed.pt_minutes, untimed.pta_minutes)
        if untimed
        else None,
    )


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
        "place_of_service": line.place_of_service,
    }

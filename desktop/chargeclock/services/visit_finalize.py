"""The visit service, part 4: finalize (the day pooled, the claim frozen with its trace, later
bills whose KX would change named), corrections and voids."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal

from chargeclock.domain.calculation import calculate
from chargeclock.domain.errors import ChargeClockError, InputError
from chargeclock.services import billing
from chargeclock.services.fee_records import fee_records
from chargeclock.services.finalize_asks import Unresolved, check_settled, unresolved
from chargeclock.services.minutes import (
    VisitState,
    long_spans,
    visit_input,
)
from chargeclock.services.visit_reads import (
    MAX_DIAGNOSIS_POINTERS,
    Finalized,
    _kx_marks,
    _line_details,
    _reason,
)
from chargeclock.services.visit_segments import SegmentEdits
from chargeclock.storage import amounts, bills, clinic, visits
from chargeclock.storage.audit_rows import refs_of_visits
from chargeclock.storage.records import BillRow, ClaimLineRow, VisitRow


class Finalizing(SegmentEdits):
    """Finalizing, correcting and voiding visits."""

    #: Freezes the day's bill of a visit just finalized, inside the finalize's transaction
    #: (``services.frozen_claims.freeze_at_finalize``, set by ``Services``); returns "" or why
    #: the superbill cannot be built yet.
    claim_freezer: Callable[[int], str] | None = None

    # --- finalize and correct ------------------------------------------------------------------

    def finalize(
        self,
        visit_id: int,
        overrides: Mapping[str, str] | None = None,
        *,
        charges: Mapping[str, Decimal | str] | None = None,
    ) -> Finalized:
        """Freeze the claim lines of the visit's day (this visit pooled with the patient's other
        finalized visits that date of service), with the engine's trace. Refuses while timers
        run. Same-day: the earlier visit's lines are replaced (audited, "same-day visit").
        Each line carries the place of service where its minutes were given: units on the day
        as a whole, then a code whose minutes come from visits at two places split by those
        minutes, 95/GT on the telehealth lines (:mod:`chargeclock.domain.place_split`).

        Never freezes a line without a clinic charge: ``charges`` (code -> amount, as the
        window's finalize asks enter them) go into the fee list in the same transaction, and a
        code still without one is refused, naming it. With ``overrides`` (the window's finalize
        asks) it also refuses unless every other item of
        :func:`~chargeclock.services.finalize_asks.unresolved` is settled or has a reason there
        (kept in the audit entry).

        The checks, the calculation and the change are one transaction: two workstations that
        finalize the same visit at once finalize it once, and the other is told the visit is
        no longer open; a timer stopped or started elsewhere meanwhile is billed as it stands."""
        with self.ctx.db.transaction():
            return self._finalize(visit_id, overrides, charges)

    def _finalize(
        self,
        visit_id: int,
        overrides: Mapping[str, str] | None,
        entered: Mapping[str, Decimal | str] | None,
    ) -> Finalized:
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
        if entered:
            fee_records(self.ctx).save_fees(
                visit.date_of_service.year, charges=entered, source="entered at finalize"
            )
        charges = amounts.charges(conn)
        asks = unresolved(state, result, charges)
        check_settled([a for a in asks if a.kind == "charge"], {})
        overridden: dict[str, str] = {}
        if overrides is not None:
            overridden = check_settled(asks, overrides)
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
                place_of_service=line.place_of_service or visit.place_of_service,
            )
            for n, line in enumerate(result.claim_lines)
        )
        now = self.ctx.now()
        replaced: list[int] = []
        with self.ctx.db.transaction():
            for sibling in state.same_day_visit_ids:
                old = bills.claim_lines_of_visits(conn, [sibling])
                if bills.get_bill(conn, sibling) is None and not old:
                    continue
                gone = refs_of_visits(conn, [sibling])
                bills.delete_bill(conn, sibling)
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
            bills.delete_bill(conn, visit_id)
            bills.insert_claim_lines(conn, visit_id, lines)
            pooled = (*state.same_day_visit_ids, visit_id)
            bills.replace_bill(
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
                **({"overrides": overridden} if overridden else {}),
                covers=earlier + refs_of_visits(conn, [visit_id]),
            )
            unfrozen = self.claim_freezer(visit_id) if self.claim_freezer else ""
        saved = tuple(bills.claim_lines_of_visits(conn, [visit_id]))
        finalized = self.visit(visit_id)
        return Finalized(
            self._state(finalized),
            result,
            saved,
            pooled,
            tuple(replaced),
            self._kx_to_review_after(finalized, pooled),
            unfrozen,
        )

    def finalize_asks(self, visit_id: int) -> list[Unresolved]:
        """What finalize would ask about the open visit now (see :meth:`finalize`)."""
        visit = self._open_visit_row(visit_id)
        state = self._state(visit)
        result = calculate(visit_input(state, self.ctx.now()), self.ctx.book)
        return unresolved(state, result, amounts.charges(self._conn))

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
            frozen = bills.claim_lines_of_visits(conn, [other.id])
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
        holders = [v.id for v in [visit, *siblings] if bills.get_bill(conn, v.id)]
        with self.ctx.db.transaction():
            removed = []
            gone = refs_of_visits(conn, holders)
            for holder in holders:
                removed += [_line_details(x) for x in bills.claim_lines_of_visits(conn, [holder])]
                bills.delete_bill(conn, holder)
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

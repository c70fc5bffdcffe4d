"""The visit service, part 5: what a clinician adds to a visit's claim besides minutes — the
modifiers of a line (claims.md §2), the visit's place of service, the yearly KX confirmation and
ABNs. Each change audited."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from chargeclock.domain.errors import InputError
from chargeclock.domain.modifiers import DISTINCT, check_choice
from chargeclock.domain.places import check_place
from chargeclock.services.minutes import VisitState
from chargeclock.services.visit_reads import VisitReads
from chargeclock.storage import claim_marks, visits


class ClaimEdits(VisitReads):
    """Part of the visit service: modifiers on a visit's code, its place of service, KX
    confirmation, ABNs."""

    def set_place_of_service(self, visit_id: int, place_of_service: str) -> VisitState:
        """Move an open visit to ``place_of_service`` (one of :data:`~chargeclock.domain.places.
        PLACES`), audited old -> new in the same transaction; the lines take the payer's 95/GT
        when the place is telehealth. A finalized visit is refused (its claim is frozen: correct
        it first); an unknown place raises :class:`InputError` naming ``place_of_service``.
        The same place again changes nothing."""
        place = check_place(place_of_service)
        with self.ctx.db.transaction():
            # read inside the write's transaction: another workstation may finalize meanwhile
            visit = self._open_visit_row(visit_id)
            if visit.place_of_service == place:
                return self.visit_state(visit_id)
            visits.set_place_of_service(self.ctx.db, visit_id, place)
            self.ctx.audit(
                "place_of_service_set",
                "visit",
                visit_id,
                "",
                covers=[("visit", visit_id)],
                before=visit.place_of_service,
                place_of_service=place,
            )
        return self.visit_state(visit_id)

    def set_line_modifiers(self, visit_id: int, code: str, modifiers: Iterable[str]) -> VisitState:
        """Put the chosen modifiers (59/X{EPSU}, GA/GZ/GX/GY) on ``code`` of an open visit,
        replacing those chosen before; 52/76/77 and the rest are refused with the reason."""
        visit = self._open_visit_row(visit_id)
        rows = visits.codes_of_visit(self.ctx.db, visit_id)
        row = next((c for c in rows if c.code == code), None)
        if row is None:
            raise InputError("code", f"{code} is not on visit {visit_id}")
        entry = self.ctx.book.year(visit.date_of_service.year).code(code)
        timed = entry.timed if entry is not None else True
        chosen = check_choice(code, timed, list(modifiers), "modifiers")
        before = claim_marks.modifiers_of_visit(self.ctx.db, visit_id).get(code, ())
        if sorted(before) == sorted(chosen):
            return self.visit_state(visit_id)
        with self.ctx.db.transaction():
            claim_marks.set_modifiers(self.ctx.db, row.id, chosen)
            self.ctx.audit(
                "line_modifiers_set",
                "visit",
                visit_id,
                "",
                code=code,
                before=sorted(before),
                modifiers=list(chosen),
            )
        return self.visit_state(visit_id)

    def add_distinct_modifier(self, visit_id: int, code: str, modifier: str) -> VisitState:
        """The NCCI warning's one action: ``modifier`` (59, XE, XS, XP or XU) on the column-2
        ``code``, in place of another distinct-service modifier chosen before."""
        if modifier not in DISTINCT:
            raise InputError("modifier", f"must be one of {', '.join(DISTINCT)}, got {modifier!r}")
        current = claim_marks.modifiers_of_visit(self.ctx.db, visit_id).get(code, ())
        kept = [m for m in current if m not in DISTINCT]
        return self.set_line_modifiers(visit_id, code, [*kept, modifier])

    def confirm_kx(self, patient_id: int, year: int, by: str) -> bool:
        """Record once per patient and year that the clinician confirmed the record shows
        medical necessity (KX). False when it was already confirmed."""
        by = by.strip()
        if not by:
            raise InputError("confirmed_by", "say who confirms (the clinician's name)")
        conn = self.ctx.db
        if claim_marks.kx_confirmation(conn, patient_id, year) is not None:
            return False
        with self.ctx.db.transaction():
            claim_marks.insert_kx_confirmation(conn, patient_id, year, by, self.ctx.now())
            self.ctx.audit("kx_confirmed", "patient", patient_id, "", year=year, confirmed_by=by)
        return True

    def record_abn(
        self,
        patient_id: int,
        signed_on: date,
        codes: Sequence[str] = (),
        last_day: date | None = None,
    ) -> int:
        """Keep an ABN the patient signed: the lines it covers (``codes``; none: every code)
        from ``signed_on`` to ``last_day`` take GA, and no KX."""
        if last_day is not None and last_day < signed_on:
            raise InputError("last_day", "must be on or after the day the ABN was signed")
        clean = tuple(dict.fromkeys(c.strip().upper() for c in codes if c.strip()))
        with self.ctx.db.transaction():
            abn_id = claim_marks.insert_abn(self.ctx.db, patient_id, signed_on, last_day, clean)
            self.ctx.audit(
                "abn_recorded",
                "patient",
                patient_id,
                "",
                abn_id=abn_id,
                signed_on=signed_on.isoformat(),
                last_day=last_day.isoformat() if last_day else None,
                codes=list(clean),
            )
        return abn_id

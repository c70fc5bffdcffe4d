"""The claim around a visit's minutes (claims.md §1–2): the modifiers chosen per code, the ABN on
file, the place of service, the clinician's KX confirmation for the year and the day's lines of
the other disciplines (MPPR per patient per day). Read into :class:`ClaimContext` with the
visit; changed through :class:`~chargeclock.services.visit_claim.ClaimEdits`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from msgspec import Struct, field

from chargeclock.domain.visit_types import DayLine
from chargeclock.services.context import Context
from chargeclock.storage import claim_marks
from chargeclock.storage.records import VisitRow


class ClaimContext(Struct, frozen=True):
    """What the engine needs besides the minutes to write a visit's claim lines."""

    line_modifiers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    abn_on_file: bool = False
    abn_codes: frozenset[str] = frozenset()
    place_of_service: str = "11"
    kx_confirmed: bool | None = None
    other_day_lines: tuple[DayLine, ...] = ()


def read_claim_context(ctx: Context, visit: VisitRow, sibling_ids: Sequence[int]) -> ClaimContext:
    """The context of ``visit``'s day: its own chosen modifiers and those of its finalized
    same-day siblings (billed with it as one day), the ABNs covering the date, the year's KX
    confirmation and the other disciplines' finalized lines."""
    conn = ctx.db
    chosen: dict[str, tuple[str, ...]] = {}
    for visit_id in (*sibling_ids, visit.id):
        for code, mods in claim_marks.modifiers_of_visit(conn, visit_id).items():
            chosen[code] = tuple(dict.fromkeys((*chosen.get(code, ()), *mods)))
    abns = [
        a
        for a in claim_marks.abns_of_patient(conn, visit.patient_id)
        if a.covers(visit.date_of_service)
    ]
    codes: frozenset[str] = frozenset()
    if abns and all(a.codes for a in abns):
        codes = frozenset(c for a in abns for c in a.codes)
    year = visit.date_of_service.year
    confirmed = claim_marks.kx_confirmation(conn, visit.patient_id, year) is not None
    others = claim_marks.other_discipline_lines(
        conn, visit.patient_id, visit.date_of_service, visit.discipline
    )
    return ClaimContext(
        line_modifiers=chosen,
        abn_on_file=bool(abns),
        abn_codes=codes,
        place_of_service=visit.place_of_service,
        kx_confirmed=confirmed,
        other_day_lines=tuple(DayLine(c, u, a) for c, u, a in others),
    )

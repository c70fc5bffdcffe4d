"""Warnings about a visit's claim lines as they will leave the clinic, each with the reason code
(CARC) a payer would deny the claim with (claims.md §3). They never change a number.
"""

from __future__ import annotations

from collections.abc import Sequence

from msgspec import structs

from chargeclock.domain.fees import money
from chargeclock.domain.modifiers import DISTINCT, MAX_MODIFIERS, has_distinct
from chargeclock.domain.payer_kinds import PayerKind
from chargeclock.domain.rulebook import RuleYear
from chargeclock.domain.visit_types import ClaimLine, KxStatus, VisitInput
from chargeclock.domain.warnings import VisitWarning

#: the reason code each kind of warning would be denied with (claims.md §3)
CARCS: dict[str, str] = {
    "ncci": "CO-236",
    "medicare_bundled": "CO-97",
    "discipline_mismatch": "CO-4",
    "modifier_count": "CO-4",
    "modifier_misfit": "CO-4",
    "kx_unconfirmed": "CO-50",
    "kx_missing": "CO-50",
    "therapy_modifier_missing": "CO-4",
}


def with_carc(warning: VisitWarning) -> VisitWarning:
    """The warning with its CARC filled in, when its kind would get the claim denied."""
    carc = CARCS.get(warning.kind, "")
    if warning.carc or not carc:
        return warning
    return structs.replace(warning, carc=carc)


def claim_line_warnings(
    visit: VisitInput, lines: Sequence[ClaimLine], rules: RuleYear, kx: KxStatus
) -> list[VisitWarning]:
    """More than four modifiers on a line; a distinct-service modifier on a code that is not
    the column-2 code of a pair billed that day; KX without the clinician's confirmation; a
    Medicare Part B payer set to take no GP/GO/GN, or no KX above the threshold."""
    out: list[VisitWarning] = []
    payer = visit.payer
    if payer.kind is PayerKind.MEDICARE_B and lines and not payer.therapy_modifiers:
        out.append(
            VisitWarning(
                "therapy_modifier_missing",
                tuple(dict.fromkeys(line.code for line in lines)),
                "Medicare therapy lines need GP/GO/GN, and this payer is set to take none "
                "(Settings → Payers)",
            )
        )
    if payer.kind is PayerKind.MEDICARE_B and not payer.kx and kx.ytd_after >= kx.threshold:
        out.append(
            VisitWarning(
                "kx_missing",
                (),
                f"the year-to-date reaches the {money(kx.threshold)} KX threshold but this "
                "Medicare payer is set to take no KX (Settings → Payers)",
            )
        )
    for line in lines:
        if len(line.modifiers) > MAX_MODIFIERS:
            out.append(
                VisitWarning(
                    "modifier_count",
                    (line.code,),
                    f"{line.code} {' '.join(line.modifiers)}: {len(line.modifiers)} modifiers, "
                    f"a claim line holds {MAX_MODIFIERS}; remove one the payer does not need",
                )
            )
    billed = {line.code for line in lines}
    column2 = {p.column2 for p in rules.pairs if p.column1 in billed and p.column2 in billed}
    for code, chosen in visit.line_modifiers.items():
        if has_distinct(chosen) and code in billed and code not in column2:
            mark = next(m for m in chosen if m in DISTINCT)
            out.append(
                VisitWarning(
                    "modifier_misfit",
                    (code,),
                    f"{mark} on {code}: it goes on the column-2 code of a code pair billed "
                    f"the same day, and no billed pair has {code} there",
                )
            )
    if visit.kx_confirmed is False and any("KX" in line.modifiers for line in lines):
        out.append(
            VisitWarning(
                "kx_unconfirmed",
                tuple(dict.fromkeys(line.code for line in lines if "KX" in line.modifiers)),
                f"KX goes on this visit's lines: confirm once for {visit.date_of_service.year} "
                "that the record shows the therapy is medically necessary",
            )
        )
    return [with_carc(w) for w in out]

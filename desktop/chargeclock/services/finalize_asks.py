"""What finalize asks before it freezes a visit's claim (issue: "Finalize asks"): every warning
that would get the claim denied (it has a CARC), every review flag, a tie still on the app's
default, and every line without a clinic charge. Each has an action that settles it; all but a
missing charge can instead be overridden with a reason, which the finalize entry of the audit
log keeps. A line is never frozen without a charge: the clinician enters one."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from msgspec import Struct

from chargeclock.domain.calculation import VisitResult
from chargeclock.domain.errors import InputError
from chargeclock.services.minutes import VisitState

#: what each kind of item's action does, in the dialog's words
ACTIONS = {
    "ncci": "add 59, XE, XP, XS or XU on the column-2 code",
    "kx_unconfirmed": "confirm KX for the year",
    "tie": "keep the allocation shown",
    "charge": "enter the clinic's charge for the code",
    "modifier_count": "remove a modifier (Modifiers…, or the payer's settings)",
}
#: what no reason can wave through: a line needs a charge, and a claim line holds four modifiers
MUST_SETTLE = ("charge", "modifier_count")


class Unresolved(Struct, frozen=True):
    """One thing to settle before finalize: ``key`` names it in ``overrides``."""

    key: str
    kind: str  # a warning kind, "review", "tie" or "charge"
    codes: tuple[str, ...]
    text: str
    carc: str = ""
    settled_by: str = ""  # as VisitWarning.settled_by

    @property
    def action(self) -> str:
        return ACTIONS.get(self.kind, "")

    @property
    def overridable(self) -> bool:
        return self.kind not in MUST_SETTLE


def unresolved(
    state: VisitState, result: VisitResult, charges: Mapping[str, Decimal]
) -> list[Unresolved]:
    """What stands between ``state`` and a claim a payer pays, in the order the dialog lists."""
    items: list[Unresolved] = []
    for w in result.warnings:
        if w.carc:
            key = f"{w.kind}:{' '.join(w.codes)}"
            items.append(Unresolved(key, w.kind, w.codes, w.message, w.carc, w.settled_by))
    for r in result.review:
        items.append(Unresolved(f"review:{r.code}", "review", (r.code,), r.reason))
    if result.alternatives and state.tie_choice is None:
        chosen = ", ".join(result.tie_choice)
        items.append(
            Unresolved(
                "tie",
                "tie",
                result.tie_choice,
                f"tie: the leftover units go to {chosen} by the app's default; the clinician "
                "chooses (the switches on the panel)",
            )
        )
    for code in dict.fromkeys(line.code for line in result.claim_lines):
        if code not in charges:
            items.append(
                Unresolved(
                    f"charge:{code}",
                    "charge",
                    (code,),
                    f"{code} has no clinic charge: the line cannot be frozen without one",
                )
            )
    return items


def check_settled(items: Sequence[Unresolved], overrides: Mapping[str, str]) -> dict[str, str]:
    """The overrides that apply (key -> reason), or :class:`InputError` naming the first item
    still open."""
    used: dict[str, str] = {}
    for item in items:
        reason = overrides.get(item.key, "").strip()
        if not item.overridable:
            field = "charge" if item.kind == "charge" else "modifiers"
            raise InputError(field, f"{item.text}; {item.action} and finalize again")
        if not reason:
            raise InputError(
                "finalize", f"{item.text} — settle it ({item.action or 'fix it'}) or give a reason"
            )
        used[item.key] = reason
    return used

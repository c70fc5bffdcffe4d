"""Payer kinds and the defaults each gives (claims.md §1).

A payer's kind says which rules it follows by default: how units are counted, whether lines take
GP/GO/GN, CQ/CO and KX, and whether the Medicare edits (97010 bundled, 97014 invalid) apply.
Every default can be changed per payer; the kind alone decides whether a visit's allowed amounts
count toward the patient's KX year-to-date (Medicare Part B only).
"""

from __future__ import annotations

from enum import StrEnum

from msgspec import Struct


class PayerKind(StrEnum):
    MEDICARE_B = "medicare_b"
    MEDICARE_ADVANTAGE = "medicare_advantage"
    MEDICAID = "medicaid"
    COMMERCIAL = "commercial"
    WORKERS_COMP = "workers_comp"
    AUTO = "auto"
    SELF_PAY = "self_pay"

    @property
    def counts_toward_kx(self) -> bool:
        """Only Part B allowed amounts make up the KX year-to-date (claims.md §1) [CMS]."""
        return self is PayerKind.MEDICARE_B

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS: dict[PayerKind, str] = {
    PayerKind.MEDICARE_B: "Medicare Part B",
    PayerKind.MEDICARE_ADVANTAGE: "Medicare Advantage",
    PayerKind.MEDICAID: "Medicaid",
    PayerKind.COMMERCIAL: "Commercial",
    PayerKind.WORKERS_COMP: "Workers' compensation",
    PayerKind.AUTO: "Auto",
    PayerKind.SELF_PAY: "Self-pay",
}

TELEHEALTH_MODIFIERS = ("95", "GT", "")  # "" : the payer takes no telehealth modifier


class KindDefaults(Struct, frozen=True):
    """What a new payer of a kind starts with (every field editable per payer)."""

    unit_method: str  # cms / per_code
    assistant_modifiers: bool  # CQ / CO
    kx: bool  # track the threshold and add KX
    medicare: bool  # Medicare edits: 97010 bundled, 97014 invalid
    therapy_modifiers: bool  # GP / GO / GN on every therapy line
    habilitative_modifiers: bool  # 96 / 97 on every line
    telehealth_modifier: str  # 95, GT or "" (none)


_DEFAULTS: dict[PayerKind, KindDefaults] = {
    PayerKind.MEDICARE_B: KindDefaults("cms", True, True, True, True, False, "95"),
    # Per plan; most follow Medicare's units and modifiers but not its KX threshold.
    PayerKind.MEDICARE_ADVANTAGE: KindDefaults("cms", True, False, True, True, False, "95"),
    PayerKind.MEDICAID: KindDefaults("per_code", False, False, False, True, False, "95"),
    PayerKind.COMMERCIAL: KindDefaults("per_code", False, False, False, True, False, "95"),
    PayerKind.WORKERS_COMP: KindDefaults("per_code", False, False, False, True, False, "95"),
    PayerKind.AUTO: KindDefaults("per_code", False, False, False, True, False, "95"),
    PayerKind.SELF_PAY: KindDefaults("per_code", False, False, False, False, False, ""),
}


def kind_defaults(kind: PayerKind) -> KindDefaults:
    return _DEFAULTS[kind]


def kind_for_legacy(medicare: bool) -> PayerKind:
    """The kind of a payer described only by its Medicare flag (the calc input without
    ``kind``, a payer added before kinds existed): Medicare means Part B."""
    return PayerKind.MEDICARE_B if medicare else PayerKind.COMMERCIAL


class PayerModifiers(Struct, frozen=True):
    """The payer's kind and the modifiers it wants (migration 0009)."""

    kind: str = "commercial"
    therapy_modifiers: bool = True
    habilitative_modifiers: bool = False
    telehealth_modifier: str = "95"

    def values(self) -> tuple[str, int, int, str]:
        return (
            self.kind,
            int(self.therapy_modifiers),
            int(self.habilitative_modifiers),
            self.telehealth_modifier,
        )

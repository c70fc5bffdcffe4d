"""A claim line's modifiers: which a person may add, and their order on the line (claims.md §2).

The engine's own modifiers (GP/GO/GN, CQ/CO, KX) and the payer's (96/97, 95/GT) are added by
the rules; a person adds only a distinct-service modifier (59, XE, XS, XP, XU) on the column-2
code of an NCCI pair, or a liability modifier (GA, GZ, GX, GY). 52, 76 and 77 are refused on
timed codes, with the reason. A line holds at most four; a fifth is a warning (CO-4), never
dropped silently. GA or GZ on a line takes the place of KX.
"""

from __future__ import annotations

from collections.abc import Iterable

from chargeclock.domain.errors import InputError

DISTINCT = ("59", "XE", "XS", "XP", "XU")
THERAPY = ("GP", "GO", "GN")
ASSISTANT = ("CQ", "CO")
HABILITATIVE = ("96", "97")
TELEHEALTH = ("95", "GT")
LIABILITY = ("GA", "GZ", "GX", "GY")
#: the documented order on the line, group by group
ORDER: tuple[tuple[str, ...], ...] = (
    DISTINCT,
    THERAPY,
    ASSISTANT,
    HABILITATIVE,
    TELEHEALTH,
    ("KX",),
    LIABILITY,
)
#: what a person may put on a line (the rest comes from the rules)
CHOOSABLE = frozenset(DISTINCT + LIABILITY)
#: a line carries at most this many (CMS-1500 item 24D, 837P)
MAX_MODIFIERS = 4
#: places of service that mean telehealth: 02 (not at home), 10 (in the patient's home)
TELEHEALTH_PLACES = ("02", "10")

_NOT_ON_TIMED = {
    "52": "a shortened timed service is billed by its minutes, not with 52",
    "76": "a second session the same day is pooled with the first (one day's units), not 76",
    "77": "a second session the same day is pooled with the first (one day's units), not 77",
}

MEANINGS = {
    "59": "distinct procedural service",
    "XE": "separate encounter",
    "XS": "separate structure",
    "XP": "separate practitioner",
    "XU": "unusual non-overlapping service",
    "GA": "ABN on file",
    "GZ": "expected denial, no ABN",
    "GX": "voluntary notice, non-covered",
    "GY": "not a Medicare benefit",
}


def _rank(modifier: str) -> int:
    for rank, group in enumerate(ORDER):
        if modifier in group:
            return rank
    return len(ORDER)


def ordered(modifiers: Iterable[str]) -> tuple[str, ...]:
    """``modifiers`` once each, in the documented order (within a group, as given)."""
    unique = list(dict.fromkeys(modifiers))
    return tuple(sorted(unique, key=_rank))


def check_choice(code: str, timed: bool, modifiers: Iterable[str], where: str) -> tuple[str, ...]:
    """The modifiers a person chose for ``code``, checked and in order; a wrong one raises
    :class:`InputError` naming ``where`` and saying why."""
    chosen: list[str] = []  # written as payers print them: "59", "XE" (not "xe")
    for modifier in modifiers:
        if modifier in _NOT_ON_TIMED and timed:
            raise InputError(where, f"{modifier} is not used on {code}: {_NOT_ON_TIMED[modifier]}")
        if modifier not in CHOOSABLE:
            raise InputError(
                where,
                f"{modifier or 'an empty modifier'} cannot be added by hand to {code}: choose "
                f"from {', '.join(DISTINCT + LIABILITY)} (the others come from the payer and "
                "the rules)",
            )
        chosen.append(modifier)
    liability = [m for m in chosen if m in LIABILITY]
    if len(liability) > 1:
        raise InputError(where, f"{code} takes one of GA/GZ/GX/GY, not {' and '.join(liability)}")
    distinct = [m for m in chosen if m in DISTINCT]
    if len(distinct) > 1:
        raise InputError(
            where, f"{code} takes one distinct-service modifier, not {' and '.join(distinct)}"
        )
    return ordered(chosen)


def takes_kx(modifiers: Iterable[str]) -> bool:
    """A line with GA or GZ (an expected denial) does not also certify necessity with KX."""
    return not any(m in ("GA", "GZ") for m in modifiers)


def has_distinct(modifiers: Iterable[str]) -> bool:
    return any(m in DISTINCT for m in modifiers)


def is_telehealth(place_of_service: str) -> bool:
    return place_of_service in TELEHEALTH_PLACES


def payer_modifiers(
    *, habilitative_required: bool, habilitative: bool, telehealth_modifier: str, place: str
) -> tuple[str, ...]:
    """What the payer puts on every line: 96/97 when it requires them (the plan of care says
    which; rehabilitative by default), 95/GT when the place of service is telehealth."""
    out: list[str] = []
    if habilitative_required:
        out.append("96" if habilitative else "97")
    if telehealth_modifier and is_telehealth(place):
        out.append(telehealth_modifier)
    return tuple(out)


def assemble(
    *,
    engine: Iterable[str],
    payer: Iterable[str],
    chosen: Iterable[str],
    abn: bool,
    kx: bool,
) -> tuple[str, ...]:
    """One line's modifiers, in order: the engine's (GP/GO/GN, CQ/CO), the payer's, the ones
    chosen by hand, GA when an ABN covers the line (unless a liability modifier was chosen),
    and KX when the threshold is reached and no GA/GZ is on the line. Never cut to four: the
    count is checked (a warning) so nothing is dropped unseen."""
    picked = list(chosen)
    if abn and not any(m in LIABILITY for m in picked):
        picked.append("GA")
    line = [*engine, *payer, *picked]
    if kx and takes_kx(line):
        line.append("KX")
    return ordered(line)

"""Warnings a visit raises. They never change a number (calc-contract.md).

Code pairs (NCCI, rules.md §7) come from the year's data; the Medicare warnings (97010 bundled,
97014 invalid: use G0283) come from each code's Medicare status in the catalogue (rules.md §1).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

from msgspec import Struct

from chargeclock.domain.fees import money
from chargeclock.domain.modifiers import DISTINCT
from chargeclock.domain.rulebook import Code, Discipline, RuleYear

if TYPE_CHECKING:
    from chargeclock.domain.visit_types import KxStatus


class VisitWarning(Struct, frozen=True):
    """A compliance warning about a visit: its kind, the codes it names and the message."""

    kind: str
    codes: tuple[str, ...]
    message: str
    carc: str = ""  # the reason code a payer would deny with (claims.md §3); "" none
    #: what the clinician can do to settle it on the line: "distinct_modifier" (59/X{EPSU} on
    #: the column-2 code of a pair that takes one), or "" (nothing on the line settles it)
    settled_by: str = ""


class _Minutes(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def pta_minutes(self) -> int: ...
    @property
    def overlap_minutes(self) -> int: ...
    @property
    def assistant_furnished(self) -> bool: ...


def _article(discipline: Discipline) -> str:
    return "an" if discipline is Discipline.OT else "a"


def _pair_message(column1: str, column2: str, indicator: str) -> str:
    if indicator == "0":
        return f"{column1} and {column2} are never paid together on one day"
    if indicator == "1":
        return (
            f"{column1} with {column2}: bill both only for distinct services, with modifier 59 "
            f"or XE/XS/XP/XU on {column2} (the column-2 code); none was added"
        )
    return (
        f"{column1} with {column2}: NCCI says {column2} is not separately reportable with "
        f"{column1} on the same day; check before billing both"
    )


def visit_warnings(
    *,
    rules: RuleYear,
    discipline: Discipline,
    medicare: bool,
    codes: Sequence[Code],
    services: Sequence[_Minutes],
    units: Sequence[int],
    unknown_fee_codes: Sequence[str],
    kx: KxStatus,
    kx_tracked: bool = True,
    chosen_modifiers: Mapping[str, Sequence[str]] | None = None,
) -> list[VisitWarning]:
    warnings: list[VisitWarning] = []
    billed = {c.code for c, u in zip(codes, units, strict=True) if u > 0}
    chosen = chosen_modifiers or {}
    for pair in rules.pairs:
        if pair.column1 in billed and pair.column2 in billed:
            distinct = any(m in DISTINCT for m in chosen.get(pair.column2, ()))
            if distinct and pair.modifier_indicator == "1":
                continue  # settled: the clinician marked the column-2 code a distinct service
            warnings.append(
                VisitWarning(
                    "ncci",
                    (pair.column1, pair.column2),
                    _pair_message(pair.column1, pair.column2, pair.modifier_indicator),
                    settled_by="distinct_modifier" if pair.modifier_indicator == "1" else "",
                )
            )
    for code, service in zip(codes, services, strict=True):
        if medicare and code.medicare_status == "B":
            warnings.append(
                VisitWarning(
                    "medicare_bundled",
                    (code.code,),
                    f"{code.code} is bundled under Medicare (status B): never paid separately; "
                    "do not bill the patient for it",
                )
            )
        if medicare and code.medicare_status == "I":
            instead = f"; use {code.medicare_replacement}" if code.medicare_replacement else ""
            warnings.append(
                VisitWarning(
                    "medicare_invalid_code",
                    (code.code,),
                    f"{code.code} is not valid for Medicare{instead}",
                )
            )
        if code.is_evaluation and (service.pta_minutes or service.assistant_furnished):
            warnings.append(
                VisitWarning(
                    "assistant_on_evaluation",
                    (code.code,),
                    f"{code.code} is an evaluation, furnished by the therapist: the assistant's "
                    f"{service.pta_minutes} min cannot be billed as assistant time (no CQ/CO line)",
                )
            )
        if discipline not in code.disciplines:
            allowed = "/".join(sorted(code.disciplines))
            warnings.append(
                VisitWarning(
                    "discipline_mismatch",
                    (code.code,),
                    f"{code.code} is a {allowed} code on {_article(discipline)} {discipline} "
                    "visit; computed anyway",
                )
            )
        if service.overlap_minutes:
            warnings.append(
                VisitWarning(
                    "overlap",
                    (code.code,),
                    f"{code.code}: {service.overlap_minutes} min overlap another one-on-one code; "
                    "a patient cannot receive two one-on-one services in the same minute",
                )
            )
    warnings += provisional_warnings(rules, codes)
    unknown = tuple(dict.fromkeys(unknown_fee_codes))
    if unknown:
        names = ", ".join(unknown)
        warnings.append(
            VisitWarning(
                "fee_unknown",
                unknown,
                f"no {rules.year} allowed amount for {names}; KX tracking is incomplete",
            )
        )
    if kx_tracked and kx.over_review_threshold:
        warnings.append(
            VisitWarning(
                "review_threshold",
                (),
                f"year-to-date {money(kx.ytd_after)} reaches the {money(kx.review_threshold)} "
                "targeted medical review level: claims may be reviewed",
            )
        )
    return warnings


def provisional_message(year: int, figures_year: int) -> str:
    """The words of the visit screen's banner and the calc warning."""
    return (
        f"{year} Medicare figures are not loaded — using {figures_year}'s; import them "
        "(Settings → Rule data, or chargeclock import-rules)"
    )


def provisional_warnings(rules: RuleYear, codes: Sequence[Code]) -> list[VisitWarning]:
    """A year billed with an earlier year's figures or fee schedule says so."""
    out = []
    if rules.provisional:
        out.append(
            VisitWarning(
                "rules_provisional", (), provisional_message(rules.year, rules.figures_year)
            )
        )
    borrowed = tuple(dict.fromkeys(c.code for c in codes if c.code in rules.borrowed_fees))
    if borrowed and rules.fees_year is not None:
        out.append(
            VisitWarning(
                "fees_provisional",
                borrowed,
                f"the {rules.year} fee schedule is not loaded: the allowed amounts of "
                f"{', '.join(borrowed)} are {rules.fees_year}'s (estimates); import the "
                f"{rules.year} schedule (chargeclock import-pfs)",
            )
        )
    return out

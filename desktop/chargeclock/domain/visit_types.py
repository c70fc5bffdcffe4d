"""The billing engine's input and output: what a visit is made of (:class:`VisitInput`) and
what :func:`chargeclock.domain.calculation.calculate` answers (:class:`VisitResult`, its claim
lines, KX standing and alternatives). Immutable values; no logic beyond derived totals."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from enum import StrEnum

from msgspec import Struct, field

from chargeclock.domain.payer_kinds import PayerKind, kind_defaults
from chargeclock.domain.rulebook import Discipline
from chargeclock.domain.warnings import VisitWarning

MAX_MINUTES = 1440


class UnitMethod(StrEnum):
    CMS = "cms"  # total time, Medicare (MCPM ch. 5 §20.2)
    PER_CODE = "per_code"  # AMA midpoint, each code on its own


class PayerRules(Struct, frozen=True):
    """How the payer bills: unit method, assistant modifiers, KX, Medicare edits, and (from
    its kind, claims.md §1) GP/GO/GN, 96/97 and the telehealth modifier."""

    unit_method: UnitMethod = UnitMethod.CMS
    assistant_modifiers: bool = True
    kx: bool = True
    medicare: bool = True
    kind: PayerKind = PayerKind.MEDICARE_B
    therapy_modifiers: bool = True  # GP / GO / GN on every line
    habilitative_modifiers: bool = False  # 96 / 97 on every line
    telehealth_modifier: str = "95"  # with place of service 02 or 10; "" none


def kind_rules(kind: PayerKind) -> PayerRules:
    """A payer of ``kind`` with every setting at the kind's default (claims.md §1)."""
    d = kind_defaults(kind)
    return PayerRules(
        unit_method=UnitMethod(d.unit_method),
        assistant_modifiers=d.assistant_modifiers,
        kx=d.kx,
        medicare=d.medicare,
        kind=kind,
        therapy_modifiers=d.therapy_modifiers,
        habilitative_modifiers=d.habilitative_modifiers,
        telehealth_modifier=d.telehealth_modifier,
    )


class ServiceMinutes(Struct, frozen=True):
    """A code's whole minutes: ``pt_minutes`` by the therapist (together-time included),
    ``pta_minutes`` by the assistant alone; ``overlap_minutes`` with another one-on-one code."""

    code: str
    pt_minutes: int = 0
    pta_minutes: int = 0
    overlap_minutes: int = 0
    assistant_furnished: bool = False

    @property
    def minutes(self) -> int:
        return self.pt_minutes + self.pta_minutes


class PlaceMinutes(Struct, frozen=True):
    """A code's whole minutes at one place of service: a pooled day's visits may have been at
    different places (the office in the morning, telehealth in the afternoon)."""

    place_of_service: str
    pt_minutes: int = 0
    pta_minutes: int = 0

    @property
    def minutes(self) -> int:
        return self.pt_minutes + self.pta_minutes


class DayLine(Struct, frozen=True):
    """A claim line of another discipline the same day: it may hold the day's full-paid unit."""

    code: str
    units: int
    assistant: bool = False


def _zero_ytd() -> dict[str, Decimal]:
    return {"pt_slp": Decimal("0"), "ot": Decimal("0")}


class VisitInput(Struct, frozen=True):
    """Everything the engine needs to bill one visit (or a pooled same-day day)."""

    date_of_service: date
    discipline: Discipline = Discipline.PT
    payer: PayerRules = field(default_factory=PayerRules)
    services: tuple[ServiceMinutes, ...] = ()
    ytd_allowed: Mapping[str, Decimal] = field(default_factory=_zero_ytd)
    # The clinician's pick in a tie: the codes that take the contested leftover units. Ignored
    # (with a trace line) when the minutes no longer make that tie.
    tie_choice: tuple[str, ...] | None = None
    # Modifiers a person chose per code (59/X{EPSU}, GA/GZ/GX/GY), checked and ordered.
    line_modifiers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # An ABN on file for this date: GA on the codes it covers (empty: every code), no KX there.
    abn_on_file: bool = False
    abn_codes: frozenset[str] = frozenset()
    place_of_service: str = "11"
    habilitative: bool = False  # the plan of care says habilitative (96), else rehabilitative (97)
    # Whether the clinician confirmed this year's KX for the patient; None: not asked (calc).
    kx_confirmed: bool | None = None
    # The patient's claim lines of the other disciplines that day (MPPR is per patient per day).
    other_day_lines: tuple[DayLine, ...] = ()
    # A pooled day at more than one place: per code, its minutes at each place, in the order of
    # each place's first minute that day. A code not listed was all at ``place_of_service``.
    # Units are computed on the day as a whole; the lines are then split by place
    # (:mod:`chargeclock.domain.place_split`).
    place_minutes: Mapping[str, tuple[PlaceMinutes, ...]] = field(default_factory=dict)


class ServiceResult(Struct, frozen=True):
    """One code's minutes and units as billed, with its assistant share."""

    code: str
    label: str
    timed: bool
    unit_minutes: int
    pt_minutes: int
    pta_minutes: int
    minutes: int
    units: int
    assistant_units: int
    assistant_reason: str = ""  # why the units carry CQ/CO or not, when an assistant took part


class ClaimLine(Struct, frozen=True):
    """One line of the claim: code, modifiers in order, units, allowed amount, and the place of
    service its minutes were given at ("" : the visit's)."""

    code: str
    modifiers: tuple[str, ...]
    units: int
    allowed: Decimal | None
    assistant: bool
    place_of_service: str = ""


class KxStatus(Struct, frozen=True):
    """Where the patient stands against the yearly KX threshold before and after this visit."""

    bucket: str
    threshold: Decimal
    ytd_before: Decimal
    ytd_after: Decimal
    applies: bool
    review_threshold: Decimal
    over_review_threshold: bool
    complete: bool

    @property
    def remaining(self) -> Decimal:
        """Dollars left before the threshold after this visit (0 once reached)."""
        return max(Decimal("0.00"), self.threshold - self.ytd_after)


class AlternativeService(Struct, frozen=True):
    """One code's units in an alternative allocation of a tie."""

    code: str
    units: int
    assistant_units: int


class Alternative(Struct, frozen=True):
    """Another allocation of tied units the clinician may pick, with its total."""

    services: tuple[AlternativeService, ...]
    allowed_total: Decimal
    tie_choice: tuple[str, ...]  # pass back as ``VisitInput.tie_choice`` to bill this one


class ReviewItem(Struct, frozen=True):
    """A code the biller should look at, and why."""

    code: str
    reason: str


class VisitResult(Struct, frozen=True):
    """The engine's answer for a visit: units, claim lines, KX, warnings and the trace."""

    rule_year: int
    unit_method: UnitMethod
    discipline: Discipline
    total_timed_minutes: int
    total_treatment_minutes: int
    timed_units: int
    next_unit_in_minutes: int | None
    services: tuple[ServiceResult, ...]
    claim_lines: tuple[ClaimLine, ...]
    kx: KxStatus
    alternatives: tuple[Alternative, ...]
    alternatives_truncated: bool
    tie_choice: tuple[str, ...]  # the codes that took the contested units (empty: no tie)
    review: tuple[ReviewItem, ...]
    warnings: tuple[VisitWarning, ...]
    trace: tuple[str, ...]
    # The year whose Medicare figures priced the visit: ``rule_year`` itself, or an earlier year
    # standing in while the year's own are not loaded (then a ``rules_provisional`` warning).
    rule_data_year: int = 0
    # The fee schedule year of the amounts (None: no schedule; earlier: ``fees_provisional``).
    fees_year: int | None = None
    payer_kind: str = "medicare_b"

    @property
    def provisional(self) -> bool:
        """Priced, wholly or partly, with an earlier year's figures."""
        return self.rule_data_year != self.rule_year or any(
            w.kind == "fees_provisional" for w in self.warnings
        )

    @property
    def priced_with_year(self) -> int:
        """The earliest year whose figures priced this visit (``rule_year`` when none other)."""
        years = [self.rule_data_year or self.rule_year]
        if self.fees_year is not None and any(w.kind == "fees_provisional" for w in self.warnings):
            years.append(self.fees_year)
        return min(years)

    @property
    def borrowed_data_year(self) -> int | None:
        """The earlier year that priced this visit, or None when its year's own figures did
        (what a frozen bill keeps, and what the superbill prints a note for)."""
        year = self.priced_with_year
        return year if year != self.rule_year else None

    @property
    def allowed_total(self) -> Decimal:
        """Sum of the known line amounts (see ``kx.complete`` for whether all were known)."""
        return sum((line.allowed or Decimal("0") for line in self.claim_lines), Decimal("0"))

    @property
    def assistant_units(self) -> int:
        return sum(s.assistant_units for s in self.services)

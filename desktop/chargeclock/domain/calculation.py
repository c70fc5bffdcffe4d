"""One visit's (or one day's) billing: units, assistant modifiers, allowed amounts, KX, warnings,
with a trace in plain words that a biller can redo by hand.

Input: per-code, per-role whole minutes and the year's rule data. Output: an immutable
:class:`VisitResult`. Pure: no I/O beyond the :class:`RuleBook` the caller hands in.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from enum import StrEnum

from msgspec import Struct, field

from chargeclock.domain.assistant import AssistantSplit, split_timed, split_untimed
from chargeclock.domain.errors import InputError, RuleDataError
from chargeclock.domain.fees import LineToPrice, money, price_lines
from chargeclock.domain.rulebook import Code, Discipline, RuleBook, RuleYear
from chargeclock.domain.threshold import walk_kx
from chargeclock.domain.units import (
    Allocation,
    allocate_total_time,
    minutes_range,
    minutes_to_next_unit,
    units_for_minutes,
)
from chargeclock.domain.warnings import VisitWarning, visit_warnings

MAX_MINUTES = 1440
MAX_ALTERNATIVES = 20
# Tie choices evaluated exactly; past this the candidates are ranked by a per-unit estimate first.
MAX_EVALUATED_CHOICES = 256


class UnitMethod(StrEnum):
    CMS = "cms"  # total time, Medicare (MCPM ch. 5 §20.2)
    PER_CODE = "per_code"  # AMA midpoint, each code on its own


class PayerRules(Struct, frozen=True):
    """How the payer bills: unit method, assistant modifiers, KX, Medicare edits."""

    unit_method: UnitMethod = UnitMethod.CMS
    assistant_modifiers: bool = True
    kx: bool = True
    medicare: bool = True


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
    """One line of the claim: code, modifiers in order, units, allowed amount."""

    code: str
    modifiers: tuple[str, ...]
    units: int
    allowed: Decimal | None
    assistant: bool


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


class _Outcome(Struct, frozen=True):
    """One way to bill the visit: units per service and what follows from them."""

    choice: tuple[int, ...]
    units: tuple[int, ...]
    splits: tuple[AssistantSplit, ...]
    lines: tuple[LineToPrice, ...]
    explanations: tuple[str, ...]
    amounts: tuple[Decimal | None, ...]

    @property
    def allowed_total(self) -> Decimal:
        return sum((a for a in self.amounts if a is not None), Decimal("0"))


def _validate(visit: VisitInput, rules: RuleYear) -> list[Code]:
    codes: list[Code] = []
    seen: dict[str, int] = {}
    for index, service in enumerate(visit.services):
        where = f"services[{index}]"
        code = rules.code(service.code)
        if code is None:
            raise InputError(
                f"{where}.code", f"{service.code!r} is not a code in the {rules.year} code list"
            )
        if service.code in seen:
            raise InputError(
                f"{where}.code",
                f"{service.code} appears twice (also services[{seen[service.code]}]); "
                "list each code once with its minutes added",
            )
        seen[service.code] = index
        for name in ("pt_minutes", "pta_minutes", "overlap_minutes"):
            value = getattr(service, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise InputError(f"{where}.{name}", f"must be whole minutes, got {value!r}")
            if not 0 <= value <= MAX_MINUTES:
                raise InputError(
                    f"{where}.{name}",
                    f"must be a whole number of minutes from 0 to {MAX_MINUTES}, got {value}",
                )
        codes.append(code)
    for bucket in ("pt_slp", "ot"):
        amount = visit.ytd_allowed.get(bucket, Decimal("0"))
        if amount < 0:
            raise InputError(f"ytd_allowed.{bucket}", f"must be an amount >= 0, got {amount}")
    return codes


class _Engine:
    """Holds one visit's inputs while its outcomes are built and compared."""

    def __init__(self, visit: VisitInput, rules: RuleYear, codes: Sequence[Code]) -> None:
        self.visit = visit
        self.rules = rules
        self.codes = codes
        self.discipline = visit.discipline
        self.method = visit.payer.unit_method
        self.modifier: str | None = None
        if visit.payer.assistant_modifiers and rules.assistant_modifiers_exist:
            self.modifier = visit.discipline.assistant_modifier
        self.pooled = [
            i
            for i, c in enumerate(codes)
            if c.timed and c.unit_minutes == 15 and self.method is UnitMethod.CMS
        ]
        self.user_choice = False
        self.allocation: Allocation | None = None
        if self.pooled:
            self.allocation = allocate_total_time([visit.services[i].minutes for i in self.pooled])

    def units_for(self, choice: Sequence[int]) -> tuple[int, ...]:
        units = []
        pooled_units = self.allocation.units_with(choice) if self.allocation else ()
        for i, (code, service) in enumerate(zip(self.codes, self.visit.services, strict=True)):
            if not code.timed:
                units.append(1)
            elif i in self.pooled:
                units.append(pooled_units[self.pooled.index(i)])
            else:
                units.append(units_for_minutes(service.minutes, code.unit_minutes))
        return tuple(units)

    def no_modifier_reason(self) -> str:
        if not self.visit.payer.assistant_modifiers:
            return "this payer takes no assistant modifiers"
        if not self.rules.assistant_modifiers_exist:
            return f"assistant modifiers do not exist for {self.rules.year} dates of service"
        return f"{self.discipline} has no assistant modifier"

    def split(self, index: int, units: int) -> AssistantSplit:
        code, service = self.codes[index], self.visit.services[index]
        if code.is_evaluation:
            return AssistantSplit(units, 0, "evaluations are furnished by the therapist")
        if self.modifier is None:
            return AssistantSplit(units, 0, self.no_modifier_reason())
        if code.timed:
            return split_timed(units, service.pt_minutes, service.pta_minutes, code.unit_minutes)
        return split_untimed(service.pt_minutes, service.pta_minutes, service.assistant_furnished)

    def outcome(self, choice: tuple[int, ...]) -> _Outcome:
        units = self.units_for(choice)
        splits = tuple(self.split(i, u) for i, u in enumerate(units))
        lines: list[LineToPrice] = []
        for code, split in zip(self.codes, splits, strict=True):
            if split.therapist_units:
                lines.append(LineToPrice(code.code, split.therapist_units, assistant=False))
            if split.assistant_units:
                lines.append(LineToPrice(code.code, split.assistant_units, assistant=True))
        priced = price_lines(lines, self.rules)
        return _Outcome(
            choice,
            units,
            splits,
            tuple(lines),
            tuple(p.explanation for p in priced),
            tuple(p.allowed for p in priced),
        )

    def unit_estimate(self, pooled_position: int) -> Decimal:
        """A code's single-unit amount, to rank tied candidates when there are too many."""
        code = self.codes[self.pooled[pooled_position]]
        priced = price_lines([LineToPrice(code.code, 1, assistant=False)], self.rules)
        return priced[0].allowed or Decimal("0")

    def choose(self) -> tuple[_Outcome, list[_Outcome], int]:
        """The default outcome, the others ranked, and how many choices existed in all."""
        alloc = self.allocation
        if alloc is None or not alloc.has_choice:
            take = tuple(alloc.tied) if alloc and alloc.tied_take else ()
            return self.outcome(take), [], 1
        minutes = [self.visit.services[i].minutes for i in self.pooled]
        candidates = sorted(
            alloc.tied, key=lambda p: (-self.unit_estimate(p), -minutes[p], self.pooled[p])
        )
        count = math.comb(len(candidates), alloc.tied_take)
        combos = itertools.islice(
            itertools.combinations(candidates, alloc.tied_take), MAX_EVALUATED_CHOICES
        )
        outcomes = [self.outcome(tuple(sorted(c))) for c in combos]
        # Default: the most expected allowed amount, then more minutes on the chosen codes, then
        # the order the codes were added (rules.md §2.4: an app policy, not a CMS rule).
        ranked = sorted(
            outcomes,
            key=lambda o: (
                -o.allowed_total,
                -sum(minutes[p] for p in o.choice),
                [self.pooled[p] for p in o.choice],
            ),
        )
        wanted = self.visit.tie_choice
        if wanted is not None:
            picked = [o for o in ranked if sorted(self.tie_codes(o)) == sorted(wanted)]
            if picked:
                ranked.remove(picked[0])
                ranked.insert(0, picked[0])
                self.user_choice = True
        return ranked[0], ranked[1:], count

    def tie_codes(self, outcome: _Outcome) -> tuple[str, ...]:
        return tuple(self.codes[self.pooled[p]].code for p in outcome.choice)


def _range_text(units: int, unit_minutes: int = 15) -> str:
    low, high = minutes_range(units, unit_minutes)
    return f"{low}-{high}"


def _trace_units(engine: _Engine, chosen: _Outcome, choices: int) -> list[str]:
    visit, codes = engine.visit, engine.codes
    trace: list[str] = []
    alloc = engine.allocation
    if alloc is not None:
        parts = " + ".join(
            f"{codes[i].code} {visit.services[i].minutes} min" for i in engine.pooled
        )
        trace.append(
            f"{parts} = {alloc.total_minutes} timed minutes -> {alloc.total_units} units "
            f"({_range_text(alloc.total_units)})"
        )
        full = "; ".join(
            f"{codes[i].code} {alloc.full_units[p]} ({alloc.leftovers[p]} min left over)"
            for p, i in enumerate(engine.pooled)
        )
        trace.append(f"full 15-minute units first: {full}")
        placed = alloc.total_units - sum(alloc.full_units)
        if placed:
            got = [engine.pooled[p] for p in sorted(alloc.fixed_extra | set(chosen.choice))]
            names = ", ".join(f"{codes[i].code}" for i in got)
            trace.append(
                f"{placed} unit(s) left to place, one each to the largest leftovers: {names}"
            )
        if choices > 1:
            tied = ", ".join(codes[engine.pooled[p]].code for p in alloc.tied)
            trace.append(
                f"tie: {tied} have equal leftover minutes and {alloc.tied_take} of them take a "
                f"unit: the clinician chooses ({choices} ways); "
                + (
                    "billed as the clinician chose"
                    if engine.user_choice
                    else "default: the most expected allowed amount, then more minutes, "
                    "then the order added"
                )
            )
        if engine.visit.tie_choice is not None and not engine.user_choice:
            trace.append("the earlier tie choice no longer applies to these minutes")
    for index, (code, service) in enumerate(zip(codes, visit.services, strict=True)):
        units = chosen.units[index]
        if code.timed and index not in engine.pooled:
            how = "per code" if engine.method is UnitMethod.PER_CODE else "on its own"
            trace.append(
                f"{code.code} {service.minutes} min {how} ({code.unit_minutes}-minute units) -> "
                f"{units} unit(s) ({_range_text(units, code.unit_minutes)})"
            )
        elif not code.timed:
            trace.append(
                f"{code.code} is untimed: 1 unit; its {service.minutes} min count toward total "
                "treatment time only"
            )
    return trace


def calculate(visit: VisitInput, book: RuleBook) -> VisitResult:
    """Bill one visit (or one patient's whole day of one discipline) by the rules of its year."""
    try:
        rules = book.year(visit.date_of_service.year)
    except RuleDataError as exc:
        raise InputError("date_of_service", str(exc)) from None
    codes = _validate(visit, rules)
    engine = _Engine(visit, rules, codes)
    chosen, others, choices = engine.choose()
    discipline = visit.discipline
    therapy_modifier = discipline.therapy_modifier

    trace = [
        f"rule year {rules.year} (date of service {visit.date_of_service.isoformat()}), "
        f"{discipline} -> {therapy_modifier} on every line; units by the "
        + ("CMS total-time method" if engine.method is UnitMethod.CMS else "per-code method")
    ]
    trace += [f"rule data: {line}" for line in rules.provenance()]
    trace += _trace_units(engine, chosen, choices)

    services: list[ServiceResult] = []
    review: list[ReviewItem] = []
    for index, (code, service) in enumerate(zip(codes, visit.services, strict=True)):
        split = chosen.splits[index]
        assisted = bool(
            chosen.units[index] and (service.pta_minutes or service.assistant_furnished)
        )
        services.append(
            ServiceResult(
                code.code,
                code.label,
                code.timed,
                code.unit_minutes,
                service.pt_minutes,
                service.pta_minutes,
                service.minutes,
                chosen.units[index],
                split.assistant_units,
                split.reason if assisted else "",
            )
        )
        if assisted:
            modifier = engine.modifier or "assistant modifier"
            trace.append(f"{code.code} {modifier}: {split.reason}")
        if split.review:
            review.append(ReviewItem(code.code, split.review))

    bucket = discipline.kx_bucket
    threshold = rules.kx_threshold[bucket]
    ytd_before = visit.ytd_allowed.get(bucket, Decimal("0"))
    walk = walk_kx(chosen.amounts, ytd_before, threshold, visit.payer.kx)
    claim_lines = []
    for line, amount, with_kx in zip(chosen.lines, chosen.amounts, walk.flags, strict=True):
        modifiers = [therapy_modifier]
        if line.assistant and engine.modifier:
            modifiers.append(engine.modifier)
        if with_kx:
            modifiers.append("KX")
        claim_lines.append(
            ClaimLine(line.code, tuple(modifiers), line.units, amount, line.assistant)
        )
    trace += [f"allowed {e}" for e in chosen.explanations]

    kx = KxStatus(
        bucket=bucket,
        threshold=threshold,
        ytd_before=ytd_before,
        ytd_after=walk.ytd_after,
        applies=any(walk.flags),
        review_threshold=rules.review_threshold,
        over_review_threshold=walk.ytd_after >= rules.review_threshold,
        complete=walk.complete,
    )
    bucket_name = "PT+SLP" if bucket == "pt_slp" else "OT"
    kx_text = (
        f"KX ({bucket_name}, {rules.year} threshold {money(threshold)}): {money(ytd_before)} "
        f"before + {money(chosen.allowed_total)} this visit = {money(walk.ytd_after)}; "
    )
    if not visit.payer.kx:
        kx_text += "this payer does not use KX"
    elif kx.applies:
        kx_text += "KX on the lines from the one that reaches the threshold"
    else:
        kx_text += f"below the threshold by {money(kx.remaining)}"
    if not walk.complete:
        kx_text += " (incomplete: some amounts are unknown)"
    trace.append(kx_text)

    warnings = visit_warnings(
        rules=rules,
        discipline=discipline,
        medicare=visit.payer.medicare,
        codes=codes,
        services=visit.services,
        units=chosen.units,
        unknown_fee_codes=[
            line.code for line, a in zip(chosen.lines, chosen.amounts, strict=True) if a is None
        ],
        kx=kx,
        kx_tracked=visit.payer.kx,
    )

    timed = [i for i, c in enumerate(codes) if c.timed]
    total_timed = sum(visit.services[i].minutes for i in timed)
    next_unit: int | None = None
    if engine.allocation is not None:
        next_unit = minutes_to_next_unit(engine.allocation.total_minutes)
    elif timed:
        next_unit = min(
            minutes_to_next_unit(visit.services[i].minutes, codes[i].unit_minutes) for i in timed
        )
    alternatives = tuple(
        Alternative(
            tuple(
                AlternativeService(c.code, o.units[i], o.splits[i].assistant_units)
                for i, c in enumerate(codes)
            ),
            o.allowed_total,
            engine.tie_codes(o),
        )
        for o in others[:MAX_ALTERNATIVES]
    )
    return VisitResult(
        rule_year=rules.year,
        unit_method=engine.method,
        discipline=discipline,
        total_timed_minutes=total_timed,
        total_treatment_minutes=sum(s.minutes for s in visit.services),
        timed_units=sum(chosen.units[i] for i in timed),
        next_unit_in_minutes=next_unit,
        services=tuple(services),
        claim_lines=tuple(claim_lines),
        kx=kx,
        alternatives=alternatives,
        alternatives_truncated=choices - 1 > len(alternatives),
        tie_choice=engine.tie_codes(chosen) if choices > 1 else (),
        review=tuple(review),
        warnings=tuple(warnings),
        trace=tuple(trace),
        rule_data_year=rules.figures_year,
        fees_year=rules.fees_year,
    )

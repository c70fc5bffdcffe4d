"""The engine behind :func:`chargeclock.domain.calculation.calculate`: it checks a visit's
minutes, builds every way its tied units may be billed (:class:`Outcome`) and ranks them."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from decimal import Decimal

from msgspec import Struct

from chargeclock.domain.assistant import AssistantSplit, split_timed, split_untimed
from chargeclock.domain.errors import InputError
from chargeclock.domain.fees import LineToPrice, price_lines, price_on_day
from chargeclock.domain.modifiers import check_choice
from chargeclock.domain.rulebook import Code, RuleYear
from chargeclock.domain.units import Allocation, allocate_total_time, units_for_minutes
from chargeclock.domain.visit_types import MAX_MINUTES, UnitMethod, VisitInput

# Tie choices evaluated exactly; past this the candidates are ranked by a per-unit estimate first.
MAX_EVALUATED_CHOICES = 256


class Outcome(Struct, frozen=True):
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


def validate(visit: VisitInput, rules: RuleYear) -> list[Code]:
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
        check_choice(
            code.code, code.timed, visit.line_modifiers.get(service.code, ()), f"{where}.modifiers"
        )
        codes.append(code)
    for code_name in visit.line_modifiers:
        if code_name not in seen:
            raise InputError("modifiers", f"{code_name} has modifiers but is not a service")
    for index, line in enumerate(visit.other_day_lines):
        if rules.code(line.code) is None:
            raise InputError(
                f"same_day_lines[{index}].code",
                f"{line.code!r} is not a code in the {rules.year} code list",
            )
    for bucket in ("pt_slp", "ot"):
        amount = visit.ytd_allowed.get(bucket, Decimal("0"))
        if amount < 0:
            raise InputError(f"ytd_allowed.{bucket}", f"must be an amount >= 0, got {amount}")
    return codes


class Engine:
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

    def outcome(self, choice: tuple[int, ...]) -> Outcome:
        units = self.units_for(choice)
        splits = tuple(self.split(i, u) for i, u in enumerate(units))
        lines: list[LineToPrice] = []
        for code, split in zip(self.codes, splits, strict=True):
            if split.therapist_units:
                lines.append(LineToPrice(code.code, split.therapist_units, assistant=False))
            if split.assistant_units:
                lines.append(LineToPrice(code.code, split.assistant_units, assistant=True))
        priced = price_on_day(lines, self.visit, self.rules)
        return Outcome(
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

    def choose(self) -> tuple[Outcome, list[Outcome], int]:
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

    def tie_codes(self, outcome: Outcome) -> tuple[str, ...]:
        return tuple(self.codes[self.pooled[p]].code for p in outcome.choice)

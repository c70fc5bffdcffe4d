"""The plain-words trace of how a visit's units were reached, for a biller to redo by hand."""

from __future__ import annotations

from chargeclock.domain.units import minutes_range
from chargeclock.domain.visit_engine import Engine, Outcome
from chargeclock.domain.visit_types import UnitMethod
from chargeclock.domain.wording import plural


def _range_text(units: int, unit_minutes: int = 15) -> str:
    low, high = minutes_range(units, unit_minutes)
    return f"{low}-{high}"


def trace_units(engine: Engine, chosen: Outcome, choices: int) -> list[str]:
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
                f"{plural(placed, 'unit')} left to place, one each to the largest leftovers: "
                f"{names}"
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
                f"{plural(units, 'unit')} ({_range_text(units, code.unit_minutes)})"
            )
        elif not code.timed:
            trace.append(
                f"{code.code} is untimed: 1 unit; its {service.minutes} min count toward total "
                "treatment time only"
            )
    return trace

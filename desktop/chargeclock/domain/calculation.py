"""One visit's (or one day's) billing: units, assistant modifiers, allowed amounts, KX, warnings,
with a trace in plain words that a biller can redo by hand.

Input: per-code, per-role whole minutes and the year's rule data. Output: an immutable
:class:`VisitResult`. Pure: no I/O beyond the :class:`RuleBook` the caller hands in.
"""

from __future__ import annotations

from decimal import Decimal

from chargeclock.domain.claim_checks import claim_line_warnings, with_carc
from chargeclock.domain.errors import InputError, RuleDataError
from chargeclock.domain.fees import money
from chargeclock.domain.modifiers import assemble, payer_modifiers
from chargeclock.domain.place_split import placed_day
from chargeclock.domain.rulebook import RuleBook
from chargeclock.domain.threshold import walk_kx
from chargeclock.domain.units import minutes_to_next_unit
from chargeclock.domain.visit_engine import Engine, validate
from chargeclock.domain.visit_trace import trace_units
from chargeclock.domain.visit_types import (
    Alternative,
    AlternativeService,
    ClaimLine,
    KxStatus,
    PayerRules,
    ReviewItem,
    ServiceMinutes,
    ServiceResult,
    UnitMethod,
    VisitInput,
    VisitResult,
)
from chargeclock.domain.warnings import visit_warnings

MAX_ALTERNATIVES = 20

# The result types stay importable from here: the window and the visit service name them so.
__all__ = [
    "Alternative",
    "ClaimLine",
    "PayerRules",
    "ServiceMinutes",
    "UnitMethod",
    "VisitInput",
    "VisitResult",
    "calculate",
]


def calculate(visit: VisitInput, book: RuleBook) -> VisitResult:
    """Bill one visit (or one patient's whole day of one discipline) by the rules of its year."""
    try:
        rules = book.year(visit.date_of_service.year)
    except RuleDataError as exc:
        raise InputError("date_of_service", str(exc)) from None
    codes = validate(visit, rules)
    engine = Engine(visit, rules, codes)
    chosen, others, choices = engine.choose()
    discipline = visit.discipline
    therapy_modifier = discipline.therapy_modifier

    trace = [
        f"rule year {rules.year} (date of service {visit.date_of_service.isoformat()}), "
        f"{discipline} -> "
        + (f"{therapy_modifier} on every line" if visit.payer.therapy_modifiers else "no GP/GO/GN")
        + "; units by the "
        + ("CMS total-time method" if engine.method is UnitMethod.CMS else "per-code method")
    ]
    trace += [f"rule data: {line}" for line in rules.provenance()]
    trace += trace_units(engine, chosen, choices)

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
    # A pooled day at several places: each line at its own place (domain/place_split.py).
    day = placed_day(chosen.lines, chosen.amounts, chosen.explanations, visit, rules)
    trace += day.trace
    walk = walk_kx(day.amounts, ytd_before, threshold, visit.payer.kx)
    payer = visit.payer
    claim_lines = []
    for placed, amount, with_kx in zip(day.lines, day.amounts, walk.flags, strict=True):
        line, place = placed.line, placed.place_of_service
        from_payer = payer_modifiers(
            habilitative_required=payer.habilitative_modifiers,
            habilitative=visit.habilitative,
            telehealth_modifier=payer.telehealth_modifier,
            place=place,
        )
        own = [therapy_modifier] if payer.therapy_modifiers else []
        if line.assistant and engine.modifier:
            own.append(engine.modifier)
        abn = visit.abn_on_file and (not visit.abn_codes or line.code in visit.abn_codes)
        modifiers = assemble(
            engine=own,
            payer=from_payer,
            chosen=visit.line_modifiers.get(line.code, ()),
            abn=abn,
            kx=with_kx,
        )
        claim_lines.append(
            ClaimLine(line.code, modifiers, line.units, amount, line.assistant, place)
        )
    trace += [f"allowed {e}" for e in day.explanations]

    kx = KxStatus(
        bucket=bucket,
        threshold=threshold,
        ytd_before=ytd_before,
        ytd_after=walk.ytd_after,
        applies=any("KX" in line.modifiers for line in claim_lines),
        review_threshold=rules.review_threshold,
        over_review_threshold=walk.ytd_after >= rules.review_threshold,
        complete=walk.complete,
    )
    bucket_name = "PT+SLP" if bucket == "pt_slp" else "OT"
    kx_text = (
        f"KX ({bucket_name}, {rules.year} threshold {money(threshold)}): {money(ytd_before)} "
        f"before + {money(day.allowed_total)} this visit = {money(walk.ytd_after)}; "
    )
    if not visit.payer.kx:
        kx_text += "this payer does not use KX"
    elif kx.applies:
        kx_text += "KX on the lines from the one that reaches the threshold"
        if not all("KX" in c.modifiers for c, f in zip(claim_lines, walk.flags, strict=True) if f):
            kx_text += " (not on GA/GZ lines: an expected denial does not take KX)"
    elif any(walk.flags):
        kx_text += "threshold reached, but every line carries GA/GZ: no KX"
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
        chosen_modifiers=visit.line_modifiers,
    )
    warnings = [with_carc(w) for w in warnings] + claim_line_warnings(visit, claim_lines, rules, kx)

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
        payer_kind=visit.payer.kind.value,
    )

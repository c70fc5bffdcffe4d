"""The JSON face of the engine: strict input models and the output document of
``chargeclock calc`` (``calc-contract.md``). Stable: add fields, never rename or drop one.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from chargeclock.domain.authorizations import (
    Authorization,
    BilledDay,
    single_authorization_warnings,
)
from chargeclock.domain.errors import InputError
from chargeclock.domain.fees import round_cents
from chargeclock.domain.payer_kinds import KindDefaults, PayerKind, kind_defaults, kind_for_legacy
from chargeclock.domain.rulebook import SLP_NOT_OFFERED, Discipline
from chargeclock.domain.visit_types import (
    MAX_MINUTES,
    DayLine,
    PayerRules,
    ServiceMinutes,
    UnitMethod,
    VisitInput,
    VisitResult,
    kind_rules,
)
from chargeclock.domain.warnings import VisitWarning

MINUTE_FIELDS = frozenset({"pt_minutes", "pta_minutes", "overlap_minutes"})
MAX_AMOUNT = Decimal("10000000")  # a year's therapy spend is far below ten million dollars
MAX_AUTHORIZED = 10_000  # visits: far above any real authorization


def _amount(value: object) -> object:
    """Dollars are JSON numbers (whole or not): not strings, not booleans. Floats go through
    their shortest repr so 1200.1 is Decimal('1200.1'), not its binary neighbour; amounts are
    then rounded half-up to cents, as every amount the engine adds is."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValueError("not a number")
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("not a finite number")
        value = Decimal(repr(value))
    amount = Decimal(value)
    if abs(amount) > MAX_AMOUNT:
        raise ValueError("out of range")
    return round_cents(amount)


Amount = Annotated[Decimal, BeforeValidator(_amount), Field(ge=0, allow_inf_nan=False)]
Minutes = Annotated[int, Field(ge=0, le=MAX_MINUTES)]


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


KindName = Literal[
    "medicare_b", "medicare_advantage", "medicaid", "commercial", "workers_comp", "auto", "self_pay"
]


class PayerIn(_Strict):
    """Without ``kind`` a payer is described by its flags alone (the defaults below, Medicare's);
    with it, every flag left out takes the kind's default (claims.md §1)."""

    kind: KindName | None = None
    unit_method: Literal["cms", "per_code"] | None = None
    assistant_modifiers: bool | None = None
    kx: bool | None = None
    medicare: bool | None = None
    therapy_modifiers: bool | None = None
    habilitative_modifiers: bool | None = None
    telehealth_modifier: Literal["95", "GT", ""] | None = None

    def rules(self) -> PayerRules:
        if self.kind is None:
            base = PayerRules()
            kind = kind_for_legacy(self.medicare is not False)
            defaults = KindDefaults(
                base.unit_method.value,
                base.assistant_modifiers,
                base.kx,
                base.medicare,
                base.therapy_modifiers,
                base.habilitative_modifiers,
                base.telehealth_modifier,
            )
        else:
            kind = PayerKind(self.kind)
            defaults = kind_defaults(kind)

        def pick(given: Any, default: Any) -> Any:
            return default if given is None else given

        return PayerRules(
            unit_method=UnitMethod(pick(self.unit_method, defaults.unit_method)),
            assistant_modifiers=pick(self.assistant_modifiers, defaults.assistant_modifiers),
            kx=pick(self.kx, defaults.kx),
            medicare=pick(self.medicare, defaults.medicare),
            kind=kind,
            therapy_modifiers=pick(self.therapy_modifiers, defaults.therapy_modifiers),
            habilitative_modifiers=pick(
                self.habilitative_modifiers, defaults.habilitative_modifiers
            ),
            telehealth_modifier=pick(self.telehealth_modifier, defaults.telehealth_modifier),
        )


class ServiceIn(_Strict):
    code: str
    pt_minutes: Minutes = 0
    pta_minutes: Minutes = 0
    overlap_minutes: Minutes = 0
    assistant_furnished: bool = False
    modifiers: list[str] = []


class DayLineIn(_Strict):
    code: str
    units: Annotated[int, Field(ge=1, le=MAX_MINUTES)]
    assistant: bool = False


class YtdIn(_Strict):
    pt_slp: Amount = Decimal("0")
    ot: Amount = Decimal("0")


class AuthorizationIn(_Strict):
    """The visits a payer authorized between two dates, and how many are used before this one."""

    number: str = ""
    visits_authorized: Annotated[int, Field(ge=1, le=MAX_AUTHORIZED)]
    visits_used: Annotated[int, Field(ge=0, le=MAX_AUTHORIZED)] = 0
    valid_from: date
    valid_to: date

    @model_validator(mode="after")
    def _dates_in_order(self) -> AuthorizationIn:
        if self.valid_to < self.valid_from:
            raise ValueError("valid_to is before valid_from")
        return self

    def rule(self) -> Authorization:
        return Authorization(
            0, self.number, self.valid_from, self.valid_to, visits=self.visits_authorized
        )


class CalcInput(_Strict):
    date_of_service: date
    discipline: Literal["PT", "OT"] = "PT"  # SLP is not offered (claims.md §7)
    payer: PayerIn | None = PayerIn()  # null: the patient has no payer, billed as self-pay
    services: list[ServiceIn]
    ytd_allowed: YtdIn = YtdIn()
    tie_choice: list[str] | None = None
    abn_on_file: bool = False
    place_of_service: Annotated[str, Field(pattern=r"^[0-9]{2}$")] = "11"
    habilitative: bool = False
    kx_confirmed: bool | None = None
    same_day_lines: list[DayLineIn] = []
    authorization: AuthorizationIn | None = None

    def to_visit(self) -> VisitInput:
        return VisitInput(
            date_of_service=self.date_of_service,
            discipline=Discipline(self.discipline),
            payer=kind_rules(PayerKind.SELF_PAY) if self.payer is None else self.payer.rules(),
            services=tuple(
                ServiceMinutes(
                    s.code, s.pt_minutes, s.pta_minutes, s.overlap_minutes, s.assistant_furnished
                )
                for s in self.services
            ),
            ytd_allowed={"pt_slp": self.ytd_allowed.pt_slp, "ot": self.ytd_allowed.ot},
            tie_choice=tuple(self.tie_choice) if self.tie_choice is not None else None,
            line_modifiers={s.code: tuple(s.modifiers) for s in self.services if s.modifiers},
            abn_on_file=self.abn_on_file,
            place_of_service=self.place_of_service,
            habilitative=self.habilitative,
            kx_confirmed=self.kx_confirmed,
            other_day_lines=tuple(
                DayLine(d.code, d.units, d.assistant) for d in self.same_day_lines
            ),
        )


def _field_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif str(part).startswith("function-") or part in ("decimal", "lax-or-strict"):
            continue
        else:
            path += f".{part}" if path else str(part)
    return path or "input"


def _shown(value: object) -> str:
    try:
        text = json.dumps(value, default=str)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _problem(error: Any) -> InputError:
    loc: tuple[int | str, ...] = tuple(error.get("loc", ()))
    kind: str = error.get("type", "")
    path = _field_path(loc)
    name = next((str(p) for p in reversed(loc) if isinstance(p, str)), "")
    got = f", got {_shown(error.get('input'))}"
    if kind == "json_invalid":
        return InputError("input", f"not valid JSON ({error.get('msg', '')})")
    if kind == "missing":
        return InputError(path, "is required")
    if kind == "extra_forbidden":
        return InputError(path, "is not a field of the calc input (check the spelling)")
    if name in MINUTE_FIELDS:
        return InputError(path, f"must be a whole number of minutes from 0 to {MAX_MINUTES}{got}")
    if name in ("pt_slp", "ot"):
        return InputError(path, f"must be an amount in dollars, a number from 0 to 10000000{got}")
    if name == "unit_method":
        return InputError(path, f'must be "cms" or "per_code"{got}')
    if name == "discipline":
        if error.get("input") == "SLP":
            return InputError(path, SLP_NOT_OFFERED)
        return InputError(path, f'must be "PT" or "OT"{got}')
    if name == "place_of_service":
        return InputError(path, f'must be a two-digit place of service, e.g. "11" or "02"{got}')
    if name == "kind":
        kinds = ", ".join(PayerKind)
        return InputError(path, f"must be one of {kinds}{got}")
    if name == "telehealth_modifier":
        return InputError(path, f'must be "95", "GT" or ""{got}')
    if name in ("date_of_service", "valid_from", "valid_to") and kind != "value_error":
        return InputError(path, f"must be a date written YYYY-MM-DD{got}")
    if name in ("visits_authorized", "visits_used"):
        least = 1 if name == "visits_authorized" else 0
        return InputError(
            path, f"must be a whole number of visits from {least} to {MAX_AUTHORIZED}{got}"
        )
    if name == "authorization" and kind == "value_error":
        return InputError(f"{path}.valid_to", "must be on or after valid_from")
    if kind == "bool_type":
        return InputError(path, f"must be true or false{got}")
    if name == "code" or kind == "string_type":
        return InputError(path, f'must be a code written as a string, e.g. "97110"{got}')
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return InputError(path, f"must be a JSON object{got}")
    if kind == "list_type":
        return InputError(path, f"must be a JSON list{got}")
    return InputError(path, f"{error.get('msg', 'is not valid')}{got}")


#: a visit's input is a few kilobytes; anything past this is not one
MAX_INPUT_BYTES = 1024 * 1024


class _Object(list[tuple[str, Any]]):
    """A JSON object as its key/value pairs, in order, duplicates kept (to find them)."""


def _duplicate_key(node: Any, path: str = "") -> str | None:
    """The path of the first key written twice in one object (``services[1].pt_minutes``)."""
    if isinstance(node, _Object):
        seen: set[str] = set()
        for key, value in node:
            where = f"{path}.{key}" if path else key
            if key in seen:
                return where
            seen.add(key)
            found = _duplicate_key(value, where)
            if found is not None:
                return found
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found = _duplicate_key(value, f"{path}[{index}]")
            if found is not None:
                return found
    return None


def _check_no_duplicate_keys(text: str | bytes) -> None:
    """A key twice in one object is refused: JSON parsers disagree on which one counts."""
    try:
        tree = json.loads(text, object_pairs_hook=_Object)
    except ValueError:
        return  # not JSON (or a number too long to read): the validation below says which
    found = _duplicate_key(tree)
    if found is not None:
        raise InputError(found, "appears twice in the same object (write each key once)")


def parse_calc_input(text: str | bytes) -> CalcInput:
    """Validate the calc input; bad input raises :class:`InputError` naming the first field.
    Refused before anything else: more than :data:`MAX_INPUT_BYTES`, a key written twice."""
    size = len(text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text)
    if size > MAX_INPUT_BYTES:
        raise InputError(
            "input", f"larger than 1 MiB ({MAX_INPUT_BYTES:,} bytes); a visit's JSON is a few KB"
        )
    _check_no_duplicate_keys(text)
    try:
        return CalcInput.model_validate_json(text)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        problem = _problem(errors[0])
        if len(errors) > 1:
            more = len(errors) - 1
            problem = InputError(
                problem.field, f"{problem.problem} (and {more} more problem{'s' * (more > 1)})"
            )
        raise problem from None


def _money(amount: Decimal | None) -> float | None:
    return None if amount is None else float(round_cents(amount))


def result_document(result: VisitResult) -> dict[str, Any]:
    """The calc output document, field for field as ``calc-contract.md`` lists it."""
    kx = result.kx
    return {
        "rule_year": result.rule_year,
        "rule_data_year": result.rule_data_year,
        "fees_year": result.fees_year,
        "unit_method": result.unit_method.value,
        "payer_kind": result.payer_kind,
        "discipline": result.discipline.value,
        "total_timed_minutes": result.total_timed_minutes,
        "total_treatment_minutes": result.total_treatment_minutes,
        "timed_units": result.timed_units,
        "next_unit_in_minutes": result.next_unit_in_minutes,
        "services": [
            {
                "code": s.code,
                "label": s.label,
                "timed": s.timed,
                "pt_minutes": s.pt_minutes,
                "pta_minutes": s.pta_minutes,
                "minutes": s.minutes,
                "units": s.units,
                "assistant_units": s.assistant_units,
                "assistant_reason": s.assistant_reason,
            }
            for s in result.services
        ],
        "claim_lines": [
            {
                "code": line.code,
                "modifiers": list(line.modifiers),
                "units": line.units,
                "allowed": _money(line.allowed),
            }
            for line in result.claim_lines
        ],
        "kx": {
            "bucket": kx.bucket,
            "threshold": _money(kx.threshold),
            "ytd_before": _money(kx.ytd_before),
            "ytd_after": _money(kx.ytd_after),
            "applies": kx.applies,
            "remaining": _money(kx.remaining),
            "review_threshold": _money(kx.review_threshold),
            "over_review_threshold": kx.over_review_threshold,
            "complete": kx.complete,
            # only a Medicare Part B visit's amounts count toward the KX year-to-date
            "counts_toward_ytd": PayerKind(result.payer_kind).counts_toward_kx,
        },
        "alternatives": [
            {
                "services": [
                    {"code": s.code, "units": s.units, "assistant_units": s.assistant_units}
                    for s in alt.services
                ],
                "allowed_total": _money(alt.allowed_total),
                "tie_choice": list(alt.tie_choice),
            }
            for alt in result.alternatives
        ],
        "alternatives_truncated": result.alternatives_truncated,
        "tie_choice": list(result.tie_choice),
        "review": [{"code": r.code, "reason": r.reason} for r in result.review],
        "warnings": [warning_document(w) for w in result.warnings],
        "trace": list(result.trace),
    }


def authorization_document(request: CalcInput) -> dict[str, Any] | None:
    """Where the visit stands against ``request.authorization`` (None without one)."""
    given = request.authorization
    if given is None:
        return None
    auth = given.rule()
    inside = auth.covers_day(request.date_of_service)
    number = given.visits_used + 1
    return {
        "visit_number": number if inside else None,
        "visits_authorized": given.visits_authorized,
        "visits_left": max(0, given.visits_authorized - number) if inside else None,
        "valid_to": given.valid_to.isoformat(),
        "line": (
            f"visit {number} of {given.visits_authorized} · until "
            f"{given.valid_to.strftime('%m/%d')}"
            if inside
            else ""
        ),
    }


def calc_document(request: CalcInput, result: VisitResult) -> dict[str, Any]:
    """The calc output: :func:`result_document`, with the authorization's status and warnings
    when the input gives one (the visit screen's, for the one authorization given)."""
    document = result_document(result)
    if request.authorization is None:
        return document
    billed = BilledDay(request.date_of_service, tuple((s.code, 0) for s in request.services))
    warnings = single_authorization_warnings(
        request.authorization.rule(), request.authorization.visits_used, billed
    )
    document["authorization"] = authorization_document(request)
    document["warnings"] += [warning_document(w) for w in warnings]
    return document


def warning_document(warning: VisitWarning) -> dict[str, Any]:
    """One entry of ``warnings[]``; ``carc`` is null when the warning is no denial risk."""
    return {
        "kind": warning.kind,
        "codes": list(warning.codes),
        "message": warning.message,
        "carc": warning.carc or None,
    }

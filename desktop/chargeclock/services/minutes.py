"""The live read model of a visit and how its timer segments become minutes (the interval
arithmetic itself is :mod:`chargeclock.domain.intervals`).

:class:`VisitState` is a snapshot the UI polls (one query per change, none per tick):
the codes in order, each with its segments, its stopped seconds per role and the moment a running
timer started. :func:`service_minutes` turns a state and ``now`` into the engine's
:class:`ServiceMinutes`; :func:`visit_input` adds the payer, the year-to-date and the day's other
visits, ready for :func:`chargeclock.domain.calculation.calculate`.

Minutes, per code (rules.md §2.5 and §4, product.md "A day with it" 4):

* time a PT and a PTA segment of the **same** code share counts once, as the therapist's: PT
  minutes are the PT segments' union, PTA minutes the PTA union less the PT union;
* time two **different** timed codes share is kept on both and reported as ``overlap_minutes``
  (the engine flags it);
* seconds are added per code and role, then floored to whole minutes: 7:59 is 7 minutes.

A patient's visits of one date of service pool (:func:`pool`: the day is billed as a whole,
product.md "Same-day visits"). Each :class:`DayPart` also says the place of service of its
visit and the code's first minute there, so that when the day's visits were at different places
:func:`place_minutes` gives the engine each code's minutes per place: the units are computed on
the pooled day as always, then each line goes to the place its minutes were given at, a line
with minutes at two places split by the largest remainder of its units (a tie to the place
with the earlier first minute), 95/GT on the telehealth lines only
(:mod:`chargeclock.domain.place_split`; rules.md §2.6).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from msgspec import Struct

from chargeclock.domain.intervals import (
    MINUTE_US,
    SECOND_US,
    Interval,
    microseconds,
    shared,
    therapist_and_assistant,
)
from chargeclock.domain.rulebook import Discipline
from chargeclock.domain.visit_types import (
    MAX_MINUTES,
    PayerRules,
    PlaceMinutes,
    ServiceMinutes,
    VisitInput,
)
from chargeclock.services.claim_context import ClaimContext

ROLES = ("PT", "PTA")


class Span(Struct, frozen=True):
    """One timer segment as the read model shows it."""

    segment_id: int
    role: str  # PT / PTA
    started_at: datetime
    stopped_at: datetime | None

    @property
    def running(self) -> bool:
        return self.stopped_at is None

    def seconds(self, now: datetime) -> float:
        return ((self.stopped_at or now) - self.started_at).total_seconds()


class UntimedState(Struct, frozen=True):
    """Who furnished an untimed code and the minutes entered for it."""

    furnished_by: str  # PT / PTA / both
    pt_minutes: int | None
    pta_minutes: int | None


@dataclass(frozen=True)
class CodeState:
    """One row of the visit: a code, its timer segments or its untimed entry."""

    visit_code_id: int
    code: str
    label: str
    timed: bool
    unit_minutes: int
    spans: tuple[Span, ...] = ()
    untimed: UntimedState | None = None
    # Summaries of ``spans`` for the per-second tick; always derived from the spans.
    stopped_us: Mapping[str, int] = field(default_factory=dict)  # role -> stopped microseconds
    running_since: Mapping[str, datetime] = field(default_factory=dict)  # role -> start
    # The spans in microseconds, (role, start, stop or None), for the live recompute.
    spans_us: tuple[tuple[str, int, int | None], ...] = field(
        default=(), init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        stopped: dict[str, int] = {}
        running: dict[str, datetime] = {}
        spans_us: list[tuple[str, int, int | None]] = []
        for span in self.spans:
            start = microseconds(span.started_at)
            if span.stopped_at is None:
                running[span.role] = span.started_at
                spans_us.append((span.role, start, None))
            else:
                stop = microseconds(span.stopped_at)
                stopped[span.role] = stopped.get(span.role, 0) + (stop - start)
                spans_us.append((span.role, start, stop))
        object.__setattr__(self, "stopped_us", stopped)
        object.__setattr__(self, "running_since", running)
        object.__setattr__(self, "spans_us", tuple(spans_us))

    def role_seconds(self, role: str, now: datetime) -> int:
        """Whole seconds this role has on this code (raw, before the PT/PTA overlap rule):
        what the PT ▶ / PTA ▶ button shows as mm:ss. Cheap enough for every tick."""
        total = self.stopped_us.get(role, 0)
        since = self.running_since.get(role)
        if since is not None:
            total += max(0, microseconds(now) - microseconds(since))
        return total // SECOND_US

    def is_running(self, role: str) -> bool:
        return role in self.running_since


class DayPart(Struct, frozen=True):
    """Seconds of one code from the same patient's other finalized visits that day."""

    code: str
    timed: bool
    pt_us: int
    pta_us: int
    overlap_us: int
    untimed_pt_minutes: int = 0
    untimed_pta_minutes: int = 0
    assistant_furnished: bool = False
    place_of_service: str = ""  # the visit's ("": not said)
    first_us: int | None = None  # the code's first timer start in the visit (None: untimed)


class VisitState(Struct, frozen=True):
    """Everything the visit screen shows, as of the last change (poll it after each mutation)."""

    visit_id: int
    patient_id: int
    date_of_service: date
    discipline: str
    status: str
    rendering_provider_id: int | None
    supervising_provider_id: int | None
    payer: PayerRules
    codes: tuple[CodeState, ...]
    ytd_allowed: Mapping[str, Decimal]  # before this date of service, prior spend included
    same_day: tuple[DayPart, ...] = ()  # the patient's other finalized visits this day
    same_day_visit_ids: tuple[int, ...] = ()
    tie_choice: tuple[str, ...] | None = None  # the clinician's pick in a tie (None: default)
    claim: ClaimContext = ClaimContext()  # modifiers, ABN, place of service, KX confirmation

    @property
    def running(self) -> tuple[tuple[str, str], ...]:
        """(code, role) of every running timer."""
        return tuple((c.code, role) for c in self.codes for role in sorted(c.running_since))

    def code(self, code: str) -> CodeState | None:
        return next((c for c in self.codes if c.code == code), None)


class CodeSeconds(Struct, frozen=True):
    """One timed code's microseconds: therapist, assistant alone and overlapped."""

    code: str
    pt_us: int
    pta_us: int  # assistant alone
    overlap_us: int  # shared with another timed code of the visit


def code_seconds(codes: Sequence[CodeState], now: datetime) -> list[CodeSeconds]:
    """Per timed code: therapist, assistant-alone and cross-code overlap microseconds."""
    now_us = microseconds(now)
    covers: list[list[Interval]] = []
    parts: list[tuple[int, int]] = []
    timed = [c for c in codes if c.timed]
    for code in timed:
        by_role: dict[str, list[Interval]] = {"PT": [], "PTA": []}
        for role, start, stop in code.spans_us:
            by_role[role].append((start, stop if stop is not None else max(now_us, start)))
        pt_len, pta_len, cover = therapist_and_assistant(by_role["PT"], by_role["PTA"])
        parts.append((pt_len, pta_len))
        covers.append(cover)
    overlaps = shared(covers)
    return [
        CodeSeconds(code.code, parts[index][0], parts[index][1], overlaps[index])
        for index, code in enumerate(timed)
    ]


def day_parts(
    codes: Sequence[CodeState], now: datetime, place_of_service: str = ""
) -> list[DayPart]:
    """A visit's contribution to its day, for pooling with the patient's other visits (at
    ``place_of_service``, the visit's place)."""
    seconds = {s.code: s for s in code_seconds(codes, now)}
    out = []
    for code in codes:
        if code.timed:
            s = seconds[code.code]
            first = min((start for _, start, _ in code.spans_us), default=None)
            out.append(
                DayPart(
                    code.code,
                    True,
                    s.pt_us,
                    s.pta_us,
                    s.overlap_us,
                    place_of_service=place_of_service,
                    first_us=first,
                )
            )
        else:
            u = code.untimed or UntimedState("PT", None, None)
            out.append(
                DayPart(
                    code.code,
                    False,
                    0,
                    0,
                    0,
                    u.pt_minutes or 0,
                    u.pta_minutes or 0,
                    u.furnished_by in ("PTA", "both"),
                    place_of_service,
                )
            )
    return out


def pool(parts: Iterable[DayPart]) -> tuple[ServiceMinutes, ...]:
    """Add a day's parts per code (first-seen order), then floor seconds to whole minutes."""
    merged: dict[str, DayPart] = {}
    for part in parts:
        seen = merged.get(part.code)
        if seen is None:
            merged[part.code] = part
            continue
        merged[part.code] = DayPart(
            part.code,
            part.timed,
            seen.pt_us + part.pt_us,
            seen.pta_us + part.pta_us,
            seen.overlap_us + part.overlap_us,
            seen.untimed_pt_minutes + part.untimed_pt_minutes,
            seen.untimed_pta_minutes + part.untimed_pta_minutes,
            seen.assistant_furnished or part.assistant_furnished,
        )
    out = []
    for p in merged.values():
        if p.timed:
            out.append(
                ServiceMinutes(
                    p.code,
                    p.pt_us // MINUTE_US,
                    p.pta_us // MINUTE_US,
                    p.overlap_us // MINUTE_US,
                )
            )
        else:
            out.append(
                ServiceMinutes(
                    p.code,
                    p.untimed_pt_minutes,
                    p.untimed_pta_minutes,
                    0,
                    p.assistant_furnished,
                )
            )
    return tuple(out)


def place_minutes(
    parts: Sequence[DayPart], place_of_service: str
) -> dict[str, tuple[PlaceMinutes, ...]]:
    """Per code, its minutes at each place of the day (seconds added per place, then floored),
    the places in the order of their first minute (untimed codes: the order of the visits);
    empty when the whole day was at ``place_of_service`` (the engine's usual lines). See
    :mod:`chargeclock.domain.place_split` for what the engine does with them."""
    places = {p.place_of_service or place_of_service for p in parts}
    if places <= {place_of_service}:
        return {}
    by_code: dict[str, dict[str, list[int]]] = {}  # code -> place -> [pt, pta, first, order]
    never = 1 << 62  # an untimed part has no first minute: after the timed ones, in order
    for order, part in enumerate(parts):
        place = part.place_of_service or place_of_service
        seen = by_code.setdefault(part.code, {}).setdefault(place, [0, 0, never, order])
        if part.timed:
            seen[0] += part.pt_us
            seen[1] += part.pta_us
        else:
            seen[0] += part.untimed_pt_minutes * MINUTE_US
            seen[1] += part.untimed_pta_minutes * MINUTE_US
        if part.first_us is not None:
            seen[2] = min(seen[2], part.first_us)
    return {
        code: tuple(
            PlaceMinutes(place, pt // MINUTE_US, pta // MINUTE_US)
            for place, (pt, pta, _, _) in sorted(at.items(), key=lambda kv: kv[1][2:])
        )
        for code, at in by_code.items()
    }


def service_minutes(state: VisitState, now: datetime) -> tuple[ServiceMinutes, ...]:
    """This visit's minutes alone (running timers counted up to ``now``)."""
    return pool(day_parts(state.codes, now))


class LongSpan(Struct, frozen=True):
    """A timer segment of more minutes than the engine bills for one code and role in a day
    (``MAX_MINUTES``, 24 hours): a timer left running, most likely. Shown, never billed."""

    code: str
    role: str  # PT / PTA
    segment_id: int
    started_at: datetime
    stopped_at: datetime | None  # None: still running
    hours: int  # whole hours, up to now while it runs

    @property
    def running(self) -> bool:
        return self.stopped_at is None

    @property
    def message(self) -> str:
        """What the screen says about it, and what to do."""
        if self.running:
            what = f"{self.code} {self.role} timer running for {self.hours} h"
            return f"{what}: stop it at the right time"
        return (
            f"{self.code} {self.role} timer ran {self.hours} h, more than a day: set the time it "
            "really stopped"
        )


def long_spans(state: VisitState, now: datetime) -> tuple[LongSpan, ...]:
    """The visit's segments longer than a day of billable minutes (running ones up to ``now``):
    the engine refuses more than ``MAX_MINUTES`` per code and role, so the screen shows these
    instead of a result, and finalize asks for their real stop time."""
    now_us = microseconds(now)
    out = []
    for code in state.codes:
        for span, (_, start, stop) in zip(code.spans, code.spans_us, strict=True):
            length = (now_us if stop is None else stop) - start
            if length // MINUTE_US > MAX_MINUTES:
                out.append(
                    LongSpan(
                        code.code,
                        span.role,
                        span.segment_id,
                        span.started_at,
                        span.stopped_at,
                        length // (60 * MINUTE_US),
                    )
                )
    return tuple(out)


def visit_input(
    state: VisitState, now: datetime, tie_choice: tuple[str, ...] | None = None
) -> VisitInput:
    """The engine's input for this visit's whole day: the other finalized visits of the patient
    that date of service pooled with this one (product.md "Same-day visits"). ``tie_choice``
    overrides the visit's stored pick (to preview another allocation)."""
    place = state.claim.place_of_service
    parts = [*state.same_day, *day_parts(state.codes, now, place)]
    services = pool(parts)
    return VisitInput(
        date_of_service=state.date_of_service,
        discipline=Discipline(state.discipline),
        payer=state.payer,
        services=services,
        ytd_allowed=dict(state.ytd_allowed),
        tie_choice=tie_choice if tie_choice is not None else state.tie_choice,
        line_modifiers=state.claim.line_modifiers,
        abn_on_file=state.claim.abn_on_file,
        abn_codes=state.claim.abn_codes,
        place_of_service=state.claim.place_of_service,
        kx_confirmed=state.claim.kx_confirmed if state.payer.kx else None,
        other_day_lines=state.claim.other_day_lines,
        place_minutes=place_minutes(parts, place),
    )

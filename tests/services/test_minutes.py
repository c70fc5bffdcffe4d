"""From segments to minutes: the pure arithmetic the live panel and finalize share."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from chargeclock.services.minutes import CodeState, Span, code_seconds, day_parts, pool

T0 = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)


def _at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def _code(code: str, *spans: tuple[str, float, float | None]) -> CodeState:
    return CodeState(
        visit_code_id=hash(code) % 1000,
        code=code,
        label=code,
        timed=True,
        unit_minutes=15,
        spans=tuple(
            Span(n, role, _at(a), _at(b) if b is not None else None)
            for n, (role, a, b) in enumerate(spans)
        ),
    )


def _minutes(*codes: CodeState, now: float = 600) -> dict[str, tuple[int, int, int]]:
    return {
        m.code: (m.pt_minutes, m.pta_minutes, m.overlap_minutes)
        for m in pool(day_parts(codes, _at(now)))
    }


def test_pt_and_pta_together_on_one_code_count_once_as_therapist_time() -> None:
    # PT 0-20, PTA 10-30 on 97110: 20 PT minutes, 10 PTA-alone minutes (not 20).
    assert _minutes(_code("97110", ("PT", 0, 20), ("PTA", 10, 30))) == {"97110": (20, 10, 0)}


def test_different_codes_at_the_same_time_are_kept_and_flagged() -> None:
    minutes = _minutes(_code("97110", ("PT", 0, 20)), _code("97140", ("PTA", 15, 30)))
    assert minutes == {"97110": (20, 0, 5), "97140": (0, 15, 5)}


def test_seconds_are_added_per_code_and_role_before_flooring() -> None:
    # Two 7:30 segments are 15 minutes, not 7 + 7.
    assert _minutes(_code("97110", ("PT", 0, 7.5), ("PT", 20, 27.5))) == {"97110": (15, 0, 0)}
    assert _minutes(_code("97110", ("PT", 0, 7 + 59 / 60))) == {"97110": (7, 0, 0)}


def test_a_running_segment_counts_up_to_now() -> None:
    code = _code("97110", ("PT", 0, None))
    assert _minutes(code, now=12.5) == {"97110": (12, 0, 0)}
    assert code.role_seconds("PT", _at(12.5)) == 750
    assert code.is_running("PT") and not code.is_running("PTA")


def test_same_day_parts_pool_before_flooring() -> None:
    morning = day_parts([_code("97110", ("PT", 0, 7.5))], _at(600))
    afternoon = day_parts([_code("97110", ("PT", 300, 307.5))], _at(600))
    assert [(m.code, m.pt_minutes) for m in pool([*morning, *afternoon])] == [("97110", 15)]


segments = st.lists(
    st.tuples(st.sampled_from(["PT", "PTA"]), st.integers(0, 7200), st.integers(1, 1800)),
    min_size=1,
    max_size=8,
)


@given(segments, st.data())
def test_splitting_a_segment_in_two_changes_nothing(
    spans: list[tuple[str, int, int]], data: st.DataObject
) -> None:
    whole = _code("97110", *[(r, s / 60, (s + d) / 60) for r, s, d in spans])
    index = data.draw(st.integers(0, len(spans) - 1))
    role, start, length = spans[index]
    cut = data.draw(st.integers(1, length)) if length > 1 else length
    pieces = [*spans[:index], *spans[index + 1 :]]
    split = _code(
        "97110",
        *[(r, s / 60, (s + d) / 60) for r, s, d in pieces],
        (role, start / 60, (start + cut) / 60),
        (role, (start + cut) / 60, (start + length) / 60),
    )
    assert code_seconds([whole], _at(10_000)) == code_seconds([split], _at(10_000))


@given(segments)
def test_minutes_never_exceed_the_time_covered(spans: list[tuple[str, int, int]]) -> None:
    code = _code("97110", *[(r, s / 60, (s + d) / 60) for r, s, d in spans])
    seconds = code_seconds([code], _at(10_000))[0]
    covered = {t for _, s, d in spans for t in range(s, s + d)}
    assert (seconds.pt_us + seconds.pta_us) // 1_000_000 == len(covered)

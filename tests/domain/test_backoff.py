"""The wait after wrong PINs: free tries, then 30 s doubling to 15 min, from the moments given
(a fake clock), never from sleeping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from chargeclock.clock import FakeClock
from chargeclock.domain.backoff import (
    FREE_TRIES,
    LONGEST_WAIT,
    PinBackoff,
    wait_after,
    wait_text,
)


def test_five_wrong_pins_then_30_s_doubling_to_15_min() -> None:
    waits = [int(wait_after(n).total_seconds()) for n in range(13)]
    assert waits == [0, 0, 0, 0, 0, 30, 60, 120, 240, 480, 900, 900, 900]
    assert wait_after(200) == LONGEST_WAIT


def test_the_wait_counts_down_on_the_clock_and_doubles_after_each_failure() -> None:
    clock = FakeClock()
    state = PinBackoff()
    for _ in range(FREE_TRIES - 1):
        state = state.after_failure(clock.now())
        assert state.wait_seconds(clock.now()) == 0
    state = state.after_failure(clock.now())
    assert (state.failures, state.wait_seconds(clock.now())) == (5, 30)
    clock.advance(0.4)
    assert state.wait_seconds(clock.now()) == 30  # whole seconds, rounded up
    clock.advance(29.6)
    assert state.wait_seconds(clock.now()) == 0
    state = state.after_failure(clock.now())
    assert state.wait_seconds(clock.now()) == 60
    clock.advance(minutes=5)
    assert state.wait_seconds(clock.now()) == 0
    assert PinBackoff().wait_seconds(clock.now()) == 0


def test_a_clock_set_back_does_not_stretch_the_wait() -> None:
    clock = FakeClock()
    state = PinBackoff(4).after_failure(clock.now())  # 30 s from now
    earlier = clock.now() - timedelta(days=2)  # somebody sets the computer's clock back
    assert state.wait_seconds(earlier) == 30


def test_the_countdown_text() -> None:
    assert [wait_text(s) for s in (30, 1, 59, 60, 125, 900)] == [
        "30 s",
        "1 s",
        "59 s",
        "1 min 00 s",
        "2 min 05 s",
        "15 min 00 s",
    ]


@given(st.integers(0, 10_000))
def test_the_wait_never_shrinks_with_more_failures_and_never_passes_the_cap(n: int) -> None:
    assert timedelta(0) <= wait_after(n) <= wait_after(n + 1) <= LONGEST_WAIT


@given(st.integers(0, 400), st.integers(-10_000, 10_000))
def test_the_seconds_left_stay_between_zero_and_the_wait(failures: int, offset: int) -> None:
    start = datetime(2026, 3, 2, 14, tzinfo=UTC)
    state = PinBackoff(failures).after_failure(start)
    left = state.wait_seconds(start + timedelta(seconds=offset))
    assert 0 <= left <= wait_after(failures + 1).total_seconds()

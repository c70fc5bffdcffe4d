"""The interval arithmetic against counting moment by moment on small integer intervals."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from chargeclock.domain.intervals import (
    length,
    microseconds,
    shared,
    therapist_and_assistant,
    union,
)

intervals = st.lists(
    st.tuples(st.integers(0, 40), st.integers(0, 40)).map(lambda t: (min(t), max(t))),
    max_size=6,
)


def _moments(spans: list[tuple[int, int]]) -> set[int]:
    return {m for start, end in spans for m in range(start, end)}


@given(intervals)
def test_union_is_sorted_apart_and_covers_the_same_moments(spans: list[tuple[int, int]]) -> None:
    merged = union(spans)
    assert all(a[1] < b[0] for a, b in itertools.pairwise(merged))
    assert _moments(merged) == _moments(spans)
    assert length(merged) == len(_moments(spans))


@given(intervals, intervals)
def test_time_together_counts_once_as_the_therapists(
    pt: list[tuple[int, int]], pta: list[tuple[int, int]]
) -> None:
    pt_time, pta_alone, cover = therapist_and_assistant(pt, pta)
    assert pt_time == len(_moments(pt))
    assert pta_alone == len(_moments(pta) - _moments(pt))
    assert _moments(cover) == _moments(pt) | _moments(pta)


@given(st.lists(intervals, max_size=4))
def test_shared_is_the_time_another_cover_also_covers(covers: list[list[tuple[int, int]]]) -> None:
    merged = [union(c) for c in covers]
    expected = [
        len(_moments(c) & set().union(*(_moments(o) for j, o in enumerate(merged) if j != i)))
        for i, c in enumerate(merged)
    ]
    assert shared(merged) == expected


def test_microseconds_are_exact_far_from_the_epoch() -> None:
    moment = datetime(2036, 2, 29, 23, 59, 59, 999_999, tzinfo=UTC)
    later = moment + timedelta(microseconds=1)
    assert microseconds(later) - microseconds(moment) == 1
    assert microseconds(datetime(1970, 1, 1, tzinfo=UTC)) == 0

"""Interval arithmetic on timer segments, in whole microseconds (rules.md §2.5 and §4).

An interval is ``[start, end)`` in microseconds since the epoch: integers, so adding and
comparing never rounds. Minutes are floored only after adding (``MINUTE_US``): 7:59 is 7.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

SECOND_US = 1_000_000
MINUTE_US = 60 * SECOND_US

Interval = tuple[int, int]  # microseconds since the epoch, [start, end)


def microseconds(moment: datetime) -> int:
    """``moment`` (timezone-aware) as whole microseconds since the epoch, without floats."""
    delta = moment - datetime(1970, 1, 1, tzinfo=moment.tzinfo)
    return (delta.days * 86_400 + delta.seconds) * SECOND_US + delta.microseconds


def union(intervals: Iterable[Interval]) -> list[Interval]:
    """The intervals merged where they overlap or touch, sorted; empty ones dropped."""
    merged: list[Interval] = []
    for start, end in sorted(i for i in intervals if i[1] > i[0]):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def length(intervals: Iterable[Interval]) -> int:
    """The summed length of (already merged) intervals."""
    return sum(end - start for start, end in intervals)


def therapist_and_assistant(
    pt: Iterable[Interval], pta: Iterable[Interval]
) -> tuple[int, int, list[Interval]]:
    """One code's time: the therapist's (the PT union), the assistant's alone (the PTA union
    less the PT union: time they share counts once, as the therapist's), and the code's cover."""
    pt_union = union(pt)
    cover = union([*pt_union, *pta])
    pt_length = length(pt_union)
    return pt_length, length(cover) - pt_length, cover


def shared(covers: Sequence[Sequence[Interval]]) -> list[int]:
    """Per cover (a merged interval list): how much of it another cover also covers.

    One sweep over the sorted ends, so the live recompute stays linear-logarithmic in the
    visit's segments rather than quadratic in its codes. At equal moments an end sorts before
    a start: intervals that only touch do not overlap.
    """
    events = sorted(
        (moment, kind, index)
        for index, cover in enumerate(covers)
        for start, end in cover
        for moment, kind in ((start, 1), (end, -1))
    )
    out = [0] * len(covers)
    active: set[int] = set()
    last = 0
    for moment, kind, index in events:
        if len(active) > 1:
            for other in active:
                out[other] += moment - last
        last = moment
        if kind == 1:
            active.add(index)
        else:
            active.discard(index)
    return out

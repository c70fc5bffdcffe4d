"""A period's figures for the practice charts: visits and units per day (or week, or month,
when the period is long), units per code, and the share of units an assistant furnished (on
lines with CQ or CO). Counted from the frozen claim lines of finalized visits."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

from msgspec import Struct

Grain = Literal["day", "week", "month"]


class PeriodPoint(Struct, frozen=True):
    """One day, week (from its Monday) or month (from its 1st)."""

    start: date
    visits: int
    units: int
    assistant_units: int


class CodePoint(Struct, frozen=True):
    code: str
    visits: int
    units: int
    assistant_units: int

    @property
    def assistant_share(self) -> float:
        return self.assistant_units / self.units if self.units else 0.0


class PracticeFigures(Struct, frozen=True):
    first: date
    last: date
    grain: Grain
    periods: tuple[PeriodPoint, ...]
    codes: tuple[CodePoint, ...]

    @property
    def units(self) -> int:
        return sum(p.units for p in self.periods)

    @property
    def assistant_units(self) -> int:
        return sum(p.assistant_units for p in self.periods)

    @property
    def visits(self) -> int:
        return sum(p.visits for p in self.periods)

    @property
    def assistant_share(self) -> float:
        return self.assistant_units / self.units if self.units else 0.0

    def label(self, point: PeriodPoint) -> str:
        if self.grain == "month":
            return point.start.strftime("%b %y")
        return point.start.strftime("%m/%d")


def grain_for(first: date, last: date) -> Grain:
    """Days up to about six weeks, weeks up to about a year, months beyond: a chart keeps some
    sixty bars at most."""
    span = (last - first).days + 1
    return "day" if span <= 45 else "week" if span <= 400 else "month"


def bucket(day: date, grain: Grain) -> date:
    if grain == "week":
        return day - timedelta(days=day.weekday())
    if grain == "month":
        return day.replace(day=1)
    return day

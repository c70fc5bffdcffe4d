"""The practice charts' figures (:class:`~chargeclock.domain.practice_figures.PracticeFigures`)
from the store, and their PDF."""

from __future__ import annotations

import os
from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING, BinaryIO

from chargeclock.domain.days import check_period
from chargeclock.domain.practice_figures import (
    CodePoint,
    PeriodPoint,
    PracticeFigures,
    bucket,
    grain_for,
)
from chargeclock.services.pdf_out import write_pdf
from chargeclock.storage import practice_reads

if TYPE_CHECKING:
    from chargeclock.services.session import Services


def practice_figures(services: Services, first: date, last: date) -> PracticeFigures:
    """Visits and units from ``first`` to ``last`` (both included) by day, week or month
    (:func:`~chargeclock.domain.practice_figures.grain_for`) and by code."""
    check_period(first, last)
    grain = grain_for(first, last)
    sums: dict[date, list[int]] = defaultdict(lambda: [0, 0, 0])
    for day, visits, units, assistant in practice_reads.units_by_day(services.db, first, last):
        total = sums[bucket(day, grain)]
        total[0] += visits
        total[1] += units
        total[2] += assistant
    periods = tuple(PeriodPoint(start, *sums[start]) for start in sorted(sums))
    codes = tuple(
        CodePoint(code, visits, units, assistant)
        for code, visits, units, assistant in practice_reads.units_by_code(services.db, first, last)
    )
    return PracticeFigures(first, last, grain, periods, codes)


def charts_pdf(figures: PracticeFigures, practice: str) -> bytes:
    from chargeclock.export.practice_charts_pdf import charts_pdf as render

    return render(figures, practice)


def save_charts(
    figures: PracticeFigures, practice: str, out: str | os.PathLike[str] | BinaryIO
) -> None:
    write_pdf(charts_pdf(figures, practice), out)

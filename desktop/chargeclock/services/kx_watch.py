"""The KX watch: Medicare patients by their year-to-date allowed amount (PT and SLP, with
therapy from other providers entered at the eligibility check) against the year's KX
threshold and the review level of the rule book, each with a forecast; and one patient's
year-to-date through the year as a curve (:class:`~chargeclock.domain.packet_model.YearCurve`).

The forecast goes by the patient's own pace: the average allowed amount of their finalized
visits this year and how often they came (visits a week since their first visit of the year,
at least a week counted). "About N visits", and the date that many visits at that pace lands
on; none when there is nothing to go by. A total with lines of unknown allowed amount is
incomplete, and says so.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from msgspec import Struct

from chargeclock.domain.packet_model import YearCurve
from chargeclock.domain.threshold import visits_until
from chargeclock.services.billing import BUCKETS
from chargeclock.storage import patients, practice_reads
from chargeclock.storage.timefmt import from_cents

if TYPE_CHECKING:
    from chargeclock.services.session import Services

BUCKET = "pt_slp"


class KxWatchRow(Struct, frozen=True):
    """One Medicare patient's year so far and forecast."""

    patient_id: int
    name: str
    payer: str
    ytd: Decimal  # this clinic's finalized lines and the prior spend
    prior: Decimal
    unknown_lines: int
    visits: int
    threshold: Decimal
    review_level: Decimal
    average_per_visit: Decimal | None
    visits_to_kx: int | None
    visits_to_review: int | None
    kx_on: date | None  # the forecast date the threshold is reached (None: reached, or unknown)
    review_on: date | None

    @property
    def state(self) -> str:
        if self.ytd >= self.review_level:
            return "over the review level"
        if self.ytd >= self.threshold:
            return "KX applies"
        if self.visits_to_kx is not None and self.visits_to_kx <= 3:
            return "near KX"
        return "below KX"


def _money(cents: int) -> Decimal:
    value = from_cents(cents)
    return value if value is not None else Decimal("0.00")


def _on(as_of: date, visits: int | None, per_week: float | None) -> date | None:
    if not visits or not per_week:
        return None
    return as_of + timedelta(days=math.ceil(visits / per_week * 7))


def kx_watch(services: Services, year: int | None = None) -> list[KxWatchRow]:
    """Every active Medicare patient's row for ``year`` (default: this year), the highest
    year-to-date first."""
    today = services.ctx.today()
    year = year or today.year
    as_of = min(today, date(year, 12, 31))
    figures = services.book.year(year)
    threshold = figures.kx_threshold[BUCKET]
    review = figures.review_threshold
    out = []
    for row in practice_reads.medicare_year(services.db, year, BUCKETS[BUCKET]):
        patient_id, last, first, payer, cents, unknown, count, start, _ = row
        prior = _money(patients.prior_spend_cents(services.db, patient_id, year, BUCKET))
        clinic = _money(cents)
        total = clinic + prior
        average = (clinic / count).quantize(Decimal("0.01")) if count else None
        per_week = None
        if count and start:
            weeks = max(1.0, (as_of - date.fromisoformat(start)).days / 7)
            per_week = count / weeks
        to_kx = visits_until(threshold - total, average)
        to_review = visits_until(review - total, average)
        out.append(
            KxWatchRow(
                patient_id,
                f"{last}, {first}",
                payer,
                total,
                prior,
                unknown,
                count,
                threshold,
                review,
                average,
                to_kx,
                to_review,
                _on(as_of, to_kx, per_week),
                _on(as_of, to_review, per_week),
            )
        )
    out.sort(key=lambda r: (-r.ytd, r.name))
    return out


def on_medicare(services: Services, patient_id: int) -> bool:
    """Whether Medicare pays for ``patient_id`` (the KX threshold and the review level are
    Medicare's); an unknown patient is named."""
    payer_id = services.records.patient(patient_id).payer_id
    return payer_id is not None and any(
        p.id == payer_id and p.medicare for p in services.records.payers()
    )


def year_curve(services: Services, patient_id: int, year: int) -> YearCurve:
    """The patient's year-to-date through ``year``: the prior spend at 1 January, then the
    total after each date of service."""
    services.records.patient(patient_id)  # an unknown patient is named
    figures = services.book.year(year)
    total = _money(patients.prior_spend_cents(services.db, patient_id, year, BUCKET))
    points = [(date(year, 1, 1), total)]
    for day, cents in practice_reads.allowed_by_day(services.db, patient_id, year, BUCKETS[BUCKET]):
        total += _money(cents)
        points.append((day, total))
    return YearCurve(year, tuple(points), figures.kx_threshold[BUCKET], figures.review_threshold)

"""The demo's claims around its visits (claims.md §2–4), written through the same services as
the window, as a clinic's staff would over the year:

* the commercial payer's limits: it wants an authorization, pays up to 120 visits a year and
  takes claims for 90 days (Medicare keeps its 12 months);
* each insured patient's copay and coinsurance (Medicare's 20 %; the commercial plan's copay
  changes when its plan year turns on 1 January);
* an authorization for each episode of care with the commercial payer, 12 visits, and a renewal
  for the visits after them;
* an ABN at the start of a Medicare episode begun above the KX threshold, for unattended
  electrical stimulation (G0283), which the clinic expects Medicare may then deny: those lines
  take GA instead of KX;
* at finalize, what the finalize asks for: the clinician's KX confirmation the first time a
  patient's lines take KX in a year, and 59 on the column-2 code of an NCCI pair (the codes
  were done in separate blocks of time);
* each claim filed some days after its visit (a cash patient's superbill printed at the end of
  the visit); the last days' claims are not filed yet.

Every choice here draws on a random stream of its own, so the visits, minutes and payments of
a seed are the same as without these records.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from msgspec import Struct

from chargeclock.clock import FakeClock
from chargeclock.services import billing
from chargeclock.services.session import Services

FIRST_AUTHORIZED_VISITS = 12
#: days from a visit to its claim's filing: mostly within the week
FILING_LAGS = (1, 1, 2, 2, 2, 3, 3, 4, 5, 6, 8, 13)
ABN_CODES = ("G0283",)


class DemoVisit(Struct, frozen=True):
    """A visit the demo finalized: its day, allowed amount, claim lines and finalize time."""

    visit_id: int
    day: date
    allowed: Decimal
    lines: int
    finalized_at: datetime


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), UTC)


class DemoClaims:
    """The records around the demo's visits, each written at its own moment on ``clock`` (the
    one the services read), which is put back after."""

    def __init__(
        self, services: Services, clock: FakeClock, today: date, rng: random.Random, clinician: str
    ) -> None:
        self.services = services
        self.clock = clock
        self.today = today
        self.rng = rng
        self.clinician = clinician  # the PT who confirms KX
        self._numbers = 0

    @contextmanager
    def _moment(self, when: datetime) -> Iterator[None]:
        resume = self.clock.now()
        self.clock.set(when)
        try:
            yield
        finally:
            self.clock.set(resume)

    def payer_limits(self, commercial_payer_id: int) -> None:
        self.services.authorizations.set_payer_limits(
            commercial_payer_id,
            requires_authorization=True,
            visits_per_year=120,
            timely_filing_days=90,
        )

    def cost_shares(self, patient_id: int, medicare: bool, start: date) -> None:
        """The patient's cost share from ``start`` (and from 1 January after it, when the
        commercial plan year turns)."""
        ledger = self.services.ledger
        if medicare:
            with self._moment(_at(start, 9)):
                ledger.set_cost_share(patient_id, "0.00", 20, effective_from=start)
            return
        copay = Decimal(self.rng.choice(("25.00", "30.00", "40.00")))
        coinsurance = self.rng.choice((0, 0, 10))
        with self._moment(_at(start, 9)):
            ledger.set_cost_share(patient_id, copay, coinsurance, effective_from=start)
        turn = date(self.today.year, 1, 1)
        if start < turn:
            with self._moment(_at(turn, 9)):
                ledger.set_cost_share(patient_id, copay + 5, coinsurance, effective_from=turn)

    def before_episode(
        self,
        patient_id: int,
        payer_id: int | None,
        medicare: bool,
        through: date,
        days: Sequence[date],
    ) -> None:
        """What is on file before an episode's first visit (``days``: its treatment days): the
        payer's authorization, or a Medicare patient's ABN above the KX threshold."""
        if payer_id is None or not days:
            return
        if self.services.authorizations.payer_limits(payer_id).requires_authorization:
            self._authorize(patient_id, days, through)
        elif medicare:
            self._abn_above_threshold(patient_id, days[0], through)

    def _number(self) -> str:
        self._numbers += 1
        return f"PA-{48_000 + self._numbers * 37}"

    def _authorize(self, patient_id: int, days: Sequence[date], through: date) -> None:
        """12 visits over 60 days from the evaluation; a renewal, recorded on the first day the
        first one no longer covers, for the visits after (rounded up to a multiple of 4)."""
        authorizations = self.services.authorizations
        start = days[0]
        first_to = start + timedelta(days=59)
        with self._moment(_at(start, 12)):
            first = authorizations.add_authorization(
                patient_id, self._number(), start, first_to, visits=FIRST_AUTHORIZED_VISITS
            )
        covered = [d for d in days[:FIRST_AUTHORIZED_VISITS] if d <= first_to]
        rest = days[len(covered) :]
        if not rest:
            return
        with self._moment(_at(rest[0], 12)):
            authorizations.renew(
                first.id,
                self._number(),
                rest[0],
                max(through, rest[-1]),
                visits=-(-len(rest) // 4) * 4,
            )

    def _abn_above_threshold(self, patient_id: int, first_day: date, through: date) -> None:
        ctx = self.services.ctx
        year = first_day.year
        threshold = ctx.book.year(year).kx_threshold["pt_slp"]
        if billing.ytd_allowed(ctx, patient_id, year).total < threshold:
            return
        with self._moment(_at(first_day, 12)):
            self.services.visits.record_abn(patient_id, first_day, ABN_CODES, last_day=through)

    def before_finalize(self, visit_id: int, patient_id: int, day: date) -> None:
        """Settle what the finalize asks that a clinician settles: KX confirmed for the year,
        59 on the column-2 code of an NCCI pair that a distinct-service modifier allows."""
        visits = self.services.visits
        for ask in visits.finalize_asks(visit_id):
            if ask.kind == "kx_unconfirmed":
                visits.confirm_kx(patient_id, day.year, self.clinician)
            elif ask.kind == "ncci" and ask.settled_by == "distinct_modifier":
                visits.add_distinct_modifier(visit_id, ask.codes[1], "59")

    def file(self, made: Sequence[DemoVisit], payer_id: int | None) -> None:
        """Each claim sent to the payer some days after its visit (not yet when that day is
        after today); a cash patient's superbill printed as the visit ends."""
        filing = self.services.filing
        for visit in made:
            if not visit.lines:
                continue
            if payer_id is None:
                with self._moment(visit.finalized_at + timedelta(minutes=2)):
                    filing.mark_sent(visit.visit_id, "printed", visit.day)
                continue
            sent = visit.day + timedelta(days=self.rng.choice(FILING_LAGS))
            if sent > self.today:
                continue
            with self._moment(_at(sent, 10, self.rng.randrange(60))):
                filing.mark_sent(visit.visit_id, "sent", sent)

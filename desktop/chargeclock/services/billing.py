"""Year-to-date allowed amounts (KX tracking) and the payer's billing rules.

Year-to-date, per patient, calendar year and bucket (PT+SLP together, OT apart; rules.md §5) =
the allowed amounts of this clinic's finalized claim lines that year **plus** the prior-provider
spend the user entered. Lines of unknown amount add nothing and make the figure incomplete.
The query rides the ``visits (patient_id, status, date_of_service, discipline)`` index.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from msgspec import Struct

from chargeclock.domain.errors import InputError
from chargeclock.domain.payer_kinds import PayerKind
from chargeclock.domain.visit_types import PayerRules, UnitMethod, kind_rules
from chargeclock.services.context import Context
from chargeclock.storage import bills, patients, payers
from chargeclock.storage.records import PayerRow

BUCKETS: dict[str, tuple[str, ...]] = {"pt_slp": ("PT", "SLP"), "ot": ("OT",)}


def bucket_of(discipline: str) -> str:
    """The KX bucket a discipline's amounts count in (PT and SLP share one)."""
    return next(name for name, disciplines in BUCKETS.items() if discipline in disciplines)


# A patient with no payer pays cash, billed as a self-pay payer is (claims.md §1): per-code
# units, no GP/GO/GN, no CQ/CO, no KX.
SELF_PAY = kind_rules(PayerKind.SELF_PAY)


class YearToDate(Struct, frozen=True):
    """A patient's allowed amounts so far in a year and KX bucket, and how many are unknown."""

    patient_id: int
    year: int
    bucket: str
    clinic: Decimal  # this clinic's finalized lines
    prior: Decimal  # entered from the eligibility check (other providers)
    unknown_lines: int  # lines whose allowed amount is unknown (so the total is incomplete)

    @property
    def total(self) -> Decimal:
        return self.clinic + self.prior

    @property
    def complete(self) -> bool:
        return self.unknown_lines == 0


def ytd_allowed(
    ctx: Context,
    patient_id: int,
    year: int,
    bucket: str = "pt_slp",
    *,
    before: date | None = None,
    exclude_visit_ids: Sequence[int] = (),
) -> YearToDate:
    """The patient's year-to-date allowed amount in ``bucket`` (dates before ``before`` only,
    if given; ``exclude_visit_ids`` leaves out a day being billed)."""
    if bucket not in BUCKETS:
        raise InputError("bucket", f"must be one of {', '.join(BUCKETS)}, got {bucket!r}")
    cents, unknown, _ = bills.ytd_allowed_cents(
        ctx.db,
        patient_id,
        year,
        BUCKETS[bucket],
        before=before,
        exclude_visit_ids=exclude_visit_ids,
    )
    prior = patients.prior_spend_cents(ctx.db, patient_id, year, bucket)
    return YearToDate(
        patient_id,
        year,
        bucket,
        bills.allowed_decimal(cents),
        bills.allowed_decimal(prior),
        unknown,
    )


def ytd_before_day(
    ctx: Context,
    patient_id: int,
    day: date,
    exclude_visit_ids: Sequence[int] = (),
    *,
    discipline: str | None = None,
) -> dict[str, Decimal]:
    """Both buckets' totals before ``day`` (what the engine's ``ytd_allowed`` takes).

    With ``discipline``, its bucket also counts the finalized visits of the disciplines that come
    before it on ``day`` itself (:func:`same_day_before`): PT and SLP share one threshold.
    """
    totals: dict[str, Decimal] = {}
    for bucket in BUCKETS:
        total = ytd_allowed(
            ctx, patient_id, day.year, bucket, before=day, exclude_visit_ids=exclude_visit_ids
        ).total
        earlier = same_day_before(discipline) if discipline in BUCKETS[bucket] else ()
        if earlier:
            cents, _, _ = bills.ytd_allowed_cents(
                ctx.db,
                patient_id,
                day.year,
                earlier,
                since=day,
                before=day + timedelta(days=1),
            )
            total += bills.allowed_decimal(cents)
        totals[bucket] = total
    return totals


def same_day_before(discipline: str | None) -> tuple[str, ...]:
    """The disciplines whose bills count before ``discipline``'s on the same day: within a
    bucket, in the bucket's order (PT, then SLP). A fixed order, so that billing a day again
    (a second visit pooled into it) never reorders it against the other discipline's bill."""
    for disciplines in BUCKETS.values():
        if discipline in disciplines:
            return disciplines[: disciplines.index(discipline)]
    return ()


def payer_rules(payer: PayerRow | None) -> PayerRules:
    if payer is None:
        return SELF_PAY
    return PayerRules(
        unit_method=UnitMethod(payer.unit_method),
        assistant_modifiers=payer.assistant_modifiers,
        kx=payer.kx,
        medicare=payer.medicare,
        kind=PayerKind(payer.kind),
        therapy_modifiers=payer.therapy_modifiers,
        habilitative_modifiers=payer.habilitative_modifiers,
        telehealth_modifier=payer.telehealth_modifier,
    )


def visit_payer_rules(ctx: Context, payer_id: int | None) -> PayerRules:
    return payer_rules(payers.get_payer(ctx.db, payer_id) if payer_id else None)

"""The ledger's arithmetic: balance = charges − payments − adjustments; the ageing buckets add
up to the balance; reversals undo exactly what they reverse."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from chargeclock.domain.ledger import (
    LedgerEntry,
    age,
    build_ledger,
    expected_at_check_in,
)

AS_OF = date(2026, 6, 30)
cents = st.integers(min_value=1, max_value=500_000).map(lambda c: Decimal(c) / 100)
days = st.integers(min_value=0, max_value=400).map(lambda n: AS_OF - timedelta(days=n))


@st.composite
def entries(draw: st.DrawFn) -> list[LedgerEntry]:
    out = []
    for n, (category, day, amount, refund) in enumerate(
        draw(
            st.lists(
                st.tuples(
                    st.sampled_from(["charge", "payment", "adjustment"]), days, cents, st.booleans()
                ),
                max_size=30,
            )
        )
    ):
        if category == "charge":
            signed = amount
        elif category == "adjustment" and refund:
            signed = amount  # a refund adds back
        else:
            signed = -amount
        out.append(LedgerEntry(category, day, signed, "", n + 1))
    return out


@given(entries())
def test_balance_is_charges_less_payments_less_adjustments(drawn: list[LedgerEntry]) -> None:
    ledger = build_ledger(drawn, AS_OF)
    charges = sum((e.amount for e in drawn if e.category == "charge"), Decimal(0))
    payments = -sum((e.amount for e in drawn if e.category == "payment"), Decimal(0))
    adjustments = -sum((e.amount for e in drawn if e.category == "adjustment"), Decimal(0))
    assert (ledger.charges, ledger.payments, ledger.adjustments) == (charges, payments, adjustments)
    assert ledger.balance == charges - payments - adjustments
    assert ledger.running[-1:] == ((ledger.balance,) if drawn else ())
    for amount in (ledger.charges, ledger.payments, ledger.adjustments, ledger.balance):
        assert amount == amount.quantize(Decimal("0.01"))


@given(entries())
def test_the_ageing_buckets_add_up_to_the_balance(drawn: list[LedgerEntry]) -> None:
    ledger = build_ledger(drawn, AS_OF)
    assert ledger.ageing.total == ledger.balance
    # Only the current bucket can hold a credit; older ones hold what is still owed.
    assert all(b >= 0 for b in ledger.ageing.buckets[1:])


@given(entries(), st.integers(min_value=0, max_value=29))
def test_a_reversal_takes_back_exactly_its_entry(drawn: list[LedgerEntry], pick: int) -> None:
    if not drawn:
        return
    entry = drawn[pick % len(drawn)]
    reversal = LedgerEntry(entry.category, AS_OF, -entry.amount, "", 999, reversal=True)
    without = [e for e in drawn if e is not entry]
    assert build_ledger([*drawn, reversal], AS_OF).balance == build_ledger(without, AS_OF).balance


def test_payments_settle_the_oldest_charges_first() -> None:
    ledger = build_ledger(
        [
            LedgerEntry("charge", AS_OF - timedelta(days=100), Decimal("100.00"), "", 1),
            LedgerEntry("charge", AS_OF - timedelta(days=45), Decimal("80.00"), "", 2),
            LedgerEntry("charge", AS_OF - timedelta(days=75), Decimal("60.00"), "", 3),
            LedgerEntry("charge", AS_OF - timedelta(days=30), Decimal("50.00"), "", 4),
            LedgerEntry("payment", AS_OF - timedelta(days=5), Decimal("-120.00"), "", 5),
            LedgerEntry("adjustment", AS_OF, Decimal("-10.00"), "", 6),
        ],
        AS_OF,
    )
    assert ledger.balance == Decimal("160.00")
    # 130 settles the 100 (over 90) and 30 of the 60 (61–90).
    assert ledger.ageing.buckets == (
        Decimal("50.00"),
        Decimal("80.00"),
        Decimal("30.00"),
        Decimal("0.00"),
    )


def test_a_credit_sits_in_the_current_bucket() -> None:
    ageing = age(
        [
            LedgerEntry("charge", AS_OF - timedelta(days=200), Decimal("40.00"), ""),
            LedgerEntry("payment", AS_OF - timedelta(days=3), Decimal("-65.00"), ""),
        ],
        AS_OF,
    )
    assert ageing.buckets == (Decimal("-25.00"), Decimal(0), Decimal(0), Decimal(0))


def test_expected_at_check_in_is_copay_plus_coinsurance() -> None:
    assert expected_at_check_in(Decimal("20.00"), 20, Decimal("101.37")) == Decimal("40.27")
    assert expected_at_check_in(Decimal("0.00"), 0, Decimal("99.99")) == Decimal("0.00")

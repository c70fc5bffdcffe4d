"""Authorization counting and the warnings a visit raises against it (claims.md §3–4)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from chargeclock.domain.authorizations import (
    Authorization,
    BilledDay,
    allocate,
    authorization_status,
    filing_deadline,
    filing_warning,
    visit_limit_warnings,
)

MARCH = Authorization(1, "A-100", date(2026, 1, 1), date(2026, 3, 31), visits=12)


def _days(start: date, count: int, *, every: int = 2) -> list[BilledDay]:
    return [BilledDay(start + timedelta(days=every * n), (("97110", 2),)) for n in range(count)]


def _kinds(status: object) -> list[str]:
    return [w.kind for w in getattr(status, "warnings", ())]


def test_the_line_says_which_visit_of_how_many_and_until_when() -> None:
    status = authorization_status([MARCH], _days(date(2026, 1, 5), 6), BilledDay(date(2026, 2, 2)))
    assert (status.visit_number, status.visits_used) == (7, 7)
    assert status.line == "Auth A-100: visit 7 of 12 · until 03/31"
    assert status.warnings == ()


def test_two_left_warns_and_one_more_than_authorized_is_co_198() -> None:
    billed = _days(date(2026, 1, 5), 9)
    tenth = authorization_status([MARCH], billed, BilledDay(date(2026, 3, 2)))
    assert _kinds(tenth) == ["authorization_low"]
    assert "2 visits left on authorization A-100" in tenth.warnings[0].message
    ninth = authorization_status([MARCH], billed[:8], BilledDay(date(2026, 3, 2)))
    assert _kinds(ninth) == []  # three left after it: nothing yet
    thirteenth = authorization_status(
        [MARCH], _days(date(2026, 1, 5), 12), BilledDay(date(2026, 3, 30))
    )
    assert _kinds(thirteenth) == ["authorization_exhausted"]
    assert thirteenth.warnings[0].message.startswith(
        "CO-198: visit 13 of 12 authorized (authorization A-100)"
    )


def test_units_authorized_are_counted_from_the_lines() -> None:
    units = Authorization(2, "U-9", date(2026, 1, 1), date(2026, 3, 31), units=8)
    billed = _days(date(2026, 1, 5), 3)  # 6 units
    ok = authorization_status([units], billed, BilledDay(date(2026, 2, 1), (("97110", 2),)))
    assert ok.units_used == 8 and ok.warnings == ()
    assert ok.line == "Auth U-9: 8 of 8 units · until 03/31"
    over = authorization_status([units], billed, BilledDay(date(2026, 2, 1), (("97110", 3),)))
    assert _kinds(over) == ["authorization_exhausted"] and "9 units" in over.warnings[0].message


def test_expired_missing_and_not_started_are_co_197() -> None:
    april = BilledDay(date(2026, 4, 2))
    expired = authorization_status([MARCH], [], april)
    assert _kinds(expired) == ["authorization_expired"]
    assert expired.warnings[0].message.startswith("CO-197: authorization A-100 ended 03/31/2026")
    assert expired.line == ""
    assert _kinds(authorization_status([], [], april, required=True)) == ["authorization_missing"]
    assert _kinds(authorization_status([], [], april, required=False)) == []
    later = Authorization(3, "B-1", date(2026, 5, 1), date(2026, 6, 30), visits=6)
    assert _kinds(authorization_status([later], [], april)) == ["authorization_not_started"]


def test_codes_it_does_not_cover_are_named() -> None:
    manual = Authorization(
        4, "M-1", date(2026, 1, 1), date(2026, 3, 31), visits=6, codes=("97140",)
    )
    both = authorization_status(
        [manual], [], BilledDay(date(2026, 1, 9), (("97140", 1), ("97110", 2)))
    )
    assert _kinds(both) == ["authorization_code_not_covered"]
    assert both.warnings[0].codes == ("97110",)
    other = authorization_status([manual], [], BilledDay(date(2026, 1, 9), (("97110", 2),)))
    assert _kinds(other) == ["authorization_code_not_covered"] and other.authorization is None


def test_a_renewal_takes_over_where_the_first_ran_out_and_no_day_counts_twice() -> None:
    first = Authorization(1, "A-1", date(2026, 1, 1), date(2026, 3, 31), visits=4)
    renewal = Authorization(2, "A-2", date(2026, 3, 1), date(2026, 6, 30), visits=4, renews_id=1)
    billed = _days(date(2026, 2, 20), 6, every=3)  # 02/20 … 03/07
    got = allocate([renewal, first], billed)
    assert [(a.authorization.number if a.authorization else None, a.visit_number) for a in got] == [
        ("A-1", 1), ("A-1", 2), ("A-1", 3), ("A-1", 4), ("A-2", 1), ("A-2", 2),
    ]  # fmt: skip
    status = authorization_status([first, renewal], billed, BilledDay(date(2026, 4, 1)))
    assert status.line == "Auth A-2: visit 3 of 4 · until 06/30"
    # The same date twice (a same-day visit, a visit reopened and finalized again) is one visit.
    again = authorization_status([first, renewal], [*billed, billed[-1]], BilledDay(billed[-1].day))
    assert again.visits_used == 2


@given(st.lists(st.integers(min_value=0, max_value=200), max_size=40))
def test_every_billed_day_counts_on_at_most_one_authorization(offsets: list[int]) -> None:
    first = Authorization(1, "A-1", date(2026, 1, 1), date(2026, 3, 31), visits=5)
    renewal = Authorization(2, "A-2", date(2026, 3, 1), date(2026, 6, 30), visits=5, renews_id=1)
    days = [BilledDay(date(2026, 1, 1) + timedelta(days=n)) for n in offsets]
    got = allocate([first, renewal], days)
    assert len(got) == len(set(offsets))
    counted = sum(1 for a in got if a.authorization is not None)
    in_dates = sum(1 for d in {x.day for x in days} if d <= date(2026, 6, 30))
    assert counted == in_dates
    for auth in (first, renewal):
        numbers = [a.visit_number for a in got if a.authorization == auth]
        assert numbers == list(range(1, len(numbers) + 1))


def test_the_yearly_visit_limit_is_co_119() -> None:
    assert visit_limit_warnings(None, 99, 2026) == []
    assert visit_limit_warnings(20, 17, 2026) == []
    assert [w.kind for w in visit_limit_warnings(20, 18, 2026)] == ["visit_limit_near"]
    reached = visit_limit_warnings(20, 21, 2026)
    assert [w.kind for w in reached] == ["visit_limit_reached"]
    assert reached[0].message == "CO-119: visit 21 in 2026; the plan pays 20 a year"


def test_timely_filing_deadline_and_co_29() -> None:
    assert filing_deadline(date(2026, 3, 2), None, True) == date(2027, 3, 2)
    assert filing_deadline(date(2028, 2, 29), None, True) == date(2029, 2, 28)
    assert filing_deadline(date(2026, 3, 2), 90, True) == date(2026, 5, 31)
    assert filing_deadline(date(2026, 3, 2), None, False) is None
    day, deadline = date(2026, 3, 2), date(2026, 5, 31)
    assert filing_warning(day, deadline, date(2026, 4, 30)) is None
    near = filing_warning(day, deadline, date(2026, 5, 1))
    assert near is not None and "30 days left" in near.message and "CO-29" in near.message
    late = filing_warning(day, deadline, date(2026, 6, 1))
    assert late is not None and late.message.startswith("CO-29: the filing limit")

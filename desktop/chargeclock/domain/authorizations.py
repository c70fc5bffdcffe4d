"""Authorizations, yearly visit limits and timely filing (claims.md §3–4). Pure: no storage.

An authorization belongs to a patient and a payer: a number, a first and last date, visits
and/or units authorized, optionally the codes it covers. **Used** is counted from billed days:
the patient's finalized visits for that payer, one per date of service (a day's visits are one
claim, and a visit reopened and finalized again is still the one day), in date order. Each day
counts on exactly one authorization: the earliest-starting one covering its date (and one of its
codes) with visits and units left, else the latest such one (which it then exceeds). So a
renewal takes over where the authorization it renews ran out, and no day counts twice.

Warnings carry the payer's reason code (CARC) a claim would be denied with:

* ``authorization_low`` — two visits or fewer left after this one: ask for a renewal;
* ``authorization_exhausted`` — more visits or units than authorized (CO-198);
* ``authorization_expired`` / ``authorization_not_started`` — the visit falls outside every
  authorization's dates, so none covers it (CO-197);
* ``authorization_missing`` — the payer requires one and none is on file (CO-197);
* ``authorization_code_not_covered`` — the authorization lists codes and this one is not among
  them (CO-197);
* ``visit_limit_near`` / ``visit_limit_reached`` — the plan's yearly visit limit (CO-119);
* ``timely_filing`` — the claim is past (or within 30 days of) the payer's filing limit (CO-29).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from msgspec import Struct

from chargeclock.domain.warnings import VisitWarning
from chargeclock.domain.wording import day_text

LOW_VISITS = 2  # warn when this many visits or fewer are left after the visit
FILING_WARNING_DAYS = 30  # list a claim this many days before its filing limit
#: a claim past its filing limit stays on the list this long (to be appealed or written off)
PAST_LIMIT_LISTED_DAYS = 90
MEDICARE_FILING_MONTHS = 12  # Medicare: 12 months from the date of service [CMS]
#: those 12 months in days, at the most (a leap year)
MEDICARE_FILING_MOST_DAYS = 366


class Authorization(Struct, frozen=True):
    """One authorization as the rules need it (``visits``/``units``: None = not limited)."""

    id: int
    number: str
    valid_from: date
    valid_to: date
    visits: int | None = None
    units: int | None = None
    codes: tuple[str, ...] = ()  # empty: every code
    renews_id: int | None = None

    @property
    def label(self) -> str:
        """``authorization A-100`` (``the authorization`` when it has no number)."""
        return f"authorization {self.number}" if self.number else "the authorization"

    def covers_day(self, day: date) -> bool:
        return self.valid_from <= day <= self.valid_to

    def covers_code(self, code: str) -> bool:
        return not self.codes or code in self.codes


class BilledDay(Struct, frozen=True):
    """A date of service billed to the payer, with its lines' codes and units."""

    day: date
    lines: tuple[tuple[str, int], ...] = ()  # (code, units)


class Assignment(Struct, frozen=True):
    """Which authorization a day counts on, and where that leaves it."""

    day: date
    authorization: Authorization | None
    visit_number: int = 0  # this day's place among the visits counted on it (1 = first)
    units_through: int = 0  # its units counted up to and including this day


def _codes_match(auth: Authorization, day: BilledDay) -> bool:
    return not day.lines or any(auth.covers_code(code) for code, _ in day.lines)


def allocate(
    authorizations: Sequence[Authorization], days: Iterable[BilledDay]
) -> list[Assignment]:
    """Each billed day (merged by date, in date order) assigned to one authorization."""
    merged: dict[date, list[tuple[str, int]]] = {}
    for billed in days:
        merged.setdefault(billed.day, []).extend(billed.lines)
    ordered = sorted(authorizations, key=lambda a: (a.valid_from, a.id))
    visits = dict.fromkeys((a.id for a in ordered), 0)
    units = dict.fromkeys((a.id for a in ordered), 0)
    out = []
    for day in sorted(merged):
        billed = BilledDay(day, tuple(merged[day]))
        candidates = [a for a in ordered if a.covers_day(day) and _codes_match(a, billed)]
        if not candidates:
            out.append(Assignment(day, None))
            continue
        room = [
            a
            for a in candidates
            if (a.visits is None or visits[a.id] < a.visits)
            and (a.units is None or units[a.id] < a.units)
        ]
        chosen = room[0] if room else candidates[-1]
        visits[chosen.id] += 1
        units[chosen.id] += sum(n for code, n in billed.lines if chosen.covers_code(code))
        out.append(Assignment(day, chosen, visits[chosen.id], units[chosen.id]))
    return out


class AuthorizationStatus(Struct, frozen=True):
    """Where one visit's day stands against the patient's authorizations for its payer."""

    day: date
    authorization: Authorization | None
    visit_number: int  # this visit's place on it
    visits_used: int  # every billed day counted on it (this one included)
    units_used: int
    warnings: tuple[VisitWarning, ...] = ()

    @property
    def line(self) -> str:
        """``visit 7 of 12 · until 03/31`` (the visit screen's line); empty with none."""
        auth = self.authorization
        if auth is None:
            return ""
        parts = []
        if auth.visits is not None:
            parts.append(f"visit {self.visit_number} of {auth.visits}")
        if auth.units is not None:
            parts.append(f"{self.units_used} of {auth.units} units")
        parts.append(f"until {auth.valid_to.strftime('%m/%d')}")
        return f"Auth {auth.number}: " + " · ".join(parts)


def authorization_status(
    authorizations: Sequence[Authorization],
    days: Iterable[BilledDay],
    visit: BilledDay,
    *,
    required: bool = False,
) -> AuthorizationStatus:
    """The status of ``visit``'s day, counting ``days`` (the payer's billed days; the visit's
    own day may be among them, it counts once) and the visit itself."""
    others = [d for d in days if d.day != visit.day]
    assignments = allocate(authorizations, [*others, visit])
    mine = next(a for a in assignments if a.day == visit.day)
    auth = mine.authorization
    if auth is None:
        return AuthorizationStatus(
            visit.day, None, 0, 0, 0, tuple(_uncovered(authorizations, visit, required))
        )
    on_it = [
        a for a in assignments if a.authorization is not None and a.authorization.id == auth.id
    ]
    warnings = assigned_warnings(auth, mine.visit_number, mine.units_through, visit.lines)
    return AuthorizationStatus(
        visit.day, auth, mine.visit_number, len(on_it), on_it[-1].units_through, tuple(warnings)
    )


def assigned_warnings(
    auth: Authorization,
    visit_number: int,
    units_through: int = 0,
    lines: Sequence[tuple[str, int]] = (),
) -> list[VisitWarning]:
    """The warnings of a visit that counts on ``auth`` as its ``visit_number``-th visit (its
    units bringing the count to ``units_through``)."""
    warnings = []
    until = day_text(auth.valid_to)
    if auth.visits is not None and visit_number > auth.visits:
        warnings.append(
            VisitWarning(
                "authorization_exhausted",
                (),
                f"CO-198: visit {visit_number} of {auth.visits} authorized ({auth.label}): "
                "the authorized visits are used up; ask the payer for more before billing",
                carc="CO-198",
            )
        )
    elif auth.units is not None and units_through > auth.units:
        warnings.append(
            VisitWarning(
                "authorization_exhausted",
                (),
                f"CO-198: {units_through} units counted on {auth.label}, which authorizes "
                f"{auth.units}: ask the payer for more before billing",
                carc="CO-198",
            )
        )
    elif auth.visits is not None and auth.visits - visit_number <= LOW_VISITS:
        left = auth.visits - visit_number
        warnings.append(
            VisitWarning(
                "authorization_low",
                (),
                f"{left} visit{'s' * (left != 1)} left on {auth.label} after this one "
                f"(until {until}): ask for a renewal",
            )
        )
    uncovered = tuple(dict.fromkeys(code for code, _ in lines if not auth.covers_code(code)))
    if uncovered:
        warnings.append(
            VisitWarning(
                "authorization_code_not_covered",
                uncovered,
                f"CO-197: {', '.join(uncovered)} not among the codes {auth.label} covers "
                f"({', '.join(auth.codes)})",
                carc="CO-197",
            )
        )
    return warnings


def single_authorization_warnings(
    auth: Authorization, visits_used: int, visit: BilledDay
) -> list[VisitWarning]:
    """One authorization known only by its count (``chargeclock calc``): ``visits_used`` before
    this visit, which is the next one when its date is in the authorization's dates."""
    if not auth.covers_day(visit.day):
        return _uncovered([auth], visit, required=True)
    return assigned_warnings(auth, visits_used + 1, 0, visit.lines)


def _uncovered(
    authorizations: Sequence[Authorization], visit: BilledDay, required: bool
) -> list[VisitWarning]:
    day = visit.day
    covering = [a for a in authorizations if a.covers_day(day)]
    if covering:  # in its dates, but for other codes
        codes = tuple(dict.fromkeys(code for code, _ in visit.lines))
        listed = ", ".join(sorted({c for a in covering for c in a.codes}))
        return [
            VisitWarning(
                "authorization_code_not_covered",
                codes,
                f"CO-197: {', '.join(codes)} not among the codes authorized ({listed})",
                carc="CO-197",
            )
        ]
    ended = [a for a in authorizations if a.valid_to < day]
    later = [a for a in authorizations if a.valid_from > day]
    if ended:
        last = max(ended, key=lambda a: (a.valid_to, a.id))
        return [
            VisitWarning(
                "authorization_expired",
                (),
                f"CO-197: {last.label} ended "
                f"{day_text(last.valid_to)}; none covers "
                f"{day_text(day)}: renew it before billing",
                carc="CO-197",
            )
        ]
    if later:
        first = min(later, key=lambda a: (a.valid_from, a.id))
        return [
            VisitWarning(
                "authorization_not_started",
                (),
                f"CO-197: {first.label} starts "
                f"{day_text(first.valid_from)}; none covers "
                f"{day_text(day)}",
                carc="CO-197",
            )
        ]
    if authorizations or required:
        return [
            VisitWarning(
                "authorization_missing",
                (),
                "CO-197: the payer requires an authorization and none covering "
                f"{day_text(day)} is on file",
                carc="CO-197",
            )
        ]
    return []


def visit_limit_warnings(limit: int | None, visit_number: int, year: int) -> list[VisitWarning]:
    """The plan's yearly visit limit against this visit's place in the year (1 = first)."""
    if limit is None:
        return []
    if visit_number > limit:
        return [
            VisitWarning(
                "visit_limit_reached",
                (),
                f"CO-119: visit {visit_number} in {year}; the plan pays {limit} a year",
                carc="CO-119",
            )
        ]
    left = limit - visit_number
    if left <= LOW_VISITS:
        return [
            VisitWarning(
                "visit_limit_near",
                (),
                f"{left} visit{'s' * (left != 1)} left of the plan's {limit} in {year} "
                "after this one",
            )
        ]
    return []


def filing_deadline(day: date, limit_days: int | None, medicare: bool) -> date | None:
    """The last day a claim for ``day`` can be filed: ``limit_days`` after it, or for Medicare
    without a set limit 12 months after it (the same date a year on; 29 Feb → 28 Feb)."""
    if limit_days is not None:
        return day + timedelta(days=limit_days)
    if not medicare:
        return None
    try:
        return day.replace(year=day.year + MEDICARE_FILING_MONTHS // 12)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def filing_warning(day: date, deadline: date | None, today: date) -> VisitWarning | None:
    """CO-29 when the deadline is past, a warning when it is within 30 days."""
    if deadline is None:
        return None
    left = (deadline - today).days
    if left < 0:
        return VisitWarning(
            "timely_filing",
            (),
            f"CO-29: the filing limit for {day_text(day)} passed on {day_text(deadline)}",
        )
    if left <= FILING_WARNING_DAYS:
        return VisitWarning(
            "timely_filing",
            (),
            f"file by {day_text(deadline)} ({left} day{'s' * (left != 1)} left) "
            "or the payer denies it (CO-29)",
        )
    return None

"""What every service shares: the open database, the clock, the rule data, who is acting."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime, tzinfo
from decimal import Decimal
from pathlib import Path
from typing import Any

from msgspec import Struct, field

from chargeclock.clock import Clock
from chargeclock.domain.rulebook import Fee, RuleBook
from chargeclock.domain.year_figures import YearFigures
from chargeclock.services import live
from chargeclock.services.changes import Changes
from chargeclock.storage import amounts, audit, heartbeat, rule_data
from chargeclock.storage.audit_rows import RowRef
from chargeclock.storage.store import Engine


class ClinicRuleBook(RuleBook):
    """The shipped rule data with the clinic's imports laid over it, year by year:

    * figures (``import-rules``): an imported year replaces the shipped row of that year, and a
      year after the last shipped one is no longer provisional once imported;
    * the physician fee schedule (``import-pfs``): the locality amount replaces the shipped
      figure for that year and code, with the locality-adjusted RVU parts (so the
      multiple-procedure reduction works on real practice expense);
    * allowed amounts (``import-fees``): replace the figure for that year and code, keeping the
      RVU shares it had (so the reduction still applies); a code in none stays unknown."""

    def __init__(self, base: RuleBook, db: Engine) -> None:
        super().__init__(base.directory)
        self._base = base
        self._db = db
        self._imported: dict[int, YearFigures] | None = None
        self._pfs_years: frozenset[int] | None = None

    def figures(self) -> Mapping[int, YearFigures]:
        if self._imported is None:
            self._imported = {i.figures.year: i.figures for i in rule_data.imported_years(self._db)}
        return {**self._base.figures(), **self._imported}

    def fee_years(self) -> frozenset[int]:
        if self._pfs_years is None:
            self._pfs_years = frozenset(y for y, *_ in rule_data.pfs_years(self._db))
        return self._base.fee_years() | self._pfs_years

    def fee_table(self, year: int) -> dict[str, Fee]:
        fees = self._base.fee_table(year) if year in self._base.fee_years() else {}
        figures = self.figures()
        earlier = [y for y in figures if y <= year]
        factor = figures[max(earlier)].conversion_factor if earlier else None
        for row in rule_data.pfs_fees(self._db, year):
            if row.amount is None or row.work_rvu is None or row.pe_rvu is None:
                fees.pop(row.code, None)  # the status pays nothing separately: unknown here
                continue
            assert row.mp_rvu is not None
            source = f"CMS PFS {row.year}, locality {row.locality}: {row.source}"
            # The locality-adjusted parts keep their shares, scaled so one full unit at the
            # year's conversion factor is the published locality amount.
            fees[row.code] = Fee(
                row.code,
                row.work_rvu * row.work_gpci,
                row.pe_rvu * row.pe_gpci,
                row.mp_rvu * row.mp_gpci,
                row.amount,
                source,
            ).at_amount(row.amount, factor, source)
        return fees

    def fee_overrides(
        self, year: int, base: Mapping[str, Fee], figures: YearFigures
    ) -> dict[str, Fee]:
        overrides: dict[str, Fee] = {}
        for code, (amount, source) in amounts.allowed_amounts(self._db, year).items():
            known = base.get(code)
            overrides[code] = (
                known.at_amount(amount, figures.conversion_factor, source)
                if known is not None
                else Fee(code, None, None, None, amount, source)
            )
        return overrides

    def invalidate(self) -> None:
        """Forget what was read from the database (after an import)."""
        self._imported = None
        self._pfs_years = None
        self.forget()


@contextmanager
def clinic_rule_book(path: Path | str, base: RuleBook) -> Iterator[ClinicRuleBook]:
    """The rule data a clinic's database (a file or a server) holds, read changing nothing."""
    from chargeclock.services.session import open_engine

    db = open_engine(path, write=False, create=False)
    try:
        yield ClinicRuleBook(base, db)
    finally:
        db.close()


class Context(Struct):
    """What every service shares: the database, the clock, the rule book, the actor and the
    clinic's zone; and what the calls since the last :meth:`take_changes` changed."""

    db: Engine
    clock: Clock
    book: ClinicRuleBook
    actor: str = "user"
    zone: tzinfo | None = None  # the clinic's zone for dates of service; None = this computer's
    changes: Changes = field(default_factory=Changes)
    #: a process beside the window (``chargeclock timer``): it does not speak for the window's
    #: heartbeat, so a tap from it never moves the "last seen alive" of a run that crashed
    beside_window: bool = False

    def beat(self) -> None:
        """Note this run alive now (inside the caller's transaction), unless beside a window."""
        if not self.beside_window:
            heartbeat.beat(self.db, self.clock.now())

    #: this run's mark on the changes it announces to other workstations (it skips its own)
    origin: str = field(default_factory=live.new_origin)

    def now(self) -> datetime:
        return self.clock.now()

    def today(self) -> date:
        return self.clock.now().astimezone(self.zone).date()

    def audit(
        self,
        action: str,
        entity: str,
        entity_id: int | None,
        reason: str = "",
        *,
        covers: Iterable[RowRef] = (),
        **details: Any,
    ) -> int:
        """Append an audit entry; call inside the transaction that makes the change, after it.
        ``covers``: the billing rows it created, changed or deleted, as ``(tag, key)``
        (:mod:`chargeclock.storage.audit_rows`): the entry keeps their content as they stand.
        What the entry is about joins :attr:`changes`."""
        changed = Changes.of_audit(entity, entity_id, details)
        self.changes = self.changes | changed
        live.announce(self.db, changed, self.origin)  # the others hear of it at the commit
        return audit.append(
            self.db,
            at=self.clock.now(),
            actor=self.actor,
            action=action,
            entity=entity,
            entity_id=entity_id,
            reason=reason,
            details=_plain(details),
            covers=covers,
        )

    def take_changes(self) -> Changes:
        """What changed since the last call (a refused call may add a change that was rolled
        back: a view reads again for nothing, never misses one)."""
        taken, self.changes = self.changes, Changes()
        return taken


def _plain(value: Any) -> Any:
    """Audit details as JSON-ready values (Decimals and dates as text)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value

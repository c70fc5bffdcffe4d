"""What every service shares: the open database, the clock, the rule data, who is acting."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, tzinfo
from decimal import Decimal
from typing import Any

from msgspec import Struct
from msgspec.structs import replace

from chargeclock.clock import Clock
from chargeclock.domain.rulebook import Fee, RuleBook, RuleYear
from chargeclock.storage import amounts, audit
from chargeclock.storage.audit_rows import RowRef
from chargeclock.storage.database import Database


class ClinicRuleBook(RuleBook):
    """The shipped rule data with the clinic's imported allowed amounts laid over each year's
    fees: an imported amount replaces the shipped figure for that code, keeping the shipped RVU
    shares (so the multiple-procedure reduction still applies); others stay as shipped, and a
    code in neither stays unknown."""

    def __init__(self, base: RuleBook, db: Database) -> None:
        super().__init__(base.directory)
        self._base = base
        self._db = db
        self._overlaid: dict[int, RuleYear] = {}

    def year(self, year: int) -> RuleYear:
        cached = self._overlaid.get(year)
        if cached is not None:
            return cached
        shipped = self._base.year(year)
        imported = amounts.allowed_amounts(self._db.conn, year)
        if imported:
            fees = dict(shipped.fees)
            for code, (amount, source) in imported.items():
                known = fees.get(code)
                fees[code] = (
                    known.at_amount(amount, shipped.conversion_factor, source)
                    if known is not None
                    else Fee(code, None, None, None, amount, source)
                )
            shipped = replace(shipped, fees=fees)
        self._overlaid[year] = shipped
        return shipped

    def invalidate(self) -> None:
        """Forget the overlays (after an import)."""
        self._overlaid.clear()


class Context(Struct):
    """What every service shares: the database, the clock, the rule book, the actor and the
    clinic's zone."""

    db: Database
    clock: Clock
    book: ClinicRuleBook
    actor: str = "user"
    zone: tzinfo | None = None  # the clinic's zone for dates of service; None = this computer's

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
        (:mod:`chargeclock.storage.audit_rows`): the entry keeps their content as they stand."""
        return audit.append(
            self.db.conn,
            at=self.clock.now(),
            actor=self.actor,
            action=action,
            entity=entity,
            entity_id=entity_id,
            reason=reason,
            details=_plain(details),
            covers=covers,
        )


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

"""Payers: how each bills (unit method, assistant modifiers, KX, Medicare), added and changed
with every field checked first, in one transaction.
"""

from __future__ import annotations

from types import EllipsisType

import msgspec

from chargeclock.domain.errors import InputError
from chargeclock.domain.payer_kinds import (
    TELEHEALTH_MODIFIERS,
    PayerKind,
    PayerModifiers,
    kind_defaults,
    kind_for_legacy,
)
from chargeclock.services.context import Context
from chargeclock.services.plan_certification import check_recertification_days
from chargeclock.services.validation import clean_text
from chargeclock.storage import payers, plan_certification
from chargeclock.storage.records import PayerRow


class PayerRecords:
    """Mixed into :class:`~chargeclock.services.records.RecordService`."""

    ctx: Context

    def check_payer_name(self, name: str, payer_id: int | None = None) -> str:
        text = clean_text(name, "name")
        other = payers.payer_named(self.ctx.db, text)
        if other is not None and other != payer_id:
            raise InputError("name", f"there is already a payer named {text!r}")
        return text

    def add_payer(
        self,
        name: str,
        *,
        medicare: bool | None = None,
        unit_method: str | None = None,
        assistant_modifiers: bool | None = None,
        kx: bool | None = None,
        kind: str | None = None,
        modifiers: PayerModifiers | None = None,
        recertification_days: int | None = None,
    ) -> PayerRow:
        """Every setting left out takes the kind's default (claims.md §1). Without a kind, a
        Medicare payer is Part B (CMS units, CQ on, KX on), any other commercial (per-code, CQ
        off, KX off). ``recertification_days``: the payer asks for a new plan of care that
        often (claims.md §5; None: the plan's own length)."""
        the_kind = _kind(kind) if kind else kind_for_legacy(bool(medicare))
        base = kind_defaults(the_kind)
        is_medicare = base.medicare if medicare is None else medicare
        method = unit_method or (base.unit_method if kind else "cms" if medicare else "per_code")
        _check_unit_method(method)
        extra = modifiers or PayerModifiers(
            the_kind.value,
            base.therapy_modifiers,
            base.habilitative_modifiers,
            base.telehealth_modifier,
        )
        _check_modifiers(extra)
        check_recertification_days(recertification_days)
        checked_name = self.check_payer_name(name)
        default_on = base.assistant_modifiers if kind else is_medicare
        with self.ctx.db.transaction():
            payer_id = payers.insert_payer(
                self.ctx.db,
                name=checked_name,
                unit_method=method,
                assistant_modifiers=default_on
                if assistant_modifiers is None
                else assistant_modifiers,
                kx=(base.kx if kind else is_medicare) if kx is None else kx,
                medicare=is_medicare,
                extra=extra,
            )
            if recertification_days is not None:
                plan_certification.set_recertification_days(
                    self.ctx.db, payer_id, recertification_days
                )
            self.ctx.audit(
                "payer_added",
                "payer",
                payer_id,
                "",
                name=name,
                unit_method=method,
                recertification_days=recertification_days,
                **msgspec.structs.asdict(extra),
            )
        found = payers.get_payer(self.ctx.db, payer_id)
        assert found is not None
        return found

    def update_payer(
        self,
        payer_id: int,
        name: str,
        *,
        medicare: bool,
        unit_method: str,
        assistant_modifiers: bool,
        kx: bool,
        modifiers: PayerModifiers | None = None,
        recertification_days: int | EllipsisType | None = ...,
    ) -> PayerRow:
        """``modifiers`` left out: the payer's kind and modifiers stay as they are; so does the
        recertification interval left out (``...``; None: the plan's own length)."""
        conn = self.ctx.db
        old = payers.get_payer(conn, payer_id)
        if old is None:
            raise InputError("payer_id", f"there is no payer {payer_id}")
        self.check_payer_name(name, payer_id)
        _check_unit_method(unit_method)
        extra = modifiers or PayerModifiers(
            old.kind, old.therapy_modifiers, old.habilitative_modifiers, old.telehealth_modifier
        )
        _check_modifiers(extra)
        every = (
            plan_certification.recertification_days(conn, payer_id)
            if isinstance(recertification_days, EllipsisType)
            else recertification_days
        )
        check_recertification_days(every)
        with self.ctx.db.transaction():
            if not isinstance(recertification_days, EllipsisType):  # left out: left as it is
                plan_certification.set_recertification_days(conn, payer_id, every)
            payers.update_payer(
                conn,
                payer_id,
                name=name.strip(),
                unit_method=unit_method,
                assistant_modifiers=assistant_modifiers,
                kx=kx,
                medicare=medicare,
                extra=extra,
            )
            self.ctx.audit(
                "payer_changed",
                "payer",
                payer_id,
                "",
                name=name.strip(),
                unit_method=unit_method,
                assistant_modifiers=assistant_modifiers,
                kx=kx,
                medicare=medicare,
                recertification_days=every,
                **msgspec.structs.asdict(extra),
            )
        found = payers.get_payer(conn, payer_id)
        assert found is not None
        return found

    def payers(self) -> list[PayerRow]:
        return payers.list_payers(self.ctx.db)


def _check_unit_method(unit_method: str) -> None:
    if unit_method not in ("cms", "per_code"):
        raise InputError("unit_method", f"must be cms or per_code, got {unit_method!r}")


def _kind(kind: str) -> PayerKind:
    try:
        return PayerKind(kind)
    except ValueError:
        kinds = ", ".join(PayerKind)
        raise InputError("kind", f"must be one of {kinds}, got {kind!r}") from None


def _check_modifiers(extra: PayerModifiers) -> None:
    _kind(extra.kind)
    if extra.telehealth_modifier not in TELEHEALTH_MODIFIERS:
        got = extra.telehealth_modifier
        raise InputError("telehealth_modifier", f'must be "95", "GT" or "" (none), got {got!r}')

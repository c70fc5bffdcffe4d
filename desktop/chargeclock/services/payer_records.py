"""Payers: how each bills (unit method, assistant modifiers, KX, Medicare), added and changed
with every field checked first, in one transaction.
"""

from __future__ import annotations

from chargeclock.domain.errors import InputError
from chargeclock.services.context import Context
from chargeclock.services.validation import clean_text
from chargeclock.storage import payers
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
        medicare: bool,
        unit_method: str | None = None,
        assistant_modifiers: bool | None = None,
        kx: bool | None = None,
    ) -> PayerRow:
        """Medicare defaults: CMS units, CQ on, KX on; others: per-code, CQ off, KX off."""
        method = unit_method or ("cms" if medicare else "per_code")
        _check_unit_method(method)
        checked_name = self.check_payer_name(name)
        with self.ctx.db.transaction():
            payer_id = payers.insert_payer(
                self.ctx.db,
                name=checked_name,
                unit_method=method,
                assistant_modifiers=medicare
                if assistant_modifiers is None
                else assistant_modifiers,
                kx=medicare if kx is None else kx,
                medicare=medicare,
            )
            self.ctx.audit("payer_added", "payer", payer_id, "", name=name, unit_method=method)
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
    ) -> PayerRow:
        conn = self.ctx.db
        if payers.get_payer(conn, payer_id) is None:
            raise InputError("payer_id", f"there is no payer {payer_id}")
        self.check_payer_name(name, payer_id)
        _check_unit_method(unit_method)
        with self.ctx.db.transaction():
            payers.update_payer(
                conn,
                payer_id,
                name=name.strip(),
                unit_method=unit_method,
                assistant_modifiers=assistant_modifiers,
                kx=kx,
                medicare=medicare,
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
            )
        found = payers.get_payer(conn, payer_id)
        assert found is not None
        return found

    def payers(self) -> list[PayerRow]:
        return payers.list_payers(self.ctx.db)


def _check_unit_method(unit_method: str) -> None:
    if unit_method not in ("cms", "per_code"):
        raise InputError("unit_method", f"must be cms or per_code, got {unit_method!r}")

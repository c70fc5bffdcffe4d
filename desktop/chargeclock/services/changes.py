"""What a service call changed, for the views that show it (Qt-free).

Every mutation appends an audit entry inside its transaction (:meth:`Context.audit`); the
context turns each entry's entity into a :class:`Changes` and keeps their union until the caller
takes it (:meth:`Context.take_changes`). The window publishes that union once per call, and each
view decides from it what to read again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from msgspec import Struct

#: audit entities that are the clinic's setup: the practice, its people, payers and settings
SETUP_ENTITIES = frozenset(
    {"practice", "provider", "user", "payer", "payer_limits", "settings", "referring"}
)
#: audit entities that belong to one patient, named by the entry's ``patient_id`` detail
PATIENT_ENTITIES = frozenset({"authorization", "ledger_entry", "cost_share"})
#: audit entities that are fees and rule data (what a bill is priced with)
FEE_ENTITIES = frozenset({"fee_list", "allowed_amounts", "rule_years", "pfs_fees"})
#: audit entities whose change may touch anything (demo data written over the store)
EVERYTHING_ENTITIES = frozenset({"database"})


class Changes(Struct, frozen=True):
    """Which kinds of stored things changed. Empty (false) when nothing did.

    ``visits`` and ``patients`` name the ids that changed; ``every`` means anything may have
    changed (the store was replaced or written from outside): every question answers yes."""

    visits: frozenset[int] = frozenset()
    patients: frozenset[int] = frozenset()
    payments: bool = False
    setup: bool = False
    fees: bool = False
    every: bool = False

    @classmethod
    def everything(cls) -> Changes:
        """Anything may have changed: the store changed under us."""
        return cls(every=True)

    @classmethod
    def of_audit(
        cls, entity: str, entity_id: int | None, details: Mapping[str, Any] | None = None
    ) -> Changes:
        """What an audit entry about ``entity`` says changed. An entity this does not know
        counts as everything: a view refreshes too much rather than too little."""
        details = details or {}
        if entity == "visit" and entity_id is not None:
            return cls(visits=frozenset({entity_id}))
        if entity == "timer_segment" and isinstance(details.get("visit_id"), int):
            return cls(visits=frozenset({details["visit_id"]}))
        if entity == "patient" and entity_id is not None:
            return cls(patients=frozenset({entity_id}))
        if entity in PATIENT_ENTITIES and isinstance(details.get("patient_id"), int):
            return cls(patients=frozenset({details["patient_id"]}))
        if entity == "claim_submission" and isinstance(details.get("visit_id"), int):
            return cls(visits=frozenset({details["visit_id"]}))
        if entity == "payment":
            return cls(payments=True)
        if entity in SETUP_ENTITIES:
            return cls(setup=True)
        if entity in FEE_ENTITIES:
            return cls(fees=True)
        return cls.everything()

    @classmethod
    def of_result(cls, result: object) -> Changes:
        """What a visit call's result names: the visit of a returned visit state (``visit_id``)
        or of one it carries (``state``). Some visit edits write no billing row and so no audit
        entry (a timed code added, the tie choice kept): their result still says which visit."""
        visit_id = getattr(result, "visit_id", None)  # a state, or a timer tap's change
        if visit_id is None:  # the tap's state is read only when asked for: not here
            visit_id = getattr(getattr(result, "state", None), "visit_id", None)
        if isinstance(visit_id, int) and not isinstance(visit_id, bool):
            return cls(visits=frozenset({visit_id}))
        return cls()

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            visits=self.visits | other.visits,
            patients=self.patients | other.patients,
            payments=self.payments or other.payments,
            setup=self.setup or other.setup,
            fees=self.fees or other.fees,
            every=self.every or other.every,
        )

    def __bool__(self) -> bool:
        return bool(
            self.visits or self.patients or self.payments or self.setup or self.fees or self.every
        )

    def visit(self, visit_id: int) -> bool:
        """This visit (or anything) changed."""
        return self.every or visit_id in self.visits

    def patient(self, patient_id: int) -> bool:
        """This patient's record (or anything) changed."""
        return self.every or patient_id in self.patients

    @property
    def any_visit(self) -> bool:
        return self.every or bool(self.visits)

    @property
    def any_patient(self) -> bool:
        return self.every or bool(self.patients)

    @property
    def any_payment(self) -> bool:
        return self.every or self.payments

    @property
    def any_setup(self) -> bool:
        return self.every or self.setup

    @property
    def any_fees(self) -> bool:
        return self.every or self.fees

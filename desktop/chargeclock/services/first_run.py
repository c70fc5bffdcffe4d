"""The first-run guide's questions of the store: which of its four steps (practice, provider,
payer, first patient) are done, and whether the clinic chose to skip it."""

from __future__ import annotations

from msgspec import Struct

from chargeclock.services.context import Context
from chargeclock.storage import patients, payers, practice, staff

SKIPPED_KEY = "first_run.skipped"
STEPS = ("practice", "provider", "payer", "patient")


class FirstRunStatus(Struct, frozen=True):
    """Which steps the store already has; ``skipped``: the clinic said not to guide it."""

    practice: bool
    provider: bool
    payer: bool
    patient: bool
    skipped: bool = False

    @property
    def next_step(self) -> str | None:
        """The first step not done yet (None: all done)."""
        return next((step for step in STEPS if not getattr(self, step)), None)

    @property
    def needed(self) -> bool:
        """The guide opens at start: nothing is set up yet and nobody skipped it."""
        return not self.skipped and not (self.practice or self.provider or self.patient)


class FirstRun:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def status(self) -> FirstRunStatus:
        db = self.ctx.db
        saved = practice.get_practice(db)
        return FirstRunStatus(
            practice=saved is not None and bool(saved.name),
            provider=bool(staff.list_providers(db)),
            payer=bool(payers.list_payers(db)),
            patient=bool(patients.search_patients(db, "")),
            skipped=practice.get_setting(db, SKIPPED_KEY) == "1",
        )

    def skip(self) -> None:
        """Do not open the guide again at start (Settings holds every step)."""
        with self.ctx.db.transaction():
            practice.set_setting(self.ctx.db, SKIPPED_KEY, "1")

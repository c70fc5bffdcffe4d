"""The composition of the services over one open database (no module-level singletons)."""

from __future__ import annotations

from datetime import tzinfo
from pathlib import Path

from chargeclock.clock import Clock, SystemClock
from chargeclock.domain.calculation import VisitResult, calculate
from chargeclock.domain.rulebook import RuleBook
from chargeclock.services import billing, compliance
from chargeclock.services.context import ClinicRuleBook, Context
from chargeclock.services.minutes import VisitState, visit_input
from chargeclock.services.records import RecordService
from chargeclock.services.recovery import RecoveryService
from chargeclock.services.unlock import UnlockService
from chargeclock.services.visits import VisitService
from chargeclock.storage import audit
from chargeclock.storage.database import Database, open_database


class Services:
    """Everything the window needs, built on one database and one clock."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        book: RuleBook | None = None,
        *,
        zone: tzinfo | None = None,
        actor: str = "user",
    ) -> None:
        if book is None:
            from chargeclock.resources import rule_book

            book = rule_book()
        self.db = db
        self.clock = clock
        self.ctx = Context(db, clock, ClinicRuleBook(book, db), actor=actor, zone=zone)
        self.visits = VisitService(self.ctx)
        self.records = RecordService(self.ctx)
        self.recovery = RecoveryService(self.ctx)
        self.unlock = UnlockService(self.ctx)

    @classmethod
    def open(
        cls,
        path: Path | str,
        clock: Clock | None = None,
        *,
        book: RuleBook | None = None,
        zone: tzinfo | None = None,
    ) -> Services:
        """Open (create, migrate, lock) the database at ``path``."""
        return cls(open_database(path), clock or SystemClock(), book, zone=zone)

    def set_actor(self, name: str) -> None:
        """Who the audit log names for the next changes (the unlocked user)."""
        self.ctx.actor = name

    def live_result(
        self, state: VisitState, tie_choice: tuple[str, ...] | None = None
    ) -> VisitResult:
        """The engine on the visit's day as of now (the calculator panel); ``tie_choice``
        previews another allocation of a tie without saving it."""
        return calculate(visit_input(state, self.clock.now(), tie_choice), self.ctx.book)

    @property
    def book(self) -> RuleBook:
        return self.ctx.book

    def ytd_allowed(self, patient_id: int, year: int, bucket: str = "pt_slp") -> billing.YearToDate:
        return billing.ytd_allowed(self.ctx, patient_id, year, bucket)

    def progress_report_status(self, patient_id: int) -> compliance.ProgressReportStatus:
        return compliance.progress_report_status(self.ctx, patient_id, self.ctx.today())

    def plan_of_care_status(self, patient_id: int) -> compliance.PlanOfCareStatus:
        return compliance.plan_of_care_status(self.ctx, patient_id, self.ctx.today())

    def audit_entries(
        self, entity: str | None = None, entity_id: int | None = None
    ) -> list[audit.AuditEntry]:
        return audit.entries(self.db.conn, entity=entity, entity_id=entity_id)

    def verify_audit(self) -> audit.ChainCheck:
        return audit.verify_chain(self.db.conn)

    def backup_now(self) -> Path:
        if self.db.path is None:
            raise ValueError("an in-memory database has no backups")
        from chargeclock.services import backups

        return backups.backup_now(self.db.path, self.clock, self.db)

    def daily_backup(self) -> Path | None:
        from chargeclock.services import backups  # not on the start-up path

        return backups.daily_backup(self.db, self.clock)

    def close(self, *, clean: bool = True) -> None:
        """Record a clean exit (unless ``clean=False``) and close; closing twice is harmless."""
        if self.db.closed:
            return
        if clean:
            self.recovery.end_session()
        self.db.close()

"""The composition of the services over one open database (no module-level singletons)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import tzinfo
from functools import cached_property
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from chargeclock.clock import Clock, SystemClock
from chargeclock.domain.rulebook import RuleBook
from chargeclock.services.context import ClinicRuleBook, Context
from chargeclock.storage import audit
from chargeclock.storage.database import Database, open_database
from chargeclock.storage.store import Engine

if TYPE_CHECKING:
    from chargeclock.domain.visit_types import VisitResult
    from chargeclock.services import billing, compliance
    from chargeclock.services.authorizations import AuthorizationService
    from chargeclock.services.changes import Changes
    from chargeclock.services.claim_details import ClaimDetails
    from chargeclock.services.filing import FilingService
    from chargeclock.services.ledger import LedgerService
    from chargeclock.services.live import LiveFeed
    from chargeclock.services.minutes import VisitState
    from chargeclock.services.plan_certification import PlanCertification
    from chargeclock.services.practice_records import PracticeService
    from chargeclock.services.records import RecordService
    from chargeclock.services.recovery import RecoveryService
    from chargeclock.services.rule_imports import RuleImports
    from chargeclock.services.running import RunningClock
    from chargeclock.services.unlock import UnlockService
    from chargeclock.services.visits import VisitService
    from chargeclock.services.workstations import Workstations
    from chargeclock.storage.audit_verify import AuditReport


def open_engine(target: Path | str, *, write: bool = True, create: bool = True) -> Engine:
    """The clinic's database: a PostgreSQL server for a ``postgresql://`` URL (psycopg is
    loaded only then), else the SQLite file (``create``: a new file may be made)."""
    from chargeclock.storage.store import is_server_url

    if is_server_url(target):
        from chargeclock.storage.pg_schema import open_server

        return open_server(str(target), write=write, create=create)
    if create and write:
        return open_database(target)
    from chargeclock.storage.database import open_existing

    return open_existing(target, write=write)


S = TypeVar("S")


class _Service(Generic[S]):
    """A service of :class:`Services`, made from the class ``name`` of the services' module
    ``module`` (given ``ctx``) when first used, then kept."""

    def __init__(self, module: str, name: str) -> None:
        self.module = f"chargeclock.services.{module}"
        self.name = name
        self.attribute = ""

    def __set_name__(self, owner: type, attribute: str) -> None:
        self.attribute = attribute

    @overload
    def __get__(self, services: None, owner: type) -> _Service[S]: ...

    @overload
    def __get__(self, services: Services, owner: type) -> S: ...

    def __get__(self, services: Services | None, owner: type) -> S | _Service[S]:
        if services is None:
            return self
        made: S = getattr(import_module(self.module), self.name)(services.ctx)
        services.__dict__[self.attribute] = made  # kept: the next use finds it first
        return made


class Services:
    """Everything the window needs, built on one database and one clock."""

    def __init__(
        self,
        db: Engine,
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
        self._feeds: list[LiveFeed] = []

    # Each service loads its modules when first used, not with the services: a window that
    # starts locked paints its cover with the lock's and the practice's alone (the visits'
    # modules, some forty, and the other records' load as its panels are made behind it), a
    # command with its own; the ledger's modules alone were a tenth of the start's own imports.
    claims: _Service[ClaimDetails] = _Service("claim_details", "ClaimDetails")
    plans: _Service[PlanCertification] = _Service("plan_certification", "PlanCertification")
    records: _Service[RecordService] = _Service("records", "RecordService")
    #: the practice's part of the records alone (the lock's cover reads it)
    practice: _Service[PracticeService] = _Service("practice_records", "PracticeService")
    recovery: _Service[RecoveryService] = _Service("recovery", "RecoveryService")
    rules: _Service[RuleImports] = _Service("rule_imports", "RuleImports")
    unlock: _Service[UnlockService] = _Service("unlock", "UnlockService")
    filing: _Service[FilingService] = _Service("filing", "FilingService")
    workstations: _Service[Workstations] = _Service("workstations", "Workstations")
    # the accounts' (a dialog, a visit's authorization line)
    authorizations: _Service[AuthorizationService] = _Service(
        "authorizations", "AuthorizationService"
    )
    ledger: _Service[LedgerService] = _Service("ledger", "LedgerService")

    @cached_property
    def visits(self) -> VisitService:
        from chargeclock.services.visits import VisitService

        visits = VisitService(self.ctx)
        visits.claim_freezer = self._freeze_claim
        return visits

    @classmethod
    def open_existing(
        cls, path: Path | str, *, write: bool, clock: Clock | None = None
    ) -> Services:
        """An existing ChargeClock database, for a command: ``write=False`` reads it without
        changing any file (no lock: it runs beside the window); ``write=True`` takes the lock.
        A missing path, a folder or another program's file is refused, left as it is; a
        ``postgresql://`` URL opens the clinic on that server (which must hold one)."""
        return cls(open_engine(path, write=write, create=False), clock or SystemClock())

    @classmethod
    def open_beside(cls, path: Path | str, *, actor: str, clock: Clock | None = None) -> Services:
        """An existing ChargeClock database, written beside the window that may have it open
        (``chargeclock timer``): no window lock, no migration, no heartbeat of its own
        (:func:`chargeclock.storage.database.open_beside`)."""
        from chargeclock.storage.database import open_beside

        services = cls(open_beside(path), clock or SystemClock(), actor=actor)
        services.ctx.beside_window = True
        return services

    @classmethod
    def open(
        cls,
        path: Path | str,
        clock: Clock | None = None,
        *,
        book: RuleBook | None = None,
        zone: tzinfo | None = None,
    ) -> Services:
        """Open (create, migrate, lock) the database at ``path``, and give it its audit key if
        it has none yet (so that no timer tap waits for that). A ``postgresql://`` URL opens
        (and migrates) the clinic on that server instead of a file."""
        services = cls(open_engine(path), clock or SystemClock(), book, zone=zone)
        try:
            if not audit.is_keyed(services.db):
                with services.db.transaction():
                    audit.start_keyed(services.db, at=services.clock.now(), actor="app")
        except BaseException:
            services.db.close()
            raise
        return services

    def _freeze_claim(self, visit_id: int) -> str:
        from chargeclock.services import frozen_claims

        return frozen_claims.freeze_at_finalize(self, visit_id)

    def listen(self, changed: Callable[[Changes], Any]) -> LiveFeed | None:
        """On a clinic server: call ``changed(changes)`` — from another thread — for each change
        another workstation commits (None on a SQLite file: there is no other). Stopped when
        the services close."""
        if self.db.dialect != "postgresql":
            return None
        from chargeclock.services.live import LiveFeed

        feed = LiveFeed(self.db, self.ctx.origin, changed)
        self._feeds.append(feed)
        return feed

    def set_actor(self, name: str) -> None:
        """Who the audit log names for the next changes (the unlocked user)."""
        self.ctx.actor = name

    def live_result(
        self, state: VisitState, tie_choice: tuple[str, ...] | None = None
    ) -> VisitResult:
        """The engine on the visit's day as of now (the calculator panel); ``tie_choice``
        previews another allocation of a tie without saving it."""
        from chargeclock.domain.calculation import calculate
        from chargeclock.services.minutes import visit_input

        return calculate(visit_input(state, self.clock.now(), tie_choice), self.ctx.book)

    def running_clocks(self) -> list[RunningClock]:
        """Every timer running now, in any visit of any patient (by initials)."""
        from chargeclock.services.running import running_clocks

        return running_clocks(self.ctx)

    @property
    def book(self) -> RuleBook:
        return self.ctx.book

    def ytd_allowed(self, patient_id: int, year: int, bucket: str = "pt_slp") -> billing.YearToDate:
        from chargeclock.services import billing

        return billing.ytd_allowed(self.ctx, patient_id, year, bucket)

    def progress_report_status(self, patient_id: int) -> compliance.ProgressReportStatus:
        from chargeclock.services import compliance

        return compliance.progress_report_status(self.ctx, patient_id, self.ctx.today())

    def plan_of_care_status(self, patient_id: int) -> compliance.PlanOfCareStatus:
        from chargeclock.services import compliance

        return compliance.plan_of_care_status(self.ctx, patient_id, self.ctx.today())

    def audit_entries(
        self, entity: str | None = None, entity_id: int | None = None
    ) -> list[audit.AuditEntry]:
        return audit.entries(self.db, entity=entity, entity_id=entity_id)

    def verify_audit(
        self,
        *,
        anchors: Sequence[Path] = (),
        key_files: Sequence[Path] = (),
        keep_checkpoint: bool = False,
    ) -> AuditReport:
        """Check the audit log, the billing rows and the newest anchor beside the backups
        (:mod:`chargeclock.storage.audit_verify`); changes nothing. With ``keep_checkpoint``, a
        check that finds everything intact keeps its signed checkpoint beside the audit key
        (:mod:`chargeclock.storage.audit_checkpoint`), from which an audit packet checks on."""
        from chargeclock.paths import backups_dir
        from chargeclock.storage import audit_checkpoint, audit_verify

        # The checkpoint's digests (every billing row hashed once more) only when one is kept.
        digests = audit_checkpoint.Digests() if keep_checkpoint else None
        report = audit_verify.verify(
            self.db,
            backups=backups_dir(self.db.path) if self.db.path else None,
            anchors=anchors,
            key_files=key_files,
            seen=digests,
            indexed=digests.indexed if digests is not None else None,
        )
        if digests is not None:
            audit_checkpoint.keep(self.db, report, digests, self.ctx.now())
        return report

    def audit_anchor(self, finalized_visit_id: int | None = None) -> str:
        """The anchor line printed on a superbill: the audit log's head as of the visit's
        finalize (so a reprint prints the same), or as of now for a statement."""
        from chargeclock.storage import audit_anchor

        return audit_anchor.printed(self.db, finalized_visit_id)

    def _file(self) -> Database | None:
        """The SQLite file, which has backups (a server clinic is backed up with pg_dump)."""
        return self.db if isinstance(self.db, Database) and self.db.path else None

    def backup_now(self, *, keep: int | None = None) -> Path:
        db = self._file()
        if db is None or db.path is None:
            raise ValueError("only a database file has backups (a server's: pg_dump)")
        from chargeclock.services import backups

        return backups.backup_now(db.path, self.clock, db, backups.KEEP if keep is None else keep)

    def daily_backup(self) -> Path | None:
        db = self._file()
        if db is None:
            return None
        from chargeclock.services import backups  # not on the start-up path

        return backups.daily_backup(db, self.clock)

    def close(self, *, clean: bool = True) -> None:
        """Record a clean exit (unless ``clean=False``) and close; closing twice is harmless."""
        if self.db.closed:
            return
        for feed in self._feeds:
            feed.stop()
        if clean:
            self.recovery.end_session()
        self.db.close()

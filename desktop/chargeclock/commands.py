"""Subcommands beyond ``calc`` (database, backups, superbill) and the window launcher.

Each command imports what it needs when it runs, so ``chargeclock calc`` stays light. Every
database command takes ``--db PATH`` (before or after its name); without it, ``$CHARGECLOCK_DB``,
then the file in the user's data directory.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

Command = Callable[[argparse.Namespace], int]


def _database(args: argparse.Namespace) -> Path | str:
    """The ``--db`` file, or a clinic server's ``postgresql://`` URL."""
    from chargeclock.paths import database_target

    return database_target(getattr(args, "db", None))


def _file_only(database: Path | str, what: str) -> Path:
    """``backup`` and ``restore`` work on a file; a server clinic is backed up with pg_dump."""
    from chargeclock.services.server_move import file_only

    return file_only(database, what)


def _add_db(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS: without it the subcommand's default would overwrite a global --db given earlier.
    parser.add_argument(
        "--db", default=argparse.SUPPRESS, help="database file (default: $CHARGECLOCK_DB)"
    )


def _cmd_backup(args: argparse.Namespace) -> int:
    from chargeclock.services.session import Services

    database = _file_only(_database(args), "backup")
    services = Services.open_existing(database, write=False)
    try:
        target = services.backup_now(keep=args.keep)
    finally:
        services.close(clean=False)
    print(f"backup written: {target}")
    return 0


def _at_least_one(text: str) -> int:
    """``--keep``: a whole number of at least 1 (0 would delete every backup)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, got {text!r}")
    return value


def _cmd_restore(args: argparse.Namespace) -> int:
    from chargeclock.clock import SystemClock
    from chargeclock.services.backups import restore

    database = _file_only(_database(args), "restore")
    saved = restore(Path(args.file), database, SystemClock())
    if saved is not None:
        print(f"the database as it was is kept in {saved}")
    print(f"restored {database} from {args.file}")
    return 0


def _cmd_verify_audit(args: argparse.Namespace) -> int:
    from chargeclock.services.session import Services

    database = _database(args)
    # Changes no file, so it runs beside the app.
    services = Services.open_existing(database, write=False)
    try:
        report = services.verify_audit(
            anchors=[Path(a) for a in args.anchor],
            key_files=[Path(k) for k in args.key],
            keep_checkpoint=args.keep_checkpoint,
        )
    finally:
        services.close(clean=False)
    print(f"audit log of {services.db.location}")
    for line in report.lines():
        print(line)
    return 0 if report.ok else 1


def _cmd_import_fees(args: argparse.Namespace) -> int:
    from chargeclock.services.session import Services

    services = Services.open_existing(_database(args), write=True)
    try:
        result = services.records.import_fees(
            args.file, year=args.year, charges=args.charges, label=args.label
        )
    finally:
        services.close()
    what = "clinic charges" if args.charges else f"allowed amounts for {result.year}"
    if result.note:
        print(f"note: {result.note}")
    print(f"{result.loaded} {what} loaded; {result.skipped_blank} rows without an amount skipped")
    return 0


def _cmd_import_rules(args: argparse.Namespace) -> int:
    from chargeclock.services.session import Services

    services = Services.open_existing(_database(args), write=True)
    try:
        result = services.rules.import_rules(args.file)
    finally:
        services.close()
    years = ", ".join(str(y) for y in result.years)
    print(f"Medicare figures loaded from {result.file_name} for {years}")
    return 0


def _cmd_import_pfs(args: argparse.Namespace) -> int:
    from chargeclock.services.session import Services

    services = Services.open_existing(_database(args), write=True)
    try:
        result = services.rules.import_pfs(
            year=args.year,
            locality=args.locality,
            rvu_file=args.rvu_file,
            gpci_file=args.gpci_file,
        )
    finally:
        services.close()
    print(
        f"{result.year} fee schedule loaded for locality {result.locality} "
        f"({result.locality_name}): {result.codes} codes, conversion factor "
        f"${result.conversion_factor}"
    )
    if result.missing:
        print(f"not in the RVU file (left as they were): {', '.join(result.missing)}")
    return 0


def _cmd_demo_db(args: argparse.Namespace) -> int:
    from datetime import date

    from chargeclock.domain.errors import InputError
    from chargeclock.services.demo import build_demo

    if args.today:
        try:
            today = date.fromisoformat(args.today)
        except ValueError:
            raise InputError("--today", f"not a date (YYYY-MM-DD): {args.today!r}") from None
    else:
        today = date.today()
    try:
        summary = build_demo(Path(args.path), today=today, seed=args.seed)
    except InputError as exc:
        if exc.field == "today":
            raise InputError("--today", exc.problem) from None
        raise
    print(
        f"demo database {summary.path}: {summary.patients} patients, {summary.visits} visits, "
        f"{summary.segments} timer segments, {summary.claim_lines} claim lines"
    )
    return 0


def _cmd_superbill(args: argparse.Namespace) -> int:
    from datetime import date

    from chargeclock.domain.days import check_period
    from chargeclock.domain.errors import InputError
    from chargeclock.domain.wording import plural
    from chargeclock.services.session import Services
    from chargeclock.services.superbill import SuperbillRequest, build, save_pdf

    def day(value: str | None, field: str) -> date | None:
        if value is None:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise InputError(field, f"not a date (YYYY-MM-DD): {value!r}") from None

    start, end = day(args.start, "--from"), day(args.end, "--to")
    if args.patient is not None:
        if start is None:
            raise InputError("--from", "required with --patient (YYYY-MM-DD)")
        if end is None:
            raise InputError("--to", "required with --patient (YYYY-MM-DD)")
        check_period(start, end, "--from", "--to")
        if args.bill_version is not None:
            raise InputError("--version", "only with --visit (a statement is made anew)")
        request = SuperbillRequest(
            "statement",
            patient_id=args.patient,
            start=start,
            end=end,
            paper=args.paper,
            include_trace=args.trace,
        )
    else:
        if start is not None or end is not None:
            raise InputError("--from/--to", "only with --patient (a visit has its own date)")
        request = SuperbillRequest(
            "visit",
            visit_id=args.visit,
            paper=args.paper,
            include_trace=args.trace,
            version=args.bill_version,
        )
    output = Path(args.output)
    if output.suffix.lower() != ".pdf":
        raise InputError("-o", f"the file must end in .pdf, got {args.output!r}")
    if not output.parent.is_dir():
        raise InputError("-o", f"no such folder: {output.parent}")
    # Read-only: no lock and no session end, so this runs beside an open window.
    services = Services.open_existing(_database(args), write=False)
    try:
        if services.records.some_diagnosis_lacks_a_description():
            from chargeclock.services.diagnosis_codes import load_index

            load_index()  # the superbill prints ICD-10-CM's text for diagnoses saved without it
        superbill = build(services, request)
    except InputError as exc:  # name the option the user typed
        option = {"visit_id": "--visit", "visit": "--visit", "patient_id": "--patient"}
        if exc.field in option:
            raise InputError(option[exc.field], exc.problem) from None
        raise
    finally:
        services.close(clean=False)
    try:
        save_pdf(superbill, output)
    except OSError as exc:
        raise InputError("-o", f"cannot write {output}: {exc.strerror}") from None
    what = "statement" if superbill.kind == "statement" else "superbill"
    print(
        f"{what} written: {output} ({plural(len(superbill.visits), 'visit')}, "
        f"{plural(len(superbill.lines), 'line')}, charges ${superbill.total_charges:,.2f}, "
        f"balance ${superbill.balance:,.2f})"
    )
    return 0


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], commands: dict[str, Command]
) -> None:
    """Add the database subcommands to the parser."""
    from chargeclock import server_commands

    server_commands.register(sub, commands)
    backup = sub.add_parser("backup", help="copy the database into backups/ (keeps the last 14)")
    _add_db(backup)
    backup.add_argument(
        "--keep", type=_at_least_one, default=14, help="backups to keep, at least 1 (default 14)"
    )
    commands["backup"] = _cmd_backup

    restore = sub.add_parser("restore", help="replace the database with a backup")
    _add_db(restore)
    restore.add_argument("file", metavar="FILE")
    commands["restore"] = _cmd_restore

    verify = sub.add_parser(
        "verify-audit",
        help="check the audit log, the billing rows it covers and the newest anchor "
        "(exit 1 on a problem)",
    )
    _add_db(verify)
    verify.add_argument(
        "--anchor",
        action="append",
        default=[],
        metavar="FILE",
        help="also check this anchor (a backup's .anchor file, or a superbill's anchor line)",
    )
    verify.add_argument(
        "--key",
        action="append",
        default=[],
        metavar="FILE",
        help="an audit key file kept elsewhere (default: the ones in the audit-keys folder)",
    )
    verify.add_argument(
        "--keep-checkpoint",
        action="store_true",
        help="when all is intact, keep a signed checkpoint beside the audit key, from which "
        "the next audit packet checks on instead of checking everything again",
    )
    commands["verify-audit"] = _cmd_verify_audit

    fees = sub.add_parser("import-fees", help="load allowed amounts (or charges) from a CSV")
    _add_db(fees)
    fees.add_argument("file", metavar="FILE.csv", help="columns: code, amount[, year]")
    fees.add_argument("--year", type=int, help="year of the amounts (default: this year)")
    fees.add_argument("--charges", action="store_true", help="load the clinic's fee list instead")
    fees.add_argument("--label", help="where the amounts come from (default: the file name)")
    commands["import-fees"] = _cmd_import_fees

    rules = sub.add_parser(
        "import-rules",
        help="load a year's Medicare figures (KX thresholds, conversion factor, …) from a CSV",
    )
    _add_db(rules)
    rules.add_argument(
        "file",
        metavar="FILE.csv",
        help="the columns of years.csv: year, kx_pt_slp, kx_ot, review_threshold, "
        "conversion_factor, conversion_factor_qp, assistant_modifiers, "
        "assistant_payment_percent, mppr_pe_percent, source",
    )
    commands["import-rules"] = _cmd_import_rules

    pfs = sub.add_parser(
        "import-pfs",
        help="load CMS's physician fee schedule (PPRRVU and GPCI files) for a MAC locality",
    )
    _add_db(pfs)
    pfs.add_argument("--year", type=int, required=True, help="the fee schedule's year")
    pfs.add_argument(
        "--locality",
        help="MAC-locality as in the GPCI file, e.g. 01112-05 (default: the clinic's saved one)",
    )
    pfs.add_argument("rvu_file", metavar="RVU_FILE", help="PPRRVU….csv from CMS's RVU zip")
    pfs.add_argument("gpci_file", metavar="GPCI_FILE", help="GPCI….csv from the same zip")
    commands["import-pfs"] = _cmd_import_pfs

    demo = sub.add_parser("demo-db", help="write a demo database with a year of sample visits")
    _add_db(demo)
    demo.add_argument("path", metavar="PATH")
    demo.add_argument("--seed", type=int, default=2026)
    demo.add_argument("--today", help="the demo's today (YYYY-MM-DD; default: today)")
    commands["demo-db"] = _cmd_demo_db

    superbill = sub.add_parser(
        "superbill", help="write the superbill of a visit, or a patient's statement, as a PDF"
    )
    _add_db(superbill)
    which = superbill.add_mutually_exclusive_group(required=True)
    which.add_argument("--visit", type=int, metavar="ID", help="a finalized visit's id")
    which.add_argument("--patient", type=int, metavar="ID", help="a patient's id (a statement)")
    superbill.add_argument("--from", dest="start", metavar="DATE", help="statement's first date")
    superbill.add_argument("--to", dest="end", metavar="DATE", help="statement's last date")
    superbill.add_argument("-o", "--output", required=True, metavar="FILE.pdf")
    superbill.add_argument("--paper", choices=("letter", "a4"), default="letter")
    superbill.add_argument(
        "--version",
        dest="bill_version",
        type=int,
        metavar="N",
        help="a visit's bill: print this version of it (default: the current one)",
    )
    superbill.add_argument(
        "--trace", action="store_true", help="add the calculation trace as an appendix"
    )
    commands["superbill"] = _cmd_superbill

    from chargeclock import timer_command

    timer_command.register(sub, commands, _add_db)


def run_window(args: argparse.Namespace) -> int:
    """Open the main window (imports Qt only now)."""
    import gc

    # Nearly every object made from here to the first paint (modules, classes, Qt types, the
    # window) lives as long as the program; the cycle collector would only walk them again and
    # again while they are made (a tenth of the start-up). It resumes once the window has
    # painted (app.run freezes what exists then), or when this returns, whatever happened.
    gc.disable()
    try:
        # The Qt-free modules load first, then PySide, told that no module of ours selects its
        # optional features: it would read the source of each imported after it to find out.
        import chargeclock.paths
        import chargeclock.resources
        import chargeclock.services.session
        import chargeclock.ui.theme
        from chargeclock.ui import feature_scan

        feature_scan.import_pyside()
        from chargeclock import app

        db = getattr(args, "db", None)
        return app.run(
            chargeclock.paths.database_target(db) if db else None,
            demo=bool(getattr(args, "demo", False)),
            smoke_test=bool(getattr(args, "smoke_test", False)),
        )
    finally:
        gc.enable()

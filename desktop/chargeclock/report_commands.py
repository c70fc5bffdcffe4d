"""Subcommands that show the practice: ``export`` (open CSV/JSON), ``packet`` (a patient's audit
packet) and ``day-sheet``. Each reads the database only (no lock: they run beside the window)
and reaches it through the services; each imports what it needs when it runs.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from pathlib import Path

from chargeclock.domain.wording import plural

Command = Callable[[argparse.Namespace], int]


def _day(value: str, option: str) -> date:
    from chargeclock.domain.errors import InputError

    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(option, f"not a date (YYYY-MM-DD): {value!r}") from None


def _period(args: argparse.Namespace) -> tuple[date, date]:
    from chargeclock.domain.days import check_period

    first, last = _day(args.start, "--from"), _day(args.end, "--to")
    check_period(first, last, "--from", "--to")
    return first, last


def _read_only(args: argparse.Namespace):  # type: ignore[no-untyped-def]  # Services, lazily
    from chargeclock.paths import database_path
    from chargeclock.services.session import Services

    return Services.open_existing(database_path(getattr(args, "db", None)), write=False)


def _pdf_target(value: str) -> Path:
    from chargeclock.domain.errors import InputError

    output = Path(value)
    if output.suffix.lower() != ".pdf":
        raise InputError("-o", f"the file must end in .pdf, got {value!r}")
    if not output.parent.is_dir():
        raise InputError("-o", f"no such folder: {output.parent}")
    return output


def _cmd_export(args: argparse.Namespace) -> int:
    from chargeclock.services.open_export import check_request, export_period

    first, last = _period(args)
    folder = Path(args.output)
    check_request(first, last, args.format, folder)  # before the database is opened
    services = _read_only(args)
    try:
        summary = export_period(services, first, last, folder, args.format)
    finally:
        services.close(clean=False)
    print(summary.line())
    return 0


def _cmd_packet(args: argparse.Namespace) -> int:
    from chargeclock.domain.errors import InputError
    from chargeclock.services.packet import build_packet, save_packet

    first, last = _period(args)
    output = _pdf_target(args.output)
    services = _read_only(args)
    try:
        packet = build_packet(
            services, args.patient, first, last, full_superbills=args.full_superbills
        )
    except InputError as exc:  # name the option the user typed
        if exc.field in ("patient_id", "patient"):
            raise InputError("--patient", exc.problem) from None
        raise
    finally:
        services.close(clean=False)
    try:
        save_packet(packet, output)
    except OSError as exc:
        raise InputError("-o", f"cannot write {output}: {exc.strerror}") from None
    verdict = "intact" if packet.audit_ok else "BROKEN"
    print(
        f"audit packet written: {output} ({plural(len(packet.visits), 'visit')}, "
        f"{plural(len(packet.billed), 'billed day', 'billed days')}, "
        f"{plural(packet.total_units, 'unit')}, "
        f"charges ${packet.total_charges:,.2f}; audit log {verdict})"
    )
    return 0


def _cmd_day_sheet(args: argparse.Namespace) -> int:
    from chargeclock.services.day_sheet import day_sheet, save_day_sheet

    day = _day(args.date, "--date")
    output = _pdf_target(args.output)
    services = _read_only(args)
    try:
        sheet = day_sheet(services, day)
    finally:
        services.close(clean=False)
    save_day_sheet(sheet, output)
    flags = ""
    if sheet.open_visits or sheet.running_timers:
        flags = (
            f"; {plural(sheet.open_visits, 'open visit')}, "
            f"{plural(sheet.running_timers, 'timer')} running"
        )
    print(
        f"day sheet written: {output} ({plural(len(sheet.visits), 'visit')}, "
        f"{plural(sheet.units, 'unit')}, "
        f"charges ${sheet.charges:,.2f}, payments ${sheet.payments:,.2f}{flags})"
    )
    return 0


def _add_period(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", default=argparse.SUPPRESS, help="database file (default: $CHARGECLOCK_DB)"
    )
    parser.add_argument("--from", dest="start", required=True, metavar="DATE")
    parser.add_argument("--to", dest="end", required=True, metavar="DATE")


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], commands: dict[str, Command]
) -> None:
    """Add ``export``, ``packet`` and ``day-sheet`` to the parser."""
    export = sub.add_parser(
        "export", help="write a period's data as CSV or JSON files (docs/export.md)"
    )
    _add_period(export)
    export.add_argument("--format", choices=("csv", "json"), default="csv")
    export.add_argument("-o", "--output", required=True, metavar="DIR", help="folder to write")
    commands["export"] = _cmd_export

    packet = sub.add_parser(
        "packet",
        help="write a patient's audit packet for a period as a PDF: superbills as billed, "
        "the timer runs behind each unit, the trace, the audit entries and their check",
    )
    _add_period(packet)
    packet.add_argument("--patient", type=int, required=True, metavar="ID")
    packet.add_argument("-o", "--output", required=True, metavar="FILE.pdf")
    packet.add_argument(
        "--full-superbills",
        action="store_true",
        help="each billed day's whole superbill page (default: its claim lines as billed)",
    )
    commands["packet"] = _cmd_packet

    sheet = sub.add_parser(
        "day-sheet",
        help="write a day's visits, open visits and running timers, and totals by "
        "code and payer as a PDF",
    )
    sheet.add_argument(
        "--db", default=argparse.SUPPRESS, help="database file (default: $CHARGECLOCK_DB)"
    )
    sheet.add_argument("--date", required=True, metavar="DATE")
    sheet.add_argument("-o", "--output", required=True, metavar="FILE.pdf")
    commands["day-sheet"] = _cmd_day_sheet

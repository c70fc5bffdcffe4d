"""Subcommands that show the practice: ``export`` (open CSV/JSON), ``packet`` (a patient's audit
packet) and ``day-sheet``. Each reads the database only (no lock: they run beside the window)
and reaches it through the services; each imports what it needs when it runs.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from pathlib import Path

Command = Callable[[argparse.Namespace], int]


def _day(value: str, option: str) -> date:
    from chargeclock.domain.errors import InputError

    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(option, f"not a date (YYYY-MM-DD): {value!r}") from None


def _period(args: argparse.Namespace) -> tuple[date, date]:
    from chargeclock.domain.errors import InputError

    first, last = _day(args.start, "--from"), _day(args.end, "--to")
    if first > last:
        raise InputError("--from", f"{first} is after --to {last}")
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

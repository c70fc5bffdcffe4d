"""``chargeclock`` and its subcommands.

The window (and so Qt) is imported only when the window is asked for: ``chargeclock calc`` and
every other subcommand run without loading Qt or reportlab. Errors are one line on standard error
naming the field and the problem, exit status 2; never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, cast

from chargeclock.domain.errors import ChargeClockError

if TYPE_CHECKING:
    from chargeclock.domain.rulebook import RuleBook

EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 70


def _one_line(text: str) -> str:
    return " ".join(text.split())


def run_calc(data: bytes | str, out: TextIO, err: TextIO, book: RuleBook | None = None) -> int:
    """The calc entry point, in process: JSON in, the result document or one error line out.
    ``book`` is the rule data (default: the shipped data; a clinic's with ``--db``)."""
    from chargeclock.domain.calc_io import calc_document, parse_calc_input
    from chargeclock.domain.calculation import calculate
    from chargeclock.resources import rule_book

    try:
        request = parse_calc_input(data)
        result = calculate(request.to_visit(), book or rule_book())
    except ChargeClockError as exc:
        err.write(_one_line(str(exc)) + "\n")
        return EXIT_BAD_INPUT
    except RecursionError:
        err.write("input: nested too deeply\n")
        return EXIT_BAD_INPUT
    out.write(json.dumps(calc_document(request, result), indent=2, ensure_ascii=False) + "\n")
    return EXIT_OK


def _cmd_calc(args: argparse.Namespace) -> int:
    from chargeclock.domain.calc_io import MAX_INPUT_BYTES

    source: str = args.file
    # At most one byte past the cap: enough to tell it is too big (/dev/zero never ends).
    if source == "-":
        data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
    else:
        try:
            with Path(source).open("rb") as file:
                data = file.read(MAX_INPUT_BYTES + 1)
        except OSError as exc:
            sys.stderr.write(f"FILE: cannot read {source}: {exc.strerror}\n")
            return EXIT_BAD_INPUT
    database = getattr(args, "db", None)
    if not database:
        return run_calc(data, sys.stdout, sys.stderr)
    # The clinic's imported rule data over the shipped data; read-only, beside an open window.
    from chargeclock.resources import rule_book
    from chargeclock.services.context import clinic_rule_book

    with clinic_rule_book(Path(database), rule_book()) as book:
        return run_calc(data, sys.stdout, sys.stderr, book)


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line and status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"{self.prog}: {_one_line(message)}\n")
        raise SystemExit(EXIT_BAD_INPUT)


Command = Callable[[argparse.Namespace], int]


def _window_parser() -> argparse.ArgumentParser:
    """The program's own options: the ones that open the window."""
    parser = _Parser(
        prog="chargeclock",
        description="PT/PTA treatment timers, Medicare unit calculator and superbills, offline.",
    )
    parser.add_argument("--db", help="database file (default: $CHARGECLOCK_DB or the data dir)")
    parser.add_argument(
        "--demo", action="store_true", help="open a throwaway copy of the demo database"
    )
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help="open the database, show the window offscreen and exit after the first paint",
    )
    return parser


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, Command]]:
    parser = _window_parser()
    sub = cast(
        "argparse._SubParsersAction[argparse.ArgumentParser]",
        parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser),
    )
    commands: dict[str, Command] = {}

    calc = sub.add_parser("calc", help="bill one visit: JSON in (FILE or stdin), JSON out")
    calc.add_argument("file", nargs="?", default="-", metavar="FILE")
    calc.add_argument(
        "--db",
        default=argparse.SUPPRESS,
        help="use the rule data this clinic database imported (import-rules, import-pfs)",
    )
    commands["calc"] = _cmd_calc

    from chargeclock import commands as more_commands

    more_commands.register(sub, commands)
    from chargeclock import report_commands

    report_commands.register(sub, commands)
    return parser, commands


def opens_the_window(arguments: Sequence[str]) -> bool:
    """True when ``arguments`` hold only the window's own options, spelled out in full: no
    command, no help, nothing argparse would have to explain."""
    tokens = iter(arguments)
    for token in tokens:
        if token == "--db":
            value = next(tokens, None)
            if value is None or value.startswith("-"):  # argparse would call it missing
                return False
        elif not (token.startswith("--db=") or token in ("--demo", "--smoke-test")):
            return False
    return True


def window_options(arguments: Sequence[str]) -> argparse.Namespace:
    """The options of ``arguments`` that :func:`opens_the_window` accepted, as the whole parser
    would read them (a repeated ``--db``: the last one)."""
    options = argparse.Namespace(db=None, demo=False, smoke_test=False, command=None)
    tokens = iter(arguments)
    for token in tokens:
        if token == "--db":
            options.db = next(tokens)
        elif token.startswith("--db="):
            options.db = token.removeprefix("--db=")
        else:
            setattr(options, token.removeprefix("--").replace("-", "_"), True)
    return options


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    commands: dict[str, Command] = {}
    if opens_the_window(arguments):
        # The common start: no parser is built (~10 ms of argparse and its translations).
        args = window_options(arguments)
    else:
        parser, commands = build_parser()
        args = parser.parse_args(arguments)
    command = commands.get(args.command or "")
    try:
        if command is None:
            from chargeclock.commands import run_window

            return run_window(args)
        return command(args)
    except ChargeClockError as exc:
        sys.stderr.write(f"chargeclock: {_one_line(str(exc))}\n")
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # last resort: a user never sees a traceback
        from chargeclock.errorlog import log_error

        log = log_error(exc, f"chargeclock {args.command or 'window'}")
        where = f"the details are in {log}" if log else "the log could not be written"
        sys.stderr.write(f"chargeclock: internal error ({type(exc).__name__}); {where}\n")
        return EXIT_INTERNAL


if __name__ == "__main__":
    raise SystemExit(main())

"""Subcommands beyond ``calc`` (database, backups, superbill) and the window launcher.

Each command imports what it needs when it runs, so ``chargeclock calc`` stays light.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

Command = Callable[[argparse.Namespace], int]


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], commands: dict[str, Command]) -> None:
    """Add the database subcommands to the parser."""


def run_window(args: argparse.Namespace) -> int:
    """Open the main window (imports Qt)."""
    sys.stderr.write("chargeclock: the window is not built yet; try `chargeclock calc --help`\n")
    return 2

"""The one place that finds data files shipped with the program: ``resources/`` and ``db/``.

They sit beside the package in a source checkout, inside it in an installed wheel, and under
``sys._MEIPASS`` in a frozen bundle. ``CHARGECLOCK_RESOURCES`` overrides the rule-data root
(tests point it at prepared copies).
"""

from __future__ import annotations

import os
import sys
from functools import cache
from pathlib import Path

from chargeclock.domain.errors import RuleDataError
from chargeclock.domain.rulebook import RuleBook

_PACKAGE = Path(__file__).resolve().parent


def _candidates(name: str) -> list[Path]:
    found = [_PACKAGE / name, _PACKAGE.parent.parent / name]
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        found.insert(0, Path(bundle) / name)
    return found


def data_dir(name: str) -> Path:
    """The shipped directory ``name`` (``resources`` or ``db``)."""
    for path in _candidates(name):
        if path.is_dir():
            return path
    raise RuleDataError(f"the program's {name}/ directory is missing (looked in the install)")


def resources_dir() -> Path:
    override = os.environ.get("CHARGECLOCK_RESOURCES")
    return Path(override) if override else data_dir("resources")


def migrations_dir() -> Path:
    return data_dir("db") / "migrations"


@cache
def rule_book(directory: Path | None = None) -> RuleBook:
    """The rule data, parsed once per directory."""
    return RuleBook((directory or resources_dir()) / "rules")


def fonts_dir() -> Path:
    """The fonts the superbill embeds for text Helvetica cannot set (``CHARGECLOCK_RESOURCES``
    moves the rule data only)."""
    return data_dir("resources") / "fonts"

"""Where the files shipped with the program are: ``resources/`` and ``db/``.

They sit beside the package in a source checkout, inside it in an installed wheel, and under
``sys._MEIPASS`` in a frozen bundle. A neutral module (standard library only), so that
``storage/`` finds its migrations without importing the rule data's locator
(:mod:`chargeclock.resources`).
"""

from __future__ import annotations

import sys
from pathlib import Path

from chargeclock.domain.errors import RuleDataError

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


def migrations_dir() -> Path:
    return data_dir("db") / "migrations"

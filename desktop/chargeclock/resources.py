"""The one place that finds the data shipped with the program: the rule data, the fonts and the
migrations (located by :mod:`chargeclock.shipped`). ``CHARGECLOCK_RESOURCES`` overrides the
rule-data root (tests point it at prepared copies).
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from chargeclock.domain.rulebook import RuleBook
from chargeclock.shipped import data_dir, migrations_dir


def resources_dir() -> Path:
    override = os.environ.get("CHARGECLOCK_RESOURCES")
    return Path(override) if override else data_dir("resources")


@cache
def rule_book(directory: Path | None = None) -> RuleBook:
    """The rule data, parsed once per directory."""
    return RuleBook((directory or resources_dir()) / "rules")


def fonts_dir() -> Path:
    """The fonts the superbill embeds for text Helvetica cannot set (``CHARGECLOCK_RESOURCES``
    moves the rule data only)."""
    return data_dir("resources") / "fonts"


__all__ = ["data_dir", "fonts_dir", "migrations_dir", "resources_dir", "rule_book"]

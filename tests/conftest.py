"""Test setup: Qt runs offscreen; shared fixtures for the rule data."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from chargeclock.domain.rulebook import RuleBook
from chargeclock.resources import rule_book


@pytest.fixture(scope="session")
def book() -> RuleBook:
    return rule_book()


_QT_FIXTURES = frozenset({"qtbot", "qapp", "qtmodeltester", "qtlog"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that uses a Qt fixture is a GUI test (``-m "not gui"`` runs the core alone),
    whether or not its module says so."""
    for item in items:
        if _QT_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.gui)

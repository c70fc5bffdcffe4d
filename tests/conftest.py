"""Test setup: Qt runs offscreen; the audit keys go to a folder of the test run's own; shared
fixtures for the rule data."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Every database a test writes gets an audit key file: never in the user's own key folder.
# Set before anything runs, so subprocesses the tests start inherit it.
os.environ["CHARGECLOCK_AUDIT_KEYS"] = tempfile.mkdtemp(prefix="chargeclock-test-keys-")

import pytest

from chargeclock.domain.rulebook import RuleBook
from chargeclock.resources import rule_book


@pytest.fixture(scope="session")
def book() -> RuleBook:
    return rule_book()


@pytest.fixture(scope="session", autouse=True)
def _audit_keys_folder() -> Iterator[str]:
    folder = os.environ["CHARGECLOCK_AUDIT_KEYS"]
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


_QT_FIXTURES = frozenset({"qtbot", "qapp", "qtmodeltester", "qtlog"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that uses a Qt fixture is a GUI test (``-m "not gui"`` runs the core alone),
    whether or not its module says so."""
    for item in items:
        if _QT_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.gui)

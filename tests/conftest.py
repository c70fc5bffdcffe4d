"""Test setup: Qt runs offscreen; the audit keys go to a folder of the test run's own; shared
fixtures for the rule data."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, tzinfo
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Every database a test writes gets an audit key file: never in the user's own key folder.
# Set before anything runs, so subprocesses the tests start inherit it.
os.environ["CHARGECLOCK_AUDIT_KEYS"] = tempfile.mkdtemp(prefix="chargeclock-test-keys-")
# The lock folder names a database by device and inode; a test file's inode is soon reused by
# another test run's file on this machine, so each run keeps its locks to itself.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="chargeclock-test-cache-")

import pytest

from chargeclock.clock import Clock
from chargeclock.domain.rulebook import RuleBook
from chargeclock.resources import rule_book
from chargeclock.services.session import Services
from tests import pg_server
from tests.pg_server import Cluster, start_cluster


@pytest.fixture(scope="session")
def book() -> RuleBook:
    return rule_book()


#: the engines a test's store can be: the SQLite file, and a PostgreSQL server started for the
#: test run (``pg_cluster``)
STORES = ("sqlite", "postgresql")

OpenServices = Callable[..., Services]


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """A throwaway PostgreSQL cluster for the whole run (:mod:`tests.pg_server`). Without the
    server's programs the PostgreSQL tests are skipped, except in CI (``CI=true``), where that
    is a failure: CI installs the server."""
    cluster = start_cluster()
    if cluster is None:
        message = "no PostgreSQL server installed (initdb not found): apt-get install postgresql"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    pg_server.ACTIVE.append(cluster)
    yield cluster
    pg_server.ACTIVE.clear()
    cluster.stop()


@pytest.fixture(autouse=True)
def _pg_databases_back() -> Iterator[None]:
    """After each test, the server databases it used are emptied for the next ones."""
    yield
    for cluster in pg_server.ACTIVE:
        cluster.reclaim()


@pytest.fixture(params=STORES)
def open_services(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[OpenServices]:
    """The one way a test opens services over a store of its own, on each engine:
    ``open_services(clock, name="clinic", zone=UTC)``; opening the same name again reopens the
    same store (a restart). Everything opened is closed at the end, cleanly unless the test
    closed it itself."""
    if request.param == "postgresql" and request.node.get_closest_marker("sqlite_file"):
        pytest.skip("about the SQLite file itself (a server clinic is backed up by pg_dump)")
    opened: list[Services] = []
    made: dict[str, str | Path] = {}

    def open_(clock: Clock, name: str = "clinic", *, zone: tzinfo | None = UTC) -> Services:
        if name not in made:
            if request.param == "postgresql":
                made[name] = request.getfixturevalue("pg_cluster").new_database()
            else:
                made[name] = tmp_path / f"{name}.sqlite3"
        services = Services.open(made[name], clock, zone=zone)
        opened.append(services)
        return services

    yield open_
    for services in opened:
        services.close()


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

"""A throwaway PostgreSQL cluster for the test run: ``initdb`` and ``pg_ctl`` in a temporary
folder, listening on a unix socket there only (no port, no systemd, nothing of the machine's own
clusters touched). Run as root (CI), the cluster belongs to the ``postgres`` user, as
PostgreSQL insists.

Each test gets a database of its own, copied from a template that already holds the migrated
schema (``CREATE DATABASE … TEMPLATE``), so a test starts on an empty clinic in milliseconds.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

TEMPLATE = "chargeclock_template"
USER = "chargeclock"
#: the cluster the test run started, if any (its databases are reclaimed after each test)
ACTIVE: list[Cluster] = []
_TABLES = (
    "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
    "AND table_type = 'BASE TABLE' AND table_name <> 'chargeclock_migrations'"
)
_IDENTITIES = (
    "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = "
    "current_schema() AND is_identity = 'YES' AND table_name <> 'chargeclock_migrations'"
)


def server_bin() -> Path | None:
    """The folder of the newest installed PostgreSQL server's programs, or None."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3])
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class Cluster:
    """A running cluster in ``folder``; :meth:`url` names one of its databases."""

    def __init__(self, bin_dir: Path, *, durable: bool = False) -> None:
        self.bin = bin_dir
        self.durable = durable
        self.folder = Path(tempfile.mkdtemp(prefix="chargeclock-pg-"))
        self._owner: str | None = None
        if os.geteuid() == 0:
            self._owner = "postgres"
            entry = pwd.getpwnam(self._owner)
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
        self.folder.chmod(0o755)
        self._names = itertools.count(1)
        self._free: list[str] = []
        self._lent: list[str] = []

    def _run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if self._owner:
            command = ["runuser", "-u", self._owner, "--", *command]
        subprocess.run(command, check=True, capture_output=True, cwd="/")

    def start(self) -> None:
        data = self.folder / "data"
        self._run("initdb", "-D", str(data), "-A", "trust", "-U", USER, "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")  # fmt: skip
        options = f"-k {self.folder} -c listen_addresses='' -c max_connections=200"
        if not self.durable:
            # A test cluster need not survive a power cut (the benchmarks' one does: each
            # commit synced, as a clinic's server is).
            options += " -c fsync=off -c full_page_writes=off -c synchronous_commit=off"
        self._run("pg_ctl", "-D", str(data), "-o", options, "-l", str(self.folder / "log"),
                  "-w", "start")  # fmt: skip

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgresql://{USER}@/{database}?host={self.folder}"

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(sql.encode())

    def make_template(self) -> None:
        """The template every test's database is copied from: the schema, migrated once."""
        from chargeclock.storage.pg_schema import open_server

        self.admin(f"CREATE DATABASE {TEMPLATE}")
        open_server(self.url(TEMPLATE)).close()

    def new_database(self) -> str:
        """A fresh clinic database (schema, no rows); its URL. Databases lent out are wiped and
        lent again after the test (:meth:`reclaim`): a CREATE DATABASE costs a few tenths of a
        second, emptying one a few milliseconds."""
        if self._free:
            name = self._free.pop()
        else:
            name = f"clinic_{os.getpid()}_{next(self._names)}"
            self.admin(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
        self._lent.append(name)
        return self.url(name)

    def reclaim(self) -> None:
        """Empty every database lent since the last call, for the next tests: the sessions a
        test left open are ended (with their advisory locks), the rows deleted past the
        triggers, the ids started again at 1, the schema's record as the template's."""
        import psycopg

        from chargeclock.storage.migrations import migration_files

        for name in self._lent:
            with psycopg.connect(self.url(name), autocommit=True) as conn:
                conn.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
                tables = [r[0] for r in conn.execute(_TABLES)]
                identities = conn.execute(_IDENTITIES).fetchall()
                wipe = ["SET session_replication_role = replica"]
                wipe += [f"DELETE FROM {t}" for t in tables]
                # A step a test recorded (a schema "from a newer build") goes too.
                known = ", ".join(f"'{p.stem}'" for p in migration_files())
                wipe.append(f"DELETE FROM chargeclock_migrations WHERE name NOT IN ({known})")
                wipe += [f"ALTER TABLE {t} ALTER COLUMN {c} RESTART WITH 1" for t, c in identities]
                conn.execute("; ".join(wipe).encode())
            self._free.append(name)
        self._lent.clear()


def start_cluster(*, durable: bool = False) -> Cluster | None:
    """A running cluster with the template, or None when no server is installed. ``durable``:
    every commit synced to the disk (the benchmarks), else not (the tests)."""
    bin_dir = server_bin()
    if bin_dir is None:
        return None
    cluster = Cluster(bin_dir, durable=durable)
    try:
        cluster.start()
        cluster.make_template()
    except BaseException:
        cluster.stop()
        raise
    return cluster

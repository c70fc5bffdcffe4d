"""A CSV open export of a SQLite file written by two processes: this one writes some tables, a
second one (:mod:`chargeclock.services.open_worker`) the others, at the same time. A decade's
export is mostly Python turning values into CSV (about two seconds of one core); split so, it
takes about half of that on a machine with two cores.

**The second process** is a fresh interpreter (the bundled executable with
:data:`~chargeclock.services.open_worker.FLAG` in the bundle), never a fork of this one, which
may hold Qt and threads. It imports little and starts in some 50 ms of CPU (the bundled
executable in some 0.25 s: PyInstaller's Qt runtime hook loads QtCore in every start); it is
started first, so that its start overlaps this process's own.

**One snapshot.** Both read inside their own read transaction; a
:class:`~chargeclock.storage.open_reader.ChangeWatch` taken before the first begins and asked
once the second has begun says whether a change was committed in between (by anything: the
window, a timer tap, ``chargeclock timer``). If one was, the second process is stopped and this
one writes its tables too, in its own transaction: the export is then serial, and still one
snapshot.

**Failures** are the serial export's: every file is made here under a temporary name before
either process writes, and none takes its name unless both processes wrote all of theirs. A
second process that cannot start, dies, is killed or cannot write (a full disk, a read-only
folder) makes :func:`write_tables` raise, naming the file — :class:`OSError` for the system's
refusals (the caller says those as it says its own), :class:`ExportError` for the others —
after the second process is stopped; the caller removes the temporary files.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from contextlib import suppress
from datetime import date
from pathlib import Path
from typing import Any

from msgspec import Struct

from chargeclock.services.open_export import ExportError, new_temp
from chargeclock.services.open_worker import FLAG
from chargeclock.storage import open_reader, open_tables
from chargeclock.storage.database import Database

#: the tables the second process writes, about half of a CSV export's work: on the decade (CPU
#: time) the claim lines 0.85–1.05 s and the payments 0.15 s, against the segments 0.7 s, the
#: visits 0.3 s and the patients' few ms here (which also starts the second process)
SECOND = ("claim_lines", "payments", "adjustments")

#: writes one table into a temporary file this process made, and returns its rows
WriteTable = Callable[[open_tables.TableSpec, Path], int]


class _Part(Struct):
    spec: open_tables.TableSpec
    temp: Path
    target: Path


def write_tables(
    db: Database,
    first: date,
    last: date,
    folder: Path,
    staged: list[tuple[Path, Path]],
    write: WriteTable,
) -> tuple[list[open_tables.TableSpec], dict[str, int]]:
    """Write the period's tables as CSV into temporary files added to ``staged``, in two
    processes, of one snapshot (see the module's notes); ``write`` writes one here. Returns the
    tables and each one's rows."""
    assert db.path is not None and db.reader_uri is not None
    watch = open_reader.ChangeWatch(str(db.path), db.reader_uri)
    worker: _Worker | None = None
    try:
        # Started first, so that its start overlaps this process's work; it begins its
        # snapshot only once it is given its work below, so after the watch began
        worker = _Worker(db.reader_uri, folder / f"{SECOND[0]}.csv")
        with open_tables.snapshot(db):
            specs = list(open_tables.TABLES)
            parts = []
            for spec in specs:
                if spec.name in SECOND:
                    target = folder / f"{spec.name}.csv"
                    parts.append(_Part(spec, new_temp(target, staged), target))
            worker.send(parts, first, last, watch)
            counts: dict[str, int] = {}
            for spec in specs:
                if spec.name not in SECOND:
                    target = folder / f"{spec.name}.csv"
                    counts[spec.name] = write(spec, new_temp(target, staged))
            if worker.same_snapshot(parts):
                counts.update(worker.finish(parts))
            else:  # it read another state of the database: its tables are written here
                worker.stop()
                for part in parts:
                    counts[part.spec.name] = write(part.spec, part.temp)
    finally:
        if worker is not None:
            worker.stop()
        watch.close()
    return specs, counts


def worker_command() -> list[str]:
    """How the second process is started: the bundled executable with its flag, or this
    interpreter running the worker module."""
    if getattr(sys, "frozen", False):
        return [sys.executable, FLAG]
    return [sys.executable, "-m", "chargeclock.services.open_worker"]


class _Worker:
    """The second process, and a thread that waits for its snapshot to begin and then asks
    the watch at once (this process meanwhile writes its own tables)."""

    def __init__(self, uri: str, names: Path) -> None:
        self.uri = uri
        env = dict(os.environ)
        if not getattr(sys, "frozen", False):  # where this chargeclock is, whatever the path says
            here = str(Path(__file__).resolve().parents[2])
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [here, env.get("PYTHONPATH")]))
        command = worker_command()
        try:
            self.process = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
                creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
            )
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise ExportError(
                f"{names}: cannot write the export (its second process, {command[0]}, cannot "
                f"start: {reason}); export again, and if it fails again reinstall ChargeClock"
            ) from None
        self._waiting: threading.Thread | None = None
        self._first_line = b""
        self._changed = True  # until the watch says otherwise

    def send(
        self, parts: list[_Part], first: date, last: date, watch: open_reader.ChangeWatch
    ) -> None:
        """Give it its work (it then begins its snapshot) and wait for that, beside."""
        files = []
        for part in parts:
            sql, params = open_tables.rows_query("sqlite", part.spec, first, last, inert_text=True)
            names = [c.name for c in part.spec.columns]
            files.append({"sql": sql, "params": params, "names": names, "path": str(part.temp)})
        job = json.dumps({"database": self.uri, "files": files}).encode()
        stdin = self.process.stdin
        assert stdin is not None
        try:
            stdin.write(job)
        except BrokenPipeError:
            pass  # it stopped already: said when its answer is read
        finally:
            with suppress(OSError):
                stdin.close()
            self.process.stdin = None  # closed: communicate() must not flush it again

        def wait_for_snapshot() -> None:
            stdout = self.process.stdout
            assert stdout is not None
            self._first_line = stdout.readline()
            if self._first_line.strip() == b"ready":
                # a watch that cannot tell leaves "changed": the tables are then written here
                with suppress(Exception):
                    self._changed = watch.changed()

        self._waiting = threading.Thread(target=wait_for_snapshot, name="open export", daemon=True)
        self._waiting.start()

    def same_snapshot(self, parts: list[_Part]) -> bool:
        """Whether it reads what this process reads (nothing was committed between their
        snapshots); raises when it stopped before its snapshot began."""
        assert self._waiting is not None
        self._waiting.join()
        if self._first_line.strip() != b"ready":
            self._raise(parts, self._first_line)
        return not self._changed

    def finish(self, parts: list[_Part]) -> dict[str, int]:
        """Wait for its end: each of its tables' rows, or raise what went wrong."""
        out, _ = self.process.communicate()
        lines = out.splitlines()
        answer = lines[-1] if lines else b""
        if self.process.returncode != 0:
            self._raise(parts, answer)
        rows = json.loads(answer)["rows"]
        return {part.spec.name: int(n) for part, n in zip(parts, rows, strict=True)}

    def _raise(self, parts: list[_Part], answer: bytes) -> None:
        """Raise what its last line (or its end) says went wrong."""
        report: dict[str, Any] = {}
        if answer.startswith(b"{"):
            with suppress(ValueError):
                report = json.loads(answer)
        if "failed" in report:
            target = parts[int(report["failed"])].target
            if report.get("errno"):
                raise OSError(int(report["errno"]), str(report["reason"]), str(target))
            raise ExportError(
                f"{target}: cannot write the export ({report['reason']}); export again"
            )
        self.stop()
        code = self.process.returncode
        how = f"killed by signal {-code}" if code is not None and code < 0 else f"status {code}"
        names = ", ".join(str(p.target) for p in parts)
        raise ExportError(
            f"{names}: cannot write the export (its second process stopped: {how}); export again"
        )

    def stop(self) -> None:
        """Stop it if it still runs and wait for its end (its files are then closed: the
        caller may remove them), and for the waiting thread."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self._waiting is not None:
            self._waiting.join()
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()

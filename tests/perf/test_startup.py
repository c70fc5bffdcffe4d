"""Start to the first paint, as a ratio to the floor measured in the same run; memory at start.

Both are fresh processes, run alternately so that a busy moment of the machine hits both alike:
the floor (``floor_window.py``) and the installed ``chargeclock --smoke-test --db`` on a copy of
the decade database (ten years of every table). Each writes a line once its first frame is drawn
whole (a window paints before its children, in the same event: the line comes when that event is
over, the Today list's rows and the cover drawn); the time from the fork to that line is the
measure (the whole run, to the process's exit, is recorded beside it). The smoke test exits
right after its first frame, so its peak resident memory is its memory at the first paint.

Two starts are measured: the decade's clinic, whose users have PINs (the window starts locked
and paints its cover first, its panels made right after behind it), and a copy without PINs
(the whole window at the first paint).
"""

from __future__ import annotations

import compileall
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
from contextlib import closing
from pathlib import Path

from tests.perf.conftest import ROOT, record

RUNS = 15
RATIO_BUDGET = 1.5
MEMORY_BUDGET_MB = 150.0
FLOOR = Path(__file__).with_name("floor_window.py")
PROBE = Path(__file__).with_name("spawn_probe.py")


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env.pop("CHARGECLOCK_DB", None)
    return env


def _timed(command: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """(seconds to the first paint, seconds to the exit, peak resident MB) of one run; fails on
    a non-zero exit or a run that never painted."""
    probe = subprocess.run(
        [sys.executable, str(PROBE), *command],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert probe.returncode == 0, probe.stderr
    painted, seconds, maxrss_kib, status = probe.stdout.split()
    assert status == "0", f"{command} exited {status}: {probe.stderr}"
    assert float(painted) > 0, f"{command} never reported its first paint: {probe.stderr}"
    return float(painted), float(seconds), int(maxrss_kib) / 1024


def test_startup_and_memory(decade_db: Path, tmp_path: Path) -> None:
    # An installed program runs from compiled modules; make sure the source tree has them.
    compileall.compile_dir(ROOT / "desktop" / "chargeclock", quiet=1)
    database = tmp_path / "clinic.sqlite3"
    shutil.copyfile(decade_db, database)
    # The decade's clinic has users with PINs: its window starts locked and paints its cover
    # first. A clinic without PINs paints the whole window: measured on a copy with none.
    open_clinic = tmp_path / "no-pin.sqlite3"
    shutil.copyfile(decade_db, open_clinic)
    with closing(sqlite3.connect(open_clinic)) as conn, conn:
        conn.execute("UPDATE users SET active = 0")
    env = _environment()
    floor_command = [sys.executable, str(FLOOR)]
    # The program as installed (what `make run` starts), not `python -m`.
    program = Path(sys.executable).with_name("chargeclock")
    app_command = [str(program), "--smoke-test", "--db", str(database)]
    open_command = [str(program), "--smoke-test", "--db", str(open_clinic)]
    for command in (floor_command, app_command, open_command):  # warm the file cache
        _timed(command, env)
    floors, starts, opens, memory, floor_runs, app_runs = [], [], [], [], [], []
    for _ in range(RUNS):
        painted, whole, _ = _timed(floor_command, env)
        floors.append(painted)
        floor_runs.append(whole)
        painted, whole, megabytes = _timed(app_command, env)
        starts.append(painted)
        app_runs.append(whole)
        memory.append(megabytes)
        opens.append(_timed(open_command, env)[0])
    floor = statistics.median(floors)
    start = statistics.median(starts)
    ratio = start / floor
    startup = record(
        "startup to first paint (decade db, locked: its users have PINs)",
        ratio,
        RATIO_BUDGET,
        "x floor",
        RUNS,
        floor_ms=round(floor * 1000, 1),
        startup_ms=round(start * 1000, 1),
        floor_to_exit_ms=round(statistics.median(floor_runs) * 1000, 1),
        startup_to_exit_ms=round(statistics.median(app_runs) * 1000, 1),
    )
    unlocked = record(
        "startup to first paint (decade db, no PIN: the whole window)",
        statistics.median(opens) / floor,
        RATIO_BUDGET,
        "x floor",
        RUNS,
        floor_ms=round(floor * 1000, 1),
        startup_ms=round(statistics.median(opens) * 1000, 1),
    )
    resident = record(
        "memory after start (RSS at first paint)",
        statistics.median(memory),
        MEMORY_BUDGET_MB,
        "MB",
        RUNS,
        max_mb=round(max(memory), 1),
    )
    assert startup.ok, f"startup {start * 1000:.0f} ms = {ratio:.2f} × floor {floor * 1000:.0f} ms"
    assert unlocked.ok, f"a start without PINs is {unlocked.median:.2f} × the floor"
    assert resident.ok, f"resident memory {resident.median:.0f} MB"

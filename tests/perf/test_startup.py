"""Start to the first paint, as a ratio to the floor measured in the same run; memory at start.

Both are fresh processes, run alternately so that a busy moment of the machine hits both alike:
the floor (``floor_window.py``) and ``chargeclock --smoke-test --db`` on a copy of the demo
database (a year of visits). The smoke test exits right after its first paint, so its peak
resident memory is its memory at the first paint.
"""

from __future__ import annotations

import compileall
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

from tests.perf.conftest import ROOT, record

RUNS = 15
RATIO_BUDGET = 2.0
MEMORY_BUDGET_MB = 150.0
FLOOR = Path(__file__).with_name("floor_window.py")
PROBE = Path(__file__).with_name("spawn_probe.py")


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env.pop("CHARGECLOCK_DB", None)
    return env


def _timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, peak resident MB) of one run; fails on a non-zero exit."""
    probe = subprocess.run(
        [sys.executable, str(PROBE), *command],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert probe.returncode == 0, probe.stderr
    seconds, maxrss_kib, status = probe.stdout.split()
    assert status == "0", f"{command} exited {status}: {probe.stderr}"
    return float(seconds), int(maxrss_kib) / 1024


def test_startup_and_memory(demo_db: Path, tmp_path: Path) -> None:
    # An installed program runs from compiled modules; make sure the source tree has them.
    compileall.compile_dir(ROOT / "desktop" / "chargeclock", quiet=1)
    database = tmp_path / "clinic.sqlite3"
    shutil.copyfile(demo_db, database)
    env = _environment()
    floor_command = [sys.executable, str(FLOOR)]
    app_command = [sys.executable, "-m", "chargeclock.cli", "--smoke-test", "--db", str(database)]
    for command in (floor_command, app_command):  # warm the file cache
        _timed(command, env)
    floors, starts, memory = [], [], []
    for _ in range(RUNS):
        floors.append(_timed(floor_command, env)[0])
        seconds, megabytes = _timed(app_command, env)
        starts.append(seconds)
        memory.append(megabytes)
    floor = statistics.median(floors)
    start = statistics.median(starts)
    ratio = start / floor
    startup = record(
        "startup to first paint (demo db, a year of visits)",
        ratio,
        RATIO_BUDGET,
        "x floor",
        RUNS,
        floor_ms=round(floor * 1000, 1),
        startup_ms=round(start * 1000, 1),
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
    assert resident.ok, f"resident memory {resident.median:.0f} MB"

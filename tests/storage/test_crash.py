"""kill -9 at random moments loses no acknowledged timer start or stop.

A forked child runs timer operations through the real services on a database file and writes an
acknowledgement line to a pipe only after each call has returned (so after its commit). The
parent reads a random number of acknowledgements, SIGKILLs the child at once — wherever it is,
often inside a commit — then drains what the child managed to send, and checks that every
acknowledged start and stop is in the database exactly as acknowledged and that
``PRAGMA integrity_check`` is ok. Figures are printed at the end.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from chargeclock.clock import FakeClock
from chargeclock.services.session import Services

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="needs fork and SIGKILL"),
]

KILLS = 220
CODES = ("97110", "97112", "97140", "97530")
BASE = datetime(2026, 3, 2, 13, 0, tzinfo=UTC)


def _prepare(path: Path) -> list[int]:
    services = Services.open(path, FakeClock(BASE), zone=UTC)
    records = services.records
    pt = records.add_provider("Dana Reyes", "PT", "1234567893")
    records.add_provider("Sam Lee", "PTA", supervising_provider_id=pt.id)
    payer = records.add_payer("Medicare", medicare=True)
    visit_ids = []
    for n in range(3):
        patient, _ = records.add_patient(f"Patient{n}", "Test", date(1950, 1, 1), payer_id=payer.id)
        visit_ids.append(services.visits.open_visit(patient.id, codes=CODES).visit_id)
    services.close()
    return visit_ids


def _child(path: Path, round_number: int, visit_ids: list[int], ack_fd: int) -> None:
    """Run timer operations for ever; acknowledge each after it returned. Never returns."""
    try:
        rng = random.Random(round_number)
        # Each round's clock starts after the previous round's (FakeClock never runs backwards).
        clock = FakeClock(BASE + timedelta(hours=round_number * 4))
        services = Services.open(path, clock, zone=UTC)
        services.recovery.begin_session()
        while True:
            clock.advance(seconds=rng.randrange(1, 40))
            visit = rng.choice(visit_ids)
            role = rng.choice(("PT", "PTA"))
            if rng.random() < 0.7:
                change = services.visits.start_timer(visit, rng.choice(CODES), role)
            else:
                change = services.visits.stop_timer(visit, role)
            lines = []
            if change.started is not None:
                s = change.started
                lines.append(f"start {s.segment_id} {visit} {s.role} {s.started_at.isoformat()}")
            for s in change.stopped:
                assert s.stopped_at is not None
                lines.append(f"stop {s.segment_id} {visit} {s.role} {s.stopped_at.isoformat()}")
            if lines:
                os.write(ack_fd, ("\n".join(lines) + "\n").encode())
    finally:
        os._exit(3)


def _read_acks(fd: int, wanted: int) -> tuple[list[str], bytes]:
    """Block until ``wanted`` complete lines have arrived (or the pipe closes)."""
    buffer = b""
    while buffer.count(b"\n") < wanted:
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        buffer += chunk
    *complete, rest = buffer.split(b"\n")
    return [line.decode() for line in complete], rest


def _drain(fd: int, rest: bytes) -> list[str]:
    buffer = rest
    while chunk := os.read(fd, 65536):
        buffer += chunk
    # A partial last line was never fully acknowledged: ignore it.
    *complete, _ = buffer.split(b"\n")
    return [line.decode() for line in complete]


def _check(path: Path, acks: list[str]) -> int:
    """Return how many acknowledged operations are missing or wrong."""
    conn = sqlite3.connect(str(path))
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        rows = {
            r[0]: r[1:]
            for r in conn.execute(
                "SELECT id, visit_id, role, started_at, stopped_at FROM timer_segments"
            )
        }
    finally:
        conn.close()
    lost = 0
    for ack in acks:
        kind, segment, visit, role, moment = ack.split()
        row = rows.get(int(segment))
        when = datetime.fromisoformat(moment).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        recorded = None if row is None else (row[2] if kind == "start" else row[3])
        if row is None or (row[0], row[1], recorded) != (int(visit), role, when):
            lost += 1
    return lost


def test_kill_9_loses_no_acknowledged_start_or_stop(tmp_path: Path) -> None:
    path = tmp_path / "crash.sqlite3"
    visit_ids = _prepare(path)
    rng = random.Random(20260302)
    all_acks: list[str] = []
    kills = 0
    lost = 0
    for round_number in range(1, KILLS + 1):
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child
            os.close(read_fd)
            _child(path, round_number, visit_ids, write_fd)
        os.close(write_fd)
        try:
            # One round in ten kills the child while it is still starting up.
            wanted = 0 if rng.random() < 0.1 else rng.randrange(1, 12)
            acks, rest = _read_acks(read_fd, wanted) if wanted else ([], b"")
            os.kill(pid, signal.SIGKILL)
            _, status = os.waitpid(pid, 0)
            acks += _drain(read_fd, rest)
        finally:
            os.close(read_fd)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, (
            f"round {round_number}: the child ended on its own (status {status})"
        )
        kills += 1
        assert acks or not wanted, f"round {round_number}: the child acknowledged nothing"
        all_acks += acks
        lost += _check(path, acks)
    # Later rounds only add segments or stop running ones: every acknowledgement still holds.
    lost_at_end = _check(path, all_acks)

    # After the last kill the app starts again and finds the interrupted timers.
    services = Services.open(path, FakeClock(BASE + timedelta(days=60)), zone=UTC)
    try:
        report = services.recovery.begin_session()
        assert report.needs_attention and report.last_seen is not None
        assert services.verify_audit().ok
    finally:
        services.close()
    starts = sum(1 for a in all_acks if a.startswith("start"))
    stops = len(all_acks) - starts
    print(
        f"\ncrash test: {kills} SIGKILLs, {len(all_acks)} acknowledged operations checked "
        f"({starts} starts, {stops} stops), {lost} lost after a kill, {lost_at_end} at the end"
    )
    assert kills >= 200
    assert len(all_acks) > kills
    assert lost == 0
    assert lost_at_end == 0

"""A 10-hour day on the real window, on the decade: two timers running (PT on one code, PTA on
another), one tick a second from an injected clock, Qt's events handled after each tick as the
event loop would. What must stay flat from the end of the warm-up (``WARM``) to the last hour:
resident memory, the number of Python objects, the references to ``True`` and ``None`` (a rise
means widgets made each minute and not reused; a fall, references dropped that would end in a
crash). Each minute turnover after the warm-up (each tick in which the panel recomputes: the
recompute, the panel's texts, the repaint) is timed. The calculator panel is grabbed after the
warm-up and at the end (``out/soak-before.png``, ``out/soak-after.png``) and its scroll bar
looked at each hour: it may not come and go as the minutes turn (the panel keeps its layout;
whether it is there at all depends on how much the visit has to say)."""

from __future__ import annotations

import gc
import os
import shutil
import statistics
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from PySide6.QtWidgets import QApplication, QScrollArea
from pytestqt.qtbot import QtBot

from chargeclock.clock import FakeClock
from chargeclock.services.session import Services
from chargeclock.ui.main_window import MainWindow
from tests.perf.conftest import OUT, clocked, load, percentile, record, steady_work_tail
from tests.perf.test_decade import _day_of, _open_visits

HOURS = 10
# The first two hours warm what is made once and kept (caches, pools); the day is measured from
# there (the hourly figures are recorded).
WARM = 2
RSS_BUDGET_MB = 1.0
TURNOVER_BUDGET_MS = 5.0
# After gc.collect() at the same moment of a minute, what the counts may differ by: a few
# objects come and go with Qt's own event handling, a widget made per minute is far more
# (one QPushButton made and deleted adds 14 references to None).
OBJECTS_SLACK = 200
REFERENCES_SLACK = 50


def _resident_mb() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024


def _probe() -> dict[str, float]:
    gc.collect()
    return {
        "rss_mb": _resident_mb(),
        "objects": len(gc.get_objects()),
        "true_refs": sys.getrefcount(True),
        "none_refs": sys.getrefcount(None),
    }


def test_a_ten_hour_day(
    qtbot: QtBot,
    qapp: QApplication,
    decade_db: Path,
    tmp_path: Path,
    settle_as_the_program_does: Callable[[], None],
) -> None:
    path = tmp_path / "decade.sqlite3"
    shutil.copyfile(decade_db, path)
    today: date = _day_of(path)
    clock = FakeClock(datetime.combine(today, datetime.min.time(), UTC) + timedelta(hours=8))
    services = Services.open(path, clock, zone=UTC)
    visit_id = _open_visits(services, today)[0]
    timed = [c.code for c in services.visits.visit_state(visit_id).codes if c.timed]
    services.visits.start_timer(visit_id, timed[0], "PT")
    services.visits.start_timer(visit_id, timed[1], "PTA")
    window = MainWindow(services, clock)
    qtbot.addWidget(window)
    window.ticker.stop()  # the day's ticks come from the loop below
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    settle_as_the_program_does()
    window.open_visit(visit_id)
    qapp.processEvents()
    scroll = window.panel.findChild(QScrollArea)
    assert scroll is not None
    OUT.parent.mkdir(parents=True, exist_ok=True)

    def tick() -> None:
        clock.advance(1)
        window.tick()
        qapp.processEvents()

    # The probe lists every Python object (a few MB, freed but kept by the allocator): once
    # here, so that the resident memory it leaves is not counted as the day's.
    _probe()
    turnovers: list[float] = []
    scroll_bar: list[bool] = []
    hourly_mb: list[float] = []
    first: dict[str, float] = {}
    # A minute turnover is a tick in which the panel recomputes: a running code's minutes
    # turned over (where in the wall-clock minute depends on the time the code already had).
    # (One flag, overwritten: a list of them would add references to True and False.)
    recomputed = [False]
    panel_tick = window.visits.tick

    def watched() -> bool:
        recomputed[0] = panel_tick()
        return recomputed[0]

    window.visits.tick = watched  # type: ignore[method-assign]
    for second in range(1, HOURS * 3600 + 1):
        _, cpu = clocked(tick)
        if second > WARM * 3600 and recomputed[0]:
            turnovers.append(cpu)
        if second % 3600 == 0:
            scroll_bar.append(scroll.verticalScrollBar().isVisible())
            hourly_mb.append(round(_resident_mb(), 2))
            if second == WARM * 3600:
                window.panel.grab().save(str(OUT.parent / "soak-before.png"))
                first = _probe()
                # What the probe and the grab allocate is the measure's, not the day's.
                first["rss_mb"] = _resident_mb()
    last = _probe()  # its resident memory read first, before the list of objects
    window.panel.grab().save(str(OUT.parent / "soak-after.png"))
    services.visits.stop_all(visit_id)
    growth = last["rss_mb"] - first["rss_mb"]
    drift = {k: int(last[k] - first[k]) for k in ("objects", "true_refs", "none_refs")}
    memory = record(
        "10-hour day: resident memory growth",
        growth,
        RSS_BUDGET_MB,
        "MB",
        1,
        hourly_mb=hourly_mb,
        **drift,
    )
    turnover = record(
        "10-hour day: a minute turnover (CPU, p99)",
        percentile(turnovers, 0.99),
        TURNOVER_BUDGET_MS,
        "ms",
        len(turnovers),
        median_ms=round(statistics.median(turnovers), 2),
        max_ms=round(max(turnovers), 2),
        load=load(),
        scroll_bar=scroll_bar[0],
        # a fixed piece of work as long as the median turnover, timed as often: the machine's
        # tail (a p99 of work this long cannot be less than this run's steady_work_p99_ms)
        **steady_work_tail(statistics.median(turnovers), len(turnovers)),
    )
    assert len(set(scroll_bar)) == 1, f"the panel's scroll bar came and went: {scroll_bar}"
    assert abs(drift["objects"]) <= OBJECTS_SLACK, drift
    assert abs(drift["true_refs"]) <= REFERENCES_SLACK, drift
    assert abs(drift["none_refs"]) <= REFERENCES_SLACK, drift
    assert memory.ok
    assert turnover.ok

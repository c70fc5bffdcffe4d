"""Screenshots of the main window for the README: idle, mid-visit with timers running, and
locked.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/screenshots.py docs/

Builds a demo database in a temporary folder, unlocks the window (the demo's users have PINs, so
it starts locked), drives a visit with a fake clock (so the figures are the same every time) and
saves ``window-idle.png``, ``window-visit.png`` and ``lock-screen.png``.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtWidgets import QApplication

from chargeclock.app import build_window
from chargeclock.clock import FakeClock
from chargeclock.services.demo import DEMO_PINS, DemoSummary, build_demo
from chargeclock.services.session import Services
from chargeclock.ui.main_window import MainWindow
from chargeclock.ui.privacy_lock import PrivacyLock

NOW = datetime(2026, 11, 24, 15, 5, tzinfo=UTC)


def demo_window(clock: FakeClock) -> tuple[Services, MainWindow, PrivacyLock, DemoSummary]:
    """A demo database in a temporary folder, its window as the app builds it (toolbar
    included), unlocked by Dana Reyes."""
    folder = Path(tempfile.mkdtemp(prefix="chargeclock-shots-"))
    summary = build_demo(folder / "demo.sqlite3", today=clock.now().date())
    services = Services.open(folder / "demo.sqlite3", clock, zone=UTC)
    window, lock = build_window(services, clock)
    return services, window, lock, summary


def unlock(services: Services, lock: PrivacyLock) -> None:
    dana = next(u for u in services.records.users() if u.name == "Dana Reyes")
    lock.unlock(dana.id, DEMO_PINS[dana.name])


def shown_unlocked(
    out: Path, clock: FakeClock
) -> tuple[QApplication, Services, MainWindow, PrivacyLock, DemoSummary]:
    """The Qt application, ``out`` made, and the demo window shown and unlocked."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    out.mkdir(parents=True, exist_ok=True)
    services, window, lock, summary = demo_window(clock)
    window.show()
    unlock(services, lock)
    app.processEvents()
    return app, services, window, lock, summary


def mid_visit(window: MainWindow, clock: FakeClock, summary: DemoSummary) -> None:
    """A Medicare patient just under KX: the therapist does 7 min of manual therapy, then 20 of
    exercise; the assistant takes over the exercise alone for the last 13 min (running)."""
    patient = window.services.records.patient(summary.kx_patient_id)
    window.search.setText(patient.last_name)
    window.start_visit(patient.id)
    window.visits.toggle_timer("97140", "PT")
    clock.advance(minutes=7, seconds=40)
    window.visits.toggle_timer("97110", "PT")
    clock.advance(minutes=20, seconds=5)
    window.visits.toggle_timer("97110", "PTA")
    window.visits.toggle_timer("97110", "PT")
    clock.advance(minutes=13, seconds=21)
    window.table.selectRow(0)
    window.tick()


def main(out: Path) -> None:
    clock = FakeClock(NOW)
    app, services, window, lock, summary = shown_unlocked(out, clock)
    window.grab().save(str(out / "window-idle.png"))
    services.workstations.set_room("Room 2")  # the lock screen says where the timers run
    mid_visit(window, clock, summary)
    app.processEvents()
    window.grab().save(str(out / "window-visit.png"))
    lock.lock()
    app.processEvents()
    window.grab().save(str(out / "lock-screen.png"))
    services.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs"))

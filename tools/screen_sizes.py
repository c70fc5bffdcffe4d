"""The visit screen mid-visit at the sizes a clinic's screens have, for a person to look at:
1024×600 (a small touch panel), 1366×768 (the common laptop) and 2560×1440 at scale 2 (a
high-DPI monitor; the window is laid out at 1280×720 and drawn at twice the pixels).

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/screen_sizes.py docs/

Each size runs in a process of its own (Qt reads the scale factor once, at start) and saves
``screen-WxH.png``; ``--large-type`` saves ``screen-WxH-large.png`` with the large-type setting.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

SIZES = ((1024, 600, 1), (1366, 768, 1), (2560, 1440, 2))


def shoot(out: Path, width: int, height: int, scale: int, large: bool) -> Path:
    from PySide6.QtWidgets import QApplication

    from chargeclock.app import build_window
    from chargeclock.clock import FakeClock
    from chargeclock.services.demo import DEMO_PINS, build_demo
    from chargeclock.services.session import Services

    app = QApplication.instance() or QApplication(sys.argv[:1])
    folder = Path(tempfile.mkdtemp(prefix="chargeclock-sizes-"))
    clock = FakeClock(datetime(2026, 11, 24, 15, 5, tzinfo=UTC))
    summary = build_demo(folder / "demo.sqlite3", today=clock.now().date())
    services = Services.open(folder / "demo.sqlite3", clock, zone=UTC)
    if large:  # the setting is read when the window is built
        from chargeclock.services.display import Display

        Display(services.ctx).set_large_type(True)
    window, lock = build_window(services, clock)
    window.resize(width // scale, height // scale)
    window.show()
    dana = next(u for u in services.records.users() if u.name == "Dana Reyes")
    lock.unlock(dana.id, DEMO_PINS[dana.name])
    patient = services.records.patient(summary.kx_patient_id)
    window.search.setText(patient.last_name)
    window.start_visit(patient.id)
    window.visits.toggle_timer("97140", "PT")
    clock.advance(minutes=7, seconds=40)
    window.visits.toggle_timer("97110", "PT")
    clock.advance(minutes=20, seconds=5)
    window.visits.toggle_timer("97110", "PTA")
    clock.advance(minutes=13, seconds=21)
    window.table.selectRow(0)
    window.tick()
    for _ in range(5):
        app.processEvents()
    target = out / f"screen-{width}x{height}{'-large' if large else ''}.png"
    window.grab().save(str(target))
    services.close()
    return target


def main(out: Path, large: bool) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for width, height, scale in SIZES:
        env = dict(os.environ, QT_SCALE_FACTOR=str(scale))
        args = [sys.executable, __file__, "--one", str(out), str(width), str(height), str(scale)]
        subprocess.run([*args, "--large-type"] if large else args, env=env, check=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        where, w, h, s = sys.argv[2:6]
        print(shoot(Path(where), int(w), int(h), int(s), "--large-type" in sys.argv))
    else:
        rest = [a for a in sys.argv[1:] if a != "--large-type"]
        main(Path(rest[0] if rest else "docs"), "--large-type" in sys.argv)

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
from pathlib import Path

SIZES = ((1024, 600, 1), (1366, 768, 1), (2560, 1440, 2))


def shoot(out: Path, width: int, height: int, scale: int, large: bool) -> Path:
    from PySide6.QtWidgets import QApplication
    from screenshots import NOW, demo_window, mid_visit, unlock

    from chargeclock.clock import FakeClock
    from chargeclock.services.display import Display

    app = QApplication.instance() or QApplication(sys.argv[:1])
    clock = FakeClock(NOW)
    services, window, lock, summary = demo_window(clock)
    if large:
        window.display.apply(Display(services.ctx).set_large_type(True))
        window.display.large_type_action.setChecked(True)
    window.resize(width // scale, height // scale)
    window.show()
    unlock(services, lock)
    mid_visit(window, clock, summary)
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

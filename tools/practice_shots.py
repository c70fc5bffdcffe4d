"""Pictures of the practice views, to look at: the day sheet, the KX watch, the charts, the
audit packet and the export dialogs as the window's Practice menu opens them, and the packet's
first and a later page rendered from its PDF.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/practice_shots.py out/practice

Builds a demo database in a temporary folder (the same clinic and day as ``screenshots.py``),
unlocks the window, puts the patient just under KX in a visit (so the KX watch and the packet
open on them) and saves ``day-sheet.png``, ``kx-watch.png``, ``charts.png``, ``packet.png``,
``export.png`` and ``packet-page-1.png``, ``packet-page-N.png`` (with ``pdftoppm``).
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QDialog

from chargeclock.clock import FakeClock
from chargeclock.services.packet import build_packet, packet_pdf
from chargeclock.ui.practice_ui import PracticeUi

sys.path.insert(0, str(Path(__file__).parent))
from screenshots import NOW, mid_visit, shown_unlocked


def main(out: Path) -> None:
    clock = FakeClock(NOW)
    app, services, window, _, summary = shown_unlocked(out, clock)
    mid_visit(window, clock, summary)
    app.processEvents()
    practice = window.findChild(PracticeUi)
    assert practice is not None
    for name in ("day_sheet", "kx_watch", "charts", "packet", "export"):
        practice.actions[name].trigger()
        app.processEvents()
        dialog = practice.dialog
        assert isinstance(dialog, QDialog), name
        app.processEvents()
        dialog.grab().save(str(out / f"{name.replace('_', '-')}.png"))
        dialog.close()
        app.processEvents()
    year = NOW.year
    pdf = packet_pdf(build_packet(services, summary.kx_patient_id, date(year, 1, 1), NOW.date()))
    (out / "packet.pdf").write_bytes(pdf)
    pages = pdf.count(b"/Type /Page\n")
    for page in (1, max(2, pages // 2)):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "70", "-f", str(page), "-l", str(page), "-singlefile",
             str(out / "packet.pdf"), str(out / f"packet-page-{page}")],
            check=True,
        )  # fmt: skip
    services.close()
    print(f"{pages} packet pages; pictures in {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "out/practice"))

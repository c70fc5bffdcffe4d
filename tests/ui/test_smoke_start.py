"""``chargeclock --smoke-test``: the start-up probe opens the database, paints the main window
once, says so and exits 0; and the start path leaves the libraries it does not need unloaded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from chargeclock.clock import SystemClock
from chargeclock.services.session import Services

pytestmark = pytest.mark.gui

#: loaded when first needed, never to paint the window
NOT_AT_START = (
    "reportlab",  # the superbill PDF
    "sqlite_utils",  # migrations, only when the schema is not current
    "pydantic",  # calc input
    "simple_icd_10_cm",  # the diagnosis code set
    "hashlib",  # the audit chain and PINs (OpenSSL)
    "PySide6.QtPdf",  # the superbill preview
    "PySide6.QtPdfWidgets",
    "chargeclock.export",
    "chargeclock.services.backups",
    "chargeclock.services.demo",
    "chargeclock.ui.lock_screen",  # the lock's cover: at the first lock (no PIN here yet)
    "chargeclock.ui.timer_delegate",  # timer cells: with the first visit
    "html",
)

#: Qt classes whose Python types (each with its enums) the first paint does not need: PySide
#: builds a type when it is first named or returned, and a widget Qt made itself, returned
#: untyped, has it build every QWidget class's type (ui.known_types)
QT_TYPES_NOT_AT_START = (
    "QWizard",
    "QMdiArea",
    "QFileDialog",
    "QCalendarWidget",
    "QCompleter",  # the add-a-code field's, with the first visit
    "QMessageBox",  # a question or a refusal, when one is shown
    "QInputDialog",
    "QIcon",  # an overload of QAction(text, parent) and QPushButton(text, parent) takes one
    "QKeySequence",  # shortcuts are set from their text (ui.qt_ints)
)

#: what a window that starts locked leaves for after its cover's first paint
BEHIND_THE_COVER = (
    "chargeclock.ui.patient_panel",
    "chargeclock.ui.visit_panel",
    "chargeclock.ui.calculator_panel",
    "chargeclock.ui.fit",
    "chargeclock.ui.records_ui",
    "chargeclock.services.visits",  # the visits' service and the forty modules it loads
    "chargeclock.services.records",  # patients, payers, payments, fees (the cover: practice's)
)

# What is loaded and built is looked at as the first paint is said: once the first frame is drawn
# whole, the panels' rows too (what the window makes after it does not count). The Today list's
# rows are drawn by the style (QStyle's type is built for its first row) in their palettes'
# colours: a colour named to the painter would build Qt's namespace.
PROBE = """
import json, sys
from chargeclock.cli import main

class AtFirstPaint:
    def write(self, text):
        if "painted" in text:
            import PySide6.QtCore, PySide6.QtGui, PySide6.QtWidgets
            loaded = [m for m in {names!r} if m in sys.modules]
            sys.stderr.write("LOADED " + json.dumps(loaded) + "\\n")
            qt = {{**vars(PySide6.QtCore), **vars(PySide6.QtGui), **vars(PySide6.QtWidgets)}}
            built = [t for t in {types!r} if t in qt]
            sys.stderr.write("BUILT " + json.dumps(built) + "\\n")
        return sys.__stdout__.write(text)

    def flush(self):
        sys.__stdout__.flush()

sys.stdout = AtFirstPaint()
sys.exit(main(sys.argv[1:]))
"""


def _smoke(*arguments: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_DATA_HOME=str(tmp_path / "data"))
    env.pop("CHARGECLOCK_DB", None)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            PROBE.format(
                names=NOT_AT_START + BEHIND_THE_COVER, types=(*QT_TYPES_NOT_AT_START, "Qt")
            ),
            "--smoke-test",
            *arguments,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_smoke_test_paints_says_so_and_exits_0(tmp_path: Path) -> None:
    database = tmp_path / "clinic.sqlite3"
    done = _smoke("--db", str(database), tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["chargeclock: main window painted"]
    assert database.exists()  # created and migrated
    assert not (tmp_path / "data").exists()  # nothing written beside the given database


def test_the_start_path_loads_only_what_the_first_paint_needs(tmp_path: Path) -> None:
    database = tmp_path / "clinic.sqlite3"
    services = Services.open(database, SystemClock())  # a current schema, as on any later start
    # a patient in the list and a visit of today's with a timer running, in the Today list
    patient, _ = services.records.add_patient("Roe", "Ann", date(1950, 1, 2))
    visit = services.visits.open_visit(patient.id)
    services.visits.start_timer(visit.visit_id, "97110", "PT")
    services.close()
    done = _smoke("--db", str(database), tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    loaded = next(line for line in done.stderr.splitlines() if line.startswith("LOADED "))
    assert json.loads(loaded.removeprefix("LOADED ")) == list(BEHIND_THE_COVER)
    # not even Qt's namespace (93 enums, ~118 M instructions): the panels name none before
    # the first paint (ui.qt_ints)
    assert _built(done) == []


def _built(done: subprocess.CompletedProcess[str]) -> list[str]:
    built = next(line for line in done.stderr.splitlines() if line.startswith("BUILT "))
    return list(json.loads(built.removeprefix("BUILT ")))


def test_a_clinic_with_a_pin_starts_locked_and_the_probe_still_exits_0(tmp_path: Path) -> None:
    """The probe leaves without closing the window: a close is refused while locked."""
    database = tmp_path / "clinic.sqlite3"
    services = Services.open(database, SystemClock())
    services.records.add_user("Dana Reyes", "PT", "2468")
    services.close()
    done = _smoke("--db", str(database), tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["chargeclock: main window painted"]
    loaded = next(line for line in done.stderr.splitlines() if line.startswith("LOADED "))
    # the cover is made for the first paint; nothing else (no OpenSSL: no PIN is checked yet,
    # no panel: they are made behind the cover after it has painted)
    assert json.loads(loaded.removeprefix("LOADED ")) == ["chargeclock.ui.lock_screen"]
    assert _built(done) == []  # not even Qt's namespace (~80 enums): the cover names none


def test_a_database_it_cannot_open_is_one_line_and_status_2(tmp_path: Path) -> None:
    not_a_database = tmp_path / "clinic.sqlite3"
    not_a_database.write_bytes(b"this is not SQLite" * 100)
    done = _smoke("--db", str(not_a_database), tmp_path=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert "Traceback" not in done.stderr


GC_PROBE = """
import gc, sys
from chargeclock.services.session import Services
opened = Services.open
paused = []

def open_and_look(*args, **kwargs):
    paused.append(not gc.isenabled())
    return opened(*args, **kwargs)

Services.open = open_and_look
from chargeclock.cli import main
status = main(sys.argv[1:])
sys.stderr.write(f"GC {paused} {gc.isenabled()} {gc.get_freeze_count()}\\n")
sys.exit(status)
"""


def _gc_run(database: Path, tmp_path: Path) -> tuple[int, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_DATA_HOME=str(tmp_path / "data"))
    done = subprocess.run(
        [sys.executable, "-c", GC_PROBE, "--smoke-test", "--db", str(database)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    report = next(line for line in done.stderr.splitlines() if line.startswith("GC "))
    return done.returncode, report


def test_the_collector_is_paused_for_the_start_and_resumes_after_the_first_paint(
    tmp_path: Path,
) -> None:
    status, report = _gc_run(tmp_path / "clinic.sqlite3", tmp_path)
    _, paused, enabled, frozen = report.split(" ", 3)
    assert status == 0
    assert paused == "[True]"  # no collection while the start-up objects are made
    assert enabled == "True"
    assert int(frozen) > 10_000  # what start-up made was set aside at the first paint


def test_the_collector_resumes_when_the_start_fails(tmp_path: Path) -> None:
    junk = tmp_path / "clinic.sqlite3"
    junk.write_bytes(b"not a database " * 100)
    status, report = _gc_run(junk, tmp_path)
    assert status == 2
    assert report.split(" ")[2:] == ["True", "0"]  # running again, nothing frozen


def test_the_collector_settles_once(qapp: object) -> None:
    """The first paint and the few-seconds fallback may both call it: the second does nothing."""
    import gc

    from chargeclock.app import _settle_after_start

    gc.unfreeze()
    gc.disable()
    try:
        _settle_after_start()
        frozen = gc.get_freeze_count()
        assert gc.isenabled() and frozen > 0
        made_since = [[n] for n in range(1_000)]  # tracked objects a second freeze would take
        _settle_after_start()
        assert gc.get_freeze_count() == frozen
        assert len(made_since) == 1_000
    finally:
        gc.enable()
        gc.unfreeze()

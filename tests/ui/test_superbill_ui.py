"""The superbill preview from the window: QtPdf loads the PDF, the choices rebuild it, Save as PDF
writes what is shown, Print renders the pages on a QPrinter (to a PDF file, and through a real
CUPS queue where one exists), and problems are shown in the dialog, never raised."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QSize
from PySide6.QtGui import QImage
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QBoxLayout, QDialog, QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from chargeclock.clock import FakeClock
from chargeclock.services.demo import build_demo
from chargeclock.services.session import Services
from chargeclock.ui import superbill_dialog, superbill_ui
from chargeclock.ui.main_window import MainWindow
from chargeclock.ui.superbill_dialog import SuperbillDialog
from chargeclock.ui.superbill_ui import SuperbillLauncher

pytestmark = pytest.mark.gui

TODAY = date(2026, 6, 30)
START, END = date(2026, 4, 1), date(2026, 6, 30)
CUPS_QUEUE = "PDF"


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    path = tmp_path_factory.mktemp("superbill-ui") / "demo.sqlite3"
    build_demo(path, today=TODAY)
    services = Services.open(path, FakeClock(datetime(2026, 6, 30, 22, tzinfo=UTC)), zone=UTC)
    yield services
    services.close()


@pytest.fixture(scope="module")
def patient_id(services: Services) -> int:
    """A Medicare patient seen about three times a week through the quarter."""

    def seen(pid: int) -> int:
        return sum(
            1
            for v in services.visits.visits_of_patient(pid)
            if v.status == "finalized" and START <= v.date_of_service <= END
        )

    return max((p.id for p in services.records.search_patients("")), key=lambda p: (seen(p), -p))


@pytest.fixture(scope="module")
def visit_id(services: Services, patient_id: int) -> int:
    finalized = [
        v for v in services.visits.visits_of_patient(patient_id) if v.status == "finalized"
    ]
    return finalized[-1].id


@pytest.fixture
def window(qtbot: QtBot, services: Services) -> MainWindow:
    window = MainWindow(services, services.clock)
    qtbot.addWidget(window)
    window.ticker.stop()
    superbill_ui.install(window, services)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    return window


def _launcher(window: MainWindow) -> SuperbillLauncher:
    launcher = window.findChild(SuperbillLauncher)
    assert launcher is not None
    return launcher


def _open(qtbot: QtBot, window: MainWindow, visit_id: int) -> SuperbillDialog:
    launcher = _launcher(window)
    with qtbot.waitSignal(launcher.opened, timeout=10_000):
        window.superbill_requested.emit(visit_id)
    dialog = launcher.dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.document.status() == QPdfDocument.Status.Ready)
    return dialog


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _pdf_text(data: bytes) -> str:
    return _flat(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))


def _document_text(dialog: SuperbillDialog) -> str:
    doc = dialog.document
    return _flat(" ".join(doc.getAllText(page).text() for page in range(doc.pageCount())))


# --- preview ------------------------------------------------------------------------------------


def test_the_superbill_button_opens_the_preview(
    qtbot: QtBot, window: MainWindow, services: Services, visit_id: int
) -> None:
    window.open_visit(visit_id)
    assert window.superbill_button.isEnabled()  # a finalized visit
    launcher = _launcher(window)
    with qtbot.waitSignal(launcher.opened, timeout=10_000):
        window.superbill_button.click()
    dialog = launcher.dialog
    assert dialog is not None and dialog.isVisible() and dialog.isModal()
    qtbot.waitUntil(lambda: dialog.document.status() == QPdfDocument.Status.Ready)
    assert dialog.document.pageCount() == 1
    assert not dialog.error_label.isVisible()
    assert dialog.save_button.isEnabled() and dialog.print_button.isEnabled()
    superbill = dialog.superbill
    assert superbill is not None and superbill.kind == "visit"
    frozen = services.visits.claim_lines(visit_id)
    assert [line.code for line in superbill.lines] == [line.code for line in frozen]
    text = _document_text(dialog)
    assert "SUPERBILL" in text and superbill.patient.name in text
    assert f"charges ${superbill.total_charges:,.2f}" in dialog.summary_label.text()
    assert dialog.pdf.startswith(b"%PDF-")
    assert dialog.document.metaData(QPdfDocument.MetaDataField.Title).startswith("Superbill")


def test_a_statement_trace_and_paper_rebuild_the_preview(
    qtbot: QtBot, window: MainWindow, visit_id: int
) -> None:
    dialog = _open(qtbot, window, visit_id)
    with qtbot.waitSignal(dialog.preview_changed, timeout=10_000) as changed:
        dialog.set_statement(START, END)
    pages = changed.args[0] if changed.args else 0
    assert pages == dialog.document.pageCount() > 1
    superbill = dialog.superbill
    assert superbill is not None and superbill.kind == "statement"
    assert len(superbill.visits) >= 30
    assert "STATEMENT" in _document_text(dialog)
    assert dialog.start_edit.isEnabled() and dialog.end_edit.isEnabled()

    letter = dialog.document.pagePointSize(0)
    assert (round(letter.width()), round(letter.height())) == (612, 792)
    with qtbot.waitSignal(dialog.preview_changed, timeout=10_000):
        dialog.paper_box.setCurrentIndex(dialog.paper_box.findData("a4"))
    a4 = dialog.document.pagePointSize(0)
    assert (round(a4.width()), round(a4.height())) == (595, 842)

    with qtbot.waitSignal(dialog.preview_changed, timeout=10_000):
        dialog.trace_box.setChecked(True)
    assert "Appendix: calculation trace" in _document_text(dialog)

    with qtbot.waitSignal(dialog.preview_changed, timeout=10_000):
        dialog.visit_choice.setChecked(True)
    assert not dialog.start_edit.isEnabled()
    assert dialog.superbill is not None and dialog.superbill.kind == "visit"


def test_problems_are_shown_in_the_dialog(
    qtbot: QtBot, window: MainWindow, services: Services, visit_id: int
) -> None:
    dialog = _open(qtbot, window, visit_id)
    with qtbot.waitSignal(dialog.failed, timeout=10_000) as failed:
        dialog.set_statement(date(2020, 1, 1), date(2020, 1, 31))
    assert failed.args and str(failed.args[0]).startswith("period: patient")
    assert dialog.error_label.isVisible() and "no finalized visits" in dialog.error_label.text()
    assert not dialog.save_button.isEnabled() and not dialog.print_button.isEnabled()
    assert dialog.document.status() != QPdfDocument.Status.Ready

    # The period typed in the date fields is picked up after a short pause.
    with qtbot.waitSignal(dialog.preview_changed, timeout=10_000):
        dialog.start_edit.setDate(dialog.start_edit.date().addYears(6).addMonths(4))
        dialog.end_edit.setDate(dialog.end_edit.date().addYears(6).addMonths(5))
    assert not dialog.error_label.isVisible() and dialog.save_button.isEnabled()
    superbill = dialog.superbill
    assert superbill is not None
    assert (superbill.period_from, superbill.period_to) == (date(2026, 5, 1), END)

    open_visit = next(v for v in services.visits.visits_of_day(TODAY) if v.status == "open")
    still_open = _launcher(window).show_superbill(open_visit.id)
    assert still_open is not None and still_open.error_label.isVisible()
    assert "still open" in still_open.error_label.text()
    assert dialog is not still_open


def test_an_unexpected_failure_is_one_line_in_the_dialog(
    qtbot: QtBot, window: MainWindow, visit_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = _open(qtbot, window, visit_id)

    def broken(_superbill: object) -> bytes:
        raise RuntimeError("layout\nfailed " + "x" * 400)

    monkeypatch.setattr(superbill_dialog, "pdf_bytes", broken)
    with qtbot.waitSignal(dialog.failed, timeout=10_000):
        dialog.trace_box.setChecked(True)
    text = dialog.error_label.text()
    assert text.startswith("the superbill could not be built (RuntimeError: layout failed xxx")
    assert "\n" not in text and len(text) <= superbill_dialog.MAX_MESSAGE
    assert not dialog.print_button.isEnabled()


def test_an_unknown_visit_is_a_message_not_a_traceback(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: shown.append(text))
    monkeypatch.setattr(
        QMessageBox, "information", lambda _parent, _title, text: shown.append(text)
    )
    assert _launcher(window).show_superbill(999_999) is None
    assert _launcher(window).show_superbill(0) is None
    assert shown == [
        "visit_id: there is no visit 999999",
        "Open a finalized visit to print its superbill.",
    ]


# --- save ---------------------------------------------------------------------------------------


def test_save_as_pdf_writes_the_previewed_document(
    qtbot: QtBot,
    window: MainWindow,
    visit_id: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dialog = _open(qtbot, window, visit_id)
    asked: list[str] = []

    def choose(_parent: object, _caption: str, suggested: str, _filter: str) -> tuple[str, str]:
        asked.append(suggested)
        return str(tmp_path / "for the insurer"), "PDF documents (*.pdf)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", choose)
    with qtbot.waitSignal(dialog.saved, timeout=10_000) as saved:
        dialog.save_button.click()
    target = tmp_path / "for the insurer.pdf"
    assert saved.args == [str(target)]
    assert target.read_bytes() == dialog.pdf
    assert dialog.saved_label.isVisible()  # the save is confirmed, with where it went
    assert dialog.saved_label.text() == f"Saved as PDF: {target}"
    assert Path(asked[0]).name == f"{dialog.job_title()}.pdf"
    assert asked[0].endswith(".pdf") and "superbill-2026-" in asked[0]
    superbill = dialog.superbill
    assert superbill is not None and superbill.patient.name in _pdf_text(dialog.pdf)

    assert not dialog.save_to(tmp_path / "missing" / "x.pdf")
    assert dialog.error_label.isVisible() and "Could not save" in dialog.error_label.text()
    assert not dialog.saved_label.isVisible()
    assert dialog.document.status() == QPdfDocument.Status.Ready  # the preview stays


# --- print --------------------------------------------------------------------------------------


def _pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def test_print_renders_every_page_onto_the_printer(
    qtbot: QtBot, window: MainWindow, visit_id: int, tmp_path: Path
) -> None:
    dialog = _open(qtbot, window, visit_id)
    with qtbot.waitSignal(dialog.preview_changed, timeout=10_000):
        dialog.set_statement(START, END)
    out = tmp_path / "printed.pdf"
    printer = dialog.new_printer()  # Letter, like the superbill
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    with qtbot.waitSignal(dialog.printed, timeout=60_000) as printed:
        assert dialog.print_to(printer)
    pages = dialog.document.pageCount()
    assert printed.args == [pages]
    reader = PdfReader(out)
    assert len(reader.pages) == pages
    printed_text = _flat(" ".join(p.extract_text() for p in reader.pages))
    superbill = dialog.superbill
    assert superbill is not None
    for needle in (
        superbill.patient.name,
        superbill.practice.npi,
        "STATEMENT",
        f"Total charges ${superbill.total_charges:,.2f}",
        *(line.code for line in superbill.lines),
    ):
        assert needle in printed_text
    # The picture is the preview's, page for page, to the pixel (give or take anti-aliasing).
    check = QPdfDocument()
    check.load(str(out))
    for page in (0, pages - 1):
        expected, got = _rendered(dialog.document, page), _rendered(check, page)
        assert _differing_pixels(expected, got) < 0.02
        # Everything sits where it should, the footer on the last line included.
        expected_rows, got_rows = _ink_rows(expected), _ink_rows(got)
        assert abs(expected_rows[-1] - got_rows[-1]) <= 1
        assert abs(expected_rows[0] - got_rows[0]) <= 1
        assert _within_a_row(expected_rows, got_rows) and _within_a_row(got_rows, expected_rows)
    check.close()


def _rendered(document: QPdfDocument, page: int) -> QImage:
    """The page at 100 dpi."""
    points = document.pagePointSize(page)
    return document.render(
        page, QSize(round(points.width() * 100 / 72), round(points.height() * 100 / 72))
    )


def _differing_pixels(expected: QImage, got: QImage) -> float:
    """The share of pixels whose lightness differs clearly."""
    assert expected.size() == got.size()
    width, height = expected.width(), expected.height()
    differing = sum(
        1
        for y in range(height)
        for x in range(0, width, 2)
        if abs(_lightness(expected, x, y) - _lightness(got, x, y)) > 64
    )
    return differing / (height * width / 2)


def _within_a_row(rows: list[int], others: list[int]) -> bool:
    """Each of ``rows`` has one of ``others`` at most one pixel away."""
    near = set(others)
    return all({row - 1, row, row + 1} & near for row in rows)


def _ink_rows(image: QImage) -> list[int]:
    """The rows holding something darker than the light grey rules."""
    return [
        y
        for y in range(image.height())
        if any(_lightness(image, x, y) < 150 for x in range(0, image.width(), 2))
    ]


def _lightness(image: QImage, x: int, y: int) -> int:
    colour = image.pixelColor(x, y)  # over white paper
    return (colour.lightness() * colour.alpha() + 255 * (255 - colour.alpha())) // 255


def test_the_print_button_prints_the_chosen_pages(
    qtbot: QtBot,
    window: MainWindow,
    visit_id: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    out = tmp_path / "chosen.pdf"

    class ChosenPrinter:
        """The print dialog as a user answers it: print to a file, pages 2 to 3."""

        def __init__(self, printer: QPrinter, _parent: object) -> None:
            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(str(out))
            printer.setPrintRange(QPrinter.PrintRange.PageRange)
            printer.setFromTo(2, 3)
            self.printer = printer

        def setWindowTitle(self, _title: str) -> None:  # noqa: N802 - Qt's name
            pass

        def setMinMax(self, _first: int, _last: int) -> None:  # noqa: N802 - Qt's name
            pass

        def exec(self) -> QDialog.DialogCode:
            return QDialog.DialogCode.Accepted

    monkeypatch.setattr(superbill_dialog, "QPrintDialog", ChosenPrinter)
    dialog = _open(qtbot, window, visit_id)
    with qtbot.waitSignal(dialog.preview_changed, timeout=10_000):
        dialog.set_statement(START, END)
    with qtbot.waitSignal(dialog.printed, timeout=60_000) as printed:
        dialog.print_button.click()
    assert printed.args == [2]
    reader = PdfReader(out)
    assert len(reader.pages) == 2
    assert "Page 2 of" in _flat(reader.pages[0].extract_text())
    assert reader.metadata is not None and reader.metadata.title == dialog.job_title()


def _cups_queue() -> str | None:
    """Why there is no usable CUPS queue named PDF, or None when there is one."""
    if shutil.which("lpstat") is None:
        return "lpstat is not installed (no CUPS client)"
    probe = subprocess.run(
        ["lpstat", "-p", CUPS_QUEUE], capture_output=True, text=True, timeout=10, check=False
    )
    if probe.returncode != 0 or CUPS_QUEUE not in probe.stdout:
        return f"no CUPS queue {CUPS_QUEUE!r} ({(probe.stderr or probe.stdout).strip()})"
    return None


def test_print_through_the_cups_pdf_queue(qtbot: QtBot, window: MainWindow, visit_id: int) -> None:
    missing = _cups_queue()
    if missing is not None:
        if os.environ.get("CI"):
            pytest.fail(f"CI needs the cups-pdf queue: {missing}")
        pytest.skip(missing)
    dialog = _open(qtbot, window, visit_id)
    title = f"chargeclock-test-{uuid.uuid4().hex[:10]}"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPrinterName(CUPS_QUEUE)
    printer.setDocName(title)
    assert printer.isValid() and printer.outputFormat() == QPrinter.OutputFormat.NativeFormat
    assert dialog.print_to(printer), dialog.error_label.text()
    out_dir = Path.home() / "PDF"

    def arrived() -> list[Path]:
        return [p for p in out_dir.glob(f"{title}*.pdf") if p.stat().st_size > 0]

    try:
        qtbot.waitUntil(lambda: bool(arrived()), timeout=30_000)
        (found,) = arrived()
        qtbot.waitUntil(lambda: found.read_bytes().rstrip().endswith(b"%%EOF"), timeout=10_000)
        assert found.read_bytes().startswith(b"%PDF")
        assert len(PdfReader(found).pages) == dialog.document.pageCount()
    finally:
        for leftover in out_dir.glob(f"{title}*.pdf"):
            leftover.unlink()


def test_older_diagnoses_get_their_text_once_the_code_set_is_in(
    qtbot: QtBot,
    window: MainWindow,
    services: Services,
    visit_id: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Diagnoses saved before descriptions were kept: the preview opens at once without them,
    and is rebuilt with ICD-10-CM's text when the code set has loaded off the window's thread.
    The bill is frozen only with the text (a visit finalized while it was loading)."""
    from chargeclock.services import diagnosis_codes

    conn = services.db.conn
    kept = conn.execute("SELECT id, description FROM diagnoses").fetchall()
    monkeypatch.setattr(diagnosis_codes, "_index", None)  # not loaded in this session yet
    conn.execute("UPDATE diagnoses SET description = ''")
    other = next(
        p.id
        for p in services.records.search_patients("")
        if p.id != services.visits.visit(visit_id).patient_id
        and services.records.diagnoses(p.id)
        and p.payer_id is not None
    )
    visit_id = services.visits.open_visit(other, codes=["97110"]).visit_id
    services.visits.start_timer(visit_id, "97110", "PT")
    clock = services.clock
    assert isinstance(clock, FakeClock)
    clock.advance(minutes=20)
    services.visits.stop_all(visit_id)
    assert services.visits.finalize(visit_id).superbill_problem.startswith("diagnoses:")
    try:
        launcher = _launcher(window)
        with qtbot.waitSignal(launcher.opened, timeout=10_000):
            window.superbill_requested.emit(visit_id)
        dialog = launcher.dialog
        assert dialog is not None and dialog.superbill is not None
        assert all(d.description == "" for d in dialog.superbill.diagnoses)  # no wait for it
        qtbot.waitUntil(
            lambda: (
                dialog.superbill is not None
                and all(d.description for d in dialog.superbill.diagnoses)
            ),
            timeout=60_000,
        )
        first = dialog.superbill.diagnoses[0]
        assert first.description == diagnosis_codes.load_index().description(first.code) != ""
        dialog.reject()
    finally:
        conn.executemany(
            "UPDATE diagnoses SET description = ? WHERE id = ?", [(t, i) for i, t in kept]
        )


@pytest.mark.parametrize("large", [False, True])
def test_the_choices_stand_on_one_row_only_where_it_holds_them_whole(
    qtbot: QtBot, window: MainWindow, visit_id: int, large: bool
) -> None:
    """At 1220 px the usual type holds what is printed and how on one row; large type takes
    two, and each date shows whole (on one row, squeezed, they read "11/3")."""
    window.display.apply(large)
    dialog = _open(qtbot, window, visit_id)
    dialog.resize(1220, 700)
    qtbot.wait(10)
    row, _parts = dialog._choices
    assert (row.direction() == QBoxLayout.Direction.LeftToRight) != large
    for edit in (dialog.start_edit, dialog.end_edit):
        assert edit.width() >= edit.sizeHint().width()
    window.display.apply(False)

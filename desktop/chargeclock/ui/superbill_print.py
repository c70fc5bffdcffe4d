"""Printing a PDF (a :class:`QPdfDocument`) on any :class:`QPrinter`.

Each page is rasterised by QtPdf at the printer's resolution, capped at :data:`MAX_DPI` (a
1200-dpi device would need half a gigabyte per page; at 300 dpi a page is about 34 MB, once), and
scaled to fit the paper with its aspect kept (an A4 superbill on Letter paper shrinks a little and
is centred). The page is rendered whole: QtPdf's clip-rectangle rendering scales each band by
(rows - 1) / rows, which shifts a short last band by several pixels. The page's text is laid
over the picture in an invisible layer at its own place, so a job printed to a PDF file stays
searchable and its text can be copied.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, QSizeF
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter

MAX_DPI = 300  # plenty for 8.5-pt text; 600 quadruples time and spool size for no visible gain


class PrintError(Exception):
    """The printer refused the job (its message is for the user)."""


def pages_to_print(printer: QPrinter, page_count: int) -> range:
    """The pages chosen in the print dialog (0-based), all of them by default."""
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first = max(printer.fromPage(), 1)
        last = min(printer.toPage() or page_count, page_count)
        return range(first - 1, last)
    return range(page_count)


def print_document(document: QPdfDocument, printer: QPrinter) -> int:
    """Print ``document`` on ``printer``; returns the number of pages sent."""
    if document.status() != QPdfDocument.Status.Ready or document.pageCount() == 0:
        raise PrintError("there is nothing to print")
    pages = pages_to_print(printer, document.pageCount())
    if not pages:
        raise PrintError("the page range holds no page of this document")
    printer.setFullPage(True)  # the PDF carries its own margins
    painter = QPainter()
    if not painter.begin(printer):
        name = printer.printerName() or printer.outputFileName() or "the printer"
        raise PrintError(f"{name} could not start the print job")
    try:
        for number, page in enumerate(pages):
            if number and not printer.newPage():
                raise PrintError("the printer refused a new page")
            _paint_page(painter, document, page, printer.resolution())
    finally:
        painter.end()
    return len(pages)


def _paint_page(painter: QPainter, document: QPdfDocument, page: int, resolution: int) -> None:
    paper = QRectF(painter.viewport())  # device pixels of the whole sheet (full page)
    points = document.pagePointSize(page)
    if points.isEmpty():
        return
    scale = min(paper.width() / points.width(), paper.height() / points.height())
    target = QSizeF(points.width() * scale, points.height() * scale)
    left = paper.left() + (paper.width() - target.width()) / 2
    top = paper.top() + (paper.height() - target.height()) / 2
    # The raster: device pixels per rendered pixel, so the image never exceeds MAX_DPI.
    dpi = min(resolution, MAX_DPI) if resolution > 0 else MAX_DPI
    device_dpi = resolution if resolution > 0 else dpi
    factor = device_dpi / dpi
    width = max(1, round(target.width() / factor))
    height = max(1, round(target.height() / factor))
    image = document.render(page, QSize(width, height))
    if image.isNull():
        raise PrintError(f"page {page + 1} could not be rendered")
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
    box = QRectF(left, top, target.width(), target.height())
    painter.fillRect(box, QColor("white"))
    painter.drawImage(box, image)
    painter.restore()
    _text_layer(painter, document, page, left, top, scale)


def _text_layer(
    painter: QPainter, document: QPdfDocument, page: int, left: float, top: float, scale: float
) -> None:
    """The page's text, line by line at its place, in a fully transparent pen."""
    painter.save()
    painter.translate(left, top)
    painter.scale(scale, scale)  # from here on, PDF points
    painter.setPen(QColor(0, 0, 0, 0))
    font = QFont("Helvetica")
    text = document.getAllText(page).text()
    index = 0
    for raw in text.split("\n"):
        line = raw.rstrip("\r")
        if line.strip():
            box = document.getSelectionAtIndex(page, index, len(line)).boundingRectangle()
            if box.height() > 0:
                font.setPixelSize(max(1, round(box.height())))  # in points, after the scale
                painter.setFont(font)
                painter.drawText(box.bottomLeft(), line)
        index += len(raw) + 1
    painter.restore()

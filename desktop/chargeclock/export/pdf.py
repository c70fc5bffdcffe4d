"""A :class:`~chargeclock.domain.superbill.Superbill` as a PDF, with reportlab's platypus.

The page content comes from :mod:`chargeclock.export.superbill_layout`; this module lays it
on Letter or A4 pages with a footer naming the practice, the patient and "Page N of M".

Determinism: reportlab's ``invariant`` mode fixes the document id and dates, and nothing here
reads the clock — the only date printed is the superbill's own ``generated_on``.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from chargeclock.domain.superbill_model import Superbill
from chargeclock.export import text, write_private
from chargeclock.export.superbill_layout import FONT, MUTED, RULE, day, superbill_story

MARGIN = 0.6 * inch
FOOTER_Y = 0.38 * inch
FOOTER_SIZE = 7
#: room kept on the footer's right for "Page N of M" and a gap before it
PAGE_NUMBER_ROOM = 72.0

_PAGE_SIZES = {"letter": LETTER, "a4": A4}


def _footer_text(bill: Superbill, room: float) -> str:
    """Practice · what · patient (DOB) in one line of ``room`` points: a long practice or
    patient name is cut with "…", the longer first, so the date of birth always shows."""
    patient = bill.patient
    what = (
        f"Superbill {day(bill.period_from)}"
        if bill.kind == "visit"
        else f"Statement {day(bill.period_from)} – {day(bill.period_to)}"
    )

    def line(practice: str, name: str) -> str:
        return f"{practice} · {what} · {name} (DOB {day(patient.date_of_birth)})"

    practice, name = bill.practice.name, patient.name
    spare = room - text.width(line("", ""), FOOTER_SIZE)
    if text.width(practice + name, FOOTER_SIZE) > spare:
        # each gets half, and what one does not use goes to the other
        half = spare / 2
        practice_room = max(half, spare - text.width(name, FOOTER_SIZE))
        practice = text.fit(practice, practice_room, FOOTER_SIZE)
        name = text.fit(name, spare - text.width(practice, FOOTER_SIZE), FOOTER_SIZE)
    return line(practice, name)


class _NumberedCanvas(Canvas):  # type: ignore[misc]
    """Holds each page until the end so the footer can say "Page N of M"."""

    def __init__(self, *args: Any, footer: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._held: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._held.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._held)
        for number, state in enumerate(self._held, start=1):
            self.__dict__.update(state)
            self._draw_footer(number, total)
            super().showPage()
        super().save()

    def _draw_footer(self, number: int, total: int) -> None:
        width, _ = self._pagesize
        self.saveState()
        self.setStrokeColor(RULE)
        self.setLineWidth(0.5)
        self.line(MARGIN, FOOTER_Y + 10, width - MARGIN, FOOTER_Y + 10)
        self.setFont(FONT, FOOTER_SIZE)
        self.setFillColor(MUTED)
        text.draw(self, MARGIN, FOOTER_Y, self._footer, FOOTER_SIZE)
        self.setFont(FONT, FOOTER_SIZE)
        self.drawRightString(width - MARGIN, FOOTER_Y, f"Page {number} of {total}")
        self.restoreState()


def pdf_bytes(bill: Superbill) -> bytes:
    """The PDF of ``bill``; identical bytes for identical superbills."""
    page_width, _ = _PAGE_SIZES[bill.paper]
    title = "Superbill" if bill.kind == "visit" else "Statement"
    return numbered_pdf(
        lambda width: superbill_story(bill, width),
        page_size=_PAGE_SIZES[bill.paper],
        title=f"{title} {bill.patient.name} {day(bill.period_from)}",
        author=bill.practice.name,
        subject=title,
        footer=_footer_text(bill, page_width - 2 * MARGIN - PAGE_NUMBER_ROOM),
    )


def numbered_pdf(
    story: Callable[[float], list[Flowable]],
    *,
    page_size: tuple[float, float],
    title: str,
    author: str,
    subject: str,
    footer: str,
) -> bytes:
    """The PDF of the flowables ``story(width)`` gives for the frame's width, in the
    superbill's margins, with ``footer`` (already fitted) and "Page N of M" on every page;
    reportlab's invariant mode, so the same content gives the same bytes."""
    buffer = io.BytesIO()
    page_width, page_height = page_size
    bottom = MARGIN + 0.15 * inch  # room for the footer
    frame = Frame(
        MARGIN,
        bottom,
        page_width - 2 * MARGIN,
        page_height - MARGIN - bottom,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    doc = BaseDocTemplate(
        buffer,
        pagesize=page_size,
        pageTemplates=[PageTemplate(id="page", frames=[frame])],
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=bottom,
        title=title,
        author=author,
        subject=subject,
        creator="ChargeClock",
        producer="ChargeClock",
        invariant=1,
    )

    def make_canvas(*args: Any, **kwargs: Any) -> _NumberedCanvas:
        return _NumberedCanvas(*args, footer=footer, **kwargs)

    doc.build(story(doc.width), canvasmaker=make_canvas)
    return buffer.getvalue()


def render_pdf(bill: Superbill, out: str | os.PathLike[str] | BinaryIO) -> None:
    """Write the PDF to a binary file object, or to a path replaced atomically.

    A file written at a path is readable by its owner only: it holds patient information.
    """
    data = pdf_bytes(bill)
    if hasattr(out, "write"):
        out.write(data)
        return
    write_private(Path(out), data)

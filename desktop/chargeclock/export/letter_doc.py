"""One Letter page layout for the practice views' PDFs (audit packet, day sheet, charts): the
superbill's margins and its footer ("… · Page N of M"), reportlab's invariant mode so the same
content gives the same bytes."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from reportlab.lib.units import inch
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from chargeclock.export.pdf import MARGIN, PAGE_NUMBER_ROOM, _NumberedCanvas
from chargeclock.export.text import fit

PAGE = (8.5 * inch, 11 * inch)
FOOTER_SIZE = 7


def letter_pdf(
    story: Callable[[float], list[Flowable]],
    *,
    title: str,
    subject: str,
    author: str,
    footer: str,
) -> bytes:
    """The PDF of the flowables ``story(width)`` returns for the frame's width, with
    ``footer`` (cut with "…" to fit) and the page number on every page."""
    buffer = io.BytesIO()
    page_width, page_height = PAGE
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
        pagesize=PAGE,
        pageTemplates=[PageTemplate(id="page", frames=[frame])],
        title=title,
        author=author,
        subject=subject,
        creator="ChargeClock",
        producer="ChargeClock",
        invariant=1,
    )
    line = fit(footer, page_width - 2 * MARGIN - PAGE_NUMBER_ROOM, FOOTER_SIZE)

    def make_canvas(*args: Any, **kwargs: Any) -> _NumberedCanvas:
        return _NumberedCanvas(*args, footer=line, **kwargs)

    doc.build(story(doc.width), canvasmaker=make_canvas)
    return buffer.getvalue()

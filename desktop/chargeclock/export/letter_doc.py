"""One Letter page layout for the practice views' PDFs (audit packet, day sheet, charts): the
superbill's margins and its footer ("… · Page N of M"), reportlab's invariant mode so the same
content gives the same bytes."""

from __future__ import annotations

from collections.abc import Callable

from reportlab.lib.units import inch
from reportlab.platypus import Flowable

from chargeclock.export.pdf import MARGIN, PAGE_NUMBER_ROOM, numbered_pdf
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
    line = fit(footer, PAGE[0] - 2 * MARGIN - PAGE_NUMBER_ROOM, FOOTER_SIZE)
    return numbered_pdf(
        story, page_size=PAGE, title=title, author=author, subject=subject, footer=line
    )

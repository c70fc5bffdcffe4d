"""The superbill's look: colours, paragraph styles, how amounts and dates are written, and
the markup of text the clinic typed (through :mod:`chargeclock.export.text`)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph

from chargeclock.domain.superbill_model import Provider
from chargeclock.domain.wording import day_text
from chargeclock.export.text import BOLD, ITALIC, markup
from chargeclock.export.text import REGULAR as FONT

__all__ = [
    "ACCENT",
    "BODY_SIZE",
    "BOLD",
    "BOX_PADDING",
    "FILL",
    "FONT",
    "INK",
    "ITALIC",
    "LABEL_WIDTH",
    "MUTED",
    "RULE",
    "STYLES",
    "SUBTOTAL_FILL",
    "SUBTOTAL_INK",
    "day",
    "esc",
    "grid_style",
    "money",
    "para",
    "provider_markup",
    "typed",
]

BODY_SIZE = 8.5
#: a box's label column and the padding around its values
LABEL_WIDTH = 0.95 * inch
BOX_PADDING = 8 + 6

INK = colors.HexColor("#1B1F24")
MUTED = colors.HexColor("#5B6470")
ACCENT = colors.HexColor("#1F4E79")
RULE = colors.HexColor("#C9D1DB")
FILL = colors.HexColor("#EAF0F6")
SUBTOTAL_FILL = colors.HexColor("#F5F7FA")
SUBTOTAL_INK = colors.HexColor("#3A424D")

STYLES = {
    "body": ParagraphStyle("body", fontName=FONT, fontSize=BODY_SIZE, leading=11, textColor=INK),
    "small": ParagraphStyle("small", fontName=FONT, fontSize=7.5, leading=9.5, textColor=MUTED),
    "anchor": ParagraphStyle("anchor", fontName=FONT, fontSize=5.5, leading=7, textColor=MUTED),
    "cell": ParagraphStyle("cell", fontName=FONT, fontSize=BODY_SIZE, leading=10, textColor=INK),
    "practice": ParagraphStyle(
        "practice", fontName=BOLD, fontSize=15, leading=18, textColor=ACCENT
    ),
    "title": ParagraphStyle(
        "title", fontName=BOLD, fontSize=20, leading=24, textColor=ACCENT, alignment=TA_RIGHT
    ),
    "title_detail": ParagraphStyle(
        "title_detail", fontName=FONT, fontSize=9, leading=12, textColor=INK, alignment=TA_RIGHT
    ),
    "heading": ParagraphStyle(
        "heading", fontName=BOLD, fontSize=10, leading=13, textColor=ACCENT, spaceBefore=2
    ),
    "box_label": ParagraphStyle("box_label", fontName=BOLD, fontSize=7, leading=9, textColor=MUTED),
    "summary": ParagraphStyle(
        "summary", fontName=ITALIC, fontSize=8, leading=10, textColor=SUBTOTAL_INK
    ),
    "trace_heading": ParagraphStyle(
        "trace_heading", fontName=FONT, fontSize=BODY_SIZE, leading=11, keepWithNext=1
    ),
    "trace": ParagraphStyle(
        "trace",
        fontName=FONT,
        fontSize=7.5,
        leading=9.5,
        textColor=INK,
        leftIndent=16,
        bulletIndent=6,
        bulletFontName=FONT,
        bulletFontSize=7.5,
    ),
}


def money(amount: Decimal) -> str:
    """``$1,234.50``; a negative amount as ``-$10.00``."""
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


def day(value: date) -> str:
    """US claim-form style: ``11/24/2026``."""
    return day_text(value)


def para(text: str, style: str = "body") -> Paragraph:
    """A paragraph of ``text`` (markup) in one of :data:`STYLES`."""
    return Paragraph(text, STYLES[style])


def esc(text: str) -> str:
    """``text`` escaped for paragraph markup (our own words, set in Helvetica)."""
    return escape(text)


def typed(text: str, style: str = "body", room: float | None = None, *, bold: bool = False) -> str:
    """Text the clinic typed, as markup for a paragraph in ``style`` that is ``room`` wide
    (``bold``: inside ``<b>``)."""
    font = STYLES[style].fontName
    return markup(
        text, base=BOLD if bold or font == BOLD else font, room=room, size=STYLES[style].fontSize
    )


def provider_markup(
    provider: Provider, style: str = "body", room: float | None = None, *, bold: bool = False
) -> str:
    """The provider's name and credentials, each in its own reading order: an Arabic name
    followed by "PT, DPT" reads as written on an English form, not as one right-to-left run."""
    name = typed(provider.name, style, room, bold=bold)
    if not provider.credentials:
        return name
    return f"{name}, {typed(provider.credentials, style, bold=bold)}"


def grid_style(header_rows: int = 1) -> list[tuple[Any, ...]]:
    """A table's style: ``header_rows`` in the accent colour on a fill, rules between rows."""
    return [
        ("FONT", (0, 0), (-1, -1), FONT, BODY_SIZE),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("FONT", (0, 0), (-1, header_rows - 1), BOLD, 7.5),
        ("TEXTCOLOR", (0, 0), (-1, header_rows - 1), ACCENT),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), FILL),
        ("LINEBELOW", (0, header_rows - 1), (-1, header_rows - 1), 0.8, ACCENT),
        ("LINEBELOW", (0, header_rows), (-1, -1), 0.4, RULE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.6),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]

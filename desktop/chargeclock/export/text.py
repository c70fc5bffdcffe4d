"""Text in any script on a superbill: which font draws each piece, right-to-left order, and
keeping a line within a width.

Text that Helvetica's encoding (Windows-1252) holds entirely is set in the built-in Helvetica
family, as before, and nothing is embedded. Any other text is set in fonts shipped under
``resources/fonts/`` and embedded as subsets (only the glyphs used): DejaVu Sans for Latin
(Vietnamese, Polish, Turkish, …), Greek, Cyrillic, Hebrew and Arabic, WenQuanYi Micro Hei for
Chinese, Japanese and Korean. Each piece of a text gets the first of them that has its
characters; spaces, digits and punctuation stay with the piece around them. The fonts are read
the first time a text needs them.

reportlab lays glyphs out left to right, one per character: Arabic is first given its joined
letter forms (``arabic_reshaper``), then Hebrew and Arabic are put in display order line by line
with the Unicode bidirectional algorithm (``python-bidi``). Lines are broken before the
reordering, as the algorithm requires, so a long right-to-left name reads in order from the
first line to the last.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from functools import cache, lru_cache
from typing import Any
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth

from chargeclock.domain.errors import RuleDataError

REGULAR, BOLD, ITALIC = "Helvetica", "Helvetica-Bold", "Helvetica-Oblique"

#: the shipped faces: reportlab's name → file under resources/fonts and the face in it
UNICODE, UNICODE_BOLD, CJK = "DejaVuSans", "DejaVuSans-Bold", "WenQuanYiMicroHei"
FACES = {
    UNICODE: ("DejaVuSans.ttf", 0),
    UNICODE_BOLD: ("DejaVuSans-Bold.ttf", 0),
    CJK: ("wqy-microhei.ttc", 0),
}

ELLIPSIS = "…"

#: Arabic ligatures beyond lam-alef are optional in writing, and DejaVu Sans lacks some
_RESHAPER_CONFIG = {"support_ligatures": True, "ARABIC LIGATURE ALLAH": False}


def in_base_font(text: str) -> bool:
    """Helvetica's encoding holds every character of ``text``."""
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


@cache
def face(name: str) -> Any:
    """The shipped font ``name`` (one of :data:`FACES`), registered with reportlab on first
    use (DejaVu Sans with its bold face, as one family). A missing or damaged file is a
    :class:`RuleDataError`."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    from chargeclock.resources import fonts_dir

    if name == UNICODE_BOLD:
        face(UNICODE)
        return pdfmetrics.getFont(UNICODE_BOLD)
    members = (UNICODE, UNICODE_BOLD) if name == UNICODE else (name,)
    for member in members:
        file, index = FACES[member]
        path = fonts_dir() / file
        try:
            pdfmetrics.registerFont(TTFont(member, str(path), subfontIndex=index))
        except (OSError, TTFError) as exc:
            raise RuleDataError(
                f"font {path}: cannot be read ({exc}); reinstall ChargeClock"
            ) from None
    for bold in (0, 1):
        for italic in (0, 1):  # no oblique face: upright; CJK: one weight
            addMapping(name, bold, italic, members[bold] if len(members) == 2 else name)
    return pdfmetrics.getFont(name)


def covers(name: str, char: str) -> bool:
    """The font ``name`` has a glyph for ``char``."""
    if name in (REGULAR, BOLD, ITALIC):
        return in_base_font(char)
    return ord(char) in face(name).face.charToGlyph


def _fallbacks(base: str) -> tuple[str, str]:
    return (UNICODE_BOLD if base == BOLD else UNICODE), CJK


def _neutral(char: str) -> bool:
    """Spaces, punctuation, digits and marks: they join the piece they stand in."""
    return unicodedata.category(char)[0] in "ZPNMC"


def runs(text: str, base: str = REGULAR) -> list[tuple[str, str]]:
    """``text`` as (font, piece) pairs: all of it in ``base`` (a Helvetica) if that holds it,
    else each piece in the first shipped font that has its letters (the first one if none
    has: the glyph is then missing, never silently replaced)."""
    if in_base_font(text):
        return [(base, text)] if text else []
    order = _fallbacks(base)
    out: list[tuple[str, str]] = []
    current = ""
    piece: list[str] = []
    for char in text:
        if current and ((_neutral(char) and covers(current, char)) or char.isspace()):
            piece.append(char)
            continue
        font = next((f for f in order if covers(f, char)), order[0])
        if font != current and piece:
            out.append((current, "".join(piece)))
            piece = []
        current = font
        piece.append(char)
    if piece:
        out.append((current, "".join(piece)))
    return out


def width(text: str, size: float, base: str = REGULAR) -> float:
    """How wide ``text`` is set at ``size`` points, piece by piece."""
    return float(sum(stringWidth(piece, font, size) for font, piece in runs(text, base)))


# --- right to left ----------------------------------------------------------------------------


def has_rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(c) in ("R", "AL") for c in text)


@cache
def _reshaper() -> Any:
    from arabic_reshaper import ArabicReshaper

    return ArabicReshaper(configuration=_RESHAPER_CONFIG)


def shaped(text: str) -> str:
    """Arabic letters in their joined forms (logical order kept); other text unchanged."""
    if not any(unicodedata.bidirectional(c) == "AL" for c in text):
        return text
    return str(_reshaper().reshape(text))


def display_order(line: str, base_direction: str | None = None) -> str:
    """One line (already :func:`shaped`) in the order it is drawn, left to right: the Unicode
    bidirectional algorithm, brackets mirrored. ``base_direction`` "L" or "R" overrides the
    line's own (its first strong letter)."""
    if not has_rtl(line):
        return line
    from bidi.algorithm import get_display  # the reference algorithm, with mirroring

    return str(get_display(line, base_dir=base_direction))


# --- lines ------------------------------------------------------------------------------------


def _words(text: str) -> Iterator[str]:
    """Words with the spaces after them, so that joining them gives ``text`` back."""
    word = ""
    for char in text:
        if word and not char.isspace() and word[-1].isspace():
            yield word
            word = ""
        word += char
    if word:
        yield word


def _cut(word: str, room: float, size: float, base: str) -> tuple[str, str]:
    """The longest head of ``word`` (at least one character) that fits in ``room``."""
    low, high = 1, len(word)
    while low < high:
        middle = (low + high + 1) // 2
        if width(word[:middle], size, base) <= room:
            low = middle
        else:
            high = middle - 1
    return word[:low], word[low:]


@lru_cache(maxsize=8192)  # the same words come back line after line (codes, "min", "units")
def _units(piece: str, base: str) -> int:
    """``piece``'s width in glyph units (thousandths of the size): an integer for a text in one
    base font, whose width is the sum of its glyphs' widths."""
    return round(float(stringWidth(piece, base, 1000.0)))


def _fits(units: int, text: str, room: float, size: float, base: str) -> bool:
    """Whether ``text``, ``units`` wide, fits in ``room``: from the units when they say so
    plainly, else as :func:`width` measures it (a line within a hair of the room)."""
    estimate = units * 0.001 * size
    if abs(estimate - room) > 1e-6:
        return estimate <= room
    return width(text, size, base) <= room


def break_lines(text: str, room: float, size: float, base: str = REGULAR) -> list[str]:
    """``text`` in lines no wider than ``room`` (logical order), broken between words; a word
    longer than a line is cut. A text in the base font is measured a word at a time (widths
    add up there), not a whole line again at each word: a year's packet breaks some 40,000."""
    lines: list[str] = []
    line = ""
    base_only = in_base_font(text)
    units = 0  # the line's width in glyph units, its trailing spaces included (base only)
    for word in _words(text):
        if base_only:
            bare = word.rstrip()
            wide = _units(bare, base)
            if _fits(units + wide, line + bare, room, size, base):
                line += word
                units += wide + (_units(word[len(bare) :], base) if bare != word else 0)
                continue
        elif width((line + word).rstrip(), size, base) <= room:
            line += word
            continue
        if line:
            lines.append(line.rstrip())
            line = ""
        while width(word.rstrip(), size, base) > room:
            head, word = _cut(word, room, size, base)
            lines.append(head)
        line = word
        units = _units(word, base) if base_only else 0
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines


def fit(text: str, room: float, size: float, base: str = REGULAR) -> str:
    """``text``, or its longest head that fits in ``room`` with "…" after it."""
    if width(text, size, base) <= room:
        return text
    head, _ = _cut(text, room - width(ELLIPSIS, size, base), size, base)
    return head.rstrip() + ELLIPSIS


# --- output -----------------------------------------------------------------------------------


def markup(text: str, *, base: str = REGULAR, room: float | None = None, size: float = 0) -> str:
    """``text`` as paragraph markup: escaped, each piece in a font that has it. Right-to-left
    text is put in display order, and with ``room`` (the paragraph's width, at ``size``) it is
    broken into lines here first; other text is left to the paragraph to wrap. Text that
    Helvetica holds is returned escaped and nothing more."""
    if in_base_font(text):  # Windows-1252 has no right-to-left letter
        return escape(text)
    if not has_rtl(text):
        return _tagged(text, base)
    logical = shaped(text)
    lines = break_lines(logical, room, size, base) if room else [logical]
    return "<br/>".join(_tagged(display_order(line), base) for line in lines)


def _tagged(line: str, base: str) -> str:
    out = []
    for font, piece in runs(line, base):
        if font in (REGULAR, BOLD, ITALIC):
            out.append(escape(piece))
        else:  # the face itself: <font> sets bold and italic from the face it names
            out.append(f'<font face="{font}">{escape(piece)}</font>')
    return "".join(out)


def draw(canvas: Any, x: float, y: float, text: str, size: float, base: str = REGULAR) -> None:
    """Draw one line (already fitted) at ``x``, ``y``, left to right, piece by piece."""
    if in_base_font(text):
        canvas.setFont(base, size)
        canvas.drawString(x, y, text)
        return
    line = display_order(shaped(text), "L")
    for font, piece in runs(line, base):
        canvas.setFont(font, size)
        canvas.drawString(x, y, piece)
        x += stringWidth(piece, font, size)

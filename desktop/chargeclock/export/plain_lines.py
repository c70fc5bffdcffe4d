"""Plain text in lines, broken once to the width: for long runs of our own words (a year's
calculation traces, audit details) where a Paragraph's markup parsing and re-wrapping each time
a table or frame measures it would cost most of the document's time."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.platypus import Flowable

from chargeclock.export import text
from chargeclock.export.styles import INK


class PlainLines(Flowable):  # type: ignore[misc]
    """``items`` one under another in ``size`` points, each broken to the width it is given
    and, after the first line of an item, indented by ``hang``; each item starts with ``bullet``
    when one is given. Splits between lines across pages. Any script (through
    :func:`chargeclock.export.text.draw`)."""

    def __init__(
        self,
        items: Sequence[str],
        *,
        size: float = 7.5,
        leading: float = 9.5,
        bullet: str = "",
        hang: float = 10.0,
        color: Any = INK,
        lines: list[tuple[float, str]] | None = None,
    ) -> None:
        super().__init__()
        self.items = tuple(items)
        self.size, self.leading, self.bullet, self.hang, self.color = (
            size,
            leading,
            bullet,
            hang,
            color,
        )
        self._lines = lines  # (indent, text), once broken
        self._width = -1.0

    def _broken(self, width: float) -> list[tuple[float, str]]:
        if self._lines is not None and (self._width < 0 or self._width == width):
            return self._lines
        lines: list[tuple[float, str]] = []
        for item in self.items:
            first = f"{self.bullet} {item}" if self.bullet else item
            head, *rest = text.break_lines(first, width, self.size) or [""]
            lines.append((0.0, head))
            if rest:
                tail = " ".join(rest)
                lines += [
                    (self.hang, line)
                    for line in text.break_lines(tail, width - self.hang, self.size)
                ]
        self._lines, self._width = lines, width
        return lines

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        return avail_width, len(self._broken(avail_width)) * self.leading

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        lines = self._broken(avail_width)
        fits = int(avail_height // self.leading)
        if fits <= 0 or fits >= len(lines):
            return [] if fits <= 0 else [self]
        return [self._part(lines[:fits]), self._part(lines[fits:])]

    def _part(self, lines: list[tuple[float, str]]) -> PlainLines:
        part = PlainLines((), size=self.size, leading=self.leading, color=self.color, lines=lines)
        part._width = -1.0
        return part

    def draw(self) -> None:
        canvas = self.canv
        canvas.setFillColor(self.color)
        lines = self._lines or []
        top = len(lines) * self.leading
        for number, (indent, line) in enumerate(lines, start=1):
            y = top - number * self.leading + (self.leading - self.size) / 2 + 1
            text.draw(canvas, indent, y, line, self.size)

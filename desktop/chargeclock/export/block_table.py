"""A long table of blocks (a statement's visits) that splits page by page in linear time.

reportlab's ``Table`` splits by copying the rest of itself, styles and all, and measuring it again,
so one table of every line of a statement cost time in its length times its pages (a decade's
statement, 877 visits, took 9 s). :class:`BlockTable` keeps the blocks apart: it measures the
blocks as the pages need them, a batch at a time (each block once: a table of a few dozen blocks
measures fastest), and at each page break makes a ``Table`` of just the whole blocks that fit,
with the header row on top; the rest waits as another ``BlockTable`` over the same measurements.
A block never splits across pages unless it alone is taller than a page (then its rows split as
a table's would, the header repeated).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.platypus import Flowable, Table, TableStyle

Rows = list[list[Any]]
Commands = list[tuple[Any, ...]]


#: blocks measured together (a table of a few dozen blocks measures fastest per row)
BATCH = 20


class Block:
    """Rows that stay together, with their style commands (row 0 is the block's first row)."""

    def __init__(self, rows: Rows, commands: Commands) -> None:
        self.rows = rows
        self.commands = commands
        self.height: float | None = None  # measured with the table's widths, when first needed


def _shifted(command: tuple[Any, ...], offset: int) -> tuple[Any, ...]:
    name, (c0, r0), (c1, r1), *rest = command
    return (name, (c0, r0 + offset), (c1, r1 + offset), *rest)


class BlockTable(Flowable):  # type: ignore[misc]
    """``header`` over ``blocks``, in columns of ``widths``, every cell styled by ``commands``
    (in table coordinates: the header is row 0, and "to the last row" means the page's last)."""

    def __init__(
        self,
        header: list[Any],
        blocks: Sequence[Block],
        widths: Sequence[float],
        commands: Commands,
        *,
        header_height: float | None = None,
    ) -> None:
        super().__init__()
        self.header = header
        self.blocks = list(blocks)
        self.widths = list(widths)
        self.commands = commands
        self._header_height = header_height

    def _table(self, blocks: Sequence[Block]) -> Table:
        rows: Rows = [list(self.header)]
        style = list(self.commands)
        for block in blocks:
            style += [_shifted(c, len(rows)) for c in block.commands]
            rows += block.rows
        table = Table(rows, colWidths=self.widths, repeatRows=1)
        table.setStyle(TableStyle(style))
        return table

    def _measure(self, start: int) -> None:
        """Measure a batch of blocks from ``start``."""
        batch = self.blocks[start : start + BATCH]
        table = self._table(batch)
        table.wrap(sum(self.widths), 1e9)
        heights = table._rowHeights  # the measured rows
        self._header_height = heights[0]
        row = 1
        for block in batch:
            block.height = sum(heights[row : row + len(block.rows)])
            row += len(block.rows)

    def _heights(self, room: float) -> tuple[float, list[float]]:
        """The header's height and the heights of the first blocks, measured until they fill
        ``room`` (or all of them)."""
        heights: list[float] = []
        total = 0.0
        for index, block in enumerate(self.blocks):
            if block.height is None or self._header_height is None:
                self._measure(index)
            assert block.height is not None
            heights.append(block.height)
            total += block.height
            if total > room:
                break
        if self._header_height is None:
            self._measure(0)
        assert self._header_height is not None
        return self._header_height, heights

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        # Past the room available, the height is not needed exactly: the frame splits.
        header, heights = self._heights(available_height)
        self.width = sum(self.widths)
        self.height = header + sum(heights)
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        header, heights = self._heights(available_height)
        room, count = available_height - header, 0
        for height in heights:
            if height > room:
                break
            room -= height
            count += 1
        rest = self.blocks[count:]
        if count:
            page = self._table(self.blocks[:count])
            return [page, self._rest(rest)] if rest else [page]
        frame = getattr(self, "_frame", None)
        if frame is None or not getattr(frame, "_atTop", False):
            return []  # on the next page
        # One block taller than a whole page: its rows split as any table's.
        parts = self._table(self.blocks[:1]).split(available_width, available_height)
        return [*parts, self._rest(self.blocks[1:])] if len(self.blocks) > 1 else list(parts)

    def _rest(self, blocks: Sequence[Block]) -> BlockTable:
        return BlockTable(
            self.header, blocks, self.widths, self.commands, header_height=self._header_height
        )

    def draw(self) -> None:
        table = self._table(self.blocks)
        table.wrapOn(self.canv, self.width, self.height)
        table.drawOn(self.canv, 0, 0)

"""A long table of blocks (a statement's visits) that splits page by page in linear time.

reportlab's ``Table`` splits by copying the rest of itself, styles and all, and measuring it again,
so one table of every line of a statement cost time in its length times its pages (a decade's
statement, 877 visits, took 9 s). :class:`BlockTable` keeps the blocks apart: it measures the
blocks as the pages need them, a batch at a time (each block once: a table of a few dozen blocks
measures fastest), and at each page break makes a ``Table`` of just the whole blocks that fit,
with the header row on top; the rest waits as another ``BlockTable`` over the same measurements.
A page's ``Table`` takes the rows' heights and cell styles as they were measured (reportlab's own
``rowHeights`` and ``cellStyles``), so a row is styled and measured once, not again per page.
A block never splits across pages unless it alone is taller than a page (then its rows split as
a table's would, the header repeated).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.platypus import Flowable, Table, TableStyle
from reportlab.platypus.tables import LINECOMMANDS

Rows = list[list[Any]]
Commands = list[tuple[Any, ...]]

#: style commands a Table keeps as commands (drawn or applied per page), not per cell: a page
#: made from measured cell styles still needs them
_TABLE_WIDE = frozenset(
    {"BACKGROUND", "ROWBACKGROUNDS", "COLBACKGROUNDS", "SPAN", "NOSPLIT", *LINECOMMANDS}
)


#: blocks measured together (a table of a few dozen blocks measures fastest per row)
BATCH = 20


class Block:
    """Rows that stay together, with their style commands (row 0 is the block's first row)."""

    def __init__(self, rows: Rows, commands: Commands) -> None:
        self.rows = rows
        self.commands = commands
        self.height: float | None = None  # measured with the table's widths, when first needed
        self.row_heights: list[float] = []  # each row's, with its height
        self.styles: list[Any] = []  # each row's cells' styles (reportlab CellStyles), likewise


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
        self._header_styles: Any = None

    def _table(self, blocks: Sequence[Block], *, measured: bool = True) -> Table:
        """The table of ``blocks`` under the header: from their measured heights and cell styles
        when they have them and ``measured`` (only the table-wide commands applied again), else
        styled anew."""
        rows: Rows = [list(self.header)]
        style = list(self.commands)
        for block in blocks:
            style += [_shifted(c, len(rows)) for c in block.commands]
            rows += block.rows
        if not measured or self._header_styles is None or not all(b.styles for b in blocks):
            table = Table(rows, colWidths=self.widths, repeatRows=1)
            table.setStyle(TableStyle(style))
            return table
        table = Table(
            rows,
            colWidths=self.widths,
            rowHeights=[self._header_height, *(h for b in blocks for h in b.row_heights)],
            cellStyles=[self._header_styles, *(s for b in blocks for s in b.styles)],
            repeatRows=1,
        )
        table.setStyle(TableStyle([c for c in style if c[0] in _TABLE_WIDE]))
        return table

    def _measure(self, start: int) -> None:
        """Measure a batch of blocks from ``start``: their rows' heights and cell styles."""
        batch = self.blocks[start : start + BATCH]
        table = self._table(batch)
        table.wrap(sum(self.widths), 1e9)
        heights = table._rowHeights  # the measured rows
        styles = table._cellStyles  # and their cells' styles, the commands applied
        self._header_height = heights[0]
        self._header_styles = styles[0]
        row = 1
        for block in batch:
            end = row + len(block.rows)
            block.row_heights = list(heights[row:end])
            block.styles = list(styles[row:end])
            block.height = sum(block.row_heights)
            row = end

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
        # One block taller than a whole page: its rows split as any table's (styled anew: the
        # parts are reportlab's own to restyle).
        parts = self._table(self.blocks[:1], measured=False).split(
            available_width, available_height
        )
        return [*parts, self._rest(self.blocks[1:])] if len(self.blocks) > 1 else list(parts)

    def _rest(self, blocks: Sequence[Block]) -> BlockTable:
        rest = BlockTable(
            self.header, blocks, self.widths, self.commands, header_height=self._header_height
        )
        rest._header_styles = self._header_styles
        return rest

    def draw(self) -> None:
        table = self._table(self.blocks)
        table.wrapOn(self.canv, self.width, self.height)
        table.drawOn(self.canv, 0, 0)

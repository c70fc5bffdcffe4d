"""The statement's line table splits page by page: whole blocks (visits) per page under the
repeated header, each block measured once however many pages, and a block taller than a page
split by rows rather than refused."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate

from chargeclock.export import block_table
from chargeclock.export.block_table import Block, BlockTable

HEADER = ["Row", "Text"]


def _blocks(sizes: list[int]) -> list[Block]:
    blocks = []
    for number, size in enumerate(sizes):
        rows: list[list[Any]] = [
            [f"b{number}r{n}", f"line {n} of block {number}"] for n in range(size)
        ]
        blocks.append(Block(rows, [("LINEBELOW", (0, size - 1), (-1, size - 1), 0.6, "black")]))
    return blocks


def _pages(sizes: list[int], *, before: int = 0) -> list[str]:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=LETTER)
    styles = getSampleStyleSheet()
    story: list[Any] = [Paragraph(f"top matter {n}", styles["Normal"]) for n in range(before)]
    story.append(
        BlockTable(HEADER, _blocks(sizes), [100.0, 300.0], [("FONTSIZE", (0, 0), (-1, -1), 9)])
    )
    document.build(story)
    return [page.extract_text() for page in PdfReader(io.BytesIO(buffer.getvalue())).pages]


def _where(pages: list[str], cell: str) -> list[int]:
    """The pages with ``cell`` (the PDF's text has each cell on a line of its own)."""
    return [n for n, page in enumerate(pages) if cell in page.split("\n")]


def test_whole_blocks_per_page_under_the_header() -> None:
    sizes = [3, 4, 2, 5] * 40
    pages = _pages(sizes, before=12)
    assert len(pages) > 5
    for number, size in enumerate(sizes):  # each block on one page
        [_] = {p for n in range(size) for p in _where(pages, f"b{number}r{n}")}
    assert "top matter 11" in pages[0] and "Row\nText\nb0r0" in pages[0]
    for page in pages[1:]:
        assert page.startswith("Row\nText\n")


def test_each_block_is_measured_once(monkeypatch: pytest.MonkeyPatch) -> None:
    measured: list[int] = []
    original = BlockTable._measure

    def counting(self: BlockTable, start: int) -> None:
        measured.extend(range(start, min(start + block_table.BATCH, len(self.blocks))))
        original(self, start)

    monkeypatch.setattr(BlockTable, "_measure", counting)
    sizes = [3, 4, 2, 5] * 60
    pages = _pages(sizes)
    assert len(pages) > 8
    # Each split measures what the rest still needs, from its own first block: the batches
    # overlap only where a page ends inside one.
    assert len(measured) <= len(sizes) + block_table.BATCH * len(pages)


def test_a_block_taller_than_a_page_splits_by_rows() -> None:
    sizes = [2, 90, 3]
    pages = _pages(sizes)
    assert len(pages) >= 3
    for n in range(90):
        assert _where(pages, f"b1r{n}")
    assert all(page.startswith("Row\nText\n") for page in pages)


def test_a_statements_dated_table_pages_each_row_once_measured_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The payments' and adjustments' tables of a decade's statement (some 800 rows each):
    every row once, in order, the header on each page, and each row's height worked out about
    once (one reportlab Table worked out the rest of itself again at every page: rows times
    pages)."""
    from reportlab.platypus.tables import Table

    from chargeclock.export.adjustments import dated_table

    measured = [0]
    original = Table._calc_height

    def counting(self: Table, *args: Any, **kwargs: Any) -> Any:
        measured[0] += sum(1 for h in self._argH if h is None)  # rows it must measure
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Table, "_calc_height", counting)
    rows = [[f"d{n:03d}", f"adjustment {n}", f"${n}.00"] for n in range(400)]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=LETTER).build(
        [dated_table(["Date", "Adjustment", "Amount"], rows, 400.0)]
    )
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(buffer.getvalue())).pages]
    assert len(pages) > 5
    for page in pages:
        assert page.startswith("Date\nAdjustment\nAmount\n")
    shown = [cell for page in pages for cell in page.split("\n") if cell.startswith("d")]
    assert shown == [r[0] for r in rows]
    assert measured[0] <= len(rows) + block_table.BATCH * len(pages), measured[0]

"""Reading the CSV files CMS publishes: bytes to rows with line numbers, and headings by text.

CMS files open with title and copyright lines and often spread a column's heading over several
rows. Nothing here depends on how many of those lines there are: a heading is found by its text.
Every error is an ``InputError`` whose field names the file (and line and column when there is
one) and whose problem never repeats more than a few dozen characters of the file.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

from chargeclock.domain import text_decoding
from chargeclock.domain.errors import InputError

Row = tuple[int, list[str]]  # (line number where the record starts, cells)

_NUMBER = re.compile(r"\d+(?:\.\d+)?|\.\d+")
_SHOWN = 30  # at most this many characters of a cell are repeated in a message


def decode(data: bytes, name: str) -> str:
    """The text of a CSV file: UTF-8 (with or without BOM), else Windows-1252, else Latin-1.

    CMS writes plain ASCII/Latin-1; a copy re-saved by a spreadsheet may be UTF-8 with a BOM,
    UTF-16 or Windows-1252. Archives and other binary files are refused with a hint.
    """
    if data.startswith(b"PK\x03\x04"):
        raise InputError(
            name,
            "is a zip archive or an Excel workbook, not a CSV file: unzip the CMS RVU zip "
            "and give the .csv file inside",
        )
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(name, "is not a CSV text file (it holds binary data)")
    return text_decoding.decode(data, name, latin1_fallback=True)[0]


def read_rows(data: bytes, name: str) -> list[Row]:
    """Every CSV record of the file with the line it starts on (quoted line breaks allowed)."""
    reader = csv.reader(io.StringIO(decode(data, name), newline=""))
    rows: list[Row] = []
    start = 1
    try:
        for cells in reader:
            rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as error:
        raise InputError(f"{name} line {reader.line_num}", f"is not valid CSV ({error})") from None
    return rows


def norm(text: str) -> str:
    """A heading or cell compared without case, stray spaces or footnote asterisks."""
    return " ".join(text.replace("*", " ").split()).upper()


def cell(cells: list[str], index: int) -> str:
    """The stripped cell at ``index``; a short row simply has empty cells at its end."""
    return cells[index].strip() if index < len(cells) else ""


def shown(text: str) -> str:
    """A cell quoted for a message, cut short so a message never carries a whole line."""
    text = " ".join(text.split())
    return f'"{text}"' if len(text) <= _SHOWN else f'"{text[:_SHOWN]}..."'


def find_row(rows: list[Row], heading: str) -> int | None:
    """Index of the first row with a cell that reads ``heading`` (see ``norm``)."""
    for index, (_, cells) in enumerate(rows):
        if any(norm(c) == heading for c in cells):
            return index
    return None


def stacked_headings(rows: list[Row], last: int, first_heading_column: int) -> list[str]:
    """Each column's heading: the cells of the heading rows joined top to bottom.

    ``last`` is the bottom heading row. The rows above it belong to the heading while they have
    text at or right of ``first_heading_column`` (title and copyright lines are printed to the
    left of it), so the count of title lines and of heading rows may change freely.
    """
    first = last
    while first > 0 and any(c.strip() for c in rows[first - 1][1][first_heading_column:]):
        first -= 1
    block = [cells for _, cells in rows[first : last + 1]]
    width = max(len(cells) for cells in block)
    return [norm(" ".join(cell(cells, i) for cells in block)) for i in range(width)]


def column(headings: list[str], wanted: str, name: str, kind: str) -> int | None:
    """The one column headed ``wanted``; ``None`` if there is none; an error if several."""
    found = [i for i, heading in enumerate(headings) if heading == wanted]
    if len(found) > 1:
        raise InputError(name, f'has {len(found)} columns headed "{wanted}"; is it a {kind}?')
    return found[0] if found else None


def number(text: str, field: str) -> Decimal | None:
    """A non-negative decimal exactly as written (``0.45`` stays ``0.45``); blank is ``None``."""
    if not text:
        return None
    if not _NUMBER.fullmatch(text):
        raise InputError(field, f"must be a number such as 0.45, got {shown(text)}")
    return Decimal(text)

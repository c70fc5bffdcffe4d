"""Reading a fee CSV (``code``, ``amount``, optional ``year``) as people save them.

The text is UTF-8 (with or without a byte-order mark) or UTF-16 with its byte-order mark; a file
that is neither is read as Windows-1252 (what Excel on Windows saves as "CSV") and the import
says so. Every problem is an :class:`InputError` naming the file, the line and the column, and
quoting at most a few dozen characters of what is there: a message never echoes the file.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from msgspec import Struct

from chargeclock.domain.errors import InputError
from chargeclock.services.text_files import decode, read_bytes
from chargeclock.services.validation import quoted

#: far beyond any fee schedule (all codes, all years, every locality is a few megabytes)
MAX_FEE_FILE_BYTES = 32 * 1024 * 1024
COLUMNS = ("code", "amount", "year")


class FeeCell(Struct, frozen=True):
    text: str
    where: str  # "fees.csv line 3, column 2 (amount)"


class FeeSheet(Struct, frozen=True):
    name: str
    rows: list[dict[str, FeeCell]]  # per data row that is not blank: code, amount (, year)
    note: str  # "" or how the file was read, when that was a guess


def read_fee_csv(path: Path) -> FeeSheet:
    """The rows of the fee CSV at ``path``, or an :class:`InputError` (field ``FILE`` or the
    line and column)."""
    data = read_bytes(path, "FILE", MAX_FEE_FILE_BYTES, "fee CSV")
    text, note = decode(data, path.name)
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise InputError(
            f"{path.name} line {line}",
            "holds NUL characters: save the file again as CSV (UTF-8) and import that",
        )
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, [])
        names = [h.strip().lower() for h in header]
        if not {"code", "amount"} <= set(names):
            raise InputError("FILE", f"{path.name}: needs a header with code and amount columns")
        where = {
            name: f"column {n + 1} ({name})" for n, name in enumerate(names) if name in COLUMNS
        }
        index = {name: names.index(name) for name in where}
        rows: list[dict[str, FeeCell]] = []
        for record in reader:
            line = reader.line_num
            if any(cell.strip() for cell in record[len(header) :]):
                # 97110,1,000 is two cells, 1 and 000: never load it as $1.
                raise InputError(
                    f"{path.name} line {line}, column {len(header) + 1}",
                    f"more cells than the header's {len(header)} columns: put an amount with "
                    'commas in quotes ("1,000.00")',
                )
            cells = {
                name: FeeCell(
                    record[i].strip() if i < len(record) else "",
                    f"{path.name} line {line}, {where[name]}",
                )
                for name, i in index.items()
            }
            if any(cell.text for cell in cells.values()) or any(c.strip() for c in record):
                rows.append(cells)
    except csv.Error as exc:
        raise InputError(
            f"{path.name} line {reader.line_num}", f"is not valid CSV ({quoted(str(exc), 60)})"
        ) from None
    return FeeSheet(path.name, rows, note)

"""A table as the open export's CSV (``docs/export.md``): a header, then one line per row, cells
as :mod:`csv` quotes them when it must, lines ending ``\\r\\n``, UTF-8.

Imports the standard library alone: the export's second process writes with it too
(:mod:`chargeclock.services.open_worker`), and the two processes write the same bytes because
they run this same code.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence
from typing import IO, Any


def write_csv(stream: IO[str], names: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
    """Write a header and ``rows`` as CSV (``stream`` opened with ``newline=""``); return the
    number of rows."""
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(names)
    writer.writerows(rows)
    return len(rows)


def write_csv_bytes(stream: IO[bytes], names: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
    """:func:`write_csv` into a binary file, encoded as UTF-8; the text is flushed into it."""
    wrapper = io.TextIOWrapper(stream, encoding="utf-8", newline="")
    count = write_csv(wrapper, names, rows)
    wrapper.flush()
    wrapper.detach()
    return count


def write_csv_file(path: str, names: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
    """:func:`write_csv_bytes` into the file ``path`` (emptied first), synced to the disk."""
    with open(path, "wb") as stream:
        count = write_csv_bytes(stream, names, rows)
        stream.flush()
        os.fsync(stream.fileno())
    return count

"""The open export's file formats: a table's rows as CSV or as JSON (``docs/export.md``).

Values arrive as stored (see :mod:`chargeclock.storage.open_tables`) with each column's kind;
this module writes them:

* money (integer cents) as dollars with two places, ``"1234.50"`` (a string in JSON: exact);
* flags as ``0``/``1`` in CSV and ``false``/``true`` in JSON;
* a list (claim-line modifiers, stored space-separated) as ``"GP CQ"`` in CSV, an array in JSON;
* nothing (NULL) as an empty cell in CSV and ``null`` in JSON;
* dates, UTC moments and text as they are.

**Spreadsheet formulas.** A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@``
(and some run one after a tab or carriage return) as a formula. In CSV every text cell that
starts with one of those, or with ``'``, gets a ``'`` in front: the spreadsheet shows it as text,
and :func:`read_csv_cell` takes it off again, so the text reads back exactly. JSON is not
opened by a spreadsheet and keeps every text as it is.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from typing import IO, Any

import msgspec

#: what a spreadsheet would run as a formula at the start of a cell, and our own escape
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")
FORMAT_VERSION = 1

Converter = Callable[[Any], Any]


def dollars(cents: int) -> str:
    """Integer cents as dollars with two places (``-150`` → ``"-1.50"``)."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole}.{part:02d}"


def inert(text: str) -> str:
    """``text`` as a CSV cell no spreadsheet runs (see the module docstring)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def read_csv_cell(cell: str) -> str:
    """The text a CSV cell written here holds: the escape ``'`` taken off."""
    return cell[1:] if cell.startswith("'") else cell


def _csv_text(value: Any) -> Any:
    if value.__class__ is str and value and value[0] in FORMULA_STARTS:
        return "'" + value
    return value


def _csv_money(value: Any) -> Any:
    return "" if value is None else dollars(value)


def _csv_flag(value: Any) -> Any:
    return "" if value is None else int(bool(value))


def _json_money(value: Any) -> Any:
    return None if value is None else dollars(value)


def _json_flag(value: Any) -> Any:
    return None if value is None else bool(value)


def _json_list(value: Any) -> Any:
    return None if value is None else value.split()


_CSV: dict[str, Converter | None] = {
    "text": _csv_text,
    "money": _csv_money,
    "flag": _csv_flag,
    "list": _csv_text,
}
_JSON: dict[str, Converter | None] = {"money": _json_money, "flag": _json_flag, "list": _json_list}


def _converted(
    rows: Iterable[Sequence[Any]], kinds: Sequence[str], table: dict[str, Converter | None]
) -> Iterable[Sequence[Any]]:
    """``rows`` with each column converted by its kind (columns needing nothing left alone)."""
    changes = [(i, f) for i, k in enumerate(kinds) if (f := table.get(k)) is not None]
    if not changes:
        yield from rows
        return
    for row in rows:
        out = list(row)
        for i, convert in changes:
            out[i] = convert(out[i])
        yield out


def write_csv(
    stream: IO[str], names: Sequence[str], kinds: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Write a header and ``rows`` as CSV (``stream`` opened with ``newline=""``); return the
    number of rows."""
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(names)
    count = 0
    for row in _converted(rows, kinds, _CSV):
        writer.writerow(row)
        count += 1
    return count


def json_rows(
    names: Sequence[str], kinds: Sequence[str], rows: Iterable[Sequence[Any]]
) -> list[dict[str, Any]]:
    """``rows`` as JSON objects keyed by column name, values converted by kind."""
    return [dict(zip(names, row, strict=True)) for row in _converted(rows, kinds, _JSON)]


def json_document(
    table: str, names: Sequence[str], kinds: Sequence[str], rows: Iterable[Sequence[Any]]
) -> tuple[bytes, int]:
    """A table's JSON file (``{"table", "columns", "rows"}``) and its number of rows."""
    objects = json_rows(names, kinds, rows)
    document = {
        "table": table,
        "format_version": FORMAT_VERSION,
        "columns": [{"name": n, "type": k} for n, k in zip(names, kinds, strict=True)],
        "rows": objects,
    }
    return msgspec.json.format(msgspec.json.encode(document), indent=1), len(objects)


def manifest(document: dict[str, Any]) -> bytes:
    """The export's ``manifest.json``."""
    return msgspec.json.format(msgspec.json.encode(document), indent=2) + b"\n"

"""The open export's file formats (``docs/export.md``): a table's rows as JSON, and what CSV and
JSON share; the CSV itself is written by :mod:`chargeclock.export.open_csv`.

Rows arrive from :mod:`chargeclock.storage.open_tables` with money already written as dollars
(``"1234.50"``) and, for CSV, formula-like text already escaped. This module writes:

* flags as ``0``/``1`` in CSV and ``false``/``true`` in JSON;
* a list (claim-line modifiers, stored as words joined by spaces) as ``"GP CQ"`` in CSV, in JSON
  an array of the text split at each space (``""`` is ``[]``);
* nothing (NULL) as an empty cell in CSV and ``null`` in JSON;
* money (a string in JSON: exact), dates, UTC moments and text as they are.

**Spreadsheet formulas.** A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@``
(and some one that starts with a tab or carriage return) as a formula. In CSV every text cell
that starts with one of those, or with ``'``, has a ``'`` in front: the spreadsheet shows it as
text, and :func:`read_csv_cell` takes it off again, so the text reads back exactly. JSON is not
opened by a spreadsheet and keeps every text as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

FORMAT_VERSION = 1


def read_csv_cell(cell: str) -> str:
    """The text a CSV text cell written here holds: the escape ``'`` taken off."""
    return cell[1:] if cell.startswith("'") else cell


def json_document(
    table: str, names: Sequence[str], kinds: Sequence[str], rows: Sequence[Sequence[Any]]
) -> tuple[bytes, int]:
    """A table's JSON file (``{"table", "format_version", "columns", "rows"}``, each row an
    object keyed by column name) and its number of rows."""
    # Each row an object keyed by column name: a Struct per table encodes as one, a few times
    # faster than building a dict per row (a decade's export is some 300,000 rows); the few
    # values JSON writes otherwise (flags, lists) are converted as each row's Struct is made.
    row_type = msgspec.defstruct(f"{table}_row", [(n, Any) for n in names])
    flags = [i for i, k in enumerate(kinds) if k == "flag"]
    lists = [i for i, k in enumerate(kinds) if k == "list"]
    if flags or lists:  # inline, not a call per value: a decade has 100,000 claim lines
        structs = []
        for row in rows:
            values = list(row)
            for i in flags:
                if values[i] is not None:
                    values[i] = bool(values[i])
            for i in lists:
                if values[i] is not None:
                    values[i] = values[i].split(" ") if values[i] else []
            structs.append(row_type(*values))
    else:
        structs = [row_type(*row) for row in rows]
    return msgspec.json.encode(_head(table, names, kinds) | {"rows": structs}) + b"\n", len(rows)


def json_document_of_objects(
    table: str, names: Sequence[str], kinds: Sequence[str], objects: Sequence[str]
) -> tuple[bytes, int]:
    """The same file as :func:`json_document` from its rows already written as JSON objects
    (the database writes them: :func:`chargeclock.storage.open_tables.json_rows`)."""
    head = msgspec.json.encode(_head(table, names, kinds))
    rows = ",".join(objects).encode()
    return b"".join((head[:-1], b',"rows":[', rows, b"]}\n")), len(objects)


def _head(table: str, names: Sequence[str], kinds: Sequence[str]) -> dict[str, Any]:
    return {
        "table": table,
        "format_version": FORMAT_VERSION,
        "columns": [{"name": n, "type": k} for n, k in zip(names, kinds, strict=True)],
    }


def manifest(document: dict[str, Any]) -> bytes:
    """The export's ``manifest.json``."""
    return msgspec.json.format(msgspec.json.encode(document), indent=2) + b"\n"

"""Files a clinic hands over (fee lists, a year's figures, CMS's fee schedule): read whole but
bounded, and decoded as people save them.

Text is UTF-8 (with or without a byte-order mark) or UTF-16 with its byte-order mark; a file that
is neither is read as Windows-1252 (what Excel on Windows saves as "CSV"), and the caller says so.
Every problem is an :class:`InputError` naming the file, and the line and column where it can.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from chargeclock.domain.errors import InputError


def read_bytes(path: Path, field: str, limit: int, what: str = "file") -> bytes:
    """The file's bytes; a folder, a missing file or one larger than ``limit`` is refused."""
    if path.is_dir():
        raise InputError(field, f"{path} is a folder, not a file")
    try:
        with path.open("rb") as file:
            data = file.read(limit + 1)
    except OSError as exc:
        raise InputError(field, f"cannot read {path}: {exc.strerror}") from None
    if len(data) > limit:
        raise InputError(
            field, f"{path.name} is larger than {limit // 2**20} MiB: is it the {what}?"
        )
    return data


def decode(data: bytes, name: str) -> tuple[str, str]:
    """The text, and a note when it was read as Windows-1252 (else "")."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", name), ""
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data, "utf-8-sig", name), ""
    try:
        return data.decode("utf-8"), ""
    except UnicodeDecodeError:
        pass
    text = _strict(data, "cp1252", name)
    return text, f"{name} is not UTF-8: it was read as Windows-1252"


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        shown = {"utf-16": "UTF-16", "utf-8-sig": "UTF-8", "cp1252": "Windows-1252"}[encoding]
        if encoding == "utf-16":
            at = f"{name} byte {exc.start + 1}"
        else:
            line = data.count(b"\n", 0, exc.start) + 1
            column = exc.start - data.rfind(b"\n", 0, exc.start)
            at = f"{name} line {line}, column {column}"
        raise InputError(
            at,
            f"byte {exc.object[exc.start : exc.start + 1]!r} is not {shown} text: save the file "
            "again as CSV (UTF-8) and import that",
        ) from None

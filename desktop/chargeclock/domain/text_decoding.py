"""Text files as people and programs save them: UTF-8 (with or without a byte-order mark),
UTF-16 with its byte-order mark, else Windows-1252 (what Excel on Windows saves as "CSV"), else,
for files that may hold any byte (CMS's Latin-1), Latin-1. One decoder for every file a clinic
hands over: fee lists, a year's figures, CMS's fee schedule."""

from __future__ import annotations

import codecs

from chargeclock.domain.errors import InputError


def decode(data: bytes, name: str, *, latin1_fallback: bool = False) -> tuple[str, str]:
    """The text, and a note when it was read as Windows-1252 (else ""). A byte no encoding
    takes is an :class:`InputError` naming where it is (with ``latin1_fallback``, Latin-1
    takes every byte)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", name), ""
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data, "utf-8-sig", name), ""
    try:
        return data.decode("utf-8"), ""
    except UnicodeDecodeError:
        pass
    note = f"{name} is not UTF-8: it was read as Windows-1252"
    if latin1_fallback:
        try:
            return data.decode("cp1252"), note
        except UnicodeDecodeError:
            return data.decode("latin-1"), f"{name} is not UTF-8: it was read as Latin-1"
    return _strict(data, "cp1252", name), note


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

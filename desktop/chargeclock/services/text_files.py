"""Files a clinic hands over (fee lists, a year's figures, CMS's fee schedule): read whole but
bounded, and decoded as people save them.

Text is decoded by :mod:`chargeclock.domain.text_decoding` (the one decoder, shared with the CMS
file parser). Every problem is an :class:`InputError` naming the file, and the line and column
where it can.
"""

from __future__ import annotations

from pathlib import Path

from chargeclock.domain.errors import InputError
from chargeclock.domain.text_decoding import decode

__all__ = ["decode", "read_bytes"]


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

"""Writing a rendered PDF for the practice views (packet, day sheet)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO


def write_pdf(data: bytes, out: str | os.PathLike[str] | BinaryIO) -> None:
    """``data`` to a binary file, or to a path: owner-only (it names patients), synced and
    replaced in one step."""
    if hasattr(out, "write"):
        out.write(data)
        return
    from chargeclock import export

    export.write_private(Path(out), data)

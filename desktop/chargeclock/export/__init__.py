"""Renderings of domain snapshots. Only this package imports reportlab, and only when a PDF is
asked for: importing ``chargeclock.export`` costs nothing until :func:`render_pdf` runs.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from chargeclock.files import write_owner_only

if TYPE_CHECKING:
    from chargeclock.domain.superbill_model import Superbill

__all__ = ["pdf_bytes", "render_pdf", "write_private"]


def render_pdf(superbill: Superbill, out: str | os.PathLike[str] | BinaryIO) -> None:
    """Write ``superbill`` as a PDF to a path (replaced atomically) or a binary file object.

    The same superbill always gives the same bytes.
    """
    from chargeclock.export.pdf import render_pdf as render

    render(superbill, out)


def pdf_bytes(superbill: Superbill) -> bytes:
    """The PDF of ``superbill`` in memory (for a preview)."""
    from chargeclock.export.pdf import pdf_bytes as render

    return render(superbill)


def write_private(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target``, replaced atomically (a reader never sees half a file) and
    readable by its owner only: a superbill holds patient information.

    The data is synced before the file takes the name and the folder after, so a power loss
    leaves the old file or the new one, never an empty one under the name.
    """
    import tempfile  # here: the export's second process imports this package, and not it

    handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(handle)  # a name of its own, owner-only: written as every owner-only file is
    write_owner_only(target, data, Path(temp))

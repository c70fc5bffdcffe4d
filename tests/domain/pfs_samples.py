"""The fee schedule sample files of tests/data/pfs and small tools to alter them."""

from __future__ import annotations

from pathlib import Path

import pytest

from chargeclock.domain.errors import InputError
from chargeclock.domain.pfs import Gpci, RvuFile, parse_gpci_file, parse_rvu_file

DATA = Path(__file__).resolve().parents[1] / "data" / "pfs"
RVU_BYTES = (DATA / "PPRRVU2026_Jan_nonQPP_sample.csv").read_bytes()
GPCI_BYTES = (DATA / "GPCI2026_sample.csv").read_bytes()
RVU_TEXT = RVU_BYTES.decode("ascii")
GPCI_TEXT = GPCI_BYTES.decode("ascii")
RVU_LINES = RVU_TEXT.splitlines()
HEADING_ROWS = RVU_LINES[5:10]  # the five stacked heading rows; lines 1-5 are the title
DATA_ROWS = RVU_LINES[10:]  # data from line 11
GPCI_LINES = GPCI_TEXT.splitlines()


def rvu(text: str = RVU_TEXT, encoding: str = "ascii") -> RvuFile:
    return parse_rvu_file(text.encode(encoding), name="RVU_FILE")


def gpcis(text: str = GPCI_TEXT) -> dict[str, Gpci]:
    return parse_gpci_file(text.encode("ascii"), name="GPCI_FILE")


def rvu_error(data: bytes) -> InputError:
    with pytest.raises(InputError) as caught:
        parse_rvu_file(data, name="RVU_FILE")
    return caught.value


def gpci_error(data: bytes) -> InputError:
    with pytest.raises(InputError) as caught:
        parse_gpci_file(data, name="GPCI_FILE")
    return caught.value


def replace_cell(text: str, code: str, column: int, value: str, modifier: str = "") -> str:
    """The file with one cell of the row of ``code`` (and ``modifier``) replaced."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        cells = line.split(",")
        if cells[0] == code and cells[1] == modifier:
            cells[column] = value
            lines[index] = ",".join(cells)
            return "\n".join(lines) + "\n"
    raise AssertionError(f"no row {code} {modifier}")

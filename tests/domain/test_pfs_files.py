"""Reading the fee schedule files whatever their title lines, heading rows and encoding, and
one clear error (file, line, column) for anything that is not the published layout."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chargeclock.domain.pfs import parse_gpci_file, parse_rvu_file
from tests.domain.pfs_samples import (
    DATA_ROWS,
    GPCI_BYTES,
    GPCI_LINES,
    GPCI_TEXT,
    HEADING_ROWS,
    RVU_BYTES,
    RVU_LINES,
    RVU_TEXT,
    gpci_error,
    gpcis,
    replace_cell,
    rvu,
    rvu_error,
)

# --- layouts: the headings are found by their text ---------------------------------------------


def one_row_headings(order: list[int]) -> str:
    """The same file with the stacked headings written as one row (as a spreadsheet re-save
    might), columns in ``order``."""
    stacked = [line.split(",") for line in HEADING_ROWS]
    titles = [" ".join(row[i].strip() for row in stacked if row[i].strip()) for i in range(32)]
    lines = [",".join(titles[i] for i in order)]
    lines += [",".join(line.split(",")[i] for i in order) for line in DATA_ROWS]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("text", "year"),
    [
        pytest.param(RVU_TEXT, 2026, id="as published"),
        pytest.param("\n".join(RVU_LINES[5:]), None, id="no title lines"),
        pytest.param("\n".join(RVU_LINES[:5] + RVU_LINES[3:]), 2026, id="extra title lines"),
        pytest.param("\n".join([*RVU_LINES[:5], "", *RVU_LINES[5:]]), 2026, id="blank line"),
        pytest.param(RVU_TEXT.replace("\n", "\r\n"), 2026, id="CRLF"),
        pytest.param(RVU_TEXT.replace(" ,", ","), 2026, id="no trailing spaces (RVU26D)"),
        pytest.param(one_row_headings(list(range(32))), None, id="one heading row"),
        pytest.param(one_row_headings(list(range(31, -1, -1))), None, id="columns reversed"),
    ],
)
def test_the_rvu_file_reads_the_same_whatever_its_title_and_heading_lines(
    text: str, year: int | None
) -> None:
    parsed, published = rvu(text), rvu()
    assert parsed.rows == published.rows
    assert (parsed.conversion_factor, parsed.qualifying_apm) == (Decimal("33.4009"), False)
    assert parsed.year == year


def test_the_qpp_file_is_recognised() -> None:
    text = RVU_TEXT
    for line in DATA_ROWS:
        cells = line.split(",")
        text = replace_cell(text, cells[0], 23, "1", cells[1])
    assert rvu(text).qualifying_apm is True


RVU26B_GPCI = (
    "ADDENDUM E. FINAL CY 2026 GEOGRAPHIC PRACTICE COST INDICES (GPCIs) BY STATE AND MEDICARE "
    "LOCALITY,,,,,,\n,,,,,,\n"
    "Medicare Administrative Contractor (MAC),State,Locality Number,Locality Name,"
    "2026 PW GPCI (with 1.0 Floor)***,2026 PE GPCI,2026 MP GPCI\n"
    "10112,AL,00,ALABAMA,1.000,0.875,0.566\n"
    "01182,CA,18,LOS ANGELES-LONG BEACH-ANAHEIM (LOS ANGELES/ORANGE CNTY),1.041,1.183,0.664\n"
    "13202,NY,01,MANHATTAN,1.064,1.162,1.586\n"
)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("\n".join(GPCI_LINES[2:]), id="no title lines"),
        pytest.param(GPCI_TEXT + ",,,,,,,\n*** A footnote line,,,,,,,\n", id="footnotes"),
        pytest.param(GPCI_TEXT.replace("\n", "\r\n"), id="CRLF"),
        pytest.param(GPCI_TEXT.replace("10112,", "\n10112,"), id="blank line"),
    ],
)
def test_the_gpci_file_reads_the_same_whatever_its_extra_lines(text: str) -> None:
    assert gpcis(text) == gpcis()


def test_the_rvu26b_gpci_layout_with_only_the_floored_column_reads() -> None:
    localities = gpcis(RVU26B_GPCI)
    assert localities["10112-00"].work == Decimal("1.000")
    assert localities["10112-00"].work_without_floor is None
    assert {k: (v.pe, v.mp) for k, v in localities.items()} == {
        k: (v.pe, v.mp) for k, v in gpcis().items()
    }


def test_gpci_columns_are_found_by_heading_not_position() -> None:
    lines = [line.split(",") for line in GPCI_LINES[2:]]
    reversed_text = "\n".join(",".join(reversed(cells)) for cells in lines)
    assert gpcis(reversed_text) == gpcis()


# --- encodings ---------------------------------------------------------------------------------


def test_a_cp1252_file_reads() -> None:
    text = replace_cell(RVU_TEXT, "97110", 2, "Exercise therapy \u2013 caf\u00e9")
    parsed = parse_rvu_file(text.encode("cp1252"), name="RVU_FILE")
    assert parsed.rows == rvu().rows


def test_a_utf8_file_with_a_bom_reads_even_when_the_heading_is_the_first_line() -> None:
    text = "\n".join(RVU_LINES[5:])
    assert parse_rvu_file(b"\xef\xbb\xbf" + text.encode(), name="RVU_FILE") == rvu(text)
    gpci = "\n".join(GPCI_LINES[2:])
    assert parse_gpci_file(b"\xef\xbb\xbf" + gpci.encode(), name="G") == gpcis()


def test_a_utf16_copy_and_a_latin1_byte_cp1252_lacks_both_read() -> None:
    assert parse_rvu_file(RVU_TEXT.encode("utf-16"), name="RVU_FILE") == rvu()
    text = replace_cell(RVU_TEXT, "97110", 2, "label \x81")  # 0x81: no cp1252 character
    assert parse_rvu_file(text.encode("latin-1"), name="RVU_FILE").rows == rvu().rows


def test_a_bad_number_in_a_cp1252_file_names_its_line_and_column() -> None:
    text = replace_cell(RVU_TEXT, "97112", 2, "caf\u00e9")
    text = replace_cell(text, "97112", 6, "0\u00b747")  # a middle dot for the decimal point
    error = rvu_error(text.encode("cp1252"))
    assert str(error) == (
        'RVU_FILE line 18, column "NON-FAC PE RVU": must be a number such as 0.45, got "0\u00b747"'
    )


# --- bad files: one clear error naming the line and column -------------------------------------


@pytest.mark.parametrize(
    ("column", "value", "heading"),
    [
        (5, "O.45", "WORK RVU"),
        (6, "0.4l", "NON-FAC PE RVU"),
        (10, "-0.01", "MP RVU"),
        (25, "33,4009", "CONV FACTOR"),
    ],
)
def test_a_non_number_in_an_rvu_column_names_the_line_and_column(
    column: int, value: str, heading: str
) -> None:
    text = replace_cell(RVU_TEXT, "97110", column, value)
    if "," in value:
        text = text.replace(value, f'"{value}"')
    error = rvu_error(text.encode())
    assert error.field == f'RVU_FILE line 17, column "{heading}"'
    assert error.problem == f'must be a number such as 0.45, got "{value}"'


def test_a_wrong_status_or_code_names_the_line_and_column() -> None:
    error = rvu_error(replace_cell(RVU_TEXT, "97112", 3, "active").encode())
    assert str(error) == (
        'RVU_FILE line 18, column "STATUS CODE": must be one letter, got "active"'
    )
    error = rvu_error(replace_cell(RVU_TEXT, "97112", 0, "9711").encode())
    assert str(error) == 'RVU_FILE line 18, column "HCPCS": "9711" is not a HCPCS code'


def test_a_total_that_disagrees_with_its_parts_shows_a_shifted_layout() -> None:
    error = rvu_error(replace_cell(RVU_TEXT, "97140", 11, "0.84").encode())
    assert error.field == 'RVU_FILE line 19, column "NON-FACILITY TOTAL"'
    assert error.problem.startswith("is 0.84 but WORK RVU + NON-FAC PE RVU + MP RVU make 0.83")


def test_a_code_twice_without_a_modifier_is_refused() -> None:
    row = next(line for line in DATA_ROWS if line.startswith("97110,"))
    error = rvu_error((RVU_TEXT + row + "\n").encode())
    assert str(error) == (
        'RVU_FILE line 22, column "HCPCS": 97110 has a second row without a modifier '
        "(the first is on line 17)"
    )


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        pytest.param(
            GPCI_BYTES,
            'is not a PPRRVU file (PPRRVU...csv from the CMS RVU zip): no heading "HCPCS" found '
            "(it looks like the GPCI file)",
            id="the GPCI file given as the RVU file",
        ),
        pytest.param(
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "is not a CSV text file (it holds binary data)",
            id="binary",
        ),
        pytest.param(
            b"PK\x03\x04\x14\x00rvu26a",
            "is a zip archive or an Excel workbook, not a CSV file: unzip the CMS RVU zip and "
            "give the .csv file inside",
            id="the zip itself",
        ),
        pytest.param(
            b"Dear biller,\nthis is a letter.\n",
            'is not a PPRRVU file (PPRRVU...csv from the CMS RVU zip): no heading "HCPCS" found',
            id="some text",
        ),
        pytest.param(
            b"",
            'is not a PPRRVU file (PPRRVU...csv from the CMS RVU zip): no heading "HCPCS" found',
            id="empty",
        ),
        pytest.param(
            "\n".join(RVU_LINES[:10]).encode(),
            "has the PPRRVU headings but no code rows without a modifier",
            id="headings only",
        ),
        pytest.param(
            RVU_TEXT.replace("FACTOR,PROCEDURES", "RATE,PROCEDURES").encode(),
            "is not a PPRRVU file (PPRRVU...csv from the CMS RVU zip): it has no column "
            '"CONV FACTOR"',
            id="a column missing",
        ),
    ],
)
def test_a_file_that_is_not_a_pprrvu_file_is_one_clear_error(data: bytes, problem: str) -> None:
    error = rvu_error(data)
    assert (error.field, error.problem) == ("RVU_FILE", problem)


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        pytest.param(
            RVU_BYTES,
            'is not a GPCI file (GPCI....csv from the CMS RVU zip): no heading "LOCALITY NUMBER" '
            "found (it looks like the PPRRVU file)",
            id="the RVU file given as the GPCI file",
        ),
        pytest.param(
            b"Medicare Adminstrative Contractor,Locality Number,State,Fee Schedule Area,Counties\n"
            b"10112,00,ALABAMA,STATEWIDE,ALL COUNTIES\n",
            'is not a GPCI file (GPCI....csv from the CMS RVU zip): it has no column "PW GPCI"',
            id="the locality-county file",
        ),
        pytest.param(
            "\n".join(GPCI_LINES[:3]).encode(),
            "has the GPCI headings but no locality rows",
            id="headings only",
        ),
    ],
)
def test_a_file_that_is_not_a_gpci_file_is_one_clear_error(data: bytes, problem: str) -> None:
    error = gpci_error(data)
    assert (error.field, error.problem) == ("GPCI_FILE", problem)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "0.875",
            "n/a",
            'GPCI_FILE line 4, column "PE GPCI": must be a number such as 0.45, got "n/a"',
        ),
        ("0.566", "", 'GPCI_FILE line 4, column "MP GPCI": is empty'),
        (
            "10112,",
            "AL-1,",
            'GPCI_FILE line 4, column "MAC": must be the contractor number, got "AL-1"',
        ),
        (
            ",00,",
            ",0A,",
            'GPCI_FILE line 4, column "Locality Number": must be a locality number, got "0A"',
        ),
        (
            "13202,NY,01",
            "10112,NY,00",
            'GPCI_FILE line 6, column "Locality Number": 10112-00 appears twice',
        ),
    ],
)
def test_a_bad_gpci_row_names_the_line_and_column(old: str, new: str, message: str) -> None:
    assert str(gpci_error(GPCI_TEXT.replace(old, new, 1).encode())) == message


def test_a_message_never_repeats_a_long_line() -> None:
    junk = "X" * 500
    error = rvu_error(replace_cell(RVU_TEXT, "97110", 5, junk).encode())
    assert len(str(error)) < 120
    assert "X" * 31 not in str(error)


def test_a_file_the_csv_reader_cannot_read_is_one_error_with_its_line() -> None:
    huge = '97999,,"' + "x" * 200_000 + '"\n'
    error = rvu_error((RVU_TEXT + huge).encode())
    assert error.field == "RVU_FILE line 22"
    assert error.problem.startswith("is not valid CSV")

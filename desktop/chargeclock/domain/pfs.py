"""The Medicare physician fee schedule files exactly as CMS publishes them, and locality amounts.

Input: the two CSV files of the yearly RVU zip (``RVU26A.zip`` etc., from
https://www.cms.gov/medicare/payment/fee-schedules/physician/pfs-relative-value-files):

* ``PPRRVU2026_Jan_nonQPP.csv`` (``PPRRVU2026_Jan_QPP.csv`` carries the qualifying-APM
  conversion factor; before 2026 there is one file, e.g. ``PPRRVU24_JUL.csv``). Ten lines before
  the data in CY2026: three title/copyright lines, a spacer, ``RELEASED 12/29/2025`` (all in the
  third column), then five heading rows whose cells stack per column. The last two rows read::

    ,,,STATUS,MEDICARE ,WORK,NON-FAC,NA,FACILITY,NA,MP,NON-FACILITY,FACILITY,PCTC,GLOB,PRE,...
    HCPCS,MOD,DESCRIPTION,CODE,PAYMENT,RVU,PE RVU,INDICATOR,PE RVU,INDICATOR,RVU,TOTAL,...

  Joined top to bottom, the 32 columns are: HCPCS · MOD · DESCRIPTION · STATUS CODE · NOT USED
  FOR MEDICARE PAYMENT · WORK RVU · NON-FAC PE RVU · NON-FAC NA INDICATOR · FACILITY PE RVU ·
  FACILITY NA INDICATOR · MP RVU · NON-FACILITY TOTAL · FACILITY TOTAL · PCTC IND · GLOB DAYS ·
  PRE OP · INTRA OP · POST OP · MULT PROC · BILAT SURG · ASST SURG · CO- SURG · TEAM SURG ·
  PRIC IND · ENDO BASE · CONV FACTOR · PHYSICIAN SUPERVISION OF DIAGNOSTIC PROCEDURES ·
  CALCULATION FLAG · DIAGNOSTIC IMAGING FAMILY INDICATOR · NON-FACILITY PE USED FOR OPPS
  PAYMENT AMOUNT · FACILITY PE USED FOR OPPS PAYMENT AMOUNT · MP USED FOR OPPS PAYMENT AMOUNT.
  (CY2024 and CY2025 files have 31: no PRIC IND.) One row per code and modifier; the row without a
  modifier is the global service, ``26``/``TC``/``53`` rows are components and are skipped here.
* ``GPCI2026.csv``: a title line (``ADDENDUM E. FINAL CY 2026 GEOGRAPHIC PRACTICE COST INDICES
  (GPCIs) BY STATE AND MEDICARE LOCALITY``), an empty line, then one heading row:
  ``Medicare Administrative Contractor (MAC),State,Locality Number,Locality Name,2026 PW GPCI
  (without 1.0 Floor),2026 PW GPCI (with 1.0 Floor),2026 PE GPCI,2026 MP GPCI`` (RVU26A; from
  RVU26B on only ``2026 PW GPCI (with 1.0 Floor)***``), one row per locality (109 in 2026).

Sources (public GitHub copies of the CMS files; the parser relies on none of their positions):
``seen-institute/worth`` ``packages/worth-fees/worth_fees/fixtures/pprrvu-2026q1.csv`` (also
``-2026q2``, ``-2026q4``, ``pprrvu-qpp-2026q1.csv``: rows cut from the RVU26A-D files, header
block kept; CONV FACTOR 33.4009 non-QPP / 33.5675 QPP, PRIC IND 9 / 1), ``gpci-2026q1.csv`` and
``gpci-2026q2.csv``, and its parser ``worth_fees/sources.py``; ``exiledavatar/cmsrvu``
``PPRRVU24_JUL.csv`` (a whole 2024 file, same header block without PRIC) and
``cmsrvu/relativevalueunit.go`` (the joined titles ``NON-FAC PE RVU``, ``MULT PROC``,
``CONV FACTOR``...); the RVU26A record layout, formula and Attachment A status codes as
transcribed in a public notes repository (the code search did not name it).

Amount (RVU26A documentation, "2026 Non-Facility Pricing Amount"):
``[(Work RVU * Work GPCI) + (Non-Facility PE RVU * PE GPCI) + (MP RVU * MP GPCI)] * CF``,
rounded half-up to cents once, at the end. "Only RVUs associated with status codes of A, R, or
T are used for Medicare payment" (same document): every other status gets no amount (``None``,
never zero). Locality key: ``MAC-locality``, e.g. ``01182-18`` (locality numbers repeat across
MACs); the work GPCI is the one WITH the 1.0 floor when the file has both, as payment uses it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from types import MappingProxyType

from msgspec import Struct

from chargeclock.domain.cms_csv import (
    Row,
    cell,
    column,
    find_row,
    norm,
    number,
    read_rows,
    shown,
    stacked_headings,
)
from chargeclock.domain.errors import InputError
from chargeclock.domain.fees import round_cents

#: RVU26A Attachment A. Only A, R and T carry RVUs used for payment; the rest pay nothing
#: separately or are not priced from national RVUs.
STATUS_MEANINGS: Mapping[str, str] = MappingProxyType(
    {
        "A": "active: paid separately under the fee schedule",
        "R": "restricted coverage: paid only when covered in unusual circumstances",
        "T": "injection: paid only when nothing else under the fee schedule is billed that day",
        "B": "bundled into other services, never paid separately",
        "C": "priced by the contractor (MAC), no national amount",
        "D": "deleted code",
        "E": "excluded from the fee schedule by regulation",
        "F": "deleted or discontinued code",
        "G": "not valid for Medicare (another code is used)",
        "H": "deleted modifier",
        "I": "not valid for Medicare (another code is used)",
        "J": "anesthesia service, paid by another formula",
        "M": "measurement code, for reporting only",
        "N": "not covered by Medicare",
        "P": "bundled or excluded, no separate payment",
        "X": "statutory exclusion, not a physician service",
    }
)
PAID_STATUSES = frozenset({"A", "R", "T"})

_HCPCS = re.compile(r"[A-Z0-9]{5}")
_YEAR = re.compile(r"\b(20\d\d) NATIONAL PHYSICIAN FEE SCHEDULE")
_RVU_KIND = "PPRRVU file (PPRRVU...csv from the CMS RVU zip)"
_GPCI_KIND = "GPCI file (GPCI....csv from the CMS RVU zip)"
# Title lines sit in the first three columns; heading rows reach further right.
_RVU_HEADING_FROM = 3
_RVU_COLUMNS = {
    "code": "HCPCS",
    "mod": "MOD",
    "status": "STATUS CODE",
    "work": "WORK RVU",
    "pe": "NON-FAC PE RVU",
    "pe_na": "NON-FAC NA INDICATOR",
    "mp": "MP RVU",
    "mult_proc": "MULT PROC",
    "cf": "CONV FACTOR",
}
_RVU_TOTAL = "NON-FACILITY TOTAL"  # CMS's own sum: checks that the right columns were read
_RVU_PRICING = "PRIC IND"  # 9 in the non-QPP file, 1 in the qualifying-APM (QPP) file


class RvuRow(Struct, frozen=True):
    """The global (no modifier) row of one code. RVUs are exact decimals; blank is ``None``."""

    code: str
    status: str
    work_rvu: Decimal | None
    pe_rvu: Decimal | None  # non-facility practice expense: the clinic's own office
    mp_rvu: Decimal | None
    mult_proc: str  # "5": therapy, 50 % of practice expense after the first unit
    conversion_factor: Decimal | None
    nonfacility_na: bool = False  # "NA": not priced in a non-facility setting


class RvuFile(Struct, frozen=True):
    """A parsed PPRRVU file: the global rows by code and the file's conversion factor (``None``
    when rows disagree or give none). ``qualifying_apm`` is True for the QPP file, False for
    the non-QPP one, None when the file does not say; ``year`` is read from its title."""

    rows: Mapping[str, RvuRow]
    conversion_factor: Decimal | None
    qualifying_apm: bool | None = None
    year: int | None = None


class Gpci(Struct, frozen=True):
    """One payment locality. ``work`` is the work GPCI payment uses (with the 1.0 floor when
    the file has both); ``work_without_floor`` is the other column when there is one."""

    mac: str
    state: str
    locality: str
    name: str
    work: Decimal
    pe: Decimal
    mp: Decimal
    work_without_floor: Decimal | None = None

    @property
    def key(self) -> str:
        return gpci_key(self.mac, self.locality)


class LocalityFee(Struct, frozen=True):
    """A code's non-facility amount in one locality; ``amount`` is None when Medicare pays
    nothing separately for it or a part is missing, and ``note`` then says why."""

    code: str
    status: str
    mult_proc: str
    work_rvu: Decimal | None
    pe_rvu: Decimal | None
    mp_rvu: Decimal | None
    work_gpci: Decimal
    pe_gpci: Decimal
    mp_gpci: Decimal
    conversion_factor: Decimal | None
    amount: Decimal | None
    note: str = ""


def parse_rvu_file(data: bytes, *, name: str) -> RvuFile:
    """Parse a PPRRVU CSV. ``name`` (e.g. ``RVU_FILE``) starts every error's field."""
    rows = read_rows(data, name)
    last = _heading_row(rows, "HCPCS", name, _RVU_KIND)
    headings = stacked_headings(rows, last, _RVU_HEADING_FROM)
    at = {key: _required(headings, title, name, _RVU_KIND) for key, title in _RVU_COLUMNS.items()}
    total_at = column(headings, _RVU_TOTAL, name, _RVU_KIND)
    pricing_at = column(headings, _RVU_PRICING, name, _RVU_KIND)
    parsed: dict[str, RvuRow] = {}
    first_line: dict[str, int] = {}
    factors: set[Decimal | None] = set()
    pricing: set[str] = set()
    for line, cells in rows[last + 1 :]:
        code = cell(cells, at["code"]).upper()
        if not code:
            continue  # blank line
        where = f"{name} line {line}, column"
        if not _HCPCS.fullmatch(code):
            raise InputError(f'{where} "HCPCS"', f"{shown(code)} is not a HCPCS code")
        if cell(cells, at["mod"]):
            continue  # -26 / -TC / -53: a component, not the global service
        if code in parsed:
            raise InputError(
                f'{where} "HCPCS"',
                f"{code} has a second row without a modifier "
                f"(the first is on line {first_line[code]})",
            )
        status = cell(cells, at["status"])
        if not re.fullmatch(r"[A-Za-z]", status):
            raise InputError(f'{where} "STATUS CODE"', f"must be one letter, got {shown(status)}")
        work, pe, mp, factor = (
            number(cell(cells, at[key]), f'{where} "{_RVU_COLUMNS[key]}"')
            for key in ("work", "pe", "mp", "cf")
        )
        if factor is not None and not factor:
            raise InputError(f'{where} "CONV FACTOR"', "must be more than 0")
        if total_at is not None:
            _check_total(cells, total_at, (work, pe, mp), f'{where} "{_RVU_TOTAL}"')
        parsed[code] = RvuRow(
            code,
            status.upper(),
            work,
            pe,
            mp,
            cell(cells, at["mult_proc"]),
            factor,
            norm(cell(cells, at["pe_na"])) == "NA",
        )
        first_line[code] = line
        factors.add(factor)
        if pricing_at is not None:
            pricing.add(cell(cells, pricing_at))
    if not parsed:
        raise InputError(name, "has the PPRRVU headings but no code rows without a modifier")
    file_factor = factors.pop() if len(factors) == 1 else None
    qualifying = {"1": True, "9": False}.get(pricing.pop()) if len(pricing) == 1 else None
    return RvuFile(MappingProxyType(parsed), file_factor, qualifying, _title_year(rows[:last]))


def parse_gpci_file(data: bytes, *, name: str) -> dict[str, Gpci]:
    """Parse a GPCI CSV into localities keyed ``MAC-locality`` (``01182-18``, see ``gpci_key``).

    Blank and footnote lines (no state, locality or index) are skipped; any other line must be
    a whole locality row.
    """
    rows = read_rows(data, name)
    last = _heading_row(rows, "LOCALITY NUMBER", name, _GPCI_KIND)
    headings = [norm(c) for c in rows[last][1]]
    at = _gpci_columns(headings, name)
    parsed: dict[str, Gpci] = {}
    for line, cells in rows[last + 1 :]:
        values = [cell(cells, at[k]) for k in ("state", "locality", "work", "pe", "mp")]
        if not any(values):
            continue
        where = f"{name} line {line}, column"
        mac, locality = cell(cells, at["mac"]), cell(cells, at["locality"])
        if not re.fullmatch(r"\d{1,5}", mac):
            raise InputError(f'{where} "MAC"', f"must be the contractor number, got {shown(mac)}")
        if not re.fullmatch(r"\d{1,2}", locality):
            raise InputError(
                f'{where} "Locality Number"', f"must be a locality number, got {shown(locality)}"
            )
        indices: dict[str, Decimal] = {}
        for key, label in (("work", "PW GPCI"), ("pe", "PE GPCI"), ("mp", "MP GPCI")):
            value = number(cell(cells, at[key]), f'{where} "{label}"')
            if value is None:
                raise InputError(f'{where} "{label}"', "is empty")
            indices[key] = value
        no_floor = (
            number(cell(cells, at["no_floor"]), f'{where} "PW GPCI (without 1.0 Floor)"')
            if "no_floor" in at
            else None
        )
        gpci = Gpci(
            mac.zfill(5),
            cell(cells, at["state"]).upper(),
            locality.zfill(2),
            cell(cells, at["name"]),
            indices["work"],
            indices["pe"],
            indices["mp"],
            no_floor,
        )
        if gpci.key in parsed:
            raise InputError(f'{where} "Locality Number"', f"{gpci.key} appears twice")
        parsed[gpci.key] = gpci
    if not parsed:
        raise InputError(name, "has the GPCI headings but no locality rows")
    return parsed


def gpci_key(mac: str, locality: str) -> str:
    """The locality key from its two parts: ``gpci_key("1182", "18") == "01182-18"``."""
    return f"{mac.strip().zfill(5)}-{locality.strip().zfill(2)}"


def find_locality(gpcis: Mapping[str, Gpci], typed: str, *, field: str = "locality") -> Gpci:
    """The locality a user typed: ``01182-18``, ``01182 18``, ``0118218`` or ``1182-18``."""
    parts = re.fullmatch(r"\s*(\d{1,5})\s*[-/ ]\s*(\d{1,2})\s*|\s*(\d{5})(\d{2})\s*", typed)
    if parts is None:
        raise InputError(field, f"must be MAC-locality like 01182-18, got {shown(typed)}")
    mac, locality = (parts[1], parts[2]) if parts[1] else (parts[3], parts[4])
    found = gpcis.get(gpci_key(mac, locality))
    if found is None:
        raise InputError(field, f"{gpci_key(mac, locality)} is not a locality of the GPCI file")
    return found


def locality_fees(
    rvu: RvuFile,
    gpci: Gpci,
    codes: Iterable[str],
    conversion_factor: Decimal | None = None,
) -> list[LocalityFee]:
    """The non-facility amount of each asked code in the order asked (each once); a code that
    is not in the file is left out. The conversion factor is the argument, else the row's,
    else the file's."""
    if conversion_factor is not None and conversion_factor <= 0:
        raise InputError("conversion factor", f"must be more than 0, got {conversion_factor}")
    fees: list[LocalityFee] = []
    for code in dict.fromkeys(c.strip().upper() for c in codes):
        row = rvu.rows.get(code)
        if row is None:
            continue
        choices = (conversion_factor, row.conversion_factor, rvu.conversion_factor)
        factor = next((f for f in choices if f is not None), None)
        amount, note = _amount(row, gpci, factor)
        fees.append(
            LocalityFee(
                code,
                row.status,
                row.mult_proc,
                row.work_rvu,
                row.pe_rvu,
                row.mp_rvu,
                gpci.work,
                gpci.pe,
                gpci.mp,
                factor,
                amount,
                note,
            )
        )
    return fees


def _amount(row: RvuRow, gpci: Gpci, factor: Decimal | None) -> tuple[Decimal | None, str]:
    if row.status not in PAID_STATUSES:
        meaning = STATUS_MEANINGS.get(row.status, "not a status the fee schedule defines")
        return None, f"status {row.status}: {meaning}"
    if row.nonfacility_na:
        return None, "NA: no non-facility (office) amount for this code"
    if row.work_rvu is None or row.pe_rvu is None or row.mp_rvu is None:
        return None, "an RVU is missing in the file"
    if factor is None:
        return None, "no conversion factor in the file or given"
    adjusted = row.work_rvu * gpci.work + row.pe_rvu * gpci.pe + row.mp_rvu * gpci.mp
    return round_cents(adjusted * factor), ""


def _heading_row(rows: list[Row], heading: str, name: str, kind: str) -> int:
    found = find_row(rows, heading)
    if found is not None:
        return found
    other = "GPCI file" if find_row(rows, "LOCALITY NUMBER") is not None else None
    if other is None and find_row(rows, "HCPCS") is not None:
        other = "PPRRVU file"
    hint = f" (it looks like the {other})" if other else ""
    raise InputError(name, f'is not a {kind}: no heading "{heading}" found{hint}')


def _required(headings: list[str], title: str, name: str, kind: str) -> int:
    found = column(headings, title, name, kind)
    if found is None:
        raise InputError(name, f'is not a {kind}: it has no column "{title}"')
    return found


def _check_total(cells: list[str], at: int, parts: tuple[Decimal | None, ...], field: str) -> None:
    total = number(cell(cells, at), field)
    if total is None or None in parts:
        return
    added = sum(p for p in parts if p is not None)
    if added != total:
        raise InputError(
            field,
            f"is {total} but WORK RVU + NON-FAC PE RVU + MP RVU make {added}: "
            "the columns are not the published layout",
        )


def _title_year(rows: list[Row]) -> int | None:
    for _, cells in rows:
        for text in cells:
            found = _YEAR.search(norm(text))
            if found:
                return int(found[1])
    return None


_GPCI_HEADINGS = {
    "mac": r"MEDICARE ADMINI?STRATIVE CONTRACTOR( \(MAC\))?",  # CMS also spells it ADMINSTRATIVE
    "state": r"STATE",
    "locality": r"LOCALITY NUMBER",
    "name": r"LOCALITY NAME",
    "floor": r"(\d{4} )?PW GPCI \(WITH 1\.0 FLOOR\)",
    "no_floor": r"(\d{4} )?PW GPCI \(WITHOUT 1\.0 FLOOR\)",
    "plain": r"(\d{4} )?PW GPCI",
    "pe": r"(\d{4} )?PE GPCI",
    "mp": r"(\d{4} )?MP GPCI",
}


def _gpci_columns(headings: list[str], name: str) -> dict[str, int]:
    at: dict[str, int] = {}
    for key, pattern in _GPCI_HEADINGS.items():
        found = [i for i, h in enumerate(headings) if re.fullmatch(pattern, h)]
        if len(found) > 1:
            raise InputError(
                name, f"has {len(found)} columns for {key.upper()}; is it a GPCI file?"
            )
        if found:
            at[key] = found[0]
    # The work GPCI payment uses: floored when published, else the only one given.
    work = at.pop("floor", None)
    if work is None:
        work = at.get("plain", at.get("no_floor"))
    at.pop("plain", None)
    titles = {
        "mac": "MAC",
        "state": "State",
        "name": "Locality Name",
        "pe": "PE GPCI",
        "mp": "MP GPCI",
    }
    missing = [title for key, title in titles.items() if key not in at]
    if work is None or missing:
        title = "PW GPCI" if work is None else missing[0]
        raise InputError(name, f'is not a {_GPCI_KIND}: it has no column "{title}"')
    at["work"] = work
    return at

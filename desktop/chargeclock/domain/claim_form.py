"""The claim form's own rules, in one place: diagnosis pointers, the NPI check digit and the shape
of an ICD-10-CM code. Every layer that checks or prints one of these asks this module.

Sources: CMS-1500 (02/12) instructions, item 21 (up to 12 diagnoses, lettered A-L) and item 24E
(up to 4 pointers per line); the NPI standard (45 CFR 162.406: a Luhn check digit computed over
the prefix 80840 and the first nine digits).
"""

from __future__ import annotations

import re

POINTERS = "ABCDEFGHIJKL"  # CMS-1500 item 21: up to 12 diagnoses, A-L
MAX_LINE_POINTERS = 4  # CMS-1500 item 24E: up to 4 pointers per line

# An ICD-10-CM code as the claim prints it: letter, digit, digit-or-letter, then after the dot up
# to four more (M54.50, S83.511A). ``ICD10CM_TYPED`` also takes the dot left out (M5450).
ICD10CM_PRINTED = re.compile(r"[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?")
ICD10CM_TYPED = re.compile(r"[A-Z][0-9][0-9A-Z](\.?[0-9A-Z]{1,4})?")


def pointer_letter(position: int) -> str:
    """The pointer of the diagnosis at ``position`` (1 = A), or ``?`` past L."""
    return POINTERS[position - 1] if 1 <= position <= len(POINTERS) else "?"


def default_pointers(diagnoses: int) -> str:
    """The pointers a line takes when none were chosen: the first diagnoses, at most four."""
    return POINTERS[: min(diagnoses, MAX_LINE_POINTERS, len(POINTERS))]


def _npi_check_digit(first_nine: str) -> int:
    """Luhn over the 80840 health-industry prefix and nine digits (the rightmost is doubled)."""
    total = 0
    for index, digit in enumerate(reversed([int(c) for c in "80840" + first_nine])):
        if index % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


def npi_check_digit_ok(npi: str) -> bool:
    """Ten digits whose last is the check digit of the first nine."""
    return bool(re.fullmatch(r"\d{10}", npi)) and _npi_check_digit(npi[:9]) == int(npi[9])


def npi_with_check_digit(first_nine: str) -> str:
    """Nine digits completed into a valid NPI."""
    if not re.fullmatch(r"\d{9}", first_nine):
        raise ValueError(f"nine digits expected, got {first_nine!r}")
    return first_nine + str(_npi_check_digit(first_nine))

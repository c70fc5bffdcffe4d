"""The places of service a clinician picks for a visit, with our own short labels.

A place of service is the two-digit code of the claim's item 24B (CMS place-of-service code set).
The list is the few places a therapy clinic bills from; it does not change by year, so it is
domain data rather than a year's rule file. A telehealth place
(:data:`~chargeclock.domain.modifiers.TELEHEALTH_PLACES`) gives
the payer's 95 or GT on the lines (claims.md §2).
"""

from __future__ import annotations

from chargeclock.domain.errors import InputError

#: the office: where a visit is unless the clinician says otherwise
OFFICE = "11"

#: code -> our label, in the order the window offers them (the office first)
PLACES: dict[str, str] = {
    OFFICE: "Office",
    "02": "Telehealth (not in the patient's home)",
    "10": "Telehealth in the patient's home",
    "12": "Home",
    "22": "Outpatient hospital",
    "19": "Off-campus outpatient hospital",
}


def place_label(code: str) -> str:
    """``"10 Telehealth in the patient's home"``; a code not in the list shows as itself."""
    label = PLACES.get(code)
    return f"{code} {label}" if label else code


def check_place(value: str, where: str = "place_of_service") -> str:
    """``value`` as a known place of service (surrounding spaces dropped); anything else raises
    :class:`InputError` naming ``where`` and listing the places that may be chosen."""
    code = value.strip()
    if code not in PLACES:
        known = ", ".join(f"{c} ({label})" for c, label in PLACES.items())
        raise InputError(where, f"{value!r} is not a place of service we bill from: use {known}")
    return code

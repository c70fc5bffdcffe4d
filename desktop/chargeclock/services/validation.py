"""Checks on what people type: names and other text, NPI check digits, ICD-10-CM codes, PINs,
money, codes.

Every failure is an :class:`InputError` naming the field. The ICD-10-CM code set
(``simple_icd_10_cm``) is loaded the first time a diagnosis is checked, not at start.
"""

from __future__ import annotations

import re
import warnings
from decimal import Decimal
from typing import Any

from msgspec import Struct

from chargeclock.domain.claim_form import ICD10CM_TYPED, npi_check_digit_ok
from chargeclock.domain.errors import InputError
from chargeclock.domain.rulebook import Code, RuleBook

# --- text ------------------------------------------------------------------------------------

#: the longest name part: a first or a last name, a provider's, user's, payer's or practice's
NAME_LENGTH = 100
#: the longest address (its lines together)
ADDRESS_LENGTH = 300
#: the longest phone number, member id, tax id, credentials or licence
SHORT_LENGTH = 40


def clean_text(value: str, field: str, limit: int = NAME_LENGTH, *, required: bool = True) -> str:
    """``value`` without the spaces around it; an :class:`InputError` naming ``field`` when it is
    empty (and ``required``) or longer than ``limit`` characters: every field must fit, whole,
    on a superbill."""
    text = (value or "").strip()
    if required and not text:
        raise InputError(field, "must not be empty")
    if len(text) > limit:
        raise InputError(field, f"is {len(text)} characters long; shorten it to {limit} at most")
    return text


# --- NPI ---------------------------------------------------------------------------------------


def clean_npi(value: str | None, field: str) -> str | None:
    """``None`` for blank; else a valid 10-digit NPI or an :class:`InputError`."""
    if value is None or not value.strip():
        return None
    npi = value.strip().replace(" ", "")
    if not re.fullmatch(r"\d{10}", npi):
        raise InputError(field, f"an NPI is 10 digits, got {value!r}")
    if not npi_check_digit_ok(npi):
        raise InputError(field, f"{npi} is not a valid NPI (its check digit is wrong)")
    return npi


# --- ICD-10-CM ---------------------------------------------------------------------------------


class DiagnosisCheck(Struct, frozen=True):
    """An ICD-10-CM code checked against the code set: billable or what to use instead."""

    code: str  # with the dot, upper case: M54.50
    description: str
    billable: bool
    message: str  # "" when billable; else what to use instead


def _icd10() -> Any:
    """The ICD-10-CM code set, loaded on first use (its loader warns about a deprecated
    ``importlib.resources`` call; that is the package's business, not the user's)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10_cm

    return simple_icd_10_cm


def check_icd10(value: str, field: str) -> DiagnosisCheck:
    """A known ICD-10-CM code (dot optional) or an :class:`InputError`; non-billable is flagged."""
    cm = _icd10()

    text = value.strip().upper()
    if not ICD10CM_TYPED.fullmatch(text):
        raise InputError(field, f"{value!r} is not shaped like an ICD-10-CM code (e.g. M54.50)")
    if "." not in text and len(text) > 3:
        text = f"{text[:3]}.{text[3:]}"
    if not cm.is_valid_item(text) or cm.is_chapter_or_block(text):
        raise InputError(field, f"{text} is not an ICD-10-CM code")
    description = str(cm.get_description(text))
    if cm.is_leaf(text):
        return DiagnosisCheck(text, description, True, "")
    children = [str(c) for c in cm.get_children(text)]
    shown = ", ".join(children[:6]) + (" …" if len(children) > 6 else "")
    return DiagnosisCheck(
        text,
        description,
        False,
        f"{text} is a category, not billable: use a more specific code ({shown})",
    )


# --- PIN ---------------------------------------------------------------------------------------

_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def hash_pin(pin: str, field: str = "pin") -> str:
    """``scrypt$n$r$p$salt$hash`` with a random 16-byte salt; the PIN is 4 to 8 digits."""
    if not re.fullmatch(r"\d{4,8}", pin):
        raise InputError(field, "a PIN is 4 to 8 digits")
    import hashlib  # OpenSSL loads when a PIN is set or checked, not at start-up
    import secrets

    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${salt.hex()}${digest.hex()}"


def pin_matches(pin: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if kind != "scrypt":
        return False
    import hashlib
    import hmac

    got = hashlib.scrypt(
        pin.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=32
    )
    return hmac.compare_digest(got.hex(), digest)


# --- money and codes ---------------------------------------------------------------------------


#: dollars written with the digits 0-9: an optional ``$``, thousands commas in groups of three
_AMOUNT = re.compile(r"\$?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?")
#: no amount anyone types (a payment, a year's spend) comes near ten million dollars
MAX_AMOUNT = Decimal("9999999.99")
#: no charge or allowed amount for one unit of one code comes near a hundred thousand dollars
MAX_UNIT_FEE = Decimal("99999.99")


def quoted(value: str, limit: int = 40) -> str:
    """``value`` quoted for a message, cut to ``limit`` characters (a message never echoes a
    whole file)."""
    return repr(value if len(value) <= limit else value[:limit] + "…")


def parse_money(
    value: str | Decimal,
    field: str,
    *,
    allow_zero: bool = True,
    most: Decimal = MAX_AMOUNT,
    what: str = "an amount",
) -> Decimal:
    """A non-negative amount in dollars with at most two decimals, up to ``most``. Text is
    digits 0-9 with an optional ``$`` and thousands commas in groups of three (``$1,234.50``):
    no exponent, no underscores, no other script's digits."""
    shown = quoted(str(value).strip())
    if isinstance(value, Decimal):
        amount = value
        if not amount.is_finite():
            raise InputError(field, f"{shown} is not an amount")
    else:
        text = str(value).strip()
        negative = text.startswith("-")
        if not _AMOUNT.fullmatch(text[1:] if negative else text):
            raise InputError(
                field,
                f"{shown} is not an amount: write dollars with the digits 0-9 "
                "(e.g. 1234.50 or $1,234.50)",
            )
        amount = Decimal(text.replace("$", "").replace(",", ""))
    if amount < 0 or (amount == 0 and not allow_zero):
        least = "$0 or more" if allow_zero else "more than $0"
        raise InputError(field, f"must be {least}, got {shown}")
    if amount > most:  # before any arithmetic: a 30-digit amount would overflow the context
        raise InputError(field, f"{shown} is more than {what} can be (${most:,.2f})")
    if amount != amount.quantize(Decimal("0.01")):
        raise InputError(field, f"{amount} has fractions of a cent")
    return amount.quantize(Decimal("0.01"))


def parse_fee(value: str | Decimal, field: str) -> Decimal:
    """A charge or an allowed amount for one unit of one code: :func:`parse_money` up to
    :data:`MAX_UNIT_FEE`."""
    return parse_money(value, field, most=MAX_UNIT_FEE, what="a unit's fee")


def catalogue_code(book: RuleBook, year: int, code: str, field: str = "code") -> Code:
    """The catalogue entry of ``code`` for ``year``, or an :class:`InputError`."""
    from chargeclock.domain.errors import RuleDataError

    try:
        rules = book.year(year)
    except RuleDataError as exc:
        raise InputError("date_of_service", str(exc)) from None
    found = rules.code(code.strip().upper())
    if found is None:
        raise InputError(field, f"{code!r} is not a code in the {year} code list")
    return found

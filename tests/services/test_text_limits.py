"""Names and other typed text have a length that fits on a superbill: one character past the
limit is refused with the field named and nothing saved; the limit itself, in any script, is
kept (without the spaces around it)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from chargeclock.domain.errors import InputError
from chargeclock.services.records import RecordService
from chargeclock.services.validation import ADDRESS_LENGTH, NAME_LENGTH, SHORT_LENGTH, clean_text
from tests.services.conftest import Clinic, dump
from tests.services.test_records_more import details


def test_clean_text_names_the_field_and_the_limit() -> None:
    assert clean_text("  Łukasz  ", "first_name") == "Łukasz"
    assert clean_text("", "address", required=False) == ""
    with pytest.raises(InputError, match=r"^last_name: must not be empty$"):
        clean_text("   ", "last_name")
    with pytest.raises(
        InputError, match=r"^last_name: is 101 characters long; shorten it to 100 at most$"
    ):
        clean_text("x" * 101, "last_name")


Change = Callable[[RecordService, str], object]

CHANGES: dict[str, tuple[str, int, Change]] = {
    "patient last name": (
        "last_name",
        NAME_LENGTH,
        lambda r, v: r.save_patient(details(last_name=v)),
    ),
    "patient first name": (
        "first_name",
        NAME_LENGTH,
        lambda r, v: r.save_patient(details(first_name=v)),
    ),
    "patient address": ("address", ADDRESS_LENGTH, lambda r, v: r.save_patient(details(address=v))),
    "patient phone": ("phone", SHORT_LENGTH, lambda r, v: r.save_patient(details(phone=v))),
    "referring provider": (
        "referring_name",
        NAME_LENGTH,
        lambda r, v: r.save_patient(details(referring_name=v)),
    ),
    "new patient": (
        "last_name",
        NAME_LENGTH,
        lambda r, v: r.add_patient(v, "Ann", date(1960, 5, 5)),
    ),
    "provider": ("name", NAME_LENGTH, lambda r, v: r.add_provider(v, "PT")),
    "provider credentials": (
        "credentials",
        SHORT_LENGTH,
        lambda r, v: r.add_provider("Kim Park", "PT", credentials=v),
    ),
    "user": ("name", NAME_LENGTH, lambda r, v: r.add_user(v, "PT", "1234")),
    "payer": ("name", NAME_LENGTH, lambda r, v: r.add_payer(v, medicare=False)),
    "practice": ("name", NAME_LENGTH, lambda r, v: r.save_practice(v)),
    "practice address": (
        "address",
        ADDRESS_LENGTH,
        lambda r, v: r.save_practice("Riverside PT", address=v),
    ),
}


@pytest.mark.parametrize("what", list(CHANGES))
def test_one_character_too_many_is_refused_and_nothing_is_saved(clinic: Clinic, what: str) -> None:
    field, limit, change = CHANGES[what]
    records = clinic.services.records
    before = dump(clinic.services)
    with pytest.raises(InputError, match=rf"^{field}: is {limit + 1} characters long"):
        change(records, "Ż" * (limit + 1))
    assert dump(clinic.services) == before


@pytest.mark.parametrize("what", ["patient last name", "provider", "payer", "practice"])
def test_the_limit_itself_is_kept_in_any_script(clinic: Clinic, what: str) -> None:
    _field, limit, change = CHANGES[what]
    value = ("王" + "Ş" * (limit - 1))[:limit]
    change(clinic.services.records, f"  {value} ")
    assert any(value in row for row in dump(clinic.services))

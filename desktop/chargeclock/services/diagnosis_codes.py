"""Searching the offline ICD-10-CM code set by code or by words of its description.

Loading the code set takes seconds, so the window never does it at start: the patient dialog
asks :func:`load_index` from a worker thread the first time it opens, and the loaded index is
kept for the rest of the session (it is the same public code set for every clinic).
"""

from __future__ import annotations

import re
import threading

from msgspec import Struct

from chargeclock.domain.errors import InputError
from chargeclock.services.validation import DiagnosisCheck, _icd10, check_icd10

_CODE_PREFIX = re.compile(r"[A-Za-z][0-9][0-9A-Za-z]?\.?[0-9A-Za-z]{0,4}")


class Icd10Entry(Struct, frozen=True):
    """One ICD-10-CM code or category with its description."""

    code: str  # with the dot: M54.50
    description: str
    billable: bool  # a leaf code; a category is not billable


class Icd10Index:
    """Every ICD-10-CM category and code (chapters and blocks left out)."""

    def __init__(self, entries: list[Icd10Entry]) -> None:
        self.entries = entries
        self._lower = [f"{e.code.lower()} {e.description.lower()}" for e in entries]
        self._described = {e.code: e.description for e in entries}

    def description(self, code: str) -> str:
        """The code's ICD-10-CM text ("" for a code the set does not hold)."""
        return self._described.get(code.strip().upper(), "")

    def search(self, text: str, limit: int = 60) -> list[Icd10Entry]:
        """Codes starting with ``text`` (dot optional), else entries whose description holds
        every word of ``text``; billable codes first, then descriptions that begin with it."""
        query = text.strip().lower()
        if not query:
            return []
        if _CODE_PREFIX.fullmatch(query):
            plain = query.replace(".", "")
            found = [e for e in self.entries if e.code.lower().replace(".", "").startswith(plain)]
        else:
            words = query.split()
            found = [
                e
                for e, hay in zip(self.entries, self._lower, strict=True)
                if all(w in hay for w in words)
            ]
        found.sort(
            key=lambda e: (not e.billable, not e.description.lower().startswith(query), e.code)
        )
        return found[:limit]

    def check(self, code: str) -> DiagnosisCheck | str:
        """The check of one code, or the reason it is not a code."""
        try:
            return check_icd10(code, "diagnosis")
        except InputError as exc:
            return exc.problem


_lock = threading.Lock()
_index: Icd10Index | None = None


def load_index() -> Icd10Index:
    """The index, built on first call (seconds; call it off the window's thread)."""
    global _index
    with _lock:
        if _index is None:
            cm = _icd10()
            entries = [
                Icd10Entry(str(code), str(cm.get_description(code)), bool(cm.is_leaf(code)))
                for code in cm.get_all_codes(True)
                if not cm.is_chapter_or_block(code)
            ]
            _index = Icd10Index(entries)
        return _index


def loaded_index() -> Icd10Index | None:
    """The index if it is already built, without waiting."""
    return _index

"""The clinic's records were split by entity (``practice``, ``staff``, ``payers``, ``patients``,
``payments``). These names stay importable from here for the visit service, which still reads
``clinic.get_patient`` and the like; new code imports the entity modules."""

from __future__ import annotations

from chargeclock.storage.patients import diagnoses_of, get_patient
from chargeclock.storage.staff import get_provider, list_providers

__all__ = ["diagnoses_of", "get_patient", "get_provider", "list_providers"]

"""Test setup: Qt runs offscreen; shared fixtures for the rule data."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from chargeclock.domain.rulebook import RuleBook
from chargeclock.resources import rule_book


@pytest.fixture(scope="session")
def book() -> RuleBook:
    return rule_book()

"""The practice charts' figures equal the frozen claim lines of finalized visits, per day and
per code, with the assistant's (CQ/CO) share; long periods are counted by week or month; the
PDF draws the four charts on one page."""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from chargeclock.domain.errors import InputError
from chargeclock.domain.practice_figures import grain_for
from chargeclock.services.practice_charts import charts_pdf, practice_figures
from tests.services.conftest import Clinic
from tests.services.practice_data import DAY, Practice, small_practice

LAST = DAY + timedelta(days=2)


@pytest.fixture
def practice(clinic: Clinic) -> Practice:
    return small_practice(clinic)


def test_per_day_and_per_code_equal_the_frozen_lines(practice: Practice) -> None:
    services = practice.clinic.services
    rows = services.db.execute(
        "SELECT v.id, v.date_of_service, l.code, l.units, l.modifiers FROM visits v "
        "JOIN claim_lines l ON l.visit_id = v.id WHERE v.status = 'finalized'"
    ).fetchall()
    by_day: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_code: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    visits: dict[str, set[int]] = defaultdict(set)
    code_visits: dict[str, set[int]] = defaultdict(set)
    for visit_id, day, code, units, modifiers in rows:
        cq = units if {"CQ", "CO"} & set(modifiers.split()) else 0
        by_day[day][0] += units
        by_day[day][1] += cq
        by_code[code][0] += units
        by_code[code][1] += cq
        visits[day].add(visit_id)
        code_visits[code].add(visit_id)
    figures = practice_figures(services, DAY, LAST)
    assert figures.grain == "day"
    assert {p.start.isoformat(): [p.units, p.assistant_units] for p in figures.periods} == by_day
    assert {p.start.isoformat(): p.visits for p in figures.periods} == {
        d: len(v) for d, v in visits.items()
    }
    assert {c.code: [c.units, c.assistant_units] for c in figures.codes} == by_code
    assert {c.code: c.visits for c in figures.codes} == {c: len(v) for c, v in code_visits.items()}
    assert sum(cq for _, cq in by_code.values()) == figures.assistant_units > 0
    assert figures.assistant_share == figures.assistant_units / figures.units


def test_long_periods_count_by_week_or_month(practice: Practice) -> None:
    services = practice.clinic.services
    assert grain_for(DAY, DAY + timedelta(days=44)) == "day"
    assert grain_for(DAY, DAY + timedelta(days=45)) == "week"
    assert grain_for(DAY, DAY + timedelta(days=400)) == "month"
    weekly = practice_figures(services, date(2026, 1, 1), date(2026, 6, 30))
    assert [p.start for p in weekly.periods] == [DAY]  # the Monday of the week
    daily = practice_figures(services, DAY, LAST)
    assert weekly.units == daily.units and weekly.visits == daily.visits
    monthly = practice_figures(services, date(2025, 1, 1), date(2026, 12, 31))
    assert [p.start for p in monthly.periods] == [date(2026, 3, 1)]
    with pytest.raises(InputError, match="from"):
        practice_figures(services, LAST, DAY)


def test_the_pdf_draws_the_four_charts_on_one_page(practice: Practice) -> None:
    figures = practice_figures(practice.clinic.services, DAY, LAST)
    (page,) = PdfReader(io.BytesIO(charts_pdf(figures, "Riverside PT"))).pages
    text = " ".join(page.extract_text().split())
    assert "Visits and units per day" in text
    assert "Units per day: the therapist's and the assistant's (CQ/CO)" in text
    assert "Visits per code: the visits each code was billed on" in text
    assert "Units per code, and the assistant's share" in text
    assert f"{figures.assistant_units} of {figures.units} units" in text

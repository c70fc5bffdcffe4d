"""The demo's claims around its visits (:mod:`chargeclock.services.demo_claims`), as the rules
call for them (claims.md): each finalized bill frozen at its finalize, claims filed days after
their visits, authorizations covering the visits counted on them, cost shares, KX confirmations,
ABNs and the distinct-service modifier of an NCCI pair."""

from __future__ import annotations

import statistics
from datetime import date, datetime, timedelta

import pytest

from chargeclock.services import billing, frozen_claims
from chargeclock.services.session import Services
from chargeclock.storage.timefmt import from_db_time
from tests.services.conftest import DEMO_TODAY as TODAY

pytestmark = pytest.mark.slow


def _billed_visits(services: Services) -> dict[int, datetime]:
    """Finalized visits holding claim lines, and when each was finalized."""
    rows = services.db.execute(
        "SELECT v.id, v.finalized_at FROM visits v WHERE v.status = 'finalized' "
        "AND EXISTS (SELECT 1 FROM claim_lines c WHERE c.visit_id = v.id) ORDER BY v.id"
    ).fetchall()
    return {visit_id: from_db_time(at) for visit_id, at in rows}


def test_each_finalized_bill_is_frozen_at_its_finalize(demo_services: Services) -> None:
    services = demo_services
    billed = _billed_visits(services)
    snapshots = services.db.execute(
        "SELECT visit_id, version, made_at FROM claim_snapshots ORDER BY visit_id"
    ).fetchall()
    assert len(billed) > 2400
    assert [visit_id for visit_id, _, _ in snapshots] == list(billed)  # one each, no other
    assert all(v == 1 and from_db_time(made) == billed[i] for i, v, made in snapshots)
    frozen = services.db.execute("SELECT count(*) FROM audit_log WHERE action = 'claim_frozen'")
    assert frozen.fetchone()[0] == len(billed)
    # A reprint reads the bill frozen at finalize (nothing is frozen anew): the visit's lines,
    # issued on its day, anchored at its finalize entry.
    for visit_id in list(billed)[::97]:
        visit = services.visits.visit(visit_id)
        claim = frozen_claims.frozen_day(services, visit)
        assert claim.claim_lines == tuple(services.visits.claim_lines(visit_id))
        assert claim.superbill.generated_on == visit.date_of_service
        assert claim.superbill.audit_anchor == services.audit_anchor(visit_id)
    again = services.db.execute("SELECT count(*) FROM claim_snapshots").fetchone()[0]
    assert again == len(snapshots)


def test_claims_are_filed_days_after_their_visits(demo_services: Services) -> None:
    services = demo_services
    billed = _billed_visits(services)
    filed = services.db.execute(
        "SELECT s.visit_id, s.sent_on, s.how, v.date_of_service, v.payer_id FROM "
        "claim_submissions s JOIN visits v ON v.id = s.visit_id ORDER BY s.id"
    ).fetchall()
    assert len({row[0] for row in filed}) == len(filed) > 2000  # each claim filed once
    lags = []
    for visit_id, sent_on, how, day, payer_id in filed:
        assert visit_id in billed  # a finalized visit's frozen claim
        assert how == ("printed" if payer_id is None else "sent")
        sent, served = date.fromisoformat(sent_on), date.fromisoformat(day)
        assert served <= sent <= TODAY
        if payer_id is None:
            assert sent == served  # a cash patient's superbill, printed as the visit ends
        else:
            lags.append((sent - served).days)
    assert 1 <= statistics.median(lags) <= 5 and max(lags) <= 14
    unfiled = services.db.execute(
        "SELECT v.date_of_service FROM visits v WHERE v.status = 'finalized' "
        "AND v.payer_id IS NOT NULL AND EXISTS (SELECT 1 FROM claim_lines c "
        "WHERE c.visit_id = v.id) AND NOT EXISTS (SELECT 1 FROM claim_submissions s "
        "WHERE s.visit_id = v.id)"
    ).fetchall()
    assert unfiled  # the last days' claims are still to file
    assert all(date.fromisoformat(day) > TODAY - timedelta(days=14) for (day,) in unfiled)
    assert services.filing.claims_to_file() == []  # none near its payer's filing limit


def test_authorizations_cover_the_visits_counted_on_them(demo_services: Services) -> None:
    services = demo_services
    wanted = [
        p for p in services.records.payers()
        if services.authorizations.payer_limits(p.id).requires_authorization
    ]  # fmt: skip
    assert [p.medicare for p in wanted] == [False]  # the commercial plan; Medicare needs none
    limits = services.authorizations.payer_limits(wanted[0].id)
    assert (limits.visits_per_year, limits.timely_filing_days) == (120, 90)
    patients = [p.id for p in services.records.search_patients("") if p.payer_id == wanted[0].id]
    assert patients
    renewals = 0
    for patient_id in patients:
        usage = services.authorizations.usage(patient_id)
        days = services.db.execute(
            "SELECT count(DISTINCT date_of_service) FROM visits WHERE patient_id = ? "
            "AND payer_id = ? AND status = 'finalized'",
            (patient_id, wanted[0].id),
        ).fetchone()[0]
        assert usage and sum(u.visits_used for u in usage) == days  # every billed day counted
        for used in usage:
            auth = used.authorization
            assert auth.visits is not None and 0 < used.visits_used <= auth.visits
            if auth.renews_id is not None:
                renewals += 1
                renewed = next(
                    u.authorization for u in usage if u.authorization.id == auth.renews_id
                )
                assert renewed.valid_from < auth.valid_from
        for (visit_id,) in services.db.execute(
            "SELECT id FROM visits WHERE patient_id = ? AND status = 'finalized'", (patient_id,)
        ).fetchall():
            check = services.authorizations.check_visit(visit_id)
            assert check.status is not None and check.status.authorization is not None
            assert not [w.message for w in check.warnings if w.carc], visit_id
    assert renewals > 0


def test_cost_shares_on_file_for_the_insured(demo_services: Services) -> None:
    services = demo_services
    medicare = {p.id for p in services.records.payers() if p.medicare}
    for patient in services.records.search_patients(""):
        share = services.ledger.cost_share(patient.id, TODAY)
        if patient.payer_id is None:
            assert share is None
        elif patient.payer_id in medicare:
            assert share is not None and (share.copay, share.coinsurance_percent) == (0, 20)
        else:  # the commercial plan's copay, changed when its plan year turned
            assert share is not None and share.copay > 0
            assert share.effective_from == date(TODAY.year, 1, 1)
            earlier = services.ledger.cost_share(patient.id, date(TODAY.year - 1, 12, 31))
            assert earlier is not None and earlier.copay < share.copay


def test_kx_is_confirmed_once_a_year_before_the_first_kx_line(demo_services: Services) -> None:
    services = demo_services
    first_kx = {
        (patient_id, int(year)): from_db_time(at)
        for patient_id, year, at in services.db.execute(
            "SELECT v.patient_id, substr(v.date_of_service, 1, 4), min(v.finalized_at) "
            "FROM claim_lines l JOIN visits v ON v.id = l.visit_id "
            "WHERE ' ' || l.modifiers || ' ' LIKE '% KX %' GROUP BY 1, 2"
        )
    }
    confirmed = {
        (patient_id, year): (by, from_db_time(at))
        for patient_id, year, by, at in services.db.execute(
            "SELECT patient_id, year, confirmed_by, confirmed_at FROM kx_confirmations"
        )
    }
    assert len(first_kx) > 10
    assert set(confirmed) == set(first_kx)  # confirmed where KX went on a line, only there
    for key, (by, at) in confirmed.items():
        assert by == "Dana Reyes" and at == first_kx[key]  # at the finalize that needed it


def test_abns_put_ga_in_place_of_kx_on_the_lines_they_cover(demo_services: Services) -> None:
    services = demo_services
    medicare = {p.id for p in services.records.payers() if p.medicare}
    abns = services.db.execute("SELECT patient_id, signed_on, last_day, codes FROM abns")
    covered = 0
    for patient_id, signed_on, last_day, codes in abns.fetchall():
        assert services.records.patient(patient_id).payer_id in medicare
        signed = date.fromisoformat(signed_on)
        # signed at an episode's start, the year's allowed already past the KX threshold
        ytd = billing.ytd_allowed(services.ctx, patient_id, signed.year, before=signed).total
        assert ytd >= services.book.year(signed.year).kx_threshold["pt_slp"]
        lines = services.db.execute(
            "SELECT l.code, l.modifiers FROM claim_lines l JOIN visits v ON v.id = l.visit_id "
            "WHERE v.patient_id = ? AND v.date_of_service BETWEEN ? AND ?",
            (patient_id, signed_on, last_day),
        ).fetchall()
        for code, modifiers in lines:
            marks = modifiers.split()
            if code in codes.split():
                covered += 1
                assert "GA" in marks and "KX" not in marks
            else:
                assert "GA" not in marks
    assert covered > 0


def test_a_distinct_service_modifier_on_each_pair_that_allows_one(
    demo_services: Services,
) -> None:
    services = demo_services
    chosen = services.db.execute(
        "SELECT c.visit_id, c.code, m.modifier FROM visit_code_modifiers m "
        "JOIN visit_codes c ON c.id = m.visit_code_id"
    ).fetchall()
    assert chosen and {m for _, _, m in chosen} == {"59"}
    marked = {(visit_id, code) for visit_id, code, _ in chosen}
    billed: dict[int, dict[str, list[str]]] = {}
    days: dict[int, date] = {}
    for visit_id, code, modifiers, day in services.db.execute(
        "SELECT l.visit_id, l.code, l.modifiers, v.date_of_service FROM claim_lines l "
        "JOIN visits v ON v.id = l.visit_id"
    ):
        billed.setdefault(visit_id, {})[code] = modifiers.split()
        days[visit_id] = date.fromisoformat(day)
    settled = set()
    for visit_id, codes in billed.items():
        for pair in services.book.year(days[visit_id].year).pairs:
            if pair.column1 in codes and pair.column2 in codes and pair.modifier_indicator == "1":
                settled.add((visit_id, pair.column2))
    assert settled == marked  # chosen on each pair that allows one, and nowhere else
    with_59 = {
        (v, code) for v, codes in billed.items() for code, mods in codes.items() if "59" in mods
    }
    assert with_59 == marked  # and carried onto the claim line

"""Use cases over the local store. No Qt, no SQL: they call ``chargeclock.storage`` and the domain.

Build one :class:`~chargeclock.services.session.Services` per window::

    services = Services.open(path, SystemClock())      # creates, migrates, locks (0600 file)
    report = services.recovery.begin_session()         # what an unclean exit left running
    services.daily_backup()                            # one consistent copy a day, last 14 kept

Every mutation commits (WAL, ``synchronous=FULL``) before it returns and returns what changed;
bad input raises :class:`~chargeclock.domain.errors.InputError` naming the field, with nothing
saved. Times are aware UTC datetimes; dates of service are in the clinic's zone.

Visits — ``services.visits`` (:class:`~chargeclock.services.visits.VisitService`)
    ``open_visit(patient_id, *, date_of_service=None, rendering_provider_id=None,
    supervising_provider_id=None, place_of_service="11", discipline="PT", codes=()) -> VisitState``
    ``visit_state(visit_id) -> VisitState`` — the read model; poll it after a change, not per tick
    ``visits_of_day(day=None) -> list[VisitRow]``, ``visits_of_patient(patient_id)``
    ``add_code(visit_id, code) -> VisitState``; ``remove_code(visit_id, code, reason="")``
    ``set_untimed(visit_id, code, furnished_by, pt_minutes=None, pta_minutes=None) -> VisitState``
    ``start_timer(visit_id, code, role) -> TimerChange`` (stops that role's other code)
    ``stop_timer(visit_id, role, code=None) -> TimerChange``; ``toggle_timer(visit_id, code, role)``
    ``stop_all(visit_id) -> TimerChange``: what the tap wrote (``started``, ``stopped``, ``codes``);
    ``change.applied_to(held_state)`` the state after it with no read, ``change.state`` read
    when first asked for (:mod:`chargeclock.services.timer_change`)
    ``edit_segment(segment_id, *, started_at, stopped_at, reason) -> VisitState`` (audited)
    ``add_segment(visit_id, code, role, *, started_at, stopped_at, reason) -> VisitState``
    ``delete_segment(segment_id, reason) -> VisitState``
    ``set_tie_choice(visit_id, codes | None) -> VisitState``
    ``set_place_of_service(visit_id, place) -> VisitState`` (an open visit; one of
    :data:`~chargeclock.domain.places.PLACES`; audited old -> new)
    ``finalize(visit_id) -> Finalized`` (refuses while timers run; same-day visits pooled)
    ``reopen_for_correction(visit_id, reason) -> VisitState``; ``void_visit(visit_id, reason)``
    ``claim_lines(visit_id) -> list[ClaimLineRow]``; ``bill(visit_id) -> BillRow | None``

Live calculation, per second, without a query — :mod:`chargeclock.services.minutes`
    ``CodeState.role_seconds(role, now) -> int`` and ``CodeState.is_running(role)`` for mm:ss
    ``service_minutes(state, now) -> tuple[ServiceMinutes, ...]`` (this visit alone)
    ``visit_input(state, now, tie_choice=None) -> VisitInput`` (the whole day, for the engine)
    ``services.live_result(state, tie_choice=None) -> VisitResult``

Records — ``services.records`` (:class:`~chargeclock.services.records.RecordService`)
    practice (``save_practice``), ``add_provider`` (NPI check digit; a PTA's supervising PT),
    ``add_user`` / ``check_pin`` (salted scrypt), ``add_payer``, ``add_referring_provider``,
    ``add_patient(..., diagnoses=[ICD-10-CM], prior_spend=None) -> (PatientRow, checks)``,
    ``set_diagnoses``, ``search_patients``, ``set_prior_spend``, ``add_plan_of_care``,
    ``record_progress_report``, ``record_payment``, ``payments``, ``set_favourite_codes``,
    ``import_fees(file, year=None, charges=False) -> FeeImport``

Authorizations and payer limits — ``services.authorizations``
    ``add_authorization(patient_id, number, valid_from, valid_to, *, payer_id=None, visits=None,
    units=None, codes=(), notes="", renews_id=None)``, ``renew(id, ...)``, ``withdraw(id, reason)``,
    ``usage(patient_id)``, ``set_payer_limits(payer_id, *, requires_authorization,
    visits_per_year, timely_filing_days)``, ``check_visit(visit_id) -> PayerCheck`` (the line
    "visit 7 of 12 · until 03/31" and the CO-197/198/119/29 warnings)
    ``services.filing``: ``claims_to_file(within_days=30)``, ``mark_sent(visit_id, how="sent")``

The ledger — ``services.ledger``: ``ledger(patient_id, as_of=None) -> Ledger`` (entries, running
    balance, totals, ageing), ``add_adjustment(patient_id, type, amount, ...)``,
    ``reverse_payment(payment_id, reason)``, ``reverse_entry(patient_id, entry_id, reason)``,
    ``set_cost_share(patient_id, copay, coinsurance_percent)``, ``expected_at_check_in(...)``
Claims — ``services.claims`` (:class:`~chargeclock.services.claim_details.ClaimDetails`): a
    patient's claim fields (group, subscriber, onset, injury, claim number, employer, accident
    state), a provider's licence state, a referring practitioner's qualification;
    ``services.plans`` (:mod:`~chargeclock.services.plan_certification`): ``certify``,
    ``record_referral`` (the 2025 exception), ``discharge``, ``set_recertification_days``;
    frozen superbills: :mod:`~chargeclock.services.frozen_claims` (``frozen_day``,
    ``versions_of``, ``billed_total``).

Status — ``services.ytd_allowed(patient_id, year, bucket="pt_slp") -> YearToDate``,
    ``services.progress_report_status(patient_id)``, ``services.plan_of_care_status(patient_id)``

Recovery — ``services.recovery``: ``begin_session() -> RecoveryReport`` (``timers`` left by a
    crash, each with its own ``last_seen``; ``kept``: running after a clean exit), ``beat()``,
    ``report()``, ``keep_running(ids)``, ``stop_at_last_seen(ids)``, ``stop_at(id, when, reason)``,
    ``end_session()`` (``services.close()`` calls it)

The privacy lock — ``services.unlock``: ``pin_needed()``, ``try_pin(user_id, pin) -> PinAttempt``
    (wrong PINs back off, persisted and audited), ``backoff()``, ``wait_seconds()``,
    ``running_clocks()`` (running timers by patient initials)

Audit and backups — ``services.audit_entries(entity=None, entity_id=None)``,
    ``services.verify_audit(anchors=(), key_files=()) -> AuditReport`` (docs/audit.md),
    ``services.audit_anchor(visit_id=None)`` (the line a superbill prints),
    ``services.backup_now()``, ``services.daily_backup()``;
    restore: :func:`chargeclock.services.backups.restore`.

Outside the window — :mod:`chargeclock.services.timer_control` (``chargeclock timer``, opened
    with ``Services.open_beside``); :class:`~chargeclock.services.store_watch.StoreWatch`
    ``poll() -> Changes`` (what other processes committed); every running timer:
    :func:`chargeclock.services.running.running_clocks`.

Demo — :func:`chargeclock.services.demo.build_demo(path, today=..., seed=2026)`.
"""

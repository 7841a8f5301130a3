"""What the week's done items change: decisions on social assistance, assessments, dialogue
meetings, and follow-up sessions acting on the route and arena that fit the user.

Effects are sized to what evaluations find (Card, Kluve & Weber 2018): job-search help raises a
jobseeker's job finding a little for a few weeks; activation raises recovery from sick leave and
AAP a little; work sessions build the work arena slowly, more for those far from work, so the
effect on employment grows over two to three years; housing and social sessions help housing,
activity and debts. Progress since the last session decides parking (003:593-605).
"""

from __future__ import annotations

import numpy as np

from ..population import Citizens, pay_assistance
from ..vocabulary import Arena, Benefit, NeedLevel
from .state import OfficeWeek
from .work import SESSION_KIND, WorkItems, WorkKind, portfolio_held

#: the WorkKind of the sessions of each follow-up row, and the benefit codes follow-up reads, as
#: :func:`simulation.kernels.office.follow_up_sessions` takes them
SESSION_KINDS = np.array(SESSION_KIND, dtype=np.int64)
FOLLOW_UP_CODES = np.array([Benefit.SICK_PAY, Benefit.WORK_ASSESSMENT_ALLOWANCE, Benefit.SOCIAL_ASSISTANCE,
                            Benefit.QUALIFICATION_PROGRAMME, Benefit.DISABILITY_BENEFIT], dtype=np.int64)
#: no self-assessment draws (intakes outside a group call-in)
_NO_DRAWS = np.zeros(0)


def session_gain(fu, competence, sessions_before, arenas_lost, hours):
    """Progress from one follow-up session, before the arena-specific effect sizes.

    ``gain = hours * competence * continuity / (1 + time_per_arena_lost * arenas_lost)``
    where continuity rises from ``continuity_start`` on the first session with a caseworker to
    1 after ``continuity_sessions`` sessions (a fixed contact person, 003:367-369,
    004:5451-5457). The more arenas lost, the more time the same progress takes (004:2942-2968).
    """
    continuity = fu.continuity_start + (1.0 - fu.continuity_start) * np.minimum(
        sessions_before, fu.continuity_sessions) / fu.continuity_sessions
    return hours * competence * continuity / (1.0 + fu.time_per_arena_lost * arenas_lost) * fu.effect_scale


def decision_period(office, cw: np.ndarray) -> np.ndarray:
    """Weeks a decision lasts: the recommended month, longer as the caseworker's pressure grows
    (up to three months, 003:1002-1008). (Compiled caseworker by caseworker in
    ``kernels.office.decision_weeks``; this is the form the tests check that against.)"""
    o = office.s.office
    p = office.staff.pressure[cw]
    return np.clip(np.round(o.decision_period_weeks * np.maximum(p, 1.0)), o.decision_period_weeks,
                   max(o.longest_decision_period_weeks, o.decision_period_weeks)).astype(np.int32)


def intakes(office, c: Citizens, items: WorkItems, done: np.ndarray, week: int, lost: np.ndarray, rng,
            wk: OfficeWeek) -> None:
    """The intakes held: the user is registered and the follow-up clock starts; the need level is
    set, self-assessed at a group call-in, where some place it too low (002:7992-8000)
    (:func:`simulation.kernels.office.intakes_done`)."""
    from ..kernels.office import intakes_done  # numba only where used (command-line start-up)

    us, o = office.users, office.s.office
    call_in = o.reception == "group_call_in"
    # a draw per intake held, at a group call-in only
    error_draws = rng.random(int(np.count_nonzero(done & (items.kind == WorkKind.INTAKE)))) if call_in else _NO_DRAWS
    wk.intakes = intakes_done(items.who, items.kind, done, int(WorkKind.INTAKE), week, lost, c.health, c.benefit,
                              int(Benefit.DISABILITY_BENEFIT), call_in, error_draws, o.self_assessment_error,
                              int(NeedLevel.STANDARD), us.intake_due, us.registered, us.last_session, us.need_level)


def social_assistance(office, c: Citizens, items: WorkItems, done: np.ndarray, week: int, wk: OfficeWeek) -> None:
    """Decisions: grant an application for one decision period (:func:`decision_period`); at a
    renewal, renew while the user has no means, else stop. A job found mid-period ends assistance
    only at the next decision. Knowing the user: a contact about money with the caseworker who
    also follows the user up counts toward their relationship (one person for money and work,
    002:4536-4544). One compiled pass over the items
    (:func:`simulation.kernels.office.decisions_and_renewals`); the payments after it."""
    from ..kernels.office import decisions_and_renewals  # numba only where used (command-line start-up)

    us, o = office.users, office.s.office
    paid = office.workspace.array("paid", len(items.who), np.int64)
    decisions, renewals, stopped, waited, granted_weeks, renewed_weeks, n_paid = decisions_and_renewals(
        items.who, items.cw, items.kind, done, int(WorkKind.DECISION), int(WorkKind.RENEWAL), week,
        office.s.arenas.loss_threshold, o.decision_period_weeks, o.longest_decision_period_weeks, int(Benefit.NONE),
        int(Benefit.SOCIAL_ASSISTANCE), office.staff.pressure, us.cw, us.sa_applied, us.sa_pending, us.next_renewal,
        us.sessions_same, c.benefit, c.benefit_weeks, c.employed, c.sa_top_up, c.arenas[Arena.ECONOMY], paid)
    wk.decisions, wk.renewals, wk.sa_stopped = int(decisions), int(renewals), int(stopped)
    wk.decision_wait_weeks = float(waited)
    wk.decision_period_weeks += float(granted_weeks)
    wk.decision_period_weeks += float(renewed_weeks)
    pay_assistance(c, paid[:n_paid], week)


def assessments(office, c: Citizens, items: WorkItems, done: np.ndarray, lost: np.ndarray, wk: OfficeWeek) -> None:
    """Work-ability assessment: the need level is set, and disability can now be decided
    (:func:`simulation.kernels.office.assessments_done`)."""
    from ..kernels.office import assessments_done  # numba only where used (command-line start-up)

    wk.assessments = assessments_done(items.who, items.kind, done, int(WorkKind.ASSESSMENT), lost, c.health, c.benefit,
                                      int(Benefit.DISABILITY_BENEFIT), c.work_ability_assessed, office.users.need_level)


def dialogue_meetings(office, c: Citizens, items: WorkItems, done: np.ndarray, week: int, wk: OfficeWeek) -> None:
    """The dialogue meeting with worker, employer and doctor: activation and graded return
    (:func:`simulation.kernels.office.dialogue_meetings_done`)."""
    from ..kernels.office import dialogue_meetings_done  # numba only where used (command-line start-up)

    us, s = office.users, office.s
    wk.dialogue_meetings = dialogue_meetings_done(
        items.who, items.kind, done, int(WorkKind.DIALOGUE), week, s.follow_up.graded_return_weeks,
        np.float32(s.office.dialogue_meeting_hours), us.dialogue_held, c.graded_return_until, us.sessions_week,
        us.hours_week)


def follow_up(office, c: Citizens, items: WorkItems, done: np.ndarray, ratio: np.ndarray, week: int,
              lost: np.ndarray, rng, wk: OfficeWeek) -> None:
    """Sessions held this week, and what they change: progress (:func:`session_gain`) on the arenas
    the session works on; a work session acts on the route that fits the user (job-search help
    for jobseekers, activation and graded return for the sick and AAP users), builds the work arena
    a little, more for those far from work, and may start a long-term social-assistance user on
    the qualification programme; without progress under pressure, a user is parked (003:593-605).
    One compiled call, row by row (:func:`simulation.kernels.office.follow_up_sessions`)."""
    from ..kernels.office import follow_up_sessions  # numba only where used (command-line start-up)

    us, s, staff = office.users, office.s, office.staff
    fu, o = s.follow_up, s.office
    effects = np.array([fu.continuity_start, fu.time_per_arena_lost, fu.effect_scale, fu.portfolio_effect,
                        fu.work_effect, fu.housing_effect, fu.activity_effect, fu.economy_effect,
                        fu.qualification_uptake])
    rules = np.array([fu.continuity_sessions, fu.graded_return_weeks, fu.job_search_help_weeks,
                      o.parking_after_failures, o.parking_review_weeks], dtype=np.int64)
    # the uptake of the qualification programme: a draw per work session held
    held = int(np.count_nonzero(done & (items.kind == SESSION_KIND[0])))
    draws = rng.random(held) if held else np.zeros(0)
    slipped, wk.sessions[:], early, first, first_wait, parked, starts = follow_up_sessions(
        items.who, items.cw, items.kind, items.hours, done, ratio, SESSION_KINDS, week, lost, staff.competence,
        staff.pressure, draws, effects, rules, portfolio_held(office), s.arenas.loss_threshold, fu.reassessment_hours,
        o.service_hours_per_user, FOLLOW_UP_CODES, us.cw, us.had_session, us.intake_week, us.sessions_week,
        us.hours_week, us.sessions_same, us.reassess, us.last_session, us.last_position, us.failures, us.parked_until,
        us.need_level, c.arenas, c.benefit, c.benefit_weeks, c.health, c.substance_use, c.language,
        c.graded_return_until, c.job_search_help_until)
    wk.slipped_sessions += slipped
    wk.early_sessions += early
    wk.first_follow_ups += first
    wk.first_follow_up_wait_weeks += float(first_wait)
    wk.parked += parked
    wk.qualification_starts += starts

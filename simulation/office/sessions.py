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
from ..vocabulary import Arena, Benefit, NeedLevel, Task
from .state import FOLLOW_UP_TASKS, OfficeWeek
from .work import SESSION_KIND, WorkItems, WorkKind, extra_hours, need_level, portfolio_need


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
    (up to three months, 003:1002-1008)."""
    o = office.s.office
    p = office.staff.pressure[cw]
    return np.clip(np.round(o.decision_period_weeks * np.maximum(p, 1.0)), o.decision_period_weeks,
                   max(o.longest_decision_period_weeks, o.decision_period_weeks)).astype(np.int32)


def intakes(office, c: Citizens, who: np.ndarray, week: int, lost: np.ndarray, rng, wk: OfficeWeek) -> None:
    us, o = office.users, office.s.office
    wk.intakes = len(who)
    us.intake_due[who] = False
    us.registered[who] = True
    # the intake conversation starts the follow-up clock: the first session comes one interval later
    us.last_session[:, who] = week
    level = need_level(c, who, lost[who])
    if o.reception == "group_call_in":   # self-assessed needs: some placed too low (002:7992-8000)
        level = np.where(rng.random(len(who)) < o.self_assessment_error, NeedLevel.STANDARD, level)
    us.need_level[who] = level


def social_assistance(office, c: Citizens, items: WorkItems, done: np.ndarray, week: int, wk: OfficeWeek) -> None:
    """Decisions: grant an application for one decision period; at a renewal, renew while the
    user has no means, else stop. A job found mid-period ends assistance only at the next decision."""
    us = office.users
    theta = office.s.arenas.loss_threshold
    sel = done & (items.kind == WorkKind.DECISION)
    who, cw = items.who[sel], items.cw[sel]
    wk.decisions = len(who)
    wk.decision_wait_weeks = float((week - us.sa_applied[who]).sum())
    main = (c.benefit[who] == Benefit.NONE) & ~c.employed[who]
    c.benefit[who[main]] = Benefit.SOCIAL_ASSISTANCE
    c.benefit_weeks[who[main]] = 0
    c.sa_top_up[who[~main]] = True
    pay_assistance(c, who, week)
    us.sa_pending[who] = False
    _same_person(office, who, cw)
    period = decision_period(office, cw)
    us.next_renewal[who] = week + period
    wk.decision_period_weeks += float(period.sum())

    sel = done & (items.kind == WorkKind.RENEWAL)
    who, cw = items.who[sel], items.cw[sel]
    wk.renewals = len(who)
    _same_person(office, who, cw)
    means = c.arenas[Arena.ECONOMY, who] >= theta
    stop = who[means]
    c.benefit[stop[c.benefit[stop] == Benefit.SOCIAL_ASSISTANCE]] = Benefit.NONE
    c.sa_top_up[stop] = False
    wk.sa_stopped = len(stop)
    # still in need: renew; someone now in work or on a state benefit keeps it as a top-up
    keep = who[~means]
    moved_on = keep[(c.benefit[keep] == Benefit.SOCIAL_ASSISTANCE) & c.employed[keep]]
    c.benefit[moved_on] = Benefit.NONE
    c.sa_top_up[moved_on] = True
    period = decision_period(office, cw[~means])
    us.next_renewal[keep] = week + period
    pay_assistance(c, keep, week)
    wk.decision_period_weeks += float(period.sum())


def _same_person(office, who: np.ndarray, cw: np.ndarray) -> None:
    """Knowing the user: a contact about money with the caseworker who also follows the user up
    counts toward their relationship (one person for money and work, 002:4536-4544)."""
    us = office.users
    for row, task in enumerate(FOLLOW_UP_TASKS):
        same = us.cw[task, who] == cw
        us.sessions_same[row, who[same]] += 1


def assessments(office, c: Citizens, who: np.ndarray, lost: np.ndarray, wk: OfficeWeek) -> None:
    """Work-ability assessment: the need level is set, and disability can now be decided."""
    wk.assessments = len(who)
    c.work_ability_assessed[who] = True
    office.users.need_level[who] = need_level(c, who, lost[who])


def dialogue_meetings(office, c: Citizens, who: np.ndarray, week: int, wk: OfficeWeek) -> None:
    """The dialogue meeting with worker, employer and doctor: activation and graded return."""
    wk.dialogue_meetings = len(who)
    office.users.dialogue_held[who] = True
    c.graded_return_until[who] = week + office.s.follow_up.graded_return_weeks
    office.users.sessions_week[who] += 1
    office.users.hours_week[who] += office.s.office.dialogue_meeting_hours


def follow_up(office, c: Citizens, items: WorkItems, done: np.ndarray, ratio: np.ndarray, week: int,
              lost: np.ndarray, rng, wk: OfficeWeek) -> None:
    """Sessions held this week, and what they change."""
    us, s = office.users, office.s
    fu, o = s.follow_up, s.office
    theta = s.arenas.loss_threshold
    a = c.arenas
    for row, task in enumerate(FOLLOW_UP_TASKS):
        is_kind = items.kind == SESSION_KIND[row]
        wk.slipped_sessions += int((is_kind & ~done & (ratio >= 1.0)).sum())
        sel = is_kind & done
        i, cw, hours = items.who[sel], items.cw[sel], items.hours[sel]
        wk.sessions[row] = len(i)
        wk.early_sessions += int((ratio[sel] < 1.0).sum())
        if not len(i):
            continue
        first = ~us.had_session[i]
        wk.first_follow_ups += int(first.sum())
        wk.first_follow_up_wait_weeks += float((week - us.intake_week[i[first]]).sum())
        us.had_session[i] = True
        us.sessions_week[i] += 1
        us.hours_week[i] += hours
        same = us.sessions_same[row, i]
        own = cw == us.cw[task, i]            # held by the user's own caseworker, not a colleague covering
        comp = office.staff.competence[cw, task]
        useful = np.maximum(hours - extra_hours(office, c, row, i), 0.0)   # reading the case makes no progress
        gain = session_gain(fu, comp, np.where(own, same, 0), lost[i], useful)
        if row == 1 and s.office.portfolio:
            gain = gain * (1.0 + fu.portfolio_effect * portfolio_need(office, c, i))
        us.reassess[row, i[own]] = False
        if task == Task.WORK:
            _work_session(office, c, i, gain, week, rng, wk)
        else:
            for arena, size in ((Arena.HOUSING, fu.housing_effect), (Arena.ACTIVITY, fu.activity_effect),
                                (Arena.ECONOMY, fu.economy_effect)):
                a[arena, i] = np.minimum(a[arena, i] + size * gain, 1.0)
        us.sessions_same[row, i] = np.where(own, same + 1, same)
        us.last_session[row, i] = week
        # progress since the last session; under pressure, users without progress are parked (003:593-605)
        now = a[:, i]
        pos = now.mean(axis=0)
        progressed = pos > us.last_position[i] + 1e-9
        us.failures[i] = np.where(progressed, 0, us.failures[i] + 1)
        us.last_position[i] = pos
        if o.parking_after_failures > 0:
            park = (us.failures[i] >= o.parking_after_failures) & (office.staff.pressure[cw] > 1.0)
            us.parked_until[i[park]] = week + o.parking_review_weeks
            us.failures[i[park]] = 0
            wk.parked += int(park.sum())
        us.need_level[i] = need_level(c, i, (now < theta).sum(axis=0))


def _work_session(office, c: Citizens, i: np.ndarray, gain: np.ndarray, week: int, rng, wk: OfficeWeek) -> None:
    """A work session acts on the route that fits: job-search help for jobseekers, activation
    and graded return for the sick and AAP users; for all, the work arena builds a little, more
    for those far from work; long-term social-assistance users may start the qualification programme."""
    fu = office.s.follow_up
    a = c.arenas
    a[Arena.WORK, i] = np.minimum(a[Arena.WORK, i] + fu.work_effect * gain * (1.0 - a[Arena.WORK, i]), 1.0)
    ben = c.benefit[i]
    sick = (ben == Benefit.SICK_PAY) | (ben == Benefit.WORK_ASSESSMENT_ALLOWANCE)
    c.graded_return_until[i[sick]] = week + fu.graded_return_weeks
    c.job_search_help_until[i[~sick]] = week + fu.job_search_help_weeks
    kvp = ((ben == Benefit.SOCIAL_ASSISTANCE) & (c.benefit_weeks[i] >= 26)
           & (office.users.need_level[i] >= NeedLevel.SPECIAL) & (rng.random(len(i)) < fu.qualification_uptake))
    c.benefit[i[kvp]] = Benefit.QUALIFICATION_PROGRAMME
    c.benefit_weeks[i[kvp]] = 0
    wk.qualification_starts += int(kvp.sum())

"""The week's work items: what each caseworker is asked to do, as parallel arrays.

Rule work comes from deadlines (applications, renewals, assessments, dialogue meetings,
hand-offs). Follow-up comes from each caseworker's appointment book: a user's next session is
due one norm interval (by need level, or the unit's own norm) after the last. Norms are not
promises: a session not held when due *slips* to the next week, and with hours to spare a
caseworker brings sessions forward, down to ``tightest_interval_share`` of the norm
(:class:`~.crowding_out.Priority` ``EARLY_FOLLOW_UP``). So contact frequency follows capacity.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from ..population import Citizens
from ..vocabulary import Activity, Arena, Benefit, NeedLevel, Task, by_member
from . import creaming
from .crowding_out import Priority
from .state import FOLLOW_UP_TASKS


class WorkKind(IntEnum):
    INTAKE = 0
    DECISION = 1            # a new social-assistance application
    RENEWAL = 2             # the end of a decision period: renew or stop
    COORDINATION = 3        # receiving a handed-off user
    ASSESSMENT = 4          # work-ability assessment of a new AAP user
    DIALOGUE = 5            # dialogue meeting with a worker on long sick leave
    WORK_SESSION = 6
    HOUSING_SOCIAL_SESSION = 7


KIND_ACTIVITY = by_member(WorkKind, {
    WorkKind.INTAKE: Activity.INTAKE, WorkKind.DECISION: Activity.DECISIONS, WorkKind.RENEWAL: Activity.DECISIONS,
    WorkKind.COORDINATION: Activity.COORDINATION, WorkKind.ASSESSMENT: Activity.DECISIONS,
    WorkKind.DIALOGUE: Activity.FOLLOW_UP, WorkKind.WORK_SESSION: Activity.FOLLOW_UP,
    WorkKind.HOUSING_SOCIAL_SESSION: Activity.FOLLOW_UP}, dtype=np.int64)
#: the task whose experience an item builds (coordination: none, a spare last column)
KIND_TASK = by_member(WorkKind, {
    WorkKind.INTAKE: Task.INTAKE, WorkKind.DECISION: Task.ECONOMIC, WorkKind.RENEWAL: Task.ECONOMIC,
    WorkKind.COORDINATION: len(Task), WorkKind.ASSESSMENT: Task.WORK, WorkKind.DIALOGUE: Task.WORK,
    WorkKind.WORK_SESSION: Task.WORK, WorkKind.HOUSING_SOCIAL_SESSION: Task.HOUSING_SOCIAL}, dtype=np.int64)
SESSION_KIND = (WorkKind.WORK_SESSION, WorkKind.HOUSING_SOCIAL_SESSION)   # by row of FOLLOW_UP_TASKS
FOLLOW_UP_KINDS = (WorkKind.DIALOGUE, WorkKind.WORK_SESSION, WorkKind.HOUSING_SOCIAL_SESSION)
#: weeks of long sick leave before NAV's follow-up starts (activity requirement at 8 weeks)
SICK_LEAVE_FOLLOW_UP_WEEKS = 8
#: the dialogue meeting is held by week 26 of sick leave (Norwegian rules)
DIALOGUE_WEEK = 26


@dataclass
class WorkItems:
    """All work items of a week, one entry each."""

    cw: np.ndarray        # caseworker
    klass: np.ndarray     # Priority
    key: np.ndarray       # order within a class (lower first)
    hours: np.ndarray
    kind: np.ndarray      # WorkKind
    who: np.ndarray       # population slot (-1 for coordination)

    def done_of(self, done: np.ndarray, kind: WorkKind) -> np.ndarray:
        return self.who[done & (self.kind == kind)]


class _Builder:
    def __init__(self):
        self.parts: list[tuple] = []

    def add(self, cw, klass, key, hours, kind, who) -> None:
        n = len(cw)
        self.parts.append((cw, np.full(n, klass, np.int8), np.asarray(key, np.float64),
                           np.broadcast_to(np.asarray(hours, np.float64), (n,)), np.full(n, kind, np.int8), who))

    def demand(self, n_staff: int, klass_below: int) -> np.ndarray:
        out = np.zeros(n_staff)
        for cw, kl, _, hours, _, _ in self.parts:
            if len(cw) and kl[0] < klass_below:
                out += np.bincount(cw, weights=hours, minlength=n_staff)
        return out

    def build(self) -> WorkItems:
        cols = list(zip(*self.parts)) if self.parts else [[np.zeros(0)]] * 6
        return WorkItems(np.concatenate(cols[0]).astype(np.int64), np.concatenate(cols[1]),
                         np.concatenate(cols[2]), np.concatenate(cols[3]).astype(np.float64),
                         np.concatenate(cols[4]), np.concatenate(cols[5]).astype(np.int64))


def norm_interval(office, c: Citizens, who: np.ndarray, cw: np.ndarray) -> np.ndarray:
    """Norm weeks between sessions: the unit's own norm, else the qualification programme's,
    else by need level."""
    unit_iv = office.unit_interval[office.staff.unit[cw]]
    by_need = office.interval_by_need[office.users.need_level[who]]
    kvp = c.benefit[who] == Benefit.QUALIFICATION_PROGRAMME
    by_need = np.where(kvp, office.s.follow_up.interval_qualification_weeks, by_need)
    return np.where(unit_iv > 0, unit_iv, by_need)


def week_items(office, c: Citizens, week: int, pool: np.ndarray, need_work: np.ndarray, need_hs: np.ndarray,
               coord: np.ndarray) -> tuple[WorkItems, np.ndarray]:
    """The week's work items, and each follow-up item's norm ratio (weeks waited / norm; 0 for rule work).

    ``need_work`` and ``need_hs`` are masks over ``pool`` (slots, in order).
    """
    s, o, us = office.s, office.s.office, office.users
    b = _Builder()
    call_in = o.reception == "group_call_in"
    if not call_in or week % o.call_in_interval_weeks == 0:
        who = pool[us.intake_due[pool] & (us.cw[Task.INTAKE, pool] >= 0)]
        b.add(us.cw[Task.INTAKE, who], Priority.INTAKE, us.intake_week[who],
              o.call_in_hours if call_in else o.intake_hours, WorkKind.INTAKE, who)
    econ = us.cw[Task.ECONOMIC]
    reg, econ_p = us.registered[pool], econ[pool]
    who = pool[us.sa_pending[pool] & reg & (econ_p >= 0)]
    b.add(econ[who], Priority.RULE_WORK, us.sa_applied[who], o.decision_hours, WorkKind.DECISION, who)
    on_sa = (c.benefit[pool] == Benefit.SOCIAL_ASSISTANCE) | c.sa_top_up[pool]
    who = pool[on_sa & (econ_p >= 0) & (us.next_renewal[pool] <= week)]
    b.add(econ[who], Priority.RULE_WORK, us.next_renewal[who], o.renewal_hours, WorkKind.RENEWAL, who)
    b.add(coord, Priority.RULE_WORK, np.full(len(coord), week), o.handoff_hours, WorkKind.COORDINATION,
          np.full(len(coord), -1))
    work_cw = us.cw[Task.WORK]
    has_work_cw = reg & (work_cw[pool] >= 0)
    ben, bw = c.benefit[pool], c.benefit_weeks[pool]
    who = pool[has_work_cw & (ben == Benefit.WORK_ASSESSMENT_ALLOWANCE) & ~c.work_ability_assessed[pool]]
    b.add(work_cw[who], Priority.RULE_WORK, week - c.benefit_weeks[who], o.assessment_hours, WorkKind.ASSESSMENT, who)
    long_sick = (ben == Benefit.SICK_PAY) & ~c.short_sick[pool]
    who = pool[has_work_cw & long_sick & (bw >= DIALOGUE_WEEK - 4) & ~us.dialogue_held[pool]]
    b.add(work_cw[who], Priority.RULE_WORK, week - c.benefit_weeks[who], o.dialogue_meeting_hours,
          WorkKind.DIALOGUE, who)

    # the appointment book: sessions due (or, with hours to spare, brought forward)
    candidates = []
    for row, (task, need) in enumerate(zip(FOLLOW_UP_TASKS, (need_work, need_hs))):
        cw = us.cw[task]
        cand = pool[reg & need & (cw[pool] >= 0) & (week >= us.blocked_until[pool]) & (week >= us.parked_until[pool])]
        norm = norm_interval(office, c, cand, cw[cand])
        waited = week - np.maximum(us.last_session[row, cand], us.intake_week[cand])
        ratio = waited / norm
        ok = ratio >= np.maximum(o.tightest_interval_share, 1.0 / norm)   # never more than weekly
        candidates.append((row, cand[ok], ratio[ok], waited[ok]))

    # time pressure per caseworker: hours of intake, rule work and due sessions / hours there
    budget = office.staff.budget
    session = s.follow_up.session_hours
    demand = b.demand(len(budget), Priority.DUE_FOLLOW_UP)
    for row, who, ratio, _ in candidates:
        due = ratio >= 1.0
        demand += np.bincount(us.cw[FOLLOW_UP_TASKS[row], who[due]], minlength=len(budget)) * session
    # an absent caseworker (sick, or a vacant post) is under no pressure: their items wait or are covered
    pressure = np.divide(demand, budget, out=np.ones_like(demand), where=budget > 0)
    office.staff.pressure = pressure
    # under pressure sessions are shortened and standardised (graded, 003:984-1000)
    length = session * np.clip(1.0 / np.maximum(pressure, 1e-9), o.shortest_session_share, 1.0)
    w = creaming.pull(pressure, o.creaming_under_pressure)
    ratios = [np.zeros(sum(len(p[0]) for p in b.parts))]
    for row, who, ratio, waited in candidates:
        cw = us.cw[FOLLOW_UP_TASKS[row], who]
        due = ratio >= 1.0
        hours = length[cw] + extra_hours(office, c, row, who)
        key = creaming.order_key(o.priority_rule, c.arenas, who[due], waited[due], w[cw[due]])
        b.add(cw[due], Priority.DUE_FOLLOW_UP, key, hours[due], SESSION_KIND[row], who[due])
        ratios.append(ratio[due])
        early = ~due
        b.add(cw[early], Priority.EARLY_FOLLOW_UP, -ratio[early], hours[early], SESSION_KIND[row], who[early])
        ratios.append(ratio[early])
    return b.build(), np.concatenate(ratios)


def portfolio_need(office, c: Citizens, who: np.ndarray) -> np.ndarray:
    """Users whose need matches a municipal service the office holds (002:6082-6107): substance
    use, a lost home, limited Norwegian (the introduction programme)."""
    held = office.s.office.portfolio
    match = np.zeros(len(who), dtype=bool)
    if "substance_use" in held:
        match |= c.substance_use[who]
    if "housing" in held:
        match |= c.arenas[Arena.HOUSING, who] < office.s.arenas.loss_threshold
    if "introduction" in held:
        match |= c.language[who]
    return match


def extra_hours(office, c: Citizens, row: int, who: np.ndarray) -> np.ndarray:
    """Hours a session takes beyond its length: reading the case after a change of caseworker,
    and, in housing and social follow-up, the service the office holds for the user's need."""
    s = office.s
    extra = office.users.reassess[row, who] * s.follow_up.reassessment_hours
    if row == 1 and s.office.portfolio:
        extra = extra + portfolio_need(office, c, who) * s.office.service_hours_per_user
    return extra


def need_level(c: Citizens, idx: np.ndarray, lost: np.ndarray) -> np.ndarray:
    """Need level from ``lost`` (arenas lost, one per idx) and health (004:1365-1385).

    0 arenas lost: standard; 1: situational; 2 or more, or a health problem: special.
    """
    lv = np.minimum(lost, 2).astype(np.int64) + 1
    lv = np.where(c.health[idx], np.maximum(lv, NeedLevel.SPECIAL), lv)
    return np.where(c.benefit[idx] == Benefit.DISABILITY_BENEFIT, NeedLevel.PERMANENT, lv).astype(np.int8)

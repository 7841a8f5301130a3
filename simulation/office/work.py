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
from typing import TYPE_CHECKING

import numpy as np

from ..population import Citizens
from ..vocabulary import Activity, Arena, Benefit, NeedLevel, Task, by_member
from . import creaming
from .crowding_out import Priority

if TYPE_CHECKING:
    from .office import Needs


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
#: the columns of the week's items and their types
ITEM_COLUMNS = (("item_cw", np.int64), ("item_klass", np.int8), ("item_key", np.float64),
                ("item_hours", np.float64), ("item_kind", np.int8), ("item_who", np.int64))
#: the kind and class of each part of the week's items, in the order they are listed (week_items)
PART_KIND = np.array([WorkKind.INTAKE, WorkKind.DECISION, WorkKind.RENEWAL, WorkKind.COORDINATION,
                      WorkKind.ASSESSMENT, WorkKind.DIALOGUE, WorkKind.WORK_SESSION, WorkKind.WORK_SESSION,
                      WorkKind.HOUSING_SOCIAL_SESSION, WorkKind.HOUSING_SOCIAL_SESSION], dtype=np.int8)
PART_CLASS = np.array([Priority.INTAKE] + [Priority.RULE_WORK] * 5
                      + [Priority.DUE_FOLLOW_UP, Priority.EARLY_FOLLOW_UP] * 2, dtype=np.int8)
#: the benefit codes the week's work items read (:func:`simulation.kernels.office.work_demand`)
WORK_DEMAND_CODES = np.array([Benefit.SOCIAL_ASSISTANCE, Benefit.WORK_ASSESSMENT_ALLOWANCE, Benefit.SICK_PAY,
                              Benefit.QUALIFICATION_PROGRAMME], dtype=np.int64)
#: weeks of long sick leave before NAV's follow-up starts (activity requirement at 8 weeks)
SICK_LEAVE_FOLLOW_UP_WEEKS = 8
#: the dialogue meeting is held by week 26 of sick leave (Norwegian rules)
DIALOGUE_WEEK = 26


@dataclass
class WorkItems:
    """All work items of a week, one entry each (in the office's workspace: valid for the week)."""

    cw: np.ndarray        # caseworker
    klass: np.ndarray     # Priority
    key: np.ndarray       # order within a class (lower first)
    hours: np.ndarray
    kind: np.ndarray      # WorkKind
    who: np.ndarray       # population slot (-1 for coordination)


def norm_interval(office, c: Citizens, who: np.ndarray, cw: np.ndarray) -> np.ndarray:
    """Norm weeks between sessions: the unit's own norm, else the qualification programme's,
    else by need level. (The week's items compute it user by user in their compiled pass,
    ``kernels.office.session_norm``; this is the form the tests check that against.)"""
    unit_iv = office.unit_interval[office.staff.unit[cw]]
    by_need = office.interval_by_need[office.users.need_level[who]]
    kvp = c.benefit[who] == Benefit.QUALIFICATION_PROGRAMME
    by_need = np.where(kvp, office.s.follow_up.interval_qualification_weeks, by_need)
    return np.where(unit_iv > 0, unit_iv, by_need)


def week_items(office, c: Citizens, week: int, pool: np.ndarray, need: Needs,
               coord: np.ndarray) -> tuple[WorkItems, np.ndarray]:
    """The week's work items, and each follow-up item's norm ratio (weeks waited / norm; 0 for rule work).

    ``need``: the needs of ``pool`` (slots, in order) and its users; ``coord``: caseworkers owed
    hand-off coordination. Items are listed part by part (intake, decisions, renewals,
    coordination, assessments, dialogue meetings, then due and early sessions of work and of
    housing and social follow-up), each part in pool order. One compiled pass over the pool's
    users (:func:`~simulation.kernels.office.work_demand`) lists each part's items and sums each
    caseworker's demand, from which the time pressure, the session length and the creaming pull
    follow; a pass over the items (:func:`~simulation.kernels.office.work_items`) lays the parts
    end to end with the session lengths and the creaming order under that pressure.
    """
    from ..kernels.office import work_demand, work_items  # numba only where used (command-line start-up)

    s, o, us, staff = office.s, office.s.office, office.users, office.staff
    call_in = o.reception == "group_call_in"
    intake_on = not call_in or week % o.call_in_interval_weeks == 0
    rule_hours = np.array([o.call_in_hours if call_in else o.intake_hours, o.decision_hours, o.renewal_hours,
                           o.handoff_hours, o.assessment_hours, o.dialogue_meeting_hours], dtype=np.float64)
    cw_interval = office.unit_interval[staff.unit]          # a unit's own norm, 0 if none
    session = s.follow_up.session_hours
    user_state = (pool, need.work, need.housing_social, coord, us.cw, us.intake_due, us.intake_week, us.registered,
                  us.sa_pending, us.sa_applied)
    timing = (us.next_renewal, us.blocked_until, us.parked_until, us.last_session, us.need_level,
              us.dialogue_held, c.benefit, c.sa_top_up, c.benefit_weeks, c.work_ability_assessed, c.short_sick,
              cw_interval, office.interval_by_need, week, intake_on, rule_hours)
    norms = (o.tightest_interval_share, s.follow_up.interval_qualification_weeks, WORK_DEMAND_CODES, DIALOGUE_WEEK - 4)
    sessions = (creaming.RULES.index(o.priority_rule), us.reassess, portfolio_held(office), c.arenas,
                c.substance_use, c.language, s.arenas.loss_threshold, s.follow_up.reassessment_hours,
                o.service_hours_per_user)
    space, m = office.workspace, len(pool)
    parts = len(PART_KIND) * m
    part = (space.array("part_slot", (parts, 2), np.int64), space.array("part_value", (parts, 3), np.float64))
    counts, demand = work_demand(*user_state, *timing, session, *norms, len(staff), *sessions, *part, need.users)

    # time pressure per caseworker: hours of intake, rule work and due sessions / hours there
    budget = staff.budget
    # an absent caseworker (sick, or a vacant post) is under no pressure: their items wait or are covered
    pressure = np.divide(demand, budget, out=np.ones_like(demand), where=budget > 0)
    staff.pressure = pressure
    # under pressure sessions are shortened and standardised (graded, 003:984-1000)
    length = session * np.minimum(np.maximum(1.0 / np.maximum(pressure, 1e-9), o.shortest_session_share), 1.0)
    pull = creaming.pull(pressure, o.creaming_under_pressure)
    n = int(counts.sum())
    items = WorkItems(*(space.array(name, n, dtype) for name, dtype in ITEM_COLUMNS))
    ratio_of = space.array("item_ratio", n, np.float64)
    work_items(counts, m, *part, coord, week, o.handoff_hours, length, pull, c.arenas, PART_KIND, PART_CLASS,
               items.cw, items.klass, items.key, items.hours, items.kind, items.who, ratio_of)
    return items, ratio_of


def portfolio_held(office) -> np.ndarray:
    """Which of the municipal services matched by :func:`portfolio_need` the office holds."""
    held = office.s.office.portfolio
    return np.array([name in held for name in ("substance_use", "housing", "introduction")])


def portfolio_need(office, c: Citizens, who: np.ndarray) -> np.ndarray:
    """Users whose need matches a municipal service the office holds (002:6082-6107): substance
    use, a lost home, limited Norwegian (the introduction programme). (Compiled user by user in
    ``kernels.office.extra_hours``; this is the form the tests check that against.)"""
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
    and, in housing and social follow-up, the service the office holds for the user's need.
    (Compiled user by user in ``kernels.office.extra_hours``; this is the form the tests check
    that against.)"""
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

"""Routing users to units and caseworkers, caseload caps, and hand-offs.

Routing rule: a user's task goes to a caseworker they already have whose unit does that task
(one caseworker does everything within a unit; a team "owns the user"), otherwise to the first
unit that does the task for the user's group; within a unit, date-split by birthday
(002:4536-4544), respecting the caseload cap. Meeting a new caseworker while already having
one is a hand-off: a delay before follow-up, coordination hours for the receiver, and a risk of
being lost between units for a while (002:3813-3841, 001:389-395).
"""

from __future__ import annotations

import numpy as np

from ..population import Citizens
from ..vocabulary import Task
from .state import FOLLOW_UP_TASKS, OfficeWeek

#: the row of each follow-up task in the per-task appointment arrays
_FOLLOW_UP_ROW: dict[int, int] = {task: row for row, task in enumerate(FOLLOW_UP_TASKS)}


def route(office, task: int, idx: np.ndarray, c: Citizens, lost: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The unit and caseworker for each user: a unit they already deal with that does the task,
    else the first unit that does it for their group and is not full (a full capped team: the
    user goes to the next unit that fits); within the unit, the caseworker they have there, else
    by date of birth. -1 where no unit can take them (every unit that could is full: they wait).
    One compiled pass (:func:`simulation.kernels.office.route_users`)."""
    from ..kernels.office import route_users  # numba only where used (command-line start-up)

    units = office.s.office.units
    open_unit = np.array([office.unit_does[k, task] and not unit_full(office, k) for k in range(len(units))])
    return route_users(idx, int(task), office.users.cw, office.unit_of_cw, office.unit_does, open_unit,
                       office.unit_group, office.staff.unit_start, office.unit_size, c.age,
                       office.s.population.youth_age_limit, lost, c.language, c.birth_date)


def unit_full(office, k: int) -> bool:
    cap = office.unit_cap[k]
    if cap == 0:
        return False
    lo, hi = office.staff.unit_start[k], office.staff.unit_start[k + 1]
    return bool((office.staff.caseload[lo:hi] >= cap).all())


def assign(office, task: int, idx: np.ndarray, c: Citizens, lost: np.ndarray, week: int,
           rng: np.random.Generator, wk: OfficeWeek) -> np.ndarray:
    """Give users ``idx`` a caseworker for ``task``; returns the caseworkers owed hand-off coordination."""
    from ..kernels.office import take_on  # numba only where used (command-line start-up)

    if len(idx) == 0:
        return np.zeros(0, dtype=np.int64)
    us, o = office.users, office.s.office
    unit, chosen = route(office, task, idx, c, lost)
    if task != Task.INTAKE:   # a caseworker taking on a user (not already in their caseload) respects the cap
        chosen = apply_caps(office, chosen, unit, idx)
    # (users nobody can take, chosen -1, wait: take_on passes them by, and they draw nothing)
    draws = rng.random(int(np.count_nonzero(chosen >= 0)))
    coord, assigned, handed_off, lost_now = take_on(
        idx, chosen, draws, int(task), _FOLLOW_UP_ROW.get(task, -1), us.cw, us.blocked_until, us.lost_total,
        us.contact_points, us.handoffs, us.sessions_same, us.reassess, us.parked_until, office.staff.caseload, week,
        o.handoff_loss, o.lost_weeks, o.handoff_delay_weeks)
    if task != Task.INTAKE:
        wk.assignments += assigned
    wk.handoffs += handed_off
    wk.lost_in_handoff += lost_now
    return coord


def apply_caps(office, chosen, unit, idx):
    """Caseload caps: a full caseworker passes new users to the least-loaded colleague, else they
    wait. Only users joining a caseload count (not already in the chosen caseworker's)."""
    if not office.any_cap:               # (no unit has a cap: nothing to check, as in most offices)
        return chosen
    caps = office.unit_cap[unit]
    joins = ~(office.users.cw[1:, idx] == chosen[None, :]).any(axis=0) & (unit >= 0)
    capped = joins & (caps > 0)
    if not capped.any():
        return chosen
    load = office.staff.caseload
    order = np.flatnonzero(capped)
    order = order[np.argsort(office.users.intake_week[idx[order]], kind="stable")]   # who asked first
    cws = chosen[order]
    srt = np.argsort(cws, kind="stable")
    rank = np.empty(len(cws), dtype=np.int64)
    _, starts, counts = np.unique(cws[srt], return_index=True, return_counts=True)
    rank[srt] = np.arange(len(cws)) - np.repeat(starts, counts)
    fits = load[cws] + rank < caps[order]
    overflow = order[~fits]
    chosen[overflow] = -1
    extra = np.bincount(cws[fits], minlength=len(load))
    for i in overflow:              # few: only when a unit has room elsewhere
        u = unit[i]
        lo, hi = office.staff.unit_start[u], office.staff.unit_start[u + 1]
        room = caps[i] - (load[lo:hi] + extra[lo:hi])
        if room.max() <= 0:
            continue
        j = lo + int(np.argmax(room))
        chosen[i] = j
        extra[j] += 1
    return chosen

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


def route(office, task: int, idx: np.ndarray, held_unit: np.ndarray, c: Citizens, lost: np.ndarray) -> np.ndarray:
    """The unit for each user: one they already deal with that does the task, else the first matching.

    ``held_unit``: (tasks, users) units of the caseworkers each user has, -1 for none.
    """
    does = office.unit_does[held_unit, task]
    unit = np.where(does.any(axis=0), held_unit[does.argmax(axis=0), np.arange(len(idx))], -1)
    p = office.s.population
    for k, u in enumerate(office.s.office.units):
        if not office.unit_does[k, task] or unit_full(office, k):
            continue                 # a full capped team: the user goes to the next unit that fits
        if u.target_group == "youth":
            group = c.age[idx] < p.youth_age_limit
        elif u.target_group == "heaviest":
            group = lost[idx] >= 3
        elif u.target_group == "refugees":
            group = c.language[idx]
        else:
            group = True
        unit[(unit < 0) & group] = k
    return unit


def unit_full(office, k: int) -> bool:
    cap = office.unit_cap[k]
    if cap == 0:
        return False
    lo, hi = office.staff.unit_start[k], office.staff.unit_start[k + 1]
    return bool((office.staff.caseload[lo:hi] >= cap).all())


def assign(office, task: int, idx: np.ndarray, c: Citizens, lost: np.ndarray, week: int,
           rng: np.random.Generator, wk: OfficeWeek) -> np.ndarray:
    """Give users ``idx`` a caseworker for ``task``; returns the caseworkers owed hand-off coordination."""
    if len(idx) == 0:
        return np.zeros(0, dtype=np.int64)
    staff, us, o = office.staff, office.users, office.s.office
    held = us.cw[:, idx]
    held_unit = office.unit_of_cw[held]
    unit = route(office, task, idx, held_unit, c, lost)
    routed = unit >= 0            # every unit that could take them is full: they wait
    if not routed.all():
        idx, unit, held, held_unit = idx[routed], unit[routed], held[:, routed], held_unit[:, routed]
    # reuse a caseworker the user already has in that unit (one caseworker per unit)
    match = held_unit == unit[None, :]
    reuse = match.any(axis=0)
    chosen = np.where(reuse, held[np.argmax(match, axis=0), np.arange(len(idx))], -1)
    # date-split within the unit: birthdays in contiguous ranges per caseworker (002:4536-4544)
    split = ~reuse
    size = office.unit_size[unit[split]]
    chosen[split] = staff.unit_start[unit[split]] + np.minimum(
        (c.birth_date[idx[split]] * size).astype(np.int64), size - 1)
    if task != Task.INTAKE:   # a caseworker taking on a user (not already in their caseload) respects the cap
        joins = ~(held[1:] == chosen[None, :]).any(axis=0)
        chosen = apply_caps(office, chosen, unit, joins, idx)
    ok = chosen >= 0
    idx, chosen, held = idx[ok], chosen[ok], held[:, ok]
    fresh = ~(held == chosen[None, :]).any(axis=0)          # a caseworker the user has not met
    joins = ~(held[1:] == chosen[None, :]).any(axis=0)      # new in that caseworker's caseload
    handoff = fresh & (held >= 0).any(axis=0)
    lost_now = handoff & (rng.random(len(idx)) < o.handoff_loss)
    # lost between units: nobody takes up the task for a while (recorded, not silent)
    li = idx[lost_now]
    us.blocked_until[li] = week + o.lost_weeks
    us.lost_total[li] += 1
    wk.lost_in_handoff += len(li)
    keep = ~lost_now
    idx, chosen, fresh, handoff, joins = idx[keep], chosen[keep], fresh[keep], handoff[keep], joins[keep]
    us.cw[task, idx] = chosen
    if task != Task.INTAKE:
        wk.assignments += len(idx)
    us.contact_points[idx[fresh]] += 1
    hi = idx[handoff]
    us.handoffs[hi] += 1
    wk.handoffs += len(hi)
    if task != Task.INTAKE:
        us.blocked_until[hi] = np.maximum(us.blocked_until[hi], week + o.handoff_delay_weeks)
    if task in FOLLOW_UP_TASKS:
        row = FOLLOW_UP_TASKS.index(Task(task))
        us.sessions_same[row, idx[fresh]] = 0
        us.reassess[row, hi] = True           # the new caseworker reads the case; the user retells it
        us.parked_until[idx[fresh]] = week    # a new caseworker looks at the case afresh: parking ends
    if task != Task.INTAKE:
        np.add.at(staff.caseload, chosen[joins], 1)
    return chosen[handoff].astype(np.int64)


def apply_caps(office, chosen, unit, joins, idx):
    """Caseload caps: a full caseworker passes new users to the least-loaded colleague, else they wait."""
    caps = office.unit_cap[unit]
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

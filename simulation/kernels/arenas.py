"""The arenas: the weekly drift toward their targets, arenas lost, and what citizens see of their contacts."""

from __future__ import annotations

import numpy as np

from .compile import compiled


@compiled
def _relax(x: float, target: float, rate: float, extra: float) -> float:
    """x + rate * (target - x), times (1 + extra) where the move is downward (population._relax)."""
    gap = target - x
    faster = extra + 1.0 if gap < 0.0 else 1.0
    gap = gap * rate
    gap = gap * faster
    return x + gap


@compiled
def _clip01(x: float) -> float:
    return min(max(x, 0.0), 1.0)


@compiled
def arena_drift(a, employed, benefit, in_education, short_sick, sa_top_up, low_income, age, partner_from,
                nbr_activity, lost, income_table, sick_pay, early_pension, social_assistance, unemployment_benefit,
                aap, rates, levels):
    """One week of arena drift for every slot, in place on ``a`` (4, slots): work, economy, housing, activity.

    ``rates``: (theta, acceleration per arena lost, work rate employed, work decay out of work,
    economy rate, housing rate, activity rate, network weight, isolation from poverty);
    ``levels``: (employed, partner income, low-income factor, student, social assistance) economy levels.
    The benefit codes are passed in so the kernel does not depend on the enum.
    """
    theta, accel, work_up, work_decay, econ_rate, housing_rate, activity_rate, nw, isolation = rates
    lv_employed, lv_partner, low_factor, lv_student, lv_sa = levels
    base = (1.0 - nw) * 0.5
    # (bitwise | and & on booleans, and both sides of each choice computed: selects, not branches,
    # since statuses vary unpredictably from slot to slot)
    for i in range(a.shape[1]):
        ben = benefit[i]
        extra = accel * lost[i]
        at_work = employed[i] & (ben != sick_pay)
        own = at_work | in_education[i]
        # work: attachment rebuilds at work (or holds in school, on early pension, on short sick leave)
        w = a[0, i]
        rebuilt = w + work_up * (1.0 - w)
        faded = w + ((extra + 1.0) * -work_decay) * w
        a[0, i] = rebuilt if own | (ben == early_pension) | short_sick[i] else faded
        # economy: toward what one's own income allows (population.income_level), social assistance a floor
        level = max(income_table[ben], lv_partner if age[i] >= partner_from[i] else 0.0)
        level = lv_employed if at_work else level
        low = low_income[i] & (employed[i] | (ben == unemployment_benefit) | (ben == aap))
        level = level * low_factor if low else level
        level = lv_student if in_education[i] else level
        level = max(level, lv_sa) if (ben == social_assistance) | sa_top_up[i] else level
        econ = _relax(a[3, i], level, econ_rate, extra)
        # housing: secure housing needs an economy that holds
        housing = _relax(a[2, i], min(econ / theta, 1.0), housing_rate, extra)
        # activity: colleagues or school, the network's activity, poverty isolates
        target = np.float64(nbr_activity[i]) * nw + base
        target = target + base if own else target
        target = target - isolation if econ < theta else target
        activity = _relax(a[1, i], _clip01(target), activity_rate, extra)
        a[0, i] = _clip01(a[0, i])
        a[1, i] = _clip01(activity)
        a[2, i] = _clip01(housing)
        a[3, i] = _clip01(econ)


@compiled
def arenas_lost(a, theta):
    """Arenas below ``theta`` per slot (int8), for every slot of ``a`` (4, slots)."""
    n = a.shape[1]
    lost = np.empty(n, dtype=np.int8)
    for i in range(n):
        lost[i] = (a[0, i] < theta) + (a[1, i] < theta) + (a[2, i] < theta) + (a[3, i] < theta)
    return lost


@compiled
def contacts_means(indptr, indices, data, alive, employed, activity):
    """Share of each slot's living contacts in work, and their mean activity arena (population.neighbour_means).

    Sums over the ties (CSR rows) in stored order, each term rounded through float32 as the
    numpy code's (slots, 3) float32 operand was; a slot without living contacts gets 0.5 for both.
    """
    n = len(indptr) - 1
    emp = np.empty(n)
    act = np.empty(n)
    for i in range(n):
        count = 0.0
        working = 0.0
        active = 0.0
        for jj in range(indptr[i], indptr[i + 1]):
            j = indices[jj]
            if alive[j]:            # (an empty slot adds +0.0 to each sum: nothing)
                d = data[jj]
                count += d * 1.0
                working += d * (1.0 if employed[j] else 0.0)
                active += d * np.float64(np.float32(activity[j]))
        if count > 0:
            emp[i] = working / count
            act[i] = active / count
        else:
            emp[i] = 0.5
            act[i] = 0.5
    return emp, act

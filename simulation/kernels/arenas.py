"""The arenas: the weekly drift toward their targets, arenas lost, and what citizens see of their contacts."""

from __future__ import annotations

import numpy as np

from .compile import by_code, compiled, inlined


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


@inlined
def citizen_drift(work, activity, housing, economy, employed, benefit, in_education, short_sick, sa_top_up,
                  low_income, partnered, activity_seen, lost, income, codes, rates, levels):
    """One citizen's week of arena drift: the four new arena values (work, activity, housing, economy).

    Numbers in, numbers out (so a kernel's loop can call it without passing arrays). ``income``:
    the economy level of the citizen's main benefit; ``partnered``: living with an earning partner;
    ``codes``: (sick pay, early pension, social assistance, unemployment benefit, AAP) benefit codes;
    ``rates``: (theta, acceleration per arena lost, work rate employed, work decay out of work,
    economy rate, housing rate, activity rate, network weight, isolation from poverty);
    ``levels``: (employed, partner income, low-income factor, student, social assistance) economy levels.
    (Both sides of each choice are computed: selects, not branches, as statuses vary unpredictably.)
    """
    sick_pay, early_pension, social_assistance, unemployment_benefit, aap = codes
    theta, accel, work_up, work_decay, econ_rate, housing_rate, activity_rate, nw, isolation = rates
    lv_employed, lv_partner, low_factor, lv_student, lv_sa = levels
    base = (1.0 - nw) * 0.5
    extra = accel * lost
    at_work = employed & (benefit != sick_pay)
    own = at_work | in_education
    # work: attachment rebuilds at work (or holds in school, on early pension, on short sick leave)
    rebuilt = work + work_up * (1.0 - work)
    faded = work + ((extra + 1.0) * -work_decay) * work
    work = rebuilt if own | (benefit == early_pension) | short_sick else faded
    # economy: toward what one's own income allows (population.income_level), social assistance a floor
    level = max(income, lv_partner if partnered else 0.0)
    level = lv_employed if at_work else level
    low = low_income & (employed | (benefit == unemployment_benefit) | (benefit == aap))
    level = level * low_factor if low else level
    level = lv_student if in_education else level
    level = max(level, lv_sa) if (benefit == social_assistance) | sa_top_up else level
    econ = _relax(economy, level, econ_rate, extra)
    # housing: secure housing needs an economy that holds
    housing = _relax(housing, min(econ / theta, 1.0), housing_rate, extra)
    # activity: colleagues or school, the network's activity, poverty isolates
    target = np.float64(activity_seen) * nw + base
    target = target + base if own else target
    target = target - isolation if econ < theta else target
    activity = _relax(activity, _clip01(target), activity_rate, extra)
    return _clip01(work), _clip01(activity), _clip01(housing), _clip01(econ)


@compiled
def arena_drift(a, employed, benefit, in_education, short_sick, sa_top_up, low_income, age, partner_from,
                nbr_activity, lost, income_levels, codes, rates, levels):
    """One week of arena drift for every slot, in place on ``a`` (4, slots): work, activity, housing,
    economy (:func:`citizen_drift`). ``income_levels``: the economy level by benefit code (a tuple);
    the benefit codes are passed in so the kernel does not depend on the enum.

    The loop has no branches and no lookup in an array by benefit code (:func:`.compile.by_code`),
    so the compiler vectorises it: it
    computes several slots at once, with the same operations on each (the same numbers), about
    five times faster than the loop with the lookup.
    """
    for i in range(a.shape[1]):
        ben = benefit[i]
        a[0, i], a[1, i], a[2, i], a[3, i] = citizen_drift(
            a[0, i], a[1, i], a[2, i], a[3, i], employed[i], ben, in_education[i], short_sick[i], sa_top_up[i],
            low_income[i], age[i] >= partner_from[i], nbr_activity[i], lost[i], by_code(ben, income_levels),
            codes, rates, levels)


@inlined
def lost_count(work, activity, housing, economy, theta):
    """How many of one citizen's four arenas are below ``theta`` (lost)."""
    return (work < theta) + (activity < theta) + (housing < theta) + (economy < theta)


@compiled
def arenas_lost(a, theta):
    """Arenas below ``theta`` per slot (int8), for every slot of ``a`` (4, slots)."""
    n = a.shape[1]
    lost = np.empty(n, dtype=np.int8)
    for i in range(n):
        lost[i] = lost_count(a[0, i], a[1, i], a[2, i], a[3, i], theta)
    return lost


@compiled
def contacts_means(indptr, indices, alive, employed, activity):
    """Share of each slot's living contacts in work, and their mean activity arena (population.neighbour_means).

    ``indptr`` and ``indices``: the ties (CSR rows of network.build_ties, whose ties all have weight
    1, so a tie counts once). Sums over the ties in stored order, each term rounded through float32
    as the numpy code's (slots, 3) float32 operand was; a slot without living contacts gets 0.5
    for both. What a contact shows is packed first into one row per slot (activity, or -1 when not
    living; in work), so each tie reads one place in memory instead of three: the ties point all
    over the arrays, and those reads are what the pass costs. A contact who is not living adds
    +0.0 to each sum (which changes no sum: they start at +0.0 and only grow), a select rather
    than a branch.
    """
    n = len(indptr) - 1
    shown = np.empty((len(alive), 2), dtype=np.float32)
    for j in range(len(alive)):
        shown[j, 0] = np.float32(activity[j]) if alive[j] else np.float32(-1.0)
        shown[j, 1] = np.float32(1.0) if employed[j] else np.float32(0.0)
    emp = np.empty(n)
    act = np.empty(n)
    for i in range(n):
        count = 0.0
        working = 0.0
        active = 0.0
        for jj in range(indptr[i], indptr[i + 1]):
            j = indices[jj]
            a = shown[j, 0]
            living = a >= 0.0
            count += 1.0 if living else 0.0
            working += np.float64(shown[j, 1]) if living else 0.0
            active += np.float64(a) if living else 0.0
        if count > 0:
            emp[i] = working / count
            act[i] = active / count
        else:
            emp[i] = 0.5
            act[i] = 0.5
    return emp, act

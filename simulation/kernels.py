"""Compiled kernels for the hot passes over every population slot (numba, compiled once and cached).

Each kernel fuses what the plain-numpy code did in many passes over arrays of the population's
size into one loop over the slots, and does the same floating-point operations in the same
order, so results are identical to the numpy reference bit for bit (tests/test_kernels.py checks
each kernel against a plain-numpy reference on small inputs). numba is imported only when a
kernel module is first used, never by the command line's start-up.

Kernels are named after the mechanism they implement:

* :func:`arena_drift`: the weekly move of the four arenas toward their targets (population.drift);
* :func:`population_census`: the week's counts over the population for the indicators (metrics.Recorder);
* :func:`contacts_means`: what each citizen sees of their contacts' work and activity (population.neighbour_means);
* :func:`arenas_lost`: how many arenas each citizen has lost (population.Citizens.arenas_lost);
* :func:`distinct_caseload`: users per caseworker (office.Office._update_caseload).
"""

from __future__ import annotations

import numba as nb
import numpy as np

#: compile options: cache=True keeps the machine code on disk between processes (sweep workers
#: load it instead of compiling); no fastmath, so floating point is exactly numpy's
compiled = nb.njit(cache=True, nogil=True, fastmath=False)


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
def population_census(a, alive, benefit, employed, age, in_education, sa_top_up, jobseeker_benefit, theta,
                      bins, n_benefits, adult_age):
    """The week's counts over every living slot, in one pass.

    Returns ``position`` (mean arena per slot, every slot) and ``counts``, an int64 array:
    ``[0:bins]`` slots by position bin, ``[bins:bins+5]`` by arenas lost, then 4 excluded per
    arena, ``n_benefits`` by benefit code, and employed, employed adults, adults, in education,
    jobseekers, social-assistance top-ups, living.
    """
    n = a.shape[1]
    position = np.empty(n)
    k0 = bins
    k1 = k0 + 5
    k2 = k1 + 4
    k3 = k2 + n_benefits
    counts = np.zeros(k3 + 7, dtype=np.int64)
    # the scalar counts in local variables (registers), added as 0/1 rather than branched on
    n_employed = employed_adults = adults = students = seekers = top_ups = living = 0
    for i in range(n):
        # the same additions in the same order as arenas.mean(axis=0)
        p = (((a[0, i] + a[1, i]) + a[2, i]) + a[3, i]) / 4.0
        position[i] = p
        if not alive[i]:
            continue
        counts[min(int(p * bins), bins - 1)] += 1
        lost = 0
        for k in range(4):
            below = a[k, i] < theta
            lost += below
            counts[k1 + k] += below
        counts[k0 + lost] += 1
        ben = benefit[i]
        counts[k2 + ben] += 1
        emp = employed[i]
        adult = age[i] >= adult_age
        n_employed += emp
        adults += adult
        employed_adults += emp & adult
        students += in_education[i]
        seekers += (not emp) & (not in_education[i]) & jobseeker_benefit[ben]
        top_ups += sa_top_up[i]
        living += 1
    counts[k3:] = (n_employed, employed_adults, adults, students, seekers, top_ups, living)
    return position, counts


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


@compiled
def distinct_caseload(economic, work, housing_social, n_staff):
    """Distinct users per caseworker over the economic, work and housing/social tasks (-1: none):
    a user counts once for a caseworker who holds two or three of their tasks."""
    caseload = np.zeros(n_staff, dtype=np.int64)
    for i in range(len(economic)):
        e, w, h = economic[i], work[i], housing_social[i]
        if e >= 0:
            caseload[e] += 1
        if w >= 0 and w != e:
            caseload[w] += 1
        if h >= 0 and h != e and h != w:
            caseload[h] += 1
    return caseload


@compiled
def arenas_lost(a, theta):
    """Arenas below ``theta`` per slot (int8), for every slot of ``a`` (4, slots)."""
    n = a.shape[1]
    lost = np.empty(n, dtype=np.int8)
    for i in range(n):
        lost[i] = (a[0, i] < theta) + (a[1, i] < theta) + (a[2, i] < theta) + (a[3, i] < theta)
    return lost


@compiled
def office_pool(alive, employed, benefit, sa_top_up, economy, registered, intake_due, sa_pending, theta, no_benefit):
    """Slots that can need the office, in slot order (office.Office.pool): the living out of work, on a
    benefit, on social assistance or with their economy lost, and everyone the office already knows."""
    n = len(alive)
    keep = np.empty(n, dtype=np.bool_)
    k = 0
    for i in range(n):
        at_risk = (not employed[i]) | (benefit[i] != no_benefit) | sa_top_up[i] | (economy[i] < theta)
        keep[i] = (alive[i] & at_risk) | registered[i] | intake_due[i] | sa_pending[i]
        k += keep[i]
    pool = np.empty(k, dtype=np.int64)
    j = 0
    for i in range(n):
        if keep[i]:
            pool[j] = i
            j += 1
    return pool


@compiled
def office_needs(pool, alive, employed, in_education, benefit, short_sick, benefit_weeks, sa_top_up, a, registered,
                 sa_pending, sa_applied, week, theta, sick_leave_follow_up_weeks, codes):
    """Who in ``pool`` needs work follow-up, social assistance, or housing and social follow-up
    (office.Office.needs); social-assistance applications are made (``sa_applied`` = ``week``) and
    withdrawn (``sa_pending``) in place. ``codes``: (disability, early pension, sick pay, social
    assistance, qualification programme) benefit codes."""
    disability, early_pension, sick_pay, social_assistance, qualification = codes
    m = len(pool)
    work = np.empty(m, dtype=np.bool_)
    economic = np.empty(m, dtype=np.bool_)
    housing_social = np.empty(m, dtype=np.bool_)
    for j in range(m):
        i = pool[j]
        ben = benefit[i]
        live = alive[i]
        student = in_education[i]
        out_of_work = live & (not employed[i]) & (not student) & (ben != disability) & (ben != early_pension) \
            & (ben != sick_pay)
        long_sick = live & (ben == sick_pay) & (not short_sick[i]) & (benefit_weeks[i] >= sick_leave_follow_up_weeks)
        work[j] = out_of_work | long_sick
        on_sa = (ben == social_assistance) | sa_top_up[i]
        eligible = live & (not on_sa) & (not student) & (a[3, i] < theta)
        pending = sa_pending[i]
        if eligible and not pending:
            sa_applied[i] = week
        pending = (pending | eligible) & eligible        # withdrawn if no longer eligible
        sa_pending[i] = pending
        economic[j] = live & (on_sa | (ben == qualification) | pending)
        housing_social[j] = registered[i] & live & (ben != disability) & ((a[2, i] < theta) | (a[1, i] < theta))
    return work, economic, housing_social

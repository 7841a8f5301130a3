"""The office's passes over its users: who can need it, what they need, caseloads."""

from __future__ import annotations

import numpy as np

from .compile import compiled


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

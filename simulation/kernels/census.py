"""The week's counts for the indicators (metrics.Recorder), each in one pass: over the
population (:func:`population_census`) and over the office's known slots (:func:`office_census`)."""

from __future__ import annotations

import numpy as np

from .compile import compiled

#: bits of a living slot's state key in :func:`population_census` (the benefit code above them)
_EMPLOYED, _ADULT, _STUDENT, _TOP_UP, _BENEFIT = 4, 5, 6, 7, 8


@compiled
def _state_keys(a, benefit, employed, age, in_education, sa_top_up, theta, bins, adult_age, state_key, where, pos):
    """Each slot's state key (:func:`population_census`), position (mean arena) and position bin."""
    for i in range(a.shape[1]):
        a0, a1, a2, a3 = a[0, i], a[1, i], a[2, i], a[3, i]
        p = (((a0 + a1) + a2) + a3) / 4.0          # the same additions in the same order as arenas.mean(axis=0)
        pos[i] = p
        where[i] = min(int(p * bins), bins - 1)
        state_key[i] = ((a0 < theta) | ((a1 < theta) << 1) | ((a2 < theta) << 2) | ((a3 < theta) << 3)
                        | (employed[i] << _EMPLOYED) | ((age[i] >= adult_age) << _ADULT) | (in_education[i] << _STUDENT)
                        | (sa_top_up[i] << _TOP_UP) | (np.int64(benefit[i]) << _BENEFIT))


@compiled
def population_census(a, alive, benefit, employed, age, in_education, sa_top_up, jobseeker_benefit, theta,
                      bins, n_benefits, adult_age, position):
    """The week's counts over every living slot, in one pass (replaces metrics' masked numpy counts).

    Writes the position (mean arena) of each living slot, in slot order, to ``position[:living]``
    (a buffer the caller keeps between weeks, at least as long as the population), so that
    ``position[:living].sum()`` is numpy's sum of ``position[alive]``. Returns ``counts``, an
    int64 array: ``[0:bins]`` slots by position bin, ``[bins:bins+5]`` by arenas lost, then 4
    excluded per arena, ``n_benefits`` by benefit code, and employed, employed adults, adults, in
    education, jobseekers, social-assistance top-ups, living.
    """
    # The slots are only counted by a small state key (which arenas are lost, employed, adult, in
    # education, top-up, benefit); the counts are read off those few thousand keys afterwards. One
    # increment per slot instead of a dozen is what makes the count fast, and the keys and
    # positions are computed first for every slot in a loop the compiler vectorises.
    n = a.shape[1]
    state_key = np.empty(n, dtype=np.int32)
    where = np.empty(n, dtype=np.int32)
    pos = np.empty(n)
    _state_keys(a, benefit, employed, age, in_education, sa_top_up, theta, bins, adult_age, state_key, where,
                pos)
    by_state = np.zeros(n_benefits << _BENEFIT, dtype=np.int64)
    by_bin = np.zeros(bins, dtype=np.int64)
    living = 0
    for i in range(n):
        if not alive[i]:
            continue
        position[living] = pos[i]
        living += 1
        by_bin[where[i]] += 1
        by_state[state_key[i]] += 1
    k0 = bins
    k1 = k0 + 5
    k2 = k1 + 4
    k3 = k2 + n_benefits
    counts = np.zeros(k3 + 7, dtype=np.int64)
    counts[:bins] = by_bin
    for key in range(len(by_state)):
        m = by_state[key]
        if m == 0:
            continue
        lost = 0
        for k in range(4):
            below = (key >> k) & 1
            lost += below
            counts[k1 + k] += below * m
        counts[k0 + lost] += m
        ben = key >> _BENEFIT
        counts[k2 + ben] += m
        emp, adult = (key >> _EMPLOYED) & 1, (key >> _ADULT) & 1
        study = (key >> _STUDENT) & 1
        counts[k3] += emp * m
        counts[k3 + 1] += emp * adult * m
        counts[k3 + 2] += adult * m
        counts[k3 + 3] += study * m
        counts[k3 + 4] += (1 - emp) * (1 - study) * jobseeker_benefit[ben] * m
        counts[k3 + 5] += ((key >> _TOP_UP) & 1) * m
    counts[k3 + 6] = living
    return counts


@compiled
def office_census(known, registered, intake_due, cw_work, parked_until, sa_pending, sa_applied, next_renewal,
                  contact_points, alive, employed, in_education, benefit, sa_top_up, awaits_caseworker, sa_code,
                  week, deadline):
    """The week's counts over the office's known slots, in one pass (replaces metrics' masked numpy
    counts over ``office.known``).

    Returns an int64 array: users (registered), waiting for intake, users waiting for a work
    caseworker (none assigned, out of work and education, on a benefit in ``awaits_caseworker``),
    parked users (``parked_until > week``), pending applications of the living, those pending more
    than ``deadline`` weeks, living social-assistance recipients whose renewal is more than
    ``deadline`` weeks overdue, and the users' contact points summed.
    """
    users = intake = waiting = parked = pending = overdue = overdue_renewals = contacts = 0
    for j in range(len(known)):
        i = known[j]
        reg = registered[i]
        live = alive[i]
        ben = benefit[i]
        users += reg
        intake += intake_due[i]
        if reg:
            waiting += (cw_work[i] < 0) & (not employed[i]) & (not in_education[i]) & awaits_caseworker[ben]
            parked += parked_until[i] > week
            contacts += contact_points[i]
        if sa_pending[i] and live:
            pending += 1
            overdue += week - sa_applied[i] > deadline
        if live and (ben == sa_code or sa_top_up[i]):
            overdue_renewals += week - next_renewal[i] > deadline
    return np.array([users, intake, waiting, parked, pending, overdue, overdue_renewals, contacts], dtype=np.int64)

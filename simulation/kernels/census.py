"""The week's counts over the population for the indicators (metrics.Recorder), in one pass."""

from __future__ import annotations

import numpy as np

from .compile import compiled


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

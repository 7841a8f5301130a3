"""Arrivals: the empty slots newcomers take (:func:`empty_slots`), a person taking an empty
population slot (:func:`arrive`: population._fill_new, for the initial population and newcomers
alike) and a newcomer's status on arrival (population.add_newcomers).

Each week brings a few dozen newcomers; as plain numpy their arrival was some sixty small array
operations, a cost fixed per week that a small district pays as often as a large one. The draws
are made by the caller, in the order the plain-numpy reference draws them
(tests/test_life_events.py), so the two agree bit for bit.
"""

from __future__ import annotations

import numpy as np

from ..population import ECONOMY
from ..vocabulary import Benefit
from .compile import compiled

DISABILITY = int(Benefit.DISABILITY_BENEFIT)


@compiled
def empty_slots(alive, k):
    """The first ``k`` empty slots (``alive`` False) in slot order; fewer if there are not so many.
    Stops at the k-th: ``np.flatnonzero(~alive)[:k]`` read and wrote every slot each week."""
    out = np.empty(k, dtype=np.int64)
    found = 0
    for i in range(len(alive)):
        if found == k:
            break
        if not alive[i]:
            out[found] = i
            found += 1
    return out[:found]


@compiled
def arrive(idx, first_id, age, traits, wait, substance_use_share, low_income_share, partner_share,
           alive, person_id, ages, birth_date, substance_use, low_income, partner_from):
    """Slots ``idx`` (just emptied) taken by persons of ``age``: ids from ``first_id``; from the
    ``traits`` draws (4, k), the time of year of birth, substance use, a low income, and whether
    they will live with an earning partner, from age 20 plus ``wait`` years."""
    for j in range(len(idx)):
        i = idx[j]
        alive[i] = True
        person_id[i] = first_id + j
        ages[i] = age[j]
        birth_date[i] = traits[0, j]
        substance_use[i] = traits[1, j] < substance_use_share
        low_income[i] = traits[2, j] < low_income_share
        partner_from[i] = 20.0 + wait[j] if traits[3, j] < partner_share else np.inf


@compiled
def newcomers(idx, youth, status, week, language_share, disabled_share, education_share, at_risk_share,
              language, employed, in_education, health, benefit, arenas, spell_start):
    """Newcomers' status: from the ``status`` draws (8, k), limited Norwegian (movers), disability
    benefit or school (18-year-olds), arriving at risk (neither), else in work; the four arenas
    from 0.8 (0.45 at risk) less up to 0.25, and an economy of at most 0.35 and a jobseeker's spell
    for those at risk (004:4593-4597)."""
    for j in range(len(idx)):
        i = idx[j]
        young = youth[j]
        language[i] = not young and status[0, j] < language_share
        disabled = young and status[1, j] < disabled_share
        student = young and not disabled and status[2, j] < education_share
        at_risk = not disabled and not student and status[3, j] < at_risk_share
        employed[i] = not (disabled or student or at_risk)
        in_education[i] = student
        if disabled:
            health[i] = True
            benefit[i] = DISABILITY
        base = 0.45 if at_risk else 0.8
        for a in range(4):
            arenas[a, i] = min(max(base - 0.25 * status[4 + a, j], 0.0), 1.0)
        if at_risk:
            arenas[ECONOMY, i] = min(arenas[ECONOMY, i], 0.35)
            spell_start[i] = week    # a newcomer out of work and school registers as a jobseeker

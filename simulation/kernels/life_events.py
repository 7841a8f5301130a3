"""Life outside the office, one citizen at a time (population.step).

Two kernels for the events, because what citizens see of their contacts is refreshed between
them and depends on everyone's leaving and shocks:

* :func:`leaving_and_shocks`: ageing; leaving by moving away, death or ageing out; the arenas
  lost at the start of the week; job loss, eviction and debt; sick leave and long-term illness;
* :func:`transitions`: leaving education, job finding, sick leave and AAP, disability, benefit
  expiry and early pension;

and a third for the week's bookkeeping (:func:`bookkeeping`): the benefit clocks, unemployment
spells and months on social assistance. (The arenas' drift has a pass of its own,
:func:`simulation.kernels.arena_drift`.)

Per citizen the steps run in the order the mechanisms are described in population.py; each
citizen's step reads only their own state, so one pass over the slots gives what a pass per
mechanism over all citizens gave. Draws are counter-based (:func:`.compile.uniform`): one
uniform per citizen, week and purpose, the purposes numbered below.

Why the code has the shape it has: a call that takes the citizens' columns (a tuple of arrays,
or arrays) costs a reference count per array, about a hundred nanoseconds per call for the whole
tuple. So the kernels read the columns directly in their loop, the hazards are functions of
numbers (:func:`_leaving`, :func:`_shock`, :func:`_job_hazard`, ...), and functions that take columns
(:func:`_start_aap`, :func:`_find_job`, ...) are called only for the few citizens they concern.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..population import ECONOMY, HOUSING, JOBSEEKER, NEVER, NO_SPELL, SEEKS_WORK, WORK
from ..vocabulary import WEEKS_PER_MONTH, WEEKS_PER_YEAR, Benefit
from .arenas import lost_count
from .compile import by_code, compiled, inlined, uniform

NONE = int(Benefit.NONE)
UNEMPLOYMENT_BENEFIT = int(Benefit.UNEMPLOYMENT_BENEFIT)
SICK_PAY = int(Benefit.SICK_PAY)
AAP = int(Benefit.WORK_ASSESSMENT_ALLOWANCE)
SOCIAL_ASSISTANCE = int(Benefit.SOCIAL_ASSISTANCE)
QUALIFICATION_PROGRAMME = int(Benefit.QUALIFICATION_PROGRAMME)
DISABILITY = int(Benefit.DISABILITY_BENEFIT)
EARLY_PENSION = int(Benefit.EARLY_PENSION)

# purposes of the draws: one independent uniform per citizen, week and purpose
MOVE, SHOCK, BENEFIT_ELIGIBLE, ILLNESS, LEAVE_SCHOOL, WORK_AFTER_SCHOOL, JOB, SICK_RECOVERY, SICK_PAY_END, \
    AAP_RECOVERY, WORK_AFTER_AAP, DISABILITY_DECISION, AAP_TIME_LIMIT, OTHER_DISABILITY, PENSION = range(15)

#: the week's counts (population.WeekEvents fields), in the order of the kernels' ``counts`` array
EVENTS = ("deaths", "jobs_lost", "evictions", "sick_leave_starts", "to_aap", "to_aap_from_sick_pay",
          "to_disability", "to_disability_from_sick_pay", "to_disability_from_aap", "aap_exits",
          "aap_exits_to_disability", "jobs_found")
DEATHS, JOBS_LOST, EVICTIONS, SICK_LEAVE_STARTS, TO_AAP, TO_AAP_FROM_SICK_PAY, TO_DISABILITY, \
    TO_DISABILITY_FROM_SICK_PAY, TO_DISABILITY_FROM_AAP, AAP_EXITS, AAP_EXITS_TO_DISABILITY, JOBS_FOUND = range(12)


class Life(NamedTuple):
    """The citizen columns the kernels read and write (population.Citizens), and two scratch columns."""

    alive: np.ndarray
    age: np.ndarray
    health: np.ndarray
    substance_use: np.ndarray
    language: np.ndarray
    in_education: np.ndarray
    employed: np.ndarray
    short_sick: np.ndarray
    weeks_out: np.ndarray
    benefit: np.ndarray
    benefit_weeks: np.ndarray
    sa_top_up: np.ndarray
    work_ability_assessed: np.ndarray
    job_search_help_until: np.ndarray
    graded_return_until: np.ndarray
    spell_start: np.ndarray
    sa_paid_week: np.ndarray
    sa_month_mask: np.ndarray
    sa_months_last_year: np.ndarray
    arenas: np.ndarray
    nbr_employed: np.ndarray
    nbr_activity: np.ndarray
    low_income: np.ndarray
    partner_from: np.ndarray
    lost: np.ndarray            # scratch: arenas lost after leaving, before the shocks (for the drift)
    was_jobseeker: np.ndarray   # scratch: a jobseeker at the start of the week (for the spells)


class Rates(NamedTuple):
    """Weekly probabilities and factors from the scenario (population.life_rates builds it)."""

    move: float                  # moving away per week
    retirement_age: float
    mortality_at_40: float       # per year
    mortality_growth: float
    disability_mortality: float
    theta: float                 # arena loss threshold
    shock_bound: float           # the largest possible sum of the three shock hazards
    job_loss: float
    job_loss_housing_lost: float
    job_loss_complexity: float
    eviction: float
    eviction_economy_lost: float
    eviction_size: float
    debt: float                  # debt hazard times the application-rate factor
    debt_out_of_work: float
    debt_steady_income: float
    debt_savings_per_year: float
    debt_size: float
    benefit_eligible_young: float
    benefit_eligible: float
    short_sick_leave: float
    illness_at_40: float
    illness_growth: float
    illness_out_of_work: float
    illness_bound: float         # the largest weekly illness hazard (at 67, out of work)
    leave_school: float          # per week
    work_after_school: float
    job_finding: float
    job_bound: float             # the largest job-finding hazard (with job-search help), a hair above
    job_finding_floor: float
    work_arena_elasticity: float
    complexity_factors: tuple    # (1 - complexity penalty) ** k for k = 0..3 traits (a table: pow is slow)
    job_lead_weight: float
    job_search_boost: float      # 1 + boost * effect scale
    short_sick_recovery: float
    sick_recovery: float
    graded_return_boost: float   # 1 + boost * effect scale
    sick_pay_weeks: float
    disability_at_sick_pay_end: float
    aap_recovery: float
    work_on_aap_recovery: float
    disability_decision: float
    disability_decision_bound: float   # the largest decision hazard (at the retirement age), a hair above
    disability_age_growth: float
    aap_weeks: float
    disability_at_aap_end: float
    disability_other: float      # per week
    unemployment_benefit_weeks: float
    qualification_weeks: float
    early_pension_age: float
    early_pension: float         # per week


STAYS, MOVES_OR_AGES_OUT, DIES = 0, 1, 2
#: death is drawn only where the week's first uniform lies in this band above moving away (it is rare)
DEATH_BAND = 0.002
#: population.JOBSEEKER as a tuple (for :func:`.compile.by_code`)
JOBSEEKER_BENEFITS = tuple(bool(x) for x in JOBSEEKER)
#: population.SEEKS_WORK as a tuple (for :func:`.compile.by_code`)
SEEKS_WORK_BENEFITS = tuple(bool(x) for x in SEEKS_WORK)
NO_SHOCK, JOB_LOSS, EVICTION, DEBT = 0, 1, 2, 3


# ---- hazards: functions of numbers ---------------------------------------------------------------
@inlined
def _jobseeker(alive, employed, in_education, benefit):
    """Registered unemployed: out of work and school, on no benefit but unemployment benefit or
    social assistance. (Selects, no lookup in an array: the vectorised sweeps use it too.)"""
    return alive & ~employed & ~in_education & by_code(benefit, JOBSEEKER_BENEFITS)


@inlined
def _seeks_work(employed, in_education, benefit):
    """Looks for work this week: out of work and school, a jobseeker or in the qualification programme."""
    return ~(employed | in_education) & by_code(benefit, SEEKS_WORK_BENEFITS)


@compiled
def _leaving(r, age, benefit, u):
    """Moving away, ageing out at 67, or death (Gompertz, higher on disability benefit; thinned:
    death is drawn only in a thin band of the week's first uniform, as it is rare)."""
    if u < r.move or age >= r.retirement_age:
        return MOVES_OR_AGES_OUT
    if not u < r.move + DEATH_BAND:
        return STAYS
    death = r.mortality_at_40 * np.exp(r.mortality_growth * (age - 40.0)) / WEEKS_PER_YEAR
    death *= r.disability_mortality if benefit == DISABILITY else 1.0
    return DIES if u - r.move < death else STAYS


@compiled
def _shock(r, x, employed, benefit, traits, housing, economy, age):
    """Which of job loss, eviction and debt a uniform ``x`` brings, as competing risks; each
    hazard depends on the other arenas (004:2442-2456, 004:2859-2871). Without a wage or a steady
    benefit any extra cost is a shock; savings buffer shocks with age."""
    at_work = employed and benefit != SICK_PAY
    h_job = (1.0 if at_work else 0.0) * r.job_loss \
        * (r.job_loss_housing_lost if housing < r.theta else 1.0) * (1.0 + r.job_loss_complexity * traits)
    h_evict = r.eviction * (r.eviction_economy_lost if economy < r.theta else 1.0)
    unsteady = _jobseeker(True, employed, False, benefit)
    steady = benefit in (DISABILITY, EARLY_PENSION)
    h_debt = r.debt * (r.debt_out_of_work if unsteady else (r.debt_steady_income if steady else 1.0))
    h_debt *= np.exp(-r.debt_savings_per_year * (age - 40.0))
    c1 = h_job
    c2 = c1 + h_evict
    c3 = c2 + h_debt
    if x < c1:
        return JOB_LOSS
    if x < c2:
        return EVICTION
    return DEBT if x < c3 else NO_SHOCK


@compiled
def _falls_ill(r, x, age, employed):
    """A long-term health problem this week, for a uniform ``x``: the weekly hazard rises with age
    (Gompertz) and is higher out of work. (Most draws lie above the largest hazard and need no more.)"""
    if not x < r.illness_bound:
        return False
    rate = r.illness_at_40 * np.exp(r.illness_growth * (age - 40.0)) / WEEKS_PER_YEAR
    rate *= 1.0 if employed else r.illness_out_of_work
    return x < rate


@compiled
def _square_or_power(x, exponent):
    """x ** exponent, as x * x for the square (as LLVM and numpy compute a square): pow costs
    more than the rest of a jobseeker's week."""
    return x * x if exponent == 2.0 else x ** exponent


@compiled
def _job_hazard(r, work_arena, complexity, employed_contacts, helped):
    """Job finding: a hazard that falls with the work arena (duration dependence, 004:4445-4455)
    but never to zero, lower with complexity, higher with employed contacts (004:2367-2373) and
    for a while after job-search help from the office."""
    h = r.job_finding \
        * (r.job_finding_floor + (1.0 - r.job_finding_floor) * _square_or_power(work_arena, r.work_arena_elasticity)) \
        * r.complexity_factors[complexity] \
        * (1.0 - r.job_lead_weight + r.job_lead_weight * employed_contacts)
    return h * r.job_search_boost if helped else h


STAYS_SICK, RECOVERS, SICK_PAY_ENDS_IN_DISABILITY, SICK_PAY_ENDS_IN_AAP = 0, 1, 2, 3


@inlined
def _sick_recovery(r, short, helped):
    """The weekly recovery from sick leave: short spells faster; long ones faster with graded
    return from the office (also the sweep's test in :func:`_may_change_status`)."""
    rate = r.short_sick_recovery if short else r.sick_recovery
    return rate * r.graded_return_boost if helped and not short else rate


@inlined
def _aap_recovery(r, helped):
    """The weekly recovery on AAP, faster with graded return (also the sweep's test)."""
    return r.aap_recovery * r.graded_return_boost if helped else r.aap_recovery


@compiled
def _sick_leave(r, key, i, short, helped, weeks):
    """Recovery from sick leave (faster with graded return from the office, for long spells); a
    year of sick pay ends in AAP or, rarely, disability."""
    if uniform(key, i, SICK_RECOVERY) < _sick_recovery(r, short, helped):
        return RECOVERS
    if weeks >= r.sick_pay_weeks:
        if uniform(key, i, SICK_PAY_END) < r.disability_at_sick_pay_end:
            return SICK_PAY_ENDS_IN_DISABILITY
        return SICK_PAY_ENDS_IN_AAP
    return STAYS_SICK


@compiled
def _other_disability(r, key, i, health, occupied, benefit, age):
    """Disability by other routes: out of work and school with a lasting health problem, on no
    state benefit; more likely with age (NAV: about 2 in 10 new recipients come neither from AAP
    nor from sick pay)."""
    return _may_become_disabled(health, occupied, benefit) \
        and uniform(key, i, OTHER_DISABILITY) < r.disability_other * np.exp(r.disability_age_growth * (age - 40.0))


@inlined
def _may_become_disabled(health, occupied, benefit):
    """Who :func:`_other_disability` concerns: a lasting health problem, out of work and school, on
    no state benefit (also the sweep's test in :func:`_may_change_status`)."""
    return health & ~occupied & ((benefit == NONE) | (benefit == SOCIAL_ASSISTANCE))


@inlined
def _benefit_runs_out(r, benefit, weeks):
    """Unemployment benefit runs out; the qualification programme ends (also the sweep's test)."""
    return ((benefit == UNEMPLOYMENT_BENEFIT) & (weeks >= r.unemployment_benefit_weeks)) \
        | ((benefit == QUALIFICATION_PROGRAMME) & (weeks >= r.qualification_weeks))


@inlined
def _may_retire_early(r, employed, age, benefit):
    """Who may take early pension: in work on no benefit, from ``early_pension_age`` (also the sweep's test)."""
    return employed & (age >= r.early_pension_age) & (benefit == NONE)


STAYS_ON_AAP, AAP_RECOVERS, AAP_ENDS_IN_DISABILITY, AAP_RUNS_OUT = 0, 1, 2, 3


@compiled
def _aap(r, key, i, helped, assessed, weeks, age):
    """AAP ends in recovery (faster with graded return), in disability after the office has
    assessed work ability (more likely with age), or at its time limit, in disability or in job
    seeking (NAV 2017, 2018: most new disability comes from AAP)."""
    if uniform(key, i, AAP_RECOVERY) < _aap_recovery(r, helped):
        return AAP_RECOVERS
    older = np.exp(r.disability_age_growth * (age - 40.0))
    if assessed and uniform(key, i, DISABILITY_DECISION) < r.disability_decision * older:
        return AAP_ENDS_IN_DISABILITY
    if weeks >= r.aap_weeks:
        if uniform(key, i, AAP_TIME_LIMIT) < min(max(r.disability_at_aap_end * older, 0.0), 1.0):
            return AAP_ENDS_IN_DISABILITY
        return AAP_RUNS_OUT
    return STAYS_ON_AAP


# ---- events: functions of columns, called only for the citizens they concern ---------------------
@compiled
def _start_aap(benefit, benefit_weeks, sa_top_up, assessed, employed, i, counts):
    """Work assessment allowance; social assistance as main income runs on as a top-up until the
    office's next decision: only a decision stops it (003:1002-1008)."""
    sa_top_up[i] |= benefit[i] == SOCIAL_ASSISTANCE
    benefit[i] = AAP
    benefit_weeks[i] = 0
    assessed[i] = False
    employed[i] = False
    counts[TO_AAP] += 1


@compiled
def _start_sick_pay(benefit, benefit_weeks, sa_top_up, short_sick, i, short, counts):
    """Sick pay, short or long; social assistance runs on as a top-up until the next decision."""
    sa_top_up[i] |= benefit[i] == SOCIAL_ASSISTANCE
    benefit[i] = SICK_PAY
    short_sick[i] = short
    benefit_weeks[i] = 0
    counts[SICK_LEAVE_STARTS] += 1


@compiled
def _start_disability(benefit, benefit_weeks, employed, i, counts):
    """Disability benefit: permanent in practice (exits by ageing out or death)."""
    benefit[i] = DISABILITY
    benefit_weeks[i] = 0
    employed[i] = False
    counts[TO_DISABILITY] += 1


@compiled
def _close_spell(spell_start, i, week, spells, k):
    """End citizen i's unemployment spell, if any, into row k of ``spells``; returns the next row."""
    start = spell_start[i]
    if start == NO_SPELL:
        return k
    spells[k, 0] = start
    spells[k, 1] = week - start
    spell_start[i] = NO_SPELL
    return k + 1


@compiled
def _lose_job(c, r, key, i, counts):
    """Job loss: unemployment benefit if eligible (fewer of the young are), social assistance
    kept as main income or as a top-up."""
    c.employed[i] = False
    c.weeks_out[i] = 0
    eligible = uniform(key, i, BENEFIT_ELIGIBLE) < (r.benefit_eligible_young if c.age[i] < 25.0
                                                    else r.benefit_eligible)
    keep_sa = c.benefit[i] == SOCIAL_ASSISTANCE
    c.benefit[i] = UNEMPLOYMENT_BENEFIT if eligible else (SOCIAL_ASSISTANCE if keep_sa else NONE)
    c.sa_top_up[i] |= eligible and keep_sa
    c.benefit_weeks[i] = 0
    counts[JOBS_LOST] += 1


@compiled
def _week_start(age, alive, employed, in_education, benefit, a, was_jobseeker, lost, r, key, may_change):
    """Ageing, who is a jobseeker and the arenas lost at the start of the week, for every slot; and
    whether anything can happen to each living citizen in :func:`leaving_and_shocks`, from the
    week's uniforms for moving, shocks and illness and the bounds of their hazards.

    A loop without branches or lookups in arrays, which the compiler vectorises (the uniforms of
    several slots at once); most citizens have no event in a week, and the pass over the events
    visits only those that may.
    """
    sick_band = 1.0 - r.short_sick_leave
    for i in range(len(alive)):
        age[i] += 1.0 / WEEKS_PER_YEAR
        living, working = alive[i], employed[i]
        was_jobseeker[i] = _jobseeker(living, working, in_education[i], benefit[i])
        lost[i] = lost_count(a[0, i], a[1, i], a[2, i], a[3, i], r.theta)   # (leaving changes no arena)
        u = uniform(key, i, MOVE)
        may_change[i] = living & ((u < r.move + DEATH_BAND) | (age[i] >= r.retirement_age)
                                  | (uniform(key, i, SHOCK) < r.shock_bound) | (working & (u > sick_band))
                                  | (uniform(key, i, ILLNESS) < r.illness_bound))


@compiled
def leaving_and_shocks(c, r, key, week, counts):
    """Ageing, leaving, arenas lost and the week's shocks and illness, for every slot.

    Returns the slots vacated and the unemployment spells their leaving ended ((start, duration) rows).
    """
    n = len(c.alive)
    may_change = np.empty(n, dtype=np.bool_)
    _week_start(c.age, c.alive, c.employed, c.in_education, c.benefit, c.arenas, c.was_jobseeker, c.lost, r, key,
                may_change)
    left = np.empty(n, dtype=np.int64)
    spells = np.empty((n, 2), dtype=np.int32)
    n_left = n_spells = 0
    a = c.arenas
    for i in range(n):
        if not may_change[i]:
            continue
        ben = c.benefit[i]
        u = uniform(key, i, MOVE)
        why = _leaving(r, c.age[i], ben, u)
        if why != STAYS:
            counts[DEATHS] += why == DIES
            left[n_left] = i
            n_left += 1
            n_spells = _close_spell(c.spell_start, i, week, spells, n_spells)
            c.alive[i] = False
            continue
        x = uniform(key, i, SHOCK)
        if x < r.shock_bound:
            traits = np.int8(c.health[i]) + np.int8(c.substance_use[i])
            shock = _shock(r, x, c.employed[i], ben, traits, a[HOUSING, i], a[ECONOMY, i], c.age[i])
            if shock == JOB_LOSS:
                _lose_job(c, r, key, i, counts)
            elif shock == EVICTION:
                a[HOUSING, i] = max(a[HOUSING, i] - r.eviction_size, 0.0)
                counts[EVICTIONS] += 1
            elif shock == DEBT:
                a[ECONOMY, i] = max(a[ECONOMY, i] - r.debt_size, 0.0)
        # illness: a short sick-leave spell (the top band of the first uniform), or a long-term
        # health problem (NAV sickness statistics): sick pay at work, AAP out of work
        ben = c.benefit[i]
        if c.employed[i] and ben != SICK_PAY and u > 1.0 - r.short_sick_leave:
            _start_sick_pay(c.benefit, c.benefit_weeks, c.sa_top_up, c.short_sick, i, True, counts)
        elif not (c.health[i] or c.in_education[i] or ben in (DISABILITY, EARLY_PENSION)) \
                and _falls_ill(r, uniform(key, i, ILLNESS), c.age[i], c.employed[i]):
            c.health[i] = True
            if c.employed[i]:
                _start_sick_pay(c.benefit, c.benefit_weeks, c.sa_top_up, c.short_sick, i, False, counts)
            else:
                _start_aap(c.benefit, c.benefit_weeks, c.sa_top_up, c.work_ability_assessed, c.employed, i, counts)
    # (copies: a view would keep the slot-sized buffers alive as long as the recorder keeps the spells)
    return left[:n_left].copy(), spells[:n_spells].copy()


@compiled
def _may_change_status(alive, in_education, employed, benefit, benefit_weeks, health, age, short_sick,
                       graded_return_until, assessed, r, key, week, may_change):
    """Whether anything can happen to each living citizen in :func:`transitions`: a student who
    leaves school, someone looking for work whose uniform lies below the largest job-finding
    hazard, sick pay that ends (:func:`_sick_leave`'s rate), AAP that may end (its recovery rate,
    the largest decision hazard, its time limit), someone out of work with a health problem and no
    state benefit, a benefit that runs out, or early pension (each on the week's uniforms).

    A loop without branches or lookups in arrays, which the compiler vectorises; the pass over the
    transitions visits only those who may change.
    """
    for i in range(len(alive)):
        ben, working, studying, weeks = benefit[i], employed[i], in_education[i], benefit_weeks[i]
        occupied = working | studying
        helped = graded_return_until[i] >= week
        sick_rate = _sick_recovery(r, short_sick[i], helped)
        aap_rate = _aap_recovery(r, helped)
        may_change[i] = alive[i] & (
            (studying & (uniform(key, i, LEAVE_SCHOOL) < r.leave_school))
            | (_seeks_work(working, studying, ben) & (uniform(key, i, JOB) < r.job_bound))
            | ((ben == SICK_PAY) & ((uniform(key, i, SICK_RECOVERY) < sick_rate) | (weeks >= r.sick_pay_weeks)))
            | ((ben == AAP) & (weeks > 0) & ((uniform(key, i, AAP_RECOVERY) < aap_rate) | (weeks >= r.aap_weeks)
                                              | (assessed[i] & (uniform(key, i, DISABILITY_DECISION)
                                                                < r.disability_decision_bound))))
            | _may_become_disabled(health[i], occupied, ben) | _benefit_runs_out(r, ben, weeks)
            | (_may_retire_early(r, working, age[i], ben) & (uniform(key, i, PENSION) < r.early_pension)))


@compiled
def transitions(c, r, key, week, counts):
    """Leaving education, job finding, sick leave, AAP, disability, benefit expiry and early
    pension, for every living slot that may change (:func:`_may_change_status`)."""
    a = c.arenas
    n = len(c.alive)
    may_change = np.empty(n, dtype=np.bool_)
    _may_change_status(c.alive, c.in_education, c.employed, c.benefit, c.benefit_weeks, c.health, c.age, c.short_sick,
                       c.graded_return_until, c.work_ability_assessed, r, key, week, may_change)
    for i in range(n):
        if not may_change[i]:
            continue
        if c.in_education[i] and uniform(key, i, LEAVE_SCHOOL) < r.leave_school:
            _leave_education(c.in_education, c.employed, r, key, i)
        ben = c.benefit[i]
        if _seeks_work(c.employed[i], c.in_education[i], ben):
            complexity = np.int8(c.health[i]) + np.int8(c.substance_use[i]) + np.int8(c.language[i])
            h = _job_hazard(r, a[WORK, i], complexity, c.nbr_employed[i], c.job_search_help_until[i] >= week)
            if uniform(key, i, JOB) < h:
                _find_job(c.employed, c.benefit, c.benefit_weeks, c.weeks_out, i, counts)
        elif ben == SICK_PAY:
            sick = _sick_leave(r, key, i, c.short_sick[i], c.graded_return_until[i] >= week, c.benefit_weeks[i])
            if sick != STAYS_SICK:
                _end_sick_pay(c, sick, i, counts)
        # (AAP begun this week, after sick pay, is not assessed until next week)
        aap = STAYS_ON_AAP
        if c.benefit[i] == AAP and c.benefit_weeks[i] > 0:
            aap = _aap(r, key, i, c.graded_return_until[i] >= week, c.work_ability_assessed[i], c.benefit_weeks[i],
                       c.age[i])
            if aap in (AAP_RECOVERS, AAP_ENDS_IN_DISABILITY):
                _end_aap(c, r, key, aap, i, counts)
        if _other_disability(r, key, i, c.health[i], c.employed[i] or c.in_education[i], c.benefit[i], c.age[i]):
            _start_disability(c.benefit, c.benefit_weeks, c.employed, i, counts)
        if aap == AAP_RUNS_OUT:         # not disabled: job seeking
            c.benefit[i] = NONE
            c.benefit_weeks[i] = 0
            counts[AAP_EXITS] += 1
        c.employed[i], c.benefit[i] = _expiry_and_pension(r, key, i, c.employed[i], c.age[i], c.benefit[i],
                                                          c.benefit_weeks[i])


@compiled
def _leave_education(in_education, employed, r, key, i):
    """A student finishes (or leaves) education: most go straight to work, the rest look for it."""
    in_education[i] = False
    employed[i] = uniform(key, i, WORK_AFTER_SCHOOL) < r.work_after_school


@compiled
def _expiry_and_pension(r, key, i, employed, age, benefit, weeks):
    """Unemployment benefit runs out and the qualification programme ends; early pension from 62,
    for those in work on no benefit. Returns (employed, benefit)."""
    if _benefit_runs_out(r, benefit, weeks):
        benefit = NONE
    if _may_retire_early(r, employed, age, benefit) and uniform(key, i, PENSION) < r.early_pension:
        return False, EARLY_PENSION
    return employed, benefit


@compiled
def _find_job(employed, benefit, benefit_weeks, weeks_out, i, counts):
    """A job found; social assistance as main income runs until the office's next decision (003:1002-1008)."""
    employed[i] = True
    if benefit[i] != SOCIAL_ASSISTANCE:
        benefit[i] = NONE
    benefit_weeks[i] = 0
    weeks_out[i] = 0
    counts[JOBS_FOUND] += 1


@compiled
def _end_sick_pay(c, outcome, i, counts):
    """Sick pay ends: recovered (a long-term problem resolved), or after a year in disability or AAP."""
    if outcome == RECOVERS:
        if not c.short_sick[i]:
            c.health[i] = False
        c.benefit[i] = NONE
        c.short_sick[i] = False
        c.benefit_weeks[i] = 0
        c.graded_return_until[i] = NEVER
    elif outcome == SICK_PAY_ENDS_IN_DISABILITY:
        _start_disability(c.benefit, c.benefit_weeks, c.employed, i, counts)
        counts[TO_DISABILITY_FROM_SICK_PAY] += 1
    else:
        _start_aap(c.benefit, c.benefit_weeks, c.sa_top_up, c.work_ability_assessed, c.employed, i, counts)
        counts[TO_AAP_FROM_SICK_PAY] += 1


@compiled
def _end_aap(c, r, key, outcome, i, counts):
    """AAP ends in recovery (most go to work) or in disability (its time limit is handled by the caller)."""
    counts[AAP_EXITS] += 1
    if outcome == AAP_RECOVERS:
        c.health[i] = False
        c.benefit[i] = NONE
        c.graded_return_until[i] = NEVER
        c.employed[i] = uniform(key, i, WORK_AFTER_AAP) < r.work_on_aap_recovery
    else:
        _start_disability(c.benefit, c.benefit_weeks, c.employed, i, counts)
        counts[TO_DISABILITY_FROM_AAP] += 1
        counts[AAP_EXITS_TO_DISABILITY] += 1


@compiled
def _clocks(alive, employed, in_education, benefit, benefit_weeks, weeks_out, was_jobseeker, sa_top_up, sa_paid_week,
            week, may_change):
    """The benefit clock and weeks out of work, for every slot; and who may start or end an
    unemployment spell or be due a month's social-assistance payment (:func:`bookkeeping`).
    A loop without branches or lookups in arrays, which the compiler vectorises."""
    for i in range(len(alive)):
        benefit_weeks[i] += 1
        living, working, ben = alive[i], employed[i], benefit[i]
        weeks_out[i] += living & ~working
        now = _jobseeker(True, working, in_education[i], ben)
        paid = ((ben == SOCIAL_ASSISTANCE) | sa_top_up[i]) & (week - sa_paid_week[i] >= WEEKS_PER_MONTH)
        may_change[i] = living & ((now != was_jobseeker[i]) | paid)


@compiled
def bookkeeping(c, week, month_bit, year_end):
    """The week's bookkeeping, for every slot: the benefit clock and weeks out of work; registered
    unemployment spells, which start when one becomes a jobseeker and end when one is no longer
    one; a payment each month of receipt of social assistance (its calendar month counts as a
    month on social assistance) and, at the year's end, the months per person (as SSB counts them).
    (The arenas' drift follows in a pass of its own, population.drift.) The spells and payments
    are visited only for the few whose status changed or who are due a payment (:func:`_clocks`).

    Returns the unemployment spells that ended this week ((start, duration) rows).
    """
    n = len(c.alive)
    may_change = np.empty(n, dtype=np.bool_)
    _clocks(c.alive, c.employed, c.in_education, c.benefit, c.benefit_weeks, c.weeks_out, c.was_jobseeker,
            c.sa_top_up, c.sa_paid_week, week, may_change)
    spells = np.empty((n, 2), dtype=np.int32)
    n_spells = 0
    for i in range(n):
        if not may_change[i]:
            continue
        ben = c.benefit[i]
        now = _jobseeker(True, c.employed[i], c.in_education[i], ben)
        if now and not c.was_jobseeker[i] and c.spell_start[i] == NO_SPELL:
            c.spell_start[i] = week
        elif c.was_jobseeker[i] and not now:
            n_spells = _close_spell(c.spell_start, i, week, spells, n_spells)
        if (ben == SOCIAL_ASSISTANCE or c.sa_top_up[i]) and week - c.sa_paid_week[i] >= WEEKS_PER_MONTH:
            c.sa_month_mask[i] |= month_bit
            c.sa_paid_week[i] = week
    if year_end:
        for i in range(n):
            c.sa_months_last_year[i] = _months(c.sa_month_mask[i])
            c.sa_month_mask[i] = 0
    return spells[:n_spells].copy()   # (a copy: a view would keep the slot-sized buffer alive)


@compiled
def _months(mask):
    """Months with a payment: the set bits of a 12-bit mask."""
    months = 0
    while mask:
        months += mask & 1
        mask >>= 1
    return months

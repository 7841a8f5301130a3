"""The district's working-age adults as arrays, and their weekly life outside the office.

One row (slot) per citizen; all citizens are updated together each week with numpy. The
inclusion-exclusion axis (Svedberg 1995 in 004:2283-2298) is the mean of four arena scores in
[0, 1]: work, activity, housing, economy (004:190-197, 004:2353-2460). An arena below
``arenas.loss_threshold`` is *lost*: exclusion is falling outside one or more central arenas
(Fløtten 2006 in 004:2302-2308). Losing an arena is a fact of a person's life: long out of work
(the work arena fades, 004:4445-4455), no activity, no secure home, no means.

Weekly order (:func:`step`): newcomers replace last week's leavers -> ageing, death, moving
away, ageing out at 67 -> shocks (job loss, sick leave, long-term illness, eviction, debt) ->
transitions (education, job finding, sick pay, AAP, disability, benefit expiry, early
pension) -> arena drift -> unemployment spells and months on social assistance. The office
(simulation/office/) acts afterwards on the resulting needs; social assistance starts and
stops only by its decisions.

The district is stationary by construction: newcomers replace leavers one for one (a week
later), initial ages follow the stationary age distribution of the entry and exit rules
(:func:`stationary_ages`), and initial statuses follow the age profiles of the calibration
targets, from which the spin-up lets the model settle into its own steady state.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from functools import lru_cache

import numpy as np
import scipy.sparse as sp

from .scenario import Scenario
from .vocabulary import (
    ARENAS,
    BENEFIT_NAMES,
    WEEKS_PER_MONTH,
    WEEKS_PER_YEAR,
    Arena,
    Benefit,
    NeedLevel,
    by_member,
    month_of_year,
)

__all__ = ["ARENAS", "BENEFIT_NAMES", "Benefit", "Citizens", "NeedLevel", "WeekEvents", "count_lost", "step",
           "initialise", "JOBSEEKER", "SEEKS_WORK", "WORK", "ACTIVITY", "HOUSING", "ECONOMY"]

NO_SPELL = np.iinfo(np.int32).min   # spell_start of someone not in an unemployment spell (weeks may be negative)
WORK, ACTIVITY, HOUSING, ECONOMY = (int(a) for a in Arena)
NEVER = -(10**6)

#: statuses counted as registered unemployed when out of work (NAV's jobseekers)
JOBSEEKER = by_member(Benefit, {Benefit.NONE: True, Benefit.UNEMPLOYMENT_BENEFIT: True,
                                Benefit.SOCIAL_ASSISTANCE: True}, default=False, dtype=bool)
#: statuses whose holders look for work each week when out of work (jobseekers and programme participants)
SEEKS_WORK = by_member(Benefit, {Benefit.NONE: True, Benefit.UNEMPLOYMENT_BENEFIT: True,
                                 Benefit.SOCIAL_ASSISTANCE: True, Benefit.QUALIFICATION_PROGRAMME: True},
                       default=False, dtype=bool)
#: state benefits paid by NAV's state side (an income of their own, for the economy arena)
STATE_BENEFIT = by_member(Benefit, {Benefit.UNEMPLOYMENT_BENEFIT: True, Benefit.SICK_PAY: True,
                                    Benefit.WORK_ASSESSMENT_ALLOWANCE: True, Benefit.DISABILITY_BENEFIT: True},
                          default=False, dtype=bool)


def column(dtype, fill=0):
    """Declare one per-citizen array: its dtype and the value of an empty slot."""
    return field(default=None, metadata={"dtype": dtype, "fill": fill})


@dataclass(eq=False)
class Citizens:
    """Struct of arrays: one entry per population slot; ``alive`` marks occupied slots.

    Build with :meth:`empty`; every column is declared here with its dtype and empty value.
    """

    alive: np.ndarray = column(bool, False)
    person_id: np.ndarray = column(np.int64, -1)
    age: np.ndarray = column(np.float64, 0.0)
    birth_date: np.ndarray = column(np.float64, 0.0)      # time of year of birth in [0, 1): the date-split key
    health: np.ndarray = column(bool, False)              # a long-term health problem (complexity, 004:2891-2896)
    substance_use: np.ndarray = column(bool, False)
    language: np.ndarray = column(bool, False)            # limited Norwegian
    low_income: np.ndarray = column(bool, False)          # low wage or minimum-rate benefits (SA top-ups)
    partner_from: np.ndarray = column(np.float32, np.inf)   # age from which one lives with an earning partner
    in_education: np.ndarray = column(bool, False)
    employed: np.ndarray = column(bool, False)
    short_sick: np.ndarray = column(bool, False)          # a short sick-leave spell (no lasting health problem)
    weeks_out: np.ndarray = column(np.int32, 0)           # weeks since last in work
    benefit: np.ndarray = column(np.int8, 0)              # Benefit code: the main income status
    benefit_weeks: np.ndarray = column(np.int32, 0)       # weeks on the current benefit
    sa_top_up: np.ndarray = column(bool, False)           # social assistance on top of a wage or state benefit
    work_ability_assessed: np.ndarray = column(bool, False)   # AAP: the office has assessed work ability
    job_search_help_until: np.ndarray = column(np.int32, NEVER)   # week until which job-search help works
    graded_return_until: np.ndarray = column(np.int32, NEVER)     # week until which activation for the sick works
    spell_start: np.ndarray = column(np.int32, NO_SPELL)
    sa_paid_week: np.ndarray = column(np.int32, NEVER)    # last social-assistance payment
    sa_month_mask: np.ndarray = column(np.int16, 0)       # calendar months this year with a payment
    sa_months_last_year: np.ndarray = column(np.int8, 0)
    arenas: np.ndarray = field(default=None)  # type: ignore[arg-type]   # (4, capacity), set by empty()
    next_id: int = 0
    last_outflow: int = 0                                  # leavers last week: this week's newcomers
    nbr_employed: np.ndarray | None = None                 # what each citizen sees in their network
    nbr_activity: np.ndarray | None = None
    ties: sp.csr_matrix | None = None                      # the social network over slots

    @classmethod
    def empty(cls, capacity: int) -> Citizens:
        c = cls()
        for f in _columns():
            setattr(c, f.name, np.full(capacity, f.metadata["fill"], dtype=f.metadata["dtype"]))
        c.arenas = np.zeros((len(Arena), capacity))
        c.ties = sp.csr_matrix((capacity, capacity))
        return c

    @property
    def capacity(self) -> int:
        return len(self.alive)

    def grow(self, extra: int) -> None:
        for f in _columns():
            old = getattr(self, f.name)
            setattr(self, f.name, np.concatenate([old, np.full(extra, f.metadata["fill"], dtype=old.dtype)]))
        self.arenas = np.concatenate([self.arenas, np.zeros((len(Arena), extra))], axis=1)

    def reset(self, idx: np.ndarray) -> None:
        """Empty slots ``idx`` (every column back to its empty value)."""
        for f in _columns():
            getattr(self, f.name)[idx] = f.metadata["fill"]
        self.arenas[:, idx] = 0.0

    # ---- derived state (computed, never stored) ----
    def position(self, idx: np.ndarray | None = None) -> np.ndarray:
        """Place on the inclusion-exclusion axis: mean arena score (1 = fully included), of every
        slot or of slots ``idx``."""
        return (self.arenas if idx is None else self.arenas[:, idx]).mean(axis=0)

    def arenas_lost(self, threshold: float) -> np.ndarray:
        """Arenas below ``threshold`` per citizen (int8): one compiled pass (:func:`simulation.kernels.arenas_lost`)."""
        from .kernels import arenas_lost  # numba only where used (command-line start-up)

        return arenas_lost(self.arenas, float(threshold))

    def complexity(self) -> np.ndarray:
        """Traits that make work harder to reach: health, substance use, language (004:2891-2896)."""
        return self.health.astype(np.int8) + self.substance_use + self.language

    def on_social_assistance(self) -> np.ndarray:
        """Receiving social assistance this week, as main income or as a top-up."""
        return self.alive & ((self.benefit == Benefit.SOCIAL_ASSISTANCE) | self.sa_top_up)


def _columns():
    return [f for f in fields(Citizens) if "dtype" in f.metadata]


@dataclass
class WeekEvents:
    """What happened in the population this week (counts and the slots the office must know of)."""

    left: np.ndarray            # slots vacated (moved away, died or aged out), before newcomers
    arrived: np.ndarray         # slots taken by newcomers
    jobs_found: int = 0
    jobs_lost: int = 0
    deaths: int = 0
    sick_leave_starts: int = 0
    to_aap: int = 0
    to_aap_from_sick_pay: int = 0
    aap_exits: int = 0
    aap_exits_to_disability: int = 0
    to_disability: int = 0
    to_disability_from_aap: int = 0
    to_disability_from_sick_pay: int = 0
    evictions: int = 0
    spells_ended: list = field(default_factory=list)   # (start_week, duration) arrays


def count_lost(below: np.ndarray) -> np.ndarray:
    """Per column, how many of the four rows of ``below`` (arena below threshold) are true, as int8.
    Four row additions: a reduction along axis 0 of a (4, n) array is several times slower."""
    b = below.view(np.int8)
    return b[0] + b[1] + b[2] + b[3]


def gompertz(at_40: float, growth: float, age: np.ndarray) -> np.ndarray:
    """A yearly rate that grows exponentially with age, ``at_40`` at age 40."""
    return at_40 * np.exp(growth * (age - 40.0))


# --------------------------------------------------------------------------------------------
# Initial state: the stationary age structure and the targets' age profiles
# --------------------------------------------------------------------------------------------


def stationary_ages(s: Scenario, n: int, rng: np.random.Generator) -> np.ndarray:
    """n ages drawn from the stationary age distribution of the entry and exit rules.

    Entrants are 18 (``youth_share_of_inflow``) or movers aged 20-45; people leave by moving
    away, by death (Gompertz) and at ``retirement_age``. The stationary density at age a is the
    entry density up to a times the survival from entry to a, summed over entry ages.
    """
    p = s.population
    grid = np.arange(18.0, p.retirement_age, 0.05)
    step = grid[1] - grid[0]
    exit_rate = p.move_away_per_year + gompertz(p.mortality_at_40, p.mortality_growth, grid)
    cum = np.concatenate([[0.0], np.cumsum(exit_rate[:-1] * step)])        # integrated exit hazard
    entry = np.where(grid < 19.0, p.youth_share_of_inflow / 1.0, 0.0)
    entry += np.where((grid >= 20.0) & (grid < 45.0), (1 - p.youth_share_of_inflow) / 25.0, 0.0)
    # density(a) = sum over entry ages e <= a of entry(e) * exp(-(cum(a) - cum(e)))
    density = np.exp(-cum) * np.cumsum(entry * np.exp(cum) * step)
    prob = density / density.sum()
    return rng.choice(grid, size=n, p=prob) + rng.random(n) * step


#: age bands and the targets' profiles used to draw the initial state (docs/calibration_targets.md):
#: employment by age (SSB register employment 2005-2006), disability by age (NAV 2017), AAP 4.1 %
#: (3.3 % of 18-29; NAV 2018). The spin-up lets the model move from here to its own steady state.
_BANDS = np.array([18.0, 20.0, 25.0, 30.0, 40.0, 50.0, 55.0, 60.0, 65.0, 67.0])
_EMPLOYED = np.array([0.45, 0.70, 0.82, 0.83, 0.84, 0.80, 0.70, 0.50, 0.30])
_DISABLED = np.array([0.01, 0.015, 0.02, 0.04, 0.08, 0.14, 0.20, 0.28, 0.32])
_AAP = np.array([0.02, 0.033, 0.033, 0.04, 0.05, 0.05, 0.05, 0.04, 0.02])
_IN_EDUCATION = np.array([0.75, 0.30, 0.08, 0.02, 0.0, 0.0, 0.0, 0.0, 0.0])


def initialise(c: Citizens, s: Scenario, rng: np.random.Generator) -> None:
    """Fill the first ``population.citizens`` slots with adults of the stationary age structure,
    statuses drawn from the age profiles of the calibration targets."""
    p = s.population
    n = p.citizens
    idx = np.arange(n)
    age = stationary_ages(s, n, rng)
    _fill_new(c, idx, rng, s, age)
    band = np.clip(np.searchsorted(_BANDS, age, side="right") - 1, 0, len(_BANDS) - 2)
    u = rng.random(n)
    disabled = u < _DISABLED[band]
    aap = ~disabled & (u < _DISABLED[band] + _AAP[band])
    student = ~disabled & ~aap & (rng.random(n) < _IN_EDUCATION[band])
    employed = ~disabled & ~aap & ~student & (rng.random(n) < _EMPLOYED[band] / (1 - _DISABLED[band] - _AAP[band]))
    c.health[idx] = disabled | aap
    c.in_education[idx] = student
    c.employed[idx] = employed
    c.benefit[idx[disabled]] = Benefit.DISABILITY_BENEFIT
    c.benefit[idx[aap]] = Benefit.WORK_ASSESSMENT_ALLOWANCE
    c.work_ability_assessed[idx[aap]] = rng.random(int(aap.sum())) < 0.5
    pension = ~disabled & ~aap & ~employed & (age >= p.early_pension_age) & (rng.random(n) < 0.5)
    c.benefit[idx[pension]] = Benefit.EARLY_PENSION
    out = idx[~employed & ~student & (c.benefit[idx] == Benefit.NONE)]
    ub = rng.random(len(out)) < s.labour_market.unemployment_benefit_eligible
    c.benefit[out[ub]] = Benefit.UNEMPLOYMENT_BENEFIT
    c.benefit_weeks[idx] = rng.integers(0, 52, n)
    not_working = idx[~employed & ~student]
    c.weeks_out[not_working] = rng.integers(0, 104, len(not_working))
    c.weeks_out[idx[disabled]] = rng.integers(104, 1040, int(disabled.sum()))
    a = c.arenas
    a[:, idx] = np.clip(0.9 - 0.25 * rng.random((4, n)), 0, 1)
    a[WORK, not_working] = np.clip(0.75 * np.exp(-s.arenas.work_decay_out_of_work * c.weeks_out[not_working]), 0, 1)
    a[ECONOMY, out[~ub]] = 0.3 - 0.1 * rng.random(int((~ub).sum()))
    seekers = idx[~employed & ~student & JOBSEEKER[c.benefit[idx]]]
    c.spell_start[seekers] = -s.run.warmup_weeks - c.weeks_out[seekers]   # began before the clock started
    c.last_outflow = int(round(n * _yearly_exit_share(s, age) / WEEKS_PER_YEAR))


def _yearly_exit_share(s: Scenario, age: np.ndarray) -> float:
    """Expected share of adults leaving in a year: moving away, death, ageing out."""
    p = s.population
    aging_out = np.mean(age >= p.retirement_age - 1.0)
    return float(p.move_away_per_year + gompertz(p.mortality_at_40, p.mortality_growth, age).mean() + aging_out)


def _fill_new(c: Citizens, idx: np.ndarray, rng, s: Scenario, age: np.ndarray) -> None:
    """Reset slots ``idx`` to newly arrived persons of the given ages (traits drawn afresh)."""
    k = len(idx)
    c.reset(idx)
    c.alive[idx] = True
    c.person_id[idx] = np.arange(c.next_id, c.next_id + k)
    c.next_id += k
    c.age[idx] = age
    c.birth_date[idx] = rng.random(k)
    c.substance_use[idx] = rng.random(k) < s.population.substance_use_share
    c.low_income[idx] = rng.random(k) < s.population.low_income_share
    p = s.population
    settles = rng.random(k) < p.partner_share
    c.partner_from[idx] = np.where(settles, 20.0 + rng.exponential(p.partner_mean_wait_years, k), np.inf)


def add_newcomers(c: Citizens, idx: np.ndarray, s: Scenario, rng: np.random.Generator, week: int) -> None:
    """Newcomers: 18-year-olds (most still in school) and people moving in; some arrive at risk
    (004:4593-4597), some young adults arrive already on disability benefit."""
    p = s.population
    k = len(idx)
    youth = rng.random(k) < p.youth_share_of_inflow
    age = np.where(youth, 18.0 + rng.random(k), rng.uniform(20.0, 45.0, k))
    _fill_new(c, idx, rng, s, age)
    c.language[idx] = ~youth & (rng.random(k) < p.language_share_of_movers)
    disabled = youth & (rng.random(k) < p.disabled_share_at_entry)
    student = youth & ~disabled & (rng.random(k) < p.education_share_at_18)
    at_risk = ~disabled & ~student & (rng.random(k) < p.at_risk_share_of_inflow)
    employed = ~disabled & ~student & ~at_risk
    c.employed[idx] = employed
    c.in_education[idx] = student
    c.health[idx[disabled]] = True
    c.benefit[idx[disabled]] = Benefit.DISABILITY_BENEFIT
    base = np.where(at_risk, 0.45, 0.8)
    c.arenas[:, idx] = np.clip(base[None, :] - 0.25 * rng.random((4, k)), 0, 1)
    c.arenas[ECONOMY, idx[at_risk]] = np.minimum(c.arenas[ECONOMY, idx[at_risk]], 0.35)
    c.spell_start[idx[at_risk]] = week   # a newcomer out of work and school registers as a jobseeker


def neighbour_means(c: Citizens, ties: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    """Share of each citizen's living contacts in work, and their mean activity arena (0.5 and
    0.5 without living contacts): one compiled pass over the ties (:func:`simulation.kernels.contacts_means`)."""
    from .kernels import contacts_means  # numba only where used (command-line start-up)

    return contacts_means(ties.indptr, ties.indices, ties.data, c.alive, c.employed, c.arenas[ACTIVITY])


#: weeks between refreshes of what each citizen sees in their network (social change is slow)
NETWORK_REFRESH_WEEKS = 4


# --------------------------------------------------------------------------------------------
# The week
# --------------------------------------------------------------------------------------------


def step(c: Citizens, s: Scenario, rng: np.random.Generator, week: int, free_slots) -> WeekEvents:
    """Advance every citizen one week. ``free_slots(k)`` returns k empty slot indices (growing if needed)."""
    arrived = free_slots(rng.poisson(c.last_outflow) if c.last_outflow else 0)
    if len(arrived):
        add_newcomers(c, arrived, s, rng, week)
    was_jobseeker = jobseekers(c)
    u = rng.random(c.capacity)
    events = leave(c, s, rng, week, u, arrived)
    lost = c.arenas_lost(s.arenas.loss_threshold)
    shocks(c, s, rng, u, events)
    if week % NETWORK_REFRESH_WEEKS == 0 or c.nbr_employed is None or len(c.nbr_employed) != c.capacity:
        c.nbr_employed, c.nbr_activity = neighbour_means(c, c.ties)
    leave_education(c, s, rng)
    find_jobs(c, s, rng, week, events)
    sick_leave_and_aap(c, s, rng, week, events)
    expire_benefits(c, s, rng)
    c.benefit_weeks += 1
    c.weeks_out += ~c.employed & c.alive
    assert c.nbr_activity is not None   # (refreshed above)
    drift(c, s, c.nbr_activity, lost)
    events.spells_ended.append(_track_spells(c, was_jobseeker, week))
    _count_assistance_months(c, week)
    return events


def jobseekers(c: Citizens) -> np.ndarray:
    """Registered unemployed: out of work and school, on no benefit but unemployment benefit or
    social assistance."""
    return c.alive & ~c.employed & ~c.in_education & JOBSEEKER.take(c.benefit)


def leave(c: Citizens, s: Scenario, rng, week: int, u: np.ndarray, arrived: np.ndarray) -> WeekEvents:
    """Ageing; leaving the district by ageing out at 67, death (Gompertz, higher on disability
    benefit) or moving away. Newcomers next week replace this week's leavers."""
    p = s.population
    c.age += 1.0 / WEEKS_PER_YEAR
    alive = c.alive
    move = p.move_away_per_year / WEEKS_PER_YEAR
    moved = alive & (u < move)
    aged_out = alive & (c.age >= p.retirement_age)
    candidates = np.flatnonzero(alive & ~moved & ~aged_out & (u < move + 0.002))   # thinning: death is rare
    death = gompertz(p.mortality_at_40, p.mortality_growth, c.age[candidates]) / WEEKS_PER_YEAR
    death *= np.where(c.benefit[candidates] == Benefit.DISABILITY_BENEFIT, p.disability_mortality_factor, 1.0)
    died = candidates[u[candidates] - move < death]
    gone = moved | aged_out
    gone[died] = True
    left = np.flatnonzero(gone)
    events = WeekEvents(left=left, arrived=arrived, deaths=len(died))
    events.spells_ended.append(_close_spells(c, left, week))
    c.alive[left] = False
    c.last_outflow = len(left)
    return events


def shocks(c: Citizens, s: Scenario, rng, u: np.ndarray, events: WeekEvents) -> None:
    """Competing weekly risks that push people outward: job loss, eviction, debt. Drawn on a
    second uniform; each hazard depends on the other arenas (004:2442-2456, 004:2859-2871)."""
    sh, lm = s.shocks, s.labour_market
    theta = s.arenas.loss_threshold
    a = c.arenas
    bound = (sh.job_loss * sh.job_loss_housing_lost_factor * (1 + 2 * sh.job_loss_complexity_factor)
             + sh.eviction * sh.eviction_economy_lost_factor
             + sh.debt * sh.application_rate_factor * max(sh.debt_out_of_work_factor, 1.0)
             * np.exp(sh.debt_savings_per_year * 22.0))   # the largest debt hazard: at 18
    x = rng.random(c.capacity)
    i = np.flatnonzero((x < bound) & c.alive)
    x = x[i]
    emp = c.employed[i]
    traits = c.health[i].astype(np.int8) + c.substance_use[i]
    at_work = emp & (c.benefit[i] != Benefit.SICK_PAY)
    h_job = at_work * sh.job_loss * np.where(a[HOUSING, i] < theta, sh.job_loss_housing_lost_factor, 1.0) \
        * (1.0 + sh.job_loss_complexity_factor * traits)
    h_evict = sh.eviction * np.where(a[ECONOMY, i] < theta, sh.eviction_economy_lost_factor, 1.0)
    # without a wage or a steady benefit, any extra cost is a shock (disability and pensions are steady)
    unsteady = ~emp & JOBSEEKER.take(c.benefit[i])
    steady = (c.benefit[i] == Benefit.DISABILITY_BENEFIT) | (c.benefit[i] == Benefit.EARLY_PENSION)
    h_debt = sh.debt * sh.application_rate_factor * np.where(unsteady, sh.debt_out_of_work_factor,
                                                             np.where(steady, sh.debt_steady_income_factor, 1.0))
    h_debt *= np.exp(-sh.debt_savings_per_year * (c.age[i] - 40.0))   # savings buffer shocks with age
    c1 = h_job
    c2 = c1 + h_evict
    c3 = c2 + h_debt
    jl = i[x < c1]
    evicted = i[(x >= c1) & (x < c2)]
    debt = i[(x >= c2) & (x < c3)]

    c.employed[jl] = False
    c.weeks_out[jl] = 0
    eligible = rng.random(len(jl)) < np.where(c.age[jl] < 25.0, lm.unemployment_benefit_eligible_young,
                                              lm.unemployment_benefit_eligible)
    keep_sa = c.benefit[jl] == Benefit.SOCIAL_ASSISTANCE
    c.benefit[jl] = np.where(eligible, Benefit.UNEMPLOYMENT_BENEFIT,
                             np.where(keep_sa, Benefit.SOCIAL_ASSISTANCE, Benefit.NONE))
    c.sa_top_up[jl] |= eligible & keep_sa
    c.benefit_weeks[jl] = 0
    events.jobs_lost = len(jl)
    a[HOUSING, evicted] = np.maximum(a[HOUSING, evicted] - sh.eviction_size, 0.0)
    a[ECONOMY, debt] = np.maximum(a[ECONOMY, debt] - sh.debt_size, 0.0)
    events.evictions = len(evicted)
    _illness(c, s, rng, u, events)


def _illness(c: Citizens, s: Scenario, rng, u: np.ndarray, events: WeekEvents) -> None:
    """Sick leave and long-term illness, rising with age (NAV sickness statistics; Gompertz).

    An employed person falls ill with a short spell (sick pay, recovers within weeks, no lasting
    problem) or a long-term health problem (sick pay up to a year, then AAP). A long-term
    problem out of work leads to AAP directly.
    """
    h = s.health
    alive = c.alive
    at_work = alive & c.employed & (c.benefit != Benefit.SICK_PAY)
    short = at_work & (u > 1.0 - h.short_sick_leave)          # the top band of the first uniform
    idx = np.flatnonzero(short)
    _keep_assistance_as_top_up(c, idx)
    c.benefit[idx] = Benefit.SICK_PAY
    c.short_sick[idx] = True
    c.benefit_weeks[idx] = 0
    events.sick_leave_starts += len(idx)

    healthy = np.flatnonzero(alive & ~c.health & ~c.in_education & (c.benefit != Benefit.DISABILITY_BENEFIT)
                             & (c.benefit != Benefit.EARLY_PENSION) & ~short)
    rate = gompertz(h.illness_at_40, h.illness_growth, c.age[healthy]) / WEEKS_PER_YEAR
    rate *= np.where(c.employed[healthy], 1.0, h.illness_out_of_work_factor)
    ill = healthy[rng.random(len(healthy)) < rate]
    c.health[ill] = True
    working = c.employed[ill]
    sick = ill[working]
    _keep_assistance_as_top_up(c, sick)
    c.benefit[sick] = Benefit.SICK_PAY
    c.short_sick[sick] = False
    c.benefit_weeks[sick] = 0
    events.sick_leave_starts += len(sick)
    _start_aap(c, ill[~working], events)


def _keep_assistance_as_top_up(c: Citizens, idx: np.ndarray) -> None:
    """Social assistance as main income that gives way to a state benefit (sick pay, AAP) runs on
    as a top-up until the office's next decision: only a decision stops it (003:1002-1008)."""
    c.sa_top_up[idx] |= c.benefit[idx] == Benefit.SOCIAL_ASSISTANCE


def _start_aap(c: Citizens, idx: np.ndarray, events: WeekEvents) -> None:
    """Work assessment allowance (AAP): income while work ability is assessed and improved. A
    social-assistance recipient who moves to AAP keeps social assistance as a top-up until the
    next decision."""
    _keep_assistance_as_top_up(c, idx)
    c.benefit[idx] = Benefit.WORK_ASSESSMENT_ALLOWANCE
    c.benefit_weeks[idx] = 0
    c.work_ability_assessed[idx] = False
    c.employed[idx] = False
    events.to_aap += len(idx)


def _start_disability(c: Citizens, idx: np.ndarray, events: WeekEvents) -> None:
    """Disability benefit: permanent in practice (exits by ageing out or death)."""
    c.benefit[idx] = Benefit.DISABILITY_BENEFIT
    c.benefit_weeks[idx] = 0
    c.employed[idx] = False
    events.to_disability += len(idx)


def leave_education(c: Citizens, s: Scenario, rng) -> None:
    """Students finish (or leave) education: most go straight to work, the rest look for it."""
    p = s.population
    st = np.flatnonzero(c.in_education & c.alive)
    done = st[rng.random(len(st)) < p.education_exit_per_year / WEEKS_PER_YEAR]
    c.in_education[done] = False
    c.employed[done] = rng.random(len(done)) < p.work_on_leaving_education


def find_jobs(c: Citizens, s: Scenario, rng, week: int, events: WeekEvents) -> None:
    """Job finding for those who seek work: a hazard that falls with the work arena (duration
    dependence, 004:4445-4455) but never to zero, lower with complexity, higher with employed
    contacts (004:2367-2373) and for a while after job-search help from the office."""
    lm = s.labour_market
    a = c.arenas
    seek = np.flatnonzero(c.alive & ~c.employed & ~c.in_education & SEEKS_WORK.take(c.benefit))
    arena = a[WORK, seek]
    assert c.nbr_employed is not None   # (refreshed before job finding)
    h = (lm.job_finding * (lm.job_finding_floor + (1.0 - lm.job_finding_floor) * arena ** lm.work_arena_elasticity)
         * (1.0 - lm.complexity_penalty) ** (c.health[seek].astype(np.int8) + c.substance_use[seek] + c.language[seek])
         * (1.0 - lm.job_lead_weight + lm.job_lead_weight * c.nbr_employed[seek]))
    helped = c.job_search_help_until[seek] >= week
    h = np.where(helped, h * (1.0 + s.follow_up.job_search_boost * s.follow_up.effect_scale), h)
    fi = seek[rng.random(len(seek)) < h]
    c.employed[fi] = True
    # social assistance as main income runs until the office's next decision (003:1002-1008)
    on_sa = c.benefit[fi] == Benefit.SOCIAL_ASSISTANCE
    c.benefit[fi[~on_sa]] = Benefit.NONE
    c.benefit_weeks[fi] = 0
    c.weeks_out[fi] = 0
    events.jobs_found = len(fi)


def sick_leave_and_aap(c: Citizens, s: Scenario, rng, week: int, events: WeekEvents) -> None:
    """Recovery from sick leave; a year of sick pay ends in AAP (or, rarely, disability); AAP
    ends in recovery, in disability after the office has assessed work ability, or at its time
    limit (NAV 2017, 2018: most new disability comes from AAP, some from sick pay)."""
    h = s.health
    alive = c.alive
    ben = c.benefit
    sick = np.flatnonzero(alive & (ben == Benefit.SICK_PAY))
    rate = np.where(c.short_sick[sick], h.short_sick_recovery, h.sick_recovery)
    helped = c.graded_return_until[sick] >= week     # activation and graded return from the office
    boost = 1.0 + s.follow_up.graded_return_boost * s.follow_up.effect_scale
    rate = np.where(helped & ~c.short_sick[sick], rate * boost, rate)
    rec = sick[rng.random(len(sick)) < rate]
    c.health[rec[~c.short_sick[rec]]] = False
    c.benefit[rec] = Benefit.NONE
    c.short_sick[rec] = False
    c.benefit_weeks[rec] = 0
    c.graded_return_until[rec] = NEVER
    end = sick[(c.benefit[sick] == Benefit.SICK_PAY) & (c.benefit_weeks[sick] >= h.sick_pay_weeks)]
    to_dis = rng.random(len(end)) < h.disability_at_sick_pay_end
    _start_disability(c, end[to_dis], events)
    events.to_disability_from_sick_pay += int(to_dis.sum())
    _start_aap(c, end[~to_dis], events)
    events.to_aap_from_sick_pay += int((~to_dis).sum())

    aap = np.flatnonzero(alive & (ben == Benefit.WORK_ASSESSMENT_ALLOWANCE) & (c.benefit_weeks > 0))
    rate = np.full(len(aap), h.aap_recovery)
    helped = c.graded_return_until[aap] >= week
    rate = np.where(helped, rate * (1.0 + s.follow_up.graded_return_boost * s.follow_up.effect_scale), rate)
    ok = rng.random(len(aap)) < rate
    rec = aap[ok]
    c.health[rec] = False
    c.benefit[rec] = Benefit.NONE        # back to work or job seeking (work-ability restored)
    c.employed[rec] = rng.random(len(rec)) < h.work_on_aap_recovery
    c.graded_return_until[rec] = NEVER
    rest = aap[~ok]
    # disability only after the office has assessed work ability; more likely with age
    odds = h.disability_decision * np.exp(h.disability_age_growth * (c.age[rest] - 40.0))
    decide = rest[c.work_ability_assessed[rest] & (rng.random(len(rest)) < odds)]
    expired = rest[(c.benefit_weeks[rest] >= h.aap_weeks) & (c.benefit[rest] == Benefit.WORK_ASSESSMENT_ALLOWANCE)]
    expired = np.setdiff1d(expired, decide, assume_unique=True)
    p_dis = np.clip(h.disability_at_aap_end * np.exp(h.disability_age_growth * (c.age[expired] - 40.0)), 0, 1)
    exp_dis = rng.random(len(expired)) < p_dis
    to_dis = np.concatenate([decide, expired[exp_dis]])
    _start_disability(c, to_dis, events)
    events.to_disability_from_aap += len(to_dis)
    _other_disability(c, s, rng, events)
    back = expired[~exp_dis]             # time limit reached, not disabled: job seeking
    c.benefit[back] = Benefit.NONE
    c.benefit_weeks[back] = 0
    events.aap_exits += len(rec) + len(to_dis) + len(back)
    events.aap_exits_to_disability += len(to_dis)


def _other_disability(c: Citizens, s: Scenario, rng, events: WeekEvents) -> None:
    """Disability benefit by other routes: out of work with a lasting health problem, on no
    state benefit (after AAP ran out, or never on it); more likely with age (NAV: about 2 in 10
    new recipients come neither from AAP nor from sick pay)."""
    h = s.health
    ben = c.benefit
    cand = np.flatnonzero(c.alive & c.health & ~c.employed & ~c.in_education
                          & ((ben == Benefit.NONE) | (ben == Benefit.SOCIAL_ASSISTANCE)))
    rate = h.disability_other_per_year / WEEKS_PER_YEAR * np.exp(h.disability_age_growth * (c.age[cand] - 40.0))
    _start_disability(c, cand[rng.random(len(cand)) < rate], events)


def expire_benefits(c: Citizens, s: Scenario, rng) -> None:
    """Unemployment benefit runs out; the qualification programme ends; early pension from 62."""
    lm, p = s.labour_market, s.population
    alive, ben = c.alive, c.benefit
    ub_end = alive & (ben == Benefit.UNEMPLOYMENT_BENEFIT) & (c.benefit_weeks >= lm.unemployment_benefit_weeks)
    c.benefit[ub_end] = Benefit.NONE
    kvp_end = alive & (ben == Benefit.QUALIFICATION_PROGRAMME) & (c.benefit_weeks >= s.follow_up.qualification_weeks)
    c.benefit[kvp_end] = Benefit.NONE    # still in need: a new application for social assistance
    older = np.flatnonzero(alive & c.employed & (c.age >= p.early_pension_age) & (ben == Benefit.NONE))
    retire = older[rng.random(len(older)) < p.early_pension_per_year / WEEKS_PER_YEAR]
    c.employed[retire] = False
    c.benefit[retire] = Benefit.EARLY_PENSION


# --------------------------------------------------------------------------------------------
# Arena drift
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=32)
def _income_table(b) -> np.ndarray:
    """Economy level by main benefit (``b``: the scenario's Benefits section)."""
    return by_member(Benefit, {
        Benefit.NONE: b.economy_no_income, Benefit.UNEMPLOYMENT_BENEFIT: b.economy_state_benefit,
        Benefit.SICK_PAY: b.economy_employed, Benefit.WORK_ASSESSMENT_ALLOWANCE: b.economy_state_benefit,
        Benefit.SOCIAL_ASSISTANCE: b.economy_no_income, Benefit.QUALIFICATION_PROGRAMME: b.economy_qualification,
        Benefit.DISABILITY_BENEFIT: b.economy_state_benefit, Benefit.EARLY_PENSION: b.economy_pension})


def drift(c: Citizens, s: Scenario, nbr_activity: np.ndarray, lost: np.ndarray) -> None:
    """Move each arena toward its target; downward moves are ``1 + acceleration * arenas lost``
    times faster (004:2859-2871). Every move is ``x += rate * (target - x)`` except work's:

    * work: attachment rebuilds at work (``work_rate_employed * (1 - x)``) and holds in school, on
      early pension or short sick leave; otherwise it fades (``-work_decay_out_of_work * x``,
      004:4445-4455);
    * economy: toward what one's own income allows -- by main benefit, an earning partner's
      household level (social assistance is means-tested by household), the wage at work, times
      ``low_income_factor`` for a low wage or minimum-rate unemployment benefit or AAP, student
      support in school -- and at least the social-assistance level for a recipient (004:2446-2456);
    * housing: toward ``economy / loss_threshold`` (at most 1): secure housing needs an economy
      that holds (004:2442-2456);
    * activity: toward ``network_weight * contacts' activity + (1 - network_weight) / 2``, plus
      as much again at work or in school, less ``isolation_from_poverty`` with the economy lost
      (004:4341-4351).

    The hot path of a week: one compiled pass over the slots (:func:`simulation.kernels.arena_drift`).
    """
    from .kernels import arena_drift  # numba only where used (command-line start-up)

    ar, b = s.arenas, s.benefits
    rates = (ar.loss_threshold, ar.acceleration_per_arena_lost, ar.work_rate_employed, ar.work_decay_out_of_work,
             ar.economy_rate, ar.housing_rate, ar.activity_rate, ar.network_weight, ar.isolation_from_poverty)
    levels = (b.economy_employed, b.economy_partner_income, b.low_income_factor, b.economy_student,
              b.economy_social_assistance)
    arena_drift(c.arenas, c.employed, c.benefit, c.in_education, c.short_sick, c.sa_top_up, c.low_income, c.age,
                c.partner_from, nbr_activity, lost, _income_table(b), int(Benefit.SICK_PAY), int(Benefit.EARLY_PENSION),
                int(Benefit.SOCIAL_ASSISTANCE), int(Benefit.UNEMPLOYMENT_BENEFIT),
                int(Benefit.WORK_ASSESSMENT_ALLOWANCE), rates, levels)


def _close_spells(c: Citizens, idx: np.ndarray, week: int) -> np.ndarray:
    """End the unemployment spells of ``idx``; returns (start_week, duration) rows."""
    open_ = idx[c.spell_start[idx] != NO_SPELL]
    out = np.stack([c.spell_start[open_], week - c.spell_start[open_]], axis=1)
    c.spell_start[open_] = NO_SPELL
    return out


def _track_spells(c: Citizens, was: np.ndarray, week: int) -> np.ndarray:
    """Registered-unemployment spells: start when one becomes a jobseeker, end when no longer one."""
    now = jobseekers(c)
    c.spell_start[now & ~was & (c.spell_start == NO_SPELL)] = week
    return _close_spells(c, np.flatnonzero(was & ~now & c.alive), week)


def pay_assistance(c: Citizens, idx: np.ndarray, week: int) -> None:
    """A social-assistance payment to ``idx`` this week: its calendar month counts as a month of receipt."""
    c.sa_month_mask[idx] |= np.int16(1 << month_of_year(week))
    c.sa_paid_week[idx] = week


def _count_assistance_months(c: Citizens, week: int) -> None:
    """Calendar months with a payment, per person and year (as SSB counts them). Payments come
    with each decision (office/sessions.py) and monthly within a longer decision period."""
    due = np.flatnonzero(c.on_social_assistance() & (week - c.sa_paid_week >= WEEKS_PER_MONTH))
    pay_assistance(c, due, week)
    if week % WEEKS_PER_YEAR == WEEKS_PER_YEAR - 1:
        c.sa_months_last_year[:] = np.bitwise_count(c.sa_month_mask)
        c.sa_month_mask[:] = 0

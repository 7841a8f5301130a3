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
from operator import attrgetter

import numpy as np
import scipy.sparse as sp

from .scenario import Scenario, derived
from .vocabulary import (
    ARENAS,
    BENEFIT_NAMES,
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
    lost: np.ndarray = column(np.int8, 0)                 # arenas lost after leaving, before the week's shocks
    was_jobseeker: np.ndarray = column(bool, False)       # a jobseeker at the start of the week (spells)
    arenas: np.ndarray = field(default=None)  # type: ignore[arg-type]   # (4, capacity), set by empty()
    next_id: int = 0
    stream_root: int = 0                                   # root of the life events' counter-based draws
    last_outflow: int = 0                                  # leavers last week: this week's newcomers
    nbr_employed: np.ndarray = field(default_factory=lambda: np.zeros(0))   # what each citizen sees in their
    nbr_activity: np.ndarray = field(default_factory=lambda: np.zeros(0))   # network (empty until the first refresh)
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
        for name, fill in _empty_values():
            getattr(self, name)[idx] = fill
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

    def life(self):
        """The columns the life-event kernels read and write, as their named tuple
        (:class:`simulation.kernels.life_events.Life`)."""
        from .kernels.life_events import Life

        return Life._make(_life_columns()(self))

    def complexity(self) -> np.ndarray:
        """Traits that make work harder to reach: health, substance use, language (004:2891-2896)."""
        return self.health.astype(np.int8) + self.substance_use + self.language

    def on_social_assistance(self) -> np.ndarray:
        """Receiving social assistance this week, as main income or as a top-up."""
        return self.alive & ((self.benefit == Benefit.SOCIAL_ASSISTANCE) | self.sa_top_up)


@lru_cache(maxsize=1)
def _columns():
    """The declared per-citizen columns (cached: ``fields`` is slow, and slots are reset every week)."""
    return tuple(f for f in fields(Citizens) if "dtype" in f.metadata)


@lru_cache(maxsize=1)
def _empty_values():
    """(name, empty value) of each declared column, for ``reset`` each week."""
    return tuple((f.name, f.metadata["fill"]) for f in _columns())


@lru_cache(maxsize=1)
def _life_columns():
    """Gets the life-event kernels' columns from Citizens, in their order (built once: twice a week)."""
    from .kernels.life_events import Life

    return attrgetter(*Life._fields)


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
    from .kernels import stream_root

    c.stream_root = stream_root(rng)   # first: the same for every scenario run with the same seed
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
    """Reset slots ``idx`` to newly arrived persons of the given ages (traits drawn afresh:
    :func:`simulation.kernels.arrivals.arrive`)."""
    from .kernels.arrivals import arrive  # numba only where used (command-line start-up)

    p = s.population
    k = len(idx)
    c.reset(idx)
    traits = rng.random((4, k))     # time of year of birth, substance use, low income, an earning partner
    wait = rng.exponential(p.partner_mean_wait_years, k)
    arrive(idx, c.next_id, age, traits, wait, p.substance_use_share, p.low_income_share, p.partner_share,
           c.alive, c.person_id, c.age, c.birth_date, c.substance_use, c.low_income, c.partner_from)
    c.next_id += k


def add_newcomers(c: Citizens, idx: np.ndarray, s: Scenario, rng: np.random.Generator, week: int) -> None:
    """Newcomers: 18-year-olds (most still in school) and people moving in; some arrive at risk
    (004:4593-4597), some young adults arrive already on disability benefit
    (:func:`simulation.kernels.arrivals.newcomers`)."""
    from .kernels.arrivals import newcomers  # numba only where used (command-line start-up)

    p = s.population
    k = len(idx)
    youth_draw, young_age = rng.random((2, k))
    youth = youth_draw < p.youth_share_of_inflow
    age = np.where(youth, 18.0 + young_age, rng.uniform(20.0, 45.0, k))
    _fill_new(c, idx, rng, s, age)
    status = rng.random((8, k))     # language, disability, school, at risk; the four arenas
    newcomers(idx, youth, status, week, p.language_share_of_movers, p.disabled_share_at_entry, p.education_share_at_18,
              p.at_risk_share_of_inflow, c.language, c.employed, c.in_education, c.health, c.benefit, c.arenas,
              c.spell_start)


def neighbour_means(c: Citizens, ties: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    """Share of each citizen's living contacts in work, and their mean activity arena (0.5 and
    0.5 without living contacts): one compiled pass over the ties (:func:`simulation.kernels.contacts_means`)."""
    from .kernels import contacts_means  # numba only where used (command-line start-up)

    return contacts_means(ties.indptr, ties.indices, c.alive, c.employed, c.arenas[ACTIVITY])


#: weeks between refreshes of what each citizen sees in their network (social change is slow)
NETWORK_REFRESH_WEEKS = 4


# --------------------------------------------------------------------------------------------
# The week
# --------------------------------------------------------------------------------------------


def step(c: Citizens, s: Scenario, rng: np.random.Generator, week: int, free_slots) -> WeekEvents:
    """Advance every citizen one week. ``free_slots(k)`` returns k empty slot indices (growing if needed).

    The week's life events run in compiled passes over the slots
    (:mod:`simulation.kernels.life_events`, where each mechanism is a named function with its
    sources), with what citizens see of their contacts refreshed between them:

    * ageing; leaving by moving away, death (Gompertz, higher on disability benefit) or ageing
      out at 67; job loss, eviction and debt as competing risks that depend on the other arenas
      (004:2442-2456, 004:2859-2871); short sick leave and long-term illness rising with age (NAV
      sickness statistics), with sick pay at work and AAP out of work;
    * leaving education; job finding that falls with the work arena but never to zero
      (004:4445-4455), higher with employed contacts (004:2367-2373) and after job-search help;
      recovery from sick leave, a year of sick pay ending in AAP or disability; AAP ending in
      recovery, in disability after the office has assessed work ability, or at its time limit
      (NAV 2017, 2018: most new disability comes from AAP); disability by other routes;
      unemployment benefit and the qualification programme running out; early pension from 62;
      the benefit clocks, unemployment spells and a month of social assistance per month with a
      payment. Social assistance that gives way to a state benefit or a job runs on until the
      office's next decision (003:1002-1008).

    Then the week's bookkeeping, and the arenas drift (:func:`drift`) with the arenas lost at the
    start of the week. Newcomers next week replace this week's leavers.
    """
    from .kernels import week_key
    from .kernels.life_events import EVENTS, bookkeeping, leaving_and_shocks, transitions

    arrived = free_slots(rng.poisson(c.last_outflow) if c.last_outflow else 0)
    if len(arrived):
        add_newcomers(c, arrived, s, rng, week)
    key = week_key(c.stream_root, week)
    rates = life_rates(s)
    counts = np.zeros(len(EVENTS), dtype=np.int64)
    left, spells_at_leaving = leaving_and_shocks(c.life(), rates, key, week, counts)
    c.last_outflow = len(left)
    if week % NETWORK_REFRESH_WEEKS == 0 or len(c.nbr_employed) != c.capacity:
        c.nbr_employed, c.nbr_activity = neighbour_means(c, c.ties)
    life = c.life()
    transitions(life, rates, key, week, counts)
    month_bit = np.int16(1 << month_of_year(week))
    year_end = week % WEEKS_PER_YEAR == WEEKS_PER_YEAR - 1
    spells_ended = bookkeeping(life, week, month_bit, year_end)
    drift(c, s, c.nbr_activity, c.lost)
    return WeekEvents(left=left, arrived=arrived, spells_ended=[spells_at_leaving, spells_ended],
                      **dict(zip(EVENTS, counts.tolist(), strict=True)))


def jobseekers(c: Citizens) -> np.ndarray:
    """Registered unemployed: out of work and school, on no benefit but unemployment benefit or
    social assistance."""
    return c.alive & ~c.employed & ~c.in_education & JOBSEEKER.take(c.benefit)


#: a bound on a hazard is raised by this factor, so that rounding in the hazard's product cannot exceed it
#: (a bound only decides whom the compiled pass visits, never what happens to them)
_HAIR = 1.0 + 1e-9


@derived
def life_rates(s: Scenario):
    """The scenario's weekly probabilities and factors for the life-event kernels
    (:class:`simulation.kernels.life_events.Rates`)."""
    from .kernels.life_events import Rates

    p, sh, lm, h, fu = s.population, s.shocks, s.labour_market, s.health, s.follow_up
    return Rates(
        move=p.move_away_per_year / WEEKS_PER_YEAR, retirement_age=p.retirement_age,
        mortality_at_40=p.mortality_at_40, mortality_growth=p.mortality_growth,
        disability_mortality=p.disability_mortality_factor, theta=s.arenas.loss_threshold,
        shock_bound=(sh.job_loss * sh.job_loss_housing_lost_factor * (1 + 2 * sh.job_loss_complexity_factor)
                     + sh.eviction * sh.eviction_economy_lost_factor
                     + sh.debt * sh.application_rate_factor * max(sh.debt_out_of_work_factor, 1.0)
                     * np.exp(sh.debt_savings_per_year * 22.0)),   # the largest debt hazard: at 18
        job_loss=sh.job_loss, job_loss_housing_lost=sh.job_loss_housing_lost_factor,
        job_loss_complexity=sh.job_loss_complexity_factor, eviction=sh.eviction,
        eviction_economy_lost=sh.eviction_economy_lost_factor, eviction_size=sh.eviction_size,
        debt=sh.debt * sh.application_rate_factor, debt_out_of_work=sh.debt_out_of_work_factor,
        debt_steady_income=sh.debt_steady_income_factor, debt_savings_per_year=sh.debt_savings_per_year,
        debt_size=sh.debt_size, benefit_eligible_young=lm.unemployment_benefit_eligible_young,
        benefit_eligible=lm.unemployment_benefit_eligible, short_sick_leave=h.short_sick_leave,
        illness_at_40=h.illness_at_40, illness_growth=h.illness_growth,
        illness_out_of_work=h.illness_out_of_work_factor,
        illness_bound=(h.illness_at_40 * np.exp(h.illness_growth * (p.retirement_age - 40.0)) / WEEKS_PER_YEAR
                       * max(h.illness_out_of_work_factor, 1.0)),
        leave_school=p.education_exit_per_year / WEEKS_PER_YEAR, work_after_school=p.work_on_leaving_education,
        job_finding=lm.job_finding, job_finding_floor=lm.job_finding_floor,
        # (every other factor of the hazard is at most 1 within the parameters' ranges)
        job_bound=lm.job_finding * max(1.0 + fu.job_search_boost * fu.effect_scale, 1.0) * _HAIR,
        work_arena_elasticity=lm.work_arena_elasticity,
        complexity_factors=tuple((1.0 - lm.complexity_penalty) ** k for k in range(4)),
        job_lead_weight=lm.job_lead_weight, job_search_boost=1.0 + fu.job_search_boost * fu.effect_scale,
        short_sick_recovery=h.short_sick_recovery, sick_recovery=h.sick_recovery,
        graded_return_boost=1.0 + fu.graded_return_boost * fu.effect_scale, sick_pay_weeks=h.sick_pay_weeks,
        disability_at_sick_pay_end=h.disability_at_sick_pay_end, aap_recovery=h.aap_recovery,
        work_on_aap_recovery=h.work_on_aap_recovery, disability_decision=h.disability_decision,
        disability_decision_bound=h.disability_decision * np.exp(h.disability_age_growth * (p.retirement_age - 40.0))
        * _HAIR,
        disability_age_growth=h.disability_age_growth, aap_weeks=h.aap_weeks,
        disability_at_aap_end=h.disability_at_aap_end,
        disability_other=h.disability_other_per_year / WEEKS_PER_YEAR,
        unemployment_benefit_weeks=lm.unemployment_benefit_weeks, qualification_weeks=fu.qualification_weeks,
        early_pension_age=p.early_pension_age, early_pension=p.early_pension_per_year / WEEKS_PER_YEAR)


# --------------------------------------------------------------------------------------------
# Arena drift
# --------------------------------------------------------------------------------------------


#: the benefit codes the arena drift distinguishes (simulation.kernels.arenas.citizen_drift)
DRIFT_CODES = (int(Benefit.SICK_PAY), int(Benefit.EARLY_PENSION), int(Benefit.SOCIAL_ASSISTANCE),
               int(Benefit.UNEMPLOYMENT_BENEFIT), int(Benefit.WORK_ASSESSMENT_ALLOWANCE))


@derived
def _income_levels(b) -> tuple[float, ...]:
    """Economy level by main benefit (``b``: the scenario's Benefits section), indexed by benefit
    code: a tuple, which the drift kernel chooses from by selects."""
    return tuple(by_member(Benefit, {
        Benefit.NONE: b.economy_no_income, Benefit.UNEMPLOYMENT_BENEFIT: b.economy_state_benefit,
        Benefit.SICK_PAY: b.economy_employed, Benefit.WORK_ASSESSMENT_ALLOWANCE: b.economy_state_benefit,
        Benefit.SOCIAL_ASSISTANCE: b.economy_no_income, Benefit.QUALIFICATION_PROGRAMME: b.economy_qualification,
        Benefit.DISABILITY_BENEFIT: b.economy_state_benefit, Benefit.EARLY_PENSION: b.economy_pension}).tolist())


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

    One compiled pass over every slot (:func:`simulation.kernels.arena_drift`, each citizen's week
    in :func:`simulation.kernels.arenas.citizen_drift`); the week's step calls this after its
    bookkeeping, and the tests check it against plain numpy.
    """
    from .kernels import arena_drift  # numba only where used (command-line start-up)

    rates, levels = drift_rates(s)
    arena_drift(c.arenas, c.employed, c.benefit, c.in_education, c.short_sick, c.sa_top_up, c.low_income, c.age,
                c.partner_from, nbr_activity, lost, _income_levels(s.benefits), DRIFT_CODES, rates, levels)


@derived
def drift_rates(s: Scenario) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """The drift's rates and economy levels (:func:`simulation.kernels.arenas.citizen_drift`;
    built once per scenario, as :func:`life_rates`)."""
    ar, b = s.arenas, s.benefits
    rates = (ar.loss_threshold, ar.acceleration_per_arena_lost, ar.work_rate_employed, ar.work_decay_out_of_work,
             ar.economy_rate, ar.housing_rate, ar.activity_rate, ar.network_weight, ar.isolation_from_poverty)
    levels = (b.economy_employed, b.economy_partner_income, b.low_income_factor, b.economy_student,
              b.economy_social_assistance)
    return rates, levels


def pay_assistance(c: Citizens, idx: np.ndarray, week: int) -> None:
    """A social-assistance payment to ``idx`` this week: its calendar month counts as a month of receipt."""
    c.sa_month_mask[idx] |= np.int16(1 << month_of_year(week))
    c.sa_paid_week[idx] = week

"""Citizens as arrays, and their weekly life outside the office.

One row (slot) per citizen; all citizens are updated together each week with numpy. The
inclusion-exclusion axis (Svedberg 1995 in 004:2283-2298) is the mean of four arena scores in
[0, 1]: work, activity, housing, economy (004:190-197, 004:2353-2460). An arena below
``arenas.loss_threshold`` is *lost*: exclusion is falling outside one or more central arenas
(Fløtten 2006 in 004:2302-2308).

Weekly order (``step``): newcomers take free slots -> ageing and moving out -> shocks ->
state transitions (job finding, recovery, benefit expiry) -> arena drift -> unemployment
spells and months on social assistance. The office
(organisation.py) acts afterwards on the resulting needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np
import scipy.sparse as sp

from .scenario import Scenario

ARENAS = ("work", "activity", "housing", "economy")
NO_SPELL = np.iinfo(np.int32).min   # spell_start of someone not in an unemployment spell (weeks may be negative)
WORK, ACTIVITY, HOUSING, ECONOMY = range(4)


class Benefit(IntEnum):
    """Benefit status, one at a time. Social assistance replaces other income for those out of
    work and tops up a wage for the employed whose economy is lost (until it recovers)."""

    NONE = 0
    UNEMPLOYMENT_BENEFIT = 1
    SICK_PAY = 2
    WORK_ASSESSMENT_ALLOWANCE = 3
    SOCIAL_ASSISTANCE = 4
    QUALIFICATION_PROGRAMME = 5
    DISABILITY_BENEFIT = 6


BENEFIT_NAMES = tuple(b.name.lower() for b in Benefit)
#: statuses counted as registered unemployed (jobseekers): the unemployment spell
JOBSEEKER = np.array([True, True, False, False, True, False, False])
#: statuses whose holders look for work each week (jobseekers and programme participants)
SEEKS_WORK = np.array([True, True, False, False, True, True, False])


class NeedLevel(IntEnum):
    """Need for follow-up after the NAV Act §14a assessment (004:1365-1385)."""

    NOT_ASSESSED = 0
    STANDARD = 1
    SITUATIONAL = 2
    SPECIAL = 3
    PERMANENT = 4


@dataclass
class WeekEvents:
    """What happened in the population this week (counts and the slots the office must know of)."""

    left: np.ndarray            # slots vacated (moved away or aged out), before newcomers
    arrived: np.ndarray         # slots taken by newcomers
    jobs_found: int = 0
    jobs_lost: int = 0
    to_disability: int = 0
    evictions: int = 0
    spells_ended: list = field(default_factory=list)   # (start_week, duration) arrays


class Citizens:
    """Struct of arrays: one entry per population slot; ``alive`` marks occupied slots."""

    # name -> (dtype, fill value for an empty slot)
    COLUMNS = {
        "alive": (bool, False), "person_id": (np.int64, -1), "age": (np.float64, 0.0),
        "birth_date": (np.float64, 0.0), "health": (bool, False), "substance_use": (bool, False),
        "language": (bool, False), "employed": (bool, False), "weeks_out": (np.int32, 0),
        "benefit": (np.int8, 0), "benefit_weeks": (np.int32, 0), "spell_start": (np.int32, NO_SPELL),
        "sa_month_mask": (np.int16, 0), "sa_months_last_year": (np.int8, 0),
    }

    def __init__(self, capacity: int):
        for name, (dtype, fill) in self.COLUMNS.items():
            setattr(self, name, np.full(capacity, fill, dtype=dtype))
        self.arenas = np.zeros((4, capacity))
        self.next_id = 0
        self.nbr_employed = self.nbr_activity = None   # what each citizen sees in their network
        self.ties: sp.csr_matrix = sp.csr_matrix((capacity, capacity))   # the social network over slots

    @property
    def capacity(self) -> int:
        return len(self.alive)

    def grow(self, extra: int) -> None:
        for name, (dtype, fill) in self.COLUMNS.items():
            setattr(self, name, np.concatenate([getattr(self, name), np.full(extra, fill, dtype=dtype)]))
        self.arenas = np.concatenate([self.arenas, np.zeros((4, extra))], axis=1)

    # ---- derived state (computed, never stored) ----
    def position(self, idx: np.ndarray | None = None) -> np.ndarray:
        """Place on the inclusion-exclusion axis: mean arena score (1 = fully included), of every
        slot or of slots ``idx``."""
        return (self.arenas if idx is None else self.arenas[:, idx]).mean(axis=0)

    def arenas_lost(self, threshold: float) -> np.ndarray:
        """Arenas below ``threshold`` per citizen (int8)."""
        return count_lost(self.arenas < threshold)

    def complexity(self) -> np.ndarray:
        """Traits that make work harder to reach: health, substance use, language (004:2891-2896)."""
        return self.health.astype(np.int8) + self.substance_use + self.language


def count_lost(below: np.ndarray) -> np.ndarray:
    """Per column, how many of the four rows of ``below`` (arena below threshold) are true, as int8.
    Four row additions: a reduction along axis 0 of a (4, n) array is several times slower."""
    b = below.view(np.int8)
    return b[0] + b[1] + b[2] + b[3]


def initialise(c: Citizens, s: Scenario, rng: np.random.Generator) -> None:
    """Fill the first ``population.citizens`` slots with a plausible adult population.

    The mix is rough on purpose: the warm-up weeks (``run.warmup_weeks``) let benefits,
    caseloads and spells settle before anything is recorded.
    """
    p = s.population
    n = p.citizens
    idx = np.arange(n)
    _fill_new(c, idx, rng, s, age=rng.uniform(18.0, p.retirement_age, n))
    c.health[idx] = rng.random(n) < p.health_share
    employed = rng.random(n) < p.employed_share
    c.employed[idx] = employed
    out = idx[~employed]
    # people out of work start as jobseekers, or on AAP / disability benefit if ill
    ill = c.health[out]
    c.benefit[out[ill]] = np.where(rng.random(ill.sum()) < 0.5, Benefit.WORK_ASSESSMENT_ALLOWANCE,
                                   Benefit.DISABILITY_BENEFIT)
    # the rest are jobseekers on unemployment benefit, or on social assistance without it
    ub = ~ill & (rng.random(len(out)) < s.labour_market.unemployment_benefit_eligible)
    c.benefit[out[ub]] = Benefit.UNEMPLOYMENT_BENEFIT
    c.benefit[out[~ill & ~ub]] = Benefit.SOCIAL_ASSISTANCE
    c.benefit_weeks[out] = rng.integers(0, 52, len(out))
    c.weeks_out[out] = rng.integers(0, 104, len(out))
    a = c.arenas
    a[:, idx] = np.clip(0.9 - 0.25 * rng.random((4, n)), 0, 1)
    a[WORK, out] = np.clip(0.75 * np.exp(-0.012 * c.weeks_out[out]), 0, 1)
    a[ECONOMY, out] = np.where(c.benefit[out] == Benefit.SOCIAL_ASSISTANCE, 0.3, 0.6) - 0.1 * rng.random(len(out))
    seekers = out[JOBSEEKER[c.benefit[out]]]
    c.spell_start[seekers] = -s.run.warmup_weeks - c.weeks_out[seekers]   # began before the clock started


def _fill_new(c: Citizens, idx: np.ndarray, rng, s: Scenario, age: np.ndarray) -> None:
    """Reset slots ``idx`` to newly arrived persons of the given ages (traits drawn afresh)."""
    k = len(idx)
    for name, (dtype, fill) in Citizens.COLUMNS.items():
        getattr(c, name)[idx] = fill
    c.alive[idx] = True
    c.person_id[idx] = np.arange(c.next_id, c.next_id + k)
    c.next_id += k
    c.age[idx] = age
    c.birth_date[idx] = rng.random(k)        # time of year of birth, in [0, 1): the date-split key
    c.substance_use[idx] = rng.random(k) < s.population.substance_use_share


def add_newcomers(c: Citizens, idx: np.ndarray, s: Scenario, rng: np.random.Generator, week: int) -> None:
    """Newcomers: 18-year-olds and people moving in; some arrive at risk (004:4593-4597)."""
    p = s.population
    k = len(idx)
    youth = rng.random(k) < p.youth_share_of_inflow
    age = np.where(youth, 18.0 + rng.random(k), rng.uniform(20.0, 45.0, k))
    _fill_new(c, idx, rng, s, age)
    c.language[idx] = ~youth & (rng.random(k) < p.language_share_of_movers)
    at_risk = rng.random(k) < p.at_risk_share_of_inflow
    employed = ~at_risk          # in work or education: included; the at-risk arrive without either
    c.employed[idx] = employed
    base = np.where(at_risk, 0.45, 0.8)
    c.arenas[:, idx] = np.clip(base - 0.25 * rng.random((4, k)), 0, 1)
    c.arenas[ECONOMY, idx[~employed]] = np.minimum(c.arenas[ECONOMY, idx[~employed]], 0.35)
    c.spell_start[idx[~employed]] = week  # a newcomer out of work registers as a jobseeker


def neighbour_means(c: Citizens, ties: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    """Share of each citizen's living contacts in work, and their mean activity arena."""
    alive = c.alive.astype(np.float32)
    cols = np.empty((c.capacity, 3), dtype=np.float32)
    cols[:, 0] = alive
    np.multiply(c.employed, alive, out=cols[:, 1])
    np.multiply(c.arenas[ACTIVITY], alive, out=cols[:, 2])
    sums = ties @ cols
    count = sums[:, 0]
    has = count > 0
    count = np.where(has, count, 1.0)
    employed = np.where(has, sums[:, 1] / count, 0.5)
    activity = np.where(has, sums[:, 2] / count, 0.5)
    return employed, activity


#: weeks between refreshes of what each citizen sees in their network (social change is slow)
NETWORK_REFRESH_WEEKS = 4


def step(c: Citizens, s: Scenario, rng: np.random.Generator, week: int, free_slots) -> WeekEvents:
    """Advance every citizen one week. ``free_slots(k)`` returns k empty slot indices (growing if needed)."""
    p, sh, lm = s.population, s.shocks, s.labour_market
    theta = s.arenas.loss_threshold

    # --- newcomers take free slots first (the arrays may grow) ------------------------------
    n_new = rng.poisson(p.citizens * p.inflow_per_1000_per_year / 1000.0 / 52.0)
    arrived = free_slots(n_new)
    if len(arrived):
        add_newcomers(c, arrived, s, rng, week)
    was_jobseeker = c.alive & JOBSEEKER.take(c.benefit) & ~c.employed   # (take: faster than [] here)

    # --- ageing and moving out ------------------------------------------------------------
    c.age += 1.0 / 52.0
    u = rng.random(c.capacity)
    move = p.move_away_per_year / 52.0
    left = c.alive & ((c.age >= p.retirement_age) | (u < move))
    left_idx = np.flatnonzero(left)
    events = WeekEvents(left=left_idx, arrived=arrived)
    events.spells_ended.append(_close_spells(c, left_idx, week))
    c.alive[left_idx] = False
    alive = c.alive
    a = c.arenas
    lost = c.arenas_lost(theta)

    # --- shocks: competing risks on the same uniform, above the move-away band --------------
    # Thinning: hazards are small, so only citizens whose draw falls under the largest possible
    # total hazard need their own hazards computed (exact, and about 2 % of the work).
    bound = (sh.job_loss * sh.job_loss_housing_lost_factor * (1 + 2 * sh.job_loss_complexity_factor)
             + sh.illness + sh.eviction * sh.eviction_economy_lost_factor + sh.debt * sh.debt_out_of_work_factor)
    i = np.flatnonzero((u >= move) & (u < move + bound) & alive)
    x = u[i] - move
    emp, ben_i = c.employed[i], c.benefit[i]
    traits = c.health[i].astype(np.int8) + c.substance_use[i]
    at_work = emp & (ben_i != Benefit.SICK_PAY)
    h_job = at_work * sh.job_loss * np.where(a[HOUSING, i] < theta, sh.job_loss_housing_lost_factor, 1.0) \
        * (1.0 + sh.job_loss_complexity_factor * traits)
    h_ill = (~c.health[i] & (ben_i != Benefit.DISABILITY_BENEFIT)) * sh.illness
    h_evict = sh.eviction * np.where(a[ECONOMY, i] < theta, sh.eviction_economy_lost_factor, 1.0)
    h_debt = sh.debt * np.where(emp, 1.0, sh.debt_out_of_work_factor)
    c1 = h_job
    c2 = c1 + h_ill
    c3 = c2 + h_evict
    c4 = c3 + h_debt
    jl = i[x < c1]
    ill = i[(x >= c1) & (x < c2)]
    evicted = i[(x >= c2) & (x < c3)]
    debt = i[(x >= c3) & (x < c4)]

    c.employed[jl] = False
    c.weeks_out[jl] = 0
    eligible = rng.random(len(jl)) < lm.unemployment_benefit_eligible
    c.benefit[jl] = np.where(eligible, Benefit.UNEMPLOYMENT_BENEFIT, Benefit.NONE)
    c.benefit_weeks[jl] = 0
    events.jobs_lost = len(jl)

    c.health[ill] = True
    c.benefit[ill] = np.where(c.employed[ill], Benefit.SICK_PAY, Benefit.WORK_ASSESSMENT_ALLOWANCE)
    c.benefit_weeks[ill] = 0
    a[HOUSING, evicted] = np.maximum(a[HOUSING, evicted] - sh.eviction_size, 0.0)
    a[ECONOMY, debt] = np.maximum(a[ECONOMY, debt] - sh.debt_size, 0.0)
    events.evictions = len(evicted)

    # --- state transitions, each on the citizens in that state -----------------------------
    if week % NETWORK_REFRESH_WEEKS == 0 or c.nbr_employed is None or len(c.nbr_employed) != c.capacity:
        c.nbr_employed, c.nbr_activity = neighbour_means(c, c.ties)
    ben = c.benefit
    seek = np.flatnonzero(alive & ~c.employed & SEEKS_WORK.take(ben))
    h_find = (lm.job_finding * a[WORK, seek] ** lm.work_arena_elasticity
              * (1.0 - lm.complexity_penalty) ** (c.health[seek].astype(np.int8) + c.substance_use[seek] + c.language[seek])
              * (1.0 - lm.job_lead_weight + lm.job_lead_weight * c.nbr_employed[seek]))
    fi = seek[rng.random(len(seek)) < h_find]
    c.employed[fi] = True
    c.benefit[fi] = Benefit.NONE
    c.benefit_weeks[fi] = 0
    c.weeks_out[fi] = 0
    events.jobs_found = len(fi)

    sick = np.flatnonzero(alive & (ben == Benefit.SICK_PAY))
    recover = rng.random(len(sick)) < lm.sick_recovery
    r = sick[recover]
    c.health[r] = False
    c.benefit[r] = Benefit.NONE
    end = sick[~recover & (c.benefit_weeks[sick] >= lm.sick_pay_weeks)]
    c.employed[end] = False            # sick pay runs out: leaves the job, AAP follows
    c.benefit[end] = Benefit.WORK_ASSESSMENT_ALLOWANCE
    c.benefit_weeks[end] = 0

    aap = np.flatnonzero(alive & (ben == Benefit.WORK_ASSESSMENT_ALLOWANCE) & (c.benefit_weeks > 0))
    ok = rng.random(len(aap)) < lm.aap_recovery
    c.health[aap[ok]] = False
    c.benefit[aap[ok]] = Benefit.NONE
    aap_end = aap[~ok & (c.benefit_weeks[aap] >= lm.aap_weeks)]
    to_dis = rng.random(len(aap_end)) < lm.disability_at_aap_end
    c.benefit[aap_end] = np.where(to_dis, Benefit.DISABILITY_BENEFIT, Benefit.NONE)
    c.benefit_weeks[aap_end] = 0
    events.to_disability = int(to_dis.sum())

    c.benefit[alive & (ben == Benefit.UNEMPLOYMENT_BENEFIT) & (c.benefit_weeks >= lm.unemployment_benefit_weeks)] = Benefit.NONE
    kvp_end = alive & (ben == Benefit.QUALIFICATION_PROGRAMME) & (c.benefit_weeks >= s.follow_up.qualification_weeks)
    c.benefit[kvp_end] = Benefit.SOCIAL_ASSISTANCE   # back to social assistance if still out of work
    # social assistance as a supplement ends once a wage has rebuilt the economy
    c.benefit[alive & (c.benefit == Benefit.SOCIAL_ASSISTANCE) & c.employed & (a[ECONOMY] >= theta)] = Benefit.NONE
    c.benefit_weeks += 1
    c.weeks_out += ~c.employed

    # --- arena drift: each arena relaxes toward what the other arenas allow ----------------
    _drift(c, s, c.nbr_activity, lost)

    # --- unemployment spells and months on social assistance --------------------------------
    events.spells_ended.append(_track_spells(c, was_jobseeker, week))
    _count_assistance_months(c, week)
    return events


def _drift(c: Citizens, s: Scenario, nbr_activity: np.ndarray, lost: np.ndarray) -> None:
    """Move each arena toward its target; downward moves speed up with arenas lost (004:2859-2871).

    The hot path of a week: written with in-place operations to spare temporaries.
    """
    ar, b = s.arenas, s.benefits
    theta = ar.loss_threshold
    a = c.arenas
    extra = ar.acceleration_per_arena_lost * lost   # downward moves are (1 + extra) times faster
    accel = 1.0 + extra
    at_work = c.employed & (c.benefit != Benefit.SICK_PAY)

    # work: attachment rebuilds at work, fades out of it (004:4445-4455)
    a[WORK] += np.where(at_work, ar.work_rate_employed * (1.0 - a[WORK]),
                        -ar.work_decay_out_of_work * accel * a[WORK])

    # economy: toward what the income source allows (004:2446-2456)
    income = np.array([b.economy_no_income, b.economy_state_benefit, b.economy_employed,
                       b.economy_state_benefit, b.economy_social_assistance,
                       b.economy_qualification, b.economy_state_benefit]).take(c.benefit)
    income = np.where(at_work, b.economy_employed, income)
    _relax(a[ECONOMY], income, ar.economy_rate, extra)

    # housing: secure housing needs an economy that holds (004:2442-2456)
    target = np.divide(a[ECONOMY], theta, out=income)
    _relax(a[HOUSING], np.minimum(target, 1.0, out=target), ar.housing_rate, extra)

    # activity: work gives colleagues, networks carry participation, poverty isolates (004:4341-4351)
    own = 0.5 + 0.5 * at_work
    target = ((1.0 - ar.network_weight) * own + ar.network_weight * nbr_activity
              - ar.isolation_from_poverty * (a[ECONOMY] < theta))
    _relax(a[ACTIVITY], np.clip(target, 0.0, 1.0, out=target), ar.activity_rate, extra)
    np.clip(a, 0.0, 1.0, out=a)


def _relax(x: np.ndarray, target: np.ndarray, rate: float, extra: np.ndarray) -> None:
    """x += rate * (target - x), times (1 + extra) where the move is downward. Overwrites target.

    The factor is built by arithmetic, not np.where: signs of gaps are unpredictable, and a
    branching select costs several times more than a multiply-add.
    """
    gap = np.subtract(target, x, out=target)
    faster = (gap < 0) * extra
    faster += 1.0
    gap *= rate
    gap *= faster
    x += gap


def _close_spells(c: Citizens, idx: np.ndarray, week: int) -> np.ndarray:
    """End the unemployment spells of ``idx``; returns (start_week, duration) rows."""
    open_ = idx[c.spell_start[idx] != NO_SPELL]
    out = np.stack([c.spell_start[open_], week - c.spell_start[open_]], axis=1)
    c.spell_start[open_] = NO_SPELL
    return out


def _track_spells(c: Citizens, was: np.ndarray, week: int) -> np.ndarray:
    """Registered-unemployment spells: start when one becomes a jobseeker, end when no longer one."""
    now = c.alive & JOBSEEKER.take(c.benefit) & ~c.employed
    c.spell_start[now & ~was & (c.spell_start == NO_SPELL)] = week
    return _close_spells(c, np.flatnonzero(was & ~now & c.alive), week)


def _count_assistance_months(c: Citizens, week: int) -> None:
    """Calendar months with any social assistance, per person and year (as SSB counts them)."""
    on = c.alive & (c.benefit == Benefit.SOCIAL_ASSISTANCE)
    month = (week % 52) * 12 // 52
    c.sa_month_mask |= on * np.int16(1 << month)
    if week % 52 == 51:
        c.sa_months_last_year[:] = np.bitwise_count(c.sa_month_mask)
        c.sa_month_mask[:] = 0

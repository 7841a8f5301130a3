"""Each compiled kernel (simulation/kernels/) against a plain-numpy reference on small inputs.

The references are the numpy code the kernels replaced; the kernels must agree bit for bit,
which is what keeps a run's tables identical for a given seed.
"""

from __future__ import annotations

import numpy as np
import pytest

import simulation as ms
from simulation import metrics, population
from simulation.population import ACTIVITY, ECONOMY, HOUSING, JOBSEEKER, WORK, Benefit, Citizens, _income_table
from simulation.vocabulary import Task


# ---- plain-numpy references ----------------------------------------------------------------
def income_level_reference(c: Citizens, s, at_work: np.ndarray) -> np.ndarray:
    b = s.benefits
    level = _income_table(b).take(c.benefit)
    np.maximum(level, b.economy_partner_income * (c.age >= c.partner_from), out=level)
    level[at_work] = b.economy_employed
    low = np.flatnonzero(c.low_income)
    ben = c.benefit[low]
    low = low[c.employed[low] | (ben == Benefit.UNEMPLOYMENT_BENEFIT) | (ben == Benefit.WORK_ASSESSMENT_ALLOWANCE)]
    level[low] *= b.low_income_factor
    level[c.in_education] = b.economy_student
    return level


def relax_reference(x: np.ndarray, target: np.ndarray, rate: float, extra: np.ndarray) -> None:
    gap = np.subtract(target, x, out=target)
    faster = (gap < 0) * extra
    faster += 1.0
    gap *= rate
    gap *= faster
    x += gap


def drift_reference(c: Citizens, s, nbr_activity: np.ndarray, lost: np.ndarray) -> None:
    ar, b = s.arenas, s.benefits
    theta = ar.loss_threshold
    a = c.arenas
    extra = ar.acceleration_per_arena_lost * lost
    at_work = c.employed & (c.benefit != Benefit.SICK_PAY)
    holds = at_work | c.in_education | (c.benefit == Benefit.EARLY_PENSION) | c.short_sick
    work = a[WORK]
    up = ar.work_rate_employed * (1.0 - work)
    down = extra + 1.0
    down *= -ar.work_decay_out_of_work
    down *= work
    work += np.where(holds, up, down)
    income = income_level_reference(c, s, at_work)
    on_sa = (c.benefit == Benefit.SOCIAL_ASSISTANCE) | c.sa_top_up
    np.maximum(income, b.economy_social_assistance * on_sa, out=income)
    relax_reference(a[ECONOMY], income, ar.economy_rate, extra)
    target = np.divide(a[ECONOMY], theta, out=income)
    relax_reference(a[HOUSING], np.minimum(target, 1.0, out=target), ar.housing_rate, extra)
    own = at_work | c.in_education
    target = np.multiply(nbr_activity, ar.network_weight, dtype=np.float64)
    target += (1.0 - ar.network_weight) * 0.5
    target += own * ((1.0 - ar.network_weight) * 0.5)
    target -= ar.isolation_from_poverty * (a[ECONOMY] < theta)
    relax_reference(a[ACTIVITY], np.clip(target, 0.0, 1.0, out=target), ar.activity_rate, extra)
    np.clip(a, 0.0, 1.0, out=a)


def census_reference(c: Citizens, theta: float) -> tuple[np.ndarray, np.ndarray]:
    alive = c.alive
    below = c.arenas < theta
    position = c.arenas.mean(axis=0)
    pos_bin = np.minimum((position * metrics.AXIS_BINS).astype(np.int8), metrics.AXIS_BINS - 1)
    lost = population.count_lost(below)
    counts = [np.count_nonzero(alive & (pos_bin == k)) for k in range(metrics.AXIS_BINS)]
    counts += [np.count_nonzero(alive & (lost == k)) for k in range(5)]
    counts += list((below & alive).sum(axis=1))
    counts += [np.count_nonzero(alive & (c.benefit == b)) for b in range(len(Benefit))]
    employed = c.employed & alive
    adult = alive & (c.age >= 20.0)
    counts += [np.count_nonzero(employed), np.count_nonzero(employed & adult), np.count_nonzero(adult),
               np.count_nonzero(c.in_education & alive), np.count_nonzero(population.jobseekers(c)),
               np.count_nonzero(c.sa_top_up & alive), np.count_nonzero(alive)]
    return position, np.array(counts)


# ---- small random populations -----------------------------------------------------------------
def random_citizens(n: int, seed: int) -> Citizens:
    """Every combination of statuses, arenas on and around the loss threshold, some empty slots."""
    rng = np.random.default_rng(seed)
    c = Citizens.empty(n)
    c.alive[:] = rng.random(n) < 0.9
    c.age[:] = rng.uniform(18, 67, n)
    c.partner_from[:] = np.where(rng.random(n) < 0.5, rng.uniform(20, 50, n), np.inf).astype(np.float32)
    for name in ("employed", "in_education", "short_sick", "sa_top_up", "low_income"):
        getattr(c, name)[:] = rng.random(n) < 0.3
    c.benefit[:] = rng.integers(0, len(Benefit), n)
    c.arenas[:] = rng.choice([0.0, 0.3, 1.0, 0.29999999999999993], size=(4, n)) * (rng.random((4, n)) < 0.2) \
        + rng.random((4, n)) * (rng.random((4, n)) >= 0.2)
    return c


def copy(c: Citizens) -> Citizens:
    d = Citizens.empty(c.capacity)
    for name in vars(c):
        value = getattr(c, name)
        setattr(d, name, value.copy() if isinstance(value, np.ndarray) else value)
    return d


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_arena_drift_matches_the_numpy_reference_bit_for_bit(seed):
    s = ms.Scenario()
    c = random_citizens(500, seed)
    rng = np.random.default_rng(seed + 10)
    nbr = rng.random(c.capacity).astype(np.float32)
    lost = c.arenas_lost(s.arenas.loss_threshold)
    ref = copy(c)
    drift_reference(ref, s, nbr, lost)
    population.drift(c, s, nbr, lost)
    np.testing.assert_array_equal(c.arenas, ref.arenas)
    assert not np.array_equal(ref.arenas, random_citizens(500, seed).arenas)   # the week did move the arenas


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_population_census_matches_the_numpy_reference(seed):
    c = random_citizens(400, seed)
    position = np.full(c.capacity + 5, np.nan)
    counts = metrics._population_counts(c, 0.3, position)
    ref_position, ref_counts = census_reference(c, 0.3)
    living = np.count_nonzero(c.alive)
    np.testing.assert_array_equal(position[:living], ref_position[c.alive])
    assert position[:living].sum() == ref_position[c.alive].sum()     # the weekly mean position
    np.testing.assert_array_equal(counts, ref_counts)
    assert JOBSEEKER.any() and counts[-1] == living


def office_census_reference(c: Citizens, us, known: np.ndarray, week: int, deadline: int) -> np.ndarray:
    reg, ben_k = us.registered[known], c.benefit[known]
    waiting = reg & (us.cw[Task.WORK, known] < 0) & ~c.employed[known] & ~c.in_education[known] \
        & (ben_k != Benefit.DISABILITY_BENEFIT) & (ben_k != Benefit.SICK_PAY) & (ben_k != Benefit.EARLY_PENSION)
    alive_k = c.alive[known]
    pending = us.sa_pending[known] & alive_k
    on_sa_k = (ben_k == Benefit.SOCIAL_ASSISTANCE) | c.sa_top_up[known]
    return np.array([np.count_nonzero(reg), np.count_nonzero(us.intake_due[known]), np.count_nonzero(waiting),
                     np.count_nonzero(reg & (us.parked_until[known] > week)), np.count_nonzero(pending),
                     np.count_nonzero(pending & (week - us.sa_applied[known] > deadline)),
                     np.count_nonzero(on_sa_k & alive_k & (week - us.next_renewal[known] > deadline)),
                     us.contact_points[known[reg]].sum()])


@pytest.mark.parametrize("seed", [0, 1])
def test_office_census_matches_the_numpy_reference(seed):
    c, office = random_office(800, seed)
    us = office.users
    rng = np.random.default_rng(seed + 20)
    us.cw[Task.WORK] = np.where(rng.random(c.capacity) < 0.5, rng.integers(0, 40, c.capacity), -1)
    us.parked_until[:] = rng.integers(0, 20, c.capacity)
    us.next_renewal[:] = rng.integers(-10, 10, c.capacity)
    us.contact_points[:] = rng.integers(0, 6, c.capacity)
    known = office.pool(c)
    got = metrics._office_counts(c, us, known, 7, 4)
    np.testing.assert_array_equal(got, office_census_reference(c, us, known, 7, 4))
    assert (got > 0).all()
    reg = us.registered[known]
    assert got[-1] / got[0] == us.contact_points[known[reg]].mean()    # the weekly mean contact points


def neighbour_means_reference(c: Citizens, ties) -> tuple[np.ndarray, np.ndarray]:
    alive = c.alive.astype(np.float32)
    cols = np.empty((c.capacity, 3), dtype=np.float32)
    cols[:, 0] = alive
    np.multiply(c.employed, alive, out=cols[:, 1])
    np.multiply(c.arenas[ACTIVITY], alive, out=cols[:, 2])
    sums = ties @ cols
    count = sums[:, 0]
    has = count > 0
    count = np.where(has, count, 1.0)
    return np.where(has, sums[:, 1] / count, 0.5), np.where(has, sums[:, 2] / count, 0.5)


def caseload_reference(e: np.ndarray, w: np.ndarray, h: np.ndarray, n_staff: int) -> np.ndarray:
    ids = np.concatenate([e[e >= 0], w[(w >= 0) & (w != e)], h[(h >= 0) & (h != e) & (h != w)]])
    return np.bincount(ids, minlength=n_staff)


@pytest.mark.parametrize("seed", [0, 1])
def test_contacts_means_match_the_numpy_reference(seed):
    from simulation import network

    c = random_citizens(600, seed)
    ties = network.build_ties(c.capacity, ms.Scenario().network, np.random.default_rng(seed))
    ties = ties + ties.multiply(ties > 0) * (seed == 1)      # seed 1: ties of weight 2 too
    c.alive[:30] = False                                     # some slots with no living contacts
    employed, activity = population.neighbour_means(c, ties.tocsr())
    ref_employed, ref_activity = neighbour_means_reference(c, ties.tocsr())
    np.testing.assert_array_equal(employed, ref_employed)
    np.testing.assert_array_equal(activity, ref_activity)
    assert 0.0 < employed.mean() < 1.0


def test_distinct_caseload_counts_a_user_once_per_caseworker():
    from simulation.kernels import distinct_caseload

    rng = np.random.default_rng(3)
    e, w, h = (rng.integers(-1, 6, 1000).astype(np.int32) for _ in range(3))
    np.testing.assert_array_equal(distinct_caseload(e, w, h, 6), caseload_reference(e, w, h, 6))
    one = np.array([2], np.int32)
    assert distinct_caseload(one, one, one, 3).tolist() == [0, 0, 1]   # one user, one caseworker, three tasks


@pytest.mark.parametrize("seed", [0, 1])
def test_arenas_lost_matches_counting_the_rows_below_the_threshold(seed):
    c = random_citizens(300, seed)
    lost = c.arenas_lost(0.3)
    assert lost.dtype == np.int8
    np.testing.assert_array_equal(lost, population.count_lost(c.arenas < 0.3))
    assert set(np.unique(lost)) >= {0, 1, 2}


def office_pool_reference(c: Citizens, us, theta: float) -> np.ndarray:
    return np.flatnonzero((c.alive & (~c.employed | (c.benefit != Benefit.NONE) | c.sa_top_up
                                      | (c.arenas[ECONOMY] < theta)))
                          | us.registered | us.intake_due | us.sa_pending)


def office_needs_reference(c: Citizens, us, pool: np.ndarray, week: int, theta: float):
    from simulation.office.work import SICK_LEAVE_FOLLOW_UP_WEEKS

    a = c.arenas
    alive, ben = c.alive[pool], c.benefit[pool]
    student = c.in_education[pool]
    out_of_work = alive & ~c.employed[pool] & ~student & (ben != Benefit.DISABILITY_BENEFIT) \
        & (ben != Benefit.EARLY_PENSION) & (ben != Benefit.SICK_PAY)
    long_sick = alive & (ben == Benefit.SICK_PAY) & ~c.short_sick[pool] \
        & (c.benefit_weeks[pool] >= SICK_LEAVE_FOLLOW_UP_WEEKS)
    on_sa = (ben == Benefit.SOCIAL_ASSISTANCE) | c.sa_top_up[pool]
    eligible = alive & ~on_sa & ~student & (a[ECONOMY, pool] < theta)
    pending = us.sa_pending[pool]
    apply = eligible & ~pending
    us.sa_applied[pool[apply]] = week
    pending = (pending | apply) & eligible
    us.sa_pending[pool] = pending
    economic = alive & (on_sa | (ben == Benefit.QUALIFICATION_PROGRAMME) | pending)
    hs = us.registered[pool] & alive & (ben != Benefit.DISABILITY_BENEFIT) & (
        (a[HOUSING, pool] < theta) | (a[ACTIVITY, pool] < theta))
    return out_of_work | long_sick, economic, hs


def random_office(n: int, seed: int):
    from simulation.office import Office

    rng = np.random.default_rng(seed)
    c = random_citizens(n, seed)
    c.benefit_weeks[:] = rng.integers(0, 20, n)
    office = Office(ms.Scenario(), n, np.random.default_rng(seed))
    us = office.users
    for name in ("registered", "intake_due", "sa_pending"):
        getattr(us, name)[:] = rng.random(n) < 0.2
    us.sa_applied[:] = rng.integers(-10, 0, n)
    return c, office


@pytest.mark.parametrize("seed", [0, 1])
def test_office_pool_and_needs_match_the_numpy_reference(seed):
    import copy as copying

    c, office = random_office(800, seed)
    theta = office.s.arenas.loss_threshold
    pool = office.pool(c)
    np.testing.assert_array_equal(pool, office_pool_reference(c, office.users, theta))
    assert 0 < len(pool) < c.capacity
    ref_users = copying.deepcopy(office.users)
    need = office.needs(c, pool, 7)
    ref = office_needs_reference(c, ref_users, pool, 7, theta)
    for got, want in zip((need.work, need.economic, need.housing_social), ref, strict=True):
        np.testing.assert_array_equal(got, want)
        assert want.any() and not want.all()
    np.testing.assert_array_equal(office.users.sa_pending, ref_users.sa_pending)
    np.testing.assert_array_equal(office.users.sa_applied, ref_users.sa_applied)
    assert (ref_users.sa_applied == 7).any()          # some applied this week


def test_counter_based_draws_match_the_reference_and_are_uniform():
    from simulation.kernels import compiled, uniform, uniform_reference

    @compiled
    def draws(key, n, purpose):
        out = np.empty(n)
        for i in range(n):
            out[i] = uniform(key, i, purpose)
        return out

    key = np.uint64(123456789)
    got = draws(key, 50_000, 3)
    assert np.array_equal(got, uniform_reference(int(key), np.arange(50_000), 3))
    assert got.min() >= 0.0 and got.max() < 1.0
    counts = np.histogram(got, bins=10, range=(0, 1))[0]
    assert np.all(np.abs(counts - 5_000) < 5 * np.sqrt(5_000))          # about uniform
    other = draws(key, 50_000, 4)                                         # another purpose: independent
    assert abs(np.corrcoef(got, other)[0, 1]) < 0.02
    assert not np.array_equal(draws(key + np.uint64(1), 10, 3), got[:10])   # another week: other draws

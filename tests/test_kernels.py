"""Each compiled kernel (simulation/kernels/) against a plain-numpy reference on small inputs.

The references are the numpy code the kernels replaced; the kernels must agree bit for bit,
which is what keeps a run's tables identical for a given seed.
"""

from __future__ import annotations

import numpy as np
import pytest

import simulation as ms
from simulation import metrics, population
from simulation.population import ACTIVITY, ECONOMY, HOUSING, JOBSEEKER, WORK, Benefit, Citizens, _income_levels
from simulation.vocabulary import Task


# ---- plain-numpy references ----------------------------------------------------------------
def income_level_reference(c: Citizens, s, at_work: np.ndarray) -> np.ndarray:
    b = s.benefits
    level = np.take(_income_levels(b), c.benefit)
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
    known = office_pool_reference(c, us, office.s.arenas.loss_threshold)
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
    assert (ties.data == 1.0).all()                          # (the kernel counts each tie once)
    c.alive[:30] = False                                     # some slots with no living contacts
    c.alive[np.random.default_rng(seed).random(c.capacity) < 0.3 * seed] = False   # seed 1: many dead contacts
    employed, activity = population.neighbour_means(c, ties.tocsr())
    ref_employed, ref_activity = neighbour_means_reference(c, ties.tocsr())
    np.testing.assert_array_equal(employed, ref_employed)
    np.testing.assert_array_equal(activity, ref_activity)
    assert 0.0 < employed.mean() < 1.0


@pytest.mark.parametrize(("n", "k", "p"), [(2000, 6, 0.1), (60, 4, 0.3), (12, 10, 0.5), (11, 8, 1.0), (40, 2, 0.0)])
def test_small_world_draws_networkx_watts_strogatz_edges(n, k, p):
    """The compiled small world has exactly networkx's edges for the same seed, also where the
    rewiring must retry often (dense rings, every tie rewired) and where nothing is rewired."""
    import networkx as nx

    from simulation import network

    for seed in range(12):
        u, v = network.small_world(n, k, p, seed)
        ours = {frozenset(e) for e in zip(u.tolist(), v.tolist(), strict=True)}
        theirs = {frozenset(e) for e in nx.watts_strogatz_graph(n, k, p, seed=seed).edges()}
        assert ours == theirs
        assert len(u) == len(ours)                       # no tie listed twice, none lost
    rewired = network.small_world(n, k, p, 0)[1] != (np.tile(np.arange(n), k // 2)
                                                    + np.repeat(np.arange(1, k // 2 + 1), n)) % n
    assert rewired.any() == (p > 0)


def test_small_world_draws_more_words_when_the_first_run_out(monkeypatch):
    """Rewiring draws an unknown number of words: when those drawn ahead run out, more are drawn
    and the edges are still networkx's."""
    import networkx as nx

    from simulation import network
    from simulation.kernels import network as kernel

    asked: list[int] = []
    words = kernel.random_words
    monkeypatch.setattr(kernel, "random_words", lambda seed, m: asked.append(m) or words(seed, m // 40))
    u, v = network.small_world(200, 6, 0.5, 4)
    assert len(asked) > 1
    assert {frozenset(e) for e in zip(u.tolist(), v.tolist(), strict=True)} == \
        {frozenset(e) for e in nx.watts_strogatz_graph(200, 6, 0.5, seed=4).edges()}


def caseloads(cw: np.ndarray, n_staff: int) -> np.ndarray:
    """Caseloads from the week's pass (Office.needs_and_registration) over users who are all
    registered and need every task (on social assistance, out of work, housing lost: so nothing
    is released and every held task counts)."""
    from simulation.office import Office, OfficeWeek

    n = cw.shape[1]
    c = Citizens.empty(n)
    c.alive[:] = True
    c.benefit[:] = Benefit.SOCIAL_ASSISTANCE
    c.arenas[:] = 1.0
    c.arenas[HOUSING] = 0.0
    office = Office(ms.Scenario(), n, np.random.default_rng(0))
    office.users.registered[:] = True
    office.users.cw[:] = cw
    office.staff.caseload = np.full(n_staff, 99, np.int64)
    office.needs_and_registration(c, 5, OfficeWeek())
    assert (office.users.cw == cw).all()             # (nothing released)
    return office.staff.caseload


def test_caseloads_count_a_user_once_per_caseworker():
    rng = np.random.default_rng(3)
    cw = np.vstack([np.full(1000, -1)] + [rng.integers(-1, 6, 1000) for _ in range(3)]).astype(np.int32)
    np.testing.assert_array_equal(caseloads(cw, 6), caseload_reference(cw[1], cw[2], cw[3], 6))
    one = np.array([[-1], [2], [2], [2]], np.int32)
    assert caseloads(one, 3).tolist() == [0, 0, 1]   # one user, one caseworker, three tasks


@pytest.mark.parametrize("seed", [0, 1])
def test_arenas_lost_matches_counting_the_rows_below_the_threshold(seed):
    c = random_citizens(300, seed)
    lost = c.arenas_lost(0.3)
    assert lost.dtype == np.int8
    np.testing.assert_array_equal(lost, population.count_lost(c.arenas < 0.3))
    assert set(np.unique(lost)) >= {0, 1, 2}


def office_pool_reference(c: Citizens, us, theta: float) -> np.ndarray:
    """Everyone known to the office, and the living who need work follow-up or social assistance
    (before this week's applications)."""
    from simulation.office.work import SICK_LEAVE_FOLLOW_UP_WEEKS

    ben = c.benefit
    out_of_work = c.alive & ~c.employed & ~c.in_education & (ben != Benefit.DISABILITY_BENEFIT) \
        & (ben != Benefit.EARLY_PENSION) & (ben != Benefit.SICK_PAY)
    long_sick = c.alive & (ben == Benefit.SICK_PAY) & ~c.short_sick & (c.benefit_weeks >= SICK_LEAVE_FOLLOW_UP_WEEKS)
    on_sa = (ben == Benefit.SOCIAL_ASSISTANCE) | c.sa_top_up
    without_means = ~on_sa & ~c.in_education & (c.arenas[ECONOMY] < theta)
    economic = c.alive & (on_sa | (ben == Benefit.QUALIFICATION_PROGRAMME) | without_means)
    return np.flatnonzero(us.registered | us.intake_due | us.sa_pending | out_of_work | long_sick | economic)


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


def needs_and_registration_reference(office, c, week, wk):
    """Office.needs_and_registration as the plain numpy it replaced: the pool, the needs,
    registration and releases, and the arenas lost. Returns them and the spells ended."""
    from simulation.office.office import Needs

    theta = office.s.arenas.loss_threshold
    pool = office_pool_reference(c, office.users, theta)
    work, economic, hs = office_needs_reference(c, office.users, pool, week, theta)
    need = Needs(work=work, economic=economic, housing_social=hs, users=np.zeros(0, dtype=np.int64))
    ended, awaiting = register_and_release_reference(office, c, pool, need, week, wk)
    need.users = np.flatnonzero(office.users.registered[pool] | office.users.intake_due[pool])   # after registration
    return pool, need, awaiting, population.count_lost(c.arenas < theta), ended


def check_needs_and_registration(office, c, week):
    """The week's pass and its reference agree on every output and on the state they leave;
    returns the reference's outputs, to check that the case exercised something."""
    import copy as copying

    from simulation.office import OfficeWeek

    ref_o, ref_c = copying.deepcopy(office), copy(c)
    wk, ref_wk = OfficeWeek(), OfficeWeek()
    pool, need, awaiting, lost = office.needs_and_registration(c, week, wk)
    want = needs_and_registration_reference(ref_o, ref_c, week, ref_wk)
    np.testing.assert_array_equal(pool, want[0])
    for task in (Task.ECONOMIC, Task.WORK, Task.HOUSING_SOCIAL):
        np.testing.assert_array_equal(need.of(task), want[1].of(task))
    np.testing.assert_array_equal(need.users, want[1].users)
    for task in range(4):
        np.testing.assert_array_equal(awaiting[task], want[2][task])
    assert lost.dtype == np.int8
    np.testing.assert_array_equal(lost, want[3])
    assert_same_office_state(office, ref_o, c, ref_c, wk, ref_wk)
    np.testing.assert_array_equal(office.staff.caseload, ref_o.staff.caseload)
    return (*want, ref_o, ref_wk)


@pytest.mark.parametrize("seed", [0, 1])
def test_office_pool_and_needs_match_the_numpy_reference(seed):
    c, office = random_office(800, seed)
    sa_applied = office.users.sa_applied.copy()
    pool, need, *_ = check_needs_and_registration(office, c, 7)
    assert 0 < len(pool) < c.capacity
    for want in (need.work, need.economic, need.housing_social):
        assert want.any() and not want.all()
    assert (office.users.sa_applied != sa_applied).any()          # some applied this week


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


# ---- the office's week: references are the numpy code the office's kernels replaced -----------
def midrun_model(scenario: str, seed: int, weeks: int = 14, **settings):
    """A small model some weeks in (caseloads, appointment books and benefit spells under way)."""
    from simulation.scenario import apply_settings, load_scenario

    s = apply_settings(load_scenario(f"scenarios/{scenario}.toml"), weeks=weeks + 5, warmup_weeks=0,
                       **settings).scaled(2500)
    m = ms.WelfareModel(s, rng=seed)
    for _ in range(weeks):
        m.step()
    return m


def office_midrun(scenario: str, seed: int, weeks: int = 14, **settings):
    """A small model some weeks in, and the next week's pool and needs, as Office.step would have
    them before its assignments and work items."""
    from simulation.office import OfficeWeek

    m = midrun_model(scenario, seed, weeks, **settings)
    pool, need, _, _ = m.office.needs_and_registration(m.citizens, m.week, OfficeWeek())
    return m, pool, need


OFFICES = [("generalist", {}), ("offices/fana", {"priority_rule": "creaming"}),
           ("specialist", {"priority_rule": "date_order", "reception": "group_call_in"}),
           ("target_group_teams", {})]


def week_items_reference(office, c, week, pool, need_work, need_hs, coord):
    """work.week_items as plain numpy: the items part by part, then the pressure and the sessions."""
    from simulation.office import creaming
    from simulation.office.crowding_out import Priority
    from simulation.office.state import FOLLOW_UP_TASKS
    from simulation.office.work import DIALOGUE_WEEK, SESSION_KIND, WorkItems, WorkKind, extra_hours, norm_interval
    from simulation.vocabulary import Task

    s, o, us = office.s, office.s.office, office.users
    parts = []

    def add(cw, klass, key, hours, kind, who):
        n = len(cw)
        parts.append((cw, np.full(n, klass, np.int8), np.asarray(key, np.float64),
                      np.broadcast_to(np.asarray(hours, np.float64), (n,)), np.full(n, kind, np.int8), who))

    call_in = o.reception == "group_call_in"
    if not call_in or week % o.call_in_interval_weeks == 0:
        who = pool[us.intake_due[pool] & (us.cw[Task.INTAKE, pool] >= 0)]
        add(us.cw[Task.INTAKE, who], Priority.INTAKE, us.intake_week[who],
            o.call_in_hours if call_in else o.intake_hours, WorkKind.INTAKE, who)
    econ = us.cw[Task.ECONOMIC]
    reg, econ_p = us.registered[pool], econ[pool]
    who = pool[us.sa_pending[pool] & reg & (econ_p >= 0)]
    add(econ[who], Priority.RULE_WORK, us.sa_applied[who], o.decision_hours, WorkKind.DECISION, who)
    on_sa = (c.benefit[pool] == Benefit.SOCIAL_ASSISTANCE) | c.sa_top_up[pool]
    who = pool[on_sa & (econ_p >= 0) & (us.next_renewal[pool] <= week)]
    add(econ[who], Priority.RULE_WORK, us.next_renewal[who], o.renewal_hours, WorkKind.RENEWAL, who)
    add(coord, Priority.RULE_WORK, np.full(len(coord), week), o.handoff_hours, WorkKind.COORDINATION,
        np.full(len(coord), -1))
    work_cw = us.cw[Task.WORK]
    has_work_cw = reg & (work_cw[pool] >= 0)
    ben, bw = c.benefit[pool], c.benefit_weeks[pool]
    who = pool[has_work_cw & (ben == Benefit.WORK_ASSESSMENT_ALLOWANCE) & ~c.work_ability_assessed[pool]]
    add(work_cw[who], Priority.RULE_WORK, week - c.benefit_weeks[who], o.assessment_hours, WorkKind.ASSESSMENT, who)
    long_sick = (ben == Benefit.SICK_PAY) & ~c.short_sick[pool]
    who = pool[has_work_cw & long_sick & (bw >= DIALOGUE_WEEK - 4) & ~us.dialogue_held[pool]]
    add(work_cw[who], Priority.RULE_WORK, week - c.benefit_weeks[who], o.dialogue_meeting_hours,
        WorkKind.DIALOGUE, who)
    candidates = []
    for row, (task, need) in enumerate(zip(FOLLOW_UP_TASKS, (need_work, need_hs), strict=True)):
        cw = us.cw[task]
        cand = pool[reg & need & (cw[pool] >= 0) & (week >= us.blocked_until[pool]) & (week >= us.parked_until[pool])]
        norm = norm_interval(office, c, cand, cw[cand])
        waited = week - np.maximum(us.last_session[row, cand], us.intake_week[cand])
        ratio = waited / norm
        ok = ratio >= np.maximum(o.tightest_interval_share, 1.0 / norm)
        candidates.append((row, cand[ok], ratio[ok], waited[ok]))
    budget = office.staff.budget
    session = s.follow_up.session_hours
    demand = np.zeros(len(budget))
    for cw, kl, _, hours, _, _ in parts:
        if len(cw) and kl[0] < Priority.DUE_FOLLOW_UP:
            demand += np.bincount(cw, weights=hours, minlength=len(budget))
    for row, who, ratio, _ in candidates:
        demand += np.bincount(us.cw[FOLLOW_UP_TASKS[row], who[ratio >= 1.0]], minlength=len(budget)) * session
    pressure = np.divide(demand, budget, out=np.ones_like(demand), where=budget > 0)
    length = session * np.clip(1.0 / np.maximum(pressure, 1e-9), o.shortest_session_share, 1.0)
    w = creaming.pull(pressure, o.creaming_under_pressure)
    ratios = [np.zeros(sum(len(p[0]) for p in parts))]
    for row, who, ratio, waited in candidates:
        cw = us.cw[FOLLOW_UP_TASKS[row], who]
        due = ratio >= 1.0
        hours = length[cw] + extra_hours(office, c, row, who)
        key = creaming.order_key(o.priority_rule, c.arenas, who[due], waited[due], w[cw[due]])
        add(cw[due], Priority.DUE_FOLLOW_UP, key, hours[due], SESSION_KIND[row], who[due])
        ratios.append(ratio[due])
        add(cw[~due], Priority.EARLY_FOLLOW_UP, -ratio[~due], hours[~due], SESSION_KIND[row], who[~due])
        ratios.append(ratio[~due])
    cols = list(zip(*parts, strict=True))
    items = WorkItems(np.concatenate(cols[0]).astype(np.int64), np.concatenate(cols[1]), np.concatenate(cols[2]),
                      np.concatenate(cols[3]).astype(np.float64), np.concatenate(cols[4]),
                      np.concatenate(cols[5]).astype(np.int64))
    return items, np.concatenate(ratios), pressure


@pytest.mark.parametrize(("scenario", "settings"), OFFICES)
def test_week_items_match_the_numpy_reference(scenario, settings):
    from simulation.office.work import week_items

    m, pool, need = office_midrun(scenario, 3, **settings)
    o, c = m.office, m.citizens
    coord = np.array([0, 2, 1, 0], dtype=np.int64)           # caseworkers owed hand-off coordination
    items, ratio = week_items(o, c, m.week, pool, need, coord)
    ref, ref_ratio, ref_pressure = week_items_reference(o, c, m.week, pool, need.work, need.housing_social, coord)
    for name in ("cw", "klass", "key", "hours", "kind", "who"):
        np.testing.assert_array_equal(getattr(items, name), getattr(ref, name), err_msg=name)
    np.testing.assert_array_equal(ratio, ref_ratio)
    np.testing.assert_array_equal(o.staff.pressure, ref_pressure)
    assert len(set(items.kind.tolist())) >= 3 and (ratio >= 1.0).any()     # rule work and due sessions


def allocate_reference(cw, klass, key, hours, budget):
    order = np.lexsort((key, klass, cw))
    c, h = cw[order], hours[order]
    cum = np.cumsum(h)
    first = np.searchsorted(c, c, side="left")
    done_sorted = (cum - (cum[first] - h[first])) <= budget[c] + 1e-9
    done = np.empty_like(done_sorted)
    done[order] = done_sorted
    return done


@pytest.mark.parametrize("staff", [25, 400])       # runs of ~30 items per caseworker and class, or of ~2
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_allocation_of_hours_matches_the_numpy_reference(seed, staff):
    from simulation.office import allocate

    rng = np.random.default_rng(seed)
    n = 3000
    cw = rng.integers(0, staff, n)
    klass = rng.integers(0, 4, n).astype(np.int8)
    key = rng.choice([0.0, -0.5, 1.0, 2.0], n) if seed else rng.random(n)     # seed 1, 2, 3: many ties
    if seed == 3:                                      # and NaN and signed zeros, in numpy's sort order
        key[rng.random(n) < 0.1] = np.nan
        key[key == 0.0] = np.where(rng.random(np.count_nonzero(key == 0.0)) < 0.5, -0.0, 0.0)
    hours = rng.choice([0.5, 1.5, 0.1 * 3, 2.0], n)
    budget = rng.uniform(0.0, 60.0, staff)
    done = allocate(cw, klass, key, hours, budget)
    np.testing.assert_array_equal(done, allocate_reference(cw, klass, key, hours, budget))
    assert done.any() and not done.all()


def cover_reference(cw, klass, key, hours, done, budget, group_of_cw, helps_group, cover_share):
    """crowding_out.cover as plain numpy: each cover group's backlog laid against its helpers' spare hours."""
    doer = np.where(done, cw, -1)
    used = np.bincount(cw[done], weights=hours[done], minlength=len(budget))
    capacity = np.maximum(budget - used, 0.0) * cover_share
    todo = np.flatnonzero(~done & (klass <= 2) & (cw >= 0))
    if not len(todo) or capacity.sum() <= 0:
        return doer
    for g in np.unique(group_of_cw[cw[todo]]):
        items = todo[group_of_cw[cw[todo]] == g]
        items = items[np.lexsort((key[items], klass[items]))]
        helpers = np.flatnonzero(helps_group[:, g] & (capacity > 0))
        if not len(helpers):
            continue
        helpers = helpers[np.argsort(-capacity[helpers], kind="stable")]
        cap_end = np.cumsum(capacity[helpers])
        item_end = np.cumsum(hours[items])
        at = np.minimum(np.searchsorted(cap_end, item_end, side="left"), len(helpers) - 1)
        start = item_end - hours[items]
        fits = (item_end <= cap_end[-1] + 1e-9) & (start >= cap_end[at] - capacity[helpers][at] - 1e-9)
        who = helpers[at[fits]]
        doer[items[fits]] = who
        capacity -= np.bincount(who, weights=hours[items[fits]], minlength=len(capacity))
    return doer


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_cover_of_backlogs_matches_the_numpy_reference(seed):
    from simulation.office import allocate
    from simulation.office.crowding_out import cover

    rng = np.random.default_rng(seed)
    n, staff = 3000, 25
    cw = np.where(rng.random(n) < 0.02, -1, rng.integers(0, staff, n))
    klass = rng.integers(0, 4, n).astype(np.int8)
    key = rng.choice([0.0, -0.5, 1.0, 2.0], n) if seed % 2 else rng.random(n)     # odd seeds: many ties
    hours = rng.choice([0.5, 1.5, 0.1 * 3, 2.0], n)
    budget = rng.uniform(0.0, 60.0, staff)
    budget[::3] = rng.choice([0.0, 30.0], len(budget[::3]))                      # ties in spare hours
    if seed == 3:
        budget[:] = 0.0                                                            # nobody to cover
    done = allocate(np.maximum(cw, 0), klass, key, hours, budget * 0.4) & (cw >= 0)
    groups = rng.integers(0, 3, staff)
    helps = rng.random((staff, 3)) < 0.6
    helps[np.arange(staff), groups] = True
    got, n_covered = cover(cw, klass, key, hours, done, budget, groups, helps, 0.5)
    want = cover_reference(cw, klass, key, hours, done, budget, groups, helps, 0.5)
    np.testing.assert_array_equal(got, want)
    covered = (got >= 0) & ~done
    assert n_covered == covered.sum()
    assert covered.any() if seed != 3 else not covered.any()
    assert (got[~covered] == np.where(done, cw, -1)[~covered]).all()


def book_hours_reference(items, done, n, doc):
    from simulation.office.work import KIND_ACTIVITY, KIND_TASK
    from simulation.vocabulary import TASKS, Activity

    hba = np.zeros((n, len(Activity)))
    np.add.at(hba, (items.cw[done], KIND_ACTIVITY[items.kind[done]]), items.hours[done] * (1.0 - doc))
    documented = np.bincount(items.cw[done], weights=items.hours[done], minlength=n) * doc
    task_hours = np.zeros((n, len(TASKS) + 1))
    np.add.at(task_hours, (items.cw[done], KIND_TASK[items.kind[done]]), items.hours[done])
    return hba, documented, task_hours


def follow_up_census_reference(c, registered, pool, needs_follow_up, items, done):
    from simulation.office.state import BENEFIT_GROUP, BENEFIT_GROUPS
    from simulation.office.work import FOLLOW_UP_KINDS

    users = pool[registered[pool] & needs_follow_up]
    pos = c.position(users)
    q = np.empty(len(users), dtype=np.int64)
    q[np.argsort(pos, kind="stable")] = np.arange(len(users)) * 5 // len(users)
    g = BENEFIT_GROUP.take(c.benefit[users])
    sess = done & np.isin(items.kind, FOLLOW_UP_KINDS)
    who = items.who[sess]
    at = np.minimum(np.searchsorted(users, who), len(users) - 1)
    ok = users[at] == who
    h = items.hours[sess][ok]
    return (np.bincount(q, minlength=5), np.bincount(g, minlength=len(BENEFIT_GROUPS)),
            np.bincount(q[at][ok], weights=h, minlength=5), np.bincount(g[at][ok], weights=h,
                                                                         minlength=len(BENEFIT_GROUPS)))


@pytest.mark.parametrize(("scenario", "settings"), OFFICES[:2])
def test_booked_hours_and_the_follow_up_census_match_the_numpy_references(scenario, settings):
    from simulation.kernels.office import book_hours, follow_up_census
    from simulation.office.census import IS_FOLLOW_UP
    from simulation.office.state import BENEFIT_GROUP
    from simulation.office.work import KIND_ACTIVITY, KIND_TASK, week_items
    from simulation.vocabulary import TASKS, Activity

    m, pool, need = office_midrun(scenario, 4, **settings)
    o, c = m.office, m.citizens
    items, _ = week_items(o, c, m.week, pool, need, np.zeros(0, dtype=np.int64))
    done = np.random.default_rng(4).random(len(items.cw)) < 0.7
    n, doc = len(o.staff), o.s.caseworkers.documentation_share
    got = book_hours(items.cw, items.kind, items.hours, done, KIND_ACTIVITY, KIND_TASK, n, len(Activity),
                     len(TASKS), doc)
    for a, b in zip(got, book_hours_reference(items, done, n, doc), strict=True):
        np.testing.assert_array_equal(a, b)
    needs = need.work | need.housing_social
    got = follow_up_census(pool, need.users, need.work, need.housing_social, o.users.registered, c.arenas, c.benefit,
                           BENEFIT_GROUP, 3, items.who, items.kind, items.hours, done, IS_FOLLOW_UP,
                           np.empty(4 * len(pool), dtype=np.int64), np.empty(2 * len(pool)),
                           np.random.default_rng(5).integers(-9, 9**9, c.capacity))
    want = follow_up_census_reference(c, o.users.registered, pool, needs, items, done)
    for a, b in zip(got, want, strict=True):
        np.testing.assert_array_equal(a, b)
    assert got[2].sum() > 0


@pytest.mark.parametrize("seed", [0, 1])
def test_position_quintiles_rank_ties_in_listed_order(seed):
    from simulation.kernels.office import position_quintiles

    rng = np.random.default_rng(seed)
    for n in (5, 6, 7, 13, 101, 4000):
        for pos in (rng.random(n), rng.choice([0.0, 0.25, 0.3, 1.0], n), np.full(n, 0.5)):
            want = np.empty(n, dtype=np.int64)
            want[np.argsort(pos, kind="stable")] = np.arange(n) * 5 // n
            got, scratch = np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64)
            position_quintiles(pos, got, scratch, np.empty(n))
            np.testing.assert_array_equal(got, want)


def follow_up_reference(office, c, items, done, ratio, week, lost, rng, wk):
    """sessions.follow_up and sessions._work_session as plain numpy, row by row."""
    from simulation.office.sessions import session_gain
    from simulation.office.state import FOLLOW_UP_TASKS
    from simulation.office.work import SESSION_KIND, extra_hours, need_level, portfolio_need
    from simulation.vocabulary import Arena, NeedLevel, Task

    us, s = office.users, office.s
    fu, o = s.follow_up, s.office
    a = c.arenas
    for row, task in enumerate(FOLLOW_UP_TASKS):
        is_kind = items.kind == SESSION_KIND[row]
        wk.slipped_sessions += int((is_kind & ~done & (ratio >= 1.0)).sum())
        sel = is_kind & done
        i, cw, hours = items.who[sel], items.cw[sel], items.hours[sel]
        wk.sessions[row] = len(i)
        wk.early_sessions += int((ratio[sel] < 1.0).sum())
        if not len(i):
            continue
        first = ~us.had_session[i]
        wk.first_follow_ups += int(first.sum())
        wk.first_follow_up_wait_weeks += float((week - us.intake_week[i[first]]).sum())
        us.had_session[i] = True
        us.sessions_week[i] += 1
        us.hours_week[i] += hours
        same = us.sessions_same[row, i]
        own = cw == us.cw[task, i]
        useful = np.maximum(hours - extra_hours(office, c, row, i), 0.0)
        gain = session_gain(fu, office.staff.competence[cw, task], np.where(own, same, 0), lost[i], useful)
        if row == 1 and o.portfolio:
            gain = gain * (1.0 + fu.portfolio_effect * portfolio_need(office, c, i))
        us.reassess[row, i[own]] = False
        if task == Task.WORK:
            a[Arena.WORK, i] = np.minimum(a[Arena.WORK, i] + fu.work_effect * gain * (1.0 - a[Arena.WORK, i]), 1.0)
            ben = c.benefit[i]
            sick = (ben == Benefit.SICK_PAY) | (ben == Benefit.WORK_ASSESSMENT_ALLOWANCE)
            c.graded_return_until[i[sick]] = week + fu.graded_return_weeks
            c.job_search_help_until[i[~sick]] = week + fu.job_search_help_weeks
            kvp = ((ben == Benefit.SOCIAL_ASSISTANCE) & (c.benefit_weeks[i] >= 26)
                   & (us.need_level[i] >= NeedLevel.SPECIAL) & (rng.random(len(i)) < fu.qualification_uptake))
            c.benefit[i[kvp]] = Benefit.QUALIFICATION_PROGRAMME
            c.benefit_weeks[i[kvp]] = 0
            wk.qualification_starts += int(kvp.sum())
        else:
            for arena, size in ((Arena.HOUSING, fu.housing_effect), (Arena.ACTIVITY, fu.activity_effect),
                                (Arena.ECONOMY, fu.economy_effect)):
                a[arena, i] = np.minimum(a[arena, i] + size * gain, 1.0)
        us.sessions_same[row, i] = np.where(own, same + 1, same)
        us.last_session[row, i] = week
        now = a[:, i]
        pos = now.mean(axis=0)
        progressed = pos > us.last_position[i] + 1e-9
        us.failures[i] = np.where(progressed, 0, us.failures[i] + 1)
        us.last_position[i] = pos
        if o.parking_after_failures > 0:
            park = (us.failures[i] >= o.parking_after_failures) & (office.staff.pressure[cw] > 1.0)
            us.parked_until[i[park]] = week + o.parking_review_weeks
            us.failures[i[park]] = 0
            wk.parked += int(park.sum())
        us.need_level[i] = need_level(c, i, (now < s.arenas.loss_threshold).sum(axis=0))


def assert_same_office_state(o1, o2, c1, c2, wk1, wk2):
    import dataclasses

    for name in vars(o1.users):
        np.testing.assert_array_equal(getattr(o1.users, name), getattr(o2.users, name), err_msg=name)
    for name in vars(c1):
        if isinstance(getattr(c1, name), np.ndarray):
            np.testing.assert_array_equal(getattr(c1, name), getattr(c2, name), err_msg=name)
    for f in dataclasses.fields(wk1):
        np.testing.assert_array_equal(getattr(wk1, f.name), getattr(wk2, f.name), err_msg=f.name)


@pytest.mark.parametrize(("scenario", "settings"), OFFICES[:3])
def test_follow_up_sessions_match_the_numpy_reference(scenario, settings):
    import copy as copying

    from simulation.office import OfficeWeek, allocate, sessions
    from simulation.office.work import week_items

    m, pool, need = office_midrun(scenario, 5, weeks=40, **settings)
    o, c = m.office, m.citizens
    o.staff.pressure[::2] *= 1.5               # some caseworkers under pressure: parking
    o.users.failures[pool[::3]] += 2
    o.users.had_session[pool[::2]] = False     # and some first sessions
    items, ratio = week_items(o, c, m.week, pool, need, np.zeros(0, dtype=np.int64))
    done = allocate(items.cw, items.klass, items.key, items.hours, o.staff.budget * 0.3)   # some sessions slip
    lost = c.arenas_lost(o.s.arenas.loss_threshold)
    ref_o, ref_c = copying.deepcopy(o), copy(c)
    wk, ref_wk = OfficeWeek(), OfficeWeek()
    sessions.follow_up(o, c, items, done, ratio, m.week, lost, np.random.default_rng(9), wk)
    follow_up_reference(ref_o, ref_c, items, done, ratio, m.week, lost, np.random.default_rng(9), ref_wk)
    assert_same_office_state(o, ref_o, c, ref_c, wk, ref_wk)
    assert wk.sessions.all() and wk.slipped_sessions and wk.first_follow_ups


def social_assistance_reference(office, c, items, done, week, wk):
    """sessions.social_assistance as the plain numpy it replaced: decisions, then renewals."""
    from simulation.office.sessions import decision_period
    from simulation.office.state import FOLLOW_UP_TASKS
    from simulation.office.work import WorkKind

    us = office.users

    def same_person(who, cw):
        for row, task in enumerate(FOLLOW_UP_TASKS):
            same = us.cw[task, who] == cw
            us.sessions_same[row, who[same]] += 1

    sel = done & (items.kind == WorkKind.DECISION)
    who, cw = items.who[sel], items.cw[sel]
    wk.decisions = len(who)
    wk.decision_wait_weeks = float((week - us.sa_applied[who]).sum())
    main = (c.benefit[who] == Benefit.NONE) & ~c.employed[who]
    c.benefit[who[main]] = Benefit.SOCIAL_ASSISTANCE
    c.benefit_weeks[who[main]] = 0
    c.sa_top_up[who[~main]] = True
    population.pay_assistance(c, who, week)
    us.sa_pending[who] = False
    same_person(who, cw)
    period = decision_period(office, cw)
    us.next_renewal[who] = week + period
    wk.decision_period_weeks += float(period.sum())
    sel = done & (items.kind == WorkKind.RENEWAL)
    who, cw = items.who[sel], items.cw[sel]
    wk.renewals = len(who)
    same_person(who, cw)
    means = c.arenas[ECONOMY, who] >= office.s.arenas.loss_threshold
    stop = who[means]
    c.benefit[stop[c.benefit[stop] == Benefit.SOCIAL_ASSISTANCE]] = Benefit.NONE
    c.sa_top_up[stop] = False
    wk.sa_stopped = len(stop)
    keep = who[~means]
    moved_on = keep[(c.benefit[keep] == Benefit.SOCIAL_ASSISTANCE) & c.employed[keep]]
    c.benefit[moved_on] = Benefit.NONE
    c.sa_top_up[moved_on] = True
    period = decision_period(office, cw[~means])
    us.next_renewal[keep] = week + period
    population.pay_assistance(c, keep, week)
    wk.decision_period_weeks += float(period.sum())


@pytest.mark.parametrize(("scenario", "settings"), [OFFICES[0], OFFICES[1], OFFICES[3]])   # (with applications)
def test_decisions_and_renewals_match_the_numpy_reference(scenario, settings):
    import copy as copying

    from simulation.office import OfficeWeek, allocate, sessions
    from simulation.office.work import WorkKind, week_items

    m = midrun_model(scenario, 8, weeks=30, **settings)
    o, c = m.office, m.citizens
    pool, need, awaiting, lost = o.needs_and_registration(c, m.week, OfficeWeek())
    coord = o.assign_all(c, awaiting, lost, m.week, np.random.default_rng(8), OfficeWeek())   # (applicants)
    items, _ = week_items(o, c, m.week, pool, need, coord)
    done = allocate(items.cw, items.klass, items.key, items.hours, o.staff.budget)
    rng = np.random.default_rng(8)
    o.staff.pressure[:] = rng.choice([0.5, 1.0, 1.25, 1.5, 2.0, 2.5, 3.7], len(o.staff))   # periods lengthen
    ours = items.who[items.kind == WorkKind.RENEWAL]
    c.arenas[ECONOMY, ours[::3]] = 0.9                                   # some have means again
    c.employed[ours[1::3]] = True                                         # some found a job
    ref_o, ref_c = copying.deepcopy(o), copy(c)
    wk, ref_wk = OfficeWeek(), OfficeWeek()
    sessions.social_assistance(o, c, items, done, m.week, wk)
    social_assistance_reference(ref_o, ref_c, items, done, m.week, ref_wk)
    assert_same_office_state(o, ref_o, c, ref_c, wk, ref_wk)
    assert wk.decisions and wk.renewals and wk.sa_stopped and wk.decision_period_weeks > 4 * wk.decisions


def release_reference(office, task, idx, c, wk):
    """A task's caseworker lets users ``idx`` go, counted by reason (intake: not counted)."""
    from simulation.office.state import FOLLOW_UP_TASKS, RELEASE_REASONS
    from simulation.vocabulary import Task

    us = office.users
    if task != Task.INTAKE:
        reason = np.where(c.employed[idx], 0, np.where(c.benefit[idx] == Benefit.DISABILITY_BENEFIT, 2, 1))
        wk.releases += np.bincount(reason, minlength=len(RELEASE_REASONS))
    us.cw[task, idx] = -1
    if task in FOLLOW_UP_TASKS:
        us.sessions_same[FOLLOW_UP_TASKS.index(Task(task)), idx] = 0


def register_and_release_reference(office, c, pool, need, week, wk):
    """Office.register_and_release as plain numpy: registration, releases and the end of office
    spells, caseloads, and who awaits a caseworker."""
    from simulation.vocabulary import Task

    us = office.users
    needs_office = need.work | need.economic
    due = us.intake_due[pool]
    new = needs_office & ~us.registered[pool] & ~due
    us.intake_week[pool[new]] = week
    wk.new_users = int(np.count_nonzero(new))
    gone = due & ~needs_office
    due = (due | new) & ~gone
    us.intake_due[pool] = due
    release_reference(office, Task.INTAKE, pool[gone & (us.cw[Task.INTAKE, pool] >= 0)], c, wk)
    reg = us.registered[pool]
    for task in (Task.ECONOMIC, Task.WORK, Task.HOUSING_SOCIAL):
        release_reference(office, task, pool[reg & (us.cw[task, pool] >= 0) & ~need.of(task)], c, wk)
    ended = pool[reg & ~(need.work | need.economic | need.housing_social)]
    wk.ended_spells += len(ended)
    wk.ended_contact_points += int(us.contact_points[ended].sum())
    wk.ended_handoffs += int(us.handoffs[ended].sum())
    wk.ended_to_work += int(c.employed[ended].sum())
    wk.ended_to_disability += int((c.benefit[ended] == Benefit.DISABILITY_BENEFIT).sum())
    release_reference(office, Task.INTAKE, ended, c, wk)
    us.end_spell(ended)
    cw = us.cw           # every slot's caseworkers, not only the pool's
    office.staff.caseload = caseload_reference(cw[Task.ECONOMIC], cw[Task.WORK], cw[Task.HOUSING_SOCIAL],
                                               len(office.staff))
    open_ = week >= us.blocked_until[pool]
    reg = us.registered[pool]
    awaiting = [pool[due & (us.cw[Task.INTAKE, pool] < 0)]]
    for task in (Task.ECONOMIC, Task.WORK, Task.HOUSING_SOCIAL):
        awaiting.append(pool[reg & need.of(task) & open_ & (us.cw[task, pool] < 0)])
    return ended, awaiting


@pytest.mark.parametrize(("scenario", "settings"), OFFICES[:3])
def test_registration_releases_caseloads_and_who_awaits_a_caseworker_match_the_numpy_reference(scenario, settings):
    m = midrun_model(scenario, 6, weeks=20, **settings)
    o, c = m.office, m.citizens
    us = o.users
    rng = np.random.default_rng(6)
    known = np.flatnonzero(us.registered | us.intake_due)
    found = known[rng.random(len(known)) < 0.1]                         # some needs end this week:
    c.employed[found] = True                                            # a job found
    c.arenas[1:, found[::2]] = 1.0                                      # (and for some, nothing lost)
    us.intake_due[known[rng.random(len(known)) < 0.05]] = True          # some wait for intake
    us.cw[:, known[rng.random(len(known)) < 0.1]] = -1                  # or for a caseworker
    new = known[(rng.random(len(known)) < 0.2) & (us.cw[:, known] < 0).all(axis=0)]
    us.registered[new] = us.intake_due[new] = False                     # or are new to the office
    o.staff.caseload[:] = -7                                            # (recounted, not kept up)
    _, _, awaiting, _, ended, ref_o, wk = check_needs_and_registration(o, c, m.week)
    assert len(ended) and wk.releases.sum() and wk.ended_contact_points and wk.new_users
    assert sum(len(a) > 0 for a in awaiting) >= 2 and ref_o.staff.caseload.sum() > 0


def assign_reference(office, task, idx, c, lost, week, rng, wk):
    """handoffs.route and handoffs.assign as plain numpy (caps through handoffs.apply_caps)."""
    from simulation.office.handoffs import apply_caps, unit_full
    from simulation.office.state import FOLLOW_UP_TASKS
    from simulation.vocabulary import Task

    staff, us, o = office.staff, office.users, office.s.office
    held = us.cw[:, idx]
    held_unit = office.unit_of_cw[held]
    does = office.unit_does[held_unit, task]
    unit = np.where(does.any(axis=0), held_unit[does.argmax(axis=0), np.arange(len(idx))], -1)
    for k, u in enumerate(o.units):
        if not office.unit_does[k, task] or unit_full(office, k):
            continue
        group = {"youth": c.age[idx] < office.s.population.youth_age_limit, "heaviest": lost[idx] >= 3,
                 "refugees": c.language[idx]}.get(u.target_group, True)
        unit[(unit < 0) & group] = k
    routed = unit >= 0
    idx, unit, held, held_unit = idx[routed], unit[routed], held[:, routed], held_unit[:, routed]
    match = held_unit == unit[None, :]
    reuse = match.any(axis=0)
    chosen = np.where(reuse, held[np.argmax(match, axis=0), np.arange(len(idx))], -1)
    size = office.unit_size[unit[~reuse]]
    chosen[~reuse] = staff.unit_start[unit[~reuse]] + np.minimum((c.birth_date[idx[~reuse]] * size).astype(np.int64),
                                                                 size - 1)
    if task != Task.INTAKE:
        chosen = apply_caps(office, chosen, unit, idx)
    ok = chosen >= 0
    idx, chosen, held = idx[ok], chosen[ok], held[:, ok]
    fresh = ~(held == chosen[None, :]).any(axis=0)
    joins = ~(held[1:] == chosen[None, :]).any(axis=0)
    handoff = fresh & (held >= 0).any(axis=0)
    lost_now = handoff & (rng.random(len(idx)) < o.handoff_loss)
    us.blocked_until[idx[lost_now]] = week + o.lost_weeks
    us.lost_total[idx[lost_now]] += 1
    wk.lost_in_handoff += int(lost_now.sum())
    idx, chosen, fresh, handoff, joins = (x[~lost_now] for x in (idx, chosen, fresh, handoff, joins))
    us.cw[task, idx] = chosen
    wk.assignments += len(idx) * (task != Task.INTAKE)
    us.contact_points[idx[fresh]] += 1
    us.handoffs[idx[handoff]] += 1
    wk.handoffs += int(handoff.sum())
    if task != Task.INTAKE:
        us.blocked_until[idx[handoff]] = np.maximum(us.blocked_until[idx[handoff]], week + o.handoff_delay_weeks)
        np.add.at(staff.caseload, chosen[joins], 1)
    if task in FOLLOW_UP_TASKS:
        row = FOLLOW_UP_TASKS.index(Task(task))
        us.sessions_same[row, idx[fresh]] = 0
        us.reassess[row, idx[handoff]] = True
        us.parked_until[idx[fresh]] = week
    return chosen[handoff]


@pytest.mark.parametrize(("scenario", "settings"), [("specialist", {"handoff_loss": 0.3}),
                                                    ("target_group_teams", {}), ("offices/fana", {})])
def test_routing_and_hand_offs_match_the_numpy_reference(scenario, settings):
    import copy as copying

    from simulation.office import OfficeWeek, handoffs

    m, pool, _ = office_midrun(scenario, 7, weeks=20, **settings)
    o, c = m.office, m.citizens
    lost = c.arenas_lost(o.s.arenas.loss_threshold)
    rng = np.random.default_rng(7)
    moved = 0
    for task in range(4):
        idx = pool[rng.random(len(pool)) < 0.2]         # a fifth of the pool (re)assigned, whatever they held
        o.users.cw[task, idx] = -1
        ref_o = copying.deepcopy(o)
        wk, ref_wk = OfficeWeek(), OfficeWeek()
        coord = handoffs.assign(o, task, idx, c, lost, m.week, np.random.default_rng(task), wk)
        want = assign_reference(ref_o, task, idx, c, lost, m.week, np.random.default_rng(task), ref_wk)
        np.testing.assert_array_equal(coord, want)
        assert_same_office_state(o, ref_o, c, c, wk, ref_wk)
        np.testing.assert_array_equal(o.staff.caseload, ref_o.staff.caseload)
        moved += wk.handoffs + wk.lost_in_handoff
    assert moved


# ---- the staff's week (kernels/staff.py) ---------------------------------------------------------
def wear_reference(staff, week, rng):
    """Staff.wear as plain numpy (the kernel staff.wear replaced it)."""
    from simulation.vocabulary import WEEKS_PER_YEAR

    cw = staff.s.caseworkers
    overload = np.maximum(staff.pressure - 1.0, 0.0)
    staff.strain += (overload - staff.strain) / cw.strain_weeks
    here = staff.present(week)
    n = len(staff)
    u = rng.random(n)
    sick = here & (u < cw.sick_leave_per_week * (1.0 + cw.strain_sick_leave_factor * staff.strain))
    spell = rng.geometric(1.0 / cw.sick_leave_weeks, n)
    staff.sick_until = np.where(sick, week + spell, staff.sick_until)
    leave = here & ~sick & (rng.random(n) < cw.turnover_per_year / WEEKS_PER_YEAR
                            * (1.0 + cw.strain_turnover_factor * staff.strain))
    staff.leavers = int(leave.sum())
    staff.left = leave
    staff.vacant_until = np.where(leave, week + cw.vacancy_weeks, staff.vacant_until)
    staff.experience[leave] = 0.0
    staff.strain[leave] = 0.0


def week_budget_reference(staff, week):
    """Staff.week_budget as plain numpy (the kernel staff.hours_there replaced it)."""
    cw = staff.s.caseworkers
    here = staff.present(week)
    staff.absent_hours = np.where(here, staff.contract_hours * cw.holiday_share, staff.contract_hours)
    at_work = staff.contract_hours - staff.absent_hours
    staff.duty_hours = at_work * cw.duty_share
    staff.switch_hours = np.where(here, cw.task_switch_hours * np.maximum(staff.task_types - 1, 0), 0.0)
    casework = np.maximum(at_work - staff.duty_hours - staff.switch_hours, 0.0)
    staff.budget = casework * staff.productivity


@pytest.mark.parametrize("seed", [1, 2])
def test_the_staff_kernels_match_the_numpy_reference_week_after_week(seed):
    # an office under strain, with turnover and sick leave frequent enough that every branch fires
    import copy as copying

    m = midrun_model("specialist", seed, 6)
    staff = m.office.staff
    staff.s = staff.s.replace(**{"caseworkers.turnover_per_year": 1.0, "caseworkers.sick_leave_per_week": 0.05})
    ref = copying.deepcopy(staff)
    rng, ref_rng = np.random.default_rng(seed), np.random.default_rng(seed)
    events = np.zeros(3, dtype=np.int64)
    for week in range(m.week, m.week + 30):
        for s in (staff, ref):   # the week's pressure, task types and a transition's productivity
            s.pressure = 0.5 + 1.5 * np.random.default_rng(week).random(len(staff))
            s.task_types = np.random.default_rng(week + 1).integers(1, 5, len(staff))
            s.productivity = 0.9 if week % 3 else 1.0
        staff.wear(week, rng)
        wear_reference(ref, week, ref_rng)
        staff.week_budget(week)
        week_budget_reference(ref, week)
        for name in ("strain", "sick_until", "vacant_until", "experience", "left", "absent_hours", "duty_hours",
                     "switch_hours", "budget"):
            np.testing.assert_array_equal(getattr(staff, name), getattr(ref, name), err_msg=f"{week}: {name}")
        assert staff.leavers == ref.leavers
        here = staff.present(week)
        events += (staff.leavers, int((staff.sick_until > week).sum()), int((~here & (staff.budget == 0)).sum()))
    assert events.all(), events          # leavers, the sick, and absent caseworkers with no hours were compared


def depart_reference(office, left, wk):
    """Office.depart as plain numpy (the kernel office.leavers_released replaced it)."""
    from simulation.office.state import RELEASE_REASONS

    us = office.users
    held = us.cw[1:, left] >= 0
    wk.releases[RELEASE_REASONS.index("moved_or_aged_out")] += int(held.sum())
    ended = left[us.registered[left]]
    wk.ended_spells += len(ended)
    wk.ended_contact_points += int(us.contact_points[ended].sum())
    wk.ended_handoffs += int(us.handoffs[ended].sum())
    us.reset(left)


@pytest.mark.parametrize("scenario", ["specialist", "target_group_teams"])
def test_departures_match_the_numpy_reference(scenario):
    import copy as copying

    from simulation.office import OfficeWeek

    m = midrun_model(scenario, 3, 20)
    o = m.office
    known = o.known
    # leavers among the office's users and among everyone else (some users handed off twice more)
    others = np.flatnonzero(~np.isin(np.arange(len(m.citizens.alive)), known))
    left = np.sort(np.concatenate([known[::7], others[::50]]))
    o.users.handoffs[known[::3]] += 2
    ref = copying.deepcopy(o)
    wk, ref_wk = OfficeWeek(), OfficeWeek()
    o.depart(left, wk)
    depart_reference(ref, left, ref_wk)
    assert_same_office_state(o, ref, m.citizens, m.citizens, wk, ref_wk)
    assert wk.releases.sum() and wk.ended_spells and wk.ended_contact_points and wk.ended_handoffs


def rule_work_reference(office, c, items, done, week, lost, rng, wk):
    """sessions.intakes, .assessments and .dialogue_meetings as plain numpy (the kernels
    office.intakes_done, assessments_done and dialogue_meetings_done replaced them)."""
    from simulation.office.work import WorkKind, need_level
    from simulation.population import NeedLevel

    us, o = office.users, office.s.office
    who = items.who[done & (items.kind == WorkKind.INTAKE)]
    wk.intakes = len(who)
    us.intake_due[who] = False
    us.registered[who] = True
    us.last_session[:, who] = week
    level = need_level(c, who, lost[who])
    if o.reception == "group_call_in":
        level = np.where(rng.random(len(who)) < o.self_assessment_error, NeedLevel.STANDARD, level)
    us.need_level[who] = level
    who = items.who[done & (items.kind == WorkKind.ASSESSMENT)]
    wk.assessments = len(who)
    c.work_ability_assessed[who] = True
    us.need_level[who] = need_level(c, who, lost[who])
    who = items.who[done & (items.kind == WorkKind.DIALOGUE)]
    wk.dialogue_meetings = len(who)
    us.dialogue_held[who] = True
    c.graded_return_until[who] = week + office.s.follow_up.graded_return_weeks
    us.sessions_week[who] += 1
    us.hours_week[who] += o.dialogue_meeting_hours


@pytest.mark.parametrize(("scenario", "settings"), OFFICES)
def test_intakes_assessments_and_dialogue_meetings_match_the_numpy_reference(scenario, settings):
    import copy as copying

    from simulation.office import OfficeWeek, sessions
    from simulation.office.work import week_items

    m, pool, need = office_midrun(scenario, 6, weeks=30, **settings)
    o, c = m.office, m.citizens
    o.s = o.s.replace(**{"office.self_assessment_error": 0.5})      # (at a group call-in: a draw each)
    o.users.intake_due[pool[::4]] = True          # more intakes than a settled week has,
    followed = pool[o.users.registered[pool] & (o.users.cw[Task.WORK, pool] >= 0)]   # and users due an assessment
    c.benefit[followed[::3]] = Benefit.WORK_ASSESSMENT_ALLOWANCE                       # or a dialogue meeting
    c.work_ability_assessed[followed[::3]] = False
    c.benefit[followed[1::3]] = Benefit.SICK_PAY
    c.short_sick[followed[1::3]] = False
    c.benefit_weeks[followed[1::3]] = 24
    o.users.dialogue_held[followed[1::3]] = False
    items, ratio = week_items(o, c, m.week, pool, need, np.zeros(0, dtype=np.int64))
    done = np.ones(len(items.who), dtype=bool)
    done[::5] = False                              # some items wait
    lost = c.arenas_lost(o.s.arenas.loss_threshold)
    ref_o, ref_c = copying.deepcopy(o), copy(c)
    wk, ref_wk = OfficeWeek(), OfficeWeek()
    rng, ref_rng = np.random.default_rng(4), np.random.default_rng(4)
    sessions.intakes(o, c, items, done, m.week, lost, rng, wk)
    sessions.assessments(o, c, items, done, lost, wk)
    sessions.dialogue_meetings(o, c, items, done, m.week, wk)
    rule_work_reference(ref_o, ref_c, items, done, m.week, lost, ref_rng, ref_wk)
    assert_same_office_state(o, ref_o, c, ref_c, wk, ref_wk)
    assert rng.random() == ref_rng.random()       # the same draws were taken
    assert wk.intakes and wk.assessments and wk.dialogue_meetings

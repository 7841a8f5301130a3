"""The life-event kernels (simulation/kernels/life_events.py) against a plain-numpy reference.

The reference is the week as a pass per mechanism over all citizens (the code the kernels
replaced), drawing from the same counter-based stream: the kernels must agree with it bit for
bit, week after week, in every column and every count.
"""

from __future__ import annotations

import copy
from dataclasses import fields

import numpy as np
import pytest

import simulation as ms
from simulation import population
from simulation.kernels import life_events as k
from simulation.kernels import uniform_reference, week_key
from simulation.population import ECONOMY, HOUSING, JOBSEEKER, SEEKS_WORK, WORK, Benefit, Citizens, WeekEvents
from simulation.vocabulary import WEEKS_PER_MONTH, WEEKS_PER_YEAR, month_of_year

from conftest import small

NO_SPELL, NEVER = population.NO_SPELL, population.NEVER


# ---- the plain-numpy reference: one pass per mechanism ------------------------------------------
def gompertz(at_40, growth, age):
    return at_40 * np.exp(growth * (age - 40.0))


def close_spells(c, idx, week):
    open_ = idx[c.spell_start[idx] != NO_SPELL]
    out = np.stack([c.spell_start[open_], week - c.spell_start[open_]], axis=1)
    c.spell_start[open_] = NO_SPELL
    return out


def keep_assistance(c, idx):
    c.sa_top_up[idx] |= c.benefit[idx] == Benefit.SOCIAL_ASSISTANCE


def start_aap(c, idx, ev):
    keep_assistance(c, idx)
    c.benefit[idx] = Benefit.WORK_ASSESSMENT_ALLOWANCE
    c.benefit_weeks[idx] = 0
    c.work_ability_assessed[idx] = False
    c.employed[idx] = False
    ev.to_aap += len(idx)


def start_disability(c, idx, ev):
    c.benefit[idx] = Benefit.DISABILITY_BENEFIT
    c.benefit_weeks[idx] = 0
    c.employed[idx] = False
    ev.to_disability += len(idx)


def leave(c, s, U, week, u, ev):
    p = s.population
    c.age += 1.0 / WEEKS_PER_YEAR
    alive = c.alive
    move = p.move_away_per_year / WEEKS_PER_YEAR
    moved = alive & (u < move)
    aged_out = alive & (c.age >= p.retirement_age)
    candidates = np.flatnonzero(alive & ~moved & ~aged_out & (u < move + 0.002))
    death = gompertz(p.mortality_at_40, p.mortality_growth, c.age[candidates]) / WEEKS_PER_YEAR
    death *= np.where(c.benefit[candidates] == Benefit.DISABILITY_BENEFIT, p.disability_mortality_factor, 1.0)
    died = candidates[u[candidates] - move < death]
    gone = moved | aged_out
    gone[died] = True
    ev.left = np.flatnonzero(gone)
    ev.deaths = len(died)
    ev.spells_ended.append(close_spells(c, ev.left, week))
    c.alive[ev.left] = False


def shocks(c, s, U, u, ev):
    sh, lm = s.shocks, s.labour_market
    theta = s.arenas.loss_threshold
    a = c.arenas
    bound = population.life_rates(s).shock_bound
    x = U(k.SHOCK, np.arange(c.capacity))
    i = np.flatnonzero((x < bound) & c.alive)
    x = x[i]
    emp = c.employed[i]
    traits = c.health[i].astype(np.int8) + c.substance_use[i]
    at_work = emp & (c.benefit[i] != Benefit.SICK_PAY)
    h_job = at_work * sh.job_loss * np.where(a[HOUSING, i] < theta, sh.job_loss_housing_lost_factor, 1.0) \
        * (1.0 + sh.job_loss_complexity_factor * traits)
    h_evict = sh.eviction * np.where(a[ECONOMY, i] < theta, sh.eviction_economy_lost_factor, 1.0)
    unsteady = ~emp & JOBSEEKER.take(c.benefit[i])
    steady = (c.benefit[i] == Benefit.DISABILITY_BENEFIT) | (c.benefit[i] == Benefit.EARLY_PENSION)
    h_debt = sh.debt * sh.application_rate_factor * np.where(unsteady, sh.debt_out_of_work_factor,
                                                             np.where(steady, sh.debt_steady_income_factor, 1.0))
    h_debt *= np.exp(-sh.debt_savings_per_year * (c.age[i] - 40.0))
    c1 = h_job
    c2 = c1 + h_evict
    c3 = c2 + h_debt
    jl = i[x < c1]
    evicted = i[(x >= c1) & (x < c2)]
    debt = i[(x >= c2) & (x < c3)]
    c.employed[jl] = False
    c.weeks_out[jl] = 0
    eligible = U(k.BENEFIT_ELIGIBLE, jl) < np.where(c.age[jl] < 25.0, lm.unemployment_benefit_eligible_young,
                                                    lm.unemployment_benefit_eligible)
    keep_sa = c.benefit[jl] == Benefit.SOCIAL_ASSISTANCE
    c.benefit[jl] = np.where(eligible, Benefit.UNEMPLOYMENT_BENEFIT,
                             np.where(keep_sa, Benefit.SOCIAL_ASSISTANCE, Benefit.NONE))
    c.sa_top_up[jl] |= eligible & keep_sa
    c.benefit_weeks[jl] = 0
    ev.jobs_lost = len(jl)
    a[HOUSING, evicted] = np.maximum(a[HOUSING, evicted] - sh.eviction_size, 0.0)
    a[ECONOMY, debt] = np.maximum(a[ECONOMY, debt] - sh.debt_size, 0.0)
    ev.evictions = len(evicted)


def illness(c, s, U, u, ev):
    h = s.health
    alive = c.alive
    at_work = alive & c.employed & (c.benefit != Benefit.SICK_PAY)
    short = at_work & (u > 1.0 - h.short_sick_leave)
    idx = np.flatnonzero(short)
    keep_assistance(c, idx)
    c.benefit[idx] = Benefit.SICK_PAY
    c.short_sick[idx] = True
    c.benefit_weeks[idx] = 0
    ev.sick_leave_starts += len(idx)
    healthy = np.flatnonzero(alive & ~c.health & ~c.in_education & (c.benefit != Benefit.DISABILITY_BENEFIT)
                             & (c.benefit != Benefit.EARLY_PENSION) & ~short)
    rate = gompertz(h.illness_at_40, h.illness_growth, c.age[healthy]) / WEEKS_PER_YEAR
    rate *= np.where(c.employed[healthy], 1.0, h.illness_out_of_work_factor)
    ill = healthy[U(k.ILLNESS, healthy) < rate]
    c.health[ill] = True
    sick = ill[c.employed[ill]]
    keep_assistance(c, sick)
    c.benefit[sick] = Benefit.SICK_PAY
    c.short_sick[sick] = False
    c.benefit_weeks[sick] = 0
    ev.sick_leave_starts += len(sick)
    start_aap(c, ill[~c.employed[ill]], ev)


def leave_education(c, s, U):
    st = np.flatnonzero(c.in_education & c.alive)
    done = st[U(k.LEAVE_SCHOOL, st) < s.population.education_exit_per_year / WEEKS_PER_YEAR]
    c.in_education[done] = False
    c.employed[done] = U(k.WORK_AFTER_SCHOOL, done) < s.population.work_on_leaving_education


def find_jobs(c, s, U, week, ev):
    lm = s.labour_market
    seek = np.flatnonzero(c.alive & ~c.employed & ~c.in_education & SEEKS_WORK.take(c.benefit))
    arena = c.arenas[WORK, seek]
    h = (lm.job_finding * (lm.job_finding_floor + (1.0 - lm.job_finding_floor) * arena ** lm.work_arena_elasticity)
         * (1.0 - lm.complexity_penalty) ** (c.health[seek].astype(np.int8) + c.substance_use[seek] + c.language[seek])
         * (1.0 - lm.job_lead_weight + lm.job_lead_weight * c.nbr_employed[seek]))
    helped = c.job_search_help_until[seek] >= week
    h = np.where(helped, h * (1.0 + s.follow_up.job_search_boost * s.follow_up.effect_scale), h)
    fi = seek[U(k.JOB, seek) < h]
    c.employed[fi] = True
    on_sa = c.benefit[fi] == Benefit.SOCIAL_ASSISTANCE
    c.benefit[fi[~on_sa]] = Benefit.NONE
    c.benefit_weeks[fi] = 0
    c.weeks_out[fi] = 0
    ev.jobs_found = len(fi)


def sick_leave_and_aap(c, s, U, week, ev):
    h = s.health
    alive, ben = c.alive, c.benefit
    boost = 1.0 + s.follow_up.graded_return_boost * s.follow_up.effect_scale
    sick = np.flatnonzero(alive & (ben == Benefit.SICK_PAY))
    rate = np.where(c.short_sick[sick], h.short_sick_recovery, h.sick_recovery)
    helped = c.graded_return_until[sick] >= week
    rate = np.where(helped & ~c.short_sick[sick], rate * boost, rate)
    rec = sick[U(k.SICK_RECOVERY, sick) < rate]
    c.health[rec[~c.short_sick[rec]]] = False
    c.benefit[rec] = Benefit.NONE
    c.short_sick[rec] = False
    c.benefit_weeks[rec] = 0
    c.graded_return_until[rec] = NEVER
    end = sick[(c.benefit[sick] == Benefit.SICK_PAY) & (c.benefit_weeks[sick] >= h.sick_pay_weeks)]
    to_dis = U(k.SICK_PAY_END, end) < h.disability_at_sick_pay_end
    start_disability(c, end[to_dis], ev)
    ev.to_disability_from_sick_pay += int(to_dis.sum())
    start_aap(c, end[~to_dis], ev)
    ev.to_aap_from_sick_pay += int((~to_dis).sum())

    aap = np.flatnonzero(alive & (ben == Benefit.WORK_ASSESSMENT_ALLOWANCE) & (c.benefit_weeks > 0))
    rate = np.full(len(aap), h.aap_recovery)
    rate = np.where(c.graded_return_until[aap] >= week, rate * boost, rate)
    ok = U(k.AAP_RECOVERY, aap) < rate
    rec = aap[ok]
    c.health[rec] = False
    c.benefit[rec] = Benefit.NONE
    c.employed[rec] = U(k.WORK_AFTER_AAP, rec) < h.work_on_aap_recovery
    c.graded_return_until[rec] = NEVER
    rest = aap[~ok]
    odds = h.disability_decision * np.exp(h.disability_age_growth * (c.age[rest] - 40.0))
    decide = rest[c.work_ability_assessed[rest] & (U(k.DISABILITY_DECISION, rest) < odds)]
    expired = rest[(c.benefit_weeks[rest] >= h.aap_weeks) & (c.benefit[rest] == Benefit.WORK_ASSESSMENT_ALLOWANCE)]
    expired = np.setdiff1d(expired, decide, assume_unique=True)
    p_dis = np.clip(h.disability_at_aap_end * np.exp(h.disability_age_growth * (c.age[expired] - 40.0)), 0, 1)
    exp_dis = U(k.AAP_TIME_LIMIT, expired) < p_dis
    to_dis = np.concatenate([decide, expired[exp_dis]])
    start_disability(c, to_dis, ev)
    ev.to_disability_from_aap += len(to_dis)
    cand = np.flatnonzero(c.alive & c.health & ~c.employed & ~c.in_education
                          & ((ben == Benefit.NONE) | (ben == Benefit.SOCIAL_ASSISTANCE)))
    rate = h.disability_other_per_year / WEEKS_PER_YEAR * np.exp(h.disability_age_growth * (c.age[cand] - 40.0))
    start_disability(c, cand[U(k.OTHER_DISABILITY, cand) < rate], ev)
    back = expired[~exp_dis]
    c.benefit[back] = Benefit.NONE
    c.benefit_weeks[back] = 0
    ev.aap_exits += len(rec) + len(to_dis) + len(back)
    ev.aap_exits_to_disability += len(to_dis)


def expire_benefits(c, s, U):
    lm, p = s.labour_market, s.population
    alive, ben = c.alive, c.benefit
    ub_end = alive & (ben == Benefit.UNEMPLOYMENT_BENEFIT) & (c.benefit_weeks >= lm.unemployment_benefit_weeks)
    c.benefit[ub_end] = Benefit.NONE
    kvp_end = alive & (ben == Benefit.QUALIFICATION_PROGRAMME) & (c.benefit_weeks >= s.follow_up.qualification_weeks)
    c.benefit[kvp_end] = Benefit.NONE
    older = np.flatnonzero(alive & c.employed & (c.age >= p.early_pension_age) & (ben == Benefit.NONE))
    retire = older[U(k.PENSION, older) < p.early_pension_per_year / WEEKS_PER_YEAR]
    c.employed[retire] = False
    c.benefit[retire] = Benefit.EARLY_PENSION


def fill_new_reference(c, idx, rng, s, age):
    """population._fill_new as plain numpy (the kernel arrivals.arrive replaced it)."""
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


def add_newcomers_reference(c, idx, s, rng, week):
    """population.add_newcomers as plain numpy (the kernel arrivals.newcomers replaced it)."""
    p = s.population
    k = len(idx)
    youth = rng.random(k) < p.youth_share_of_inflow
    age = np.where(youth, 18.0 + rng.random(k), rng.uniform(20.0, 45.0, k))
    fill_new_reference(c, idx, rng, s, age)
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
    c.spell_start[idx[at_risk]] = week


def reference_step(c: Citizens, s, rng, week: int, free_slots) -> WeekEvents:
    arrived = free_slots(rng.poisson(c.last_outflow) if c.last_outflow else 0)
    if len(arrived):
        add_newcomers_reference(c, arrived, s, rng, week)
    key = int(week_key(c.stream_root, week))

    def U(purpose, idx):
        return uniform_reference(key, np.asarray(idx), purpose)

    ev = WeekEvents(left=np.zeros(0, np.int64), arrived=arrived)
    was = population.jobseekers(c)
    u = U(k.MOVE, np.arange(c.capacity))
    leave(c, s, U, week, u, ev)
    c.last_outflow = len(ev.left)
    lost = c.arenas_lost(s.arenas.loss_threshold)
    shocks(c, s, U, u, ev)
    illness(c, s, U, u, ev)
    if week % population.NETWORK_REFRESH_WEEKS == 0 or len(c.nbr_employed) != c.capacity:
        c.nbr_employed, c.nbr_activity = population.neighbour_means(c, c.ties)
    leave_education(c, s, U)
    find_jobs(c, s, U, week, ev)
    sick_leave_and_aap(c, s, U, week, ev)
    expire_benefits(c, s, U)
    c.benefit_weeks += 1
    c.weeks_out += ~c.employed & c.alive
    population.drift(c, s, c.nbr_activity, lost)
    now = population.jobseekers(c)
    c.spell_start[now & ~was & (c.spell_start == NO_SPELL)] = week
    ev.spells_ended.append(close_spells(c, np.flatnonzero(was & ~now & c.alive), week))
    due = np.flatnonzero(c.on_social_assistance() & (week - c.sa_paid_week >= WEEKS_PER_MONTH))
    c.sa_month_mask[due] |= np.int16(1 << month_of_year(week))
    c.sa_paid_week[due] = week
    if week % WEEKS_PER_YEAR == WEEKS_PER_YEAR - 1:
        c.sa_months_last_year[:] = np.bitwise_count(c.sa_month_mask)
        c.sa_month_mask[:] = 0
    return ev


# ---- the comparison ----------------------------------------------------------------------------
#: every declared citizen column but the kernels' two scratch columns
COLUMNS = [f.name for f in fields(Citizens) if "dtype" in f.metadata and f.name not in ("lost", "was_jobseeker")]

# busier than the default district, so that every branch fires within a few weeks
BUSY = {"shocks.job_loss": 0.01, "shocks.eviction": 0.01, "shocks.debt": 0.02, "health.aap_weeks": 30,
        "health.sick_pay_weeks": 20, "health.aap_recovery": 0.1, "health.disability_at_sick_pay_end": 0.3,
        "health.disability_decision": 0.02, "population.mortality_at_40": 0.05,
        "population.education_exit_per_year": 2.0, "population.early_pension_per_year": 0.5}


@pytest.mark.parametrize("seed", [3, 4])
def test_the_life_event_kernels_match_the_numpy_reference_week_after_week(seed, tiny_scenario):
    s = tiny_scenario.replace(**BUSY)
    model = ms.WelfareModel(s, rng=seed)
    for _ in range(30):
        model.step()
    c = model.citizens
    # a few in the qualification programme near its end, and workers old enough for early pension
    # (the tiny district has none of either this early), so that those branches are compared too
    setup = np.random.default_rng(seed + 100)
    idle = np.flatnonzero(c.alive & ~c.employed & ~c.in_education & (c.benefit == Benefit.NONE))[:20]
    c.benefit[idle] = Benefit.QUALIFICATION_PROGRAMME
    c.benefit_weeks[idle] = setup.integers(s.follow_up.qualification_weeks - 20, s.follow_up.qualification_weeks,
                                           len(idle))
    older = np.flatnonzero(c.alive & c.employed & (c.benefit == Benefit.NONE))[:60]
    c.age[older] = setup.uniform(s.population.early_pension_age, s.population.retirement_age - 2, len(older))
    ref = copy.deepcopy(c)
    slots = lambda k: np.flatnonzero(~c.alive)[:k]            # noqa: E731 (no growth in this test)
    ref_slots = lambda k: np.flatnonzero(~ref.alive)[:k]      # noqa: E731
    rng, ref_rng = np.random.default_rng(seed), np.random.default_rng(seed)
    totals: dict[str, int] = dict.fromkeys(k.EVENTS, 0)
    pensions = programmes_ended = 0
    for week in range(100, 160):
        was = c.benefit.copy()
        ev = population.step(c, s, rng, week, slots)
        pensions += int(((c.benefit == Benefit.EARLY_PENSION) & (was != Benefit.EARLY_PENSION)).sum())
        programmes_ended += int(((was == Benefit.QUALIFICATION_PROGRAMME)
                                 & (c.benefit != Benefit.QUALIFICATION_PROGRAMME)).sum())
        want = reference_step(ref, s, ref_rng, week, ref_slots)
        for name in k.EVENTS:
            assert getattr(ev, name) == getattr(want, name), (week, name)
            totals[name] += getattr(ev, name)
        np.testing.assert_array_equal(ev.left, want.left)
        for got_spells, want_spells in zip(ev.spells_ended, want.spells_ended, strict=True):
            np.testing.assert_array_equal(got_spells, want_spells)
        for name in ("arenas", *COLUMNS):
            np.testing.assert_array_equal(getattr(c, name), getattr(ref, name), err_msg=f"week {week}: {name}")
    assert all(totals.values()), str(totals)         # every kind of event happened: every branch was compared
    assert pensions and programmes_ended, (pensions, programmes_ended)


@pytest.mark.parametrize("seed", [5, 6])
def test_arrivals_match_the_numpy_reference(seed, tiny_scenario):
    # newcomers into slots left by a settled district (their old values must all go), with shares
    # at which every kind of newcomer arrives, and the initial population's slots filled afresh
    s = tiny_scenario.replace(**{"population.youth_share_of_inflow": 0.5, "population.disabled_share_at_entry": 0.2,
                                 "population.education_share_at_18": 0.5, "population.at_risk_share_of_inflow": 0.4,
                                 "population.language_share_of_movers": 0.3})
    model = ms.WelfareModel(s, rng=seed)
    for _ in range(20):
        model.step()
    c = model.citizens
    idx = np.sort(np.random.default_rng(seed).choice(np.flatnonzero(c.alive), 300, replace=False))
    ref = copy.deepcopy(c)
    rng, ref_rng = np.random.default_rng(seed), np.random.default_rng(seed)
    population.add_newcomers(c, idx, s, rng, 40)
    add_newcomers_reference(ref, idx, s, ref_rng, 40)
    age = 18.0 + 49.0 * np.random.default_rng(seed + 1).random(len(idx))
    population._fill_new(c, idx[::2], rng, s, age[::2])
    fill_new_reference(ref, idx[::2], ref_rng, s, age[::2])
    for name in ("arenas", *COLUMNS):
        np.testing.assert_array_equal(getattr(c, name), getattr(ref, name), err_msg=name)
    assert c.next_id == ref.next_id
    assert rng.random() == ref_rng.random()          # the same draws were taken from the run's stream
    newcomers = idx[1::2]                            # (the others were refilled by _fill_new after)
    kinds = [c.benefit[newcomers] == Benefit.DISABILITY_BENEFIT, c.in_education[newcomers],
             c.spell_start[newcomers] == 40, c.employed[newcomers], c.language[newcomers],
             np.isfinite(c.partner_from[newcomers]), c.substance_use[newcomers]]
    assert all(kind.any() for kind in kinds)         # every branch was compared


@pytest.mark.parametrize("k", [0, 1, 7, 60, 500])
def test_newcomers_take_the_first_empty_slots(k):
    from simulation.kernels.arrivals import empty_slots

    alive = np.random.default_rng(k).random(400) < 0.9        # about 40 empty slots, scattered
    want = np.flatnonzero(~alive)[:k]                         # the plain form (fewer when k exceeds them)
    got = empty_slots(alive, k)
    np.testing.assert_array_equal(got, want)
    assert got.dtype == np.int64


def test_scenarios_run_with_one_seed_share_the_life_events_draws(organisations):
    # common random numbers: a week's draws are a hash of the seed's stream root, the week, the
    # slot and the purpose, never of what the office drew before, so two organisations start from
    # the same district and see the same people leave in their first week
    models = [ms.WelfareModel(small(organisations[name], citizens=2000), rng=5)
              for name in ("generalist", "specialist")]
    assert models[0].citizens.stream_root == models[1].citizens.stream_root
    left = []
    for m in models:
        events = population.step(m.citizens, m.params, m.rng, m.week, m._free_slots)
        left.append(events.left)
    assert len(left[0]) > 0
    np.testing.assert_array_equal(left[0], left[1])
    assert week_key(1, 5) == week_key(1, 5) != week_key(1, 6) != week_key(2, 6)


@pytest.mark.parametrize("extreme", [
    {},
    {"labour_market.job_finding": 1.0, "labour_market.job_finding_floor": 1.0, "labour_market.complexity_penalty": 0.0,
     "labour_market.job_lead_weight": 0.0, "follow_up.job_search_boost": 5.0, "follow_up.effect_scale": 10.0},
    {"labour_market.job_finding_floor": 0.0, "labour_market.work_arena_elasticity": 0.0,
     "labour_market.job_lead_weight": 1.0, "follow_up.effect_scale": 0.0},
    {"health.disability_decision": 1.0, "health.disability_age_growth": 0.3, "population.retirement_age": 70.0},
])
def test_the_hazards_bounds_lie_above_every_hazard_they_bound(extreme):
    """The passes over the citizens visit only those whose uniform lies below a hazard's bound:
    a bound below a hazard would skip events. Checked at the parameters' limits and at every
    state that moves the hazard (work arena, complexity, employed contacts, help, age)."""
    r = population.life_rates(ms.Scenario().replace(**extreme))
    jobs = [k._job_hazard(r, work, complexity, contacts, helped) for work in (0.0, 0.3, 1.0)
            for complexity in range(4) for contacts in (0.0, 1.0) for helped in (False, True)]
    assert max(jobs) <= r.job_bound
    ages = np.linspace(18.0, r.retirement_age, 50)
    decisions = r.disability_decision * np.exp(r.disability_age_growth * (ages - 40.0))
    assert decisions.max() <= r.disability_decision_bound
    assert r.job_bound <= max(jobs) * (1 + 1e-6) and r.disability_decision_bound <= decisions.max() * (1 + 1e-6)

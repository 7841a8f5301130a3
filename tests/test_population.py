"""Citizens' own dynamics, mechanism by mechanism (no office involved)."""

import numpy as np
import pytest
import scipy.sparse as sp

import simulation as ms
from simulation import population as pop
from simulation.population import ACTIVITY, ECONOMY, HOUSING, WORK, Benefit, Citizens

QUIET = {"population.inflow_per_1000_per_year": 0.0, "population.move_away_per_year": 0.0,
         "shocks.illness": 0.0, "shocks.debt": 0.0, "shocks.eviction": 0.0, "shocks.job_loss": 0.0}


def cohort(n, *, employed=True, level=0.9, benefit=Benefit.NONE):
    c = Citizens(n)
    c.alive[:] = True
    c.age[:] = 35.0
    c.person_id[:] = np.arange(n)
    c.arenas[:] = level
    c.employed[:] = employed
    c.benefit[:] = benefit
    return c


def no_slots(k):
    assert k == 0
    return np.zeros(0, dtype=np.int64)


def week(c, s, rng, w=0):
    return pop.step(c, s, rng, w, no_slots)


def test_losing_housing_raises_the_job_loss_hazard():
    s = ms.Scenario().replace(**{**QUIET, "shocks.job_loss": 0.0008})
    n = 1_000_000
    c = cohort(n)
    c.arenas[HOUSING, : n // 2] = 0.1
    events = week(c, s, np.random.default_rng(1))
    assert events.jobs_lost > 0
    lost_without_home = (~c.employed[: n // 2]).sum()
    lost_with_home = (~c.employed[n // 2:]).sum()
    ratio = lost_without_home / lost_with_home
    assert 2.4 < ratio < 3.6, ratio      # job_loss_housing_lost_factor = 3 (004:2442-2446)


def test_most_jobseekers_find_work_without_help_but_the_longer_out_the_slower():
    s = ms.Scenario().replace(**QUIET)
    n = 50_000
    c = cohort(n, employed=False, level=0.85, benefit=Benefit.UNEMPLOYMENT_BENEFIT)
    rng = np.random.default_rng(2)
    out = [n]
    for w in range(60):
        week(c, s, rng, w)
        out.append(int((~c.employed).sum()))
    out = np.array(out, dtype=float)
    hazard = 1.0 - out[1:] / out[:-1]
    assert out[26] / n < 0.5, "most leave within six months (004:2879-2883)"
    assert hazard[:8].mean() > 1.5 * hazard[30:50].mean(), "duration dependence (004:4445-4455)"


def test_job_leads_through_the_network():
    s = ms.Scenario().replace(**QUIET)
    n = 200_000
    c = cohort(n, employed=False, level=0.85, benefit=Benefit.UNEMPLOYMENT_BENEFIT)
    c.nbr_employed = np.where(np.arange(n) < n // 2, 1.0, 0.0)   # contacts all in work / none in work
    c.nbr_activity = np.full(n, 0.8)
    pop.step(c, s, np.random.default_rng(3), 1, no_slots)   # week 1: no network refresh
    found_with_leads = c.employed[: n // 2].mean()
    found_without = c.employed[n // 2:].mean()
    lw = s.labour_market.job_lead_weight
    assert found_with_leads / found_without == pytest.approx(1.0 / (1.0 - lw), rel=0.1)


def test_neighbour_means_count_only_living_contacts():
    c = cohort(4)
    c.employed[:] = [True, False, True, True]
    c.arenas[ACTIVITY] = [0.2, 0.4, 0.6, 0.8]
    c.alive[3] = False
    ties = sp.csr_matrix(np.array([[0, 1, 1, 1], [1, 0, 0, 0], [1, 0, 0, 0], [1, 0, 0, 0]], dtype=float))
    employed, activity = pop.neighbour_means(c, ties)
    assert employed[0] == pytest.approx(0.5) and activity[0] == pytest.approx(0.5)   # slot 3 is empty
    assert employed[1] == pytest.approx(1.0) and activity[1] == pytest.approx(0.2)


def test_several_arenas_lost_accelerate_decline():
    s = ms.Scenario()
    c = cohort(2, employed=False, level=0.9)
    before = c.arenas[ECONOMY].copy()
    pop._drift(c, s, np.full(2, 0.8), lost=np.array([0, 3]))
    drop = before - c.arenas[ECONOMY]
    accel = s.arenas.acceleration_per_arena_lost
    assert drop[0] > 0
    assert drop[1] == pytest.approx(drop[0] * (1 + 3 * accel))


def test_poverty_isolates_and_erodes_housing():
    s = ms.Scenario().replace(**QUIET)
    n = 2000
    c = cohort(n, employed=False, level=0.8, benefit=Benefit.UNEMPLOYMENT_BENEFIT)
    c.arenas[ECONOMY, : n // 2] = 0.1
    c.benefit[: n // 2] = Benefit.NONE            # no income: the economy stays lost
    s = s.replace(**{"labour_market.job_finding": 0.0})
    rng = np.random.default_rng(4)
    for w in range(1, 40):
        pop.step(c, s, rng, w, no_slots)
    poor, ok = slice(0, n // 2), slice(n // 2, n)
    assert c.arenas[ACTIVITY, poor].mean() < c.arenas[ACTIVITY, ok].mean() - 0.1   # 004:4341-4351
    assert c.arenas[HOUSING, poor].mean() < c.arenas[HOUSING, ok].mean() - 0.1     # 004:2446-2456


def test_work_attachment_fades_out_of_work_and_rebuilds_in_it():
    s = ms.Scenario().replace(**{**QUIET, "labour_market.job_finding": 0.0})
    c = cohort(2, level=0.6)
    c.employed[1] = False
    week(c, s, np.random.default_rng(5))
    assert c.arenas[WORK, 0] > 0.6 > c.arenas[WORK, 1]


def test_sick_pay_runs_out_into_work_assessment_allowance():
    s = ms.Scenario().replace(**{**QUIET, "labour_market.sick_recovery": 0.0})
    c = cohort(10)
    c.benefit[:] = Benefit.SICK_PAY
    c.health[:] = True
    c.benefit_weeks[:] = s.labour_market.sick_pay_weeks
    week(c, s, np.random.default_rng(6))
    assert (c.benefit == Benefit.WORK_ASSESSMENT_ALLOWANCE).all() and not c.employed.any()


def test_unemployment_spells_are_recorded_with_their_start_and_length():
    s = ms.Scenario().replace(**QUIET)
    c = cohort(1000, employed=False, benefit=Benefit.UNEMPLOYMENT_BENEFIT)
    c.spell_start[:] = 0
    rng = np.random.default_rng(7)
    ended = []
    for w in range(1, 30):
        ended += [e for e in week(c, s, rng, w).spells_ended if len(e)]
    ended = np.concatenate(ended)
    assert len(ended) == c.employed.sum()
    assert (ended[:, 0] == 0).all() and (ended[:, 1] >= 1).all()


def test_work_assessment_allowance_ends_in_disability_or_nothing():
    s = ms.Scenario().replace(**{**QUIET, "labour_market.aap_recovery": 0.0, "labour_market.job_finding": 0.0})
    n = 20_000
    c = cohort(n, employed=False, benefit=Benefit.WORK_ASSESSMENT_ALLOWANCE)
    c.health[:] = True
    c.benefit_weeks[:] = s.labour_market.aap_weeks
    c.benefit_weeks[: n // 2] = 10                      # half are early in their three years
    week(c, s, np.random.default_rng(8))
    ended, early = c.benefit[n // 2:], c.benefit[: n // 2]
    assert (early == Benefit.WORK_ASSESSMENT_ALLOWANCE).all()
    assert set(np.unique(ended)) == {Benefit.NONE, Benefit.DISABILITY_BENEFIT}
    share = (ended == Benefit.DISABILITY_BENEFIT).mean()
    assert share == pytest.approx(s.labour_market.disability_at_aap_end, abs=0.02)   # 004:743-751


def test_unemployment_benefit_runs_out_and_the_qualification_programme_ends_in_social_assistance():
    s = ms.Scenario().replace(**{**QUIET, "labour_market.job_finding": 0.0})
    c = cohort(4, employed=False, level=0.3, benefit=Benefit.UNEMPLOYMENT_BENEFIT)
    c.benefit[2:] = Benefit.QUALIFICATION_PROGRAMME
    c.benefit_weeks[:] = [s.labour_market.unemployment_benefit_weeks, 3, s.follow_up.qualification_weeks, 3]
    week(c, s, np.random.default_rng(9))
    assert c.benefit.tolist() == [Benefit.NONE, Benefit.UNEMPLOYMENT_BENEFIT,
                                  Benefit.SOCIAL_ASSISTANCE, Benefit.QUALIFICATION_PROGRAMME]


def test_a_week_counts_arenas_lost_before_the_drift():
    # the same acceleration inside a whole weekly step, with the loss count the step makes itself
    s = ms.Scenario().replace(**{**QUIET, "labour_market.job_finding": 0.0})
    c = cohort(2, employed=False, level=0.9)
    c.arenas[[HOUSING, ACTIVITY], 1] = 0.1                   # two arenas lost
    before = c.arenas[ECONOMY].copy()
    week(c, s, np.random.default_rng(10))
    drop = before - c.arenas[ECONOMY]
    assert drop[0] > 0
    assert drop[1] == pytest.approx(drop[0] * (1 + 2 * s.arenas.acceleration_per_arena_lost))

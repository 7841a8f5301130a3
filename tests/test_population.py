"""Citizens' own dynamics, mechanism by mechanism (no office involved)."""

import numpy as np
import pytest
import scipy.sparse as sp

import simulation as ms
from simulation import population as pop
from simulation.population import ACTIVITY, ECONOMY, HOUSING, WORK, Benefit, Citizens

#: no leavers (so no newcomers), no shocks, no illness or sick leave, no early pension
QUIET = {"population.move_away_per_year": 0.0, "population.mortality_at_40": 0.0,
         "population.early_pension_per_year": 0.0, "health.illness_at_40": 0.0, "health.short_sick_leave": 0.0,
         "shocks.debt": 0.0, "shocks.eviction": 0.0, "shocks.job_loss": 0.0}


def cohort(n, *, employed=True, level=0.9, benefit=Benefit.NONE, age=35.0):
    c = Citizens.empty(n)
    c.alive[:] = True
    c.age[:] = age
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
    s = ms.Scenario().replace(**{**QUIET, "shocks.job_loss": 0.003})
    n = 300_000
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
    assert hazard[30:50].mean() > 0, "the long-term unemployed still find work"


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
    pop.drift(c, s, np.full(2, 0.8), lost=np.array([0, 3]))
    drop = before - c.arenas[ECONOMY]
    accel = s.arenas.acceleration_per_arena_lost
    assert drop[0] > 0
    assert drop[1] == pytest.approx(drop[0] * (1 + 3 * accel))


def test_poverty_isolates_and_erodes_housing():
    s = ms.Scenario().replace(**{**QUIET, "labour_market.job_finding": 0.0})
    n = 2000
    c = cohort(n, employed=False, level=0.8, benefit=Benefit.UNEMPLOYMENT_BENEFIT)
    c.arenas[ECONOMY, : n // 2] = 0.1
    c.benefit[: n // 2] = Benefit.NONE            # no income: the economy stays lost
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


@pytest.mark.parametrize("straight_to_disability", [0.0, 1.0])
def test_sick_pay_runs_out_into_work_assessment_allowance_or_disability(straight_to_disability):
    s = ms.Scenario().replace(**{**QUIET, "health.sick_recovery": 0.0,
                                 "health.disability_at_sick_pay_end": straight_to_disability})
    c = cohort(10)
    c.benefit[:] = Benefit.SICK_PAY
    c.health[:] = True
    c.benefit_weeks[:] = s.health.sick_pay_weeks
    c.benefit_weeks[:5] = 10                            # half have most of their year left
    events = week(c, s, np.random.default_rng(6))
    after = Benefit.DISABILITY_BENEFIT if straight_to_disability else Benefit.WORK_ASSESSMENT_ALLOWANCE
    assert (c.benefit[:5] == Benefit.SICK_PAY).all() and c.employed[:5].all()
    assert (c.benefit[5:] == after).all() and not c.employed[5:].any()
    assert events.to_aap_from_sick_pay + events.to_disability_from_sick_pay == 5


def test_unemployment_spells_are_recorded_with_their_start_and_length():
    s = ms.Scenario().replace(**QUIET)
    c = cohort(1000, employed=False, benefit=Benefit.UNEMPLOYMENT_BENEFIT)
    c.spell_start[:] = 0
    rng = np.random.default_rng(7)
    ended = []
    for w in range(1, 30):
        ended += [e for e in week(c, s, rng, w).spells_ended if len(e)]
    ended = np.concatenate(ended)
    assert len(ended) == c.employed.sum() > 0
    assert (ended[:, 0] == 0).all() and (ended[:, 1] >= 1).all()


def test_work_assessment_allowance_ends_at_its_time_limit_in_disability_or_job_seeking():
    s = ms.Scenario().replace(**{**QUIET, "health.aap_recovery": 0.0, "labour_market.job_finding": 0.0})
    n = 20_000
    c = cohort(n, employed=False, benefit=Benefit.WORK_ASSESSMENT_ALLOWANCE, age=40.0)
    c.health[:] = True
    c.benefit_weeks[:] = s.health.aap_weeks
    c.benefit_weeks[: n // 2] = 10                      # half are early in their three years
    week(c, s, np.random.default_rng(8))
    ended, early = c.benefit[n // 2:], c.benefit[: n // 2]
    assert (early == Benefit.WORK_ASSESSMENT_ALLOWANCE).all(), "not assessed: no disability decision before the limit"
    assert set(np.unique(ended)) == {Benefit.NONE, Benefit.DISABILITY_BENEFIT}
    share = (ended == Benefit.DISABILITY_BENEFIT).mean()
    assert share == pytest.approx(s.health.disability_at_aap_end, abs=0.02)   # at age 40 (004:743-751)


def test_work_assessment_allowance_ends_in_recovery_with_most_going_to_work():
    s = ms.Scenario().replace(**{**QUIET, "health.aap_recovery": 0.5, "labour_market.job_finding": 0.0})
    n = 20_000
    c = cohort(n, employed=False, benefit=Benefit.WORK_ASSESSMENT_ALLOWANCE)
    c.health[:] = True
    c.benefit_weeks[:] = 10
    week(c, s, np.random.default_rng(9))
    recovered = c.benefit == Benefit.NONE
    assert recovered.mean() == pytest.approx(0.5, abs=0.02)
    assert not c.health[recovered].any(), "work ability restored"
    assert c.employed[recovered].mean() == pytest.approx(s.health.work_on_aap_recovery, abs=0.03)
    assert not c.employed[~recovered].any()


def test_disability_needs_an_assessment_of_work_ability_and_grows_more_likely_with_age():
    s = ms.Scenario().replace(**{**QUIET, "health.aap_recovery": 0.0, "health.disability_decision": 0.05})
    n = 40_000
    c = cohort(n, employed=False, benefit=Benefit.WORK_ASSESSMENT_ALLOWANCE)
    c.health[:] = True
    c.benefit_weeks[:] = 10
    c.work_ability_assessed[: n // 2] = True
    c.age[::2] = 30.0
    c.age[1::2] = 55.0
    week(c, s, np.random.default_rng(10))
    disabled = c.benefit == Benefit.DISABILITY_BENEFIT
    assert not disabled[n // 2:].any(), "no disability before the work-ability assessment"
    young, old = disabled[: n // 2: 2].mean(), disabled[1: n // 2: 2].mean()
    assert young > 0 and old > 2 * young


def test_unemployment_benefit_runs_out_and_the_qualification_programme_ends():
    s = ms.Scenario().replace(**{**QUIET, "labour_market.job_finding": 0.0})
    c = cohort(4, employed=False, level=0.3, benefit=Benefit.UNEMPLOYMENT_BENEFIT)
    c.benefit[2:] = Benefit.QUALIFICATION_PROGRAMME
    c.benefit_weeks[:] = [s.labour_market.unemployment_benefit_weeks, 3, s.follow_up.qualification_weeks, 3]
    week(c, s, np.random.default_rng(11))
    # after the programme: no income, a new application for social assistance (only the office grants it)
    assert c.benefit.tolist() == [Benefit.NONE, Benefit.UNEMPLOYMENT_BENEFIT,
                                  Benefit.NONE, Benefit.QUALIFICATION_PROGRAMME]


def test_a_week_counts_arenas_lost_before_the_drift():
    # the same acceleration inside a whole weekly step, with the loss count the step makes itself
    s = ms.Scenario().replace(**{**QUIET, "labour_market.job_finding": 0.0})
    c = cohort(2, employed=False, level=0.9)
    c.arenas[[HOUSING, ACTIVITY], 1] = 0.1                   # two arenas lost
    before = c.arenas[ECONOMY].copy()
    week(c, s, np.random.default_rng(12))
    drop = before - c.arenas[ECONOMY]
    assert drop[0] > 0
    assert drop[1] == pytest.approx(drop[0] * (1 + 2 * s.arenas.acceleration_per_arena_lost))


# --------------------------------------------------------------------------------------------
# A stationary district (issue 12)
# --------------------------------------------------------------------------------------------


def test_the_district_keeps_its_size_from_a_wrong_initial_age_structure():
    # everyone starts aged 18-30, so for decades nobody ages out: inflow must follow the outflow,
    # not a rate fitted to the stationary state, or the district grows
    s = ms.Scenario().replace(**{"population.citizens": 5000})
    n = s.population.citizens
    rng = np.random.default_rng(13)
    c = Citizens.empty(2 * n)
    pop.initialise(c, s, rng)
    c.age[:n] = rng.uniform(18.0, 30.0, n)

    def free_slots(k):
        free = np.flatnonzero(~c.alive)[:k]
        assert len(free) == k, "the district doubled"
        return free

    sizes = []
    for w in range(20 * 52):
        pop.step(c, s, rng, w, free_slots)
        sizes.append(int(c.alive.sum()))
    assert abs(np.mean(sizes[-52:]) / n - 1.0) < 0.05, sizes[::52]


def test_sick_leave_keeps_social_assistance_as_a_top_up_until_the_office_decides():
    # someone who found work while on assistance keeps it until the next decision, sick or not
    s = ms.Scenario().replace(**{**QUIET, "health.short_sick_leave": 0.5, "health.short_sick_recovery": 0.0})
    c = cohort(1000, benefit=Benefit.SOCIAL_ASSISTANCE)
    week(c, s, np.random.default_rng(14))
    sick = c.benefit == Benefit.SICK_PAY
    assert 400 < sick.sum() < 600 and (c.benefit[~sick] == Benefit.SOCIAL_ASSISTANCE).all()
    assert c.on_social_assistance().all()


def test_the_network_as_a_networkx_graph_for_teaching():
    """network.to_graph gives the ties as a networkx graph, whole or among chosen slots (labelled by slot)."""
    from simulation import network

    ties = network.build_ties(3000, ms.Scenario().network, np.random.default_rng(2))
    graph = network.to_graph(ties)
    assert graph.number_of_nodes() == 3000 and graph.number_of_edges() == ties.nnz // 2
    nodes = np.arange(100, 400)
    part = network.to_graph(ties, nodes)
    assert set(part.nodes) == set(nodes.tolist())
    assert all(ties[u, v] == 1.0 for u, v in part.edges)
    assert part.number_of_edges() == ties[nodes][:, nodes].nnz // 2 > 0

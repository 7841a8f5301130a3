"""The Mesa model: reproducibility, construction from keywords, growth, indicators."""

import numpy as np
import pandas as pd
import pytest

import simulation as ms
from simulation.caseworkers import Caseworker

from conftest import small


def test_same_seed_same_results_different_seed_different_results(organisations):
    s = small(organisations["specialist"], weeks=60)
    a, b, c = ms.run(s, seed=5), ms.run(s, seed=5), ms.run(s, seed=6)
    pd.testing.assert_frame_equal(a.timeseries, b.timeseries)
    assert a.summary == b.summary or all(
        (x == y) or (np.isnan(x) and np.isnan(y)) for x, y in zip(a.summary.values(), b.summary.values()))
    assert not a.timeseries.equals(c.timeseries)


def test_model_builds_from_plain_keywords_with_defaults():
    m = ms.WelfareModel(citizens=600, weeks=8, warmup_weeks=0, priority_rule="creaming", caseworkers=4, rng=2)
    m.run()
    assert m.steps == 8 and len(m.timeseries()) == 8
    assert m.params.office.priority_rule == "creaming" and m.params.total_staff == 4


def test_caseworkers_are_mesa_agents(organisations):
    m = ms.WelfareModel(small(organisations["specialist"], weeks=10, warmup=10), rng=3).run()
    assert len(m.caseworkers) == m.params.total_staff
    agents = m.caseworkers.to_list()
    assert all(isinstance(a, Caseworker) for a in agents)
    assert {a.unit for a in agents} == {"reception", "economic", "work", "housing_social"}
    assert sum(a.caseload for a in agents) > 0
    assert set(agents[0].hours_last_week) == {"intake", "decisions", "coordination", "follow_up", "duties", "idle"}


def test_one_citizen_can_be_inspected():
    m = ms.WelfareModel(citizens=800, weeks=20, warmup_weeks=20, rng=4).run()
    user = int(np.flatnonzero(m.office.registered)[0])
    record = m.citizen(user)
    assert record["user"] and record["caseworkers"]
    assert set(record["arenas"]) == {"work", "activity", "housing", "economy"}
    assert 0 <= record["position"] <= 1


def test_population_accounting_holds_every_week(small_runs):
    for result in small_runs.values():
        ts = result.timeseries
        pop = ts["population"].to_numpy()
        assert (pop[1:] == pop[:-1] + ts["inflow"].to_numpy()[1:] - ts["outflow"].to_numpy()[1:]).all()
        s = result.summary       # start + inflow - outflow = end, over the recorded weeks
        assert s["citizens_start"] > 0 and s["inflow"] > 0 and s["outflow"] > 0
        assert s["citizens_end"] == s["citizens_start"] + s["inflow"] - s["outflow"] == pop[-1]


def test_population_may_outgrow_its_arrays():
    s = ms.Scenario().replace(**{"population.citizens": 500, "population.inflow_per_1000_per_year": 400.0,
                                 "run.weeks": 60, "run.warmup_weeks": 0})
    m = ms.WelfareModel(s, rng=5)
    capacity = m.citizens.capacity
    m.run()
    ts = m.timeseries()
    assert m.citizens.capacity > capacity and m.ties.shape[0] == m.citizens.capacity
    assert ts["population"].iloc[-1] > 600


def test_shares_are_proper_distributions(small_runs):
    ts = small_runs["generalist"].timeseries
    assert np.allclose(ts[[f"axis_bin_{k}" for k in range(10)]].sum(axis=1), 1.0)
    assert np.allclose(ts[[f"share_lost_{k}" for k in range(5)]].sum(axis=1), 1.0)
    cols = [c for c in ts.columns if c.startswith("excluded_")]
    assert ((ts[cols] >= 0) & (ts[cols] <= 1)).all().all()


def test_default_calibration_is_in_the_right_region(organisations):
    """Coarse guard on the calibrated defaults (docs/calibration.md has the exact figures)."""
    s = organisations["generalist"].scaled(8000).replace(**{"run.weeks": 260})
    out = ms.run(s, seed=1).summary
    assert 4.0 < out["sa_months_per_recipient"] < 6.5        # SSB 5.1-5.5
    assert 0.15 < out["sa_share_1_month"] < 0.3                # SSB 20.5 %
    assert 0.2 < out["unemployment_exit_1_month"] < 0.5        # Andreev: about 30 %
    assert 0.6 < out["unemployment_exit_6_months"] < 0.88      # Andreev: about 70 % (the model: 0.80)

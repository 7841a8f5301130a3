"""Property-based tests (hypothesis): invariants that must hold for any valid scenario."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import simulation as ms

from conftest import ORGANISATIONS, SCENARIOS

BASES = {name: ms.load_scenario(SCENARIOS / f"{name}.toml") for name in ORGANISATIONS}

scenarios = st.builds(
    lambda org, rule, reception, loss, delay, duty, cap, pull, park, seed: (
        BASES[org].scaled(500).replace(**{
            "run.weeks": 30, "run.warmup_weeks": 10, "office.priority_rule": rule, "office.reception": reception,
            "office.handoff_loss": loss, "office.handoff_delay_weeks": delay, "caseworkers.duty_share": duty,
            "office.creaming_under_pressure": pull, "office.parking_after_failures": park}), cap, seed),
    st.sampled_from(ORGANISATIONS), st.sampled_from(["need_based", "date_order", "creaming"]),
    st.sampled_from(["same_day", "group_call_in"]), st.floats(0, 1), st.integers(0, 8), st.floats(0, 0.9),
    st.integers(0, 30), st.floats(0, 1), st.integers(0, 5), st.integers(0, 2**31 - 1))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios)
def test_invariants_hold_for_any_valid_scenario(case):
    scenario, cap, seed = case
    if cap:
        scenario = ms.scenario.apply_settings(scenario, caseload_cap=cap)
    m = ms.WelfareModel(scenario, rng=seed)
    while m.running:
        before = int((m.office.cw[1:] >= 0).sum())
        m.step()
        a = m.citizens.arenas[:, m.citizens.alive]
        assert ((a >= 0) & (a <= 1)).all(), "arena scores stay in [0, 1]"
        staff = m.office.staff
        # idle is what is left of the contract, so a negative idle column means hours were overspent
        # (the columns always add up to the contract hours: that is how idle is computed)
        assert (staff.hours_by_activity >= -1e-9).all(), "no activity, idle included, has negative hours"
        if cap:
            assert (staff.caseload <= cap).all()
        wk = m.office.week
        assert before + wk.assignments - wk.releases.sum() == int((m.office.cw[1:] >= 0).sum())
        assert not (m.office.cw[:, ~m.citizens.alive] >= 0).any(), "nobody who left is still in a caseload"
    ts = m.timeseries()
    pop = ts["population"].to_numpy()
    assert (pop[1:] == pop[:-1] + ts["inflow"].to_numpy()[1:] - ts["outflow"].to_numpy()[1:]).all()

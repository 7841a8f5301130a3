"""The seven AFI case offices (002) and Fehn's four degrees (001) as scenarios, and their comparison
with what 002 reports (simulation/afi.py)."""

import numpy as np
import pytest

import simulation as ms
from simulation import afi
from simulation.scenario import TASKS
from simulation.sweep import load_sweep

from conftest import SCENARIOS

OFFICE_DIR = SCENARIOS / "offices"
FEHN = [SCENARIOS / "fehn" / f"degree_{k}.toml" for k in range(1, 5)]

# caseworker posts per office worked out by hand from 002's FTE (state, municipal), each line less
# 7 % and rounded; a typo in afi.FTE or in a unit's staff fails one of the tests below
EXPECTED_POSTS = {"fana": 26 + 31, "ytrebygda": 17 + 18, "sagene": 48 + 74, "ostensjo": 37 + 42,
                  "lerkendal": 38 + 54, "hundvag_og_storhaug": 33 + 23, "kristiansand": 82 + 91}


def test_every_office_has_a_file():
    assert sorted(p.name for p in OFFICE_DIR.glob("*.toml")) == sorted(afi.OFFICES.values())


@pytest.mark.parametrize("office", list(afi.OFFICES))
def test_office_loads_with_the_staff_derived_from_its_fte(office):
    s = ms.load_scenario(OFFICE_DIR / afi.OFFICES[office])
    assert s.name == office
    assert afi.caseworker_posts(office) == EXPECTED_POSTS[office]
    assert s.total_staff == EXPECTED_POSTS[office]
    for task in TASKS:
        assert any(task in u.tasks and u.target_group == "all" for u in s.office.units)


def test_offices_are_sized_at_ytrebygdas_staff_per_adult():
    """The six districts without a population in 002 get Ytrebygda's FTE per adult (an assumption)."""
    per_fte = ms.load_scenario(OFFICE_DIR / "ytrebygda.toml").population.citizens / sum(afi.FTE["ytrebygda"])
    for office in afi.OFFICES:
        citizens = ms.load_scenario(OFFICE_DIR / afi.OFFICES[office]).population.citizens
        assert citizens == pytest.approx(per_fte * sum(afi.FTE[office]), rel=0.005)


def test_office_leader_models_follow_002():
    two = {n for n in afi.OFFICES if ms.load_scenario(OFFICE_DIR / afi.OFFICES[n]).office.leader_model == "two_leader"}
    assert two == {"fana", "ytrebygda", "sagene", "ostensjo"}
    assert ms.load_scenario(OFFICE_DIR / "kristiansand.toml").office.reception == "group_call_in"


def test_source_figures_name_units_of_their_office():
    for fig in afi.SOURCE_CASELOADS:
        units = {u.name for u in ms.load_scenario(OFFICE_DIR / afi.OFFICES[fig.office]).office.units}
        assert fig.unit in units, fig
        assert fig.low <= fig.high
    assert set(afi.SOURCE_RANKINGS) == set(afi.OFFICES)


@pytest.mark.parametrize("path", FEHN, ids=lambda p: p.stem)
def test_fehn_degree_loads_on_the_default_district(path):
    s = ms.load_scenario(path)
    assert s.population.citizens == 20_000
    assert s.total_staff == 44


def test_fehn_degrees_grow_more_specialised():
    """Each degree splits the work further: more units, and degrees 3-4 separate economic casework."""
    units = [ms.load_scenario(p).office.units for p in FEHN]
    assert [len(u) for u in units] == [1, 2, 2, 4]
    assert all(len(u.tasks) == 4 for u in units[0])
    for later in units[2:]:
        assert not any("economic" in u.tasks and "work" in u.tasks and u.target_group == "all" for u in later)
    assert {u.target_group for u in units[3]} >= {"refugees", "heaviest"}


def test_every_fehn_unit_gets_users():
    """A specialist unit that the routing never reaches would make the degrees look alike: in a short
    run on a small district every unit of every degree holds users."""
    for path in FEHN:
        s = ms.load_scenario(path).scaled(3000).replace(**{"run.weeks": 26, "run.warmup_weeks": 26})
        summary = ms.run(s, seed=5).summary
        for unit in s.office.units:
            assert summary[f"caseload_{unit.name}"] > 0, (path.stem, unit.name)


def test_fehn_sweep_loads():
    sweep = load_sweep(SCENARIOS / "sweeps" / "fehn_degrees.toml")
    assert [p.name for p in sweep.parameters] == ["scenario"]
    assert len(sweep.parameters[0].values) == 4
    assert "handoffs_per_user" in sweep.outputs and "staff_sick_leave" in sweep.outputs


def test_compare_offices_on_a_tiny_district():
    table = afi.compare_offices(OFFICE_DIR, replications=1, weeks=8, warmup_weeks=4, seed=3,
                                offices=["ytrebygda", "lerkendal"], citizens=1500)
    for column in ("office", "unit", "line", "staff", "caseload", "staff_sick_leave_unit", "staff_sick_leave",
                   "staff_turnover_per_year", "pressure", "source_caseload", "source_caseload_low",
                   "source_caseload_ref", "source_sick_leave", "source_rank_sick_leave"):
        assert column in table.columns, column
    assert list(table["office"].unique()) == ["ytrebygda", "lerkendal"]
    assert len(table) == 4 + 4
    state = table[(table["office"] == "ytrebygda") & (table["unit"] == "state_follow_up")].iloc[0]
    assert state["source_caseload_low"] == 150 and state["source_caseload_ref"] == "002:8148-8150"
    assert np.isfinite(table["caseload"]).all() and (table["caseload"] >= 0).all()
    # the follow-up units hold users; the scaled office's staff stays near 1,500 / 15,600 of 35
    assert state["caseload"] > 0
    text = afi.markdown(table)
    assert "ytrebygda" in text and "lerkendal" in text and "about 150" in text


def test_compare_offices_rejects_an_unknown_office():
    with pytest.raises(ValueError, match="unknown office 'oslo'"):
        afi.compare_offices(OFFICE_DIR, offices=["oslo"])

"""The person-week panel (simulation/panel.py, docs/panel.md): counts, sampling, round trip."""

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import simulation as ms
from simulation import panel as pn
from simulation.model import WelfareModel
from simulation.population import BENEFIT_NAMES
from simulation.results import load_run

from conftest import SCENARIOS, small

SEED = 5


@pytest.fixture(scope="module")
def scenario():
    return small(ms.load_scenario(SCENARIOS / "specialist.toml"), citizens=1000, weeks=30, warmup=20)


@pytest.fixture(scope="module")
def full(scenario):
    return ms.run(scenario, seed=SEED, panel="all")


def test_person_state_has_the_agreed_keys_and_dtypes(scenario):
    model = WelfareModel(scenario, rng=SEED)
    for _ in range(25):
        model.step()
    slots = np.flatnonzero(model.citizens.alive)[::3]
    state = model.person_state(slots)
    assert list(state) == [c for c in pn.COLUMNS if c != "week"]
    for name, values in state.items():
        assert len(values) == len(slots), name
    assert state["benefit"].dtype == np.int8 and state["employed"].dtype == bool
    assert state["arenas_lost"].dtype == np.int8 and state["arena_work"].dtype == np.float32


def test_full_panel_counts_equal_the_weekly_table(full):
    ts, p = full.timeseries.set_index("week"), full.panel
    by_week = p.groupby("week")
    pop = by_week.size()
    assert (pop.index == ts.index).all()
    assert (pop == ts.population).all()
    assert (by_week.employed.sum() == (ts.employed_share * ts.population).round()).all()
    benefits = pd.crosstab(p.week, p.benefit, dropna=False)
    for name in BENEFIT_NAMES[1:]:
        if name != "social_assistance":   # its count includes top-ups to a wage or another benefit
            assert (benefits[name] == ts[f"on_{name}"]).all(), name
    assert (by_week.social_assistance.sum() == ts.on_social_assistance).all()
    assert (benefits["social_assistance"] <= ts.on_social_assistance).all()
    lost = pd.crosstab(p.week, p.arenas_lost).reindex(columns=range(5), fill_value=0)
    for k in range(5):
        assert np.allclose(lost[k] / pop, ts[f"share_lost_{k}"]), k
    sessions = by_week.sessions.sum()
    assert sessions.sum() > 0
    assert (sessions == ts.sessions_work + ts.sessions_housing_social + ts.dialogue_meetings).all()
    documentation = full.scenario.caseworkers.documentation_share   # booked apart in the time-use columns
    assert np.allclose(by_week.hours.sum() * (1 - documentation), ts.hours_follow_up)
    position = p[[f"arena_{a}" for a in ("work", "activity", "housing", "economy")]].astype(float).mean(axis=1)
    assert np.allclose(position.groupby(p.week).mean(), ts.mean_position, atol=1e-6)


def test_unit_and_caseworker_agree_with_the_office(full):
    p = full.panel
    units = full.scenario.office.units
    unit_of_cw = np.repeat(np.arange(len(units)), [u.staff for u in units])
    has = p.caseworker >= 0
    assert has.any() and (p.handoffs > 0).any()
    assert (p.unit[has].to_numpy() == unit_of_cw[p.caseworker[has]]).all()
    assert (p.unit[~has] == -1).all()
    assert (p.caseworker[p.sessions > 0] >= 0).all()   # a session needs a caseworker


def test_the_panel_does_not_change_the_run(scenario, full):
    plain = ms.run(scenario, seed=SEED)
    pd.testing.assert_frame_equal(plain.timeseries, full.timeseries)
    assert plain.panel is None


def test_a_sample_is_whole_persons_every_week_they_live(scenario, full):
    a = ms.run(scenario, seed=SEED, panel=0.3).panel
    b = ms.run(scenario, seed=SEED, panel=0.3).panel
    pd.testing.assert_frame_equal(a, b)                       # deterministic for a seed
    persons = a.person_id.unique()
    everyone = full.panel
    expected = everyone[everyone.person_id.isin(persons)].reset_index(drop=True)
    pd.testing.assert_frame_equal(a, expected)               # every week each sampled person is alive
    share = len(persons) / everyone.person_id.nunique()
    assert abs(share - 0.3) < 4 * np.sqrt(0.3 * 0.7 / everyone.person_id.nunique())
    entrants = everyone.person_id[everyone.week > 0].unique()
    entrants = np.setdiff1d(entrants, everyone.person_id[everyone.week == 0])
    assert len(entrants) and np.isin(persons, entrants).any()   # people arriving later are sampled too
    other = ms.run(scenario, seed=SEED + 1, panel=0.3).panel
    assert set(other.person_id) != set(persons)


def test_the_draw_is_uniform_over_early_and_late_person_ids():
    for ids in (np.arange(100_000), np.arange(10**6, 10**6 + 100_000)):
        u = pn.sample_draw(ids, seed=3)
        assert ((u >= 0) & (u < 1)).all()
        assert abs((u < 0.05).mean() - 0.05) < 4 * np.sqrt(0.05 * 0.95 / len(ids))
    assert not np.array_equal(pn.sample_draw(np.arange(10), 3), pn.sample_draw(np.arange(10), 4))


def test_chunk_boundaries_lose_nothing(scenario, full, monkeypatch):
    monkeypatch.setattr(pn, "CHUNK_ROWS", 777)   # rows of a week span two chunks, many times
    model = WelfareModel(scenario, rng=SEED, panel=pn.PanelSpec("all"))
    for _ in range(30):
        model.step()
    early = model.panel.frame()                 # mid-run, keeping what was recorded
    model.run()
    assert len(model.panel._chunks) > 10
    late = model.panel.frame(release=True)
    pd.testing.assert_frame_equal(late, full.panel)
    pd.testing.assert_frame_equal(early, full.panel[full.panel.week < 10].reset_index(drop=True))
    assert len(model.panel.frame()) == 0


@pytest.mark.parametrize("bad", [0, 1.5, -0.1, "most", True])
def test_a_bad_share_is_refused(bad):
    with pytest.raises(ValueError, match="panel share must be"):
        pn.PanelSpec.of(bad)


def marginsim(*args):
    return subprocess.run([sys.executable, "-m", "simulation", *map(str, args)], capture_output=True, text=True,
                          timeout=300)


def test_cli_panel_round_trips_through_load_run(tmp_path):
    out = tmp_path / "run"
    settings = {"run.weeks": 30, "run.warmup_weeks": 20, "population.citizens": 1000}
    sets = [arg for key, value in settings.items() for arg in ("--set", f"{key}={value}")]
    proc = marginsim("run", SCENARIOS / "specialist.toml", "--seed", SEED, *sets, "--quiet", "--out", out,
                     "--panel", "all")
    assert proc.returncode == 0, proc.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    loaded = load_run(out)
    assert manifest["panel"]["share"] == "all" and manifest["panel"]["columns"] == list(pn.COLUMNS)
    assert manifest["panel"]["rows"] == len(loaded.panel) > 0 and "panel.parquet" in manifest["files"]
    assert manifest["panel"]["units"] == [u["name"] for u in manifest["scenario"]["office"]["units"]]
    assert loaded.panel.benefit.cat.categories.tolist() == list(BENEFIT_NAMES)
    assert loaded.panel.dtypes.drop("benefit").to_dict() == {k: np.dtype(v) for k, v in pn.COLUMNS.items()
                                                             if k != "benefit"}
    here = ms.run(ms.load_scenario(SCENARIOS / "specialist.toml", settings), seed=SEED, panel="all")
    pd.testing.assert_frame_equal(loaded.panel, here.panel)


def test_cli_refuses_a_bad_share_and_writes_nothing(tmp_path):
    proc = marginsim("run", SCENARIOS / "generalist.toml", "--out", tmp_path / "x", "--panel", "2")
    assert proc.returncode == 2 and "panel share must be a number in (0, 1]" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and not (tmp_path / "x").exists()


def test_no_panel_means_no_file(tmp_path):
    proc = marginsim("run", SCENARIOS / "generalist.toml", "--weeks", 5, "--set", "population.citizens=500",
                     "--set", "run.warmup_weeks=0", "--quiet", "--out", tmp_path / "r")
    assert proc.returncode == 0, proc.stderr
    assert load_run(tmp_path / "r").panel is None and not (tmp_path / "r" / "panel.parquet").exists()


def test_the_cohort_example_in_the_docs_works_on_a_panel(full):
    text = (SCENARIOS.parent / "docs" / "panel.md").read_text()
    block = next(b for b in text.split("```python\n")[1:] if "def follow" in b).split("```")[0]
    example = {"__name__": "cohort"}
    exec(compile(block, "docs/panel.md", "exec"), example)   # defines the functions, runs nothing
    entry = example["entrants"](full.panel)
    assert len(entry) > 0 and (entry > 0).all()
    assert not entry.index.isin(full.panel.person_id[full.panel.week == 0]).any()
    table = example["follow"](full.panel, entry)
    assert table.persons.iloc[0] == len(entry) and table.persons.is_monotonic_decreasing
    assert table[["employed", "social_assistance", "lost_2plus"]].stack().between(0, 1).all()


def test_cli_panel_without_a_value_samples_the_default_share(tmp_path):
    proc = marginsim("run", SCENARIOS / "generalist.toml", "--weeks", 5, "--set", "population.citizens=2000",
                     "--set", "run.warmup_weeks=0", "--out", tmp_path / "r", "--panel")
    assert proc.returncode == 0, proc.stderr
    manifest = json.loads((tmp_path / "r" / "manifest.json").read_text())
    panel = load_run(tmp_path / "r").panel
    assert manifest["panel"]["share"] == pn.DEFAULT_SHARE == 0.05 and manifest["panel"]["rows"] == len(panel)
    assert 0.02 < panel.person_id.nunique() / 2000 < 0.08 and "person-weeks" in proc.stdout

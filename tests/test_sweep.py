"""Sweeps and sensitivity: designs, identical results on every backend, resume, failures, bad files."""

import json

import pandas as pd
import pytest
from test_cli import marginsim

from simulation import runner, sampling
from simulation import sweep as sw
from simulation.sampling import Parameter

from conftest import ROOT, SCENARIOS

BASE = SCENARIOS / "specialist.toml"


def sweep_file(tmp_path, body, name="s.toml", base=BASE, design="grid", extra=""):
    path = tmp_path / name
    path.write_text(f'name = "t"\nbase = "{base}"\ndesign = "{design}"\nweeks = 20\nwarmup_weeks = 10\n'
                    f'seed = 3\n{extra}\n[parameters]\n{body}\n')
    return path


SMALL = ["population.citizens=800"]
GRID = '"office.handoff_loss" = { values = [0.0, 0.3] }\ncaseworkers = { low = 4, high = 6, steps = 2 }'


def test_designs_have_the_expected_points():
    params = [Parameter("a", low=0.0, high=1.0), Parameter("b", low=10, high=20, integer=True)]
    assert len(sampling.design(params, "grid", 0, 1)) == 9
    lhs = sampling.design(params, "lhs", 12, 1)
    assert len(lhs) == 12 and lhs["a"].between(0, 1).all() and lhs["b"].between(10, 20).all()
    assert all(float(v).is_integer() for v in lhs["b"])
    assert len(sampling.design(params, "morris", 5, 1)) == 5 * (2 + 1)
    assert len(sampling.design(params, "sobol", 8, 1)) == 8 * (2 + 2)
    pd.testing.assert_frame_equal(sampling.design(params, "lhs", 12, 1), lhs)


def test_sweep_runs_locally_and_gives_a_tidy_table(tmp_path):
    spec = sw.load_sweep(sweep_file(tmp_path, GRID, extra="replications = 2"), SMALL)
    out = sw.run_sweep(spec, tmp_path / "out", jobs=1)
    assert len(out) == 4 * 2
    columns = {"point", "replication", "seed", "office.handoff_loss", "caseworkers", "share_2plus_lost"}
    assert columns <= set(out.columns)
    assert out.groupby("replication")["seed"].nunique().eq(1).all(), "replication r shares its seed across points"
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["runs"] == 8
    pd.testing.assert_frame_equal(sw.load_sweep_results(tmp_path / "out"), out)
    # the parameters really reach the model
    lost = out.groupby("office.handoff_loss")["lost_in_handoff_per_year"].mean()
    assert lost[0.0] == 0 and lost[0.3] > 0


def test_one_or_two_processes_and_dask_give_the_same_table(tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    spec = sw.load_sweep(sweep_file(tmp_path, GRID), SMALL)
    one = sw.run_sweep(spec, tmp_path / "one", jobs=1)
    two = sw.run_sweep(spec, tmp_path / "two", jobs=2)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        dask = sw.run_sweep(spec, tmp_path / "dask", scheduler=cluster.scheduler_address)
    pd.testing.assert_frame_equal(one, two)
    pd.testing.assert_frame_equal(one, dask)


def test_resume_completes_without_redoing_or_duplicating(tmp_path):
    spec = sw.load_sweep(sweep_file(tmp_path, GRID), SMALL)
    whole = sw.run_sweep(spec, tmp_path / "whole", jobs=1)
    count = {"n": 0}

    def stop(k):
        count["n"] += k
        if count["n"] >= 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        sw.run_sweep(spec, tmp_path / "cut", jobs=1, progress=stop)
    assert json.loads((tmp_path / "cut" / "manifest.json").read_text())["status"] == "interrupted"
    assert len(sw.finished(tmp_path / "cut")) == 2
    with pytest.raises(sw.ResultsError, match="--resume"):
        sw.run_sweep(spec, tmp_path / "cut", jobs=1)
    again = sw.run_sweep(spec, tmp_path / "cut", jobs=2, resume=True)
    pd.testing.assert_frame_equal(whole, again)


def test_a_run_that_raises_is_recorded_and_the_sweep_goes_on(tmp_path, monkeypatch):
    spec = sw.load_sweep(sweep_file(tmp_path, GRID), SMALL)
    real = runner.run

    def flaky(scenario, seed=1, progress=None):
        if scenario.office.handoff_loss == 0.3 and scenario.total_staff == 6:
            raise RuntimeError("simulated crash")
        return real(scenario, seed, progress)

    monkeypatch.setattr(runner, "run", flaky)
    out = sw.run_sweep(spec, tmp_path / "out", jobs=1)
    assert len(out) == 3
    failures = sw.load_failures(tmp_path / "out")
    assert len(failures) == 1
    f = failures.iloc[0]
    assert f["error"] == "RuntimeError: simulated crash" and f["parameters"]["office.handoff_loss"] == 0.3
    assert f["seed"] == json.loads((tmp_path / "out" / "manifest.json").read_text())["seeds"][0]
    assert json.loads((tmp_path / "out" / "manifest.json").read_text())["status"] == "complete_with_failures"
    monkeypatch.setattr(runner, "run", real)
    out = sw.run_sweep(spec, tmp_path / "out", jobs=1, resume=True)
    assert len(out) == 4 and sw.load_failures(tmp_path / "out").empty


def test_morris_finds_the_parameter_that_matters(tmp_path):
    body = 'caseworkers = { low = 4, high = 12 }\n"benefits.nok_staff_hour" = { low = 400, high = 900 }'
    spec = sw.load_sweep(sweep_file(tmp_path, body, design="morris",
                                    extra='samples = 4\noutputs = ["first_follow_up_wait_weeks", "pressure"]'), SMALL)
    sw.run_sweep(spec, tmp_path / "out", jobs=2)
    table = pd.read_csv(tmp_path / "out" / "sensitivity" / "indices.csv").set_index(["output", "parameter"])
    staffing = table.loc[("pressure", "caseworkers")]
    assert staffing["mu_star"] - staffing["mu_star_conf"] > 0, "staffing drives pressure, beyond the interval"
    assert table.loc[("pressure", "benefits.nok_staff_hour"), "mu_star"] == 0   # costs change no behaviour
    report = (tmp_path / "out" / "sensitivity" / "sensitivity.md").read_text()
    assert "`caseworkers`" in report and (tmp_path / "out" / "sensitivity" / "pressure.png").is_file()
    proc = marginsim("sensitivity", tmp_path / "out")
    assert proc.returncode == 0, proc.stderr


def test_scenario_files_can_be_swept(tmp_path):
    body = (f'scenario = {{ values = ["{SCENARIOS / "generalist.toml"}", "{SCENARIOS / "specialist.toml"}"] }}\n'
            'caseworkers = { values = [4] }')
    path = tmp_path / "org.toml"
    path.write_text(f'name = "org"\ndesign = "grid"\nweeks = 20\nwarmup_weeks = 10\n[parameters]\n{body}\n')
    out = sw.run_sweep(sw.load_sweep(path, SMALL), tmp_path / "out")
    handoffs = out.set_index("scenario")["handoffs_per_user"]
    assert handoffs.iloc[0] == 0 and handoffs.iloc[1] > 0


@pytest.mark.parametrize("body, extra, design, words", [
    ('"office.handof_loss" = { low = 0, high = 1 }', "", "grid", "did you mean 'handoff_loss'"),
    ('caseworkerz = { low = 1, high = 5 }', "", "grid", "did you mean 'caseworkers'"),
    ('"office.handoff_loss" = { low = 0.3, high = 0.1 }', "", "grid", "empty range"),
    ('"office.handoff_loss" = { values = [] }', "", "grid", "empty range"),
    ('"office.handoff_loss" = { low = 0, high = 1 }', "", "latin", "not a design"),
    ('"office.handoff_loss" = { low = 0, high = 1 }', "samples = 10", "sobol", "power of two"),
    ('"office.handoff_loss" = { values = [0.1, 2.0] }', "", "grid", "out of range"),
    ('"office.priority_rule" = { values = ["need_based"] }', "", "morris", "numeric range"),
    ('"office.handoff_loss" = { low = 0, high = 1 }', 'outputs = ["share_lost"]', "grid", "unknown indicator"),
])
def test_bad_sweep_files_get_one_line_and_exit_2(tmp_path, body, extra, design, words):
    path = sweep_file(tmp_path, body, design=design, extra=extra)
    proc = marginsim("sweep", path, "--out", tmp_path / "out")
    assert proc.returncode == 2, proc.stderr
    assert words in proc.stderr and str(path) in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and not (tmp_path / "out").exists()


def test_shipped_sweep_files_are_valid():
    for path in [*sorted((SCENARIOS / "sweeps").glob("*.toml")), ROOT / "benchmarks" / "sobol_budget.toml"]:
        spec = sw.load_sweep(path)
        assert len(spec.points()) > 0 and spec.outputs


def test_a_set_on_the_horizon_overrides_the_sweep_files_weeks(tmp_path):
    path = sweep_file(tmp_path, GRID)                       # the file says weeks = 20
    assert sw.load_sweep(path, SMALL).base.run.weeks == 20
    spec = sw.load_sweep(path, SMALL + ["run.weeks=7", "run.warmup_weeks=3"])
    assert (spec.base.run.weeks, spec.base.run.warmup_weeks) == (7, 3)


def test_a_mistyped_sweep_key_on_the_command_line_is_named_against_the_sweep_file(tmp_path):
    """``--set sampels=4`` is a sweep key mistyped, not a scenario key: the error names the sweep
    file, suggests the sweep key and lists the sweep's keys."""
    path = sweep_file(tmp_path, GRID)
    with pytest.raises(sw.ScenarioError) as err:
        sw.load_sweep(path, SMALL + ["sampels=4"])
    message = str(err.value)
    assert str(path) in message and "did you mean 'samples'" in message and "sweep keys:" in message
    assert sw.load_sweep(path, SMALL + ["samples=1"]).samples == 1      # the right key still works

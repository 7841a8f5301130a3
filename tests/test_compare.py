"""Comparing organisations: replications, paired intervals, report, resume, jobs."""

import json

import numpy as np
import pandas as pd
import pytest

from simulation import analysis, compare

from conftest import SCENARIOS
from test_cli import marginsim

FILES = [SCENARIOS / f"{n}.toml" for n in ("generalist", "specialist", "target_group_teams")]
SMALL = ["population.citizens=1500", "run.warmup_weeks=10"]


def small_plan(replications=3, files=FILES[:2]):
    return compare.plan_comparison(files, replications=replications, weeks=30, overrides=SMALL, root_seed=11)


@pytest.fixture(scope="module")
def finished_comparison(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cmp") / "out"
    compare.run_comparison(small_plan(files=FILES), folder, jobs=1)
    return compare.load_comparison(folder)


def test_interval_is_a_t_interval():
    x = np.array([1.0, 2.0, 3.0, 4.0])
    mean, lo, hi = analysis.interval(x)
    assert mean == 2.5 and hi - mean == pytest.approx(3.182446 * x.std(ddof=1) / 2, rel=1e-5)


def test_replications_share_seeds_across_scenarios(finished_comparison):
    reps = finished_comparison.replications
    by = reps.pivot(index="replication", columns="scenario", values="seed")
    assert (by.nunique(axis=1) == 1).all(), "replication k of every scenario uses the same seed"
    assert by.iloc[:, 0].nunique() == 3, "replications differ from each other"


def test_summary_matches_the_replication_table(finished_comparison):
    reps, summary = finished_comparison.replications, finished_comparison.summary
    base = reps[reps.scenario == "generalist"].set_index("replication")
    for _, row in summary.iterrows():
        mine = reps[reps.scenario == row.scenario].set_index("replication")
        assert row["mean"] == pytest.approx(mine[row.metric].mean(), nan_ok=True)
        diff = (mine[row.metric] - base[row.metric]).mean()
        assert row["diff"] == pytest.approx(diff, nan_ok=True, abs=1e-12)
    on_disk = pd.read_parquet(finished_comparison.folder / "replications.parquet")
    pd.testing.assert_frame_equal(on_disk, reps)


def test_results_are_identical_with_one_or_two_processes(tmp_path):
    plan = small_plan()
    compare.run_comparison(plan, tmp_path / "one", jobs=1)
    compare.run_comparison(plan, tmp_path / "two", jobs=2)
    a = pd.read_csv(tmp_path / "one" / "summary.csv")
    b = pd.read_csv(tmp_path / "two" / "summary.csv")
    pd.testing.assert_frame_equal(a, b)


def test_resume_after_an_interruption_gives_the_uninterrupted_result(tmp_path):
    plan = small_plan()
    compare.run_comparison(plan, tmp_path / "whole", jobs=1)
    count = {"n": 0}

    def stop_after_two(k):
        count["n"] += k
        if count["n"] >= 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        compare.run_comparison(plan, tmp_path / "cut", jobs=1, progress=stop_after_two)
    manifest = json.loads((tmp_path / "cut" / "manifest.json").read_text())
    assert manifest["status"] == "interrupted" and manifest["finished_runs"] == 2
    assert not (tmp_path / "cut" / "summary.csv").exists() and not (tmp_path / "cut" / "report.md").exists()
    with pytest.raises(compare.ResultsError, match="--resume"):
        compare.run_comparison(plan, tmp_path / "cut", jobs=1)
    mtimes = {p: p.stat().st_mtime_ns for p in (tmp_path / "cut" / "runs").rglob("*.parquet")}
    compare.run_comparison(plan, tmp_path / "cut", jobs=1, resume=True)
    assert all(p.stat().st_mtime_ns == t for p, t in mtimes.items()), "finished replications are not redone"
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "whole" / "summary.csv"),
                                  pd.read_csv(tmp_path / "cut" / "summary.csv"))
    with pytest.raises(compare.ResultsError, match="other scenarios"):
        compare.run_comparison(small_plan(replications=4), tmp_path / "cut", resume=True)


def test_loading_an_unfinished_comparison_says_so(tmp_path):
    plan = small_plan()
    def interrupt(k):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        compare.run_comparison(plan, tmp_path / "c", jobs=1, progress=interrupt)
    with pytest.raises(compare.ResultsError, match="interrupted"):
        compare.load_comparison(tmp_path / "c")


def test_tidy_timeseries_come_back(finished_comparison):
    ts = finished_comparison.timeseries(["mean_position"])
    assert set(ts.columns) == {"week", "mean_position", "scenario", "replication"}
    assert len(ts) == 3 * 3 * 30


@pytest.mark.parametrize("args, words", [
    (["compare", "scenarios/nope.toml"], "scenario file not found"),
    (["compare", "{g}", "{s}", "--replications", "1"], "must be at least 2"),
    (["compare", "{g}", "{s}", "--jobs", "0"], "must be at least 1"),
    (["compare", "{g}", "{short}"], "different horizons"),
    (["compare", "{g}", "{g}"], "both named"),
    (["compare", "{g}", "--resume"], "--resume needs --out"),
])
def test_compare_bad_input(tmp_path, args, words):
    short = tmp_path / "short.toml"
    short.write_text(f'extends = "{SCENARIOS / "specialist.toml"}"\nname = "short"\n[run]\nweeks = 52\n')
    args = [a.format(g=FILES[0], s=FILES[1], short=short) for a in args]
    if "--resume" not in args:
        args += ["--out", tmp_path / "out"]
    proc = marginsim(*args, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert words in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_compare_command_end_to_end(tmp_path):
    out = tmp_path / "cmp"
    proc = marginsim("compare", FILES[0], FILES[1], "--replications", 2, "--weeks", 20, "--jobs", 2,
                     "--set", "population.citizens=1200", "--set", "run.warmup_weeks=10", "--out", out, "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["baseline"] == "generalist"
    assert len(manifest["plan"]["seeds"]) == 2
    assert {p.name for p in out.iterdir()} >= {"summary.csv", "replications.parquet", "report.md", "report.html",
                                                 "figures", "runs", "manifest.json"}

"""The command line, run as a user runs it (a fresh process)."""

import json
import subprocess
import sys

import pandas as pd
import pytest

from simulation import results

from conftest import SCENARIOS

SMALL = ["--weeks", "20", "--set", "population.citizens=1500", "--set", "run.warmup_weeks=10"]


def marginsim(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "simulation", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


def test_run_writes_a_complete_results_folder(tmp_path):
    out = tmp_path / "run"
    proc = marginsim("run", SCENARIOS / "specialist.toml", "--seed", 4, *SMALL, "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert "hand-offs per user" in proc.stdout and str(out) in proc.stdout
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["seed"] == 4 and manifest["weeks"] == 20
    assert manifest["scenario"]["population"]["citizens"] == 1500
    assert manifest["scenario"]["office"]["units"][0]["name"] == "reception"
    assert manifest["environment"]["mesa"].startswith("3.")
    assert {"git_commit", "marginsim", "numpy"} <= set(manifest["environment"])
    assert set(manifest["timings"]) == {"build_s", "simulate_s", "summarise_s"}
    for name in manifest["files"]:
        assert (out / name).is_file(), name
    loaded = results.load_run(out)
    assert len(loaded.timeseries) == 20 and loaded.summary["seed"] == 4
    assert sorted(p.name for p in (out / "figures").iterdir()) == [
        "arenas_lost.png", "inclusion_axis.png", "office_flow.png", "time_use.png"]


def test_run_results_are_reproducible_across_processes(tmp_path):
    for name in ("a", "b"):
        assert marginsim("run", SCENARIOS / "generalist.toml", "--seed", 9, *SMALL, "--quiet",
                         "--out", tmp_path / name).returncode == 0
    a = pd.read_parquet(tmp_path / "a" / "timeseries.parquet")
    b = pd.read_parquet(tmp_path / "b" / "timeseries.parquet")
    pd.testing.assert_frame_equal(a, b)


def test_quiet_prints_nothing(tmp_path):
    proc = marginsim("run", SCENARIOS / "generalist.toml", *SMALL, "--quiet", "--out", tmp_path / "q")
    assert proc.returncode == 0 and proc.stdout == "" and proc.stderr == ""


@pytest.mark.parametrize("args, words", [
    (["run", "scenarios/nope.toml"], "scenario file not found"),
    (["run", "{base}", "--set", "office.handof_loss=0.1"], "did you mean 'handoff_loss'"),
    (["run", "{base}", "--set", "office.handoff_loss=7"], "out of range"),
    (["run", "{base}", "--set", "office.priority_rule=fifo"], "choose one of need_based"),
    (["run", "{bad}"], "not valid TOML"),
    (["run", "{base}", "--weeks", "0"], "must be at least 1"),
    (["run", "{base}", "--seed", "x"], "expected a whole number"),
])
def test_bad_input_gets_one_line_exit_2_and_no_results(tmp_path, args, words):
    bad = tmp_path / "bad.toml"
    bad.write_text("[office\n")
    out = tmp_path / "out"
    args = [a.format(base=SCENARIOS / "generalist.toml", bad=bad) for a in args]
    proc = marginsim(*args, "--out", out, cwd=tmp_path)
    assert proc.returncode == 2
    assert words in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert not out.exists() and not list(tmp_path.glob(".out.partial-*"))


def test_an_existing_results_folder_is_not_overwritten(tmp_path):
    out = tmp_path / "taken"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    proc = marginsim("run", SCENARIOS / "generalist.toml", *SMALL, "--out", out)
    assert proc.returncode == 2 and "already exists" in proc.stderr
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_a_failed_write_leaves_nothing_that_looks_complete(tmp_path):
    target = tmp_path / "half"
    with pytest.raises(RuntimeError), results.staging(target) as tmp:
        (tmp / "manifest.json").write_text("{}")
        raise RuntimeError("interrupted")
    assert not target.exists() and list(tmp_path.iterdir()) == []


def test_help_lists_the_run_command():
    proc = marginsim("--help")
    assert proc.returncode == 0 and "run" in proc.stdout


@pytest.mark.parametrize("args", [["--help"], ["run", "--help"], ["--version"]])
def test_start_up_imports_no_model_libraries(args):
    # command-line start-up stays fast (issue 18: under 0.8 s) by importing mesa, pandas and
    # numba only in the commands that run the model
    code = "\n".join([
        "import sys", "from simulation.cli import main", "try:", f"    main({args!r})",
        "except SystemExit:", "    pass",
        "print(sorted(m for m in ('mesa', 'pandas', 'numba', 'networkx', 'scipy') if m in sys.modules))"])
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "[]"

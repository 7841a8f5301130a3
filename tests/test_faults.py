"""Fault injection: bad input, failing and killed workers, signals, full disks, damaged manifests,
concurrent writers. Each test is one finding of the reliability review (issue 15, numbered as there).

Every refused input must end with exit 2, one line on stderr naming file and key, no traceback,
and no folder left behind; every fault must keep what had finished and leave a folder that
``--resume`` completes.
"""

import contextlib
import errno
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from simulation import batch, cli, compare, results, runner, scenario, sensitivity
from simulation import sweep as sw

from conftest import SCENARIOS

G, S = SCENARIOS / "generalist.toml", SCENARIOS / "specialist.toml"
TINY = ["--set", "population.citizens=300", "--set", "run.warmup_weeks=0"]
TINY_SETS = ["population.citizens=300", "run.warmup_weeks=0"]


def marginsim(*args, cwd=None, timeout=300):
    return subprocess.run([sys.executable, "-m", "simulation", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=timeout)


def main(*args) -> tuple[int, str, str]:
    """The CLI in this process (fast, and monkeypatches reach it): exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main([str(a) for a in args])
        except SystemExit as exc:      # argparse
            code = exc.code
    return code, out.getvalue(), err.getvalue()


def assert_refused(code, err, out: Path | None, *words):
    assert code == 2, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    for word in words:
        assert word in err, (word, err)
    if out is not None:
        assert not out.exists() and not list(out.parent.glob(f".{out.name}*"))


def scenario_file(tmp_path, body, name="s.toml", extends=G):
    path = tmp_path / name
    path.write_text((f'extends = "{extends}"\n' if extends else "") + body, encoding="utf-8")
    return path


def sweep_file(tmp_path, body, design="grid", extra="", name="sw.toml"):
    path = tmp_path / name
    path.write_text(f'name = "t"\nbase = "{S}"\ndesign = "{design}"\nweeks = 8\nwarmup_weeks = 0\nseed = 3\n'
                    f'{extra}\n[parameters]\n{body}\n', encoding="utf-8")
    return path


def tiny_plan(replications=2, weeks=8, files=(G, S)):
    return compare.plan_comparison(list(files), replications=replications, weeks=weeks, overrides=TINY_SETS)


def manifest(folder) -> dict:
    return json.loads((Path(folder) / "manifest.json").read_text())


GRID = '"office.handoff_loss" = { values = [0.0, 0.3] }\ncaseworkers = { values = [4, 6] }'


# 1. failing runs and killed workers --------------------------------------------------------------


def test_a_failure_in_a_worker_process_comes_back_as_data():
    seen = {}
    scenario = tiny_plan().scenarios[0]
    tasks = [runner.Task(("ok", 0), scenario, 1), runner.Task(("bad", 0), scenario, -1)]
    runner.execute(tasks, jobs=2, on_result=seen.__setitem__, catch_errors=True)
    assert isinstance(seen[("bad", 0)], runner.RunFailed) and "ValueError" in seen[("bad", 0)].error
    assert isinstance(seen[("ok", 0)], runner.RunResult)


def test_a_sweep_with_two_processes_survives_a_failing_run_and_resume_retries_it(tmp_path, monkeypatch):
    spec = sw.load_sweep(sweep_file(tmp_path, GRID), TINY_SETS)
    real = sw.SweepBatch.tasks

    def one_bad_seed(self):     # the run is sent to a worker process, which raises there
        tasks = real(self)
        return [runner.Task(t.key, t.scenario, -1) if t.key == (1, 0) else t for t in tasks]

    monkeypatch.setattr(sw.SweepBatch, "tasks", one_bad_seed)
    out = sw.run_sweep(spec, tmp_path / "out", jobs=2)
    assert len(out) == 3 and manifest(tmp_path / "out")["status"] == "complete_with_failures"
    failure = sw.load_failures(tmp_path / "out").iloc[0]
    assert failure["point"] == 1 and "ValueError" in failure["error"]
    monkeypatch.setattr(sw.SweepBatch, "tasks", real)
    out = sw.run_sweep(spec, tmp_path / "out", jobs=2, resume=True)
    assert len(out) == 4 and sw.load_failures(tmp_path / "out").empty
    assert manifest(tmp_path / "out")["status"] == "complete"


def test_a_comparison_with_a_failing_run_finishes_the_others_and_says_incomplete(tmp_path):
    plan = tiny_plan()
    plan.seeds[1] = -1                      # replication 1 of both scenarios raises
    compare.run_comparison(plan, tmp_path / "out", jobs=2)
    m = manifest(tmp_path / "out")
    assert m["status"] == "incomplete" and m["failed_runs"] == 2 and m["finished_runs"] == 2
    assert not (tmp_path / "out" / "report.md").exists()
    with pytest.raises(results.ResultsError, match="incomplete"):
        compare.load_comparison(tmp_path / "out")


def _workers(proc: subprocess.Popen) -> list:
    import psutil
    try:
        kids = psutil.Process(proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    return [k for k in kids if "spawn_main" in " ".join(k.cmdline())]


def _wait_for_workers(proc, n=1, timeout=60.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end and proc.poll() is None:
        workers = _workers(proc)
        if len(workers) >= n:
            return workers
        time.sleep(0.1)
    raise AssertionError("no worker processes appeared")


WORK = ["--weeks", 40, "--set", "population.citizens=3000", "--set", "run.warmup_weeks=0", "--jobs", 2]


@pytest.mark.slow
def test_a_killed_worker_loses_nothing_its_runs_are_retried(tmp_path):
    out = tmp_path / "out"
    args = ["compare", G, S, "--replications", 3, *WORK, "--out", out, "--quiet"]
    proc = subprocess.Popen([sys.executable, "-m", "simulation", *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    worker = _wait_for_workers(proc)[0]
    time.sleep(0.5)
    worker.kill()                           # as the out-of-memory killer would
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert manifest(out)["status"] == "complete"
    assert len(compare.load_comparison(out).replications) == 6


@pytest.mark.slow
def test_sigterm_is_like_ctrl_c_workers_die_and_the_folder_resumes(tmp_path):
    import psutil
    out = tmp_path / "out"
    args = ["compare", G, S, "--replications", 6, *WORK, "--out", out, "--quiet"]
    proc = subprocess.Popen([sys.executable, "-m", "simulation", *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    workers = _wait_for_workers(proc, n=2)
    time.sleep(1.0)
    proc.send_signal(signal.SIGTERM)        # a cluster's time limit
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == cli.EXIT_INTERRUPTED, err
    assert "--resume" in err and "Traceback" not in err
    m = manifest(out)
    assert m["status"] == "interrupted" and m["pid"] == proc.pid and m["host"] == socket.gethostname()
    gone, alive = psutil.wait_procs(workers, timeout=10)
    assert not alive, "workers outlived their parent"
    assert not (out / ".lock").exists()
    done = marginsim(*args, "--resume")
    assert done.returncode == 0, done.stderr
    assert manifest(out)["status"] == "complete"


@pytest.mark.slow
def test_workers_die_with_a_killed_parent(tmp_path):
    import psutil
    code = ("import sys; from simulation import runner, scenario as s\n"
            "sc = s.load_scenario(sys.argv[1], ['population.citizens=3000', 'run.weeks=400', 'run.warmup_weeks=0'])\n"
            "runner.execute([runner.Task(i, sc, i) for i in range(4)], jobs=2)\n")
    proc = subprocess.Popen([sys.executable, "-c", code, str(G)])
    workers = _wait_for_workers(proc, n=2)
    proc.kill()                              # SIGKILL: no handler runs in the parent
    proc.wait()
    gone, alive = psutil.wait_procs(workers, timeout=10)
    assert not alive, "workers outlived their killed parent"


# 2. names that would escape or collide as folder names -------------------------------------------


@pytest.mark.parametrize("name", ["../escape", "/tmp/abs", "generalist/", "", "a\\u0000b", "x" * 300, " padded", ".."])
def test_unsafe_scenario_names_are_refused(tmp_path, name):
    path = scenario_file(tmp_path, f'name = "{name}"\n')
    code, _, err = main("compare", path, G, "--replications", 2, "--weeks", 8, *TINY, "--out", tmp_path / "o",
                        "--quiet")
    assert_refused(code, err, tmp_path / "o", str(path), "name", "not a usable name")


def test_names_that_differ_only_in_case_are_refused(tmp_path):
    a, b = scenario_file(tmp_path, 'name = "Gen"\n', "a.toml"), scenario_file(tmp_path, 'name = "gen"\n', "b.toml")
    code, _, err = main("compare", a, b, "--replications", 2, "--weeks", 8, *TINY, "--out", tmp_path / "o")
    assert_refused(code, err, tmp_path / "o", "differ only in case")


# 3. NaN ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("sets", [["office.handoff_loss=nan"], ["caseworkers.hours_per_week=nan"],
                                  ["office.handoff_loss=inf"], ["run.weeks=nan"]])
def test_nan_on_the_command_line_is_refused(tmp_path, sets):
    code, _, err = main("run", G, *[x for s in sets for x in ("--set", s)], "--out", tmp_path / "o")
    assert_refused(code, err, tmp_path / "o", "(--set)", sets[0].split("=")[0])


def test_nan_in_a_scenario_file_is_refused(tmp_path):
    path = scenario_file(tmp_path, "[office]\nhandoff_loss = nan\n")
    code, _, err = main("run", path, "--out", tmp_path / "o")
    assert_refused(code, err, tmp_path / "o", str(path), "office.handoff_loss", "finite number")


@pytest.mark.parametrize("body", ['"office.handoff_loss" = { values = [0.1, nan] }',
                                  '"office.handoff_loss" = { low = nan, high = 0.2 }',
                                  '"office.handoff_loss" = { low = 0, high = inf }'])
def test_nan_in_a_sweep_is_refused(tmp_path, body):
    path = sweep_file(tmp_path, body)
    code, _, err = main("sweep", path, "--out", tmp_path / "o")
    assert_refused(code, err, tmp_path / "o", str(path), "parameters.office.handoff_loss")


def test_manifests_are_valid_json_even_with_missing_indicators(tmp_path):
    results.write_json(tmp_path / "m.json", {"x": float("nan"), "y": [float("inf"), 1.0]})
    assert json.loads((tmp_path / "m.json").read_text()) == {"x": None, "y": [None, 1.0]}


# 4. "complete" means everything promised is on disk ---------------------------------------------


def test_a_sweep_interrupted_while_computing_indices_is_not_complete(tmp_path, monkeypatch):
    body = 'caseworkers = { low = 4, high = 8 }\n"office.handoff_loss" = { low = 0.0, high = 0.2 }'
    spec = sw.load_sweep(sweep_file(tmp_path, body, design="morris", extra="samples = 2"), TINY_SETS)
    real = sensitivity.write_analysis

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(sensitivity, "write_analysis", interrupted)
    with pytest.raises(KeyboardInterrupt):
        sw.run_sweep(spec, tmp_path / "out")
    assert manifest(tmp_path / "out")["status"] == "interrupted"
    monkeypatch.setattr(sensitivity, "write_analysis", real)
    sw.run_sweep(spec, tmp_path / "out", resume=True)
    assert manifest(tmp_path / "out")["status"] == "complete"
    assert (tmp_path / "out" / "sensitivity" / "sensitivity.md").is_file()


# 5. full disk and damaged manifests --------------------------------------------------------------


def _no_space(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_manifest_write_on_a_full_disk_keeps_the_old_manifest(tmp_path, monkeypatch):
    path = tmp_path / "manifest.json"
    results.write_json(path, {"status": "running"})
    monkeypatch.setattr(os, "fsync", _no_space)
    with pytest.raises(OSError):
        results.write_json(path, {"status": "complete", "pad": "x" * 100_000})
    assert json.loads(path.read_text()) == {"status": "running"}
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]


def test_a_full_disk_mid_comparison_says_so_and_resume_completes(tmp_path, monkeypatch):
    out = tmp_path / "out"
    real, calls = compare.ComparisonBatch.store, {"n": 0}

    def store(self, folder, key, result):
        calls["n"] += 1
        if calls["n"] == 3:
            _no_space()
        real(self, folder, key, result)

    monkeypatch.setattr(compare.ComparisonBatch, "store", store)
    args = ["compare", G, S, "--replications", 2, "--weeks", 8, *TINY, "--jobs", 1, "--out", out, "--quiet"]
    code, _, err = main(*args)
    assert code == cli.EXIT_FAILED and "No space left on device" in err and "--resume" in err
    assert len(err.strip().splitlines()) == 1 and manifest(out)["status"] == "interrupted"
    assert manifest(out)["finished_runs"] == 2
    monkeypatch.setattr(compare.ComparisonBatch, "store", real)
    code, _, err = main(*args, "--resume")
    assert code == 0, err
    assert manifest(out)["status"] == "complete"


@pytest.mark.skipif(not sys.platform.startswith("linux") or os.geteuid() != 0, reason="needs root to mount")
def test_a_really_full_disk(tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=600k", "tmpfs", str(disk)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        out = disk / "out"
        code, _, err = main("compare", G, S, "--replications", 4, "--weeks", 60, *TINY, "--jobs", 1, "--out", out,
                            "--quiet")
        assert code in (cli.EXIT_FAILED, cli.EXIT_BAD_INPUT), err
        assert "Traceback" not in err and len(err.strip().splitlines()) == 1
        if out.exists():
            m = json.loads((out / "manifest.json").read_text())      # never a truncated manifest
            assert m["status"] != "complete"
    finally:
        subprocess.run(["umount", str(disk)], check=False)


def test_resume_recovers_from_a_damaged_manifest(tmp_path):
    plan, out = tiny_plan(), tmp_path / "out"
    count = {"n": 0}

    def stop(k):
        count["n"] += k
        if count["n"] >= 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        compare.run_comparison(plan, out, progress=stop)
    text = (out / "manifest.json").read_text()
    (out / "manifest.json").write_text(text[: len(text) // 2])      # truncated, as a full disk once left it
    with pytest.raises(results.ResultsError, match="not empty"):
        compare.run_comparison(plan, out)
    compare.run_comparison(plan, out, resume=True)
    assert manifest(out)["status"] == "complete" and len(compare.load_comparison(out).replications) == 4
    (out / "manifest.json").write_text("{")
    (out / "signature.json").write_text("")
    code, _, err = main("compare", G, S, "--replications", 2, "--weeks", 8, *TINY, "--out", out, "--resume")
    assert_refused(code, err, None, "cannot resume")


# 6. sweep values checked like scenario values; degenerate and huge designs -------------------


@pytest.mark.parametrize("body, design, extra, words", [
    ("caseworkers = { values = [-100] }", "grid", "", "out of range"),
    ("caseworkers = { values = [0] }", "grid", "", "out of range"),
    ("caseworkers = { values = [1.5] }", "grid", "", "whole number"),
    ("caseworkers = { values = [true] }", "grid", "", "whole number"),
    ('caseworkers = { values = ["a"] }', "grid", "", "whole number"),
    ("caseload_cap = { values = [-1] }", "grid", "", "out of range"),
    ('"office.handoff_loss" = { low = 0, high = 0.2 }', "sobol", "samples = 1", "at least 2"),
    ('"office.handoff_loss" = { low = 0, high = 0.2 }', "morris", "samples = 1", "at least 2"),
    ('"office.handoff_loss" = { low = 0, high = 0.2, steps = 1000 }\n"caseworkers.duty_share" = '
     '{ low = 0.1, high = 0.2, steps = 1000 }', "grid", "", "max_runs"),
    ("scenario = { low = 1, high = 2 }", "grid", "", "scenario files"),
    ('scenario = { values = "x.toml" }', "grid", "", "array of scenario file paths"),
])
def test_bad_sweep_values_are_refused_like_scenario_values(tmp_path, body, design, extra, words):
    path = sweep_file(tmp_path, body, design=design, extra=extra)
    code, _, err = main("sweep", path, "--out", tmp_path / "o")
    assert_refused(code, err, tmp_path / "o", str(path), words)


def test_a_sweep_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "sw.toml"
    path.write_bytes(b'name = "t\xff"\n')
    code, _, err = main("sweep", path, "--out", tmp_path / "o")
    assert_refused(code, err, tmp_path / "o", str(path), "UTF-8")


def test_sweep_keys_can_be_set_on_the_command_line_and_are_checked(tmp_path):
    body = '"office.handoff_loss" = { low = 0, high = 0.2 }'
    path = sweep_file(tmp_path, body, design="lhs", extra="samples = 3")
    assert len(sw.load_sweep(path, ["samples=5"]).points()) == 5
    assert len(sw.load_sweep(path, ["design.samples=6", "replications=2"]).points()) == 6
    assert sw.load_sweep(path, ["replications=2"]).replications == 2
    code, _, err = main("sweep", path, "--set", "samples=0", "--out", tmp_path / "o")
    assert_refused(code, err, tmp_path / "o", f"{path} (--set)", "samples")
    code, _, err = main("sweep", path, "--set", "design=sobol", "--set", "samples=6", "--out", tmp_path / "o")
    assert_refused(code, err, tmp_path / "o", "power of two")
    with pytest.raises(scenario.ScenarioError, match="more than 10; shrink it"):
        sw.load_sweep(path, ["max_runs=10", "samples=11"])
    big = sweep_file(tmp_path, body, design="lhs", extra="samples = 100001", name="big.toml")
    with pytest.raises(scenario.ScenarioError, match="max_runs"):
        sw.load_sweep(big)


# 7. a unit that can never receive a user ---------------------------------------------------------


def test_a_shadowed_unit_is_refused(tmp_path):
    units = "".join(f'[[office.units]]\nname = "{n}"\nstaff = 4\n' for n in ("first", "idle"))
    path = scenario_file(tmp_path, units)
    code, _, err = main("run", path, "--out", tmp_path / "o")
    assert_refused(code, err, tmp_path / "o", str(path), "office.units[1]", "'idle' can never receive a user")
    capped = units.replace('staff = 4\n', 'staff = 4\ncaseload_cap = 30\n', 1)
    scenario.load_scenario(scenario_file(tmp_path, capped, "capped.toml"))     # overflow reaches it: fine


def test_the_shipped_scenarios_have_no_idle_unit():
    for path in SCENARIOS.glob("*.toml"):
        scenario.load_scenario(path)


# 8. stale "running" folders and the lock ---------------------------------------------------------


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_folder_left_running_by_a_dead_process_says_so_and_resumes(tmp_path):
    plan, out = tiny_plan(), tmp_path / "out"
    compare.run_comparison(plan, out)
    m = manifest(out)
    m.update(status="running", pid=_dead_pid())
    (out / "manifest.json").write_text(json.dumps(m))
    (out / ".lock").write_text(json.dumps({"pid": m["pid"], "host": socket.gethostname()}))
    with pytest.raises(results.ResultsError, match="has ended"):
        compare.load_comparison(out)
    compare.run_comparison(plan, out, resume=True)      # the stale lock is taken over
    assert manifest(out)["status"] == "complete" and not (out / ".lock").exists()


# 10. concurrent writers --------------------------------------------------------------------------


def test_a_second_writer_is_locked_out(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / ".lock").write_text(json.dumps({"pid": os.getppid(), "host": socket.gethostname()}))   # alive
    code, _, err = main("compare", G, S, "--replications", 2, "--weeks", 8, *TINY, "--out", out, "--resume")
    assert_refused(code, err, None, "another marginsim", str(os.getppid()))
    assert [p.name for p in out.iterdir()] == [".lock"]


@pytest.mark.slow
def test_two_comparisons_started_together_do_not_mix(tmp_path):
    out = tmp_path / "out"
    common = ["--replications", 2, "--weeks", 8, *TINY, "--out", out, "--quiet", "--jobs", 1]
    procs = [subprocess.Popen([sys.executable, "-m", "simulation", "compare", *map(str, files), *map(str, common)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for files in ((G, S), (S, G))]
    codes = [p.wait(timeout=300) for p in procs]
    errs = [p.stderr.read() for p in procs]
    assert sorted(codes) == [0, 2], errs
    winner = codes.index(0)
    assert manifest(out)["scenario_names"] == (["generalist", "specialist"], ["specialist", "generalist"])[winner]
    assert "Traceback" not in errs[1 - winner]


@pytest.mark.slow
def test_two_runs_into_one_folder_never_replace_each_other(tmp_path):
    out = tmp_path / "out"
    procs = [subprocess.Popen([sys.executable, "-m", "simulation", "run", str(f), "--weeks", "8", *TINY, "--out",
                               str(out), "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for f in (G, S)]
    codes = [p.wait(timeout=300) for p in procs]
    errs = [p.stderr.read() for p in procs]
    assert 0 in codes and set(codes) <= {0, 2}, errs
    name = manifest(out)["scenario_name"]
    assert name in ("generalist", "specialist") and not list(tmp_path.glob(".out.partial-*"))
    assert all("Traceback" not in e for e in errs)


# 9 and 11. unusable output folders, unreachable schedulers, workers that all die --------------


@pytest.mark.parametrize("command", ["run", "compare", "validate", "sweep"])
def test_an_output_folder_that_is_a_file_is_refused_before_any_work(tmp_path, command):
    (tmp_path / "file").write_text("x")
    args = {"run": ["run", G, *TINY], "compare": ["compare", G, S, "--weeks", 8, *TINY],
            "validate": ["validate", "--scenarios", SCENARIOS],
            "sweep": ["sweep", sweep_file(tmp_path, GRID)]}[command]
    for out, words in ((tmp_path / "file", "is a file"), (tmp_path / "file" / "sub", "is a file"),
                       (tmp_path / ("n" * 300), "longer than")):
        started = time.monotonic()
        code, _, err = main(*args, "--out", out, "--quiet")
        assert_refused(code, err, None, words)
        assert time.monotonic() - started < 20, "refused only after simulating"


def test_an_unwritable_folder_is_refused_before_simulating(tmp_path, monkeypatch):
    real = results.tempfile.mkdtemp

    def denied(*args, **kwargs):
        if "marginsim-probe" in kwargs.get("prefix", ""):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
        return real(*args, **kwargs)

    monkeypatch.setattr(results.tempfile, "mkdtemp", denied)
    code, _, err = main("run", G, *TINY, "--out", tmp_path / "o")
    assert_refused(code, err, tmp_path / "o", "cannot write here", "Permission denied")


def test_a_bad_scheduler_address_is_refused_at_once(tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "CONNECT_TIMEOUT_S", 3)
    for address in ("not a url", "tcp://127.0.0.1:1"):
        started = time.monotonic()
        code, _, err = main("sweep", sweep_file(tmp_path, GRID), "--scheduler", address, "--out", tmp_path / "o")
        assert_refused(code, err, tmp_path / "o", "--scheduler")
        assert time.monotonic() - started < 30


@pytest.mark.slow
def test_a_sweep_with_no_dask_workers_left_stops_and_can_resume(tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    spec = sw.load_sweep(sweep_file(tmp_path, GRID), TINY_SETS)
    with distributed.LocalCluster(n_workers=0, processes=True, dashboard_address=None) as cluster:
        with pytest.raises(runner.BatchStalled):
            sw.run_sweep(spec, tmp_path / "out", scheduler=cluster.scheduler_address, stall_timeout=2)
        code, _, err = main("sweep", sweep_file(tmp_path, GRID), *TINY, "--scheduler", cluster.scheduler_address,
                            "--wait-for-workers", 2, "--out", tmp_path / "cli", "--quiet")
        assert code == cli.EXIT_FAILED and "no worker has been connected for 2 s" in err and "--resume" in err
        assert len(err.strip().splitlines()) == 1
    assert manifest(tmp_path / "out")["status"] == "interrupted"
    assert len(sw.run_sweep(spec, tmp_path / "out", jobs=1, resume=True)) == 4


# 12. what used to be tracebacks ------------------------------------------------------------------


def test_former_tracebacks_are_one_line(tmp_path, monkeypatch):
    o = tmp_path / "o"
    cases = [
        (["run", G, "--seed", 2**64], "at most"),
        (["run", G, "--set", "office=x", "--set", "office.handoff_loss=0.1"], "'office' is a table"),
        (["run", G, "--set", "population=[1]", "--set", "population.citizens=500"], "population: must be a table"),
        (["sensitivity", tmp_path], "no manifest.json"),
    ]
    for args, words in cases:
        code, _, err = main(*args, "--out", o) if args[0] != "sensitivity" else main(*args)
        assert_refused(code, err, o, words)


def test_a_very_long_extends_chain_is_refused(tmp_path):
    (tmp_path / "f0.toml").write_text('name = "deep"\n')
    for i in range(1, 1200):
        (tmp_path / f"f{i}.toml").write_text(f'extends = "f{i - 1}.toml"\n')
    code, _, err = main("run", tmp_path / "f1199.toml", "--out", tmp_path / "o")
    assert_refused(code, err, tmp_path / "o", "extends", "chain of more than")


def test_an_unreadable_scenario_file_is_refused(tmp_path, monkeypatch):
    path = scenario_file(tmp_path, "")
    real = Path.open

    def guarded(self, *args, **kwargs):
        if self == path:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", guarded)
    code, _, err = main("run", path, "--out", tmp_path / "o")
    assert_refused(code, err, tmp_path / "o", str(path), "cannot read", "Permission denied")


def test_sensitivity_on_a_comparison_folder_is_refused(tmp_path):
    compare.run_comparison(tiny_plan(), tmp_path / "cmp")
    code, _, err = main("sensitivity", tmp_path / "cmp")
    assert_refused(code, err, None, "not a sweep folder")


# 13. one-liners that say the right thing ---------------------------------------------------------


def test_an_error_in_a_parent_file_names_the_parent(tmp_path):
    parent = scenario_file(tmp_path, "[office]\nhandof_loss = 0.1\n", "parent.toml")
    child = scenario_file(tmp_path, 'name = "child"\n', "child.toml", extends=parent.name)
    code, _, err = main("run", child, "--out", tmp_path / "o")
    assert_refused(code, err, tmp_path / "o", f"{parent}: office.handof_loss", "did you mean 'handoff_loss'")


def test_misleading_messages_are_mended(tmp_path):
    code, _, err = main("run", tmp_path, "--out", tmp_path / "o")
    assert_refused(code, err, tmp_path / "o", "is a folder")
    code, _, err = main("run", G, "--weeks", 10**9, "--out", tmp_path / "o")
    assert_refused(code, err, tmp_path / "o", "--weeks", "at most")
    assert "--set" not in err
    bom = tmp_path / "bom.toml"
    bom.write_bytes(b"\xef\xbb\xbf" + f'extends = "{G}"\nname = "bom"\n'.encode())
    assert scenario.load_scenario(bom).name == "bom"


def test_a_busy_port_is_refused_before_anything_is_printed():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, out, err = main("dashboard", "--port", port)
    assert_refused(code, err, None, f"--port {port}")
    assert out == ""


# 14. extends reads only scenario files, and says little about others -----------------------------


def test_extends_refuses_files_that_are_not_scenarios(tmp_path):
    secret = tmp_path / "env.toml"
    secret.write_text('API_TOKEN = "s3cr3t-value"\n')
    child = scenario_file(tmp_path, "", "child.toml", extends=secret.name)
    code, _, err = main("run", child, "--out", tmp_path / "o")
    assert_refused(code, err, tmp_path / "o", "not a marginsim scenario")
    assert "API_TOKEN" not in err and "s3cr3t" not in err
    (tmp_path / ".env").write_text("TOKEN=abc\n")
    child = scenario_file(tmp_path, "", "child2.toml", extends=".env")
    code, _, err = main("run", child, "--out", tmp_path / "o")
    assert_refused(code, err, tmp_path / "o", ".toml scenario file")
    big = tmp_path / "big.toml"
    big.write_text("# " + "x" * 2_000_000 + "\n")
    code, _, err = main("run", big, "--out", tmp_path / "o")
    assert_refused(code, err, tmp_path / "o", "larger than")


def test_the_dashboard_listens_on_this_machine_only_by_default():
    assert cli.build_parser().parse_args(["dashboard"]).host == "127.0.0.1"


# what already held must keep holding ---------------------------------------------------------------


@pytest.mark.slow
def test_results_do_not_depend_on_the_number_of_processes(tmp_path):
    plan = tiny_plan()
    compare.run_comparison(plan, tmp_path / "one", jobs=1)
    compare.run_comparison(plan, tmp_path / "two", jobs=2)
    one, two = (compare.load_comparison(tmp_path / n).replications for n in ("one", "two"))
    one, two = (t[[c for c in t.columns if not c.startswith("timing_")]] for t in (one, two))
    key = ["scenario", "replication"]
    pd.testing.assert_frame_equal(one.sort_values(key, ignore_index=True), two.sort_values(key, ignore_index=True))
    assert batch.describe_status(manifest(tmp_path / "one")) == "complete"

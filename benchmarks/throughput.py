"""Throughput and peak memory of one full model run, printed as one JSON line.

Runs a scenario (default: scenarios/generalist.toml) scaled to ``--citizens`` with
``simulation.run`` -- the same call the CLI and the sweeps make -- and reports:

* ``build_s``, ``simulate_s``, ``summarise_s``: the run's own timings (``RunResult.timings``);
  ``wall_s`` is the whole ``run()`` call;
* ``citizen_weeks_per_s``: citizens x simulated weeks (warm-up included) / ``simulate_s``;
* ``kernels_load_s``: the one-off cost, per process, of importing numba and loading the compiled
  kernels (simulation/kernels/) from their on-disk cache (or compiling them the first time):
  paid by a tiny untimed run *before* the timed one, so ``simulate_s`` is the steady-state step;
  add it for a single run from a cold process;
* ``peak_rss_mb``: the process's peak resident memory (``ru_maxrss``) right after the run, so
  it covers the interpreter, the imports and the run, and nothing else: run this script as a
  fresh process (``scaling.py`` does) for a clean figure;
* ``boltzmann_agent_steps_per_s``: a yardstick measured in the same process *after* the run --
  agent-steps per second of Mesa's BoltzmannWealth example (10,000 agents, 100 x 100 grid).
  If it is low too, the machine was slow; compare it across runs before trusting a change.

The garbage collector is off during timed sections (as in Mesa's own benchmarks); times are
``time.perf_counter``. Example::

    python benchmarks/throughput.py --citizens 100000 --weeks 520 --warmup 104
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import mesa
import numpy as np

import simulation as ms

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SCENARIO = ROOT / "scenarios" / "generalist.toml"


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MiB (Linux reports ru_maxrss in KiB)."""
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kib / 1024 / (1024 if sys.platform == "darwin" else 1)   # macOS reports bytes


def machine() -> str:
    """Platform, CPU model and number of cores, e.g. ``Linux-6.1-x86_64 | AMD EPYC | 2 cores``."""
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.platform()} | {cpu} | {os.cpu_count()} cores"


def code_version() -> str:
    """The git commit of the imported ``simulation`` package, ``+dirty`` if it has uncommitted changes."""
    pkg = Path(ms.__file__).resolve().parent

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=pkg, capture_output=True, text=True).stdout.strip()
    try:
        commit = git("rev-parse", "--short", "HEAD")
        return (commit + ("+dirty" if git("status", "--porcelain", "--", ".") else "")) or "unknown"
    except OSError:
        return "unknown"


def boltzmann_agent_steps_per_s(steps: int = 10, n: int = 10_000) -> float:
    """Agent-steps per second of Mesa's BoltzmannWealth example (one untimed step first)."""
    from mesa.examples.basic.boltzmann_wealth_model.model import BoltzmannScenario, BoltzmannWealth

    model = BoltzmannWealth(scenario=BoltzmannScenario(n=n, width=100, height=100, rng=42))
    model.step()
    gc.disable()
    t0 = time.perf_counter()
    for _ in range(steps):
        model.step()
    elapsed = time.perf_counter() - t0
    gc.enable()
    return n * steps / elapsed


def load_kernels(scenario: ms.Scenario) -> float:
    """Seconds to import numba and load (or compile) the kernels: a 2-week run of 200 citizens."""
    t0 = time.perf_counter()
    ms.run(scenario.scaled(200).replace(**{"run.weeks": 2, "run.warmup_weeks": 0}), seed=0)
    return time.perf_counter() - t0


def measure(scenario_path: Path, citizens: int | None, weeks: int | None, warmup: int | None,
            seed: int, yardstick: bool) -> dict:
    """One run of the scenario; returns the figures as a flat dict (see the module docstring)."""
    s = ms.load_scenario(scenario_path)
    if citizens is not None:
        s = s.scaled(citizens)
    changes = {k: v for k, v in (("run.weeks", weeks), ("run.warmup_weeks", warmup)) if v is not None}
    if changes:
        s = s.replace(**changes)
    total_weeks = s.run.weeks + s.run.warmup_weeks
    kernels_load = load_kernels(s)
    rss_before = peak_rss_mb()

    gc.collect()
    gc.disable()
    t0 = time.perf_counter()
    result = ms.run(s, seed=seed)
    wall = time.perf_counter() - t0
    gc.enable()
    rss = peak_rss_mb()

    t = result.timings
    out = {
        "scenario": s.name,
        "citizens": s.population.citizens,
        "weeks": total_weeks,
        "recorded_weeks": s.run.weeks,
        "warmup_weeks": s.run.warmup_weeks,
        "caseworkers": s.total_staff,
        "seed": seed,
        "build_s": round(t["build_s"], 4),
        "simulate_s": round(t["simulate_s"], 4),
        "summarise_s": round(t["summarise_s"], 4),
        "wall_s": round(wall, 4),
        "kernels_load_s": round(kernels_load, 4),
        "citizen_weeks_per_s": round(s.population.citizens * total_weeks / t["simulate_s"]),
        "ms_per_week": round(1000 * t["simulate_s"] / total_weeks, 3),
        "peak_rss_mb": round(rss, 1),
        "rss_before_run_mb": round(rss_before, 1),
        "citizens_end": int(result.summary["citizens_end"]),
    }
    del result
    gc.collect()
    if yardstick:
        out["boltzmann_agent_steps_per_s"] = round(boltzmann_agent_steps_per_s())
    out.update(python=platform.python_version(), numpy=np.__version__, mesa=mesa.__version__,
               machine=machine(), blas_threads=os.environ.get("OPENBLAS_NUM_THREADS", "default"),
               code=code_version(), date=time.strftime("%Y-%m-%d"))
    return out


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--citizens", type=int, default=None,
                   help="scale the scenario to this many citizens (caseworkers in proportion); "
                        "default: the scenario's own size")
    p.add_argument("--weeks", type=int, default=None,
                   help="recorded weeks (run.weeks); default: the scenario's (520)")
    p.add_argument("--warmup", type=int, default=None,
                   help="warm-up weeks (run.warmup_weeks), simulated before the recorded ones "
                        "and counted in the throughput; default: the scenario's (104)")
    p.add_argument("--scenario", type=Path, default=DEFAULT_SCENARIO,
                   help="scenario TOML file (default: scenarios/generalist.toml)")
    p.add_argument("--seed", type=int, default=1, help="random seed (default: 1)")
    p.add_argument("--no-yardstick", action="store_true",
                   help="skip the Mesa BoltzmannWealth yardstick (saves about a second)")
    a = p.parse_args(argv)
    print(json.dumps(measure(a.scenario, a.citizens, a.weeks, a.warmup, a.seed, not a.no_yardstick)),
          flush=True)


if __name__ == "__main__":
    main()

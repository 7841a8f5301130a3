"""Sweep scaling: speed-up of 2 processes over 1, per-run overhead, peak memory of a 1,000-run sweep.

    python benchmarks/sweep_scaling.py            # all three, prints one JSON line each
    python benchmarks/sweep_scaling.py --quick    # smaller, for a smoke test

* speedup: the same grid sweep with --jobs 1 and --jobs 2 (speed-up = wall time 1 / wall time 2),
  once with short runs (16 runs, 10,000 citizens, 52 + 104 weeks: worker start-up shows) and
  once with default-size runs (12 runs, 20,000 citizens, 104 + 520 weeks, as real sweeps use).
* overhead: a sweep of tiny runs (200 citizens, 4 weeks) with --jobs 1; overhead per run =
  (sweep wall time - summed simulation time) / runs: what streaming, bookkeeping and files cost.
* memory: a 1,000-run sweep of tiny runs on 2 processes, in a fresh process; peak RSS of the
  parent and of the largest worker (memory must stay flat however many runs).
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _sweep_file(folder: Path, citizens_values: str, weeks: int, warmup: int, extra: str = "") -> Path:
    path = folder / "bench.toml"
    path.write_text(f'name = "bench"\nbase = "{ROOT / "scenarios" / "generalist.toml"}"\ndesign = "grid"\n'
                    f"weeks = {weeks}\nwarmup_weeks = {warmup}\n{extra}\n[parameters]\n{citizens_values}\n")
    return path


def timed_sweep(path: Path, jobs: int, out: Path, overrides=()) -> tuple[float, object]:
    from simulation import sweep as sw
    spec = sw.load_sweep(path, overrides)
    t0 = time.perf_counter()
    results = sw.run_sweep(spec, out, jobs=jobs)
    return time.perf_counter() - t0, results


def speedup(quick: bool, citizens: int, weeks: int, warmup: int, n: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        path = _sweep_file(tmp, f'"office.handoff_loss" = {{ low = 0.0, high = 0.2, steps = {n} }}', weeks, warmup)
        over = [f"population.citizens={citizens}"]
        t1, _ = timed_sweep(path, 1, tmp / "one", over)
        t2, _ = timed_sweep(path, 2, tmp / "two", over)
    return {"benchmark": "sweep_speedup", "runs": n, "citizens": citizens, "weeks": weeks + warmup,
            "seconds_per_run_1_process": round(t1 / n, 2), "wall_s_1_process": round(t1, 2),
            "wall_s_2_processes": round(t2, 2), "speedup": round(t1 / t2, 2), "target": 1.7}


def overhead(quick: bool) -> dict:
    import simulation as ms
    from simulation import sweep as sw
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        n = 50 if quick else 200
        path = _sweep_file(tmp, f'"office.handoff_loss" = {{ low = 0.0, high = 0.2, steps = {n} }}', 4, 0)
        wall, results = timed_sweep(path, 1, tmp / "out", ["population.citizens=200"])
        spec = sw.load_sweep(path, ["population.citizens=200"])
        t0 = time.perf_counter()
        for point in spec.points().to_dict("records"):      # the same runs, bare
            ms.run(spec.scenario_at(point), seed=1)
        bare = time.perf_counter() - t0
    return {"benchmark": "sweep_overhead", "runs": n, "sweep_wall_s": round(wall, 3), "bare_runs_s": round(bare, 3),
            "overhead_ms_per_run": round(1000 * (wall - bare) / n, 2)}


def memory_child(runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        path = _sweep_file(tmp, f'"office.handoff_loss" = {{ low = 0.0, high = 0.2, steps = {runs} }}', 4, 0)
        t0 = time.perf_counter()
        _, results = timed_sweep(path, 2, tmp / "out", ["population.citizens=200"])
        wall = time.perf_counter() - t0
    parent = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"benchmark": "sweep_memory", "runs": len(results), "wall_s": round(wall, 1),
                      "peak_rss_mb_parent": round(parent, 1), "peak_rss_mb_largest_worker": round(worker, 1)}))


def memory(quick: bool) -> dict:
    runs = 200 if quick else 1000
    out = subprocess.run([sys.executable, __file__, "--memory-child", str(runs)], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sweeps (a smoke test)")
    parser.add_argument("--memory-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args.memory_child)
        return
    machine = {"platform": platform.platform(), "python": platform.python_version()}
    benches = [lambda q: speedup(q, 4000 if q else 10_000, 104, 52, 8 if q else 16)]     # short runs
    if not args.quick:                                                    # default-size runs, as sweeps use
        benches.append(lambda q: speedup(q, 20_000, 520, 104, 12))
    benches += [overhead, memory]
    for bench in benches:
        print(json.dumps({**bench(args.quick), "machine": machine}), flush=True)


if __name__ == "__main__":
    main()

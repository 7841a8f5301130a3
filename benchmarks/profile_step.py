"""Where the time of a weekly step goes: cProfile of settled weeks, sorted by own time.

Builds the scenario scaled to ``--citizens``, runs ``--warmup`` weeks unprofiled (so caseloads
and benefit histories have settled), then profiles ``--weeks`` steps and prints:

1. the three phases of a step (citizens, office, indicators) in ms per week (cumulative time);
2. own time (tottime) summed by module: the model's files, numpy's C functions, the rest;
3. the top ``--top`` functions by own time.

cProfile adds a little overhead per Python call; the model makes about a thousand calls a
week, so the shares are right even if the absolute times run a few per cent high. Example::

    python benchmarks/profile_step.py --citizens 100000
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
from collections import defaultdict
from pathlib import Path

import simulation as ms

DEFAULT_SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "generalist.toml"
PHASES = {"citizens (population.step)": ("population.py", "step"),
          "office (Office.step)": ("office/office.py", "step"),
          "indicators (Recorder.record)": ("metrics.py", "record")}


def module_of(filename: str) -> str:
    """A short group name for a profiled function's file."""
    if filename == "~":
        return "numpy/scipy C functions (builtins)"
    path = Path(filename)
    if "simulation" in path.parts:      # e.g. simulation/office/work.py, simulation/kernels/office.py
        parts = path.parts
        return "/".join(parts[len(parts) - 1 - parts[::-1].index("simulation"):])
    for lib in ("numpy", "scipy", "mesa"):
        if lib in path.parts:
            return f"{lib} (Python wrappers)"
    return "other"


def settled_model(description: str, argv: list[str] | None = None, more_arguments=None):
    """The command line shared with kernel_times.py, and the model after its unmeasured weeks:
    (the arguments, the scenario, the model). ``more_arguments(parser)`` adds a script's own."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--citizens", type=int, default=100_000, help="citizens (default: 100000)")
    p.add_argument("--warmup", type=int, default=104, help="unmeasured weeks first (default: 104)")
    p.add_argument("--weeks", type=int, default=104, help="measured weeks (default: 104)")
    p.add_argument("--scenario", type=Path, default=DEFAULT_SCENARIO,
                   help="scenario TOML file (default: scenarios/generalist.toml)")
    p.add_argument("--seed", type=int, default=1, help="random seed (default: 1)")
    if more_arguments is not None:
        more_arguments(p)
    a = p.parse_args(argv)
    s = ms.load_scenario(a.scenario).scaled(a.citizens)
    # The last unmeasured week is a recorded one, so that the indicators' kernels are loaded before
    # the measured weeks (they are called only in recorded weeks; loading one costs tens of ms).
    recorded_first = min(a.warmup, 1)
    s = s.replace(**{"run.warmup_weeks": a.warmup - recorded_first, "run.weeks": a.weeks + recorded_first})
    model = ms.WelfareModel(s, rng=a.seed)
    for _ in range(a.warmup):
        model.step()
    return a, s, model


def main(argv: list[str] | None = None) -> None:
    a, s, model = settled_model(__doc__.split("\n\n")[0], argv, lambda p: p.add_argument(
        "--top", type=int, default=20, help="functions to list (default: 20)"))
    gc.disable()
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(a.weeks):
        model.step()
    prof.disable()
    stats = pstats.Stats(prof)
    per_week = 1000.0 / a.weeks

    print(f"{a.citizens:,} citizens, {s.total_staff} caseworkers, {a.weeks} profiled weeks "
          f"after {a.warmup} warm-up weeks: {stats.total_tt * per_week:.1f} ms per week (profiled)\n")
    print("phase                              ms/week   share")
    for label, (fname, func) in PHASES.items():
        ct = sum(v[3] for k, v in stats.stats.items() if k[0].endswith(fname) and k[2] == func)
        print(f"{label:34s} {ct * per_week:7.2f}  {ct / stats.total_tt:6.1%}")

    by_module: dict[str, float] = defaultdict(float)
    for (fname, _, _), v in stats.stats.items():
        by_module[module_of(fname)] += v[2]
    print("\nown time by module                  ms/week   share")
    for mod, tt in sorted(by_module.items(), key=lambda kv: -kv[1]):
        print(f"{mod:35s} {tt * per_week:7.2f}  {tt / stats.total_tt:6.1%}")

    print(f"\ntop {a.top} functions by own time (tottime):")
    stats.strip_dirs().sort_stats("tottime").print_stats(a.top)  # file names, not machine paths


if __name__ == "__main__":
    main()

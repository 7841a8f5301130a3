"""CPU-time profile of the weekly step (cProfile with ``time.process_time`` as its clock).

On a shared, loaded machine wall-clock profiles mostly measure the neighbours; CPU time is
steadier. Loads the compiled kernels first (a tiny run), builds the generalist scenario scaled
to CITIZENS with no warm-up, profiles WEEKS steps and prints the TOP functions by own time::

    python benchmarks/cpu_profile.py 100000 40 30
"""

from __future__ import annotations

import cProfile
import gc
import pstats
import sys
import time

import simulation as ms
from simulation.scenario import apply_settings, load_scenario


def main() -> None:
    n, weeks = int(sys.argv[1]), int(sys.argv[2])
    top = int(sys.argv[3]) if len(sys.argv) > 3 else 45
    base = load_scenario("scenarios/generalist.toml")
    ms.run(apply_settings(base, weeks=2, warmup_weeks=0).scaled(200), seed=0)   # load the kernels
    model = ms.WelfareModel(apply_settings(base, weeks=weeks, warmup_weeks=0).scaled(n), rng=1)
    gc.disable()
    profile = cProfile.Profile(timer=time.process_time)
    profile.enable()
    model.run()
    profile.disable()
    pstats.Stats(profile).sort_stats("tottime").print_stats(top)


if __name__ == "__main__":
    main()

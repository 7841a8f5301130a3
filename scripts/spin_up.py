"""How long must the spin-up be? The bias a recorded window carries after each candidate spin-up.

    python scripts/spin_up.py [--scenario FILE] [--replications 8] [--years 50]
                              [--reference-years 20] [--jobs N] [--seed 1] [--out CSV]

Runs the scenario with ``run.warmup_weeks = 0`` for ``--years`` recorded years, once per
replication (seeds derived from ``--seed`` as ``marginsim compare`` derives them), and prints,
per headline stock, how far the mean over a window of the scenario's recorded length (``run.weeks``)
lies from the long-run mean (the last ``--reference-years`` years) when the window starts after
0, 5, 10, ... years of spin-up, beside the seed-to-seed noise of one run's window mean
(:mod:`simulation.settling`). ``--out`` also writes every run's yearly stocks (CSV). The default
district takes about 2 CPU-minutes for 8 runs of 50 years.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from simulation import runner, settling  # noqa: E402  (the checkout's package, after the path)
from simulation.scenario import ScenarioError, load_scenario  # noqa: E402
from simulation.vocabulary import WEEKS_PER_YEAR  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--scenario", type=Path, default=ROOT / "scenarios" / "generalist.toml",
                   help="scenario TOML file (default: scenarios/generalist.toml)")
    p.add_argument("--replications", type=int, default=8, help="runs, one seed each (default: 8)")
    p.add_argument("--years", type=int, default=50, help="recorded years of each run (default: 50)")
    p.add_argument("--reference-years", type=int, default=20,
                   help="last years whose mean is the long-run mean (default: 20)")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (default: all cores)")
    p.add_argument("--seed", type=int, default=1, help="root seed (default: 1)")
    p.add_argument("--out", type=Path, help="also write every run's yearly stocks to this CSV file")
    a = p.parse_args(argv)
    try:
        scenario = load_scenario(a.scenario)
    except (ScenarioError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    window = scenario.run.weeks // WEEKS_PER_YEAR
    spin_ups = list(range(0, a.years - a.reference_years - window + 1, 5))
    if a.replications < 1 or window < 1 or not spin_ups or a.reference_years < window:
        print(f"error: --years {a.years} must hold a window of {window} years (run.weeks of {a.scenario}) and "
              f"--reference-years {a.reference_years} (at least one window), with --replications >= 1",
              file=sys.stderr)
        return 2
    recorded = scenario.replace(**{"run.warmup_weeks": 0, "run.weeks": a.years * WEEKS_PER_YEAR})
    tasks = [runner.Task((k,), recorded, seed) for k, seed in enumerate(runner.seeds(a.seed, a.replications))]
    yearly: dict[int, object] = {}
    runner.execute(tasks, a.jobs, lambda key, result: yearly.__setitem__(key[0], settling.yearly_stocks(
        result.timeseries)))
    runs = [yearly[k] for k in range(a.replications)]
    table = settling.window_bias(runs, window, spin_ups, a.reference_years)
    if a.out is not None:
        import pandas as pd
        pd.concat(runs, keys=range(a.replications), names=["replication"]).to_csv(a.out)

    print(f"{a.scenario.name}: {a.replications} runs of {a.years} years from week 0; a recorded window of "
          f"{window} years; long-run mean = years {a.years - a.reference_years}-{a.years - 1}; the scenario's "
          f"spin-up is {scenario.run.warmup_weeks / WEEKS_PER_YEAR:g} years.\n")
    print("Mean over the window, % from the long-run mean (rows: years of spin-up before the window):\n")
    print("| | " + " | ".join(table.columns) + " |")
    print("|---" * (len(table.columns) + 1) + "|")
    for name, row in table.iterrows():
        print(f"| {name} | " + " | ".join(f"{v:+.2f}" if name.startswith("spin-up") else f"{v:.2f}"
                                           for v in row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

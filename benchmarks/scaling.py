"""Scaling: throughput and peak memory at 10,000, 100,000 and 1,000,000 citizens.

Each measurement is ``throughput.py`` in its own subprocess (so its peak RSS is that run's
only), single-threaded (``OPENBLAS_NUM_THREADS=1`` and friends: the targets are per core),
one after another, never in parallel. Repeats are interleaved (all sizes, then all sizes
again) so a slow spell on a shared machine hits every size alike; the table gives the best
and the median of the repeats. The last row is the default run as users make it: the
scenario unscaled (20,000 citizens, 104 + 520 weeks), ``wall_s`` of the whole ``run()``.

Every raw JSON line is also written to ``--out`` (default benchmarks/results/scaling-DATE.jsonl).
Example (about 10 minutes on a 2-core EPYC, most of it the 1,000,000-citizen runs)::

    python benchmarks/scaling.py
    python benchmarks/scaling.py --sizes 10000 100000 --repeats 5
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ONE_THREAD = {k: "1" for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}


def measure(args: list[str]) -> dict:
    """Run throughput.py with ``args`` in a fresh single-threaded process; its JSON line as a dict."""
    proc = subprocess.run([sys.executable, str(HERE / "throughput.py"), *args], capture_output=True,
                          text=True, env={**os.environ, **ONE_THREAD}, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def summarise(runs: list[dict], label: str) -> str:
    """One Markdown table row: best and median of the repeats, largest peak RSS."""
    def col(key):
        return [r[key] for r in runs]
    sim, rate = col("simulate_s"), col("citizen_weeks_per_s")
    r = runs[0]
    cells = [label, f"{r['citizens']:,}", str(r["weeks"]), str(r["caseworkers"]),
             f"{min(col('build_s')):.2f}",
             f"{min(sim):.2f} / {statistics.median(sim):.2f}",
             f"{min(col('wall_s')):.2f} / {statistics.median(col('wall_s')):.2f}",
             f"{max(rate) / 1e6:.2f} / {statistics.median(rate) / 1e6:.2f}",
             f"{max(col('peak_rss_mb')):,.0f}"]
    if "boltzmann_agent_steps_per_s" in r:
        cells.append(f"{statistics.median(col('boltzmann_agent_steps_per_s')) / 1e3:.0f}k")
    return "| " + " | ".join(cells) + " |"


HEADER = ("| run | citizens | weeks | caseworkers | build s (best) | simulate s best / median "
          "| run() wall s best / median | M citizen-weeks/s best / median | peak RSS MB (max) "
          "| Boltzmann agent-steps/s (median) |\n|" + "---|" * 10)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000],
                   help="citizen counts to run (default: 10000 100000 1000000)")
    p.add_argument("--weeks", type=int, default=520, help="recorded weeks (default: 520 = 10 years)")
    p.add_argument("--warmup", type=int, default=104, help="warm-up weeks (default: 104)")
    p.add_argument("--repeats", type=int, default=3, help="runs per size (default: 3)")
    p.add_argument("--scenario", type=Path, default=None,
                   help="scenario TOML file (default: scenarios/generalist.toml)")
    p.add_argument("--no-default-run", action="store_true",
                   help="skip the unscaled default run (20,000 citizens, 624 weeks)")
    p.add_argument("--out", type=Path, default=HERE / "results" / f"scaling-{time.strftime('%Y-%m-%d')}.jsonl",
                   help="file for the raw JSON lines (default: benchmarks/results/scaling-DATE.jsonl)")
    a = p.parse_args(argv)

    common = ["--scenario", str(a.scenario)] if a.scenario else []
    jobs = {f"{n:,} citizens": common + ["--citizens", str(n), "--weeks", str(a.weeks), "--warmup", str(a.warmup)]
            for n in a.sizes}
    if not a.no_default_run:
        jobs["default run"] = common
    runs: dict[str, list[dict]] = {label: [] for label in jobs}
    a.out.parent.mkdir(parents=True, exist_ok=True)
    with a.out.open("a") as out:
        for rep in range(a.repeats):
            for label, args in jobs.items():
                r = measure(args)
                runs[label].append(r)
                out.write(json.dumps(r) + "\n")
                out.flush()
                print(f"[{rep + 1}/{a.repeats}] {label}: simulate {r['simulate_s']:.2f} s, "
                      f"{r['citizen_weeks_per_s'] / 1e6:.2f} M citizen-weeks/s, "
                      f"peak RSS {r['peak_rss_mb']:.0f} MB", file=sys.stderr, flush=True)
    r = next(iter(runs.values()))[0]
    print(f"{r['machine']} | Python {r['python']}, numpy {r['numpy']}, mesa {r['mesa']} | "
          f"code {r['code']} | {r['date']}\n")
    print(HEADER)
    for label, rs in runs.items():
        print(summarise(rs, label))


if __name__ == "__main__":
    main()

"""What the person-week panel costs: run time, memory and file size (docs/panel.md).

Runs the default scenario (generalist.toml as is: 20,000 citizens, 104 + 520 weeks) without a
panel, with a 5 % panel and with a full panel, each in its own process (so peak memory is that
run's), and prints a Markdown table. The machine may be shared: run it when it is quiet, and
compare the rows of one invocation with each other rather than with other days.

    python benchmarks/panel_cost.py                       # none, 0.05, all
    python benchmarks/panel_cost.py --panels none 0.05 --seed 2
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ONE = r"""
import gc, json, resource, sys, tempfile, time
from pathlib import Path
import simulation as ms
from simulation.model import WelfareModel
from simulation.panel import PanelSpec
from simulation.results import PANEL
scenario_path, seed, panel, folder = sys.argv[1], int(sys.argv[2]), sys.argv[3], Path(sys.argv[4])
scenario = ms.load_scenario(scenario_path)
rss = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
out = {"panel": panel, "rss_before_mb": rss()}
model = WelfareModel(scenario, rng=seed, panel=None if panel == "none" else PanelSpec.of(panel))
recording = [0.0]
if model.panel is not None:          # time spent recording, measured inside the same run
    record = model.panel.record
    def timed(m, week):
        t = time.perf_counter()
        record(m, week)
        recording[0] += time.perf_counter() - t
    model.panel.record = timed
gc.disable()
t = time.perf_counter()
model.run()
out["simulate_s"] = time.perf_counter() - t
gc.enable()
out["record_s"] = recording[0]
out["peak_rss_run_mb"] = rss()
if model.panel is not None:
    out["chunks_mb"] = model.panel.nbytes / 2**20
    t = time.perf_counter()
    frame = model.panel.frame(release=True)
    out["frame_s"] = time.perf_counter() - t
    out["rows"] = len(frame)
    out["frame_mb"] = frame.memory_usage(deep=True).sum() / 2**20
    out["peak_rss_frame_mb"] = rss()
    t = time.perf_counter()
    frame.to_parquet(folder / PANEL, index=False)
    out["write_s"] = time.perf_counter() - t
    out["parquet_mb"] = (folder / PANEL).stat().st_size / 2**20
    out["peak_rss_write_mb"] = rss()
print(json.dumps(out))
"""

READ = r"""
import json, resource, sys, time
import pandas as pd
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
t = time.perf_counter()
pd.read_parquet(sys.argv[1])
print(json.dumps({"read_s": time.perf_counter() - t, "rss_before_read_mb": before,
                  "peak_rss_read_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default=str(ROOT / "scenarios" / "generalist.toml"))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--panels", nargs="+", default=["none", "0.05", "all"], help="'none', a share, or 'all'")
    args = ap.parse_args()
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for panel in args.panels:
            proc = subprocess.run([sys.executable, "-c", ONE, args.scenario, str(args.seed), panel, tmp],
                                  capture_output=True, text=True, env=env, cwd=ROOT, check=True)
            row = json.loads(proc.stdout.strip().splitlines()[-1])
            if panel != "none":
                proc = subprocess.run([sys.executable, "-c", READ, str(Path(tmp) / "panel.parquet")],
                                      capture_output=True, text=True, env=env, cwd=ROOT, check=True)
                row.update(json.loads(proc.stdout.strip().splitlines()[-1]))
            rows.append(row)
            print(json.dumps(row), file=sys.stderr)
    print("| panel | rows | simulate s | of which recording s | overhead | frame s | write s | read s "
          "| frame MB | parquet MB | peak RSS MB: run / frame / write / read |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in rows:
        if r["panel"] == "none":
            print(f"| none | | {r['simulate_s']:.2f} | | | | | | | | {r['peak_rss_run_mb']:.0f} |")
            continue
        over = r["record_s"] / (r["simulate_s"] - r["record_s"])
        print(f"| {r['panel']} | {r['rows']:,} | {r['simulate_s']:.2f} | {r['record_s']:.2f} | {over:+.0%} "
              f"| {r['frame_s']:.2f} | {r['write_s']:.2f} | {r['read_s']:.2f} | {r['frame_mb']:.0f} "
              f"| {r['parquet_mb']:.0f} | {r['peak_rss_run_mb']:.0f} / {r['peak_rss_frame_mb']:.0f} / "
              f"{r['peak_rss_write_mb']:.0f} / {r['peak_rss_read_mb']:.0f} |")


if __name__ == "__main__":
    main()

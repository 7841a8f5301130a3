"""Calibration helper: fit the least-known parameters to target statistics (simulated method of moments).

    from simulation import calibrate
    fit = calibrate.fit(
        base=ms.load_scenario("scenarios/generalist.toml").scaled(8000),
        parameters={"arenas.work_decay_out_of_work": (0.008, 0.03), "labour_market.job_finding": (0.08, 0.2)},
        targets={"unemployment_exit_1_month": 0.30, "unemployment_exit_6_months": 0.70,
                 "sa_months_per_recipient": 5.3},
        points=24, replications=2, jobs=2)
    fit.best            # the fitted values
    fit.table           # every point with its simulated moments and distance

Method: a Latin hypercube over the parameter box, each point run ``replications`` times with the
same seeds (common random numbers, so points differ by their parameters, not by luck); the
distance of a point is the sum over targets of ``weight * ((simulated - target) / target) ** 2``
on the mean over replications. The best point is then refined by a second, narrower hypercube
around it (``refine`` times, halving the box). To recalibrate to another country, change the
``targets`` (any summary indicator) and the parameter box; nothing else in the model changes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .runner import Task, execute, seeds
from .sampling import Parameter, design
from .scenario import Scenario


@dataclass
class Fit:
    best: dict[str, float]
    distance: float
    moments: dict[str, float]      # simulated target statistics at the best point
    table: pd.DataFrame            # every point tried: parameters, moments, distance, round


def distance(moments: dict, targets: dict, weights: dict | None = None) -> float:
    weights = weights or {}
    return float(sum(weights.get(k, 1.0) * ((moments[k] - v) / v) ** 2 for k, v in targets.items()))


def fit(base: Scenario, parameters: dict[str, tuple[float, float]], targets: dict[str, float], *,
        weights: dict[str, float] | None = None, points: int = 24, replications: int = 2, refine: int = 1,
        seed: int = 1, jobs: int = 1, progress=None) -> Fit:
    """Fit ``parameters`` (dotted key -> (low, high)) so the summary matches ``targets``."""
    box = dict(parameters)
    rep_seeds = seeds(seed, replications)
    tried = []
    for round_ in range(refine + 1):
        params = [Parameter(k, low=lo, high=hi) for k, (lo, hi) in box.items()]
        pts = design(params, "lhs", points, seed + round_)
        tasks = [Task((round_, i, r), base.replace(**row), rep_seeds[r])
                 for i, row in enumerate(pts.to_dict("records")) for r in range(replications)]
        sums: dict[int, list[dict]] = {}

        def keep(key, result, sums=sums):
            sums.setdefault(key[1], []).append(result.summary)
            if progress:
                progress(1)

        execute(tasks, jobs=jobs, on_result=keep)
        for i, row in enumerate(pts.to_dict("records")):
            moments = {k: float(np.mean([s[k] for s in sums[i]])) for k in targets}
            tried.append({"round": round_, **row, **moments, "distance": distance(moments, targets, weights)})
        table = pd.DataFrame(tried)
        best = table.loc[table["distance"].idxmin()]
        # next round: a box half as wide around the best point, inside the original bounds
        box = {k: (max(parameters[k][0], best[k] - (hi - lo) / 4), min(parameters[k][1], best[k] + (hi - lo) / 4))
               for k, (lo, hi) in box.items()}
    table = pd.DataFrame(tried)
    best = table.loc[table["distance"].idxmin()]
    return Fit(best={k: float(best[k]) for k in parameters}, distance=float(best["distance"]),
               moments={k: float(best[k]) for k in targets}, table=table)

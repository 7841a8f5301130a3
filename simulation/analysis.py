"""Statistics over replications: means, 95 % intervals and paired differences.

Replication k of every scenario uses the same seed (common random numbers), so differences
between scenarios are taken pair by pair and their interval is narrower than the intervals of
the two means. Intervals are Student-t intervals over replications.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from . import indicators


def interval(values, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and two-sided t interval of ``values`` (NaNs dropped)."""
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    if len(x) == 0:
        return (np.nan, np.nan, np.nan)
    m = float(x.mean())
    if len(x) < 2:
        return (m, np.nan, np.nan)
    half = float(stats.t.ppf(0.5 + level / 2, len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x)))
    return (m, m - half, m + half)


def summarise_replications(reps: pd.DataFrame, metrics: list[str] | None = None,
                           baseline: str | None = None) -> pd.DataFrame:
    """One row per scenario and metric: mean with 95 % interval, the paired difference against
    ``baseline`` (default: the first scenario) with its interval, the smallest difference that
    matters for that metric (``threshold``, from the indicator catalogue and the baseline's mean)
    and the ``verdict`` the interval and threshold allow (:func:`verdict`).

    ``reps`` has columns ``scenario``, ``replication`` and one column per metric; by default every
    catalogued indicator in it is summarised.
    """
    metrics = metrics or [m for m in reps.columns if indicators.known(m)]
    names = list(dict.fromkeys(reps["scenario"]))
    baseline = baseline or names[0]
    base = reps[reps["scenario"] == baseline].set_index("replication")
    rows = []
    base_means = {m: interval(base[m])[0] for m in metrics}
    for name in names:
        mine = reps[reps["scenario"] == name].set_index("replication")
        paired = mine.index.intersection(base.index)
        for metric in metrics:
            mean, lo, hi = interval(mine[metric])
            d, dlo, dhi = interval(mine.loc[paired, metric] - base.loc[paired, metric])
            row = {"scenario": name, "metric": metric, "n": int(mine[metric].notna().sum()),
                   "mean": mean, "ci_low": lo, "ci_high": hi, "baseline": baseline,
                   "diff": d, "diff_low": dlo, "diff_high": dhi,
                   "threshold": indicators.get(metric).threshold(base_means[metric], mean)}
            row["verdict"] = verdict(row) if name != baseline else "baseline"
            rows.append(row)
    return pd.DataFrame(rows)


def verdict(row) -> str:
    """What a paired difference row allows us to say:

    * ``no clear difference``: its interval includes zero (or there is no interval);
    * ``no practical difference``: the interval excludes zero but the difference is smaller than
      the smallest difference that matters (``threshold``; the indicator catalogue says why);
    * ``higher`` or ``lower``: both.
    """
    if np.isnan(row["diff_low"]) or row["diff_low"] <= 0 <= row["diff_high"]:
        return "no clear difference"
    threshold = row.get("threshold", np.nan)
    if not np.isnan(threshold) and abs(row["diff"]) < threshold:
        return "no practical difference"
    return "higher" if row["diff"] > 0 else "lower"


def size_against_threshold(row, baseline_mean: float = np.nan) -> float:
    """How many times the smallest difference that matters the difference is. NaN without a
    threshold, and for a relative threshold against a baseline of zero: taken from the other
    value (:meth:`Indicator.threshold`), every such difference is the same multiple of it, so it
    has no size to rank by."""
    threshold = row.get("threshold", np.nan)
    if baseline_mean == 0 and indicators.get(row["metric"]).relative:
        return np.nan
    return abs(row["diff"]) / threshold if threshold and not np.isnan(threshold) else np.nan


def band(timeseries: pd.DataFrame, column: str, level: float = 0.95) -> pd.DataFrame:
    """Per scenario and week: mean of ``column`` over replications and its t interval."""
    g = timeseries.groupby(["scenario", "week"], sort=False)[column].agg(["mean", "std", "count"]).reset_index()
    half = stats.t.ppf(0.5 + level / 2, np.maximum(g["count"] - 1, 1)) * g["std"] / np.sqrt(g["count"])
    return g.assign(low=g["mean"] - half, high=g["mean"] + half)[["scenario", "week", "mean", "low", "high"]]

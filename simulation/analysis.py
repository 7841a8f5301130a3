"""Statistics over replications: means, 95 % intervals and paired differences.

Replication k of every scenario uses the same seed (common random numbers), so differences
between scenarios are taken pair by pair and their interval is narrower than the intervals of
the two means. Intervals are Student-t intervals over replications.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

#: indicators compared by default: key -> (label, format, which direction is better)
HEADLINE = {
    "mean_position": ("mean position on the inclusion-exclusion axis", "{:.3f}", "higher"),
    "share_2plus_lost": ("share of citizens with 2+ arenas lost", "{:.2%}", "lower"),
    "share_3plus_lost": ("share of citizens with 3+ arenas lost", "{:.2%}", "lower"),
    "sa_recipient_share": ("social-assistance recipients, share of adults", "{:.2%}", "lower"),
    "sa_months_per_recipient": ("months on social assistance per recipient-year", "{:.2f}", "lower"),
    "sa_share_6plus_months": ("recipients with 6+ months in a year", "{:.1%}", "lower"),
    "user_exits_to_work_per_year": ("office users leaving for work, per year", "{:.0f}", "higher"),
    "unemployment_exit_6_months": ("unemployment spells ended within 6 months", "{:.1%}", "higher"),
    "to_disability_per_1000_per_year": ("new disability benefits per 1,000 a year", "{:.2f}", "lower"),
    "first_follow_up_wait_weeks": ("weeks from intake to first follow-up", "{:.1f}", "lower"),
    "decision_wait_weeks": ("weeks from application to decision", "{:.2f}", "lower"),
    "handoffs_per_user": ("hand-offs per user", "{:.2f}", "lower"),
    "contact_points_per_user": ("contact points (caseworkers met) per user", "{:.2f}", "lower"),
    "lost_in_handoff_per_year": ("users lost at transfers per year", "{:.1f}", "lower"),
    "time_share_follow_up": ("caseworker time on follow-up", "{:.1%}", "higher"),
    "time_share_decisions": ("caseworker time on decisions", "{:.1%}", None),
    "creaming_index": ("creaming index (+: hours to the most included)", "{:+.2f}", "lower"),
    "cost_nok_per_exit_to_work": ("cost per user leaving for work (NOK)", "{:,.0f}", "lower"),
}


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
    """One row per scenario and metric: mean with 95 % interval, and the paired difference
    against ``baseline`` (default: the first scenario) with its interval.

    ``reps`` has columns ``scenario``, ``replication`` and one column per metric.
    """
    metrics = metrics or [m for m in HEADLINE if m in reps.columns]
    names = list(dict.fromkeys(reps["scenario"]))
    baseline = baseline or names[0]
    base = reps[reps["scenario"] == baseline].set_index("replication")
    rows = []
    for name in names:
        mine = reps[reps["scenario"] == name].set_index("replication")
        paired = mine.index.intersection(base.index)
        for metric in metrics:
            mean, lo, hi = interval(mine[metric])
            d, dlo, dhi = interval(mine.loc[paired, metric] - base.loc[paired, metric])
            rows.append({"scenario": name, "metric": metric, "n": int(mine[metric].notna().sum()),
                         "mean": mean, "ci_low": lo, "ci_high": hi, "baseline": baseline,
                         "diff": d, "diff_low": dlo, "diff_high": dhi})
    return pd.DataFrame(rows)


def verdict(row) -> str:
    """'higher', 'lower' or 'no clear difference' for a paired difference row."""
    if np.isnan(row["diff_low"]) or row["diff_low"] <= 0 <= row["diff_high"]:
        return "no clear difference"
    return "higher" if row["diff"] > 0 else "lower"


def band(timeseries: pd.DataFrame, column: str, level: float = 0.95) -> pd.DataFrame:
    """Per scenario and week: mean of ``column`` over replications and its t interval."""
    g = timeseries.groupby(["scenario", "week"], sort=False)[column].agg(["mean", "std", "count"]).reset_index()
    half = stats.t.ppf(0.5 + level / 2, np.maximum(g["count"] - 1, 1)) * g["std"] / np.sqrt(g["count"])
    return g.assign(low=g["mean"] - half, high=g["mean"] + half)[["scenario", "week", "mean", "low", "high"]]

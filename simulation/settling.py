"""How long the spin-up must be: how the headline stocks settle from the initial state.

A run starts from a state drawn near the calibration targets (docs/ODD.md §5) and records only
after ``run.warmup_weeks``. Whether that spin-up is long enough is a question about the model's
own dynamics: a stock whose recipients stay for decades (disability) moves towards its steady
state for decades. This module answers it from runs recorded from week 0 (``run.warmup_weeks =
0``, many years): each stock's yearly means, and, for each candidate spin-up, how far the mean
over a recorded window that starts after it lies from the long-run mean (the *bias* a run with
that spin-up carries in every level it reports), beside how much a single run's window mean
varies from seed to seed (the *noise*). ``scripts/spin_up.py`` runs the seeds and prints the
table; docs/calibration.md ("Steady state and the window") reports it for the default district.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .metrics import stock_series
from .vocabulary import WEEKS_PER_YEAR


def yearly_stocks(timeseries: pd.DataFrame) -> pd.DataFrame:
    """The headline stocks (:func:`simulation.metrics.stock_series`) as yearly means, one row per
    whole recorded year (a last, incomplete year is left out)."""
    years = len(timeseries) // WEEKS_PER_YEAR
    stocks = pd.DataFrame(stock_series(timeseries.iloc[:years * WEEKS_PER_YEAR].reset_index(drop=True)))
    table = stocks.groupby(np.arange(len(stocks)) // WEEKS_PER_YEAR).mean()
    table.index.name = "year"
    return table


def window_bias(runs: Sequence[pd.DataFrame], window_years: int, spin_ups: Sequence[int],
                reference_years: int) -> pd.DataFrame:
    """Bias and noise of a recorded window's mean, in per cent of the long-run mean.

    ``runs``: yearly stocks (:func:`yearly_stocks`) of runs recorded from week 0, one per seed,
    all of the same length. The long-run mean of a stock is its mean over the runs' last
    ``reference_years`` years. Row ``spin-up S``: the mean over the runs of the stock over years S
    to S + ``window_years`` − 1, relative to the long-run mean, minus 1 (the bias a run with S
    years of spin-up carries). Row ``single-run noise``: the standard deviation of one run's
    window mean, from the non-overlapping windows of every run in the reference years, relative
    to the long-run mean (what a single run's window mean varies by from seed to seed; the
    interval of a mean over R replications is about 2/sqrt(R) of it on each side).
    """
    if not runs:
        raise ValueError("window_bias needs at least one run")
    years = min(len(r) for r in runs)
    if any(len(r) != years for r in runs):
        raise ValueError("window_bias needs runs of the same length")
    if reference_years < window_years:
        raise ValueError(f"reference_years ({reference_years}) must hold at least one window ({window_years})")
    last = max(spin_ups, default=0) + window_years
    if last > years - reference_years:
        raise ValueError(f"runs of {years} years are too short: the windows after the longest spin-up end in "
                         f"year {last} and the reference takes the last {reference_years}")
    mean = sum(r.to_numpy() for r in runs) / len(runs)
    mean = pd.DataFrame(mean, columns=runs[0].columns)
    long_run = mean.iloc[years - reference_years:].mean()
    rows = {f"spin-up {s}": (mean.iloc[s:s + window_years].mean() / long_run - 1.0) * 100.0 for s in spin_ups}
    starts = range(years - reference_years, years - window_years + 1, window_years)
    windows = pd.DataFrame([r.iloc[a:a + window_years].mean() for r in runs for a in starts])
    rows["single-run noise"] = (windows.std(ddof=1) / long_run) * 100.0 if len(windows) > 1 else long_run * np.nan
    return pd.DataFrame(rows).T

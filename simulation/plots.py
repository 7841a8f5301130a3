"""Figures drawn from results tables (never from a live model): PNG files for a run folder.

Each function takes the weekly table (``timeseries``) and returns a matplotlib Figure; the
caller decides where it goes. ``run_figures`` writes the standard set for one run.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib.pyplot as plt  # the backend is the user's (inline in notebooks; Agg when headless)
import numpy as np
import pandas as pd
from matplotlib.ticker import StrMethodFormatter

from . import indicators
from .caseworkers import ACTIVITY_NAMES
from .metrics import AXIS_BINS
from .population import ARENAS

YEAR = 52.0


def _years(ts: pd.DataFrame) -> np.ndarray:
    return ts["week"].to_numpy() / YEAR


def inclusion_axis(ts: pd.DataFrame, title: str = "") -> plt.Figure:
    """Where citizens are on the inclusion-exclusion axis, week by week (share per tenth of the axis)."""
    fig, ax = plt.subplots(figsize=(8, 4))
    bins = ts[[f"axis_bin_{k}" for k in range(AXIS_BINS)]].to_numpy().T
    years = _years(ts)
    mesh = ax.imshow(np.log10(np.maximum(bins, 1e-4)), aspect="auto", origin="lower", cmap="viridis",
                     extent=(years[0], years[-1] + 1 / YEAR, 0.0, 1.0), vmin=-4, vmax=0)
    ax.plot(years, ts["mean_position"], color="white", lw=1.5, label="mean position")
    ax.set(xlabel="years", ylabel="position (0 = excluded, 1 = included)",
           title=f"Inclusion-exclusion axis {title}".strip())
    fig.colorbar(mesh, ax=ax, label="log10 share of citizens")
    ax.legend(loc="lower right")
    fig.tight_layout()
    return fig


def arenas_lost(ts: pd.DataFrame, title: str = "") -> plt.Figure:
    """Share of citizens with 1-4 arenas lost, and exclusion per arena."""
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 4))
    years = _years(ts)
    a1.stackplot(years, *[100 * ts[f"share_lost_{k}"] for k in range(1, 5)],
                 labels=[f"{k} lost" for k in range(1, 5)], alpha=0.85)
    a1.set(xlabel="years", ylabel="% of citizens", title="Arenas lost")
    a1.legend(loc="upper left", fontsize=8)
    for arena in ARENAS:
        a2.plot(years, 100 * ts[f"excluded_{arena}"], label=arena)
    a2.set(xlabel="years", ylabel="% of citizens outside the arena", title="Exclusion per arena")
    a2.legend(fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def time_use(ts: pd.DataFrame, title: str = "") -> plt.Figure:
    """Caseworker hours per week by activity (stacked)."""
    fig, ax = plt.subplots(figsize=(8, 4))
    years = _years(ts)
    ax.stackplot(years, *[ts[f"hours_{a}"] for a in ACTIVITY_NAMES],
                 labels=[a.replace("_", " ") for a in ACTIVITY_NAMES], alpha=0.85)
    ax.set(xlabel="years", ylabel="caseworker hours per week", title=f"Caseworker time use {title}".strip())
    ax.legend(loc="upper left", fontsize=8, ncol=3)
    fig.tight_layout()
    return fig


def office_flow(ts: pd.DataFrame, title: str = "") -> plt.Figure:
    """Users, social-assistance recipients, hand-offs and waiting, month by month."""
    monthly = ts.assign(month=ts["week"] // 4).groupby("month")
    years = monthly["week"].first().to_numpy() / YEAR
    fig, axes = plt.subplots(2, 2, figsize=(10, 6), sharex=True)
    panels = [("users", "mean", "office users"), ("on_social_assistance", "mean", "social-assistance recipients"),
              ("handoffs", "sum", "hand-offs per 4 weeks"), ("waiting_for_caseworker", "mean", "users waiting "
                                                                                               "for a caseworker")]
    for ax, (col, how, label) in zip(axes.flat, panels, strict=False):
        ax.plot(years, getattr(monthly[col], how)())
        ax.set(title=label)
    for ax in axes[1]:
        ax.set_xlabel("years")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


FIGURES = {"inclusion_axis": inclusion_axis, "arenas_lost": arenas_lost, "time_use": time_use,
           "office_flow": office_flow}


def run_figures(ts: pd.DataFrame, folder: Path, title: str = "") -> list[Path]:
    """Write the standard figures of one run as PNG files; returns their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, draw in FIGURES.items():
        fig = draw(ts, title)
        path = folder / f"{name}.png"
        fig.savefig(path, dpi=110)
        plt.close(fig)
        paths.append(path)
    return paths


# --------------------------------------------------------------------------------------------
# Comparison figures: several scenarios, replications, 95 % intervals
# --------------------------------------------------------------------------------------------

def _band_plot(ax, bands: pd.DataFrame, scale: float = 1.0) -> None:
    for name, g in bands.groupby("scenario", sort=False):
        years = g["week"].to_numpy() / YEAR
        ax.plot(years, scale * g["mean"], label=name, lw=1.4)
        ax.fill_between(years, scale * g["low"], scale * g["high"], alpha=0.25)
    ax.set_xlabel("years")
    ax.legend(fontsize=8)


def compare_over_time(ts: pd.DataFrame) -> plt.Figure:
    """Adults outside 2+ arenas and mean position over time, with 95 % bands over replications;
    both axes start at zero, so a difference looks as large as it is."""
    from .analysis import band
    ts = ts.assign(share_2plus_lost=ts["share_lost_2"] + ts["share_lost_3"] + ts["share_lost_4"])
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 4))
    _band_plot(a1, band(ts, "share_2plus_lost"), scale=100)
    a1.set(ylabel="% of adults", title="Adults outside 2 or more arenas, week by week")
    a1.set_ylim(bottom=0)
    _band_plot(a2, band(ts, "mean_position"))
    a2.set(ylabel="mean position (0 = excluded, 1 = included)", title="Mean position on the axis, week by week")
    a2.set_ylim(0, 1)
    fig.tight_layout()
    return fig


def compare_bars(summary: pd.DataFrame, metrics: list[str]) -> plt.Figure:
    """One panel per indicator: each scenario's mean with its 95 % interval, in the table's units
    (shares in %), on an axis that starts at zero."""
    cols = 3
    rows = -(-len(metrics) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(11, 3.4 * rows), squeeze=False)
    for ax, metric in zip(list(axes.flat)[:len(metrics)], metrics, strict=True):
        g = summary[summary["metric"] == metric]
        scale, ylabel = indicators.get(metric).axis()
        x = np.arange(len(g))
        err = np.vstack([g["mean"] - g["ci_low"], g["ci_high"] - g["mean"]]) * scale
        ax.bar(x, scale * g["mean"], yerr=np.nan_to_num(err), capsize=4, color=[f"C{i}" for i in range(len(g))])
        ax.axhline(0, color="black", lw=0.8)
        ax.set_xticks(x, g["scenario"], rotation=15, fontsize=8)
        ax.set_title(textwrap.fill(ylabel, 42), fontsize=9)
        if scale * g["mean"].abs().max() >= 10_000:        # NOK: thousands separated, as in the table
            ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    for ax in list(axes.flat)[len(metrics):]:
        ax.axis("off")
    fig.tight_layout()
    return fig


def compare_time_use(reps: pd.DataFrame) -> plt.Figure:
    """Caseworker time by activity, mean over replications, one bar per scenario."""
    shares = reps.groupby("scenario", sort=False)[[f"time_share_{a}" for a in ACTIVITY_NAMES]].mean()
    fig, ax = plt.subplots(figsize=(8, 4))
    bottom = np.zeros(len(shares))
    for a in ACTIVITY_NAMES:
        vals = 100 * shares[f"time_share_{a}"].to_numpy()
        ax.bar(shares.index, vals, bottom=bottom, label=a.replace("_", " "))
        bottom += vals
    ax.set(ylabel="% of contract hours", title="Caseworker time use", ylim=(0, 100))
    ax.legend(fontsize=8, bbox_to_anchor=(1.01, 1), loc="upper left")
    fig.tight_layout()
    return fig


def compare_quintiles(reps: pd.DataFrame) -> plt.Figure:
    """Follow-up hours per user-week by marginalisation quintile (1 = most marginalised), 95 % intervals."""
    from .analysis import interval
    fig, ax = plt.subplots(figsize=(8, 4))
    names = list(dict.fromkeys(reps["scenario"]))
    width = 0.8 / len(names)
    for i, name in enumerate(names):
        g = reps[reps["scenario"] == name]
        stats_ = [interval(g[f"follow_up_hours_per_user_week_q{q}"]) for q in range(1, 6)]
        means = np.array([s[0] for s in stats_])
        err = np.nan_to_num(np.array([[s[0] - s[1], s[2] - s[0]] for s in stats_]).T)
        ax.bar(np.arange(5) + i * width, means, width, yerr=err, capsize=3, label=name)
    ax.set_xticks(np.arange(5) + 0.4 - width / 2, ["1 most\nmarginalised", "2", "3", "4", "5 most\nincluded"])
    ax.set(ylabel="follow-up hours per user-week", title="Who gets follow-up")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


OUTCOME_BARS = ["share_2plus_lost", "sa_months_per_recipient", "user_exits_to_work_per_year",
                "unemployment_exit_6_months", "to_disability_per_1000_per_year", "cost_nok_per_exit_to_work"]
OFFICE_BARS = ["handoffs_per_user", "contact_points_per_user", "lost_in_handoff_per_year",
               "first_follow_up_wait_weeks", "decision_wait_weeks", "creaming_index"]


def _windows(metrics: list[str], weeks: int) -> str:
    """The windows of a figure's panels in words, naming the panels when they differ."""
    groups: dict[str, list[str]] = {}
    for m in metrics:
        groups.setdefault(indicators.window_text(m, weeks), []).append(indicators.label(m))
    if len(groups) == 1:
        return next(iter(groups))
    return "; ".join(f"{', '.join(labels)}: {text}" for text, labels in groups.items())


def comparison_figures(loaded, summary: pd.DataFrame, folder: Path) -> list[tuple[str, Path]]:
    """Write the comparison figures; returns (caption, path) pairs in report order."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    weeks = int(loaded.manifest["weeks"])
    ts = loaded.timeseries(["mean_position", "share_lost_2", "share_lost_3", "share_lost_4"])
    reps = loaded.replications
    hours = reps[[f"follow_up_hours_per_user_week_q{q}" for q in range(1, 6)]].mean()
    trend = ("fall from the most marginalised to the most included (need-based follow-up)"
             if hours.iloc[0] > hours.iloc[4] else
             "rise toward the most included (creaming)" if hours.iloc[4] > hours.iloc[0] else "are level")
    drawn = [
        (f"Adults outside 2 or more arenas and mean position, each recorded week (weeks 0-{weeks - 1}): mean over "
         "replications with its 95 % band; both axes start at zero.", "over_time", compare_over_time(ts)),
        ("People on the margin: mean with 95 % interval, in the headline table's units; "
         f"{_windows(OUTCOME_BARS, weeks)}.",
         "outcomes", compare_bars(summary, OUTCOME_BARS)),
        (f"The office: hand-offs, contact points, waiting and creaming, mean with 95 % interval; "
         f"{_windows(OFFICE_BARS, weeks)}.", "office", compare_bars(summary, OFFICE_BARS)),
        (f"Caseworker time use, % of contract hours, {indicators.window_text('time_share_follow_up', weeks)}.",
         "time_use", compare_time_use(reps)),
        (f"Follow-up hours per user-week by marginalisation quintile, "
         f"{indicators.window_text('follow_up_hours_per_user_week_q1', weeks)}. Averaged over the scenarios, the "
         f"hours {trend}; bars rising toward the most included would show creaming.",
         "follow_up_by_quintile", compare_quintiles(reps)),
    ]
    out = []
    for caption, name, fig in drawn:
        path = folder / f"{name}.png"
        fig.savefig(path, dpi=110)
        plt.close(fig)
        out.append((caption, path))
    return out

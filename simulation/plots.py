"""Figures drawn from results tables (never from a live model): PNG files for a run folder.

Each function takes the weekly table (``timeseries``) and returns a matplotlib Figure; the
caller decides where it goes. ``run_figures`` writes the standard set for one run.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")   # files only; notebooks use their own backend through the functions below
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from .caseworkers import ACTIVITY_NAMES  # noqa: E402
from .metrics import AXIS_BINS  # noqa: E402
from .population import ARENAS  # noqa: E402

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
    ax.stackplot(years, *[ts[f"hours_{a}"] for a in ACTIVITY_NAMES], labels=[a.replace("_", " ") for a in ACTIVITY_NAMES],
                 alpha=0.85)
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
              ("handoffs", "sum", "hand-offs per 4 weeks"), ("waiting_for_caseworker", "mean", "users waiting for a caseworker")]
    for ax, (col, how, label) in zip(axes.flat, panels):
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

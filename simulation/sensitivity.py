"""Sensitivity analysis of a sweep: Morris (mu*, sigma) and Sobol (first-order and total) indices.

Indices come from SALib with bootstrap confidence intervals; the output of each design point is
its mean over replications (all points share the replication seeds, so noise is common to
them). ``write_analysis`` writes ``indices.csv``, one figure per output and ``sensitivity.md``,
which lists which parameters drive which outcomes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .sampling import MORRIS_LEVELS, salib_problem

CONF = 0.95


def point_means(sweep, results: pd.DataFrame, output: str) -> np.ndarray:
    """Mean of ``output`` per design point, in design order."""
    return results.groupby("point")[output].mean().reindex(range(len(sweep.points()))).to_numpy()


def indices(sweep, results: pd.DataFrame) -> pd.DataFrame:
    """One row per output and parameter with the design's indices and their confidence intervals."""
    problem = salib_problem(sweep.parameters)
    x = sweep.points()[[p.name for p in sweep.parameters]].to_numpy(dtype=float)
    rows = []
    for output in sweep.outputs:
        y = point_means(sweep, results, output)
        if np.isnan(y).any():
            raise ValueError(f"{output}: some design points have no finished run or no value")
        if sweep.design == "morris":
            from SALib.analyze import morris
            res = morris.analyze(problem, x, y, num_levels=MORRIS_LEVELS, conf_level=CONF,
                                 num_resamples=1000, seed=sweep.seed)
            for j, name in enumerate(problem["names"]):
                rows.append({"output": output, "parameter": name, "mu_star": res["mu_star"][j],
                             "mu_star_conf": res["mu_star_conf"][j], "sigma": res["sigma"][j], "mu": res["mu"][j]})
        elif sweep.design == "sobol":
            from SALib.analyze import sobol
            res = sobol.analyze(problem, y, calc_second_order=False, conf_level=CONF, num_resamples=1000,
                                seed=sweep.seed)
            for j, name in enumerate(problem["names"]):
                rows.append({"output": output, "parameter": name, "S1": res["S1"][j], "S1_conf": res["S1_conf"][j],
                             "ST": res["ST"][j], "ST_conf": res["ST_conf"][j]})
        else:
            raise ValueError(f"sensitivity indices need a morris or sobol design, not {sweep.design!r}")
    return pd.DataFrame(rows)


def figure(table: pd.DataFrame, output: str, design: str):
    import matplotlib.pyplot as plt
    g = table[table["output"] == output]
    fig, ax = plt.subplots(figsize=(7, 0.5 * len(g) + 1.5))
    y = np.arange(len(g))
    if design == "morris":
        ax.barh(y, g["mu_star"], xerr=g["mu_star_conf"], capsize=3, label="mu* (mean |elementary effect|)")
        ax.scatter(g["sigma"], y, color="k", zorder=3, label="sigma (interaction / non-linearity)")
    else:
        ax.barh(y - 0.2, g["S1"], 0.4, xerr=g["S1_conf"], capsize=3, label="first order S1")
        ax.barh(y + 0.2, g["ST"], 0.4, xerr=g["ST_conf"], capsize=3, label="total ST")
    ax.set_yticks(y, g["parameter"])
    ax.set_title(f"Sensitivity of {output} ({design}, 95 % intervals)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def ranking(table: pd.DataFrame, design: str) -> dict[str, list[tuple[str, float, float]]]:
    """Per output: parameters ordered by importance (mu* or ST), with the index and its interval half-width."""
    key, conf = ("mu_star", "mu_star_conf") if design == "morris" else ("ST", "ST_conf")
    out = {}
    for output, g in table.groupby("output", sort=False):
        g = g.sort_values(key, ascending=False)
        out[output] = list(zip(g["parameter"], g[key], g[conf]))
    return out


def write_analysis(sweep, results: pd.DataFrame, folder: Path) -> pd.DataFrame:
    import matplotlib.pyplot as plt
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    table = indices(sweep, results)
    table.to_csv(folder / "indices.csv", index=False)
    key = "mu*" if sweep.design == "morris" else "total-order index ST"
    lines = [f"# Sensitivity: {sweep.name}", "",
             f"Design: {sweep.design}, {len(sweep.points())} points x {sweep.replications} replications; "
             f"outputs averaged over replications per point; 95 % bootstrap intervals (SALib). "
             f"Parameters are ranked by {key}; a parameter whose interval reaches zero is not shown to matter.", ""]
    for output, ranked in ranking(table, sweep.design).items():
        fig = figure(table, output, sweep.design)
        fig.savefig(folder / f"{output}.png", dpi=110)
        plt.close(fig)
        lines += [f"## {output}", "", f"![{output}]({output}.png)", ""]
        for name, value, half in ranked:
            clear = "drives it" if value - half > 0 else "not distinguishable from no effect"
            lines.append(f"- `{name}`: {value:.4g} ± {half:.2g} ({clear})")
        lines.append("")
    (folder / "sensitivity.md").write_text("\n".join(lines), encoding="utf-8")
    return table

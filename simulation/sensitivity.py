"""Sensitivity analysis of a sweep: Morris (mu*, sigma) and Sobol (first-order and total) indices,
judged against replication noise.

Indices come from SALib with bootstrap confidence intervals; the output of each design point is
its mean over replications (all points share the replication seeds, so noise is common to
them). An index is never zero in a stochastic model, even for a parameter the model never reads:
the point means still differ by chance. The **noise rule**: from the replications of every point,
:func:`replication_noise` builds outputs that are pure replication noise (each replication's
deviation from its point's mean, scaled to the noise of a point mean) and computes the same
indices for them; the largest is the output's *noise level*. A parameter is *influential* only
when the lower end of its index's interval clears that level. With one replication the noise
cannot be estimated and no parameter is called influential. ``write_analysis`` writes
``indices.csv`` (with the noise level and verdict), one figure per output and ``sensitivity.md``,
and warns when a design is too small to separate signal from noise, with the samples it needs.
"""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd

from . import indicators
from .sampling import MORRIS_LEVELS, salib_problem

CONF = 0.95
KEY = {"morris": ("mu_star", "mu_star_conf"), "sobol": ("ST", "ST_conf")}   # what ranks and judges parameters
NOISE_SURROGATES = 4      # replications used to build pure-noise outputs (more add little)


def point_means(sweep, results: pd.DataFrame, output: str) -> np.ndarray:
    """Mean of ``output`` per design point, in design order."""
    return results.groupby("point")[output].mean().reindex(range(len(sweep.points()))).to_numpy()


def _analyse(sweep, problem: dict, x: np.ndarray, y: np.ndarray, output: str) -> list[dict]:
    """SALib's indices of one output vector ``y`` over the design ``x``: one dict per parameter."""
    rows = []
    if sweep.design == "morris":
        from SALib.analyze import morris
        res = morris.analyze(problem, x, y, num_levels=MORRIS_LEVELS, conf_level=CONF,
                             num_resamples=1000, seed=sweep.seed)
        for j, name in enumerate(problem["names"]):
            rows.append({"output": output, "parameter": name, "mu_star": res["mu_star"][j],
                         "mu_star_conf": res["mu_star_conf"][j], "sigma": res["sigma"][j], "mu": res["mu"][j]})
    elif sweep.design == "sobol":
        import warnings

        from SALib.analyze import sobol
        with warnings.catch_warnings():          # a constant output (e.g. no noise) is fine here
            warnings.simplefilter("ignore")
            res = sobol.analyze(problem, y, calc_second_order=False, conf_level=CONF, num_resamples=1000,
                                seed=sweep.seed)
        for j, name in enumerate(problem["names"]):
            rows.append({"output": output, "parameter": name, "S1": res["S1"][j], "S1_conf": res["S1_conf"][j],
                         "ST": res["ST"][j], "ST_conf": res["ST_conf"][j]})
    else:
        raise ValueError(f"sensitivity indices need a morris or sobol design, not {sweep.design!r}")
    return rows


def indices(sweep, results: pd.DataFrame) -> pd.DataFrame:
    """One row per output and parameter with the design's indices and their confidence intervals."""
    problem = salib_problem(sweep.parameters)
    x = sweep.points()[[p.name for p in sweep.parameters]].to_numpy(dtype=float)
    rows = []
    for output in sweep.outputs:
        y = point_means(sweep, results, output)
        if np.isnan(y).any():
            raise ValueError(f"{output}: some design points have no finished run or no value")
        rows += _analyse(sweep, problem, x, y, output)
    return pd.DataFrame(rows)


def _sobol_variance(sweep, y: np.ndarray) -> float:
    """The variance SALib's Sobol estimators divide by: over the A and B rows of the design."""
    step = len(sweep.parameters) + 2
    return float(np.var(np.r_[y[0::step], y[step - 1::step]]))


def replication_noise(sweep, results: pd.DataFrame) -> pd.DataFrame:
    """Per output and parameter: the index that replication noise alone gives (``noise``), on the
    scale of the real index. Empty when the sweep has fewer than two replications.

    Replication r's deviation from its point's mean, divided by sqrt(R - 1), has the variance of
    the noise in a point mean over R replications and keeps the common-random-numbers structure
    across points; its indices (Sobol ones rescaled to the real output's variance) are what noise
    contributes. Averaged over up to NOISE_SURROGATES replications."""
    n_rep = sweep.replications
    if n_rep < 2:
        return pd.DataFrame(columns=["output", "parameter", "noise"])
    problem = salib_problem(sweep.parameters)
    x = sweep.points()[[p.name for p in sweep.parameters]].to_numpy(dtype=float)
    key = KEY[sweep.design][0]
    n_points = len(x)
    rows = []
    for output in sweep.outputs:
        table = results.pivot_table(index="point", columns="replication", values=output).reindex(range(n_points))
        mean = table.mean(axis=1).to_numpy()
        found = []
        for r in list(table.columns)[:NOISE_SURROGATES]:
            z = (table[r].to_numpy() - mean) / math.sqrt(n_rep - 1)
            if np.isnan(z).any():
                continue
            got = pd.DataFrame(_analyse(sweep, problem, x, z, output))[["parameter", key]]
            if sweep.design == "sobol":
                var_y = _sobol_variance(sweep, mean)
                got[key] *= _sobol_variance(sweep, z) / var_y if var_y > 0 else 0.0
            found.append(got)
        if found:
            both = pd.concat(found).groupby("parameter", sort=False)[key].mean()
            rows += [{"output": output, "parameter": p, "noise": float(v)} for p, v in both.items()]
    return pd.DataFrame(rows, columns=["output", "parameter", "noise"])


def judge(table: pd.DataFrame, noise: pd.DataFrame, design: str) -> pd.DataFrame:
    """Add each output's ``noise_level`` (the largest noise index of any parameter) and a
    ``verdict`` per parameter: influential, not distinguishable from noise, or noise unknown."""
    key, conf = KEY[design]
    level = noise.groupby("output")["noise"].max() if len(noise) else pd.Series(dtype=float)
    out = table.copy()
    out["noise_level"] = out["output"].map(level).astype(float)
    low = out[key] - out[conf]
    out["verdict"] = np.where(out["noise_level"].isna(), "noise unknown",
                              np.where(low > out["noise_level"], "influential", "not distinguishable from noise"))
    return out


def design_warnings(sweep, table: pd.DataFrame) -> list[str]:
    """One line per output whose design cannot separate signal from noise, with the samples needed.

    A parameter whose index is twice the noise level is called influential only if the index's
    interval is narrower than the noise level; intervals shrink as 1/sqrt(samples)."""
    key, conf = KEY[sweep.design]
    if sweep.replications < 2:
        return [f"{sweep.name}: {sweep.replications} replication per point, so replication noise cannot be "
                "estimated and no parameter is called influential; run 2 or more replications"]
    lines = []
    for output, g in table.groupby("output", sort=False):
        level, width = float(g["noise_level"].iloc[0]), float(g[conf].median())
        if level > 0 and width > level:
            needed = math.ceil(sweep.samples * (width / level) ** 2)
            if sweep.design == "sobol":
                needed = 2 ** math.ceil(math.log2(needed))
            lines.append(f"{output}: intervals (±{width:.3g}) are wider than the noise level ({level:.3g}); "
                         f"the design cannot separate signal from noise: about {needed} samples are needed "
                         f"(this sweep has {sweep.samples})")
    return lines


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
    if "noise_level" in g and not np.isnan(g["noise_level"].iloc[0]):
        ax.axvline(g["noise_level"].iloc[0], color="grey", ls="--", label="noise level (replications)")
    ax.set_yticks(y, g["parameter"])
    ax.set_title(textwrap.fill(f"Sensitivity of {indicators.label(output)} ({design}, 95 % intervals)", 60))
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def ranking(table: pd.DataFrame, design: str) -> dict[str, list[tuple[str, float, float, str]]]:
    """Per output: parameters ordered by importance (mu* or ST), with the index, its interval
    half-width and the verdict of the noise rule (if ``table`` has been judged)."""
    key, conf = KEY[design]
    out = {}
    for output, g in table.groupby("output", sort=False):
        g = g.sort_values(key, ascending=False)
        verdicts = g["verdict"] if "verdict" in g else [""] * len(g)
        out[output] = list(zip(g["parameter"], g[key], g[conf], verdicts, strict=True))
    return out


def write_analysis(sweep, results: pd.DataFrame, folder: Path) -> pd.DataFrame:
    """Indices judged against replication noise: ``indices.csv``, figures and ``sensitivity.md``.
    The returned table's ``attrs["warnings"]`` lists designs too small to separate signal from noise."""
    import matplotlib.pyplot as plt
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    table = judge(indices(sweep, results), replication_noise(sweep, results), sweep.design)
    table.to_csv(folder / "indices.csv", index=False)
    warnings = design_warnings(sweep, table)
    key = "mu*" if sweep.design == "morris" else "total-order index ST"
    lines = [f"# Sensitivity: {sweep.name}", "",
             f"Design: {sweep.design}, {len(sweep.points())} points x {sweep.replications} replications; "
             f"outputs averaged over replications per point; 95 % bootstrap intervals (SALib). "
             f"Parameters are ranked by {key}. **Noise rule:** replication noise alone gives every parameter "
             "a non-zero index; the *noise level* is the largest index that pure-noise outputs built from the "
             "replications get (docs/sweeps.md). A parameter is *influential* only when the lower end of its "
             "interval is above the noise level.", ""]
    lines += [f"> **Warning:** {w}" for w in warnings] + ([""] if warnings else [])
    for output, ranked in ranking(table, sweep.design).items():
        fig = figure(table, output, sweep.design)
        fig.savefig(folder / f"{output}.png", dpi=110)
        plt.close(fig)
        level = table.loc[table["output"] == output, "noise_level"].iloc[0]
        noise = "unknown (one replication)" if np.isnan(level) else f"{level:.4g}"
        lines += [f"## {indicators.label(output)} (`{output}`)", "", f"![{output}]({output}.png)", "",
                  f"Noise level: {noise}.", ""]
        for name, value, half, verdict in ranked:
            lines.append(f"- `{name}`: {value:.4g} ± {half:.2g} ({verdict})")
        lines.append("")
    (folder / "sensitivity.md").write_text("\n".join(lines), encoding="utf-8")
    table.attrs["warnings"] = warnings
    return table

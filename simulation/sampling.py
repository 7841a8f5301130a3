"""Experimental designs: which parameter values a sweep runs.

A design turns parameter specifications into a table of points (one row per point, one column
per parameter). Full grid and Latin hypercube come from numpy/scipy; Morris and Sobol from
SALib, whose matching analyses live in sensitivity.py. All designs are deterministic given the
seed.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

DESIGNS = ("grid", "lhs", "morris", "sobol")
MORRIS_LEVELS = 4


@dataclass(frozen=True)
class Parameter:
    """A swept parameter: either a list of ``values`` or a range ``low``..``high`` (``steps`` for grids)."""

    name: str
    values: tuple = ()
    low: float | None = None
    high: float | None = None
    steps: int = 3
    integer: bool = False

    def bounds(self) -> tuple[float, float]:
        """``(low, high)`` of a range parameter."""
        if self.low is None or self.high is None:
            raise ValueError(f"parameter {self.name!r} has neither values nor a low..high range")
        return self.low, self.high

    def grid_values(self) -> list:
        if self.values:
            return list(self.values)
        vals = np.linspace(*self.bounds(), self.steps)
        return [int(round(v)) for v in vals] if self.integer else [float(v) for v in vals]

    def from_unit(self, u: np.ndarray) -> list:
        """Map values in [0, 1) onto the parameter (ranges scale; value lists index)."""
        if self.values:
            idx = np.minimum((u * len(self.values)).astype(int), len(self.values) - 1)
            return [self.values[i] for i in idx]
        low, high = self.bounds()
        x = low + u * (high - low)
        return [int(round(v)) for v in x] if self.integer else [float(v) for v in x]


def salib_problem(params: list[Parameter]) -> dict:
    return {"num_vars": len(params), "names": [p.name for p in params],
            "bounds": [[p.low, p.high] for p in params]}


def design(params: list[Parameter], kind: str, samples: int, seed: int) -> pd.DataFrame:
    """The points of a design as a table (row order is the order SALib's analyses expect)."""
    if kind == "grid":
        rows = list(itertools.product(*[p.grid_values() for p in params]))
        return pd.DataFrame(rows, columns=[p.name for p in params])
    if kind == "lhs":
        from scipy.stats import qmc
        u = qmc.LatinHypercube(d=len(params), seed=np.random.default_rng(seed)).random(samples)
        return pd.DataFrame({p.name: p.from_unit(u[:, j]) for j, p in enumerate(params)})
    if kind == "morris":
        from SALib.sample import morris
        x = morris.sample(salib_problem(params), N=samples, num_levels=MORRIS_LEVELS, seed=seed)
    elif kind == "sobol":
        from SALib.sample import sobol
        x = sobol.sample(salib_problem(params), N=samples, calc_second_order=False, seed=seed)
    else:
        raise ValueError(f"unknown design {kind!r}")
    return pd.DataFrame({p.name: ([int(round(v)) for v in x[:, j]] if p.integer else x[:, j].astype(float))
                         for j, p in enumerate(params)})

"""Running a scenario: ``run(scenario, seed) -> RunResult`` (tables, no files).

This is the one entry point the CLI, the comparison and the sweeps call; it knows nothing of
model internals beyond the model's ``run``, ``timeseries`` and ``summary``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pandas as pd

from .model import WelfareModel
from .scenario import Scenario


@dataclass
class RunResult:
    """One run: the weekly table, the summary indicators, and what produced them."""

    scenario: Scenario
    seed: int
    timeseries: pd.DataFrame
    summary: dict[str, float]
    timings: dict[str, float] = field(default_factory=dict)

    def summary_frame(self) -> pd.DataFrame:
        """The summary as a one-row table with the scenario name and seed."""
        return pd.DataFrame([{"scenario": self.scenario.name, "seed": self.seed, **self.summary}])


def run(scenario: Scenario | None = None, seed: int = 1, progress=None) -> RunResult:
    """Simulate ``scenario`` (warm-up plus recorded weeks) with ``seed``.

    ``progress``, if given, is called with the number of weeks just simulated (a tqdm
    ``update``, for instance).
    """
    scenario = scenario or Scenario()
    t0 = time.perf_counter()
    model = WelfareModel(scenario, rng=seed)
    t1 = time.perf_counter()
    while model.running:
        model.step()
        if progress is not None:
            progress(1)
    t2 = time.perf_counter()
    result = RunResult(scenario, int(seed), model.timeseries(), model.summary())
    result.timings = {"build_s": t1 - t0, "simulate_s": t2 - t1, "summarise_s": time.perf_counter() - t2}
    return result

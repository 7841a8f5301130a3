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


# --------------------------------------------------------------------------------------------
# Many runs: one executor interface for processes (and, later, a Dask cluster)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    """One run to do: a key that names it in the results, the scenario and the seed."""

    key: tuple
    scenario: Scenario
    seed: int


def seeds(root: int, n: int) -> list[int]:
    """n independent seeds derived from one root seed (numpy SeedSequence), as Python ints."""
    import numpy as np
    return [int(x) for x in np.random.SeedSequence(root).generate_state(n, dtype=np.uint32)]


def _do(task: Task) -> tuple[tuple, RunResult]:
    return task.key, run(task.scenario, task.seed)


def execute(tasks: list[Task], jobs: int = 1, on_result=None) -> None:
    """Run ``tasks`` on ``jobs`` processes; ``on_result(key, result)`` is called in this
    process as each finishes (in completion order; results are keyed, never ordered).

    With ``jobs == 1`` everything runs here. Worker processes are started with ``spawn``, so
    notebooks and every platform behave alike. Ctrl-C cancels what has not started.
    """
    if jobs <= 1 or len(tasks) <= 1:
        for task in tasks:
            key, result = _do(task)
            if on_result:
                on_result(key, result)
        return
    import multiprocessing as mp
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    with ProcessPoolExecutor(max_workers=jobs, mp_context=mp.get_context("spawn")) as pool:
        pending = {pool.submit(_do, t) for t in tasks}
        try:
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    key, result = future.result()
                    if on_result:
                        on_result(key, result)
        except BaseException:
            for future in pending:
                future.cancel()
            raise

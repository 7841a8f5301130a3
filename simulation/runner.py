"""Running a scenario: ``run(scenario, seed) -> RunResult`` (tables, no files).

This is the one entry point the CLI, the comparison and the sweeps call; it knows nothing of
model internals beyond the model's ``run``, ``timeseries`` and ``summary``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pandas as pd

from .model import WelfareModel
from .panel import PanelSpec
from .scenario import Scenario


@dataclass
class RunResult:
    """One run: the weekly table, the summary indicators, and what produced them.

    ``panel`` is the person-week panel (docs/panel.md) if one was asked for, else None.
    """

    scenario: Scenario
    seed: int
    timeseries: pd.DataFrame
    summary: dict[str, float]
    timings: dict[str, float] = field(default_factory=dict)
    panel: pd.DataFrame | None = None
    panel_spec: PanelSpec | None = None

    def summary_frame(self) -> pd.DataFrame:
        """The summary as a one-row table with the scenario name and seed."""
        return pd.DataFrame([{"scenario": self.scenario.name, "seed": self.seed, **self.summary}])


def run(scenario: Scenario | None = None, seed: int = 1, progress=None,
        panel: PanelSpec | float | str | None = None) -> RunResult:
    """Simulate ``scenario`` (warm-up plus recorded weeks) with ``seed``.

    ``progress``, if given, is called with the number of weeks just simulated (a tqdm
    ``update``, for instance). ``panel`` (a share of persons in (0, 1], ``"all"`` or a
    :class:`PanelSpec`) also records the person-week panel, returned as ``result.panel``.
    """
    scenario = scenario or Scenario()
    spec = None if panel is None else PanelSpec.of(panel)
    t0 = time.perf_counter()
    model = WelfareModel(scenario, rng=seed, panel=spec)
    t1 = time.perf_counter()
    while model.running:
        model.step()
        if progress is not None:
            progress(1)
    t2 = time.perf_counter()
    result = RunResult(scenario, int(seed), model.timeseries(), model.summary(), panel_spec=spec)
    result.timings = {"build_s": t1 - t0, "simulate_s": t2 - t1, "summarise_s": time.perf_counter() - t2}
    if model.panel is not None:
        t3 = time.perf_counter()
        result.panel = model.panel.frame(release=True)
        result.timings["panel_s"] = time.perf_counter() - t3
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


class RunFailed(Exception):
    """A run that raised, carried back as data so a sweep can record it and go on."""

    def __init__(self, key, error: str):
        super().__init__(error)
        self.key, self.error = key, error


def _do_catching(task: Task):
    try:
        return _do(task)
    except Exception as exc:   # recorded by the caller, with the task's parameters and seed
        return task.key, RunFailed(task.key, f"{type(exc).__name__}: {exc}")


def execute(tasks: list[Task], jobs: int = 1, on_result=None, *, scheduler: str | None = None,
            catch_errors: bool = False) -> None:
    """Run ``tasks`` and call ``on_result(key, result)`` in this process as each finishes.

    One interface for every backend: ``jobs == 1`` runs here; ``jobs > 1`` uses that many local
    processes (started with ``spawn``, so notebooks and every platform behave alike); a
    ``scheduler`` address (``tcp://host:8786``) runs on an existing Dask cluster. Results
    arrive in completion order and are keyed, never ordered, so the outcome is the same on
    every backend. With ``catch_errors`` a run that raises is passed to ``on_result`` as a
    :class:`RunFailed` instead of stopping everything. Ctrl-C cancels what has not started.
    """
    work = _do_catching if catch_errors else _do
    if scheduler is None and (jobs <= 1 or len(tasks) <= 1):
        for task in tasks:
            key, result = work(task)
            if on_result:
                on_result(key, result)
        return
    from concurrent.futures import FIRST_COMPLETED, wait

    if scheduler is not None:
        from dask.distributed import Client
        client = Client(scheduler, set_as_default=False)
        executor = client.get_executor(pure=False)
        close = client.close
        jobs = max(1, sum(client.nthreads().values()))
    else:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor
        executor = ProcessPoolExecutor(max_workers=jobs, mp_context=mp.get_context("spawn"))
        close = None
    pending: set = set()
    failed = False
    try:
        queue = iter(tasks)
        window = max(2 * max(jobs, 1), 8)     # bounded: memory stays flat however many tasks
        for task in queue:
            pending.add(executor.submit(work, task))
            if len(pending) >= window:
                break
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                key, result = future.result()
                if on_result:
                    on_result(key, result)
                nxt = next(queue, None)
                if nxt is not None:
                    pending.add(executor.submit(work, nxt))
    except BaseException:
        failed = True
        for future in pending:
            future.cancel()
        raise
    finally:
        if close is None:
            executor.shutdown(wait=not failed, cancel_futures=True)
        else:
            executor.shutdown(wait=False)
            close()

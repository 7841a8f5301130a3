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
    """A run that raised (or whose worker died), carried back as data so a batch can record it and go on."""

    def __init__(self, key, error: str):
        super().__init__(error)
        self.key, self.error = key, error

    def __reduce__(self):   # sent back from worker processes: rebuild with both arguments
        return RunFailed, (self.key, self.error)


class WorkerLost(RuntimeError):
    """A run whose worker process died (killed, out of memory) on every attempt."""


class BatchStalled(RuntimeError):
    """No worker left to run anything (every Dask worker gone) for longer than the stall timeout."""


#: A run whose worker dies is retried on a fresh worker this many times in all.
MAX_ATTEMPTS = 3
#: Seconds a Dask sweep waits with no worker connected before it gives up (resumable); long
#: enough for a batch queue to start workers, short enough that a dead cluster is noticed.
STALL_TIMEOUT_S = 600.0


def _do_catching(task: Task):
    try:
        return _do(task)
    except Exception as exc:   # recorded by the caller, with the task's parameters and seed
        return task.key, RunFailed(task.key, f"{type(exc).__name__}: {exc}")


def _die_with_parent(parent: int) -> None:
    """Worker initializer: end this worker when the process that started it is gone.

    A killed parent (SIGKILL, a cluster's time limit) must not leave workers computing
    for nobody; Linux ends them at once, elsewhere a watchdog notices within a second.
    """
    import os
    import threading
    try:
        import ctypes
        import signal
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass

    def watch():
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)
    threading.Thread(target=watch, daemon=True).start()


class _Processes:
    """Local worker processes (``spawn``, so notebooks and every platform behave alike)."""

    def __init__(self, jobs: int):
        import multiprocessing as mp
        import os
        from concurrent.futures import ProcessPoolExecutor
        self.slots = jobs
        self.pool = ProcessPoolExecutor(max_workers=jobs, mp_context=mp.get_context("spawn"),
                                        initializer=_die_with_parent, initargs=(os.getpid(),))

    def submit(self, fn, task):
        return self.pool.submit(fn, task)

    def workers(self) -> int:
        return self.slots

    def close(self, clean: bool) -> None:
        processes = list((getattr(self.pool, "_processes", None) or {}).values()) if not clean else []
        self.pool.shutdown(wait=clean, cancel_futures=True)
        for proc in processes:     # interrupted: stop the runs in progress too, not only the queued ones
            proc.terminate()


class _Dask:
    """An existing Dask cluster, reached through its scheduler's address."""

    def __init__(self, scheduler: str):
        from dask.distributed import Client
        self.client = Client(scheduler, set_as_default=False, timeout=CONNECT_TIMEOUT_S)
        self.pool = self.client.get_executor(pure=False)
        self.slots = max(1, sum(self.client.nthreads().values()))

    def submit(self, fn, task):
        return self.pool.submit(fn, task)

    def workers(self) -> int:
        return len(self.client.nthreads())

    def close(self, clean: bool) -> None:
        self.pool.shutdown(wait=False)
        self.client.close()


#: Seconds to wait for a Dask scheduler to answer.
CONNECT_TIMEOUT_S = 15


def check_scheduler(address: str) -> None:
    """Refuse a scheduler address that is malformed or does not answer (``ValueError``, one line)."""
    import re
    if not re.fullmatch(r"(tcp|tls|ws|wss|ucx|inproc)://[^\s/]+(:\d+)?/?", address):
        raise ValueError(f"{address!r} is not a Dask scheduler address; expected e.g. tcp://10.0.0.5:8786")
    try:
        from dask.distributed import Client
        Client(address, set_as_default=False, timeout=CONNECT_TIMEOUT_S).close()
    except (OSError, TimeoutError) as exc:
        raise ValueError(f"cannot reach the Dask scheduler {address} within {CONNECT_TIMEOUT_S} s "
                         f"({type(exc).__name__})") from None


def execute(tasks: list[Task], jobs: int = 1, on_result=None, *, scheduler: str | None = None,
            catch_errors: bool = False, stall_timeout: float = STALL_TIMEOUT_S) -> None:
    """Run ``tasks`` and call ``on_result(key, result)`` in this process as each finishes.

    One interface for every backend: ``jobs == 1`` runs here; ``jobs > 1`` uses that many local
    processes; a ``scheduler`` address (``tcp://host:8786``) runs on an existing Dask cluster.
    Results arrive in completion order and are keyed, never ordered, so the outcome is the
    same on every backend. With ``catch_errors`` a run that raises is passed to ``on_result``
    as a :class:`RunFailed` instead of stopping everything. A run whose worker process dies
    is retried on a fresh worker (up to :data:`MAX_ATTEMPTS` in all), then counts as failed.
    Ctrl-C (or SIGTERM turned into it) stops every worker and cancels what has not started.
    """
    work = _do_catching if catch_errors else _do
    if scheduler is None and (jobs <= 1 or len(tasks) <= 1):
        for task in tasks:
            key, result = work(task)
            if on_result:
                on_result(key, result)
        return
    from collections import deque
    queue: deque[Task] = deque(tasks)
    lost: dict = {}      # key -> how many workers died running it
    while queue:
        backend = _Dask(scheduler) if scheduler is not None else _Processes(jobs)
        clean = False
        try:
            _drain(backend, queue, work, on_result, lost, catch_errors, stall_timeout)
            clean = True
        finally:
            backend.close(clean)


def _drain(backend, queue, work, on_result, lost, catch_errors, stall_timeout) -> None:
    """Feed ``queue`` to ``backend`` with a bounded window; return early if the backend broke.

    Runs that were in flight when it broke go back to the front of the queue (or, after
    :data:`MAX_ATTEMPTS`, are reported failed), so the caller can start a fresh backend.
    """
    from concurrent.futures import FIRST_COMPLETED, wait
    from concurrent.futures.process import BrokenProcessPool

    window = max(2 * max(backend.slots, 1), 8)     # bounded: memory stays flat however many tasks
    pending: dict = {}
    idle_since = None
    while queue or pending:
        while queue and len(pending) < window:
            task = queue.popleft()
            pending[backend.submit(work, task)] = task
        done, _ = wait(list(pending), timeout=5.0, return_when=FIRST_COMPLETED)
        if not done:
            idle_since = _check_stall(backend, idle_since, stall_timeout)
            continue
        idle_since = None
        broken = []
        for future in done:
            task = pending.pop(future)
            try:
                key, result = future.result()
            except BrokenProcessPool:
                broken.append(task)
                continue
            except Exception as exc:
                if type(exc).__name__ != "KilledWorker":   # Dask already retried it on other workers
                    raise
                key, result = task.key, _lost_for_good(task, catch_errors, "Dask workers died running it")
            if on_result:
                on_result(key, result)
        if broken:
            _requeue(broken + list(pending.values()), queue, lost, catch_errors, on_result)
            return


def _requeue(tasks, queue, lost, catch_errors, on_result) -> None:
    for task in reversed(tasks):
        lost[task.key] = lost.get(task.key, 0) + 1
        if lost[task.key] < MAX_ATTEMPTS:
            queue.appendleft(task)
        else:
            failure = _lost_for_good(task, catch_errors, f"its worker process died {MAX_ATTEMPTS} times "
                                                         "(killed, e.g. for lack of memory)")
            if on_result:
                on_result(task.key, failure)


def _lost_for_good(task: Task, catch_errors: bool, why: str) -> RunFailed:
    if not catch_errors:
        raise WorkerLost(f"run {task.key} (seed {task.seed}): {why}")
    return RunFailed(task.key, f"WorkerLost: {why}")


def _check_stall(backend, idle_since, stall_timeout):
    if backend.workers() > 0:
        return None
    now = time.monotonic()
    if idle_since is None:
        return now
    if now - idle_since > stall_timeout:
        raise BatchStalled(f"no worker has been connected for {stall_timeout:.0f} s")
    return idle_since

"""Where the weekly step's time goes, kernel by kernel: wall time of each compiled kernel per week.

cProfile (profile_step.py) cannot see into compiled kernels: it counts a kernel's time as its
Python caller's. This wraps every compiled kernel the step calls through its module (the
life-event passes, arrivals, the arenas' kernels and the contacts' means, the censuses, the staff's
and the office's kernels) in a timer, runs settled weeks with the garbage collector off, and prints ms per week
for each kernel and for the rest (Python and numpy around the kernels).
Wall time on a shared machine: compare runs made in the same hour.

``--warm N`` also calls each kernel N more times in a row on its last week's arguments, after
the measured weeks (the model is not used again: a kernel that changes its inputs then works on a
drifting state, which does not matter for a timing), and prints what a week of it would take with
its data already in the caches, and again with the caches emptied before each call (a 96 MB buffer
written). A kernel much slower in the week than warm, and as slow with the caches emptied, waits
for memory: the rest of the week has evicted its columns, and fewer bytes, not fewer instructions,
would speed it.
"""

from __future__ import annotations

import gc
import time
from collections import Counter

import numpy as np

#: written before each call to empty the caches (larger than this machine's 32 MB L3)
EVICT_BYTES = 96 * 2**20


def _timed(module, name: str, spent: Counter, calls: Counter, last: dict) -> None:
    kernel = getattr(module, name)

    def timed(*args, **kwargs):
        t = time.perf_counter()
        out = kernel(*args, **kwargs)
        spent[name] += time.perf_counter() - t
        calls[name] += 1
        last[name] = (kernel, args, kwargs)
        return out

    setattr(module, name, timed)


def _repeated(kernel, args, kwargs, repeats: int, evict=None) -> float:
    """Median seconds of ``repeats`` calls in a row (the first warms the caches and is left out);
    with ``evict`` (a buffer larger than the caches), the buffer is written before each call, so
    that the kernel finds its data in memory again, as it does in the week."""
    kernel(*args, **kwargs)
    times = []
    for _ in range(repeats):
        if evict is not None:
            evict += 1.0
        t = time.perf_counter()
        kernel(*args, **kwargs)
        times.append(time.perf_counter() - t)
    return sorted(times)[len(times) // 2]


def main(argv: list[str] | None = None) -> None:
    from profile_step import settled_model  # (this folder: the scripts run as files)

    from simulation import kernels
    from simulation.kernels import arrivals, life_events
    from simulation.kernels import office as office_kernels
    from simulation.kernels import staff as staff_kernels

    a, _, model = settled_model(__doc__.split("\n\n")[0], argv, lambda p: p.add_argument(
        "--warm", type=int, default=0, metavar="N",
        help="also time N calls of each kernel in a row on its last arguments (default: 0, not)"))
    spent: Counter = Counter()
    calls: Counter = Counter()
    last: dict = {}
    for module in (life_events, arrivals, kernels, staff_kernels, office_kernels):
        for name in dir(module):
            if hasattr(getattr(module, name), "py_func"):        # a compiled kernel (those called from
                _timed(module, name, spent, calls, last)         # other kernels are not timed: bound there)
    gc.disable()
    t = time.perf_counter()
    for _ in range(a.weeks):
        model.step()
    total = time.perf_counter() - t
    per_week = 1000.0 / a.weeks
    print(f"{a.citizens:,} citizens, {a.weeks} recorded weeks after {a.warmup} of spin-up: "
          f"{total * per_week:.2f} ms per week\n")
    warm, cold = {}, {}
    if a.warm:
        evict = np.zeros(EVICT_BYTES // 8)
        for name in spent:
            warm[name] = _repeated(*last[name], a.warm) * calls[name] / a.weeks
            cold[name] = _repeated(*last[name], a.warm, evict) * calls[name] / a.weeks
    print("kernel                         ms/week" + ("     warm  in week / warm  caches emptied" if warm else ""))
    for name, seconds in spent.most_common():
        line = f"{name:30s} {seconds * per_week:7.3f}"
        if warm:
            line += f"  {warm[name] * 1000:7.3f}  {seconds / a.weeks / warm[name]:9.1f}x  {cold[name] * 1000:10.3f}"
        print(line)
    print(f"{'(the rest)':30s} {(total - sum(spent.values())) * per_week:7.3f}")


if __name__ == "__main__":
    main()

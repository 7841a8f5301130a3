"""Where the weekly step's time goes, kernel by kernel: wall time of each compiled kernel per week.

cProfile (profile_step.py) cannot see into compiled kernels: it counts a kernel's time as its
Python caller's. This wraps every compiled kernel the step calls through its module (the
life-event passes, arrivals, the arenas' kernels and the contacts' means, the censuses, the staff's
and the office's kernels) in a timer, runs settled weeks with the garbage collector off, and prints ms per week
for each kernel and for the rest (Python and numpy around the kernels).
Wall time on a shared machine: compare runs made in the same hour.
"""

from __future__ import annotations

import gc
import time
from collections import Counter


def _timed(module, name: str, spent: Counter) -> None:
    kernel = getattr(module, name)

    def timed(*args, **kwargs):
        t = time.perf_counter()
        out = kernel(*args, **kwargs)
        spent[name] += time.perf_counter() - t
        return out

    setattr(module, name, timed)


def main(argv: list[str] | None = None) -> None:
    from profile_step import settled_model  # (this folder: the scripts run as files)

    from simulation import kernels
    from simulation.kernels import arrivals, life_events
    from simulation.kernels import office as office_kernels
    from simulation.kernels import staff as staff_kernels

    a, _, model = settled_model(__doc__.split("\n\n")[0], argv)
    spent: Counter = Counter()
    for module in (life_events, arrivals, kernels, staff_kernels, office_kernels):
        for name in dir(module):
            if hasattr(getattr(module, name), "py_func"):        # a compiled kernel (those called from
                _timed(module, name, spent)                      # other kernels are not timed: bound there)
    gc.disable()
    t = time.perf_counter()
    for _ in range(a.weeks):
        model.step()
    total = time.perf_counter() - t
    per_week = 1000.0 / a.weeks
    print(f"{a.citizens:,} citizens, {a.weeks} recorded weeks after {a.warmup} of spin-up: "
          f"{total * per_week:.2f} ms per week\n")
    print("kernel                         ms/week")
    for name, seconds in spent.most_common():
        print(f"{name:30s} {seconds * per_week:7.3f}")
    print(f"{'(the rest)':30s} {(total - sum(spent.values())) * per_week:7.3f}")


if __name__ == "__main__":
    main()
